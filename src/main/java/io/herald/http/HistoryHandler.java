package io.herald.http;

import io.herald.bus.Addresses;
import io.herald.fhir.Bundles;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** {@code _history} of the system, a type or an instance: Bundles of type history, newest first. */
final class HistoryHandler {

  private final StoreClient store;

  HistoryHandler(StoreClient store) {
    this.store = store;
  }

  void system(RoutingContext ctx) {
    StoreClient.handle(ctx, () -> history(ctx, null, null));
  }

  void type(RoutingContext ctx) {
    StoreClient.handle(ctx, () -> history(ctx, FhirRequests.type(ctx), null));
  }

  void instance(RoutingContext ctx) {
    StoreClient.handle(ctx, () -> history(ctx, FhirRequests.type(ctx), FhirRequests.id(ctx)));
  }

  private io.vertx.core.Future<?> history(RoutingContext ctx, String type, String id) {
    JsonObject command = new JsonObject().put("type", type).put("id", id)
        .put("params", QueryParams.toJson(ctx.queryParams()));
    return store.request(Addresses.STORE_HISTORY, command).map(reply -> {
      String base = Responses.base(ctx);
      JsonArray rows = reply.getJsonArray("entries");
      JsonArray entries = Bundles.changeEntries(base, rows);
      String self = base + ctx.request().uri();
      String next = null;
      if (reply.getBoolean("more")) {
        long last = rows.getJsonObject(rows.size() - 1).getLong("versionId");
        next = base + ctx.request().path() + "?" + QueryParams.with(ctx.queryParams(), java.util.Map.of("_cursor", Long.toString(last)));
      }
      Responses.json(ctx, 200, Bundles.bundle("history", self, next, entries));
      return reply;
    });
  }
}
