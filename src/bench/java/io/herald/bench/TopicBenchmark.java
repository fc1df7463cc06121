package io.herald.bench;

import io.herald.Config;
import io.herald.Registries;
import io.herald.criteria.Registry;
import io.herald.database.Database;
import io.herald.fhir.Backport;
import io.herald.store.BulkLoad;
import io.herald.store.StoreConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import org.HdrHistogram.Histogram;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * Topic-based subscriptions under load, in one run against one PostgreSQL, Herald running as its own process, on one
 * Encounter topic that fires when an encounter becomes finished (queryCriteria previous {@code status:not=finished},
 * current {@code status=finished}), filtered by patient:
 * <ol>
 *   <li>latency: {@code --subscriptions} (100) full-resource rest-hook subscriptions, one per patient; Encounter updates
 *   at {@code --rate}/s (500), each encounter alternating in-progress and finished, so every other update fires the
 *   topic for one subscription; time from each firing update's response (its commit) to its notification's receipt;</li>
 *   <li>criteria-latency (asked for by name, before latency): the same with criteria subscriptions that hear the same
 *   changes ({@code Encounter?patient=Patient/p&status=finished}, payload {@code application/fhir+json}), on other
 *   encounters: the baseline of the same machine and run;</li>
 *   <li>throughput: Encounter creates/s (finished, so each fires the topic) in closed loops, in rounds that alternate
 *   no topic subscription and {@code --many} (1,000), one per patient, of which each create matches one; each round's
 *   notifications awaited before the next.</li>
 * </ol>
 * <pre>java -cp target/herald-bench.jar io.herald.bench.TopicBenchmark [--rate 500] [--seconds 30] [--warmup 30]
 *     [--subscriptions 100] [--encounters 1000] [--many 1000] [--rounds 3] [--round-seconds 10] [--concurrency 32]
 *     [--phases latency,throughput]
 *     [--herald-jvm "..."] [--herald-jar other/herald.jar]</pre>
 */
public final class TopicBenchmark {

  private static final String TOPIC = "http://herald.io/bench/SubscriptionTopic/encounter-finished";

  private final LoadGenerator load;
  private final WebhookReceiver receiver;
  private final Pool pool;
  private final Registry registry;

  private TopicBenchmark(LoadGenerator load, WebhookReceiver receiver, Pool pool, Registry registry) {
    this.load = load;
    this.receiver = receiver;
    this.pool = pool;
    this.registry = registry;
  }

  public static void main(String[] args) throws Exception {
    io.herald.Main.configureLogging();
    Map<String, String> o = Args.parse(args, Args.defaults("rate", "500", "seconds", "30", "warmup", "30",
        "subscriptions", "100", "encounters", "1000", "many", "1000", "rounds", "3", "round-seconds", "10",
        "concurrency", "32", "phases", "latency,throughput", "herald-jvm", "", "herald-jar", ""));
    java.util.List<String> phases = java.util.List.of(o.get("phases").split(","));
    try (BenchDatabase database = BenchDatabase.open("herald-topic-bench")) {
      JsonObject config = Config.load(System.getenv());
      StoreConfig store = StoreConfig.from(config.getJsonObject("store")).withPgUri(database.uri);
      HeraldProcess herald = HeraldProcess.start(database.uri, o.get("herald-jvm"), o.get("herald-jar"));
      Vertx client = Vertx.vertx();
      int concurrency = Integer.parseInt(o.get("concurrency"));
      Pool pool = PgBuilder.pool().connectingTo(Database.connectOptions(database.uri)).using(client).build();
      TopicBenchmark bench = new TopicBenchmark(new LoadGenerator(client, herald.port, concurrency + 8),
          new WebhookReceiver(client), pool, Registries.load(store.searchParameters()).registry());
      System.out.printf("Topic benchmark: %d cores, PostgreSQL %s%n", Runtime.getRuntime().availableProcessors(),
          database.embedded ? "embedded, fsync on" : "HERALD_PG_URI");
      bench.load.put("SubscriptionTopic", "encounter-finished", topic());
      for (String family : List.of("criteria", "topic")) {
        if (phases.contains(family.equals("topic") ? "latency" : "criteria-latency")) {
          bench.latency(family, Integer.parseInt(o.get("subscriptions")), Integer.parseInt(o.get("encounters")),
              Integer.parseInt(o.get("rate")), Integer.parseInt(o.get("warmup")), Integer.parseInt(o.get("seconds")));
        }
      }
      if (phases.contains("throughput")) {
        bench.throughput(concurrency, Integer.parseInt(o.get("many")), Integer.parseInt(o.get("rounds")),
            Integer.parseInt(o.get("round-seconds")));
      }
      pool.close().await();
      bench.load.close().await();
      herald.close();
      client.close().await();
    }
  }

  static JsonObject topic() {
    return new JsonObject().put("resourceType", "SubscriptionTopic").put("id", "encounter-finished").put("url", TOPIC)
        .put("status", "active")
        .put("resourceTrigger", new JsonArray().add(new JsonObject().put("resource", "Encounter")
            .put("supportedInteraction", new JsonArray().add("create").add("update"))
            .put("queryCriteria", new JsonObject().put("previous", "status:not=finished").put("resultForCreate", "test-passes")
                .put("current", "status=finished").put("resultForDelete", "test-fails").put("requireBoth", true))))
        .put("canFilterBy", new JsonArray().add(new JsonObject().put("resource", "Encounter").put("filterParameter", "patient")));
  }

  private JsonObject subscription(String id, String patient, String status) {
    return new JsonObject().put("resourceType", "Subscription").put("id", id)
        .put("meta", new JsonObject().put("profile", new JsonArray().add(Backport.SUBSCRIPTION)))
        .put("status", status).put("reason", "bench").put("criteria", TOPIC)
        .put("_criteria", new JsonObject().put("extension", new JsonArray().add(new JsonObject()
            .put("url", Backport.FILTER_CRITERIA).put("valueString", "Encounter?patient=Patient/" + patient))))
        .put("channel", new JsonObject().put("type", "rest-hook").put("endpoint", receiver.url("/topic"))
            .put("payload", "application/fhir+json")
            .put("_payload", new JsonObject().put("extension", new JsonArray().add(new JsonObject()
                .put("url", Backport.PAYLOAD_CONTENT).put("valueCode", "full-resource")))));
  }

  private static String encounter(String id, String patient, String status) {
    JsonObject e = new JsonObject().put("resourceType", "Encounter").put("status", status)
        .put("class", new JsonObject().put("system", "http://terminology.hl7.org/CodeSystem/v3-ActCode").put("code", "AMB"))
        .put("subject", new JsonObject().put("reference", "Patient/" + patient));
    return (id == null ? e : e.put("id", id)).encode();
  }

  /**
   * Updates at a steady rate, every other one firing the topic (or meeting the criteria) of one of the subscriptions;
   * latency to each receipt.
   */
  private void latency(String family, int subscriptions, int encounters, int rate, int warmup, int seconds)
      throws InterruptedException {
    String p = family.charAt(0) + "p";   // each family its own patients and encounters
    String e = family.charAt(0) + "e";
    for (int i = 0; i < subscriptions; i++) {   // through the REST API: a topic-based one is handshaken, then active
      load.put("Subscription", family + i, family.equals("topic") ? subscription(family + i, p + i, "requested")
          : criteria(family + i, "Encounter?patient=Patient/" + p + i + "&status=finished", "active"));
    }
    while (load.request(HttpMethod.GET, "/fhir/Subscription/$status?status=active", null).await()
        .getInteger("total") < subscriptions) {
      Thread.sleep(50);
    }
    for (int k = 0; k < encounters; k++) {
      load.request(HttpMethod.PUT, "/fhir/Encounter/" + e + k, encounter(e + k, p + (k % subscriptions), "in-progress")).await();
    }
    // The n-th update: encounter n % encounters, finished on even passes over them (fires), in progress on odd ones.
    java.util.function.IntFunction<String> uri = n -> "/fhir/Encounter/" + e + (n % encounters);
    java.util.function.IntFunction<String> body = n -> encounter(e + (n % encounters),
        p + (n % encounters % subscriptions), (n / encounters) % 2 == 0 ? "finished" : "in-progress");
    Map<Long, LoadGenerator.Timing> timings = new ConcurrentHashMap<>();
    long before = receiver.count.get();
    long warm = load.steady(HttpMethod.PUT, uri, body, rate, warmup, timings);
    receiver.await(before + firing(0, warm, encounters), 120);
    timings.clear();
    receiver.record(true);
    before = receiver.count.get();
    long offset = warm;
    long sent = load.steady(HttpMethod.PUT, n -> uri.apply((int) (n + offset)), n -> body.apply((int) (n + offset)),
        rate, seconds, timings);
    long expected = firing(offset, sent, encounters);
    boolean all = receiver.await(before + expected, 120);
    Histogram latency = new Histogram(600_000_000L, 3);
    for (WebhookReceiver.Receipt r : receiver.receipts) {
      LoadGenerator.Timing t = timings.get(r.versionId());
      if (t != null) {
        latency.recordValue(Math.max(0, r.at() - t.answered()) / 1000);
      }
    }
    System.out.printf("%s: %d %s, Encounter updates at %d/s for %d s (after %d s of warm-up), every other one a status"
            + " transition that fires: %d notifications of %d expected (all: %s, out of order: %d)%n",
        family.equals("topic") ? "latency" : "baseline", subscriptions, family.equals("topic")
            ? "full-resource rest-hook topic subscriptions filtered by patient"
            : "rest-hook criteria subscriptions Encounter?patient=...&status=finished with a payload", rate, seconds,
        warm / rate, latency.getTotalCount(), expected, all, receiver.outOfOrder.get());
    System.out.printf("  commit (update's response) to the notification's receipt: p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms,"
        + " max %.1f ms (targets p50 < 10 ms, p99 < 50 ms)%n", ms(latency, 50), ms(latency, 99), ms(latency, 99.9),
        latency.getMaxValue() / 1000.0);
    receiver.record(false);
    bulk(IntStream.range(0, subscriptions).mapToObj(i -> family.equals("topic") ? subscription(family + i, p + i, "off")
        : criteria(family + i, "Encounter?patient=Patient/" + p + i + "&status=finished", "off")));
  }

  private JsonObject criteria(String id, String criteria, String status) {
    return new JsonObject().put("resourceType", "Subscription").put("id", id).put("status", status).put("reason", "bench")
        .put("criteria", criteria).put("channel", new JsonObject().put("type", "rest-hook")
            .put("endpoint", receiver.url("/criteria")).put("payload", "application/fhir+json"));
  }

  /** How many of updates {@code from} .. {@code from + count - 1} fire (those of even passes). */
  private static long firing(long from, long count, int encounters) {
    long fired = 0;
    for (long n = from; n < from + count; n++) {
      fired += (n / encounters) % 2 == 0 ? 1 : 0;
    }
    return fired;
  }

  /** Creates/s in closed loops, alternating no topic subscription with {@code many} of which each create matches one. */
  private void throughput(int concurrency, int many, int rounds, int seconds) throws InterruptedException {
    AtomicLong n = new AtomicLong();
    java.util.function.Supplier<String> finished = () -> encounter(null, "q" + (n.getAndIncrement() % many), "finished");
    double[] none = new double[rounds];
    double[] with = new double[rounds];
    boolean allDelivered = true;
    for (int round = -1; round < rounds; round++) {   // round -1 warms up and is not counted
      int s = round < 0 ? Math.max(3, seconds / 2) : seconds;
      double a = load.closed("Encounter", finished, concurrency, s) / (double) s;
      bulk(IntStream.range(0, many).mapToObj(i -> subscription("m" + i, "q" + i, "active")));
      long before = receiver.count.get();
      long created = load.closed("Encounter", finished, concurrency, s);
      double b = created / (double) s;
      long createsEnded = System.nanoTime();
      allDelivered &= receiver.await(before + created, 300);
      double drained = (System.nanoTime() - createsEnded) / 1e9;
      bulk(IntStream.range(0, many).mapToObj(i -> subscription("m" + i, "q" + i, "off")));
      if (round >= 0) {
        none[round] = a;
        with[round] = b;
        System.out.printf("  round %d: no topic subscriptions %.0f creates/s, %d (one matching each create) %.0f creates/s"
            + " (their notifications done %.1f s after the last create)%n", round + 1, a, many, b, drained);
      }
    }
    double base = mean(none);
    System.out.printf("throughput (concurrency %d, %d alternating rounds of %d s): no topic subscriptions %.0f creates/s;"
            + " %d topic subscriptions, one matching each create %.0f creates/s (%.2f of none; target >= 0.80);"
            + " all delivered: %s, out of order: %d%n", concurrency, rounds, seconds, base, many, mean(with),
        mean(with) / base, allDelivered, receiver.outOfOrder.get());
  }

  /** Writes subscriptions in bulk (already active or off: no handshake), and waits until the matcher has them. */
  private void bulk(java.util.stream.Stream<JsonObject> subscriptions) {
    BulkLoad.load(pool, registry, subscriptions.iterator(), 4, 64).await();
    SubscriptionBenchmark.awaitMatcher(pool);
  }

  private static double mean(double[] values) {
    return SubscriptionBenchmark.mean(values);
  }

  private static double ms(Histogram h, double percentile) {
    return SubscriptionBenchmark.ms(h, percentile);
  }
}
