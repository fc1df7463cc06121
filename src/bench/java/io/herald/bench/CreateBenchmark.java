package io.herald.bench;

import io.herald.Config;
import io.herald.Herald;
import io.herald.http.HttpConfig;
import io.herald.store.StoreConfig;
import io.herald.Registries;
import io.herald.database.Database;
import io.herald.store.WriteStatement;
import io.herald.criteria.Registry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Creates/s and latency of {@code POST /fhir/Patient} at a fixed concurrency, against the rate of
 * the bare SQL the store runs per create (same statement, same concurrency, same PostgreSQL,
 * through vertx-pg-client without HTTP or the event bus), in one run, alternating rounds.
 *
 * <pre>java -cp target/herald.jar io.herald.bench.CreateBenchmark [--concurrency 32] [--seconds 15] [--rounds 2]</pre>
 *
 * Uses HERALD_PG_URI when set, else an embedded PostgreSQL (fsync on) in a temporary directory.
 */
public final class CreateBenchmark {

  /** A Patient of the usual shape (23 search-index rows), also the storage benchmark's. */
  static final String PATIENT = new JsonObject()
      .put("resourceType", "Patient")
      .put("identifier", new io.vertx.core.json.JsonArray().add(new JsonObject()
          .put("system", "http://hospital.example/mrn").put("value", "MRN-0000001")))
      .put("active", true)
      .put("name", new io.vertx.core.json.JsonArray().add(new JsonObject()
          .put("use", "official").put("family", "Chalmers").put("given", new io.vertx.core.json.JsonArray().add("Peter").add("James"))))
      .put("telecom", new io.vertx.core.json.JsonArray().add(new JsonObject().put("system", "phone").put("value", "(03) 5555 6473").put("use", "work")))
      .put("gender", "male")
      .put("birthDate", "1974-12-25")
      .put("address", new io.vertx.core.json.JsonArray().add(new JsonObject().put("use", "home").put("line",
          new io.vertx.core.json.JsonArray().add("534 Erewhon St")).put("city", "PleasantVille").put("postalCode", "3999")))
      .encode();

  private CreateBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    io.herald.Main.configureLogging();
    Map<String, String> options = Args.parse(args, Map.of("concurrency", "32", "seconds", "15", "warmup", "5", "rounds", "2"));
    int concurrency = Integer.parseInt(options.get("concurrency"));
    int seconds = Integer.parseInt(options.get("seconds"));
    int warmup = Integer.parseInt(options.get("warmup"));
    int rounds = Integer.parseInt(options.get("rounds"));

    BenchDatabase database = BenchDatabase.open("herald-bench");
    String pgUri = database.uri;
    System.out.printf("Create benchmark: concurrency %d, %d s per measurement after %d s warm-up, %d rounds, %d cores%n",
        concurrency, seconds, warmup, rounds, Runtime.getRuntime().availableProcessors());
    System.out.println("PostgreSQL: " + (database.embedded ? "embedded, fsync on" : "HERALD_PG_URI") + ", Patient body " + PATIENT.length() + " bytes");

    JsonObject config = Config.load(System.getenv());
    StoreConfig store = StoreConfig.from(config.getJsonObject("store")).withPgUri(pgUri);
    HttpConfig http = HttpConfig.from(config.getJsonObject("http")).withPort(freePort());
    Vertx server = Vertx.vertx();
    Herald herald = Herald.deploy(server, store, http).await();

    Vertx load = Vertx.vertx();
    Pool pool = PgBuilder.pool().with(new io.vertx.sqlclient.PoolOptions().setMaxSize(concurrency))
        .connectingTo(Database.connectOptions(pgUri)).using(load).build();
    HttpClientAgent client = load.httpClientBuilder()
        .with(new HttpClientOptions().setDefaultHost("localhost").setDefaultPort(herald.port()).setKeepAlive(true))
        .with(new PoolOptions().setHttp1MaxSize(concurrency))
        .build();
    Buffer body = Buffer.buffer(PATIENT);
    JsonObject resource = new JsonObject(PATIENT);

    Registry registry = Registries.load(store.searchParameters()).registry();
    Operation bareSql = () -> {
      String id = UUID.randomUUID().toString();
      return pool.preparedQuery(WriteStatement.SQL)
          .execute(WriteStatement.args("Patient", id, "create", resource.copy().put("id", id), null, registry)).mapEmpty();
    };
    RequestOptions post = new RequestOptions().setMethod(HttpMethod.POST).setURI("/fhir/Patient")
        .putHeader("Content-Type", "application/fhir+json");
    Operation overHttp = () -> client.request(post)
        .compose(request -> request.send(body))
        .compose(response -> {
          if (response.statusCode() != 201) {
            return Future.failedFuture("HTTP " + response.statusCode());
          }
          return response.body().mapEmpty();
        });

    run("warm-up SQL", load, concurrency, warmup, bareSql);
    run("warm-up HTTP", load, concurrency, warmup, overHttp);
    double sqlTotal = 0;
    double httpTotal = 0;
    Result lastHttp = null;
    for (int round = 1; round <= rounds; round++) {
      Result sql = run("bare SQL   (round " + round + ")", load, concurrency, seconds, bareSql);
      Result api = run("Herald HTTP (round " + round + ")", load, concurrency, seconds, overHttp);
      sqlTotal += sql.rate;
      httpTotal += api.rate;
      lastHttp = api;
    }
    System.out.printf("%nHerald creates/s %.0f vs bare SQL %.0f (means over %d rounds): ratio %.2f (target >= 0.60)%n",
        httpTotal / rounds, sqlTotal / rounds, rounds, httpTotal / sqlTotal);
    System.out.printf("Herald create latency (last round): p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms%n",
        lastHttp.histogram.getValueAtPercentile(50) / 1000.0, lastHttp.histogram.getValueAtPercentile(99) / 1000.0,
        lastHttp.histogram.getValueAtPercentile(99.9) / 1000.0);

    client.close().await();
    pool.close().await();
    load.close().await();
    herald.stop().await();
    server.close().await();
    database.close();
  }

  private static final java.util.concurrent.atomic.AtomicReference<Throwable> firstFailure =
      new java.util.concurrent.atomic.AtomicReference<>();

  interface Operation {
    Future<Void> run();
  }

  record Result(double rate, Histogram histogram) {
  }

  private static Result run(String name, Vertx vertx, int concurrency, int seconds, Operation op) {
    return run(name, "creates/s", vertx, concurrency, seconds, op);
  }

  /** {@code concurrency} closed loops of {@code op} for {@code seconds}; prints ({@code unit}) and returns the figures. */
  static Result run(String name, String unit, Vertx vertx, int concurrency, int seconds, Operation op) {
    Histogram histogram = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(60), 3);
    AtomicLong done = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    firstFailure.set(null);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    long start = System.nanoTime();
    Future<?>[] loops = new Future<?>[concurrency];
    for (int i = 0; i < concurrency; i++) {
      Promise<Void> finished = Promise.promise();
      loops[i] = finished.future();
      vertx.runOnContext(v -> loop(op, end, histogram, done, failed, finished));
    }
    Future.all(java.util.List.of(loops)).await();
    if (failed.get() > 0) {
      System.out.println(name + ": " + failed.get() + " operations failed, first: " + firstFailure.get());
      System.exit(1);
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    double rate = done.get() / elapsed;
    System.out.printf("%-28s %8.0f %s  p50 %6.2f ms  p99 %6.2f ms  p99.9 %6.2f ms  (%d ok, %d failed)%n",
        name, rate, unit, histogram.getValueAtPercentile(50) / 1000.0, histogram.getValueAtPercentile(99) / 1000.0,
        histogram.getValueAtPercentile(99.9) / 1000.0, done.get(), failed.get());
    return new Result(rate, histogram);
  }

  private static void loop(Operation op, long end, Histogram histogram, AtomicLong done, AtomicLong failed,
                           Promise<Void> finished) {
    if (System.nanoTime() >= end) {
      finished.complete();
      return;
    }
    long t0 = System.nanoTime();
    op.run().onComplete(result -> {
      if (result.succeeded()) {
        histogram.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
        done.incrementAndGet();
      } else {
        failed.incrementAndGet();
        firstFailure.compareAndSet(null, result.cause());
      }
      loop(op, end, histogram, done, failed, finished);
    });
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
