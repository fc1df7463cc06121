package io.herald.http;

import io.herald.cluster.DeliveryShares;
import io.herald.cluster.NodeDirectory;
import io.herald.deliver.live.LiveDirectory;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The cluster's shared views, from any node: {@code GET /cluster/live}, every node's live connections, and
 * {@code GET /cluster/delivery[?subscription={id}]}, the delivery buckets each node holds (and which node delivers
 * that subscription). Views written by each node every few seconds, not the decisions themselves.
 */
final class ClusterHandler {

  private final Vertx vertx;

  ClusterHandler(Vertx vertx) {
    this.vertx = vertx;
  }

  void live(RoutingContext ctx) {
    StoreClient.handle(ctx, () -> {
      onlyParameter(ctx, null);
      return LiveDirectory.list(vertx).onSuccess(connections -> Responses.json(ctx, 200, connections));
    });
  }

  void delivery(RoutingContext ctx) {
    StoreClient.handle(ctx, () -> {
      onlyParameter(ctx, "subscription");
      String subscription = ctx.queryParams().get("subscription");
      return NodeDirectory.list(vertx, DeliveryShares.DIRECTORY).onSuccess(nodes -> {
        JsonObject view = new JsonObject().put("buckets", DeliveryShares.BUCKETS).put("nodes", new JsonArray(nodes));
        if (subscription != null) {
          int bucket = DeliveryShares.bucket(subscription);
          String node = nodes.stream().filter(n -> n.getJsonArray("buckets").contains(bucket))
              .map(n -> n.getString("node")).findFirst().orElse(null);
          view.put("subscription", new JsonObject().put("id", subscription).put("bucket", bucket).put("node", node));
        }
        Responses.json(ctx, 200, view);
      });
    });
  }

  private static void onlyParameter(RoutingContext ctx, String allowed) {
    for (String name : ctx.queryParams().names()) {
      if (!name.equals(allowed)) {
        throw Errors.invalid(ctx.normalizedPath() + " does not take '" + name + "'"
            + (allowed == null ? "" : "; it takes " + allowed));
      }
    }
  }
}
