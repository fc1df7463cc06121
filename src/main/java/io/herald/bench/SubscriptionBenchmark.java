package io.herald.bench;

import io.herald.Config;
import io.herald.Herald;
import io.herald.deliver.RetryPolicy;
import io.herald.http.HttpConfig;
import io.herald.store.BulkLoad;
import io.herald.store.Registries;
import io.herald.store.StoreConfig;
import io.herald.store.StoreVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Subscriptions under load, in one run against one PostgreSQL:
 * <ol>
 *   <li>latency: creates at a steady rate with 10 rest-hook subscriptions that each match every
 *       change; time from the create's response (the commit) to each receipt at the receiver;</li>
 *   <li>throughput: creates/s with no subscriptions, with 10,000 of which one matches each change,
 *       and with 10 that each match every change, all delivered;</li>
 *   <li>$poll wake-up: time from a matching create's response to the waiting poller's answer.</li>
 * </ol>
 * <pre>java -cp target/herald.jar io.herald.bench.SubscriptionBenchmark [--rate 500] [--seconds 15] [--concurrency 32] [--subscriptions 10000]</pre>
 */
public final class SubscriptionBenchmark {

  private SubscriptionBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    io.herald.Main.configureLogging();
    Map<String, String> o = Args.parse(args, Map.of("rate", "500", "seconds", "15", "concurrency", "32", "subscriptions", "10000", "polls", "200"));
    int rate = Integer.parseInt(o.get("rate"));
    int seconds = Integer.parseInt(o.get("seconds"));
    int concurrency = Integer.parseInt(o.get("concurrency"));
    int many = Integer.parseInt(o.get("subscriptions"));
    int polls = Integer.parseInt(o.get("polls"));
    try (BenchDatabase database = BenchDatabase.open("herald-subscription-bench")) {
      JsonObject config = Config.load(System.getenv());
      StoreConfig store = StoreConfig.from(config.getJsonObject("store")).withPgUri(database.uri);
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      Vertx server = Vertx.vertx();
      Herald herald = Herald.deploy(server, store, HttpConfig.from(config.getJsonObject("http")).withPort(port),
          RetryPolicy.from(config.getJsonObject("deliver"))).await();
      Vertx load = Vertx.vertx();
      HttpClientAgent client = load.httpClientBuilder().with(new PoolOptions().setHttp1MaxSize(concurrency + 8)).build();
      Receiver receiver = new Receiver(load);
      System.out.printf("Subscription benchmark: %d cores, PostgreSQL %s%n", Runtime.getRuntime().availableProcessors(),
          database.embedded ? "embedded, fsync on" : "HERALD_PG_URI");

      // 1. Latency at a steady rate, 10 subscriptions matching every change.
      for (int i = 0; i < 10; i++) {
        put(client, port, "Subscription", "lat" + i, subscription("lat" + i, "Patient?family=Latency", receiver.url("/lat")));
      }
      Thread.sleep(500);
      receiver.reset();
      Map<Long, Long> committedAt = new ConcurrentHashMap<>();
      receiver.committedAt = committedAt;
      String latency = "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Latency\"}]}";
      steady(load, client, port, latency, rate, 3, committedAt);   // warm-up
      Thread.sleep(1000);
      receiver.reset();
      long sent = steady(load, client, port, latency, rate, seconds, committedAt);
      awaitReceipts(receiver, sent * 10);
      Histogram l = receiver.latency;
      System.out.printf("latency at %d creates/s, 10 subscriptions matching each: commit-to-receipt p50 %.1f ms, p99 %.1f ms,"
              + " p99.9 %.1f ms (%d receipts; targets p50 < 10 ms, p99 < 50 ms)%n", rate,
          l.getValueAtPercentile(50) / 1000.0, l.getValueAtPercentile(99) / 1000.0, l.getValueAtPercentile(99.9) / 1000.0,
          l.getTotalCount());
      for (int i = 0; i < 10; i++) {
        put(client, port, "Subscription", "lat" + i, subscription("lat" + i, "Patient?family=Latency", receiver.url("/lat"))
            .put("status", "off"));
      }

      // 2. Throughput.
      String unmatched = "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Nobody\"}]}";
      closed(load, client, port, () -> unmatched, concurrency, 5);   // warm-up
      double none = closed(load, client, port, () -> unmatched, concurrency, seconds);
      Pool pool = PgBuilder.pool().connectingTo(StoreVerticle.connectOptions(database.uri)).using(load).build();
      List<JsonObject> subs = new ArrayList<>();
      for (int i = 0; i < many; i++) {
        subs.add(subscription("k" + i, "Patient?identifier=urn:bench|K" + i, receiver.url("/k")).put("id", "k" + i));
      }
      BulkLoad.load(pool, Registries.load(store.searchParameters()).registry(), subs.iterator(), 4, 64).await();
      Thread.sleep(3000);   // the matcher takes them in
      AtomicLong n = new AtomicLong();
      receiver.reset();
      double one = closed(load, client, port, () -> "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:bench\",\"value\":\"K"
          + (n.getAndIncrement() % many) + "\"}]}", concurrency, seconds);
      long expectedOne = receiver.expected;
      for (int i = 0; i < 10; i++) {
        put(client, port, "Subscription", "ten" + i, subscription("ten" + i, "Patient?family=Ten", receiver.url("/ten")));
      }
      Thread.sleep(500);
      double ten = closed(load, client, port, () -> "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Ten\"}]}", concurrency, seconds);
      System.out.printf("throughput (concurrency %d): no subscriptions %.0f creates/s; %d subscriptions, one matching each change %.0f creates/s"
          + " (%.2f of none; target >= 0.80); 10 matching each change %.0f creates/s (%.2f of none)%n",
          concurrency, none, many, one, one / none, ten, ten / none);
      awaitReceipts(receiver, 0);
      System.out.printf("  deliveries received: %d (all delivered: %s)%n", receiver.count.get(), receiver.count.get() >= expectedOne);

      // 3. $poll wake-up.
      put(client, port, "Subscription", "poller", new JsonObject().put("resourceType", "Subscription").put("id", "poller")
          .put("status", "active").put("reason", "bench").put("criteria", "Observation?code=poll")
          .put("channel", new JsonObject().put("type", "poll")));
      Histogram wake = new Histogram(60_000_000L, 3);
      String observation = "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":[{\"code\":\"poll\"}]}}";
      long from = version(request(client, port, HttpMethod.POST, "/fhir/Observation", "{\"resourceType\":\"Observation\"}"));
      for (int i = 0; i < polls + 20; i++) {
        Future<JsonObject> poll = request(client, port, HttpMethod.GET, "/fhir/Subscription/poller/$poll?from=" + from + "&timeout=10", null);
        Thread.sleep(10);
        JsonObject created = request(client, port, HttpMethod.POST, "/fhir/Observation", observation).await();
        long committed = System.nanoTime();
        poll.await();
        if (i >= 20) {
          wake.recordValue(Math.max(1, (System.nanoTime() - committed) / 1000));
        }
        from = Long.parseLong(created.getJsonObject("meta").getString("versionId"));
      }
      System.out.printf("$poll wake-up, commit to the waiting poller's answer: p50 %.2f ms, p99 %.2f ms (%d polls; target p50 < 10 ms)%n",
          wake.getValueAtPercentile(50) / 1000.0, wake.getValueAtPercentile(99) / 1000.0, wake.getTotalCount());

      pool.close().await();
      client.close().await();
      herald.stop().await();
      server.close().await();
      load.close().await();
    }
  }

  private static JsonObject subscription(String id, String criteria, String endpoint) {
    return new JsonObject().put("resourceType", "Subscription").put("id", id).put("status", "active").put("reason", "bench")
        .put("criteria", criteria).put("channel", new JsonObject().put("type", "rest-hook").put("endpoint", endpoint));
  }

  private static void put(HttpClientAgent client, int port, String type, String id, JsonObject body) {
    request(client, port, HttpMethod.PUT, "/fhir/" + type + "/" + id, body.encode()).await();
  }

  private static long version(Future<JsonObject> created) {
    return Long.parseLong(created.await().getJsonObject("meta").getString("versionId"));
  }

  private static Future<JsonObject> request(HttpClientAgent client, int port, HttpMethod method, String uri, String body) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost("localhost").setPort(port).setURI(uri)
        .putHeader("Content-Type", "application/fhir+json").setTimeout(60_000);
    return client.request(options).compose(req -> body == null ? req.send() : req.send(body))
        .compose(resp -> resp.body().map(b -> {
          if (resp.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + uri + " → " + resp.statusCode() + " " + b);
          }
          return b.toJsonObject();
        }));
  }

  /** Creates at {@code rate}/s for {@code seconds}, open loop; records each response time by versionId. */
  private static long steady(Vertx vertx, HttpClientAgent client, int port, String body, int rate, int seconds,
                             Map<Long, Long> committedAt) throws Exception {
    long total = (long) rate * seconds;
    AtomicLong done = new AtomicLong();
    Promise<Void> finished = Promise.promise();
    long start = System.nanoTime();
    long period = 1_000_000_000L / rate;
    AtomicLong issued = new AtomicLong();
    vertx.setPeriodic(1, id -> {
      long due = Math.min(total, (System.nanoTime() - start) / period + 1);
      while (issued.get() < due) {
        issued.incrementAndGet();
        request(client, port, HttpMethod.POST, "/fhir/Patient", body).onComplete(ar -> {
          if (ar.succeeded()) {
            committedAt.put(Long.parseLong(ar.result().getJsonObject("meta").getString("versionId")), System.nanoTime());
          }
          if (done.incrementAndGet() == total) {
            finished.tryComplete();
          }
        });
      }
      if (issued.get() >= total) {
        vertx.cancelTimer(id);
      }
    });
    finished.future().await();
    return total;
  }

  /** {@code concurrency} closed loops of creates for {@code seconds}; creates/s. */
  private static double closed(Vertx vertx, HttpClientAgent client, int port, java.util.function.Supplier<String> body,
                               int concurrency, int seconds) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    AtomicLong done = new AtomicLong();
    List<Future<Void>> loops = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < concurrency; i++) {
      Promise<Void> finished = Promise.promise();
      loops.add(finished.future());
      vertx.runOnContext(v -> loop(client, port, body, end, done, finished));
    }
    Future.all(loops).await();
    return done.get() / ((System.nanoTime() - start) / 1e9);
  }

  private static void loop(HttpClientAgent client, int port, java.util.function.Supplier<String> body, long end,
                           AtomicLong done, Promise<Void> finished) {
    if (System.nanoTime() >= end) {
      finished.tryComplete();
      return;
    }
    request(client, port, HttpMethod.POST, "/fhir/Patient", body.get()).onComplete(ar -> {
      if (ar.failed()) {
        finished.tryFail(ar.cause());
        return;
      }
      done.incrementAndGet();
      loop(client, port, body, end, done, finished);
    });
  }

  private static void awaitReceipts(Receiver receiver, long expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    long last = -1;
    while (System.nanoTime() < deadline) {
      long now = receiver.count.get();
      if ((expected > 0 && now >= expected) || (expected == 0 && now == last)) {
        return;
      }
      last = now;
      Thread.sleep(expected > 0 ? 20 : 2000);
    }
  }

  /** The webhook endpoint: answers 200 and records when each notification arrived. */
  private static final class Receiver {
    final AtomicLong count = new AtomicLong();
    volatile Histogram latency = new ConcurrentHistogram(60_000_000L, 3);
    volatile Map<Long, Long> committedAt = new ConcurrentHashMap<>();
    volatile long expected;
    private final HttpServer server;

    Receiver(Vertx vertx) {
      server = vertx.createHttpServer().requestHandler(req -> req.body().onComplete(b -> {
        long now = System.nanoTime();
        count.incrementAndGet();
        String version = req.getHeader("X-Herald-Version-Id");
        Long committed = version == null ? null : committedAt.get(Long.parseLong(version));
        if (committed != null) {
          latency.recordValue(Math.max(1, (now - committed) / 1000));
        }
        req.response().end();
      })).listen(0, "127.0.0.1").await();
    }

    String url(String path) {
      return "http://127.0.0.1:" + server.actualPort() + path;
    }

    void reset() {
      count.set(0);
      latency = new ConcurrentHistogram(60_000_000L, 3);
    }
  }
}
