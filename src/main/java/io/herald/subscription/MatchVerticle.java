package io.herald.subscription;

import io.herald.bus.Addresses;
import io.herald.criteria.CriteriaParser;
import io.herald.criteria.Registry;
import io.herald.criteria.SubscriptionIndex;
import io.herald.store.Change;
import io.herald.store.ChangeFeed;
import io.herald.store.FeedFollower;
import io.herald.store.Leadership;
import io.herald.store.PlainJson;
import io.herald.store.StoreVerticle;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The matcher: follows the change feed from a durable cursor and turns every change that matches
 * an active subscription into a notification numbered with that subscription's next eventNumber.
 * Notifications, the subscriptions' counters and the cursor commit in one transaction per batch,
 * so each committed change is matched exactly once, across restarts and crashes.
 *
 * <p>Subscriptions are themselves changes in the feed, so the index of active subscriptions is
 * kept in feed order: a subscription hears of the changes after its own activation, never one
 * before, never missing the first. On start the index is rebuilt as of the cursor. One node of a
 * cluster matches at a time: the one holding a PostgreSQL advisory lock.
 */
public final class MatchVerticle extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(MatchVerticle.class.getName());
  private static final long LEADER_LOCK = 4864557402L;
  private static final int BATCH = 500;
  private static final long END_CHECK_MS = 1000;

  private final String pgUri;
  private final CriteriaParser parser;
  private Pool pool;
  private Leadership leadership;
  private FeedFollower follower;
  private long cursor;
  private SubscriptionIndex<String> index = new SubscriptionIndex<>();
  private final Map<String, SubscriptionSpec> specs = new HashMap<>();
  private final Map<String, Long> lastEvent = new HashMap<>();
  private final Map<String, JsonObject> ending = new HashMap<>();   // active or in error, with an end: id → content
  private final Set<String> turningOff = new HashSet<>();

  public MatchVerticle(String pgUri, Registry registry) {
    this.pgUri = pgUri;
    this.parser = new CriteriaParser(registry);
  }

  @Override
  public Future<?> start() {
    PgConnectOptions options = StoreVerticle.connectOptions(pgUri);
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(2)).connectingTo(options).using(vertx).build();
    leadership = new Leadership(vertx, options, LEADER_LOCK, "Matcher",
        () -> load().compose(v -> {
          follower = new FeedFollower(vertx, new ChangeFeed(pool), cursor, BATCH, this::match);
          return follower.start(options);
        }),
        () -> {
          if (follower != null) {
            follower.stop();
            follower = null;
          }
        });
    vertx.setPeriodic(END_CHECK_MS, id -> turnOffEnded());
    return leadership.start();
  }

  @Override
  public Future<?> stop() {
    Future<Void> following = follower == null ? Future.succeededFuture() : follower.stop();
    return following.eventually(leadership::stop).eventually(() -> pool.close());
  }

  /** The cursor, the counters, and the subscriptions as they were at the cursor. */
  private Future<Void> load() {
    return pool.query("SELECT version_id FROM match_cursor WHERE id = 1").execute()
        .compose(rows -> {
          cursor = rows.iterator().next().getLong(0);
          return pool.query("SELECT id, last_event FROM subscription_state").execute();
        })
        .compose(rows -> {
          lastEvent.clear();
          rows.forEach(row -> lastEvent.put(row.getString("id"), row.getLong("last_event")));
          return pool.preparedQuery("SELECT DISTINCT ON (h.id) h.id, h.content FROM resource_history h"
              + " WHERE h.type = 'Subscription' AND h.version_id <= $1 ORDER BY h.id, h.version_id DESC")
              .execute(Tuple.of(cursor));
        })
        .map(rows -> {
          index = new SubscriptionIndex<>();
          specs.clear();
          ending.clear();
          for (Row row : rows) {
            apply(row.getString("id"), row.getJsonObject("content"));
          }
          LOG.info(() -> "Matcher following the change feed from " + cursor + " with " + index.size() + " active subscriptions");
          return null;
        });
  }

  /** Takes a subscription's new version (null: deleted) into the index. */
  private void apply(String id, JsonObject content) {
    ending.remove(id);
    if (content == null) {
      specs.remove(id);
      index.remove(id);
      return;
    }
    try {
      SubscriptionSpec spec = SubscriptionSpec.parse(PlainJson.of(content), parser);
      specs.put(id, spec);
      if (spec.matched() && spec.endMillis() != Long.MAX_VALUE) {
        ending.put(id, content);
      }
      if (spec.matched()) {
        index.add(id, spec.criteria());
      } else {
        index.remove(id);
      }
    } catch (SubscriptionException e) {
      LOG.warning("Subscription/" + id + " cannot be run and is ignored: " + e.getMessage());
      specs.remove(id);
      index.remove(id);
    }
  }

  /**
   * Sets the subscriptions whose end has passed to {@code off} (matching already ignores changes
   * after the end; this makes the resource say so). Conditional on the version, so a client's
   * concurrent change wins and is looked at again.
   */
  private void turnOffEnded() {
    if (follower == null) {
      return;   // not the matcher
    }
    long now = System.currentTimeMillis();
    ending.forEach((id, content) -> {
      if (!specs.get(id).endedAt(now) || !turningOff.add(id)) {
        return;
      }
      JsonObject off = content.copy().put("status", "off");
      long version = Long.parseLong(content.getJsonObject("meta").getString("versionId"));
      vertx.eventBus().request(Addresses.STORE_UPDATE, new JsonObject().put("type", "Subscription").put("id", id)
              .put("resource", off).put("ifMatch", version))
          .onComplete(done -> {
            turningOff.remove(id);
            if (done.failed()) {
              LOG.fine(() -> "Subscription/" + id + " not turned off at its end yet: " + done.cause().getMessage());
            }
          });
    });
  }

  private Future<Void> match(List<Change> changes) {
    List<String> subscriptions = new ArrayList<>();
    List<Long> events = new ArrayList<>();
    List<Long> versions = new ArrayList<>();
    List<String> types = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    List<String> interactions = new ArrayList<>();
    Map<String, Long> touched = new TreeMap<>();   // in id order: rows are locked in one order
    List<Notification> announced = new ArrayList<>();
    List<Announcement.SubscriptionChange> changedSubscriptions = new ArrayList<>();
    for (Change change : changes) {
      long at = change.changedAt().toInstant().toEpochMilli();
      for (String subscription : index.match(PlainJson.of(change.resource()))) {
        if (!specs.get(subscription).hears(at)) {
          continue;
        }
        long event = lastEvent.merge(subscription, 1L, Long::sum);
        touched.put(subscription, event);
        subscriptions.add(subscription);
        events.add(event);
        versions.add(change.versionId());
        types.add(change.type());
        ids.add(change.id());
        interactions.add(change.interaction());
        announced.add(new Notification(subscription, event, change.versionId(), change.type(), change.id(),
            change.interaction(), change.resource()));
      }
      if (change.type().equals("Subscription")) {   // after matching: it hears only what comes later
        JsonObject content = change.interaction().equals("delete") ? null : change.resource();
        apply(change.id(), content);
        changedSubscriptions.add(new Announcement.SubscriptionChange(change.id(), change.versionId(), content));
      }
    }
    long from = cursor;
    long to = changes.get(changes.size() - 1).versionId();
    return pool.withTransaction(c -> c.preparedQuery("UPDATE match_cursor SET version_id = $1 WHERE id = 1 AND version_id = $2")
            .execute(Tuple.of(to, from))
            .compose(updated -> updated.rowCount() == 1 ? Future.succeededFuture()
                : Future.failedFuture(new IllegalStateException("the match cursor moved under this node")))
            .compose(v -> subscriptions.isEmpty() ? Future.succeededFuture() : c.preparedQuery(
                "INSERT INTO notification (subscription_id, event_number, version_id, type, id, interaction)"
                    + " SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[])")
                .execute(Tuple.tuple().addArrayOfString(subscriptions.toArray(String[]::new))
                    .addArrayOfLong(events.toArray(Long[]::new)).addArrayOfLong(versions.toArray(Long[]::new))
                    .addArrayOfString(types.toArray(String[]::new)).addArrayOfString(ids.toArray(String[]::new))
                    .addArrayOfString(interactions.toArray(String[]::new)))
                .compose(done -> c.preparedQuery("INSERT INTO subscription_state (id, last_event)"
                        + " SELECT * FROM unnest($1::text[], $2::bigint[])"
                        + " ON CONFLICT (id) DO UPDATE SET last_event = EXCLUDED.last_event")
                    .execute(Tuple.tuple().addArrayOfString(touched.keySet().toArray(String[]::new))
                        .addArrayOfLong(touched.values().toArray(Long[]::new))))))
        .map(committed -> {
          cursor = to;
          Announcement announcement = new Announcement(announced, changedSubscriptions);
          if (!announcement.isEmpty()) {
            vertx.eventBus().publish(Addresses.SUBSCRIPTION_NOTIFIED, announcement.toJson());
          }
          return (Void) null;
        })
        .recover(failure -> {
          // Counters and index moved ahead of the database: take them back from it, then retry.
          LOG.log(Level.WARNING, "Matching changes " + (from + 1) + ".." + to + " failed; reloading", failure);
          return load().transform(reloaded -> Future.failedFuture(failure));
        });
  }
}
