package io.herald.store;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * Whether a failure means the database is out of reach for now, rather than that the request was wrong: the
 * connection was refused, lost or timed out, or PostgreSQL said it is shutting down, starting, or out of
 * connections (SQLSTATE classes 08, 53 and 57P0x). Such a request did nothing and may be tried again.
 */
final class Outage {

  private Outage() {
  }

  static boolean is(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof PgException pg && pg.getSqlState() != null) {
        String state = pg.getSqlState();
        return state.startsWith("08") || state.startsWith("53") || state.startsWith("57P0");
      }
      if (t instanceof ClosedConnectionException || t instanceof IOException || t instanceof TimeoutException
          || t instanceof io.netty.channel.ConnectTimeoutException) {
        return true;
      }
    }
    return false;
  }
}
