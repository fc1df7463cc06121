package io.herald.deliver.live;

import io.herald.cluster.NodeDirectory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The cluster-wide view of live connections: each node's live subscriptions (socket, resource type, criteria, events,
 * since when) in a {@link NodeDirectory}; any node lists them all ({@link #list}).
 */
public final class LiveDirectory {

  private static final String MAP = "herald.live.connections";

  private final Map<String, JsonObject> mine = new LinkedHashMap<>();
  private final NodeDirectory directory;

  LiveDirectory(Vertx vertx) {
    directory = new NodeDirectory(vertx, MAP, () -> mine.isEmpty() ? null
        : new JsonObject().put("subscriptions", new JsonArray(mine.values().stream().toList())));
  }

  void added(String subscription, String socket, String resourceType, Object criteria, Iterable<String> events) {
    JsonArray told = new JsonArray();
    events.forEach(told::add);
    mine.put(subscription, new JsonObject().put("subscription", subscription).put("socket", socket)
        .put("resourceType", resourceType).put("criteria", criteria).put("events", told)
        .put("since", Instant.now().toString()));
    directory.changed();
  }

  void removed(String subscription) {
    if (mine.remove(subscription) != null) {
      directory.changed();
    }
  }

  Future<Void> close() {
    return directory.close();
  }

  /** Every node's live subscriptions, each with its node: {connections: [{node, subscription, ...}]}. */
  public static Future<JsonObject> list(Vertx vertx) {
    return NodeDirectory.list(vertx, MAP).map(entries -> {
      JsonArray all = new JsonArray();
      entries.forEach(entry -> entry.getJsonArray("subscriptions").forEach(s ->
          all.add(((JsonObject) s).copy().put("node", entry.getString("node")))));
      return new JsonObject().put("connections", all);
    });
  }
}
