package io.herald.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live fan-out over the SockJS bridge, Herald as its own process: {@code --clients} WebSocket clients
 * ({@code /eventbus/websocket}, the bridge's frames) each subscribed to every Patient CREATE, creates at a steady
 * {@code --rate} for {@code --seconds} after {@code --warmup}; the time from each create's response (its commit came
 * before it) to each client's receipt, over every receipt, and whether all arrived, in order.
 *
 * <pre>java -cp target/herald-bench.jar io.herald.bench.LiveBenchmark [--clients 1000] [--rate 50] [--seconds 30]
 *     [--warmup 30]</pre>
 */
public final class LiveBenchmark {

  /**
   * One client's receipts after the warm-up: each change's versionId and when it arrived (nanoTime), in arrays, so that
   * keeping a million of them makes no garbage for the benchmark's own collector to copy. One writer: the client's
   * event loop.
   */
  private static final class Receipts {
    private long[] versions;
    private long[] times;
    private volatile int count;

    Receipts(int capacity) {
      versions = new long[capacity];
      times = new long[capacity];
    }

    void add(long versionId, long at) {
      int n = count;
      if (n == versions.length) {
        versions = Arrays.copyOf(versions, n * 2);
        times = Arrays.copyOf(times, n * 2);
      }
      versions[n] = versionId;
      times[n] = at;
      count = n + 1;
    }
  }

  private LiveBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    io.herald.Main.configureLogging();
    Map<String, String> o = Args.parse(args, Args.defaults("clients", "1000", "rate", "50", "seconds", "30",
        "warmup", "30", "herald-jar", "", "herald-jvm", ""));
    int clients = Integer.parseInt(o.get("clients"));
    int rate = Integer.parseInt(o.get("rate"));
    int seconds = Integer.parseInt(o.get("seconds"));
    int warmup = Integer.parseInt(o.get("warmup"));
    try (BenchDatabase database = BenchDatabase.open("herald-live-bench");
         HeraldProcess herald = HeraldProcess.start(database.uri, o.get("herald-jvm"), o.get("herald-jar"))) {
      Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
      System.out.printf("Live benchmark: %d cores, PostgreSQL %s, %d clients subscribed to every Patient CREATE,"
          + " %d creates/s for %d s after %d s of warm-up%n", Runtime.getRuntime().availableProcessors(),
          database.embedded ? "embedded, fsync on" : "HERALD_PG_URI", clients, rate, seconds, warmup);
      WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(clients + 10));
      AtomicLong recording = new AtomicLong(Long.MAX_VALUE);   // versionIds above this are counted
      AtomicLong outOfOrder = new AtomicLong();
      AtomicLong overflows = new AtomicLong();
      AtomicLong closed = new AtomicLong();
      List<Receipts> receipts = new ArrayList<>();
      List<Future<Void>> subscribed = new ArrayList<>();
      long connectStart = System.nanoTime();
      for (int i = 0; i < clients; i++) {
        Receipts mine = new Receipts(rate * seconds + rate);
        receipts.add(mine);
        subscribed.add(connect(vertx, client, herald.port, mine, recording, outOfOrder, overflows, closed));
        if (i % 100 == 99) {
          Future.all(subscribed.subList(i - 99, i + 1)).await();
        }
      }
      Future.all(subscribed).await();
      System.out.printf("  %d clients connected and subscribed in %.1f s%n", clients, (System.nanoTime() - connectStart) / 1e9);

      LoadGenerator load = new LoadGenerator(vertx, herald.port, 64);
      String patient = "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Live\"}]}";
      Map<Long, LoadGenerator.Timing> timings = new ConcurrentHashMap<>();
      load.steady("Patient", patient, rate, warmup, timings);
      long lastWarm = timings.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
      recording.set(lastWarm);
      timings.clear();
      load.steady("Patient", patient, rate, seconds, timings);
      long expected = (long) timings.size() * clients;
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (counted(receipts) < expected && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      Histogram latency = new Histogram(600_000_000L, 3);
      long received = 0;
      for (Receipts mine : receipts) {
        for (int i = 0, n = mine.count; i < n; i++) {
          LoadGenerator.Timing t = timings.get(mine.versions[i]);
          if (t != null) {
            latency.recordValue(Math.max(0, mine.times[i] - t.answered()) / 1000);
            received++;
          }
        }
      }
      long windowStart = timings.values().stream().mapToLong(LoadGenerator.Timing::sent).min().orElse(0);
      long[] worstBySecond = new long[seconds + 1];
      for (Receipts mine : receipts) {
        for (int i = 0, n = mine.count; i < n; i++) {
          LoadGenerator.Timing t = timings.get(mine.versions[i]);
          if (t != null) {
            int second = (int) Math.min(seconds, (t.sent() - windowStart) / 1_000_000_000L);
            worstBySecond[second] = Math.max(worstBySecond[second], mine.times[i] - t.answered());
          }
        }
      }
      StringBuilder worst = new StringBuilder();
      for (int second = 0; second < seconds; second++) {
        worst.append(second == 0 ? "" : " ").append(worstBySecond[second] / 1_000_000);
      }
      System.out.println("  the slowest receipt of the changes written in each second, ms: " + worst);
      System.out.printf("  %d receipts of %d expected (%.0f messages/s), out of order: %d, overflowed: %d, closed: %d%n",
          received, expected, (double) expected / seconds, outOfOrder.get(), overflows.get(), closed.get());
      System.out.printf("  from the create's response to receipt: p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms"
          + " (target p99 < 100 ms)%n", latency.getValueAtPercentile(50) / 1000.0,
          latency.getValueAtPercentile(99) / 1000.0, latency.getValueAtPercentile(99.9) / 1000.0,
          latency.getMaxValue() / 1000.0);
      load.close().await();
      client.close().await();
      vertx.close().await();
    }
  }

  private static long counted(List<Receipts> receipts) {
    long n = 0;
    for (Receipts mine : receipts) {
      n += mine.count;
    }
    return n;
  }

  /** One client subscribed to every Patient CREATE, checking order and recording receipts after {@code recording}. */
  private static Future<Void> connect(Vertx vertx, WebSocketClient client, int port, Receipts receipts,
                                      AtomicLong recording, AtomicLong outOfOrder, AtomicLong overflows,
                                      AtomicLong closed) {
    long[] last = {0};
    JsonObject subscribe = new JsonObject().put("resourceType", "Patient").put("events", new JsonArray().add("CREATE"));
    return BridgeClients.connect(vertx, client, port, subscribe, versionId -> {
      if (versionId <= last[0]) {
        outOfOrder.incrementAndGet();
      }
      last[0] = versionId;
      if (versionId > recording.get()) {
        receipts.add(versionId, System.nanoTime());
      }
    }, body -> {
      if ("OVERFLOW".equals(body.getString("event"))) {
        overflows.incrementAndGet();
      }
    }, closed::incrementAndGet);
  }
}
