package io.herald.auth;

import io.herald.bus.Addresses;
import io.herald.bus.Failures;
import io.herald.testing.Await;
import io.herald.testing.Bearer;
import io.herald.testing.BridgeSocket;
import io.herald.testing.HeraldNode;
import io.herald.testing.Reply;
import io.herald.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What one client may have: requests a second (429 with Retry-After past it, other clients untouched), Subscriptions
 * (403 for one more, an update of its own still taken) and sockets on a node (a subscribe on one more is refused).
 */
class LimitsIT {

  private static final String ADMIN_SECRET = "admin-secret-for-the-tests";
  private static HeraldNode node;
  private static Bearer bearer;
  private static String admin;

  @BeforeAll
  static void start() {
    node = HeraldNode.start(TestDatabase.freshDatabase(), new JsonObject().put("auth", new JsonObject()
        .put("enabled", true).put("adminSecret", ADMIN_SECRET).put("requestsPerSecond", 20)
        .put("subscriptionsPerClient", 2).put("socketsPerClient", 1))
        .put("http", new JsonObject().put("subscriptionsPerSocket", 5))
        .put("subscriptions", new JsonObject().put("maxCriteriaLength", 100)));
    bearer = new Bearer(node);
    admin = bearer.token("admin", ADMIN_SECRET, null);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void aClientPastItsRateIsToldToWaitAndOthersAreNot() throws Exception {
    String busy = bearer.client(admin, "{\"id\":\"busy\",\"scopes\":\"system/Patient.rs\"}");
    String calm = bearer.client(admin, "{\"id\":\"calm\",\"scopes\":\"system/Patient.rs\"}");
    Reply throttled = null;
    int letThrough = 0;
    for (int i = 0; i < 500 && throttled == null; i++) {
      Reply reply = bearer.get("/Patient?_count=1", busy);
      if (reply.status == 429) {
        throttled = reply;
      } else {
        assertEquals(200, reply.status, reply.toString());
        letThrough++;
      }
    }
    assertNotNull(throttled, "no 429 in 500 requests");
    assertTrue(letThrough >= 20, "at least the limit's worth first: " + letThrough);
    assertEquals("1", throttled.header("Retry-After"));
    assertEquals("throttled", throttled.json().getJsonArray("issue").getJsonObject(0).getString("code"));
    assertTrue(throttled.diagnostics().contains("requestsPerSecond"), throttled.diagnostics());
    assertEquals(200, bearer.get("/Patient?_count=1", calm).status, "another client is not held back");
    Thread.sleep(1000);
    assertEquals(200, bearer.get("/Patient?_count=1", busy).status, "after Retry-After");
  }

  @Test
  void aClientHasAtMostItsSubscriptions() {
    String keeper = bearer.client(admin, "{\"id\":\"keeper\",\"scopes\":\"system/Patient.rs\"}");
    for (String id : new String[] {"k1", "k2"}) {
      assertEquals(201, bearer.send(bearer.fhir("PUT", "/Subscription/" + id, subscription(id)), keeper).status);
    }
    Reply third = bearer.send(bearer.fhir("PUT", "/Subscription/k3", subscription("k3")), keeper);
    assertEquals(403, third.status, third.toString());
    assertTrue(third.diagnostics().contains("subscriptionsPerClient"), third.diagnostics());
    assertEquals(403, bearer.send(bearer.fhir("POST", "/Subscription", subscription(null)), keeper).status);
    assertEquals(200, bearer.send(bearer.fhir("PUT", "/Subscription/k2", subscription("k2")), keeper).status,
        "an update of one it has");
    assertEquals(200, bearer.send(bearer.fhir("DELETE", "/Subscription/k1", null), keeper).status);
    assertEquals(201, bearer.send(bearer.fhir("PUT", "/Subscription/k3", subscription("k3")), keeper).status);
  }

  @Test
  void criteriaAndSocketsAreBounded() throws Exception {
    String reader = bearer.client(admin, "{\"id\":\"reader\",\"scopes\":\"system/Patient.rs\"}");
    String longCriteria = "Patient?family=" + "x".repeat(100);
    Reply tooLong = bearer.send(bearer.fhir("POST", "/Subscription", new JsonObject().put("resourceType", "Subscription")
        .put("status", "active").put("reason", "long").put("criteria", longCriteria)
        .put("channel", new JsonObject().put("type", "poll")).encode()), reader);
    assertEquals(400, tooLong.status, tooLong.toString());
    assertTrue(tooLong.diagnostics().contains("maxCriteriaLength"), tooLong.diagnostics());
    JsonObject headers = new JsonObject().put("Authorization", "Bearer " + reader);
    Vertx browser = Vertx.vertx();
    try {
      BridgeSocket socket = new BridgeSocket(browser, "127.0.0.1", node.herald.port());
      JsonObject refused = socket.request(Addresses.LIVE_SUBSCRIBE, new JsonObject().put("resourceType", "Patient")
          .put("criteria", "family=" + "x".repeat(100)), headers);
      assertEquals("err", refused.getString("type"), refused.encode());
      assertTrue(refused.getString("message").contains("maxCriteriaLength"), refused.encode());
      for (int i = 1; i < 5; i++) {
        assertEquals("rec", socket.request(Addresses.LIVE_SUBSCRIBE, new JsonObject().put("resourceType", "Patient"), headers)
            .getString("type"), "subscription " + (i + 1) + " of 5 on the socket");
      }
      JsonObject sixth = socket.request(Addresses.LIVE_SUBSCRIBE, new JsonObject().put("resourceType", "Patient"), headers);
      assertEquals("err", sixth.getString("type"), "past http.subscriptionsPerSocket: " + sixth.encode());
      socket.close();
    } finally {
      browser.close().await();
    }
  }

  private static String subscription(String id) {
    JsonObject s = new JsonObject().put("resourceType", "Subscription").put("status", "active").put("reason", "quota")
        .put("criteria", "Patient").put("channel", new JsonObject().put("type", "poll"));
    return (id == null ? s : s.put("id", id)).encode();
  }

  @Test
  void aClientSubscribesOnAtMostItsSocketsOfANode() throws Exception {
    String watcher = bearer.client(admin, "{\"id\":\"watcher\",\"scopes\":\"system/Patient.rs\"}");
    JsonObject headers = new JsonObject().put("Authorization", "Bearer " + watcher);
    JsonObject patients = new JsonObject().put("resourceType", "Patient");
    Vertx browser = Vertx.vertx();
    try {
      BridgeSocket first = new BridgeSocket(browser, "127.0.0.1", node.herald.port());
      assertEquals("rec", first.request(Addresses.LIVE_SUBSCRIBE, patients, headers).getString("type"));
      assertEquals("rec", first.request(Addresses.LIVE_SUBSCRIBE, patients, headers).getString("type"),
          "more subscriptions on the same socket");
      BridgeSocket second = new BridgeSocket(browser, "127.0.0.1", node.herald.port());
      JsonObject refused = second.request(Addresses.LIVE_SUBSCRIBE, patients, headers);
      assertEquals("err", refused.getString("type"), refused.encode());
      assertEquals(Failures.FORBIDDEN, refused.getInteger("failureCode"));
      assertTrue(refused.getString("message").contains("socketsPerClient"), refused.encode());
      second.close();
      first.close();
      Await.until(() -> {   // once the close is counted, another socket of it is taken
        BridgeSocket third = new BridgeSocket(browser, "127.0.0.1", node.herald.port());
        boolean taken = "rec".equals(third.request(Addresses.LIVE_SUBSCRIBE, patients, headers).getString("type"));
        third.close();
        return taken;
      });
    } finally {
      browser.close().await();
    }
  }
}
