package io.herald.http;

import io.herald.bus.Addresses;
import io.herald.fhir.Bundles;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /fhir/{type}?criteria}: a searchset Bundle, its pages all as of the first one's snapshot. */
final class SearchHandler {

  private final StoreClient store;

  SearchHandler(StoreClient store) {
    this.store = store;
  }

  void search(RoutingContext ctx) {
    StoreClient.handle(ctx, () -> {
      String type = FhirRequests.type(ctx);
      JsonObject command = new JsonObject().put("type", type).put("params", QueryParams.toJson(ctx.queryParams()));
      return store.request(Addresses.STORE_SEARCH, command).map(reply -> {
        String base = Responses.base(ctx);
        JsonArray entries = new JsonArray();
        JsonArray resources = reply.getJsonArray("resources");
        for (int i = 0; i < resources.size(); i++) {
          JsonObject resource = resources.getJsonObject(i);
          entries.add(Bundles.searchEntry(base + "/fhir/" + type + "/" + resource.getString("id"), resource));
        }
        String next = reply.getInteger("nextOffset") == null ? null
            : base + ctx.request().path() + "?" + QueryParams.with(ctx.queryParams(), java.util.Map.of(
                "_snapshot", reply.getLong("snapshot").toString(), "_offset", reply.getLong("nextOffset").toString()));
        JsonObject bundle = Bundles.bundle("searchset", base + ctx.request().uri(), next, entries);
        if (reply.containsKey("total")) {
          bundle.put("total", reply.getLong("total"));
        }
        Responses.json(ctx, 200, bundle);
        return reply;
      });
    });
  }
}
