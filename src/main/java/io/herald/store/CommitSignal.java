package io.herald.store;

import io.vertx.sqlclient.Pool;

import java.util.logging.Logger;

/**
 * Tells change-feed readers on every node that changes committed ({@code NOTIFY herald_change}).
 *
 * <p>The NOTIFY is sent after the write's own transaction, not inside it: PostgreSQL serialises
 * the commits of notifying transactions on one lock, which would undo group commit. Wake-ups
 * are coalesced: while one NOTIFY is in flight, any number of commits make exactly one more.
 * Must be used from one context (the store verticle's).
 */
final class CommitSignal {

  private static final Logger LOG = Logger.getLogger(CommitSignal.class.getName());

  private final Pool pool;
  private boolean inFlight;
  private boolean pending;

  CommitSignal(Pool pool) {
    this.pool = pool;
  }

  void committed() {
    if (inFlight) {
      pending = true;
      return;
    }
    inFlight = true;
    pending = false;
    pool.query(SqlQueries.NOTIFY).execute().onComplete(done -> {
      if (done.failed()) {
        LOG.fine(() -> "Commit wake-up not sent (readers catch up on their next read): " + done.cause());
      }
      inFlight = false;
      if (pending) {
        committed();
      }
    });
  }
}
