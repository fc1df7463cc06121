package io.herald.auth;

import io.herald.cluster.NodeDirectory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How many SockJS sockets each client has subscribed on, across the cluster ({@code auth.socketsPerClient}): this
 * node's counts, kept as its sockets come and go, and every other node's as it last told them in a
 * {@link NodeDirectory} (within 5 s of a change). A client's socket past the limit is refused; a client opening sockets
 * on several nodes at once may pass it by what they have not told yet. One per node, shared by its HTTP verticles:
 * safe from any thread.
 */
public final class ClientSockets {

  static final String DIRECTORY = "herald.auth.sockets";

  private final int limit;
  private final Map<String, Integer> here = new HashMap<>();
  private NodeDirectory directory;   // set by start, before any socket

  public ClientSockets(int limit) {
    this.limit = limit;
  }

  /** Begins telling the cluster this node's counts (from the context of the verticle that owns it). */
  public synchronized void start(Vertx vertx) {
    directory = new NodeDirectory(vertx, DIRECTORY, this::entry);
  }

  public Future<Void> stop() {
    NodeDirectory told;
    synchronized (this) {
      told = directory;
    }
    return told == null ? Future.succeededFuture() : told.close();
  }

  private synchronized JsonObject entry() {
    return here.isEmpty() ? null : new JsonObject().put("clients", new JsonObject(new HashMap<>(here)));
  }

  /** One more socket of {@code client}, when it has fewer than the limit across the cluster; whether it was taken. */
  public Future<Boolean> take(Vertx vertx, String client) {
    NodeDirectory told;
    synchronized (this) {
      told = directory;
    }
    // The cluster's map not answering: this node's count alone decides (a limit, not a lock).
    Future<List<JsonObject>> nodes = told == null ? Future.succeededFuture(List.of())
        : NodeDirectory.list(vertx, DIRECTORY).otherwise(List.of());
    return nodes.map(all -> {
      int elsewhere = 0;
      for (JsonObject node : all) {
        if (told != null && !told.node().equals(node.getString("node"))) {
          elsewhere += node.getJsonObject("clients", new JsonObject()).getInteger(client, 0);
        }
      }
      synchronized (this) {
        int held = here.getOrDefault(client, 0);
        if (held + elsewhere >= limit) {
          return false;
        }
        here.put(client, held + 1);
      }
      if (told != null) {
        told.changed();
      }
      return true;
    });
  }

  /** A socket of {@code client} closed. */
  public void release(String client) {
    NodeDirectory told;
    synchronized (this) {
      here.computeIfPresent(client, (c, n) -> n <= 1 ? null : n - 1);
      told = directory;
    }
    if (told != null) {
      told.changed();
    }
  }
}
