package io.herald.auth;

import io.herald.subscription.Writer;
import io.herald.bus.Addresses;
import io.herald.testing.Await;
import io.herald.testing.BridgeSocket;
import io.herald.testing.Bearer;
import io.herald.testing.HeraldNode;
import io.herald.testing.Reply;
import io.herald.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Authentication on: tokens from /auth/token for a client's secret, every FHIR request refused without a valid one
 * (401) or with one whose scopes do not allow it (403), the open paths open, forged, expired, tampered and unsigned
 * tokens refused, and a revoked client refused within seconds.
 */
class AuthIT {

  private static final String ADMIN_SECRET = "admin-secret-for-the-tests";
  private static HeraldNode node;
  private static String root;
  private static Bearer bearer;

  @BeforeAll
  static void start() {
    node = HeraldNode.start(TestDatabase.freshDatabase(), new JsonObject()
        .put("auth", new JsonObject().put("enabled", true).put("adminSecret", ADMIN_SECRET)));
    bearer = new Bearer(node);
    root = bearer.root;
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void withoutATokenOnlyTheOpenPathsAnswer() {
    Reply patients = node.get("/Patient");
    assertEquals(401, patients.status, patients.toString());
    assertTrue(patients.header("WWW-Authenticate").startsWith("Bearer"), patients.header("WWW-Authenticate"));
    assertEquals("OperationOutcome", patients.json().getString("resourceType"));
    assertEquals(401, node.post("/Patient", "{\"resourceType\":\"Patient\",\"id\":\"never\"}").status);
    assertEquals(401, node.put("/Patient/never", "{\"resourceType\":\"Patient\",\"id\":\"never\"}").status);
    assertEquals(0, patients());

    Reply metadata = node.get("/metadata");
    assertEquals(200, metadata.status);
    JsonObject security = metadata.json().getJsonArray("rest").getJsonObject(0).getJsonObject("security");
    assertEquals(root + "/auth/token", security.getJsonArray("extension").getJsonObject(0).getJsonArray("extension")
        .getJsonObject(0).getString("valueUri"));
    Reply smart = node.get("/.well-known/smart-configuration");
    assertEquals(200, smart.status, smart.toString());
    assertEquals(root + "/auth/token", smart.json().getString("token_endpoint"));
    assertEquals(200, send(HttpRequest.newBuilder(URI.create(root + "/health/live")), null).status);
  }

  @Test
  void aClientMayDoWhatItsScopesAllowAndNothingElse() {
    String admin = token("admin", ADMIN_SECRET, null);
    Reply made = send(json("/auth/clients", "{\"id\":\"vitals\",\"scopes\":\"system/Observation.rs\"}"), admin);
    assertEquals(201, made.status, made.toString());
    String vitals = token("vitals", made.json().getString("secret"), null);

    assertEquals(201, send(fhir("POST", "/Observation", "{\"resourceType\":\"Observation\",\"id\":\"x\"}"), admin).status);
    assertEquals(200, send(fhir("GET", "/Observation", null), vitals).status);
    Reply read = send(fhir("GET", "/Observation?_count=1", null), vitals);
    assertEquals(1, read.json().getJsonArray("entry").size(), read.toString());
    Reply patients = send(fhir("GET", "/Patient", null), vitals);
    assertEquals(403, patients.status, patients.toString());
    assertTrue(patients.diagnostics().contains("system/Observation.rs"), patients.diagnostics());
    assertEquals(403, send(fhir("POST", "/Observation", "{\"resourceType\":\"Observation\"}"), vitals).status);
    assertEquals(403, send(fhir("GET", "/_history", null), vitals).status);
    assertEquals(403, send(HttpRequest.newBuilder(URI.create(root + "/auth/clients")), vitals).status);
    assertEquals(403, send(fhir("PUT", "/Patient/never", "{\"resourceType\":\"Patient\",\"id\":\"never\"}"), vitals).status);
    assertEquals(0, patients());

    Reply wider = tokenReply("vitals", made.json().getString("secret"), "system/Observation.rs system/Patient.rs");
    assertEquals(400, wider.status, wider.toString());
    assertEquals("invalid_scope", wider.json().getString("error"));
    assertEquals(400, send(json("/auth/clients", "{\"id\":\"odd\",\"scopes\":\"system/Observation.rx\"}"), admin).status);
    assertEquals(409, send(json("/auth/clients", "{\"id\":\"vitals\",\"scopes\":\"system/Patient.rs\"}"), admin).status);
  }

  @Test
  void aSubscriptionMayOnlyHearOfTypesItsWriterMayRead() {
    String admin = token("admin", ADMIN_SECRET, null);
    Reply made = send(json("/auth/clients", "{\"id\":\"watcher\",\"scopes\":\"system/Observation.rs system/Subscription.cruds\"}"),
        admin);
    String watcher = token("watcher", made.json().getString("secret"), null);
    String hook = "\"status\":\"active\",\"reason\":\"t\",\"channel\":{\"type\":\"rest-hook\",\"endpoint\":\"http://example.org/h\"}";
    Reply patients = send(fhir("POST", "/Subscription", "{\"resourceType\":\"Subscription\",\"criteria\":\"Patient?name=x\"," + hook
        + "}"), watcher);
    assertEquals(403, patients.status, patients.toString());
    assertTrue(patients.diagnostics().contains("Patient"), patients.diagnostics());
    assertEquals(403, send(fhir("PUT", "/Subscription/p", "{\"resourceType\":\"Subscription\",\"id\":\"p\","
        + "\"criteria\":\"Patient\"," + hook + "}"), watcher).status);
    Reply observations = send(fhir("POST", "/Subscription", "{\"resourceType\":\"Subscription\","
        + "\"criteria\":\"Observation?code=x\"," + hook + "}"), watcher);
    assertEquals(201, observations.status, observations.toString());
  }

  @Test
  void aClientsSubscriptionsAreItsOwnAndNoOtherClientSeesThem() throws Exception {
    String admin = token("admin", ADMIN_SECRET, null);
    String alice = token("alice", send(json("/auth/clients", "{\"id\":\"alice\",\"scopes\":\"system/Observation.rs\"}"),
        admin).json().getString("secret"), null);
    String bob = token("bob", send(json("/auth/clients", "{\"id\":\"bob\",\"scopes\":\"system/Observation.rs\"}"),
        admin).json().getString("secret"), null);
    String forged = "{\"resourceType\":\"Subscription\",\"status\":\"active\",\"reason\":\"t\","
        + "\"meta\":{\"tag\":[{\"system\":\"" + "http://herald.io/fhir/CodeSystem/subscription-owner\",\"code\":\"bob\"}]},"
        + "\"criteria\":\"Observation?code=own\",\"channel\":{\"type\":\"poll\"}}";
    Reply made = send(fhir("POST", "/Subscription", forged), alice);
    assertEquals(201, made.status, made.toString());
    String id = made.json().getString("id");
    assertEquals("alice", Writer.of(made.json()).client(), "the writer owns it, whatever tag it brought");
    assertEquals("system/Observation.rs", Writer.of(made.json()).scopes(), "and is matched within its scopes");
    assertEquals(1, made.json().getJsonObject("meta").getJsonArray("tag").stream()
        .filter(t -> Writer.OWNER.equals(((JsonObject) t).getString("system"))).count());

    assertEquals(201, send(fhir("POST", "/Observation", "{\"resourceType\":\"Observation\",\"status\":\"final\","
        + "\"code\":{\"coding\":[{\"code\":\"own\"}]}}"), admin).status);
    Await.until(() -> send(fhir("GET", "/Subscription/" + id + "/$poll?from=0&timeout=1", null), alice).json()
        .getJsonArray("entry", new io.vertx.core.json.JsonArray()).size() == 1);

    for (String path : new String[] {"", "/$poll?from=0&timeout=0", "/$events", "/$status", "/$get-ws-binding-token",
        "/_history"}) {
      Reply seen = send(fhir("GET", "/Subscription/" + id + path, null), bob);
      assertEquals(404, seen.status, path + " → " + seen);
    }
    assertEquals(404, send(fhir("PUT", "/Subscription/" + id, forged.replace("{\"resourceType", "{\"id\":\"" + id
        + "\",\"resourceType")), bob).status);
    assertEquals(404, send(fhir("DELETE", "/Subscription/" + id, null), bob).status);
    assertEquals(403, send(fhir("GET", "/Subscription", null), bob).status);
    assertEquals(403, send(fhir("GET", "/Subscription/$status", null), bob).status);
    assertEquals(200, send(fhir("GET", "/Subscription/" + id, null), alice).status);
    assertEquals(200, send(fhir("GET", "/Subscription/" + id, null), admin).status);
    assertEquals(200, send(fhir("GET", "/Subscription", null), admin).status);
    Reply byAdmin = send(fhir("PUT", "/Subscription/" + id, forged.replace("{\"resourceType", "{\"id\":\"" + id
        + "\",\"resourceType").replace("\"reason\":\"t\"", "\"reason\":\"changed by an admin\"")), admin);
    assertEquals(200, byAdmin.status, byAdmin.toString());
    assertEquals("alice", Writer.of(byAdmin.json()).client(), "an admin's update keeps the owner");
    assertEquals("system/Observation.rs", Writer.of(byAdmin.json()).scopes(), "and the scopes it is matched within");
    assertEquals(200, send(fhir("GET", "/Subscription/" + id, null), alice).status);
  }

  @Test
  void aWrongSecretGetsNoToken() {
    Reply wrong = tokenReply("admin", "not-the-secret", null);
    assertEquals(401, wrong.status, wrong.toString());
    assertEquals("invalid_client", wrong.json().getString("error"));
    assertNull(wrong.json().getString("access_token"));
    assertEquals(401, tokenReply("nobody", "whatever", null).status);
    Reply grant = send(HttpRequest.newBuilder(URI.create(root + "/auth/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&username=admin&password=" + ADMIN_SECRET)), null);
    assertEquals(400, grant.status);
    assertEquals("unsupported_grant_type", grant.json().getString("error"));
  }

  @Test
  void forgedExpiredTamperedAndUnsignedTokensAreRefused() {
    String good = token("admin", ADMIN_SECRET, null);
    assertEquals(200, send(fhir("GET", "/Patient", null), good).status);

    Row key = node.sql().query("SELECT algorithm, private_pem FROM auth_key").execute().await().iterator().next();
    JWTAuth herald = JWTAuth.create(node.vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm(key.getString("algorithm")).setBuffer(key.getString("private_pem"))));
    JsonObject claims = new JsonObject().put("sub", "admin").put("scope", "system/*.cruds");
    String expired = herald.generateToken(claims.copy().put("exp", System.currentTimeMillis() / 1000 - 60),
        new JWTOptions().setAlgorithm("ES256").setIssuer("herald"));
    String otherIssuer = herald.generateToken(claims, new JWTOptions().setAlgorithm("ES256").setIssuer("someone-else")
        .setExpiresInSeconds(60));
    JWTAuth stranger = JWTAuth.create(node.vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm("HS256").setBuffer("a secret that is not Herald's key at all")));
    String forged = stranger.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setIssuer("herald")
        .setExpiresInSeconds(60));
    String[] parts = good.split("\\.");
    String tampered = parts[0] + "." + encode(new JsonObject(decode(parts[1])).put("scope", "system/*.cruds herald/admin")
        .encode()) + "." + parts[2];
    String unsigned = encode("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + ".";
    for (String bad : new String[] {expired, otherIssuer, forged, tampered, unsigned, "not.a.token", "x"}) {
      Reply refused = send(fhir("GET", "/Patient", null), bad);
      assertEquals(401, refused.status, bad + " → " + refused);
      assertTrue(refused.header("WWW-Authenticate").contains("invalid_token"));
    }
  }

  @Test
  void aRevokedClientIsRefusedWithinSeconds() throws Exception {
    String admin = token("admin", ADMIN_SECRET, null);
    Reply made = send(json("/auth/clients", "{\"id\":\"leaver\",\"scopes\":\"system/Patient.rs\"}"), admin);
    String secret = made.json().getString("secret");
    String leaver = token("leaver", secret, null);
    assertEquals(200, send(fhir("GET", "/Patient", null), leaver).status);
    assertEquals(201, send(fhir("PUT", "/Subscription/leavers", "{\"resourceType\":\"Subscription\",\"id\":\"leavers\","
        + "\"status\":\"active\",\"reason\":\"r\",\"criteria\":\"Patient\",\"channel\":{\"type\":\"poll\"}}"), leaver).status);
    Vertx browser = Vertx.vertx();
    BridgeSocket socket = new BridgeSocket(browser, "127.0.0.1", node.herald.port());
    JsonObject live = socket.request(Addresses.LIVE_SUBSCRIBE, new JsonObject().put("resourceType", "Patient"),
        new JsonObject().put("Authorization", "Bearer " + leaver));
    assertEquals("rec", live.getString("type"), live.encode());

    Reply revoked = send(HttpRequest.newBuilder(URI.create(root + "/auth/clients/leaver")).DELETE(), admin);
    assertEquals(200, revoked.status, revoked.toString());
    assertNotNull(revoked.json().getString("revoked"));
    long start = System.nanoTime();
    Await.until(() -> send(fhir("GET", "/Patient", null), leaver).status == 401);
    assertTrue(System.nanoTime() - start < 5_000_000_000L, "refused within 5 s");
    assertTrue(socket.closedWithin(5), "its live socket is closed, and its live subscriptions with it");
    browser.close().await();
    assertEquals(1, revoked.json().getInteger("subscriptionsOff"));
    JsonObject leavers = send(fhir("GET", "/Subscription/leavers", null), admin).json();
    assertEquals("off", leavers.getString("status"), "nothing more is matched for it");
    assertTrue(leavers.getString("error").contains("revoked"), leavers.encode());
    assertEquals(401, tokenReply("leaver", secret, null).status);
    Reply list = send(HttpRequest.newBuilder(URI.create(root + "/auth/clients")), admin);
    assertTrue(list.json().getJsonArray("clients").stream().map(JsonObject.class::cast)
        .anyMatch(c -> c.getString("id").equals("leaver") && c.getString("revoked") != null), list.toString());
    assertTrue(list.text.indexOf("\"secret\"") < 0 && list.text.indexOf("pbkdf2") < 0 && list.text.indexOf(secret) < 0,
        "no secret, nor its hash, is ever listed: " + list.text);
  }

  @Test
  void aClientRevokedOnOneNodeIsRefusedByAnotherWithinSeconds() throws Exception {
    String admin = token("admin", ADMIN_SECRET, null);
    String secret = send(json("/auth/clients", "{\"id\":\"roamer\",\"scopes\":\"system/Patient.rs\"}"), admin).json()
        .getString("secret");
    String roamer = token("roamer", secret, null);
    try (HeraldNode other = HeraldNode.start(node.pgUri, new JsonObject().put("auth", new JsonObject().put("enabled", true)
        .put("adminSecret", ADMIN_SECRET)))) {
      Bearer there = new Bearer(other);
      assertEquals(200, there.get("/Patient", roamer).status, "a token of one node is good on another (one key)");
      assertEquals(200, send(HttpRequest.newBuilder(URI.create(root + "/auth/clients/roamer")).DELETE(), admin).status);
      long start = System.nanoTime();
      Await.until(() -> there.get("/Patient", roamer).status == 401);
      assertTrue(System.nanoTime() - start < 5_000_000_000L, "refused by the other node within 5 s");
      assertEquals(401, there.tokenReply("roamer", secret, null).status);
    }
  }

  @Test
  void aLiveSocketEndsWhenTheTokenItSubscribedWithExpires() throws Exception {
    Row key = node.sql().query("SELECT algorithm, private_pem FROM auth_key").execute().await().iterator().next();
    JWTAuth herald = JWTAuth.create(node.vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm(key.getString("algorithm")).setBuffer(key.getString("private_pem"))));
    String shortLived = herald.generateToken(new JsonObject().put("sub", "admin").put("scope", "system/*.rs"),
        new JWTOptions().setAlgorithm("ES256").setIssuer("herald").setExpiresInSeconds(3));   // 2 to 3 s from now
    Vertx browser = Vertx.vertx();
    try {
      BridgeSocket socket = new BridgeSocket(browser, "127.0.0.1", node.herald.port());
      JsonObject live = socket.request(Addresses.LIVE_SUBSCRIBE, new JsonObject().put("resourceType", "Patient"),
          new JsonObject().put("Authorization", "Bearer " + shortLived));
      assertEquals("rec", live.getString("type"), live.encode());
      assertFalse(socket.closedWithin(1), "open while the token is");
      assertTrue(socket.closedWithin(5), "closed once it expired: a client subscribes again with a fresh token");
    } finally {
      browser.close().await();
    }
  }

  private static long patients() {
    return node.sql().query("SELECT count(*) FROM resource WHERE type = 'Patient'").execute().await().iterator().next()
        .getLong(0);
  }

  private static String token(String client, String secret, String scope) {
    return bearer.token(client, secret, scope);
  }

  private static Reply tokenReply(String client, String secret, String scope) {
    return bearer.tokenReply(client, secret, scope);
  }

  private static HttpRequest.Builder fhir(String method, String path, String body) {
    return bearer.fhir(method, path, body);
  }

  private static HttpRequest.Builder json(String path, String body) {
    return bearer.json(path, body);
  }

  private static Reply send(HttpRequest.Builder request, String token) {
    return bearer.send(request, token);
  }

  private static String encode(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(String part) {
    return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
  }
}
