package io.herald.auth;

import io.herald.testing.Bearer;
import io.herald.testing.HeraldNode;
import io.herald.testing.Keys;
import io.herald.testing.Reply;
import io.herald.testing.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SMART Backend Services: a client registered with its public keys, no secret, gets a token for an assertion it signed
 * (iss = sub = its id, aud = the token endpoint, at most five minutes ahead, a jti used once); a replayed, mis-addressed,
 * long-lived or foreign-signed assertion is refused, and so is a secret for such a client.
 */
class ClientAssertionIT {

  private static final String ADMIN_SECRET = "admin-secret-for-the-tests";
  private static final String TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
  private static HeraldNode node;
  private static Bearer bearer;
  private static JWTAuth client;
  private static JWTAuth stranger;

  @BeforeAll
  static void start() {
    node = HeraldNode.start(TestDatabase.freshDatabase(), new JsonObject()
        .put("auth", new JsonObject().put("enabled", true).put("adminSecret", ADMIN_SECRET)));
    bearer = new Bearer(node);
    JsonObject key = Keys.ecJwk("backend-1");
    client = JWTAuth.create(null, new JWTAuthOptions().addJwk(key));
    stranger = JWTAuth.create(null, new JWTAuthOptions().addJwk(Keys.ecJwk("backend-1")));
    String admin = bearer.token("admin", ADMIN_SECRET, null);
    Reply made = bearer.send(bearer.json("/auth/clients", new JsonObject().put("id", "backend")
        .put("scopes", "system/Observation.rs").put("jwks", new JsonObject().put("keys", new JsonArray()
            .add(Keys.publicOf(key)))).encode()), admin);
    assertEquals(201, made.status, made.toString());
    assertNull(made.json().getString("secret"), "no secret: it signs");
    assertEquals("private_key_jwt", made.json().getString("authentication"));
    Reply leaked = bearer.send(bearer.json("/auth/clients", new JsonObject().put("id", "leaky").put("scopes",
        "system/Observation.rs").put("jwks", new JsonObject().put("keys", new JsonArray().add(key))).encode()), admin);
    assertEquals(400, leaked.status, "a private key is not taken: " + leaked);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static String assertion(JWTAuth by, JsonObject claims) {
    return by.generateToken(claims, new JWTOptions().setAlgorithm("ES256").setHeader(new JsonObject().put("kid", "backend-1")));
  }

  private static JsonObject claims() {
    return new JsonObject().put("iss", "backend").put("sub", "backend").put("aud", bearer.root + "/auth/token")
        .put("exp", System.currentTimeMillis() / 1000 + 240).put("jti", UUID.randomUUID().toString());
  }

  private static Reply exchange(String assertion) {
    return bearer.send(HttpRequest.newBuilder(URI.create(bearer.root + "/auth/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=system%2FObservation.rs"
            + "&client_assertion_type=" + URLEncoder.encode(TYPE, StandardCharsets.UTF_8) + "&client_assertion=" + assertion)),
        null);
  }

  @Test
  void aSignedAssertionGetsATokenOnce() {
    String signed = assertion(client, claims());
    Reply granted = exchange(signed);
    assertEquals(200, granted.status, granted.toString());
    assertEquals("system/Observation.rs", granted.json().getString("scope"));
    String token = granted.json().getString("access_token");
    assertEquals(200, bearer.get("/Observation", token).status);
    assertEquals(403, bearer.get("/Patient", token).status);
    Reply replayed = exchange(signed);
    assertEquals(401, replayed.status, "a jti is taken once: " + replayed);
    assertEquals("invalid_client", replayed.json().getString("error"));
  }

  @Test
  void whatIsNotTheClientsOwnRecentAssertionForThisEndpointIsRefused() {
    for (JsonObject bad : new JsonObject[] {claims().put("aud", "https://elsewhere.example/token"),
        claims().put("exp", System.currentTimeMillis() / 1000 + 3600), claims().put("exp", System.currentTimeMillis() / 1000 - 60),
        claims().put("sub", "someone-else"), claims().put("iss", "admin").put("sub", "admin"), claims().put("jti", ""),
        claims().put("iss", "nobody").put("sub", "nobody")}) {
      Reply refused = exchange(assertion(client, bad));
      assertEquals(401, refused.status, bad.encode() + " → " + refused);
    }
    String unsigned = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(
        StandardCharsets.UTF_8)) + "." + assertion(client, claims()).split("\\.")[1] + ".";
    assertEquals(401, exchange(unsigned).status, "alg none");
    Reply foreign = exchange(assertion(stranger, claims()));
    assertEquals(401, foreign.status, "signed by another key: " + foreign);
    Reply secret = bearer.tokenReply("backend", "any-secret", null);
    assertEquals(401, secret.status, "a keyed client has no secret");
    Reply smart = bearer.send(HttpRequest.newBuilder(node.uri("/.well-known/smart-configuration")), null);
    assertTrue(smart.json().getJsonArray("token_endpoint_auth_methods_supported").contains("private_key_jwt"));
  }
}
