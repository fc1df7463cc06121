package io.herald.cluster;

import io.herald.NodeLogFormatter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * A view the cluster shares of what each node holds: each node writes its own entry, under its name, in a map of the
 * cluster (Hazelcast's, through Vert.x) when it changed (at most every {@code WRITE_MS}) and at least before it
 * expires ({@code TTL_MS}), so a node that dies drops out of the view by itself; any node lists every entry
 * ({@link #list}). A view, not state: nothing that must hold is decided from it (a limit that may be passed by what
 * has not been told yet, at most). Confined to the context that made it, but for {@link #changed} and {@link #node}.
 */
public final class NodeDirectory {

  private static final long WRITE_MS = 5000;
  private static final long TTL_MS = 15000;

  private final Vertx vertx;
  private final String map;
  private final String node;
  private final Supplier<JsonObject> entry;
  private final long timer;
  private volatile boolean changed;
  private boolean published;   // an entry of this node is (or may be) in the map
  private long written;
  private Future<?> writing = Future.succeededFuture();

  /**
   * @param entry what this node holds now, as its entry's fields; null when it holds nothing (no entry then)
   */
  public NodeDirectory(Vertx vertx, String map, Supplier<JsonObject> entry) {
    this.vertx = vertx;
    this.map = map;
    this.node = System.getProperty(NodeLogFormatter.PROPERTY, "node") + "/" + UUID.randomUUID();
    this.entry = entry;
    this.timer = vertx.setPeriodic(WRITE_MS / 5, id -> write());
  }

  /** This node's name in the map. */
  public String node() {
    return node;
  }

  /** What this node holds changed: written within {@code WRITE_MS}. From any thread. */
  public void changed() {
    changed = true;
  }

  /** This node leaves the view now. */
  public Future<Void> close() {
    vertx.cancelTimer(timer);
    // After the write under way: it must not land after the removal.
    return published ? writing.eventually(() -> vertx.sharedData().<String, JsonObject>getAsyncMap(map)
        .compose(m -> m.remove(node))).mapEmpty() : Future.succeededFuture();
  }

  private void write() {
    long now = System.currentTimeMillis();
    if (!(changed && now - written >= WRITE_MS || published && now - written >= TTL_MS / 2)) {
      return;   // nothing new, and what is in the map has time left (or there is nothing there)
    }
    changed = false;
    written = now;
    JsonObject fields = entry.get();
    published = fields != null;
    writing = vertx.sharedData().<String, JsonObject>getAsyncMap(map)
        .compose(m -> fields == null ? m.remove(node).mapEmpty() : m.put(node, fields.copy().put("node", node), TTL_MS))
        .onFailure(e -> changed = true);
  }

  /** Every node's entry in {@code map}, each with its {@code node}, in node order. */
  public static Future<List<JsonObject>> list(Vertx vertx, String map) {
    return vertx.sharedData().<String, JsonObject>getAsyncMap(map).compose(AsyncMap::entries).map(entries -> {
      List<JsonObject> all = new ArrayList<>(entries.values());
      all.sort((a, b) -> a.getString("node").compareTo(b.getString("node")));
      return all;
    });
  }
}
