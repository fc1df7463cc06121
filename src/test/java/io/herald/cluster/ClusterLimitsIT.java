package io.herald.cluster;

import io.herald.bus.Addresses;
import io.herald.testing.Await;
import io.herald.testing.BridgeSocket;
import io.herald.testing.HeraldNode;
import io.herald.testing.HeraldProcess;
import io.herald.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client's limits hold across a cluster of two Herald JVMs (authentication on): its requests a second, however they
 * are spread over the nodes, and its sockets, one on each node being one too many.
 */
class ClusterLimitsIT {

  private static final String ADMIN_SECRET = "admin-secret-for-the-tests";
  private static final int PER_SECOND = 20;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final List<HeraldProcess> nodes = new ArrayList<>();
  private static Path config;

  @BeforeAll
  static void start() throws Exception {
    config = Files.createTempFile("herald-limits", ".json");
    Files.writeString(config, new JsonObject().put("auth", new JsonObject().put("requestsPerSecond", PER_SECOND)
        .put("socketsPerClient", 1)).encode());
    String db = TestDatabase.freshDatabase();
    List<Integer> ports = List.of(HeraldNode.freePort(), HeraldNode.freePort());
    String members = String.join(",", ports.stream().map(p -> "127.0.0.1:" + p).toList());
    Map<String, String> environment = Map.of("HERALD_CLUSTER", "true", "HERALD_CLUSTER_MEMBERS", members,
        "HERALD_PG_URI", db, "HERALD_AUTH", "on", "HERALD_ADMIN_SECRET", ADMIN_SECRET, "HERALD_CONFIG", config.toString());
    for (int port : ports) {
      Map<String, String> env = new HashMap<>(environment);
      env.put("HERALD_CLUSTER_PORT", Integer.toString(port));
      nodes.add(HeraldProcess.launch(env));
    }
    for (HeraldProcess node : nodes) {
      node.awaitReady();
    }
    Await.until(() -> nodes.stream().allMatch(node -> {
      try {
        int buckets = node.buckets().size();
        return buckets > 0 && buckets < 256;   // both have met: the buckets are shared between them
      } catch (Exception e) {
        return false;
      }
    }));
  }

  @AfterAll
  static void stop() throws Exception {
    for (HeraldProcess node : nodes) {
      node.close();
    }
    Files.deleteIfExists(config);
  }

  private static String token(HeraldProcess node, String client, String secret) throws Exception {
    String basic = Base64.getEncoder().encodeToString((client + ":" + secret).getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> reply = HTTP.send(HttpRequest.newBuilder(URI.create(node.base() + "/auth/token"))
        .header("Authorization", "Basic " + basic).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, reply.statusCode(), reply.body());
    return new JsonObject(reply.body()).getString("access_token");
  }

  private static String client(String id) throws Exception {
    String admin = token(nodes.get(0), "admin", ADMIN_SECRET);
    HttpResponse<String> made = HTTP.send(HttpRequest.newBuilder(URI.create(nodes.get(0).base() + "/auth/clients"))
        .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + id + "\",\"scopes\":\"system/Patient.rs\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(201, made.statusCode(), made.body());
    return token(nodes.get(1), id, new JsonObject(made.body()).getString("secret"));
  }

  @Test
  void aClientsRequestsASecondAreCountedAcrossTheNodes() throws Exception {
    String busy = client("busy");
    Map<Long, Integer> letThrough = new HashMap<>();
    int refused = 0;
    for (int i = 0; i < 400; i++) {
      HeraldProcess node = nodes.get(i % 2);
      long second = System.currentTimeMillis() / 1000;
      HttpResponse<String> reply = HTTP.send(HttpRequest.newBuilder(URI.create(node.base() + "/fhir/Patient?_count=1"))
          .header("Authorization", "Bearer " + busy).build(), HttpResponse.BodyHandlers.ofString());
      if (reply.statusCode() == 429) {
        refused++;
      } else {
        assertEquals(200, reply.statusCode(), reply.body());
        letThrough.merge(second, 1, Integer::sum);
      }
    }
    assertTrue(refused > 0, "no 429 in 400 requests over two nodes");
    int most = letThrough.values().stream().max(Integer::compare).orElse(0);
    // Counted per node, each second would let through twice the limit; shared, the limit and what went by in the
    // 100 ms before the nodes told each other.
    assertTrue(most <= PER_SECOND * 3 / 2, "at most " + most + " in a second, for a limit of " + PER_SECOND + ": " + letThrough);
  }

  @Test
  void aClientsSocketsAreCountedAcrossTheNodes() throws Exception {
    String watcher = client("watcher");
    JsonObject headers = new JsonObject().put("Authorization", "Bearer " + watcher);
    JsonObject patients = new JsonObject().put("resourceType", "Patient");
    Vertx browser = Vertx.vertx();
    try {
      BridgeSocket first = new BridgeSocket(browser, "127.0.0.1", URI.create(nodes.get(0).base()).getPort());
      assertEquals("rec", first.request(Addresses.LIVE_SUBSCRIBE, patients, headers).getString("type"));
      List<BridgeSocket> opened = new ArrayList<>();
      Await.until(() -> {   // once the first node has told the cluster (within 5 s), the other refuses a second socket
        BridgeSocket other = new BridgeSocket(browser, "127.0.0.1", URI.create(nodes.get(1).base()).getPort());
        opened.add(other);
        JsonObject reply = other.request(Addresses.LIVE_SUBSCRIBE, patients, headers);
        return "err".equals(reply.getString("type")) && reply.getString("message").contains("socketsPerClient");
      });
      opened.forEach(BridgeSocket::close);
      first.close();
      Await.until(() -> {   // and once the close is told, takes one again
        BridgeSocket other = new BridgeSocket(browser, "127.0.0.1", URI.create(nodes.get(1).base()).getPort());
        boolean taken = "rec".equals(other.request(Addresses.LIVE_SUBSCRIBE, patients, headers).getString("type"));
        other.close();
        return taken;
      });
    } finally {
      browser.close().await();
    }
  }
}
