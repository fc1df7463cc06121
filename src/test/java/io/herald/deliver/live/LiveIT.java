package io.herald.deliver.live;

import io.herald.bus.Addresses;
import io.herald.bus.Failures;
import io.herald.testing.BridgeSocket;
import io.herald.testing.HeraldNode;
import io.herald.testing.Reply;
import io.herald.testing.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Live events over the SockJS event-bus bridge, as a browser gets them. */
class LiveIT {

  private static HeraldNode node;
  private static int port;

  @BeforeAll
  static void start() {
    node = HeraldNode.start();
    port = node.herald.port();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static long create(String family) {
    Reply reply = node.post("/Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + family + "\"}]}");
    assertEquals(201, reply.status, reply::toString);
    return Long.parseLong(reply.json().getJsonObject("meta").getString("versionId"));
  }

  private static JsonObject subscribe(BridgeSocket socket, JsonObject request) {
    JsonObject reply = socket.request(Addresses.LIVE_SUBSCRIBE, request);
    assertEquals("rec", reply.getString("type"), reply::encode);
    String address = reply.getJsonObject("body").getString("address");
    socket.register(address);
    return reply.getJsonObject("body");
  }

  @Test
  void aSocketHearsTheMatchingChangesOnlyWithTheEventThatFired() {
    try (BridgeSocket socket = new BridgeSocket(node.vertx, port)) {
      JsonObject live = subscribe(socket, new JsonObject().put("resourceType", "Patient")
          .put("events", new JsonArray().add("CREATE").add("DELETE")).put("criteria", "family=Lively"));
      String address = live.getString("address");
      assertTrue(address.startsWith("herald.out.live."), address);
      long matching = create("Lively");
      create("Dull");
      JsonObject event = socket.event(address);
      assertEquals("CREATE", event.getString("event"));
      assertEquals(matching, event.getLong("versionId"));
      assertEquals("Patient", event.getString("resourceType"));
      String id = event.getString("id");
      assertEquals(id, event.getJsonObject("resource").getString("id"));
      Reply updated = node.put("/Patient/" + id, "{\"resourceType\":\"Patient\",\"id\":\"" + id
          + "\",\"name\":[{\"family\":\"Lively\",\"given\":[\"Updated\"]}]}");
      assertEquals(200, updated.status, updated::toString);
      assertEquals(200, node.delete("/Patient/" + id).status);
      JsonObject deleted = socket.event(address);   // the update is not asked for, the Dull one does not match
      assertEquals("DELETE", deleted.getString("event"));
      assertEquals("Updated", deleted.getJsonObject("resource").getJsonArray("name").getJsonObject(0)
          .getJsonArray("given").getString(0), "a DELETE carries the deleted version");
    }
  }

  @Test
  void fromAVersionTheChangesSinceComeFirstThenTheLiveOnesWithNoGapOrRepeat() {
    long before = create("Resumer");
    List<Long> written = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      written.add(create("Resumer"));
    }
    try (BridgeSocket socket = new BridgeSocket(node.vertx, port)) {
      JsonObject live = subscribe(socket, new JsonObject().put("resourceType", "Patient")
          .put("criteria", "Patient?family=Resumer").put("from", before));
      for (int i = 0; i < 5; i++) {
        written.add(create("Resumer"));
      }
      List<Long> heard = new ArrayList<>();
      while (heard.size() < written.size()) {
        heard.add(socket.event(live.getString("address")).getLong("versionId"));
      }
      assertEquals(written, heard);
    }
  }

  @Test
  void aFromTooFarBackIsRefusedAsGoneAndOneWithinTheBoundCatchesUp() {
    JsonObject bounded = new JsonObject().put("live", new JsonObject().put("maxCatchUp", 5));
    try (HeraldNode small = HeraldNode.start(TestDatabase.freshDatabase(), bounded)) {
      List<Long> written = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        Reply reply = small.post("/Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Far\"}]}");
        written.add(Long.parseLong(reply.json().getJsonObject("meta").getString("versionId")));
      }
      try (BridgeSocket socket = new BridgeSocket(small.vertx, small.herald.port())) {
        long tooFar = written.get(8 - 6) - 1;   // six versions before the stream's start: one too many
        JsonObject refused = socket.request(Addresses.LIVE_SUBSCRIBE, new JsonObject().put("resourceType", "Patient")
            .put("from", tooFar));
        assertEquals("err", refused.getString("type"), refused::encode);
        assertEquals(Failures.GONE, refused.getInteger("failureCode"), refused::encode);
        assertTrue(refused.getString("message").contains("from " + tooFar + " is too far back"), refused::encode);
        JsonObject live = subscribe(socket, new JsonObject().put("resourceType", "Patient").put("from", tooFar + 1));
        List<Long> heard = new ArrayList<>();
        while (heard.size() < 5) {
          heard.add(socket.event(live.getString("address")).getLong("versionId"));
        }
        assertEquals(written.subList(3, 8), heard);
      }
    }
  }

  @Test
  void badRequestsAreRefusedNamingWhatIsWrong() {
    try (BridgeSocket socket = new BridgeSocket(node.vertx, port)) {
      JsonObject bad = socket.request(Addresses.LIVE_SUBSCRIBE, new JsonObject().put("resourceType", "Patient")
          .put("criteria", "nosuchparam=1"));
      assertEquals("err", bad.getString("type"), bad::encode);
      assertTrue(bad.getString("message").contains("nosuchparam"), bad::encode);
      JsonObject events = socket.request(Addresses.LIVE_SUBSCRIBE, new JsonObject().put("resourceType", "Patient")
          .put("events", new JsonArray().add("READ")));
      assertTrue(events.getString("message").contains("READ"), events::encode);
      JsonObject type = socket.request(Addresses.LIVE_SUBSCRIBE, new JsonObject());
      assertTrue(type.getString("message").contains("resourceType"), type::encode);
    }
  }

  @Test
  void aSocketReachesNothingButItsOwnAddresses() {
    try (BridgeSocket owner = new BridgeSocket(node.vertx, port);
         BridgeSocket thief = new BridgeSocket(node.vertx, port)) {
      JsonObject live = subscribe(owner, new JsonObject().put("resourceType", "Patient").put("criteria", "family=Own"));
      for (String address : List.of(live.getString("address"), Addresses.SUBSCRIPTION_NOTIFIED, Addresses.STORE_CREATE)) {
        thief.register(address);
        JsonObject refused = thief.nextFrame();
        assertEquals("err", refused.getString("type"), refused::encode);   // the bridge's refusal
        assertTrue(List.of("access_denied", "rejected").contains(refused.getString("body")), refused::encode);
      }
      JsonObject send = thief.request(Addresses.STORE_CREATE, new JsonObject().put("type", "Patient"));
      assertTrue(List.of("access_denied", "rejected").contains(send.getString("body")), send::encode);
      thief.publish(Addresses.LIVE_SUBSCRIBE, new JsonObject().put("resourceType", "Patient"));
      JsonObject publish = thief.nextFrame();
      assertTrue(List.of("access_denied", "rejected").contains(publish.getString("body")), publish::encode);
      long created = create("Own");
      assertEquals(created, owner.event(live.getString("address")).getLong("versionId"));
      // the thief heard nothing: its next frame is the reply to a request made after the change
      JsonObject marker = thief.requestNothingBefore(Addresses.LIVE_SUBSCRIBE,
          new JsonObject().put("resourceType", "Patient"));
      assertEquals("rec", marker.getString("type"), marker::encode);
      assertTrue(marker.getString("address").startsWith("reply-"), () -> "the thief got " + marker.encode());
    }
  }

  @Test
  void aSocketHoldsAtMostAHundredSubscriptions() {
    try (BridgeSocket socket = new BridgeSocket(node.vertx, port)) {
      for (int i = 0; i < 100; i++) {
        JsonObject reply = socket.request(Addresses.LIVE_SUBSCRIBE, new JsonObject().put("resourceType", "Patient"));
        assertEquals("rec", reply.getString("type"), reply::encode);
      }
      JsonObject refused = socket.request(Addresses.LIVE_SUBSCRIBE, new JsonObject().put("resourceType", "Patient"));
      assertEquals("err", refused.getString("type"), refused::encode);
    }
  }

  @Test
  void aSocketThatStopsListeningEndsItsSubscription() {
    try (BridgeSocket socket = new BridgeSocket(node.vertx, port)) {
      JsonObject live = subscribe(socket, new JsonObject().put("resourceType", "Patient").put("criteria", "family=Quitter"));
      awaitHeld(1);
      socket.unregister(live.getString("address"));
      awaitHeld(0);
    }
  }

  private static void awaitHeld(int subscriptions) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    JsonObject stats;
    do {
      stats = node.vertx.eventBus().<JsonObject>request(Addresses.LIVE_STATS, new JsonObject()).await().body();
      if (stats.getInteger("subscriptions") == subscriptions && stats.getInteger("indexed") == subscriptions) {
        return;
      }
    } while (System.nanoTime() < deadline);
    fail("the node holds " + stats.encode() + ", not " + subscriptions + " subscriptions");
  }

  @Test
  void closedSocketsLeaveNothingBehind() {
    for (int i = 0; i < 1000; i++) {
      try (BridgeSocket socket = new BridgeSocket(node.vertx, port)) {
        subscribe(socket, new JsonObject().put("resourceType", "Patient").put("criteria", "family=Cycle" + i));
      }
    }
    long deadline = System.nanoTime() + 10_000_000_000L;
    JsonObject stats;
    do {
      stats = node.vertx.eventBus().<JsonObject>request(Addresses.LIVE_STATS, new JsonObject()).await().body();
      if (stats.getInteger("subscriptions") == 0 && stats.getInteger("sockets") == 0 && stats.getInteger("indexed") == 0) {
        return;
      }
    } while (System.nanoTime() < deadline);
    fail("still held after 1,000 sockets closed: " + stats.encode());
  }
}
