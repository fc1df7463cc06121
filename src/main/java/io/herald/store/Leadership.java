package io.herald.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;

import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One role that one node of a cluster plays at a time (matching, delivering): held as a
 * PostgreSQL session advisory lock on a connection of its own. A node that does not get the lock
 * tries again every second; the lock is released when the holder stops or its connection dies,
 * and then another node takes the role over. Used from one verticle's context.
 */
public final class Leadership {

  private static final Logger LOG = Logger.getLogger(Leadership.class.getName());
  private static final long RETRY_MS = 1000;

  private final Vertx vertx;
  private final PgConnectOptions options;
  private final long key;
  private final String role;
  private final Supplier<Future<Void>> gained;
  private final Runnable lost;
  private PgConnection connection;
  private long retryTimer = -1;
  private boolean stopped;

  /**
   * @param gained starts the role once the lock is held; if it fails, the lock is let go and taken again later
   * @param lost   stops the role when the lock's connection dies
   */
  public Leadership(Vertx vertx, PgConnectOptions options, long key, String role, Supplier<Future<Void>> gained,
                    Runnable lost) {
    this.vertx = vertx;
    this.options = options;
    this.key = key;
    this.role = role;
    this.gained = gained;
    this.lost = lost;
  }

  /**
   * Tries once now; completes when this node holds the role, or knows another does (and will try
   * again every second). Fails when the database cannot be reached or the role cannot start.
   */
  public Future<Void> start() {
    return attempt();
  }

  /** Lets the role go. */
  public Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(retryTimer);
    return connection == null ? Future.succeededFuture() : connection.close();
  }

  private Future<Void> attempt() {
    if (stopped) {
      return Future.succeededFuture();
    }
    return PgConnection.connect(vertx, options).compose(c -> c.query("SELECT pg_try_advisory_lock(" + key + ")").execute()
        .compose(rows -> {
          if (!rows.iterator().next().getBoolean(0)) {
            retry();
            return c.close();
          }
          connection = c;
          c.closeHandler(v -> {
            connection = null;
            if (!stopped) {
              LOG.warning(role + " lost its database lock; taking it again once it can");
              lost.run();
              retry();
            }
          });
          return gained.get().recover(failure -> {
            LOG.log(Level.WARNING, role + " could not start; letting the lock go", failure);
            return c.close().transform(closed -> Future.failedFuture(failure));
          });
        }));
  }

  private void retry() {
    if (!stopped) {
      retryTimer = vertx.setTimer(RETRY_MS, id -> {
        retryTimer = -1;
        attempt().onFailure(e -> {
          LOG.log(Level.FINE, role + " cannot take its lock yet", e);
          retry();
        });
      });
    }
  }
}
