package io.herald.http;

import io.herald.auth.AuthConfig;
import io.herald.auth.Scopes;
import io.herald.bus.Addresses;
import io.herald.fhir.Backport;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /fhir/metadata}: the CapabilityStatement, with the canonical URL of every active SubscriptionTopic on its
 * Subscription resource ({@code capabilitystatement-subscriptiontopic-canonical}), read as the request comes, and its
 * {@code security}: where to get a token (SMART's {@code oauth-uris}), or that authentication is off. And
 * {@code GET /fhir/.well-known/smart-configuration}, the same for OAuth libraries.
 */
final class MetadataHandler {

  private static final int MAX_TOPICS = 1000;
  private static final String OAUTH_URIS = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";

  private final StoreClient store;
  private final JsonObject capabilities;
  private final boolean authenticate;

  MetadataHandler(StoreClient store, JsonObject capabilities, boolean authenticate) {
    this.store = store;
    this.capabilities = capabilities;
    this.authenticate = authenticate;
  }

  void smartConfiguration(RoutingContext ctx) {
    String base = Responses.base(ctx);
    Responses.json(ctx, 200, new JsonObject().put("issuer", AuthConfig.ISSUER).put("token_endpoint", base + "/auth/token")
        .put("token_endpoint_auth_methods_supported", new JsonArray().add("client_secret_basic").add("client_secret_post")
            .add("private_key_jwt"))
        .put("token_endpoint_auth_signing_alg_values_supported", new JsonArray().add("ES256").add("ES384").add("RS256")
            .add("RS384"))
        .put("grant_types_supported", new JsonArray().add("client_credentials"))
        .put("scopes_supported", new JsonArray().add("system/*.cruds").add("system/*.rs").add(Scopes.ADMIN))
        .put("capabilities", new JsonArray().add("client-confidential-symmetric").add("client-confidential-asymmetric").add("permission-v1").add("permission-v2")));
  }

  private JsonObject security(String base) {
    if (!authenticate) {
      return new JsonObject().put("description", "Authentication is OFF (HERALD_AUTH=off): anyone who reaches this server"
          + " may read, write and subscribe to everything. For local development only.");
    }
    return new JsonObject()
        .put("extension", new JsonArray().add(new JsonObject().put("url", OAUTH_URIS).put("extension", new JsonArray()
            .add(new JsonObject().put("url", "token").put("valueUri", base + "/auth/token")))))
        .put("service", new JsonArray().add(new JsonObject().put("coding", new JsonArray().add(new JsonObject()
            .put("system", "http://terminology.hl7.org/CodeSystem/restful-security-service").put("code", "SMART-on-FHIR")))
            .put("text", "OAuth 2.0 bearer tokens: client credentials at /auth/token, SMART v2 system scopes")))
        .put("description", "Every request but this CapabilityStatement needs a bearer token (Authorization: Bearer);"
            + " a client gets one with its id and secret at " + base + "/auth/token (grant_type=client_credentials).");
  }

  void capabilities(RoutingContext ctx) {
    StoreClient.handle(ctx, () -> store.request(Addresses.STORE_SEARCH, new JsonObject().put("type", "SubscriptionTopic")
            .put("params", new JsonObject().put("status", new JsonArray().add("active"))
                .put("_count", new JsonArray().add(String.valueOf(MAX_TOPICS)))))
        .map(reply -> {
          JsonObject statement = capabilities.copy();
          statement.getJsonArray("rest").getJsonObject(0).put("security", security(Responses.base(ctx)));
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
