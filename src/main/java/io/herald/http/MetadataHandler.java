package io.herald.http;

import io.herald.bus.Addresses;
import io.herald.fhir.Backport;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /fhir/metadata}: the CapabilityStatement, with the canonical URL of every active SubscriptionTopic on its
 * Subscription resource ({@code capabilitystatement-subscriptiontopic-canonical}), read as the request comes.
 */
final class MetadataHandler {

  private static final int MAX_TOPICS = 1000;

  private final StoreClient store;
  private final JsonObject capabilities;

  MetadataHandler(StoreClient store, JsonObject capabilities) {
    this.store = store;
    this.capabilities = capabilities;
  }

  void capabilities(RoutingContext ctx) {
    StoreClient.handle(ctx, () -> store.request(Addresses.STORE_SEARCH, new JsonObject().put("type", "SubscriptionTopic")
            .put("params", new JsonObject().put("status", new JsonArray().add("active"))
                .put("_count", new JsonArray().add(String.valueOf(MAX_TOPICS)))))
        .map(reply -> {
          JsonObject statement = capabilities.copy();
          JsonArray topics = new JsonArray();
          for (Object topic : reply.getJsonArray("resources")) {
            topics.add(new JsonObject().put("url", Backport.TOPIC_CANONICAL)
                .put("valueCanonical", ((JsonObject) topic).getString("url")));
          }
          if (!topics.isEmpty()) {
            for (Object resource : statement.getJsonArray("rest").getJsonObject(0).getJsonArray("resource")) {
              if ("Subscription".equals(((JsonObject) resource).getString("type"))) {
                ((JsonObject) resource).put("extension", topics);
              }
            }
          }
          Responses.json(ctx, 200, statement);
          return reply;
        }));
  }
}
