package io.herald.http;

import io.herald.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Requests a second per client, across the cluster: each HTTP verticle counts its own, in whole-second windows, and
 * tells every other one of the cluster its counts every {@value #SHARE_MS} ms ({@link Addresses#LIMITS_COUNTED}); a
 * request is let through while the client's count in this second, its own and the others' last told, is under the
 * limit. A client spread over nodes may go over by what the others counted since they last told (at most
 * {@value #SHARE_MS} ms of its requests). One per HTTP verticle, confined to its event loop.
 */
final class RequestRates {

  static final long SHARE_MS = 100;

  private final Vertx vertx;
  private final int perSecond;
  private final String self = UUID.randomUUID().toString();
  private final Map<String, Integer> counts = new HashMap<>();
  private final Map<String, JsonObject> others = new HashMap<>();   // verticle → {second, counts} it told last
  private long second = -1;
  private boolean counted;   // since last told

  /** @param perSecond the most requests a client may make in one second; 0: no limit */
  RequestRates(Vertx vertx, int perSecond) {
    this.vertx = vertx;
    this.perSecond = perSecond;
  }

  Future<Void> start() {
    if (perSecond == 0) {
      return Future.succeededFuture();
    }
    vertx.setPeriodic(SHARE_MS, t -> {
      if (counted) {
        counted = false;
        vertx.eventBus().publish(Addresses.LIMITS_COUNTED, new JsonObject().put("from", self).put("second", second)
            .put("counts", new JsonObject(new HashMap<>(counts))));
      }
    });
    return vertx.eventBus().<JsonObject>consumer(Addresses.LIMITS_COUNTED, m -> {
      if (!self.equals(m.body().getString("from"))) {
        others.put(m.body().getString("from"), m.body());
      }
    }).completion();
  }

  /** 0 when {@code client} may make one more request now (it is counted), else how many ms until it may. */
  long wait(String client) {
    if (perSecond == 0) {
      return 0;
    }
    long now = System.currentTimeMillis();
    if (now / 1000 != second) {
      second = now / 1000;
      counts.clear();
      others.values().removeIf(told -> told.getLong("second") < second);
    }
    int made = counts.getOrDefault(client, 0);
    for (JsonObject told : others.values()) {
      if (told.getLong("second") == second) {
        made += told.getJsonObject("counts").getInteger(client, 0);
      }
    }
    if (made >= perSecond) {
      return 1000 - now % 1000;
    }
    counts.merge(client, 1, Integer::sum);
    counted = true;
    return 0;
  }
}
