package io.herald.cluster;

import io.herald.fhir.Backport;
import io.herald.bus.Addresses;
import io.herald.testing.Await;
import io.herald.testing.BridgeSocket;
import io.herald.testing.HeraldNode;
import io.herald.testing.HeraldProcess;
import io.herald.testing.Receiver;
import io.herald.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three Herald nodes as operators run them (three JVMs, Hazelcast on loopback, one PostgreSQL): any node serves any
 * request and hears the others' changes, delivery is shared out evenly, and a node killed with kill -9 loses nothing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

  private static final List<HeraldProcess> nodes = new CopyOnWriteArrayList<>();
  private static Map<String, String> environment;
  private static final Map<HeraldProcess, Integer> clusterPorts = new java.util.concurrent.ConcurrentHashMap<>();
  private static Receiver receiver;
  private static int freePort;   // the cluster port of the node killed, for the one started in its place

  @BeforeAll
  static void start() throws Exception {
    receiver = new Receiver();
    String db = TestDatabase.freshDatabase();
    List<Integer> ports = List.of(HeraldNode.freePort(), HeraldNode.freePort(), HeraldNode.freePort());
    String members = String.join(",", ports.stream().map(p -> "127.0.0.1:" + p).toList());
    environment = Map.of("HERALD_CLUSTER", "true", "HERALD_CLUSTER_MEMBERS", members, "HERALD_PG_URI", db);
    for (int port : ports) {
      nodes.add(launch(port));
    }
    for (HeraldProcess node : nodes) {
      node.awaitReady();
    }
    Await.until(() -> shared(nodes));   // the three have met and each holds its share
  }

  @AfterAll
  static void stop() throws Exception {
    for (HeraldProcess node : nodes) {
      node.close();
    }
    receiver.close();
  }

  /** Whether every delivery bucket is held by exactly one of {@code live}, and each holds some. */
  private static boolean shared(List<HeraldProcess> live) {
    try {
      Set<Integer> all = new HashSet<>();
      int total = 0;
      for (HeraldProcess node : live) {
        List<Integer> buckets = node.buckets();
        if (buckets.isEmpty()) {
          return false;
        }
        all.addAll(buckets);
        total += buckets.size();
      }
      return all.size() == DeliveryShares.BUCKETS && total == DeliveryShares.BUCKETS;
    } catch (Exception e) {
      return false;
    }
  }

  private static JsonObject hook(String id, String criteria, String path) {
    return new JsonObject().put("resourceType", "Subscription").put("id", id).put("status", "active")
        .put("reason", "cluster").put("criteria", criteria)
        .put("channel", new JsonObject().put("type", "rest-hook").put("endpoint", receiver.url(path)));
  }

  private static int status(HttpResponse<String> response) {
    return response.statusCode();
  }

  @Test
  @Order(1)
  void deliveryIsSharedEvenlyAndEachNodeServesWhatAnotherWrote() throws Exception {
    int[] share = new int[3];
    for (int n = 0; n < 3; n++) {
      Set<Integer> buckets = new HashSet<>(nodes.get(n).buckets());
      for (int i = 0; i < 3000; i++) {
        share[n] += buckets.contains(DeliveryShares.bucket("subscription-" + i)) ? 1 : 0;
      }
    }
    for (int n = 0; n < 3; n++) {
      assertTrue(share[n] >= 800 && share[n] <= 1200, "3,000 subscriptions shared within 20% of 1,000 each: "
          + List.of(share[0], share[1], share[2]));
    }

    // Any node lists who delivers what, as each node holds it: the view names the node of a subscription's bucket.
    int owner = -1;
    for (int n = 0; n < 3; n++) {
      owner = nodes.get(n).buckets().contains(DeliveryShares.bucket("across")) ? n : owner;
    }
    String ownerPort = ":" + nodes.get(owner).port + "/";
    Await.until(() -> {
      try {
        JsonObject seen = new JsonObject(nodes.get(2).get("/cluster/delivery?subscription=across").body());
        String named = seen.getJsonObject("subscription").getString("node");
        return seen.getJsonArray("nodes").size() == 3 && named != null && named.contains(ownerPort);
      } catch (Exception e) {
        return false;
      }
    });
    JsonObject view = new JsonObject(nodes.get(2).get("/cluster/delivery").body());
    for (HeraldProcess node : nodes) {
      List<Object> listed = view.getJsonArray("nodes").stream().map(JsonObject.class::cast)
          .filter(n -> n.getString("node").contains(":" + node.port + "/")).findFirst().orElseThrow()
          .getJsonArray("buckets").getList();
      assertEquals(node.buckets(), listed, "the view of the node on port " + node.port);
    }
    assertEquals(400, nodes.get(0).get("/cluster/delivery?node=1").statusCode());

    // A subscription written on node 1, a Patient on node 2: the webhook comes, from whichever node owns it.
    assertEquals(201, status(nodes.get(0).send("PUT", "/fhir/Subscription/across", hook("across", "Patient?family=Across",
        "/across").encode())));
    Thread.sleep(500);   // the matcher has it (it hears changes after its own)
    assertEquals(201, status(nodes.get(1).send("POST", "/fhir/Patient",
        "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Across\"}]}")));
    Await.until(() -> receiver.acknowledged("/across").size() == 1);

    // A $poll waiting on node 3 wakes for a write on node 2.
    assertEquals(201, status(nodes.get(0).send("PUT", "/fhir/Subscription/polled", new JsonObject()
        .put("resourceType", "Subscription").put("id", "polled").put("status", "active").put("reason", "cluster")
        .put("criteria", "Observation?code=polled").put("channel", new JsonObject().put("type", "poll")).encode())));
    HttpResponse<String> before = nodes.get(1).send("POST", "/fhir/Observation", "{\"resourceType\":\"Observation\"}");
    String from = new JsonObject(before.body()).getJsonObject("meta").getString("versionId");
    CompletableFuture<HttpResponse<String>> poll = CompletableFuture.supplyAsync(() -> {
      try {
        return nodes.get(2).get("/fhir/Subscription/polled/$poll?from=" + from + "&timeout=30");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Thread.sleep(500);
    assertEquals(201, status(nodes.get(1).send("POST", "/fhir/Observation",
        "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":[{\"code\":\"polled\"}]}}")));
    JsonObject polled = new JsonObject(poll.get().body());
    assertEquals(1, polled.getJsonArray("entry").size(), polled.encode());

    // A SockJS client (the bridge's raw WebSocket) on node 3 hears a Patient written on node 2.
    Vertx browser = Vertx.vertx();
    try (BridgeSocket sockjs = new BridgeSocket(browser, "127.0.0.1", nodes.get(2).port)) {
      JsonObject live = sockjs.request(Addresses.LIVE_SUBSCRIBE, new JsonObject().put("resourceType", "Patient")
          .put("criteria", "family=Sockjs")).getJsonObject("body");
      sockjs.register(live.getString("address"));
      Thread.sleep(300);   // registered before the write
      assertEquals(201, status(nodes.get(1).send("POST", "/fhir/Patient",
          "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Sockjs\"}]}")));
      assertEquals("CREATE", sockjs.event(live.getString("address")).getString("event"));
      // Any node lists the cluster's live connections, this one on node 3 included.
      String subscription = live.getString("subscription");
      Await.until(() -> {
        try {
          return nodes.get(0).get("/cluster/live").body().contains(subscription);
        } catch (Exception e) {
          return false;
        }
      });
      JsonObject listed = new JsonObject(nodes.get(0).get("/cluster/live").body()).getJsonArray("connections").stream()
          .map(JsonObject.class::cast).filter(c -> subscription.equals(c.getString("subscription"))).findFirst().orElseThrow();
      assertEquals("Patient", listed.getString("resourceType"));
      assertEquals("family=Sockjs", listed.getString("criteria"));
      assertTrue(listed.getString("node").contains(":" + nodes.get(2).port), listed.encode());
    } finally {
      browser.close().await();
    }

    // A websocket token from node 1 binds on node 3; a change written on node 2 reaches it.
    JsonObject topic = new JsonObject().put("resourceType", "SubscriptionTopic").put("id", "cluster").put("status", "active")
        .put("url", "http://example.org/SubscriptionTopic/cluster")
        .put("resourceTrigger", new JsonArray().add(new JsonObject().put("resource", "Encounter")));
    assertEquals(201, status(nodes.get(0).send("PUT", "/fhir/SubscriptionTopic/cluster", topic.encode())));
    JsonObject socket = new JsonObject().put("resourceType", "Subscription").put("id", "socket").put("status", "requested")
        .put("meta", new JsonObject().put("profile", new JsonArray().add(Backport.SUBSCRIPTION)))
        .put("reason", "cluster").put("criteria", "http://example.org/SubscriptionTopic/cluster")
        .put("channel", new JsonObject().put("type", "websocket").put("payload", "application/fhir+json"));
    assertEquals(201, status(nodes.get(0).send("PUT", "/fhir/Subscription/socket", socket.encode())));
    JsonObject token = new JsonObject(nodes.get(0).get("/fhir/Subscription/socket/$get-ws-binding-token").body());
    String value = token.getJsonArray("parameter").getJsonObject(0).getString("valueString");
    Vertx vertx = Vertx.vertx();
    WebSocketClient client = vertx.createWebSocketClient();   // referenced until the end: a collected client closes its sockets
    try {
      List<JsonObject> frames = new CopyOnWriteArrayList<>();
      WebSocket ws;
      try {
        ws = client.connect(nodes.get(2).port, "127.0.0.1", "/fhir/$websocket").await();
      } catch (RuntimeException e) {
        String log = nodes.get(2).log();
        throw new AssertionError("the websocket did not open on node 3; its log ends: "
            + log.substring(Math.max(0, log.length() - 4000)), e);
      }
      ws.textMessageHandler(text -> frames.add(new JsonObject(text)));
      ws.writeTextMessage("bind-with-token " + value).await();
      Await.until(() -> frames.size() == 1);   // the handshake
      assertEquals("Bundle", frames.get(0).getString("resourceType"), frames.get(0).encode());
      assertEquals(201, status(nodes.get(1).send("POST", "/fhir/Encounter", "{\"resourceType\":\"Encounter\",\"status\":\"planned\"}")));
      Await.until(() -> frames.size() == 2);
    } finally {
      client.close().await();
      vertx.close().await();
    }
  }

  @Test
  @Order(2)
  void aKilledNodesSubscriptionsAreDeliveredByTheOthersEveryNotificationInOrder() throws Exception {
    int owner = -1;
    for (int n = 0; n < 3; n++) {
      if (nodes.get(n).buckets().contains(DeliveryShares.bucket("failover"))) {
        owner = n;
      }
    }
    HeraldProcess killed = nodes.get(owner);
    HeraldProcess writer = nodes.get((owner + 1) % 3);
    assertEquals(201, status(writer.send("PUT", "/fhir/Subscription/failover",
        hook("failover", "Observation?code=failover", "/failover").encode())));
    Thread.sleep(500);
    receiver.delay(5);   // deliveries are under way when the owner dies
    Writer writing = new Writer("failover", writer);
    Thread.sleep(3000);
    int deliveredBefore = receiver.acknowledged("/failover").size();
    long killedAt = System.nanoTime();
    killed.kill();
    nodes.remove(killed);
    freePort = clusterPorts.remove(killed);
    while (receiver.acknowledged("/failover").size() == deliveredBefore
        && System.nanoTime() - killedAt < 30_000_000_000L) {
      Thread.sleep(10);
    }
    double failoverSeconds = (System.nanoTime() - killedAt) / 1e9;
    Thread.sleep(2000);
    int total = writing.stop();
    System.out.printf("failover: the first delivery by a successor came %.1f s after kill -9; %d notifications%n",
        failoverSeconds, total);
    assertTrue(failoverSeconds < 10, "delivered by the others within 10 s of the kill: " + failoverSeconds + " s");
    assertEverythingInOrder("/failover", total);
    receiver.delay(0);
    Await.until(() -> shared(nodes));   // the two left share everything
  }

  @Test
  @Order(3)
  void aRollingRestartOfEveryNodeUnderLoadLosesNothing() throws Exception {
    nodes.add(launch(freePort).awaitReady());   // three again
    Await.until(() -> shared(nodes));
    assertEquals(201, status(nodes.get(0).send("PUT", "/fhir/Subscription/rolling",
        hook("rolling", "Observation?code=rolling", "/rolling").encode())));
    Thread.sleep(500);
    Writer writer = new Writer("rolling");
    for (int n = 0; n < 3; n++) {
      Thread.sleep(1500);
      HeraldProcess stopping = nodes.get(0);
      stopping.close();   // SIGTERM: an orderly stop, as a rolling restart does
      nodes.remove(stopping);
      nodes.add(launch(clusterPorts.remove(stopping)).awaitReady());
    }
    Thread.sleep(1500);
    int total = writer.stop();
    assertEverythingInOrder("/rolling", total);
  }

  @Test
  @Order(4)
  void aMemberPausedForTwentySecondsDoesNotMakeTwoDeliverers() throws Exception {
    Await.until(() -> shared(nodes));
    int owner = owner("paused");
    HeraldProcess paused = nodes.get(owner);
    assertEquals(201, status(nodes.get((owner + 1) % 3).send("PUT", "/fhir/Subscription/paused",
        hook("paused", "Observation?code=paused", "/paused").encode())));
    Thread.sleep(500);
    receiver.delay(5);
    Writer writer = new Writer("paused", nodes.get((owner + 1) % 3));
    Thread.sleep(2000);
    signal("STOP", paused);   // a network pause: the member answers nothing, its connections stay open
    Thread.sleep(20_000);
    signal("CONT", paused);
    Thread.sleep(3000);
    int total = writer.stop();
    receiver.delay(0);
    assertEverythingInOrder("/paused", total);
  }

  /** Posts Observations with one code to a live node, about 40 a second, until stopped. */
  private static final class Writer {
    private final AtomicBoolean writing = new AtomicBoolean(true);
    private final AtomicInteger written = new AtomicInteger();
    private final Thread thread;

    Writer(String code) {
      this(code, null);
    }

    /** @param at the node to write to, or null: each live one in turn */
    Writer(String code, HeraldProcess at) {
      thread = new Thread(() -> {
        int next = 0;
        while (writing.get()) {
          HeraldProcess node = at != null ? at : nodes.get(next++ % nodes.size());
          try {
            if (node.send("POST", "/fhir/Observation", "{\"resourceType\":\"Observation\",\"status\":\"final\","
                + "\"code\":{\"coding\":[{\"code\":\"" + code + "\"}]}}").statusCode() == 201) {
              written.incrementAndGet();
            }
            Thread.sleep(25);
          } catch (Exception e) {
            // a node stopping under the write: the next one is tried (the write was made or not; counted only if 201)
          }
        }
      });
      thread.start();
    }

    int stop() throws InterruptedException {
      writing.set(false);
      thread.join();
      return written.get();
    }
  }

  /** A node on cluster port {@code port} (one of the members' list: a node started again takes its old one). */
  private static HeraldProcess launch(int port) throws Exception {
    Map<String, String> env = new java.util.HashMap<>(environment);
    env.put("HERALD_CLUSTER_PORT", Integer.toString(port));
    HeraldProcess node = HeraldProcess.launch(env);
    clusterPorts.put(node, port);
    return node;
  }

  private static int owner(String subscription) throws Exception {
    for (int n = 0; n < nodes.size(); n++) {
      if (nodes.get(n).buckets().contains(DeliveryShares.bucket(subscription))) {
        return n;
      }
    }
    throw new AssertionError("no node delivers " + subscription);
  }

  private static void signal(String signal, HeraldProcess node) throws Exception {
    assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(node.pid())).start().waitFor());
  }

  /** Every one of {@code total} notifications arrived at {@code path}, each after its predecessor. */
  private static void assertEverythingInOrder(String path, int total) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (distinct(path) < total && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(total > 50, "a stream under way: " + total);
    assertEquals(total, distinct(path), "every notification arrived");
    long highest = 0;
    for (Receiver.Received r : receiver.acknowledged(path)) {
      assertTrue(r.eventNumber() <= highest + 1, "never ahead of the order: " + r.eventNumber() + " after " + highest);
      highest = Math.max(highest, r.eventNumber());
    }
  }

  private static int distinct(String path) {
    Set<Long> seen = new HashSet<>();
    receiver.acknowledged(path).forEach(r -> seen.add(r.eventNumber()));
    return seen.size();
  }
}
