package io.herald.deliver;

import io.herald.Config;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetryPolicyTest {

  private final RetryPolicy policy = new RetryPolicy(100, 1000, 5, 60_000, 10_000);

  @Test
  void backsOffExponentiallyUpToTheCap() {
    assertEquals(100, policy.delay(1, 0, () -> 1.0));
    assertEquals(200, policy.delay(2, 0, () -> 1.0));
    assertEquals(400, policy.delay(3, 0, () -> 1.0));
    assertEquals(800, policy.delay(4, 0, () -> 1.0));
    assertEquals(1000, new RetryPolicy(100, 1000, 50, 60_000, 10_000).delay(10, 0, () -> 1.0), "capped");
  }

  @Test
  void jitterDrawsFromHalfToWhole() {
    assertEquals(200, policy.delay(3, 0, () -> 0.0));
    long d = policy.delay(3, 0, () -> 0.5);
    assertTrue(d > 200 && d < 400, "between: " + d);
  }

  @Test
  void givesUpAfterTheAttemptsOrTheAge() {
    assertEquals(-1, policy.delay(5, 0, () -> 1.0), "five attempts failed");
    assertEquals(-1, policy.delay(2, 60_000, () -> 1.0), "failing for a minute");
    assertTrue(policy.delay(4, 59_999, () -> 1.0) > 0);
  }

  @Test
  void theDefaultPolicyRidesOutAReceiverThatIsDownForAnHour() {
    RetryPolicy defaults = RetryPolicy.from(Config.defaults().getJsonObject("deliver"));
    long failingFor = 0;
    int failures = 1;
    long longest = 0;
    for (long delay; (delay = defaults.delay(failures, failingFor, () -> 0.0)) >= 0 && failingFor < 3 * 3_600_000L; failures++) {
      failingFor += delay + defaults.timeoutMillis();   // the fastest jitter, each attempt hanging to its timeout
      longest = Math.max(longest, delay);
    }
    assertTrue(failingFor >= 3 * 3_600_000L, "still retrying after three hours of failures, not given up at " + failingFor + " ms");
    assertTrue(longest <= 30_000, "a receiver back up is tried within 30 s: " + longest);
  }

  @Test
  void maxAttemptsStillBoundsTheAttemptsWhenAnOperatorSetsIt() {
    JsonObject deliver = Config.defaults().getJsonObject("deliver").copy().put("maxAttempts", 10);
    assertEquals(-1, RetryPolicy.from(deliver).delay(10, 1000, () -> 0.0));
    assertTrue(RetryPolicy.from(deliver).delay(9, 1000, () -> 0.0) > 0);
  }
}
