package io.herald.database;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

import java.net.ConnectException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;

/**
 * What a failure says of the database's reach, rather than of the request:
 * <ul>
 *   <li>{@link #NOT_SENT}: the statement never left: the connection was refused or timed out, no pooled
 *   connection came free in time, or PostgreSQL would not take a connection (57P03 starting up or shutting
 *   down, 53300 too many connections, 08001/08004 refused). Nothing was done; the request may be tried again.</li>
 *   <li>{@link #LOST}: the connection broke while the statement was out (closed or reset, 57P01/57P02
 *   terminated, 08006 and the rest of class 08). A read may be tried again; a write may or may not have
 *   been made.</li>
 *   <li>{@link #NONE}: anything else, a fault to report as it is.</li>
 * </ul>
 */
public enum Outage {
  NONE, NOT_SENT, LOST;

  public static Outage of(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof PgException pg && pg.getSqlState() != null) {
        String state = pg.getSqlState();
        if (state.equals("57P03") || state.equals("53300") || state.equals("08001") || state.equals("08004")) {
          return NOT_SENT;
        }
        return state.startsWith("08") || state.equals("57P01") || state.equals("57P02") ? LOST : NONE;
      }
      if (t instanceof ConnectException || t instanceof io.netty.channel.ConnectTimeoutException
          || t instanceof TimeoutException) {
        return NOT_SENT;
      }
      if (t instanceof ClosedConnectionException || t instanceof ClosedChannelException || t instanceof SocketException) {
        return LOST;
      }
    }
    return NONE;
  }
}
