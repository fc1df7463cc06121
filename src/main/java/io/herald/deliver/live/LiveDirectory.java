package io.herald.deliver.live;

import io.herald.NodeLogFormatter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The cluster-wide view of live connections: each node writes its own live subscriptions (socket, resource type,
 * criteria, events, since when) under its name in a map the cluster shares (Hazelcast's, through Vert.x), every few
 * seconds when they changed and at least before their entry expires, so a node that dies drops out of the view by
 * itself; any node lists them all ({@link #list}). A view, not state: nothing is decided from it.
 */
public final class LiveDirectory {

  private static final String MAP = "herald.live.connections";
  private static final long WRITE_MS = 5000;
  private static final long TTL_MS = 15000;

  private final Vertx vertx;
  private final String node = System.getProperty(NodeLogFormatter.PROPERTY, "node") + "/" + UUID.randomUUID();
  private final Map<String, JsonObject> mine = new LinkedHashMap<>();
  private boolean changed;
  private boolean published;   // an entry of this node is (or may be) in the map
  private long written;

  LiveDirectory(Vertx vertx) {
    this.vertx = vertx;
    vertx.setPeriodic(WRITE_MS / 5, id -> write());
  }

  void added(String subscription, String socket, String resourceType, Object criteria, Iterable<String> events) {
    JsonArray told = new JsonArray();
    events.forEach(told::add);
    mine.put(subscription, new JsonObject().put("subscription", subscription).put("socket", socket)
        .put("resourceType", resourceType).put("criteria", criteria).put("events", told)
        .put("since", Instant.now().toString()));
    changed = true;
  }

  void removed(String subscription) {
    changed |= mine.remove(subscription) != null;
  }

  private void write() {
    long now = System.currentTimeMillis();
    if (!(changed && now - written >= WRITE_MS || published && now - written >= TTL_MS / 2)) {
      return;   // nothing new, and what is in the map has time left (or there is nothing there)
    }
    changed = false;
    written = now;
    JsonObject entry = new JsonObject().put("node", node).put("subscriptions", new JsonArray(mine.values().stream().toList()));
    published = !mine.isEmpty();
    vertx.sharedData().<String, JsonObject>getAsyncMap(MAP).compose(map -> mine.isEmpty() ? map.remove(node).mapEmpty()
        : map.put(node, entry, TTL_MS)).onFailure(e -> changed = true);
  }

  /** Every node's live subscriptions, each with its node: {connections: [{node, subscription, ...}]}. */
  public static Future<JsonObject> list(Vertx vertx) {
    return vertx.sharedData().<String, JsonObject>getAsyncMap(MAP).compose(AsyncMap::entries).map(entries -> {
      JsonArray all = new JsonArray();
      entries.values().forEach(entry -> entry.getJsonArray("subscriptions").forEach(s ->
          all.add(((JsonObject) s).copy().put("node", entry.getString("node")))));
      return new JsonObject().put("connections", all);
    });
  }
}
