package io.herald.deliver.live;

import io.herald.Config;
import io.vertx.core.json.JsonObject;

/**
 * Live subscriptions' bounds ({@code live}).
 *
 * @param maxHeld    how many changes a subscription may hold back while its socket registers and catches up; more,
 *                   and it ends with an OVERFLOW saying where to resume
 * @param maxCatchUp how far back {@code from} may be: at most this many versionIds before the live stream's start
 *                   (catching up reads the type's history from there); further back is refused, to be read by search
 */
public record LiveConfig(int maxHeld, int maxCatchUp) {

  public static LiveConfig from(JsonObject live) {
    if (live == null) {
      throw new IllegalArgumentException("live is missing from the configuration");
    }
    return new LiveConfig(Config.integer(live, "maxHeld", 1, 10_000_000),
        Config.integer(live, "maxCatchUp", 0, Integer.MAX_VALUE));
  }
}
