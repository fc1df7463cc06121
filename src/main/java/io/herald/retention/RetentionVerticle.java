package io.herald.retention;

import io.herald.cluster.Ownership;
import io.herald.database.Database;
import io.herald.deliver.Channels;
import io.herald.store.ChangeFeed;
import io.herald.subscription.Notifications;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;

import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Prunes, every {@code everySeconds}, what no one is promised any more: changes the matcher has passed that are older
 * than the feed's window, and notifications older than theirs that are acknowledged (or whose channel does not
 * acknowledge). Rows go in statements of at most {@code batch} rows, one after another on one connection, so writers
 * never wait behind a long statement. One node of a cluster prunes ({@link Ownership.Role#PRUNING}).
 */
public final class RetentionVerticle extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(RetentionVerticle.class.getName());

  private final String pgUri;
  private final RetentionConfig config;
  private Pool pool;
  private ChangeFeed feed;
  private Notifications notifications;
  private Ownership ownership;
  private long timer = -1;
  private boolean running;

  public RetentionVerticle(String pgUri, RetentionConfig config) {
    this.pgUri = pgUri;
    this.config = config;
  }

  @Override
  public Future<?> start() {
    if (!config.prunes()) {
      LOG.info("Retention: pruning is off (store.retention.everySeconds is 0); the feed and notifications are kept");
      return Future.succeededFuture();
    }
    PgConnectOptions options = Database.connectOptions(pgUri);
    pool = Database.pool(vertx, options, 1);
    feed = new ChangeFeed(pool, false);
    notifications = new Notifications(pool);
    ownership = new Ownership(vertx, options, Ownership.Role.PRUNING, () -> {
      timer = vertx.setPeriodic(config.everySeconds() * 1000L, id -> run());
      return Future.succeededFuture();
    }, () -> vertx.cancelTimer(timer));
    return ownership.start();
  }

  @Override
  public Future<?> stop() {
    if (ownership == null) {
      return Future.succeededFuture();
    }
    vertx.cancelTimer(timer);
    return ownership.stop().eventually(() -> pool.close());
  }

  private void run() {
    if (running || !ownership.held()) {
      return;
    }
    running = true;
    Instant now = Instant.now();
    pruneFeed(now).compose(changes -> pruneNotifications(now).map(n -> {
      LOG.fine(() -> "Retention: pruned " + changes + " changes and " + n + " subscriptions' notifications");
      return null;
    })).onComplete(done -> {
      running = false;
      if (done.failed()) {
        LOG.log(Level.WARNING, "Retention: pruning failed; it runs again in " + config.everySeconds() + " s", done.cause());
      }
    });
  }

  /**
   * Changes written before the window that the matcher has passed, up to the one before its cursor. The cursor's own
   * change stays: the matcher read it, so its transaction is settled and stays so, and a search's snapshot (the
   * newest settled change) always has a change to stand on, however long a transaction keeps newer ones unsettled.
   */
  private Future<Long> pruneFeed(Instant now) {
    return Future.all(notifications.cursor(), feed.versionAt(now.minusSeconds(config.feedSeconds())))
        .compose(read -> pruneFeed(Math.min(read.<Long>resultAt(0) - 1, read.<Long>resultAt(1)), 0));
  }

  private Future<Long> pruneFeed(long through, long pruned) {
    if (through <= 0 || !ownership.held()) {
      return Future.succeededFuture(pruned);
    }
    return feed.prune(through, config.batch()).compose(gone -> gone < config.batch()
        ? Future.succeededFuture(pruned + gone) : pruneFeed(through, pruned + gone));
  }

  /**
   * Notifications of changes before the window, as far as their subscriptions allow: their ranges cut to at most
   * {@code batch} notifications a statement, however many subscriptions that spans.
   */
  private Future<Integer> pruneNotifications(Instant now) {
    return feed.versionAt(now.minusSeconds(config.notificationSeconds()))
        .compose(at -> notifications.prunable(at, Channels.acknowledging()))
        .compose(found -> prune(Batches.of(found, config.batch()).iterator()).map(found.size()));
  }

  private Future<Void> prune(Iterator<List<Notifications.Prunable>> batches) {
    if (!batches.hasNext() || !ownership.held()) {
      return Future.succeededFuture();
    }
    return notifications.prune(batches.next()).compose(v -> prune(batches));
  }
}
