package io.herald.deliver;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The worker's retry decisions: by age and attempts, afresh for a new version of the subscription. */
class AttemptsTest {

  private static final RetryPolicy POLICY = RetryPolicy.from(new JsonObject().put("retryBaseMillis", 100)
      .put("retryCapMillis", 1000).put("maxAgeSeconds", 10).put("timeoutSeconds", 1));

  @Test
  void failuresBackOffUpToTheCapThenGiveUpByAge() {
    Attempts attempts = new Attempts(POLICY);
    attempts.at(7);
    assertEquals(100, attempts.failed(0, () -> 1.0));
    assertEquals(200, attempts.failed(100, () -> 1.0));
    assertEquals(400, attempts.failed(300, () -> 1.0));
    assertEquals(800, attempts.failed(700, () -> 1.0));
    assertEquals(1000, attempts.failed(1500, () -> 1.0), "capped");
    assertEquals(500, attempts.failed(2500, () -> 0.0), "jitter: half the backoff at least");
    assertTrue(attempts.failed(9_999, () -> 1.0) > 0, "still within the age");
    assertEquals(-1, attempts.failed(10_000, () -> 1.0), "ten seconds after the first failure: give up");
  }

  @Test
  void anAcknowledgementStartsTheNextNotificationAfresh() {
    Attempts attempts = new Attempts(POLICY);
    attempts.at(7);
    attempts.failed(0, () -> 1.0);
    attempts.failed(100, () -> 1.0);
    attempts.succeeded();
    assertEquals(100, attempts.failed(60_000, () -> 1.0), "the first failure of the next one, and its age starts now");
    assertEquals(200, attempts.failed(60_100, () -> 1.0));
  }

  @Test
  void aNewVersionOfTheSubscriptionIsTriedAfresh() {
    Attempts attempts = new Attempts(POLICY);
    attempts.at(7);
    attempts.failed(0, () -> 1.0);
    attempts.failed(100, () -> 1.0);
    attempts.at(7);
    assertEquals(2, attempts.failures(), "the same version keeps its count");
    attempts.at(8);
    assertEquals(0, attempts.failures());
    assertEquals(100, attempts.failed(20_000, () -> 1.0));
  }

  @Test
  void maxAttemptsWhenSetBoundsTheAttempts() {
    Attempts attempts = new Attempts(RetryPolicy.from(new JsonObject().put("retryBaseMillis", 10)
        .put("retryCapMillis", 10).put("maxAttempts", 3).put("maxAgeSeconds", 3600).put("timeoutSeconds", 1)));
    attempts.at(1);
    assertEquals(10, attempts.failed(0, () -> 1.0));
    assertEquals(10, attempts.failed(10, () -> 1.0));
    assertEquals(-1, attempts.failed(20, () -> 1.0), "the third failed attempt is the last");
  }
}
