package io.herald.bench;

import io.herald.Config;
import io.herald.Registries;
import io.herald.criteria.Registry;
import io.herald.database.Database;
import io.herald.store.BulkLoad;
import io.herald.store.ResourceIds;
import io.herald.store.StoreConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/**
 * What Herald writes and keeps, Herald running as its own process, each run on a database of its own in one
 * PostgreSQL:
 * <ol>
 *   <li>writes: on a store already holding {@code --preload} Patients (loaded as each build writes them: its schema,
 *   its ids), creates in closed loops (the create benchmark's Patient); per create, the WAL written (from
 *   {@code pg_current_wal_lsn()}, a checkpoint just before each window, as one comes every few minutes, so each window
 *   pays the full-page writes a long-running node pays) and the bytes its tables grew by; creates/s and p99. With
 *   {@code --baseline-jar}, another build runs the same on a database of its own, alternating rounds, and the ratios
 *   are printed;</li>
 *   <li>growth: creates with {@code --subscriptions} poll subscriptions matching every change and a short retention;
 *   every 10 s the rows and bytes (with indexes) of history, search index, feed and notifications; after the load,
 *   until pruning has caught up. Bytes per version and per notification, for sizing;</li>
 *   <li>pruning: creates at a steady {@code --rate} with those subscriptions, with pruning every second (a 5 s window)
 *   and without pruning, alternating; each create's response time.</li>
 * </ol>
 * <pre>java -cp target/herald-bench.jar io.herald.bench.StorageBenchmark [--phases writes,growth,pruning]
 *     [--baseline-jar other/herald.jar] [--rounds 2] [--seconds 30] [--warmup 15] [--concurrency 32]
 *     [--preload 100000] [--creates 200000] [--subscriptions 10] [--retention 30] [--rate 200]
 *     [--pruning-seconds 60]</pre>
 */
public final class StorageBenchmark {


  private static final List<String> TABLES = List.of("resource", "resource_history", "search_index", "change",
      "notification");

  private final BenchDatabase database;
  private final Registry registry;
  private final Vertx client = Vertx.vertx();
  private final Pool admin;
  private int databases;

  private StorageBenchmark(BenchDatabase database, Registry registry) {
    this.database = database;
    this.registry = registry;
    this.admin = PgBuilder.pool().connectingTo(Database.connectOptions(database.uri)).using(client).build();
  }

  public static void main(String[] args) throws Exception {
    io.herald.Main.configureLogging();
    Map<String, String> o = Args.parse(args, Args.defaults("phases", "writes,growth,pruning", "baseline-jar", "",
        "rounds", "2", "seconds", "30", "warmup", "15", "concurrency", "32", "creates", "200000",
        "subscriptions", "10", "retention", "30", "rate", "200", "pruning-seconds", "60", "preload", "100000"));
    List<String> phases = List.of(o.get("phases").split(","));
    try (BenchDatabase database = BenchDatabase.open("herald-storage-bench")) {
      StoreConfig store = StoreConfig.from(Config.load(System.getenv()).getJsonObject("store"));
      StorageBenchmark bench = new StorageBenchmark(database, Registries.load(store.searchParameters()).registry());
      System.out.printf("Storage benchmark: %d cores, PostgreSQL %s%n", Runtime.getRuntime().availableProcessors(),
          database.embedded ? "embedded, fsync on" : "HERALD_PG_URI");
      if (phases.contains("writes")) {
        bench.writes(o.get("baseline-jar"), Integer.parseInt(o.get("rounds")), Integer.parseInt(o.get("warmup")),
            Integer.parseInt(o.get("seconds")), Integer.parseInt(o.get("concurrency")), Integer.parseInt(o.get("preload")));
      }
      if (phases.contains("growth")) {
        bench.growth(Integer.parseInt(o.get("creates")), Integer.parseInt(o.get("subscriptions")),
            Integer.parseInt(o.get("retention")), Integer.parseInt(o.get("concurrency")));
      }
      if (phases.contains("pruning")) {
        bench.pruning(Integer.parseInt(o.get("rounds")), Integer.parseInt(o.get("rate")),
            Integer.parseInt(o.get("subscriptions")), Integer.parseInt(o.get("pruning-seconds")));
      }
      bench.admin.close().await();
      bench.client.close().await();
    }
  }

  /** One measured window of one build. */
  private record Window(double wal, double tableBytes, double rate, double p99Ms) {
  }

  private void writes(String baseline, int rounds, int warmup, int seconds, int concurrency, int preload)
      throws Exception {
    System.out.printf("%nWrites: creates in %d closed loops, %d s after %d s of warm-up, a checkpoint before each window,"
        + " on a store already holding %d Patients%n", concurrency, seconds, warmup, preload);
    Map<String, String> builds = new LinkedHashMap<>();   // name → jar
    if (!baseline.isBlank()) {
      builds.put("baseline", baseline);
    }
    builds.put("this build", "");
    Map<String, String> uris = new LinkedHashMap<>();
    Map<String, List<Window>> windows = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, String> build : builds.entrySet()) {
        String uri = freshDatabase();
        uris.put(build.getKey(), uri);
        preload(uri, build.getValue(), preload);
      }
      for (int round = 1; round <= rounds; round++) {
        for (Map.Entry<String, String> build : builds.entrySet()) {
          Window w = writeWindow(build.getValue(), uris.get(build.getKey()), warmup, seconds, concurrency);
          windows.computeIfAbsent(build.getKey(), k -> new ArrayList<>()).add(w);
          System.out.printf("  %-10s round %d: %6.0f creates/s, p99 %6.1f ms, WAL %6.0f bytes/create,"
              + " tables +%5.0f bytes/create%n", build.getKey(), round, w.rate, w.p99Ms, w.wal, w.tableBytes);
        }
      }
    } finally {
      uris.values().forEach(this::dropDatabase);
    }
    Window now = mean(windows.get("this build"));
    if (windows.containsKey("baseline")) {
      Window before = mean(windows.get("baseline"));
      System.out.printf("  means: baseline   %.0f creates/s, %.0f WAL bytes/create, %.0f table bytes/create, p99 %.1f ms%n",
          before.rate, before.wal, before.tableBytes, before.p99Ms);
      System.out.printf("         this build %.0f creates/s, %.0f WAL bytes/create, %.0f table bytes/create, p99 %.1f ms%n",
          now.rate, now.wal, now.tableBytes, now.p99Ms);
      System.out.printf("  this build / baseline: WAL per create %.2f (target <= 0.60), table bytes per create %.2f,"
          + " creates/s %.2f, p99 %.2f%n", now.wal / before.wal, now.tableBytes / before.tableBytes,
          now.rate / before.rate, now.p99Ms / before.p99Ms);
    }
  }

  /**
   * Writes {@code count} Patients into a build's database as that build would have: its own schema (its Herald
   * migrates it), its ids (random UUIDs from a baseline, time-ordered ones from this build), through herald_write.
   */
  private void preload(String uri, String jar, int count) throws Exception {
    if (count == 0) {
      return;
    }
    long start = System.nanoTime();
    try (HeraldProcess herald = HeraldProcess.start(uri, "", jar);
         Db db = new Db(uri)) {
      JsonObject patient = new JsonObject(CreateBenchmark.PATIENT);
      Iterator<JsonObject> patients = IntStream.range(0, count).mapToObj(i -> {
        String id = jar.isBlank() ? ResourceIds.next() : UUID.randomUUID().toString();
        return patient.copy().put("id", id);
      }).iterator();
      BulkLoad.load(db.pool, registry, patients, 4, 16).await();
      db.pool.query("VACUUM ANALYZE").execute().await();
    }
    System.out.printf("  preloaded %d Patients for %s in %.0f s%n", count, jar.isBlank() ? "this build" : jar,
        (System.nanoTime() - start) / 1e9);
  }

  private static Window mean(List<Window> windows) {
    return new Window(windows.stream().mapToDouble(Window::wal).average().orElse(0),
        windows.stream().mapToDouble(Window::tableBytes).average().orElse(0),
        windows.stream().mapToDouble(Window::rate).average().orElse(0),
        windows.stream().mapToDouble(Window::p99Ms).average().orElse(0));
  }

  private Window writeWindow(String jar, String uri, int warmup, int seconds, int concurrency) throws Exception {
    try (HeraldProcess herald = HeraldProcess.start(uri, "", jar);
         Db db = new Db(uri)) {
      LoadGenerator load = new LoadGenerator(client, herald.port, concurrency + 8);
      load.closed("Patient", () -> CreateBenchmark.PATIENT, concurrency, warmup);
      db.pool.query("CHECKPOINT").execute().await();
      long tablesBefore = db.tableBytes();
      long lsnBefore = db.lsn();
      ConcurrentHistogram latencies = new ConcurrentHistogram(3);
      long created = load.closed("Patient", () -> CreateBenchmark.PATIENT, concurrency, seconds, latencies);
      long wal = db.lsn() - lsnBefore;
      long tables = db.tableBytes() - tablesBefore;
      load.close().await();
      return new Window((double) wal / created, (double) tables / created, (double) created / seconds,
          latencies.getValueAtPercentile(99) / 1000.0);
    }
  }

  private void growth(int creates, int subscriptions, int retention, int concurrency) throws Exception {
    System.out.printf("%nGrowth: %d creates in %d closed loops, %d poll subscriptions matching each, retention %d s"
        + " (notifications and feed), pruning every second%n", creates, concurrency, subscriptions, retention);
    String uri = freshDatabase();
    Path config = retentionConfig(retention, retention, 1);
    try (HeraldProcess herald = HeraldProcess.start(uri, "", "", config);
         Db db = new Db(uri)) {
      LoadGenerator load = new LoadGenerator(client, herald.port, concurrency + 8);
      subscribe(load, subscriptions);
      long start = System.nanoTime();
      long made = 0;
      long peakNotifications = 0;
      long peakNotificationBytes = 0;
      System.out.println("    time   versions | history+index  search_index | feed rows  feed bytes | notifications  bytes");
      while (made < creates) {
        made += load.closed("Patient", () -> CreateBenchmark.PATIENT, concurrency, 10);
        Map<String, long[]> sizes = db.sizes();
        peakNotifications = Math.max(peakNotifications, sizes.get("notification")[0]);
        peakNotificationBytes = Math.max(peakNotificationBytes, sizes.get("notification")[1]);
        print((System.nanoTime() - start) / 1_000_000_000L, sizes);
      }
      load.close().await();
      System.out.println("  load done; waiting until the feed and notifications are pruned to their window");
      long deadline = System.nanoTime() + (retention + 120) * 1_000_000_000L;
      Map<String, long[]> sizes = db.sizes();
      while (System.nanoTime() < deadline && (sizes.get("notification")[0] > 0 || sizes.get("change")[0] > 1)) {
        Thread.sleep(10_000);
        sizes = db.sizes();
        print((System.nanoTime() - start) / 1_000_000_000L, sizes);
      }
      long versions = sizes.get("resource_history")[0];
      long versionBytes = sizes.get("resource")[1] + sizes.get("resource_history")[1] + sizes.get("search_index")[1];
      System.out.printf("  %d versions: %.0f bytes each (current row, history, search index, with indexes);"
          + " at the peak %d notifications in %.1f MB: %.0f bytes each%n", versions, (double) versionBytes / versions,
          peakNotifications, peakNotificationBytes / 1e6, (double) peakNotificationBytes / Math.max(1, peakNotifications));
      System.out.printf("  after pruning: feed %d rows in %.1f MB, notifications %d rows in %.1f MB (pages kept for"
          + " reuse; they no longer grow)%n", sizes.get("change")[0], sizes.get("change")[1] / 1e6,
          sizes.get("notification")[0], sizes.get("notification")[1] / 1e6);
    } finally {
      dropDatabase(uri);
      Files.deleteIfExists(config);
    }
  }

  private static void print(long seconds, Map<String, long[]> s) {
    System.out.printf("  %5d s %10d | %10.1f MB %10.1f MB | %9d %8.1f MB | %13d %6.1f MB%n", seconds,
        s.get("resource_history")[0], (s.get("resource_history")[1] + s.get("resource")[1]) / 1e6,
        s.get("search_index")[1] / 1e6, s.get("change")[0], s.get("change")[1] / 1e6, s.get("notification")[0],
        s.get("notification")[1] / 1e6);
  }

  private void pruning(int rounds, int rate, int subscriptions, int seconds) throws Exception {
    System.out.printf("%nPruning: creates at %d/s for %d s with %d poll subscriptions matching each; with pruning every"
        + " second (windows of 5 s) and without, alternating%n", rate, seconds, subscriptions);
    Map<String, Histogram> all = new LinkedHashMap<>();
    for (int round = 1; round <= rounds; round++) {
      for (boolean prune : List.of(false, true)) {
        String name = prune ? "pruning" : "no pruning";
        Histogram h = pruningWindow(prune, rate, subscriptions, seconds);
        all.computeIfAbsent(name, k -> new Histogram(3)).add(h);
        System.out.printf("  %-10s round %d: create p50 %6.2f ms, p99 %7.2f ms, max %7.1f ms%n", name, round,
            h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0);
      }
    }
    all.forEach((name, h) -> System.out.printf("  %-10s all rounds: p50 %6.2f ms, p99 %7.2f ms%n", name,
        h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0));
  }

  private Histogram pruningWindow(boolean prune, int rate, int subscriptions, int seconds) throws Exception {
    String uri = freshDatabase();
    Path config = retentionConfig(5, 5, prune ? 1 : 0);
    try (HeraldProcess herald = HeraldProcess.start(uri, "", "", config)) {
      LoadGenerator load = new LoadGenerator(client, herald.port, 64);
      subscribe(load, subscriptions);
      Map<Long, LoadGenerator.Timing> timings = new ConcurrentHashMap<>();
      load.steady("Patient", CreateBenchmark.PATIENT, rate, 20, timings);   // warm-up, and rows for pruning to find
      timings.clear();
      load.steady("Patient", CreateBenchmark.PATIENT, rate, seconds, timings);
      Histogram h = new Histogram(3);
      timings.values().forEach(t -> h.recordValue(Math.max(0, t.answered() - t.sent()) / 1000));
      load.close().await();
      return h;
    } finally {
      dropDatabase(uri);
      Files.deleteIfExists(config);
    }
  }

  private static void subscribe(LoadGenerator load, int subscriptions) {
    for (int i = 0; i < subscriptions; i++) {
      load.put("Subscription", "storage-" + i, new JsonObject().put("resourceType", "Subscription")
          .put("id", "storage-" + i).put("status", "active").put("reason", "storage benchmark")
          .put("criteria", "Patient").put("channel", new JsonObject().put("type", "poll")));
    }
  }

  private static Path retentionConfig(int notificationSeconds, int feedSeconds, int everySeconds) throws Exception {
    Path file = Files.createTempFile("herald-storage-bench", ".json");
    Files.writeString(file, new JsonObject().put("store", new JsonObject().put("retention", new JsonObject()
        .put("notificationSeconds", notificationSeconds).put("feedSeconds", feedSeconds)
        .put("everySeconds", everySeconds).put("batch", 5000))).encode());
    return file;
  }

  private String freshDatabase() {
    String name = "herald_storage_" + ProcessHandle.current().pid() + "_" + (++databases);
    admin.query("CREATE DATABASE " + name).execute().await();
    URI base = URI.create(database.uri);
    return base.getScheme() + "://" + base.getRawAuthority() + "/" + name
        + (base.getRawQuery() == null ? "" : "?" + base.getRawQuery());
  }

  private void dropDatabase(String uri) {
    String name = URI.create(uri).getPath().substring(1);
    admin.query("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)").execute().await();
  }

  /** A connection pool on one run's database. */
  private final class Db implements AutoCloseable {
    final Pool pool;

    Db(String uri) {
      pool = PgBuilder.pool().connectingTo(Database.connectOptions(uri)).using(client).build();
    }

    long lsn() {
      return pool.query("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn").execute().await().iterator().next()
          .getNumeric(0).longValue();
    }

    long tableBytes() {
      return sizes().values().stream().mapToLong(s -> s[1]).sum();
    }

    /** Each table's rows and its bytes with its indexes. */
    Map<String, long[]> sizes() {
      Map<String, long[]> sizes = new LinkedHashMap<>();
      for (String table : TABLES) {
        Row row = pool.query("SELECT (SELECT count(*) FROM " + table + "), pg_total_relation_size('" + table + "')")
            .execute().await().iterator().next();
        sizes.put(table, new long[] {row.getLong(0), row.getLong(1)});
      }
      return sizes;
    }

    @Override
    public void close() {
      pool.close().await();
    }
  }
}
