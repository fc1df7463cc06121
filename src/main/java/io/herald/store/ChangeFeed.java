package io.herald.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The change feed: every committed change, in versionId order, none skipped.
 *
 * <p>{@link #after} reads changes after a cursor; {@link #listen} wakes a reader when a change
 * commits. A wake-up carries no data and may be lost (reconnect, restart): the reader always
 * re-reads from its own cursor, so a lost wake-up delays a change, never loses it.
 */
public final class ChangeFeed {

  /** The LISTEN/NOTIFY channel the store signals after each commit. */
  public static final String CHANNEL = "herald_change";

  private final Pool pool;
  private final BooleanSupplier previous;

  /**
   * @param previous whether each change carries the version before it ({@link Change#previous}), for matchers that
   *                 compare the two; reading it costs a look-up and a document per change, so only they ask
   */
  public ChangeFeed(Pool pool, boolean previous) {
    this(pool, () -> previous);
  }

  /** @param previous asked before each read: whether that read's changes carry the version before them */
  public ChangeFeed(Pool pool, BooleanSupplier previous) {
    this.pool = pool;
    this.previous = previous;
  }

  /**
   * Up to {@code limit} changes with versionId greater than {@code versionId}, ascending.
   *
   * @return the changes, and whether more are already committed but not yet readable (a
   *     transaction that started earlier is still running): read again shortly.
   */
  public Future<Batch> after(long versionId, int limit) {
    String query = previous.getAsBoolean() ? SqlQueries.FEED_WITH_PREVIOUS : SqlQueries.FEED;
    return pool.preparedQuery(query).execute(Tuple.of(versionId, limit)).map(rows -> {
      List<Change> changes = new ArrayList<>(rows.size());
      boolean held = false;
      for (Row row : rows) {
        if (!row.getBoolean("settled")) {
          held = true;   // later rows are not readable yet either
          break;
        }
        changes.add(change(row));
      }
      return new Batch(changes, held, changes.size() == limit);
    });
  }

  /** The same changes, each with the version before it (read for changes read without). */
  public Future<List<Change>> withPrevious(List<Change> changes) {
    Long[] versions = changes.stream().map(Change::versionId).toArray(Long[]::new);
    return pool.preparedQuery(SqlQueries.PREVIOUS_OF).execute(Tuple.tuple().addArrayOfLong(versions)).map(rows -> {
      Map<Long, JsonObject> previous = new HashMap<>();
      rows.forEach(row -> previous.put(row.getLong("version_id"), row.getJsonObject("previous")));
      return changes.stream().map(c -> new Change(c.versionId(), c.type(), c.id(), c.interaction(), c.changedAt(),
          c.resource(), previous.get(c.versionId()))).toList();
    });
  }

  /** The largest versionId up to which every change is committed and readable (the feed's horizon). */
  public Future<Long> horizon() {
    return pool.query(SqlQueries.SNAPSHOT).execute().map(rows -> rows.iterator().next().getLong(0));
  }

  /** Changes to resources of {@code type} after versionId {@code after} up to {@code upTo}, at most {@code limit}. */
  public Future<List<Change>> ofType(String type, long after, long upTo, int limit) {
    return pool.preparedQuery(SqlQueries.CHANGES_OF_TYPE).execute(Tuple.of(type, after, upTo, limit)).map(rows -> {
      List<Change> changes = new ArrayList<>(rows.size());
      rows.forEach(row -> changes.add(change(row)));
      return changes;
    });
  }

  /** A row of the feed's queries (version_id, type, id, interaction, changed_at, content, previous) as a change. */
  private static Change change(Row row) {
    return new Change(row.getLong("version_id"), row.getString("type"), row.getString("id"),
        row.getString("interaction"), row.getOffsetDateTime("changed_at"), row.getJsonObject("content"),
        row.getJsonObject("previous"));
  }

  /** The last versionId written at or before {@code instant}; 0 when there is none. */
  public Future<Long> versionAt(Instant instant) {
    return pool.preparedQuery(SqlQueries.VERSION_AT).execute(Tuple.of(OffsetDateTime.ofInstant(instant, ZoneOffset.UTC)))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /** Removes up to {@code limit} changes at or below versionId {@code through}, oldest first; how many went. */
  public Future<Integer> prune(long through, int limit) {
    return pool.preparedQuery(SqlQueries.PRUNE_FEED).execute(Tuple.of(through, limit)).map(rows -> rows.rowCount());
  }

  /**
   * Calls {@code onCommit} whenever a change commits, on any node, and once each time the
   * connection is (re)established, since wake-ups sent while it was down are lost.
   */
  public static Future<PgSubscriber> listen(Vertx vertx, PgConnectOptions options, Runnable onCommit) {
    PgSubscriber subscriber = PgSubscriber.subscriber(vertx, options).reconnectPolicy(attempts -> 200L);
    subscriber.channel(CHANNEL).subscribeHandler(v -> onCommit.run()).handler(payload -> onCommit.run());
    return subscriber.connect().map(subscriber);
  }

  /**
   * @param held a change after these is committed, or being committed, but not readable yet
   * @param full the batch reached its limit: more may be readable at once
   */
  public record Batch(List<Change> changes, boolean held, boolean full) {
  }
}
