package io.herald;

import io.herald.auth.AuthConfig;
import io.herald.cluster.ClusterConfig;
import io.herald.cluster.Members;
import io.herald.deliver.Endpoints;
import io.herald.deliver.RetryPolicy;
import io.herald.deliver.live.LiveConfig;
import io.herald.subscription.SubscriptionsConfig;
import io.herald.http.HttpConfig;
import io.herald.database.EmbeddedPostgres;
import io.herald.store.StoreConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * Starts one Herald node: configuration, the embedded PostgreSQL unless {@code HERALD_PG_URI}
 * names one, Vert.x (clustered through Hazelcast and {@code cluster.xml} when
 * {@code cluster.enabled}), then the verticles.
 *
 * <p>Herald has its own main rather than Vert.x's {@code VertxApplication} launcher because
 * shutdown must run in order: on SIGTERM the HTTP server stops taking connections and finishes
 * the requests in flight, then the store closes its pool, then Vert.x closes, and only then does
 * the embedded PostgreSQL stop. The launcher closes Vert.x, which undeploys verticles in parallel.
 */
public final class Main {

  private static final Logger LOG = Logger.getLogger(Main.class.getName());

  private Main() {
  }

  public static void main(String[] args) throws IOException {
    configureLogging();
    JsonObject config;
    StoreConfig store;
    HttpConfig http;
    ClusterConfig cluster;
    AuthConfig auth;
    try {
      config = Config.load(System.getenv());
      store = StoreConfig.from(config.getJsonObject("store"));
      http = HttpConfig.from(config.getJsonObject("http"));
      cluster = ClusterConfig.from(config.getJsonObject("cluster"));
      auth = AuthConfig.from(config.getJsonObject("auth"));
      System.setProperty(NodeLogFormatter.PROPERTY, hostName() + ":" + http.port());
    } catch (IllegalArgumentException e) {
      System.err.println("Herald cannot start: " + e.getMessage());
      System.exit(2);
      return;
    }

    if (!auth.enabled()) {
      LOG.warning("Authentication is OFF (HERALD_AUTH=off): anyone who reaches this port may read, write and subscribe"
          + " to everything. For local development only.");
    }
    EmbeddedPostgres embedded = store.pgUri() == null ? EmbeddedPostgres.start(store.dataDir()) : null;
    StoreConfig storeConfig = embedded == null ? store : store.withPgUri(embedded.uri());
    Vertx vertx;
    Members members;
    Metrics metrics = new Metrics();
    try {
      if (cluster.enabled()) {
        HazelcastClusterManager manager = new HazelcastClusterManager(cluster.hazelcast());
        vertx = metrics.instrument(Vertx.builder()).withClusterManager(manager).buildClustered().await();
        members = Members.of(manager);
      } else {
        vertx = metrics.instrument(Vertx.builder()).build();
        members = Members.alone();
      }
    } catch (FileNotFoundException e) {
      System.err.println("Herald cannot start: no Hazelcast configuration at " + e.getMessage());
      stopQuietly(embedded);
      System.exit(2);
      return;
    }

    Herald herald;
    try {
      herald = Herald.deploy(vertx, storeConfig, http, RetryPolicy.from(config.getJsonObject("deliver")),
          Endpoints.from(config.getJsonObject("deliver")),
        LiveConfig.from(config.getJsonObject("live")),
        SubscriptionsConfig.from(config.getJsonObject("subscriptions"), http.port()), auth, members, metrics).await();
    } catch (RuntimeException e) {
      LOG.severe("Herald failed to start: " + e);
      vertx.close().await();
      stopQuietly(embedded);
      System.exit(1);
      return;
    }
    LOG.info("Herald listening on http://" + http.host() + ":" + herald.port() + "/fhir");

    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("Shutting down: finishing requests in flight");
      try {
        herald.stop().await();
        vertx.close().await();
      } finally {
        stopQuietly(embedded);
      }
      // java.util.logging resets itself in its own shutdown hook, so the last word goes to stderr.
      System.err.println("Herald stopped");
    }, "herald-shutdown"));
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "localhost";
    }
  }

  private static void stopQuietly(EmbeddedPostgres embedded) {
    if (embedded != null) {
      try {
        embedded.close();
      } catch (RuntimeException e) {
        LOG.warning("Embedded PostgreSQL did not stop cleanly: " + e.getMessage());
      }
    }
  }

  /** Herald's log format (conf in logging.properties), unless -Djava.util.logging.config.file names another. */
  public static void configureLogging() throws IOException {
    if (System.getProperty("java.util.logging.config.file") == null) {
      try (InputStream in = Main.class.getResourceAsStream("/logging.properties")) {
        LogManager.getLogManager().readConfiguration(in);
      }
    }
  }
}
