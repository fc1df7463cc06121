package io.herald.subscription;

import io.herald.bus.Failures;
import io.herald.bus.Refusal;
import io.herald.fhir.Backport;
import io.herald.store.Change;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Every read and write of notifications, the subscriptions' counters, the match cursor and the acknowledgements of
 * delivery, over one pool. The statements are in {@link SubscriptionSql}.
 */
public final class Notifications {

  /** A subscription's (or topic's) version as of some point of the feed; {@code content} null when it was deleted then. */
  public record Version(String id, long versionId, JsonObject content) {
  }

  /** Notifications read for a poller, and whether more follow them. */
  public record Page(List<Notification> notifications, boolean more) {
  }

  /** A subscription as its deliverer finds it: its current version (content null: deleted) and what was acknowledged. */
  public record Position(Version subscription, long acknowledged) {
  }

  /** A subscription's notifications that may go: those after eventNumber {@code pruned} up to {@code through}. */
  public record Prunable(String id, long pruned, long through) {
  }

  private final Pool pool;

  public Notifications(Pool pool) {
    this.pool = pool;
  }

  /** The versionId of the last change the matcher finished with. */
  public Future<Long> cursor() {
    return pool.query(SubscriptionSql.CURSOR).execute().map(rows -> rows.iterator().next().getLong(0));
  }

  /** Every subscription's latest eventNumber. */
  public Future<Map<String, Long>> counters() {
    return pool.query(SubscriptionSql.COUNTERS).execute().map(rows -> {
      Map<String, Long> counters = new HashMap<>();
      rows.forEach(row -> counters.put(row.getString("id"), row.getLong("last_event")));
      return counters;
    });
  }

  /** Every resource of {@code type} (Subscription, SubscriptionTopic) as it was at {@code versionId}. */
  public Future<List<Version>> asOf(String type, long versionId) {
    return pool.preparedQuery(SubscriptionSql.AS_OF).execute(Tuple.of(type, versionId)).map(rows -> {
      List<Version> versions = new ArrayList<>(rows.size());
      rows.forEach(row -> versions.add(new Version(row.getString("id"), row.getLong("version_id"),
          row.getJsonObject("content"))));
      return versions;
    });
  }

  /**
   * Commits one batch of the matcher in one transaction: the cursor from {@code from} to {@code to} (failing when
   * another matcher moved it), the notifications, and the counters they were numbered from.
   *
   * @param counters each subscription's new latest eventNumber, sorted by id: rows are locked in one order
   */
  public Future<Void> commit(long from, long to, List<Notification> numbered, SortedMap<String, Long> counters) {
    Tuple args = columns(numbered, Tuple.of(to, from)).addArrayOfString(counters.keySet().toArray(String[]::new))
        .addArrayOfLong(counters.values().toArray(Long[]::new));
    return pool.preparedQuery(SubscriptionSql.COMMIT_BATCH).execute(args)
        .compose(rows -> rows.iterator().next().getLong("moved") == 1 ? Future.<Void>succeededFuture()
            : Future.failedFuture(new IllegalStateException("the match cursor moved under this node")));
  }

  /** {@code numbered} as column arrays, added to {@code tuple}. */
  private static Tuple columns(List<Notification> numbered, Tuple tuple) {
    int size = numbered.size();
    String[] subscriptions = new String[size];
    Long[] events = new Long[size];
    String[] kinds = new String[size];
    Long[] versions = new Long[size];
    String[] types = new String[size];
    String[] ids = new String[size];
    String[] interactions = new String[size];
    for (int i = 0; i < size; i++) {
      Notification n = numbered.get(i);
      Change change = n.change();
      subscriptions[i] = n.subscription();
      events[i] = n.eventNumber();
      kinds[i] = n.kind().code();
      versions[i] = change == null ? null : change.versionId();
      types[i] = change == null ? null : change.type();
      ids[i] = change == null ? null : change.id();
      interactions[i] = change == null ? null : change.interaction();
    }
    return tuple.addArrayOfString(subscriptions).addArrayOfLong(events).addArrayOfString(kinds)
        .addArrayOfLong(versions).addArrayOfString(types).addArrayOfString(ids).addArrayOfString(interactions);
  }

  /** Subscription {@code id}'s notifications after {@code eventNumber}, in order, at most {@code limit}. */
  public Future<List<Notification>> after(String id, long eventNumber, int limit) {
    return after(id, eventNumber, 0, limit);
  }

  /** Subscription {@code id}'s notifications numbered {@code from} to {@code to} (inclusive) still kept, at most {@code limit}. */
  public Future<List<Notification>> between(String id, long from, long to, int limit) {
    return read(SubscriptionSql.NOTIFICATIONS_BETWEEN, id, Tuple.of(id, from, to, limit));
  }

  /**
   * Subscription {@code id}'s notifications after {@code eventNumber} and, those of a change, after
   * {@code versionId}, in order, at most {@code limit}.
   */
  private Future<List<Notification>> after(String id, long eventNumber, long versionId, int limit) {
    return read(SubscriptionSql.NOTIFICATIONS, id, Tuple.of(id, eventNumber, versionId, limit));
  }

  private Future<List<Notification>> read(String sql, String id, Tuple args) {
    return pool.preparedQuery(sql).execute(args).map(rows -> {
      List<Notification> found = new ArrayList<>(rows.size());
      rows.forEach(row -> found.add(notification(id, row)));
      return found;
    });
  }

  private static Notification notification(String id, Row row) {
    Notification.Kind kind = Notification.Kind.of(row.getString("kind"));
    Change change = kind != Notification.Kind.EVENT ? null : new Change(row.getLong("version_id"),
        row.getString("type"), row.getString("id"), row.getString("interaction"), row.getOffsetDateTime("changed_at"),
        row.getJsonObject("content"), null);
    return new Notification(id, row.getLong("event_number"), kind, change);
  }

  /**
   * An active subscription's notifications after versionId {@code from} (null: just the latest one), oldest first,
   * at most {@code count}. Refused NOT_FOUND when there is no such subscription, FORBIDDEN when it is not active,
   * GONE when notifications after {@code from} have been pruned.
   */
  public Future<Page> poll(String id, Long from, int count) {
    if (from == null) {
      return pool.preparedQuery(SubscriptionSql.POLL_POSITION).execute(Tuple.of(id, 0L)).compose(rows -> {
        Row row = rows.size() == 0 ? null : rows.iterator().next();
        Refusal refused = refusal(id, row);
        return refused != null ? Future.failedFuture(refused)
            : after(id, Math.max(0, row.getLong("last_event") - 1), 1).map(latest -> new Page(latest, false));
      });
    }
    return pool.preparedQuery(SubscriptionSql.POLL).execute(Tuple.of(id, from, count + 1)).compose(rows -> {
      Row first = rows.size() == 0 ? null : rows.iterator().next();
      Refusal refused = refusal(id, first);
      if (refused != null) {
        return Future.failedFuture(refused);
      }
      long prunedTo = first.getLong("pruned_version");
      if (from < prunedTo) {
        return Future.failedFuture(new Refusal(Failures.GONE, "The notifications of Subscription/" + id
            + " up to versionId " + prunedTo + " are no longer kept (store.retention.notificationSeconds);"
            + " poll from " + prunedTo + " or later, after searching to catch up"));
      }
      List<Notification> found = new ArrayList<>(rows.size());
      for (Row row : rows) {
        if (row.getLong("event_number") != null) {
          found.add(notification(id, row));
        }
      }
      return Future.succeededFuture(found.size() > count ? new Page(found.subList(0, count), true) : new Page(found, false));
    });
  }

  /** Why a poll of subscription {@code id}, whose position is {@code row} (null: none), is refused; null when it is not. */
  private static Refusal refusal(String id, Row row) {
    if (row == null || row.getBoolean("deleted")) {
      return new Refusal(Failures.NOT_FOUND, "Subscription/" + id + " does not exist");
    }
    String status = row.getString("status");
    if (!"active".equals(status)) {
      return new Refusal(Failures.FORBIDDEN,
          "Subscription/" + id + " is " + status + ", not active; set its status to active to poll it");
    }
    return null;
  }

  /**
   * The subscriptions with notifications to prune: up to the last one of a change at or before {@code versionId},
   * and, for the channel types in {@code acknowledging}, no further than acknowledged.
   */
  public Future<List<Prunable>> prunable(long versionId, Collection<String> acknowledging) {
    return pool.preparedQuery(SubscriptionSql.PRUNABLE)
        .execute(Tuple.tuple().addLong(versionId).addArrayOfString(acknowledging.toArray(new String[0]))).map(rows -> {
          List<Prunable> found = new ArrayList<>(rows.size());
          rows.forEach(row -> found.add(new Prunable(row.getString("id"), row.getLong("pruned"), row.getLong("through"))));
          return found;
        });
  }

  /** Prunes each range's notifications (of one subscription, after eventNumber {@code pruned} up to {@code through}). */
  public Future<Void> prune(List<Prunable> ranges) {
    String[] ids = new String[ranges.size()];
    Long[] after = new Long[ranges.size()];
    Long[] upTo = new Long[ranges.size()];
    for (int i = 0; i < ranges.size(); i++) {
      ids[i] = ranges.get(i).id();
      after[i] = ranges.get(i).pruned();
      upTo[i] = ranges.get(i).through();
    }
    return pool.preparedQuery(SubscriptionSql.PRUNE)
        .execute(Tuple.tuple().addArrayOfString(ids).addArrayOfLong(after).addArrayOfLong(upTo)).mapEmpty();
  }

  /** Where subscription {@code id} stands for its deliverer; null when it does not exist. */
  public Future<Position> deliveryPosition(String id) {
    return pool.preparedQuery(SubscriptionSql.DELIVERY_POSITION).execute(Tuple.of(id)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      JsonObject content = row.getBoolean("deleted") ? null : row.getJsonObject("content");
      return new Position(new Version(id, row.getLong("version_id"), content), row.getLong("acked_event"));
    });
  }

  /** Active subscriptions of these channel types with notifications not acknowledged: id → latest eventNumber. */
  public Future<Map<String, Long>> behind(Collection<String> channelTypes) {
    return pool.preparedQuery(SubscriptionSql.BEHIND).execute(Tuple.tuple().addArrayOfString(channelTypes.toArray(String[]::new)))
        .map(rows -> {
          Map<String, Long> behind = new HashMap<>();
          rows.forEach(row -> behind.put(row.getString("id"), row.getLong("last_event")));
          return behind;
        });
  }

  /** Topic-based subscriptions to look at without notifications: waiting for a handshake, or with a heartbeat. */
  public Future<List<String>> watched() {
    return pool.preparedQuery(SubscriptionSql.WATCHED).execute(Tuple.of(Backport.HEARTBEAT_PERIOD)).map(rows -> {
      List<String> ids = new ArrayList<>(rows.size());
      rows.forEach(row -> ids.add(row.getString("id")));
      return ids;
    });
  }

  /**
   * Records what was acknowledged, each subscription's highest eventNumber.
   *
   * @param acks sorted by id: rows are locked in one order
   */
  public Future<Void> acknowledge(SortedMap<String, Long> acks) {
    return pool.preparedQuery(SubscriptionSql.ACKNOWLEDGE).execute(Tuple.tuple()
            .addArrayOfString(acks.keySet().toArray(String[]::new)).addArrayOfLong(acks.values().toArray(Long[]::new)))
        .mapEmpty();
  }
}
