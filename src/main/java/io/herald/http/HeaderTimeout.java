package io.herald.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;

import java.util.HashMap;
import java.util.Map;

/**
 * Closes a connection whose next request head is not complete within the timeout: counted from
 * the connection's opening, then from the end of each response (so a client sending headers a byte
 * at a time, or holding an idle keep-alive connection, does not hold it forever). A request in
 * flight is never cut. One per HTTP verticle, confined to its event loop.
 */
final class HeaderTimeout {

  private final Vertx vertx;
  private final long millis;
  private final Map<HttpConnection, Long> timers = new HashMap<>();

  HeaderTimeout(Vertx vertx, long millis) {
    this.vertx = vertx;
    this.millis = millis;
  }

  /** A connection opened: its first request head is due. */
  void opened(HttpConnection connection) {
    connection.closeHandler(closed -> cancel(connection));
    arm(connection);
  }

  /** A request head arrived on the connection: nothing is due while it is answered. */
  void requestArrived(HttpConnection connection) {
    cancel(connection);
  }

  /** A response ended: the connection's next request head is due. */
  void responseEnded(HttpConnection connection) {
    arm(connection);
  }

  private void arm(HttpConnection connection) {
    cancel(connection);
    timers.put(connection, vertx.setTimer(millis, t -> {
      timers.remove(connection);
      connection.close();
    }));
  }

  private void cancel(HttpConnection connection) {
    Long timer = timers.remove(connection);
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
  }
}
