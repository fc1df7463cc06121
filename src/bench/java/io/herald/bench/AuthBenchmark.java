package io.herald.bench;

import io.herald.Config;
import io.herald.Herald;
import io.herald.Metrics;
import io.herald.auth.AuthConfig;
import io.herald.cluster.Members;
import io.herald.deliver.Endpoints;
import io.herald.deliver.RetryPolicy;
import io.herald.deliver.live.LiveConfig;
import io.herald.http.HttpConfig;
import io.herald.store.StoreConfig;
import io.herald.subscription.SubscriptionsConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.util.Base64;
import java.util.Map;
import java.nio.charset.StandardCharsets;

/**
 * What authentication costs a request: reads ({@code GET /fhir/Patient/{id}}) and creates ({@code POST /fhir/Patient})
 * at a fixed concurrency against two Heralds on one PostgreSQL, one with authentication off and one with it on (each
 * request carrying a bearer token, checked: signature, expiry, revocation, scopes; no rate limit), in alternating
 * rounds of one run; prints each, and on/off ratios.
 *
 * <pre>java -cp target/herald-bench.jar io.herald.bench.AuthBenchmark [--concurrency 32] [--seconds 10] [--rounds 2]</pre>
 */
public final class AuthBenchmark {

  private static final String ADMIN_SECRET = "the-benchmark-admin-secret";

  private AuthBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    io.herald.Main.configureLogging();
    Map<String, String> options = Args.parse(args, Map.of("concurrency", "32", "seconds", "10", "warmup", "5", "rounds", "2"));
    int concurrency = Integer.parseInt(options.get("concurrency"));
    int seconds = Integer.parseInt(options.get("seconds"));
    int warmup = Integer.parseInt(options.get("warmup"));
    int rounds = Integer.parseInt(options.get("rounds"));
    BenchDatabase database = BenchDatabase.open("herald-bench-auth");
    System.out.printf("Auth benchmark: concurrency %d, %d s per measurement after %d s warm-up, %d rounds, %d cores%n",
        concurrency, seconds, warmup, rounds, Runtime.getRuntime().availableProcessors());

    JsonObject config = Config.load(System.getenv());
    Vertx off = Vertx.vertx();
    Vertx on = Vertx.vertx();
    Herald open = start(off, config, database.uri, AuthConfig.off());
    Herald guarded = start(on, config, database.uri, AuthConfig.from(config.getJsonObject("auth").copy().put("enabled", true)
        .put("adminSecret", ADMIN_SECRET).put("requestsPerSecond", 0)));

    Vertx load = Vertx.vertx();
    HttpClientAgent client = load.httpClientBuilder()
        .with(new HttpClientOptions().setDefaultHost("localhost").setKeepAlive(true))
        .with(new PoolOptions().setHttp1MaxSize(concurrency))
        .build();
    String token = token(client, guarded.port());
    String id = new JsonObject(send(client, open.port(), null, HttpMethod.POST, "/fhir/Patient", CreateBenchmark.PATIENT, 201)
        .await().toString()).getString("id");
    Buffer body = Buffer.buffer(CreateBenchmark.PATIENT);

    CreateBenchmark.Result[][] results = new CreateBenchmark.Result[4][rounds];
    String[] names = {"read, auth off", "read, auth on", "create, auth off", "create, auth on"};
    CreateBenchmark.Operation[] operations = {
        () -> send(client, open.port(), null, HttpMethod.GET, "/fhir/Patient/" + id, null, 200).mapEmpty(),
        () -> send(client, guarded.port(), token, HttpMethod.GET, "/fhir/Patient/" + id, null, 200).mapEmpty(),
        () -> send(client, open.port(), null, HttpMethod.POST, "/fhir/Patient", body, 201).mapEmpty(),
        () -> send(client, guarded.port(), token, HttpMethod.POST, "/fhir/Patient", body, 201).mapEmpty()};
    for (int i = 0; i < operations.length; i++) {
      CreateBenchmark.run("warm-up " + names[i], "req/s", load, concurrency, warmup, operations[i]);
    }
    for (int round = 0; round < rounds; round++) {
      for (int i = 0; i < operations.length; i++) {
        results[i][round] = CreateBenchmark.run(names[i] + " (round " + (round + 1) + ")", "req/s", load, concurrency, seconds,
            operations[i]);
      }
    }
    System.out.println();
    for (int i = 0; i < operations.length; i += 2) {
      double offRate = 0;
      double onRate = 0;
      for (int round = 0; round < rounds; round++) {
        offRate += results[i][round].rate() / rounds;
        onRate += results[i + 1][round].rate() / rounds;
      }
      CreateBenchmark.Result lastOff = results[i][rounds - 1];
      CreateBenchmark.Result lastOn = results[i + 1][rounds - 1];
      System.out.printf("%-6s auth on/off: %.0f vs %.0f req/s, ratio %.2f; p50 %.2f vs %.2f ms, p99 %.2f vs %.2f ms (last round)%n",
          names[i].substring(0, names[i].indexOf(',')), onRate, offRate, onRate / offRate,
          lastOn.histogram().getValueAtPercentile(50) / 1000.0, lastOff.histogram().getValueAtPercentile(50) / 1000.0,
          lastOn.histogram().getValueAtPercentile(99) / 1000.0, lastOff.histogram().getValueAtPercentile(99) / 1000.0);
    }
    client.close().await();
    load.close().await();
    guarded.stop().await();
    open.stop().await();
    on.close().await();
    off.close().await();
    database.close();
  }

  private static Herald start(Vertx vertx, JsonObject config, String pgUri, AuthConfig auth) throws Exception {
    HttpConfig http = HttpConfig.from(config.getJsonObject("http")).withPort(CreateBenchmark.freePort());
    return Herald.deploy(vertx, StoreConfig.from(config.getJsonObject("store")).withPgUri(pgUri), http,
        RetryPolicy.from(config.getJsonObject("deliver")), Endpoints.from(config.getJsonObject("deliver")),
        LiveConfig.from(config.getJsonObject("live")), SubscriptionsConfig.from(config.getJsonObject("subscriptions"),
            http.port()), auth, Members.alone(), new Metrics()).await();
  }

  private static String token(HttpClientAgent client, int port) {
    String basic = Base64.getEncoder().encodeToString(("admin:" + ADMIN_SECRET).getBytes(StandardCharsets.UTF_8));
    return client.request(new RequestOptions().setMethod(HttpMethod.POST).setPort(port).setURI("/auth/token")
            .putHeader("Authorization", "Basic " + basic).putHeader("Content-Type", "application/x-www-form-urlencoded"))
        .compose(request -> request.send("grant_type=client_credentials"))
        .compose(response -> response.body()).map(b -> b.toJsonObject().getString("access_token")).await();
  }

  private static Future<Buffer> send(HttpClientAgent client, int port, String token, HttpMethod method, String uri,
                                     Object body, int expected) {
    RequestOptions options = new RequestOptions().setMethod(method).setPort(port).setURI(uri)
        .putHeader("Content-Type", "application/fhir+json");
    if (token != null) {
      options.putHeader("Authorization", "Bearer " + token);
    }
    return client.request(options)
        .compose(request -> body == null ? request.send() : body instanceof Buffer b ? request.send(b) : request.send((String) body))
        .compose(response -> response.body().compose(b -> response.statusCode() == expected ? Future.succeededFuture(b)
            : Future.failedFuture(method + " " + uri + " → " + response.statusCode() + " " + b)));
  }
}
