package io.herald.retention;

import io.herald.Config;
import io.vertx.core.json.JsonObject;

/**
 * How long the feed and the notifications are kept ({@code store.retention}).
 *
 * @param notificationSeconds a notification is kept while it is unacknowledged (channels that push) and at least this
 *                            long after its change ({@code $poll} replays from what is kept)
 * @param feedSeconds         a change stays in the feed at least this long after it was written, and until the
 *                            matcher has passed it
 * @param everySeconds        how often pruning runs; 0: never, everything is kept
 * @param batch               rows removed per statement, so no statement holds its locks or its WAL for long
 */
public record RetentionConfig(long notificationSeconds, long feedSeconds, int everySeconds, int batch) {

  public static RetentionConfig from(JsonObject retention) {
    if (retention == null) {
      throw new IllegalArgumentException("store.retention is missing from the configuration");
    }
    return new RetentionConfig(
        Config.integer(retention, "notificationSeconds", 0, Integer.MAX_VALUE),
        Config.integer(retention, "feedSeconds", 0, Integer.MAX_VALUE),
        Config.integer(retention, "everySeconds", 0, 86_400),
        Config.integer(retention, "batch", 1, 1_000_000));
  }

  /** Whether pruning runs at all. */
  public boolean prunes() {
    return everySeconds > 0;
  }
}
