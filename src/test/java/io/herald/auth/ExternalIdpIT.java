package io.herald.auth;

import io.herald.testing.Bearer;
import io.herald.testing.HeraldNode;
import io.herald.testing.Keys;
import io.herald.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Tokens of an external identity provider (as Keycloak issues them): verified against the keys its JWKS URL serves
 * and its issuer, their SMART scopes granted and their other scopes ({@code openid}, {@code profile}) left out; tokens
 * of another issuer, another audience, without an expiry or signed by another key refused; Herald's own tokens still
 * taken.
 */
class ExternalIdpIT {

  private static final String ISSUER = "http://idp.example/realms/health";
  private static final String AUDIENCE = "herald-api";
  private static final String ADMIN_SECRET = "admin-secret-for-the-tests";

  private static Vertx idp;
  private static HeraldNode node;
  private static Bearer bearer;
  private static JWTAuth signer;
  private static JWTAuth stranger;

  @BeforeAll
  static void start() {
    JsonObject key = Keys.ecJwk("k1");
    signer = JWTAuth.create(null, new JWTAuthOptions().addJwk(key));
    stranger = JWTAuth.create(null, new JWTAuthOptions().addJwk(Keys.ecJwk("k1")));   // same kid, another key
    JsonObject published = Keys.publicOf(key);
    idp = Vertx.vertx();
    HttpServer jwks = idp.createHttpServer().requestHandler(request -> request.response()
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("keys", new JsonArray().add(published)).encode())).listen(0, "127.0.0.1").await();
    node = HeraldNode.start(TestDatabase.freshDatabase(), new JsonObject().put("auth", new JsonObject().put("enabled", true)
        .put("adminSecret", ADMIN_SECRET).put("issuer", ISSUER)
        .put("jwksUri", "http://127.0.0.1:" + jwks.actualPort() + "/realms/health/protocol/openid-connect/certs")
        .put("audience", AUDIENCE)));
    bearer = new Bearer(node);
  }

  @AfterAll
  static void stop() {
    node.close();
    idp.close().await();
  }

  private static String token(JWTAuth by, String issuer, String scope) {
    return token(by, issuer, scope, AUDIENCE, 60);
  }

  /** @param seconds how long it lives; 0: no exp at all */
  private static String token(JWTAuth by, String issuer, String scope, String audience, int seconds) {
    JWTOptions options = new JWTOptions().setAlgorithm("ES256").setIssuer(issuer).addAudience(audience)
        .setHeader(new JsonObject().put("kid", "k1"));
    return by.generateToken(new JsonObject().put("azp", "ward-app").put("sub", "service-account-ward-app")
        .put("scope", scope), seconds == 0 ? options.setNoTimestamp(true) : options.setExpiresInSeconds(seconds));
  }

  @Test
  void theIdentityProvidersTokensAreTakenWithTheirSmartScopes() {
    String ward = token(signer, ISSUER, "openid profile email system/Observation.rs");
    assertEquals(200, bearer.get("/Observation", ward).status);
    assertEquals(403, bearer.get("/Patient", ward).status, "a scope it was not given");
    String subscription = new JsonObject().put("resourceType", "Subscription").put("status", "active").put("reason", "idp")
        .put("criteria", "Observation").put("channel", new JsonObject().put("type", "poll")).encode();
    assertEquals(201, bearer.send(bearer.fhir("POST", "/Subscription", subscription), ward).status);
    String nothing = token(signer, ISSUER, "openid profile email");
    assertEquals(403, bearer.send(bearer.fhir("POST", "/Subscription", subscription), nothing).status,
        "a token with none of Herald's scopes hears nothing");
  }

  @Test
  void anotherIssuerOrAnotherKeyIsRefusedAndHeraldsOwnTokensStillWork() {
    for (String bad : new String[] {token(signer, "http://elsewhere.example", "system/*.rs"),
        token(stranger, ISSUER, "system/*.rs"), token(signer, "herald", "system/*.rs"),
        token(signer, ISSUER, "system/*.rs", "another-api", 60), token(signer, ISSUER, "system/*.rs", AUDIENCE, 0)}) {
      assertEquals(401, bearer.get("/Observation", bad).status, Arrays.toString(bad.split("\\.")));
    }
    assertEquals(200, bearer.get("/Observation", bearer.token("admin", ADMIN_SECRET, null)).status);
  }
}
