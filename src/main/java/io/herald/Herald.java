package io.herald;

import io.herald.http.HttpConfig;
import io.herald.http.HttpVerticle;
import io.herald.store.Registries;
import io.herald.store.StoreConfig;
import io.herald.store.StoreVerticle;
import io.herald.subscription.MatchVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.concurrent.atomic.AtomicReference;

/**
 * One Herald node on a Vert.x instance: deploys the verticles in dependency order (store, match,
 * http) and undeploys them in reverse, so requests in flight finish before the store closes.
 */
public final class Herald {

  private final Vertx vertx;
  private final String storeDeployment;
  private final String matchDeployment;
  private final String httpDeployment;
  private final int port;

  private Herald(Vertx vertx, String storeDeployment, String matchDeployment, String httpDeployment, int port) {
    this.vertx = vertx;
    this.storeDeployment = storeDeployment;
    this.matchDeployment = matchDeployment;
    this.httpDeployment = httpDeployment;
    this.port = port;
  }

  public static Future<Herald> deploy(Vertx vertx, StoreConfig store, HttpConfig http) {
    AtomicReference<String> storeId = new AtomicReference<>();
    AtomicReference<String> matchId = new AtomicReference<>();
    return vertx.executeBlocking(() -> Registries.load(store.searchParameters()))
        .compose(registry -> vertx.deployVerticle(new StoreVerticle(store, registry))
            .compose(id -> {
              storeId.set(id);
              return vertx.deployVerticle(new MatchVerticle(store.pgUri(), registry.registry()));
            })
            .compose(id -> {
              matchId.set(id);
              return vertx.deployVerticle(() -> new HttpVerticle(http, registry.registry()),
                  new DeploymentOptions().setInstances(http.instances()));
            }))
        .map(httpId -> new Herald(vertx, storeId.get(), matchId.get(), httpId, http.port()));
  }

  /** The HTTP port this node listens on. */
  public int port() {
    return port;
  }

  /** Stops taking requests, lets those in flight finish, then stops the store. */
  public Future<Void> stop() {
    return vertx.undeploy(httpDeployment)
        .eventually(() -> vertx.undeploy(matchDeployment))
        .eventually(() -> vertx.undeploy(storeDeployment));
  }
}
