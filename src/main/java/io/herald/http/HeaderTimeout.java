package io.herald.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;

import java.util.HashMap;
import java.util.Map;

/**
 * Closes a connection that holds the server without a request in flight: its first request head must be
 * complete within {@code headerMillis} of its opening (a client sending headers a byte at a time does not
 * hold it forever), and between requests it may idle {@code idleMillis}. A request in flight is never cut.
 * One per HTTP verticle, confined to its event loop.
 */
final class HeaderTimeout {

  private final Vertx vertx;
  private final long headerMillis;
  private final long idleMillis;
  private final Map<HttpConnection, State> connections = new HashMap<>();

  private static final class State {
    long timer = -1;
    int inFlight;
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
      if (gone != null && gone.timer >= 0) {
        vertx.cancelTimer(gone.timer);
      }
    });
    arm(connection, state, headerMillis);
  }

  /** A request head arrived on the connection: nothing is due while it is answered. */
  void requestArrived(HttpConnection connection) {
    State state = connections.get(connection);
    if (state != null) {
      state.inFlight++;
      cancel(state);
    }
  }

  /** A response ended: when none is left in flight, the connection may idle until the next request. */
  void responseEnded(HttpConnection connection) {
    State state = connections.get(connection);
    if (state != null && --state.inFlight <= 0) {
      state.inFlight = 0;
      arm(connection, state, idleMillis);
    }
  }

  private void arm(HttpConnection connection, State state, long millis) {
    cancel(state);
    state.timer = vertx.setTimer(millis, t -> {
      state.timer = -1;
      if (state.inFlight == 0) {
        connection.close();
      }
    });
  }

  private void cancel(State state) {
    if (state.timer >= 0) {
      vertx.cancelTimer(state.timer);
      state.timer = -1;
    }
  }
}
