package io.herald.deliver;

import io.herald.Config;
import io.vertx.core.json.JsonObject;

import java.util.function.DoubleSupplier;

/**
 * When to try a failed delivery again: exponential backoff from {@code baseMillis}, capped at
 * {@code capMillis}, with jitter (each delay is drawn from [half, whole] of the backoff), given up
 * once the first failure is {@code maxAgeMillis} old, or after {@code maxAttempts} attempts when that
 * is set ({@code deliver.maxAttempts}; without it, age alone decides). The defaults retry for a day,
 * every 30 s at most, so a receiver that is down for hours gets everything once it is back.
 */
public record RetryPolicy(long baseMillis, long capMillis, int maxAttempts, long maxAgeMillis, long timeoutMillis) {

  public static RetryPolicy from(JsonObject deliver) {
    return new RetryPolicy(Config.integer(deliver, "retryBaseMillis", 1, 3_600_000),
        Config.integer(deliver, "retryCapMillis", 1, 86_400_000),
        deliver.getValue("maxAttempts") == null ? Integer.MAX_VALUE : Config.integer(deliver, "maxAttempts", 1, 1_000_000),
        Config.integer(deliver, "maxAgeSeconds", 1, 31_536_000) * 1000L,
        Config.integer(deliver, "timeoutSeconds", 1, 3600) * 1000L);
  }

  /**
   * The delay before attempt {@code failures + 1}, or -1 when there is to be none.
   *
   * @param failures       failed attempts so far (1 after the first failure)
   * @param failingForMillis how long since the first failure
   */
  public long delay(int failures, long failingForMillis, DoubleSupplier random) {
    if (failures >= maxAttempts || failingForMillis >= maxAgeMillis) {
      return -1;
    }
    double backoff = Math.min(capMillis, baseMillis * Math.pow(2, failures - 1));
    return Math.round(backoff * (0.5 + 0.5 * random.getAsDouble()));
  }
}
