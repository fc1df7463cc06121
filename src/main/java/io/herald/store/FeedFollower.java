package io.herald.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;

import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Follows the change feed from a cursor: reads a batch, hands it to the sink, advances the cursor
 * once the sink's future succeeds, and reads again on every commit wake-up. One read at a time,
 * all on one context. A read that finds changes held back by a running transaction retries
 * after {@code HELD_RETRY_MS}, doubling up to {@code HELD_RETRY_MAX_MS} while nothing moves; a slow safety read every {@code SAFETY_READ_MS} covers wake-ups lost
 * while nothing else is written. A sink failure leaves the cursor where it was, to be retried.
 */
public final class FeedFollower {

  private static final Logger LOG = Logger.getLogger(FeedFollower.class.getName());
  private static final long HELD_RETRY_MS = 2;
  private static final long HELD_RETRY_MAX_MS = 100;
  private static final long SAFETY_READ_MS = 1000;

  private final Vertx vertx;
  private final Context context;
  private final ChangeFeed feed;
  private final int batchSize;
  private final Function<List<Change>, Future<Void>> sink;
  private long cursor;
  private long heldDelay = HELD_RETRY_MS;
  private boolean reading;
  private boolean again;
  private boolean stopped;
  private long safetyTimer = -1;
  private PgSubscriber subscriber;

  public FeedFollower(Vertx vertx, ChangeFeed feed, long from, int batchSize, Function<List<Change>, Future<Void>> sink) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.feed = feed;
    this.cursor = from;
    this.batchSize = batchSize;
    this.sink = sink;
  }

  /** Starts listening for commits and reading; completes once the listener is connected. */
  public Future<Void> start(PgConnectOptions options) {
    return ChangeFeed.listen(vertx, options, this::wake).map(s -> {
      subscriber = s;
      context.runOnContext(v -> safetyTimer = vertx.setPeriodic(SAFETY_READ_MS, id -> read()));
      wake();
      return null;
    });
  }

  public Future<Void> stop() {
    context.runOnContext(v -> {
      stopped = true;
      vertx.cancelTimer(safetyTimer);
    });
    return subscriber == null ? Future.succeededFuture() : subscriber.close();
  }

  /** The versionId of the last change the sink accepted. */
  public long cursor() {
    return cursor;
  }

  private void wake() {
    context.runOnContext(v -> read());
  }

  private void read() {
    if (stopped) {
      return;
    }
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    again = false;
    feed.after(cursor, batchSize)
        .compose(batch -> (batch.changes().isEmpty() ? Future.<Void>succeededFuture() : sink.apply(batch.changes()))
            .map(done -> {
              if (!batch.changes().isEmpty()) {
                cursor = batch.changes().get(batch.changes().size() - 1).versionId();
              }
              return batch;
            }))
        .onComplete(result -> {
          reading = false;
          if (result.failed()) {
            LOG.log(Level.WARNING, "Reading the change feed failed; retrying from " + cursor, result.cause());
            vertx.setTimer(100, id -> read());
          } else if (again || result.result().full()) {
            heldDelay = HELD_RETRY_MS;
            read();
          } else if (result.result().held()) {
            // A transaction that started earlier is still running: retry soon, backing off while it lasts.
            vertx.setTimer(heldDelay, id -> read());
            heldDelay = result.result().changes().isEmpty() ? Math.min(heldDelay * 2, HELD_RETRY_MAX_MS) : HELD_RETRY_MS;
          } else {
            heldDelay = HELD_RETRY_MS;
          }
        });
  }
}
