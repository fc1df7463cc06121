package io.herald.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many live connections on one node, Herald as its own process: {@code --clients} WebSocket clients of the SockJS
 * bridge, client i subscribed to Patient {@code scale-i} alone ({@code _id=scale-i}); then writes at a steady
 * {@code --rate} for {@code --seconds} after {@code --warmup}, the n-th a PUT of Patient {@code scale-(n mod clients)}
 * (a create the first time, an update after), so each write is for exactly one client. Prints the time from each
 * write's response to its client's receipt (p50/p99 over every receipt), whether every write arrived once and in
 * order, and Herald's memory per connection: its live heap after a full collection, and its resident memory, with
 * every client connected and subscribed, less the same before any connected, divided by the clients.
 *
 * <pre>java -cp target/herald-bench.jar io.herald.bench.LiveScaleBenchmark [--clients 10000] [--rate 500]
 *     [--seconds 30] [--warmup 30]</pre>
 */
public final class LiveScaleBenchmark {

  private record Receipt(long versionId, long at) {
  }

  private LiveScaleBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    io.herald.Main.configureLogging();
    Map<String, String> o = Args.parse(args, Args.defaults("clients", "10000", "rate", "500", "seconds", "30",
        "warmup", "30", "herald-jar", "", "herald-jvm", ""));
    int clients = Integer.parseInt(o.get("clients"));
    int rate = Integer.parseInt(o.get("rate"));
    int seconds = Integer.parseInt(o.get("seconds"));
    int warmup = Integer.parseInt(o.get("warmup"));
    try (BenchDatabase database = BenchDatabase.open("herald-live-scale-bench");
         HeraldProcess herald = HeraldProcess.start(database.uri, o.get("herald-jvm"), o.get("herald-jar"))) {
      Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
      System.out.printf("Live scale benchmark: %d cores, PostgreSQL %s, %d clients each subscribed to one Patient,"
          + " %d writes/s for %d s after %d s of warm-up%n", Runtime.getRuntime().availableProcessors(),
          database.embedded ? "embedded, fsync on" : "HERALD_PG_URI", clients, rate, seconds, warmup);
      LoadGenerator load = new LoadGenerator(vertx, herald.port, 64);
      load.request(HttpMethod.GET, "/fhir/Patient?_count=1", null).await();   // warm the path a little before measuring
      long heapBefore = herald.liveHeapBytes();
      long residentBefore = herald.residentBytes();

      WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(clients + 10));
      AtomicLong recording = new AtomicLong(Long.MAX_VALUE);   // versionIds above this are counted
      AtomicLong outOfOrder = new AtomicLong();
      AtomicLong strangers = new AtomicLong();
      AtomicLong closed = new AtomicLong();
      List<ConcurrentLinkedQueue<Receipt>> receipts = new ArrayList<>();
      List<Future<Void>> subscribed = new ArrayList<>();
      long connectStart = System.nanoTime();
      for (int i = 0; i < clients; i++) {
        ConcurrentLinkedQueue<Receipt> mine = new ConcurrentLinkedQueue<>();
        receipts.add(mine);
        String id = "scale-" + i;
        long[] last = {0};
        JsonObject subscribe = new JsonObject().put("resourceType", "Patient").put("criteria", "_id=" + id);
        subscribed.add(BridgeClients.connect(vertx, client, herald.port, subscribe, body -> {
          long versionId = body.getLong("versionId");
          if (!id.equals(body.getString("id"))) {
            strangers.incrementAndGet();
          }
          if (versionId <= last[0]) {
            outOfOrder.incrementAndGet();
          }
          last[0] = versionId;
          if (versionId > recording.get()) {
            mine.add(new Receipt(versionId, System.nanoTime()));
          }
        }, closed::incrementAndGet));
        if (i % 200 == 199) {
          Future.all(subscribed.subList(i - 199, i + 1)).await();
        }
      }
      Future.all(subscribed).await();
      System.out.printf("  %d clients connected and subscribed in %.1f s%n", clients, (System.nanoTime() - connectStart) / 1e9);
      long heapWith = herald.liveHeapBytes();
      long residentWith = herald.residentBytes();
      System.out.printf("  Herald's live heap after a full GC: %.1f MB before, %.1f MB with %d clients: %.1f KB per"
          + " connection; resident memory %.0f MB → %.0f MB: %.1f KB per connection%n", heapBefore / 1e6, heapWith / 1e6,
          clients, (heapWith - heapBefore) / 1024.0 / clients, residentBefore / 1e6, residentWith / 1e6,
          (residentWith - residentBefore) / 1024.0 / clients);

      Map<Long, LoadGenerator.Timing> timings = new ConcurrentHashMap<>();
      AtomicLong written = new AtomicLong();
      String patient = "{\"resourceType\":\"Patient\",\"id\":\"%s\",\"name\":[{\"family\":\"Scale\",\"given\":[\"%d\"]}]}";
      load.steady(HttpMethod.PUT, n -> "/fhir/Patient/scale-" + (written.get() + n) % clients,
          n -> String.format(patient, "scale-" + (written.get() + n) % clients, n), rate, warmup, timings);
      written.addAndGet((long) rate * warmup);
      long lastWarm = timings.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
      recording.set(lastWarm);
      timings.clear();
      load.steady(HttpMethod.PUT, n -> "/fhir/Patient/scale-" + (written.get() + n) % clients,
          n -> String.format(patient, "scale-" + (written.get() + n) % clients, n), rate, seconds, timings);
      long expected = timings.size();
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (counted(receipts) < expected && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      Histogram latency = new Histogram(600_000_000L, 3);
      long received = 0;
      for (ConcurrentLinkedQueue<Receipt> mine : receipts) {
        for (Receipt r : mine) {
          LoadGenerator.Timing t = timings.get(r.versionId());
          if (t != null) {
            latency.recordValue(Math.max(0, r.at() - t.answered()) / 1000);
            received++;
          }
        }
      }
      System.out.printf("  %d receipts of %d writes, out of order: %d, for another Patient: %d, closed: %d%n",
          received, expected, outOfOrder.get(), strangers.get(), closed.get());
      System.out.printf("  from the write's response to receipt: p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms"
          + " (target p99 < 50 ms)%n", latency.getValueAtPercentile(50) / 1000.0,
          latency.getValueAtPercentile(99) / 1000.0, latency.getValueAtPercentile(99.9) / 1000.0,
          latency.getMaxValue() / 1000.0);
      load.close().await();
      client.close().await();
      vertx.close().await();
    }
  }

  private static long counted(List<ConcurrentLinkedQueue<Receipt>> receipts) {
    long n = 0;
    for (ConcurrentLinkedQueue<Receipt> mine : receipts) {
      n += mine.size();
    }
    return n;
  }
}
