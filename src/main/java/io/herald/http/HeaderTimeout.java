package io.herald.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;

import java.util.HashMap;
import java.util.Map;

/**
 * Closes a connection that holds the server without a request in flight: its first request head must be
 * complete within {@code headerMillis} of its opening (a client sending headers a byte at a time does not
 * hold it forever), and once its latest response has ended it may idle {@code idleMillis} to
 * {@code 2 × idleMillis} before it is closed. A request in flight is never cut. The timer is looked at every
 * {@code idleMillis}, not set per request. One per HTTP verticle, confined to its event loop.
 */
final class HeaderTimeout {

  private final Vertx vertx;
  private final long headerMillis;
  private final long idleMillis;
  private final Map<HttpConnection, State> connections = new HashMap<>();

  private static final class State {
    long timer = -1;
    HttpServerRequest latest;    // null until the first request head arrives
    boolean endedAtLastLook;     // the latest response had ended when the timer last fired
  }

  HeaderTimeout(Vertx vertx, long headerMillis, long idleMillis) {
    this.vertx = vertx;
    this.headerMillis = headerMillis;
    this.idleMillis = idleMillis;
  }

  /** A connection opened: its first request head is due. */
  void opened(HttpConnection connection) {
    State state = new State();
    connections.put(connection, state);
    connection.closeHandler(closed -> {
      State gone = connections.remove(connection);
      if (gone != null) {
        vertx.cancelTimer(gone.timer);
      }
    });
    state.timer = vertx.setTimer(headerMillis, t -> look(connection, state));
  }

  /** A request head arrived on the connection. */
  void requestArrived(HttpServerRequest request) {
    State state = connections.get(request.connection());
    if (state == null) {
      return;
    }
    if (state.latest == null) {   // from the first head's deadline to the idle cadence
      vertx.cancelTimer(state.timer);
      state.timer = vertx.setTimer(idleMillis, t -> look(request.connection(), state));
    }
    state.latest = request;
    state.endedAtLastLook = false;
  }

  /** The connection is becoming a WebSocket: it lives as long as its socket, no longer timed here. */
  void upgrading(HttpServerRequest request) {
    State state = connections.remove(request.connection());
    if (state != null) {
      vertx.cancelTimer(state.timer);
    }
  }

  private void look(HttpConnection connection, State state) {
    boolean ended = state.latest == null || state.latest.response().ended();
    if (state.latest == null || ended && state.endedAtLastLook) {
      connections.remove(connection);
      connection.close();
      return;
    }
    state.endedAtLastLook = ended;
    state.timer = vertx.setTimer(idleMillis, t -> look(connection, state));
  }
}
