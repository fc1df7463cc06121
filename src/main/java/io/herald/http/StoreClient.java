package io.herald.http;

import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.function.Supplier;

/** Sends store commands on the event bus, and runs a route's work with one error path. */
final class StoreClient {

  private final EventBus bus;

  StoreClient(EventBus bus) {
    this.bus = bus;
  }

  Future<JsonObject> request(String address, JsonObject body) {
    return bus.<JsonObject>request(address, body).map(Message::body);
  }

  /** Runs {@code work}; a thrown or failed outcome is answered by {@link Errors#send}. */
  static void handle(RoutingContext ctx, Supplier<Future<?>> work) {
    try {
      work.get().onFailure(failure -> Errors.send(ctx, failure));
    } catch (RuntimeException e) {
      Errors.send(ctx, e);
    }
  }
}
