package io.herald.bench;

import io.herald.Config;
import io.herald.criteria.Registry;
import io.herald.store.BulkLoad;
import io.herald.Registries;
import io.herald.store.StoreConfig;
import io.herald.database.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * Subscriptions under load, in one run against one PostgreSQL, Herald running as its own process:
 * <ol>
 *   <li>latency: creates at a steady rate with 10 rest-hook subscriptions that each match every
 *       change; time from each create to its receipts at the webhook receiver;</li>
 *   <li>throughput: creates/s with no active subscription, with 10,000 of which one matches each
 *       change, and with 10 that each match every change, in alternating rounds, all delivered;</li>
 *   <li>$poll wake-up: time from a matching create's response to the waiting poller's answer; then the same with
 *   {@code --crowd} pollers waiting on one subscription at once (one connection each), over 5 rounds;</li>
 *   <li>statements (asked for by name, needs pg_stat_statements loaded in the PostgreSQL of HERALD_PG_URI): the SQL
 *   statements Herald runs per delivered notification, creates at 50/s matching one rest-hook subscription with a
 *   payload, counted from pg_stat_statements.</li>
 * </ol>
 * <pre>java -cp target/herald.jar io.herald.bench.SubscriptionBenchmark [--rate 500] [--seconds 30] [--warmup 45]
 *     [--rounds 3] [--round-seconds 10] [--concurrency 32] [--subscriptions 10000] [--polls 200] [--crowd 1000]
 *     [--phases latency,throughput,poll] [--timeline true] [--herald-jvm "-Xmx1g ..."]
 *     [--herald-jar other/herald.jar]  (run another build's Herald against this benchmark)</pre>
 */
public final class SubscriptionBenchmark {

  private final LoadGenerator load;
  private final WebhookReceiver receiver;
  private final Pool pool;
  private final Registry registry;

  private SubscriptionBenchmark(LoadGenerator load, WebhookReceiver receiver, Pool pool, Registry registry) {
    this.load = load;
    this.receiver = receiver;
    this.pool = pool;
    this.registry = registry;
  }

  public static void main(String[] args) throws Exception {
    io.herald.Main.configureLogging();
    Map<String, String> o = Args.parse(args, Args.defaults("rate", "500", "seconds", "30", "warmup", "45", "rounds", "3",
        "round-seconds", "10", "concurrency", "32", "subscriptions", "10000", "polls", "200", "crowd", "1000",
        "phases", "latency,throughput,poll", "timeline", "false", "herald-jvm", "", "herald-jar", ""));
    List<String> phases = List.of(o.get("phases").split(","));
    try (BenchDatabase database = BenchDatabase.open("herald-subscription-bench")) {
      JsonObject config = Config.load(System.getenv());
      StoreConfig store = StoreConfig.from(config.getJsonObject("store")).withPgUri(database.uri);
      HeraldProcess herald = HeraldProcess.start(database.uri, o.get("herald-jvm"), o.get("herald-jar"));
      Vertx client = Vertx.vertx();
      int concurrency = Integer.parseInt(o.get("concurrency"));
      Pool pool = PgBuilder.pool().connectingTo(Database.connectOptions(database.uri)).using(client).build();
      SubscriptionBenchmark bench = new SubscriptionBenchmark(new LoadGenerator(client, herald.port, concurrency + 8),
          new WebhookReceiver(client), pool, Registries.load(store.searchParameters()).registry());
      System.out.printf("Subscription benchmark: %d cores, PostgreSQL %s%n", Runtime.getRuntime().availableProcessors(),
          database.embedded ? "embedded, fsync on" : "HERALD_PG_URI");
      if (phases.contains("latency")) {
        bench.latency(Integer.parseInt(o.get("rate")), Integer.parseInt(o.get("warmup")), Integer.parseInt(o.get("seconds")),
            Boolean.parseBoolean(o.get("timeline")));
      }
      if (phases.contains("throughput")) {
        bench.throughput(concurrency, Integer.parseInt(o.get("subscriptions")), Integer.parseInt(o.get("rounds")),
            Integer.parseInt(o.get("round-seconds")));
      }
      if (phases.contains("poll")) {
        bench.pollWakeUp(Integer.parseInt(o.get("polls")));
        LoadGenerator crowd = new LoadGenerator(client, herald.port, Integer.parseInt(o.get("crowd")) + 10);
        bench.pollCrowd(crowd, Integer.parseInt(o.get("crowd")), 5);
        crowd.close().await();
      }
      if (phases.contains("statements")) {
        bench.statements(Integer.parseInt(o.get("seconds")));
      }
      pool.close().await();
      bench.load.close().await();
      herald.close();
      client.close().await();
    }
  }

  /** Creates at a steady rate with 10 subscriptions matching every change; latency to each receipt. */
  private void latency(int rate, int warmup, int seconds, boolean timeline) throws InterruptedException {
    setTen("Latency", "active");
    String patient = "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Latency\"}]}";
    Map<Long, LoadGenerator.Timing> timings = new ConcurrentHashMap<>();
    long before = receiver.count.get();
    long warm = load.steady("Patient", patient, rate, warmup, timings);   // until the JIT has compiled the paths
    receiver.await(before + warm * 10, 120);
    receiver.record(true);
    timings.clear();
    before = receiver.count.get();
    long sent = load.steady("Patient", patient, rate, seconds, timings);
    boolean all = receiver.await(before + sent * 10, 120);
    Histogram fromResponse = new Histogram(600_000_000L, 3);
    Histogram fromRequest = new Histogram(600_000_000L, 3);
    long start = Long.MAX_VALUE;
    for (LoadGenerator.Timing t : timings.values()) {
      start = Math.min(start, t.sent());
    }
    java.util.TreeMap<Long, Histogram> perSecond = new java.util.TreeMap<>();
    for (WebhookReceiver.Receipt r : receiver.receipts) {
      LoadGenerator.Timing t = timings.get(r.versionId());
      if (t != null) {
        long micros = Math.max(0, r.at() - t.answered()) / 1000;
        fromResponse.recordValue(micros);
        fromRequest.recordValue(Math.max(0, r.at() - t.sent()) / 1000);
        perSecond.computeIfAbsent((t.sent() - start) / 1_000_000_000L, k -> new Histogram(600_000_000L, 3)).recordValue(micros);
      }
    }
    if (timeline) {
      long wallStart = System.currentTimeMillis() - (System.nanoTime() - start) / 1_000_000;
      java.time.format.DateTimeFormatter clock = java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss")
          .withZone(java.time.ZoneOffset.UTC);
      perSecond.forEach((second, h) -> System.out.printf("  second %3d (%s UTC): p50 %6.1f ms, p99 %6.1f ms, max %6.1f ms%n",
          second, clock.format(java.time.Instant.ofEpochMilli(wallStart + second * 1000)), ms(h, 50), ms(h, 99),
          h.getMaxValue() / 1000.0));
    }
    System.out.printf("latency at %d creates/s for %d s (after %d s of warm-up), 10 subscriptions matching each change,"
        + " %d receipts (all: %s, out of order: %d):%n", rate, seconds, warmup, fromResponse.getTotalCount(), all,
        receiver.outOfOrder.get());
    System.out.printf("  from the create's response to receipt: p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms"
        + " (targets p50 < 10 ms, p99 < 50 ms)%n", ms(fromResponse, 50), ms(fromResponse, 99), ms(fromResponse, 99.9),
        fromResponse.getMaxValue() / 1000.0);
    System.out.printf("  from the create's request to receipt (includes the create itself): p50 %.1f ms, p99 %.1f ms%n",
        ms(fromRequest, 50), ms(fromRequest, 99));
    receiver.record(false);
    setTen("Latency", "off");
  }

  /**
   * Creates/s in closed loops, in rounds that alternate no active subscription, 10,000 active of
   * which one matches each change, and 10 matching every change; each round's deliveries are
   * awaited before the next round starts.
   */
  private void throughput(int concurrency, int many, int rounds, int seconds) throws InterruptedException {
    String unmatched = "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Nobody\"}]}";
    AtomicLong n = new AtomicLong();
    java.util.function.Supplier<String> oneMatching = () -> "{\"resourceType\":\"Patient\",\"identifier\":"
        + "[{\"system\":\"urn:bench\",\"value\":\"K" + (n.getAndIncrement() % many) + "\"}]}";
    String tenMatching = "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Ten\"}]}";
    double[] none = new double[rounds];
    double[] one = new double[rounds];
    double[] ten = new double[rounds];
    boolean allDelivered = true;
    for (int round = -1; round < rounds; round++) {   // round -1 warms up and is not counted
      int s = round < 0 ? Math.max(3, seconds / 2) : seconds;
      double a = rate(load.closed("Patient", () -> unmatched, concurrency, s), s);
      setMany(many, "active");
      long before = receiver.count.get();
      long created = load.closed("Patient", oneMatching, concurrency, s);
      double b = rate(created, s);
      while (round < 0 && n.get() < many) {   // every subscription has had its first delivery before the counted rounds
        created += load.closed("Patient", oneMatching, concurrency, 1);
      }
      allDelivered &= receiver.await(before + created, 120);
      setMany(many, "off");
      setTen("Ten", "active");
      before = receiver.count.get();
      created = load.closed("Patient", () -> tenMatching, concurrency, s);
      double c = rate(created, s);
      long createsEnded = System.nanoTime();
      allDelivered &= receiver.await(before + created * 10, 300);
      double drained = (System.nanoTime() - createsEnded) / 1e9;
      setTen("Ten", "off");
      if (round >= 0) {
        none[round] = a;
        one[round] = b;
        ten[round] = c;
        System.out.printf("  round %d: none %.0f, one of %d matching %.0f, 10 matching %.0f creates/s"
            + " (their %d deliveries done %.1f s after the last create)%n", round + 1, a, many, b, c, created * 10, drained);
      }
    }
    double base = mean(none);
    System.out.printf("throughput (concurrency %d, %d alternating rounds of %d s): no subscriptions %.0f creates/s;"
            + " %d subscriptions, one matching each change %.0f creates/s (%.2f of none; target >= 0.80);"
            + " 10 matching each change %.0f creates/s (%.2f of none); all delivered: %s, out of order: %d%n",
        concurrency, rounds, seconds, base, many, mean(one), mean(one) / base, mean(ten), mean(ten) / base, allDelivered,
        receiver.outOfOrder.get());
  }

  /** A matching create's commit (its response) to the answer of a $poll that was waiting for it. */
  private void pollWakeUp(int polls) {
    load.put("Subscription", "poller", new JsonObject().put("resourceType", "Subscription").put("id", "poller")
        .put("status", "active").put("reason", "bench").put("criteria", "Observation?code=poll")
        .put("channel", new JsonObject().put("type", "poll")));
    Histogram wake = new Histogram(60_000_000L, 3);
    String observation = "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":[{\"code\":\"poll\"}]}}";
    long from = LoadGenerator.version(load.request(HttpMethod.POST, "/fhir/Observation", "{\"resourceType\":\"Observation\"}").await());
    for (int i = 0; i < polls + 20; i++) {
      Future<JsonObject> poll = load.request(HttpMethod.GET, "/fhir/Subscription/poller/$poll?from=" + from + "&timeout=10", null);
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      JsonObject created = load.request(HttpMethod.POST, "/fhir/Observation", observation).await();
      long committed = System.nanoTime();
      poll.await();
      if (i >= 20) {
        wake.recordValue(Math.max(1, (System.nanoTime() - committed) / 1000));
      }
      from = LoadGenerator.version(created);
    }
    System.out.printf("$poll wake-up, commit to the waiting poller's answer: p50 %.2f ms, p99 %.2f ms (%d polls; target p50 < 10 ms)%n",
        ms(wake, 50), ms(wake, 99), wake.getTotalCount());
  }

  /** {@code waiters} polls waiting on one subscription, one matching create: from its response to each poll's answer. */
  private void pollCrowd(LoadGenerator crowd, int waiters, int rounds) {
    Histogram wake = new Histogram(60_000_000L, 3);
    String observation = "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":[{\"code\":\"poll\"}]}}";
    for (int round = 0; round < rounds + 1; round++) {
      long from = LoadGenerator.version(load.request(HttpMethod.POST, "/fhir/Observation", "{\"resourceType\":\"Observation\"}").await());
      List<Future<JsonObject>> polls = new ArrayList<>();
      for (int i = 0; i < waiters; i++) {
        polls.add(crowd.request(HttpMethod.GET, "/fhir/Subscription/poller/$poll?from=" + from + "&timeout=30", null));
      }
      try {
        Thread.sleep(2000);   // every poll has arrived and waits
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      List<Long> answered = java.util.Collections.synchronizedList(new ArrayList<>());
      polls.forEach(p -> p.onSuccess(r -> answered.add(System.nanoTime())));
      load.request(HttpMethod.POST, "/fhir/Observation", observation).await();
      long committed = System.nanoTime();
      Future.all(polls).await();
      if (round > 0) {   // the first round warms up
        answered.forEach(at -> wake.recordValue(Math.max(1, (at - committed) / 1000)));
      }
    }
    System.out.printf("$poll wake-up of %d pollers waiting on one subscription, commit to each answer: p50 %.2f ms, "
        + "p99 %.2f ms, max %.2f ms (%d answers over %d rounds)%n", waiters, ms(wake, 50), ms(wake, 99),
        wake.getMaxValue() / 1000.0, wake.getTotalCount(), rounds);
  }

  /**
   * The statements Herald runs per delivered notification in the steady state: creates at 50/s, each matching one
   * rest-hook subscription with a payload, counted from pg_stat_statements (reset after a warm-up).
   */
  private void statements(int seconds) throws InterruptedException {
    try {
      pool.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements").execute().await();
      pool.query("SELECT pg_stat_statements_reset()").execute().await();
    } catch (RuntimeException e) {
      System.out.println("Statements: pg_stat_statements is not loaded in this PostgreSQL (shared_preload_libraries): "
          + e.getMessage());
      return;
    }
    load.put("Subscription", "counted", subscription("counted", "Patient?family=Counted", "/counted")
        .put("channel", new JsonObject().put("type", "rest-hook").put("endpoint", receiver.url("/counted"))
            .put("payload", "application/fhir+json")));
    awaitMatcher();
    String patient = "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Counted\"}]}";
    long before = receiver.count.get();
    long warm = load.steady("Patient", patient, 50, 5, new ConcurrentHashMap<>());
    receiver.await(before + warm, 60);
    Thread.sleep(1500);   // the acknowledgements of the warm-up are flushed
    pool.query("SELECT pg_stat_statements_reset()").execute().await();
    before = receiver.count.get();
    long sent = load.steady("Patient", patient, 50, seconds, new ConcurrentHashMap<>());
    receiver.await(before + sent, 120);
    Thread.sleep(1500);   // and those of the measured ones
    long delivered = receiver.count.get() - before;
    var rows = pool.query("SELECT calls, regexp_replace(query, '\\s+', ' ', 'g') AS query FROM pg_stat_statements"
        + " WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
        + " AND query NOT LIKE '%pg_stat_statements%' ORDER BY calls DESC").execute().await();
    long total = 0;
    long reads = 0;
    System.out.printf("Statements per delivered notification (%d creates, %d delivered, one rest-hook subscription "
        + "with a payload, 50/s for %d s):%n", sent, delivered, seconds);
    for (var row : rows) {
      long calls = row.getLong("calls");
      String query = row.getString("query");
      total += calls;
      boolean readBack = query.matches("(?is).*(FROM|JOIN) (notification|change)\\b.*") && query.trim().startsWith("SELECT")
          && !query.contains("pg_snapshot_xmin");
      reads += readBack ? calls : 0;
      System.out.printf("  %8.3f  %s%s%n", calls / (double) delivered, readBack ? "[read back] " : "",
          query.length() > 150 ? query.substring(0, 150) + "..." : query);
    }
    System.out.printf("  total %.2f statements per delivered notification; reads of notification or change rows between "
        + "the matcher and the request: %.3f%n", total / (double) delivered, reads / (double) delivered);
  }

  /** Sets the 10 subscriptions to {@code criteria Patient?family=name} to a status, and waits until the matcher has them. */
  private void setTen(String family, String status) {
    for (int i = 0; i < 10; i++) {
      String id = family.toLowerCase() + i;
      load.put("Subscription", id, subscription(id, "Patient?family=" + family, "/" + family.toLowerCase()).put("status", status));
    }
    awaitMatcher();
  }

  /** Writes the many subscriptions with a status in bulk, and waits until the matcher has them. */
  private void setMany(int many, String status) {
    BulkLoad.load(pool, registry, IntStream.range(0, many).mapToObj(i -> subscription("k" + i,
        "Patient?identifier=urn:bench|K" + i, "/k").put("status", status)).iterator(), 4, 64).await();
    awaitMatcher();
  }

  private JsonObject subscription(String id, String criteria, String path) {
    return new JsonObject().put("resourceType", "Subscription").put("id", id).put("status", "active").put("reason", "bench")
        .put("criteria", criteria).put("channel", new JsonObject().put("type", "rest-hook").put("endpoint", receiver.url(path)));
  }

  /** Until the matcher's cursor has reached the newest change. */
  private void awaitMatcher() {
    awaitMatcher(pool);
  }

  /** Until the matcher's cursor has reached the newest change of the database {@code pool} reads. */
  static void awaitMatcher(Pool pool) {
    while (!pool.query("SELECT (SELECT version_id FROM match_cursor WHERE id = 1) >= (SELECT coalesce(max(version_id), 0) FROM change)")
        .execute().await().iterator().next().getBoolean(0)) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static double rate(long count, int seconds) {
    return count / (double) seconds;
  }

  static double mean(double[] values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return sum / values.length;
  }

  /** A latency histogram's percentile (recorded in µs) in ms. */
  static double ms(Histogram h, double percentile) {
    return h.getValueAtPercentile(percentile) / 1000.0;
  }
}
