package io.herald.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;

import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Which node plays a role (matching the feed, delivering subscriptions), and for which subscriptions: the one place
 * that decides it. Today one node holds each role for every subscription, by a PostgreSQL session advisory lock on a
 * connection of its own; a node that does not get the lock tries again every second, and the lock is released when
 * the holder stops or its connection dies, so another node takes the role over. Workers ask {@link #owns} before
 * every send, so delivery can be split by subscription across nodes here, without touching them. Used from one
 * verticle's context.
 */
public final class Ownership {

  /** The roles, each with its advisory-lock key. */
  public enum Role {
    MATCHING(4864557402L, "Matcher"),
    DELIVERY(4864557403L, "Deliverer"),
    PRUNING(4864557404L, "Pruner");

    private final long lock;
    private final String title;

    Role(long lock, String title) {
      this.lock = lock;
      this.title = title;
    }
  }

  private static final Logger LOG = Logger.getLogger(Ownership.class.getName());
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
  private boolean held;

  /**
   * @param gained starts the role once the lock is held; if it fails, the lock is let go and taken again later
   * @param lost   stops the role when the lock's connection dies
   */
  public Ownership(Vertx vertx, PgConnectOptions options, Role role, Supplier<Future<Void>> gained, Runnable lost) {
    this.vertx = vertx;
    this.options = options;
    this.key = role.lock;
    this.role = role.title;
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

  /** Whether this node plays the role now. */
  public boolean held() {
    return held;
  }

  /** Whether this node plays the role for {@code subscription} now: today, the holder of the role does for every one. */
  public boolean owns(String subscription) {
    return held;
  }

  /** Lets the role go. */
  public Future<Void> stop() {
    stopped = true;
    held = false;
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
          held = true;
          c.closeHandler(v -> {
            connection = null;
            held = false;
            if (!stopped) {
              LOG.warning(role + " lost its database lock; taking it again once it can");
              lost.run();
              retry();
            }
          });
          return gained.get().recover(failure -> {
            held = false;
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
