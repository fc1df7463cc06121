package io.herald.bench;

import io.herald.cluster.DeliveryShares;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A cluster of Herald nodes on this machine (separate JVMs, Hazelcast on loopback, one PostgreSQL):
 * <ol>
 *   <li>across: a write on node 1 to the answer of a {@code $poll} waiting on node 2, and to the event reaching a SockJS
 *   client on node 3 (the bridge's raw WebSocket), one write at a time, {@code --writes} (500) of them after 20 not
 *   counted;</li>
 *   <li>failover: a subscription's owner killed with kill -9 while changes stream in, {@code --kills} times (a node
 *   started in its place each time): the time from the kill to the first delivery by its successor, and the
 *   notifications lost (written, never delivered);</li>
 *   <li>scale: 1 node, then 3, in the same run: creates/s in closed loops spread over the nodes, each create matching
 *   one of 1,000 rest-hook subscriptions whose receiver takes {@code --receiver-ms} (20) per request, and the
 *   webhook deliveries/s, counted until every one of them has arrived.</li>
 * </ol>
 * <pre>java -cp target/herald-bench.jar io.herald.bench.ClusterBenchmark [--kills 5] [--seconds 15] [--concurrency 32]
 *     [--receiver-ms 20] [--writes 500] [--phases scale,across,failover]</pre>
 */
public final class ClusterBenchmark {

  private final String pgUri;
  private final Vertx client;
  private final WebhookReceiver receiver;
  private final List<Integer> clusterPorts = new ArrayList<>();
  private final Map<HeraldProcess, Integer> portOf = new HashMap<>();
  private final List<HeraldProcess> nodes = new CopyOnWriteArrayList<>();
  private final Map<HeraldProcess, LoadGenerator> loads = new HashMap<>();

  private ClusterBenchmark(String pgUri, Vertx client) throws Exception {
    this.pgUri = pgUri;
    this.client = client;
    this.receiver = new WebhookReceiver(client);
    for (int i = 0; i < 3; i++) {
      try (ServerSocket s = new ServerSocket(0)) {
        clusterPorts.add(s.getLocalPort());
      }
    }
  }

  public static void main(String[] args) throws Exception {
    io.herald.Main.configureLogging();
    Map<String, String> o = Args.parse(args, Args.defaults("kills", "5", "seconds", "15", "concurrency", "32",
        "receiver-ms", "20", "writes", "500", "phases", "scale,across,failover"));
    List<String> phases = List.of(o.get("phases").split(","));
    try (BenchDatabase database = BenchDatabase.open("herald-cluster-bench")) {
      Vertx client = Vertx.vertx();
      ClusterBenchmark bench = new ClusterBenchmark(database.uri, client);
      System.out.printf("Cluster benchmark: %d cores, PostgreSQL %s, nodes as separate JVMs%n",
          Runtime.getRuntime().availableProcessors(), database.embedded ? "embedded, fsync on" : "HERALD_PG_URI");
      if (phases.contains("scale")) {
        bench.scale(Integer.parseInt(o.get("concurrency")), Integer.parseInt(o.get("seconds")),
            Integer.parseInt(o.get("receiver-ms")));
      }
      if (phases.contains("across")) {
        bench.across(Integer.parseInt(o.get("writes")));
      }
      if (phases.contains("failover")) {
        bench.failover(Integer.parseInt(o.get("kills")));
      }
      for (HeraldProcess node : bench.nodes) {
        node.close();
      }
      client.close().await();
    }
  }

  private HeraldProcess start(int port) throws Exception {
    String members = String.join(",", clusterPorts.stream().map(p -> "127.0.0.1:" + p).toList());
    HeraldProcess node = HeraldProcess.start(pgUri, "-Xmx512m", "", null, Map.of("HERALD_CLUSTER", "true",
        "HERALD_CLUSTER_MEMBERS", members, "HERALD_CLUSTER_PORT", Integer.toString(port)));
    portOf.put(node, port);
    loads.put(node, new LoadGenerator(client, node.port, 40));
    nodes.add(node);
    return node;
  }

  /** The delivery buckets {@code node} holds. */
  private List<Integer> buckets(HeraldProcess node) {
    JsonObject health = loads.get(node).request(HttpMethod.GET, "/health/ready", null).await();
    for (Object check : health.getJsonArray("checks", new JsonArray())) {
      JsonObject c = (JsonObject) check;
      if ("delivery".equals(c.getString("id"))) {
        return c.getJsonObject("data").getJsonArray("buckets").stream().map(b -> ((Number) b).intValue()).toList();
      }
    }
    return List.of();
  }

  /** Until the live nodes hold every bucket between them, each some. */
  private void awaitShared() throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      Set<Integer> all = new HashSet<>();
      int total = 0;
      boolean each = true;
      for (HeraldProcess node : nodes) {
        List<Integer> held = buckets(node);
        each &= !held.isEmpty();
        all.addAll(held);
        total += held.size();
      }
      if (each && all.size() == DeliveryShares.BUCKETS && total == DeliveryShares.BUCKETS) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the nodes did not share the delivery buckets within 60 s");
  }

  private static JsonObject hook(String id, String criteria, String endpoint) {
    return new JsonObject().put("resourceType", "Subscription").put("id", id).put("status", "active").put("reason", "bench")
        .put("criteria", criteria).put("channel", new JsonObject().put("type", "rest-hook").put("endpoint", endpoint));
  }

  /** 1 node, then 3: creates/s spread over the nodes, and webhook deliveries/s to a slow receiver. */
  private void scale(int concurrency, int seconds, int receiverMillis) throws Exception {
    start(clusterPorts.get(0));
    awaitShared();
    LoadGenerator first = loads.get(nodes.get(0));
    for (int i = 0; i < 1000; i++) {
      first.put("Subscription", "k" + i, hook("k" + i, "Patient?identifier=urn:bench|K" + i, receiver.url("/k")));
    }
    receiver.delayMillis = receiverMillis;
    round(1, concurrency, Math.max(5, seconds / 3), true);   // warm-up, not counted
    double[] one = round(1, concurrency, seconds, false);
    start(clusterPorts.get(1));
    start(clusterPorts.get(2));
    awaitShared();
    round(3, concurrency, Math.max(5, seconds / 3), true);
    double[] three = round(3, concurrency, seconds, false);
    receiver.delayMillis = 0;
    System.out.printf("scale: 1 node %.0f creates/s, %.0f webhooks/s; 3 nodes %.0f creates/s (%.2fx), %.0f webhooks/s"
            + " (%.2fx); 1,000 rest-hook subscriptions, the receiver taking %d ms per request, concurrency %d;"
            + " out of order: %d%n", one[0], one[1], three[0], three[0] / one[0], three[1], three[1] / one[1],
        receiverMillis, concurrency, receiver.outOfOrder.get());
  }

  /** Creates for {@code seconds} in closed loops spread over the nodes; creates/s and webhooks/s until all arrived. */
  private double[] round(int nodeCount, int concurrency, int seconds, boolean warmUp) throws InterruptedException {
    AtomicLong n = new AtomicLong();
    Supplier<String> patient = () -> "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:bench\",\"value\":\"K"
        + (n.getAndIncrement() % 1000) + "\"}]}";
    long before = receiver.count.get();
    long start = System.nanoTime();
    List<Thread> loops = new ArrayList<>();
    AtomicLong created = new AtomicLong();
    for (HeraldProcess node : nodes) {
      Thread t = new Thread(() -> created.addAndGet(loads.get(node).closed("Patient", patient, concurrency / nodes.size(), seconds)));
      t.start();
      loops.add(t);
    }
    for (Thread t : loops) {
      t.join();
    }
    receiver.await(before + created.get(), 600);
    double elapsed = (System.nanoTime() - start) / 1e9;
    double creates = created.get() / (double) seconds;
    double webhooks = (receiver.count.get() - before) / elapsed;
    if (!warmUp) {
      System.out.printf("  %d node%s: %d creates in %d s (%.0f/s); their %d webhooks all arrived %.1f s after the start"
          + " (%.0f/s)%n", nodeCount, nodeCount == 1 ? "" : "s", created.get(), seconds, creates,
          receiver.count.get() - before, elapsed, webhooks);
    }
    return new double[] {creates, webhooks};
  }

  /** A write on node 1 to a $poll's answer on node 2 and to a SockJS client's event on node 3. */
  private void across(int writes) throws Exception {
    while (nodes.size() < 3) {
      start(clusterPorts.get(nodes.size()));
    }
    awaitShared();
    LoadGenerator one = loads.get(nodes.get(0));
    LoadGenerator two = loads.get(nodes.get(1));
    one.put("Subscription", "across", new JsonObject().put("resourceType", "Subscription").put("id", "across")
        .put("status", "active").put("reason", "bench").put("criteria", "Observation?code=across")
        .put("channel", new JsonObject().put("type", "poll")));
    java.util.concurrent.ConcurrentHashMap<Long, Long> heard = new java.util.concurrent.ConcurrentHashMap<>();
    WebSocketClient sockets = client.createWebSocketClient();   // referenced to the end: a collected client closes its sockets
    BridgeClients.connect(client, sockets, nodes.get(2).port, new JsonObject()
            .put("resourceType", "Observation").put("criteria", "code=across"),
        event -> heard.put(event.getLong("versionId"), System.nanoTime()), () -> { }).await();
    org.HdrHistogram.Histogram poll = new org.HdrHistogram.Histogram(60_000_000L, 3);
    org.HdrHistogram.Histogram live = new org.HdrHistogram.Histogram(60_000_000L, 3);
    String body = "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":[{\"code\":\"across\"}]}}";
    long from = LoadGenerator.version(one.request(HttpMethod.POST, "/fhir/Observation", "{\"resourceType\":\"Observation\"}").await());
    for (int i = 0; i < writes + 20; i++) {
      var waiting = two.request(HttpMethod.GET, "/fhir/Subscription/across/$poll?from=" + from + "&timeout=10", null);
      Thread.sleep(20);
      JsonObject created = one.request(HttpMethod.POST, "/fhir/Observation", body).await();
      long committed = System.nanoTime();
      waiting.await();
      long answered = System.nanoTime();
      from = LoadGenerator.version(created);
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!heard.containsKey(from) && System.nanoTime() < deadline) {
        Thread.sleep(0, 200_000);
      }
      if (i >= 20 && heard.containsKey(from)) {   // the first 20 warm up
        poll.recordValue(Math.max(1, (answered - committed) / 1000));
        live.recordValue(Math.max(1, (heard.get(from) - committed) / 1000));
      }
    }
    System.out.printf("across nodes, from a write's response on node 1: the $poll waiting on node 2 answered p50 %.2f ms,"
            + " p99 %.2f ms; the SockJS client on node 3 had the event p50 %.2f ms, p99 %.2f ms (%d writes; target"
            + " p50 < 10 ms)%n", poll.getValueAtPercentile(50) / 1000.0, poll.getValueAtPercentile(99) / 1000.0,
        live.getValueAtPercentile(50) / 1000.0, live.getValueAtPercentile(99) / 1000.0, poll.getTotalCount());
    sockets.close().await();
  }

  /** kill -9 of a subscription's owner while changes stream in, {@code kills} times; failover time and losses. */
  private void failover(int kills) throws Exception {
    while (nodes.size() < 3) {
      start(clusterPorts.get(nodes.size()));
    }
    awaitShared();
    LoadGenerator any = loads.get(nodes.get(0));
    any.put("Subscription", "failover", hook("failover", "Observation?code=failover", receiver.url("/failover")));
    Thread.sleep(1000);
    long before = receiver.count.get();
    receiver.delayMillis = 2;
    AtomicInteger written = new AtomicInteger();
    AtomicInteger unanswered = new AtomicInteger();
    AtomicBoolean writing = new AtomicBoolean(true);
    List<Double> times = new ArrayList<>();
    String body = "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":[{\"code\":\"failover\"}]}}";
    Thread writer = new Thread(() -> {
      int next = 0;
      while (writing.get()) {
        HeraldProcess node = nodes.get(next++ % nodes.size());
        try {
          loads.get(node).request(HttpMethod.POST, "/fhir/Observation", body).await(5, TimeUnit.SECONDS);
          written.incrementAndGet();
          Thread.sleep(10);
        } catch (TimeoutException e) {
          // no answer: counted and told (a write that hangs must not stop the stream, nor go unseen)
          System.out.printf("  a write to the node on port %d got no answer within 5 s%n", node.port);
          unanswered.incrementAndGet();
        } catch (Exception e) {
          // the node was just killed: the next one (a write refused or cut off is not counted)
        }
      }
    });
    writer.start();
    for (int k = 0; k < kills; k++) {
      Thread.sleep(3000);
      HeraldProcess owner = null;
      for (HeraldProcess node : nodes) {
        if (buckets(node).contains(DeliveryShares.bucket("failover"))) {
          owner = node;
        }
      }
      long atKill = receiver.count.get();
      long killedAt = System.nanoTime();
      nodes.remove(owner);
      owner.kill();
      while (receiver.count.get() == atKill && System.nanoTime() - killedAt < 60_000_000_000L) {
        Thread.sleep(1);
      }
      times.add((System.nanoTime() - killedAt) / 1e9);
      System.out.printf("  kill %d: the first delivery by its successor %.2f s after kill -9%n", k + 1, times.get(k));
      start(portOf.get(owner));   // a node in its place, as an orchestrator does
      awaitShared();
    }
    Thread.sleep(2000);
    writing.set(false);
    writer.join();
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (receiver.highest("failover") < written.get() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    receiver.delayMillis = 0;
    long delivered = receiver.count.get() - before;
    List<Double> sorted = new ArrayList<>(times);
    sorted.sort(null);
    System.out.printf("failover over %d kills: the first delivery by the successor after %.2f s (median), %.2f s (max);"
            + " %d notifications written, %d deliveries received (%d again: at least once), %d lost, out of order: %d;"
            + " writes unanswered within 5 s: %d%n",
        kills, sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1), written.get(), delivered,
        receiver.duplicates.get(), Math.max(0, written.get() - receiver.highest("failover")), receiver.outOfOrder.get(),
        unanswered.get());
  }
}
