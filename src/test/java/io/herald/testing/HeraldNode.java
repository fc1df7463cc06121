package io.herald.testing;

import io.herald.Config;
import io.herald.auth.AuthConfig;
import io.herald.Herald;
import io.herald.Metrics;
import io.herald.cluster.Members;
import io.herald.deliver.Endpoints;
import io.herald.deliver.RetryPolicy;
import io.herald.deliver.live.LiveConfig;
import io.herald.subscription.SubscriptionsConfig;
import io.herald.http.HttpConfig;
import io.herald.store.StoreConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * One Herald node for a test: its own Vert.x, a fresh database (or the one given), real HTTP on
 * a free port, and a plain JDK HTTP client to talk to it.
 */
public final class HeraldNode implements AutoCloseable {

  /** Under the overrides: the tests' webhook receivers listen on this machine. */
  private static final JsonObject TEST_DEFAULTS = new JsonObject().put("deliver", new JsonObject()
      .put("allowedHosts", new JsonArray().add("127.0.0.1").add("localhost")));

  public final Vertx vertx;
  public final Herald herald;
  public final String pgUri;
  public final String base;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Pool sql;

  private HeraldNode(Vertx vertx, Herald herald, String pgUri) {
    this.vertx = vertx;
    this.herald = herald;
    this.pgUri = pgUri;
    this.base = "http://localhost:" + herald.port() + "/fhir";
  }

  public static HeraldNode start() {
    return start(TestDatabase.freshDatabase(), new JsonObject());
  }

  /** @param overrides per-section settings on top of conf/config.json, e.g. {"http": {"bodyLimitBytes": 100}} */
  public static HeraldNode start(String pgUri, JsonObject overrides) {
    JsonObject config = Config.defaults().mergeIn(TEST_DEFAULTS.copy().mergeIn(overrides, true), true);
    StoreConfig store = StoreConfig.from(config.getJsonObject("store")).withPgUri(pgUri);
    HttpConfig http = HttpConfig.from(config.getJsonObject("http")).withPort(freePort());
    Metrics metrics = new Metrics();
    Vertx vertx = metrics.instrument(Vertx.builder()).build();
    Herald herald = Herald.deploy(vertx, store, http, RetryPolicy.from(config.getJsonObject("deliver")),
        Endpoints.from(config.getJsonObject("deliver")),
        LiveConfig.from(config.getJsonObject("live")),
        SubscriptionsConfig.from(config.getJsonObject("subscriptions"), http.port()),
        overrides.containsKey("auth") ? AuthConfig.from(config.getJsonObject("auth")) : AuthConfig.off(),
        Members.alone(), metrics).await();
    return new HeraldNode(vertx, herald, pgUri);
  }

  public Reply get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  public Reply post(String path, String body) {
    return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/fhir+json")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  public Reply put(String path, String body, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/fhir+json")
        .PUT(HttpRequest.BodyPublishers.ofString(body));
    return send(headers.length == 0 ? request : request.headers(headers));
  }

  public Reply delete(String path, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).DELETE();
    return send(headers.length == 0 ? request : request.headers(headers));
  }

  public Reply send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response = client.send(request.timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      return new Reply(response);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public URI uri(String path) {
    return URI.create(path.startsWith("http") ? path : base + path);
  }

  /** Direct SQL on this node's database, to check what was (not) written. */
  public synchronized Pool sql() {
    if (sql == null) {
      sql = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(pgUri)).using(vertx).build();
    }
    return sql;
  }

  public long count(String table) {
    return sql().query("SELECT count(*) FROM " + table).execute().await().iterator().next().getLong(0);
  }

  @Override
  public void close() {
    herald.stop().await();
    vertx.close().await();
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
