package io.herald;

import io.herald.auth.AuthConfig;
import io.herald.auth.AuthVerticle;
import io.herald.auth.ClientSockets;
import io.herald.cluster.Members;
import io.herald.criteria.CriteriaParser;
import io.herald.deliver.Channels;
import io.herald.deliver.Endpoints;
import io.herald.deliver.DeliverVerticle;
import io.herald.deliver.RetryPolicy;
import io.herald.http.HttpConfig;
import io.herald.http.HttpVerticle;
import io.herald.Registries;
import io.herald.deliver.live.LiveConfig;
import io.herald.deliver.live.LiveVerticle;
import io.herald.retention.RetentionVerticle;
import io.herald.store.StoreConfig;
import io.herald.store.StoreVerticle;
import io.herald.subscription.MatchVerticle;
import io.herald.subscription.Subscriptions;
import io.herald.subscription.SubscriptionsConfig;
import io.herald.topic.Filters;
import io.herald.topic.TopicParser;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One Herald node on a Vert.x instance: loads the search parameters, makes the node's one {@link Subscriptions}
 * (shared by the verticles: each subscription version is parsed once), deploys the verticles in dependency order
 * (store, auth, match, deliver, retention, live, http) and undeploys them in reverse, so requests in flight finish before the store closes.
 */
public final class Herald {

  /** This build's version (the Maven project version, also the jar manifest's Implementation-Version). */
  public static final String VERSION = readVersion();

  private final Vertx vertx;
  private final List<String> deployments;   // in deployment order
  private final int port;

  private Herald(Vertx vertx, List<String> deployments, int port) {
    this.vertx = vertx;
    this.deployments = deployments;
    this.port = port;
  }

  public static Future<Herald> deploy(Vertx vertx, StoreConfig store, HttpConfig http) {
    return deploy(vertx, store, http, RetryPolicy.from(Config.defaults().getJsonObject("deliver")),
        Endpoints.from(Config.defaults().getJsonObject("deliver")),
        LiveConfig.from(Config.defaults().getJsonObject("live")),
        SubscriptionsConfig.from(Config.defaults().getJsonObject("subscriptions"), http.port()), AuthConfig.off(),
        Members.alone(), new Metrics());
  }

  /**
   * @param endpoints where webhooks may go
   * @param auth whether requests need a token, and Herald's own tokens ({@link AuthConfig#off()}: none needed)
   * @param members the cluster's members ({@link Members#alone()} when not clustered): who delivers what
   * @param metrics where the node's metrics go ({@code /metrics})
   */
  public static Future<Herald> deploy(Vertx vertx, StoreConfig store, HttpConfig http, RetryPolicy deliver,
                                      Endpoints endpoints, LiveConfig live, SubscriptionsConfig topics, AuthConfig auth, Members members,
                                      Metrics metrics) {
    metrics.gauge("herald.cluster.members", "Members of the cluster, as this node sees them", () -> members.all().size());
    AtomicReference<String> storeId = new AtomicReference<>();
    AtomicReference<String> authId = new AtomicReference<>();
    AtomicReference<String> matchId = new AtomicReference<>();
    AtomicReference<String> deliverId = new AtomicReference<>();
    AtomicReference<String> retentionId = new AtomicReference<>();
    AtomicReference<String> liveId = new AtomicReference<>();
    return vertx.executeBlocking(() -> Registries.load(store.searchParameters()))
        .compose(registry -> {
          CriteriaParser parser = new CriteriaParser(registry.registry());
          Subscriptions subscriptions = new Subscriptions(parser, Channels.rules(), topics.r4b(),
              topics.maxCriteriaLength());
          TopicParser topicParser = new TopicParser(parser, registry.registry());
          Filters filters = new Filters(parser, registry.registry());
          ClientSockets clientSockets = new ClientSockets(auth.socketsPerClient());
          return vertx.deployVerticle(new StoreVerticle(store, registry))
              .compose(id -> {
                storeId.set(id);
                return vertx.deployVerticle(new AuthVerticle(store.pgUri(), auth, clientSockets));
              })
              .compose(id -> {
                authId.set(id);
                return vertx.deployVerticle(new MatchVerticle(store.pgUri(), subscriptions, topicParser, filters, metrics));
              })
              .compose(id -> {
                matchId.set(id);
                return vertx.deployVerticle(new DeliverVerticle(store.pgUri(), subscriptions, deliver, endpoints, topics, members,
                    metrics));
              })
              .compose(id -> {
                deliverId.set(id);
                return vertx.deployVerticle(new RetentionVerticle(store.pgUri(), store.retention()));
              })
              .compose(id -> {
                retentionId.set(id);
                return vertx.deployVerticle(new LiveVerticle(store.pgUri(), new CriteriaParser(registry.registry()), topics.maxCriteriaLength(),
                    live, metrics));
              })
              .compose(id -> {
                liveId.set(id);
                return vertx.deployVerticle(() -> new HttpVerticle(http, registry.registry(), subscriptions,
                        topicParser, filters, topics, endpoints, metrics, auth, clientSockets),
                    new DeploymentOptions().setInstances(http.instances()));
              });
        })
        .map(httpId -> new Herald(vertx, List.of(storeId.get(), authId.get(), matchId.get(), deliverId.get(), retentionId.get(),
            liveId.get(), httpId), http.port()));
  }

  private static String readVersion() {
    Properties properties = new Properties();
    try (InputStream in = Herald.class.getResourceAsStream("/herald.properties")) {
      if (in == null) {
        throw new IllegalStateException("herald.properties is missing from the classpath");
      }
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties.getProperty("version");
  }

  /** The HTTP port this node listens on. */
  public int port() {
    return port;
  }

  /** Stops taking requests, lets those in flight finish, then stops the store. */
  public Future<Void> stop() {
    Future<Void> stopped = Future.succeededFuture();
    for (int i = deployments.size() - 1; i >= 0; i--) {
      String deployment = deployments.get(i);
      stopped = stopped.eventually(() -> vertx.undeploy(deployment));
    }
    return stopped;
  }
}
