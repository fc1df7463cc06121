package io.herald.http;

import io.herald.bus.Addresses;
import io.herald.criteria.Criteria;
import io.herald.fhir.Bundles;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** {@code _history} of the system, a type or an instance: Bundles of type history, newest first. */
final class HistoryHandler {

  private final StoreClient store;
  private final Restrictions restrictions;

  HistoryHandler(StoreClient store, Restrictions restrictions) {
    this.store = store;
    this.restrictions = restrictions;
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

  private Future<?> history(RoutingContext ctx, String type, String id) {
    JsonObject command = new JsonObject().put("type", type).put("id", id)
        .put("params", QueryParams.toJson(ctx.queryParams()));
    Criteria readable = type == null ? null : restrictions.readable(ctx, type);
    return store.request(Addresses.STORE_HISTORY, command).map(reply -> {
      String base = Responses.base(ctx);
      JsonArray rows = reply.getJsonArray("entries");
      JsonArray shown = readable == null ? rows : within(readable, rows);
      if (id != null && shown.isEmpty() && !rows.isEmpty()) {   // none of it may be seen: as if it did not exist
        throw Errors.notFound(type + "/" + id + " does not exist");
      }
      JsonArray entries = Bundles.changeEntries(base, shown);
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

  /**
   * The versions within what a restricted caller may read: a deletion by what it deleted. Paging goes on from the last
   * version read, shown or not.
   */
  private static JsonArray within(Criteria readable, JsonArray rows) {
    JsonArray kept = new JsonArray();
    for (int i = 0; i < rows.size(); i++) {
      JsonObject row = rows.getJsonObject(i);
      JsonObject content = row.getJsonObject("resource") != null ? row.getJsonObject("resource") : row.getJsonObject("deletedContent");
      if (Restrictions.within(readable, content)) {
        kept.add(row);
      }
    }
    return kept;
  }
}
