package io.herald.http;

import io.herald.bus.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;

/**
 * What a load balancer or an orchestrator asks: {@code /health/live} (the node's event loops answer: restart it when
 * they do not) and {@code /health/ready} (send it requests: the database answers, so the migrations ran and the store
 * is up, and, when clustered, the node has joined the cluster; it also lists the delivery buckets the node holds).
 * Each answers 200 with the checks as JSON, or 503 with the failing one; Vert.x's health checks compute the outcome.
 */
final class Health {

  private static final long CHECK_TIMEOUT_MS = 2000;

  private Health() {
  }

  static HealthCheckHandler live(Vertx vertx) {
    return HealthCheckHandler.createWithHealthChecks(HealthChecks.create(vertx)
        .register("event-loop", promise -> promise.complete(Status.OK())));
  }

  static HealthCheckHandler ready(Vertx vertx) {
    HealthChecks checks = HealthChecks.create(vertx).register("database", CHECK_TIMEOUT_MS, promise ->
        vertx.eventBus().request(Addresses.STORE_PING, new JsonObject())
            .onSuccess(reply -> promise.complete(Status.OK()))
            .onFailure(e -> promise.complete(Status.KO(new JsonObject().put("reason", e.getMessage())))));
    checks.register("delivery", CHECK_TIMEOUT_MS, promise ->   // what this node delivers: information, never DOWN
        vertx.eventBus().<JsonObject>request(Addresses.DELIVER_SHARES, new JsonObject())
            .onSuccess(reply -> promise.complete(Status.OK(reply.body())))
            .onFailure(e -> promise.complete(Status.OK(new JsonObject().put("buckets", new io.vertx.core.json.JsonArray())))));
    if (vertx.isClustered()) {
      checks.register("cluster", promise -> promise.complete(Status.OK(new JsonObject().put("clustered", true))));
    }
    return HealthCheckHandler.createWithHealthChecks(checks);
  }
}
