package io.herald.subscription;

import io.herald.bus.Addresses;
import io.herald.cluster.Ownership;
import io.herald.criteria.SubscriptionIndex;
import io.herald.database.Database;
import io.herald.store.Change;
import io.herald.store.ChangeFeed;
import io.herald.store.FeedFollower;
import io.herald.store.PlainJson;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;

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
 * Notifications, the subscriptions' counters and the cursor commit in one transaction per batch
 * ({@link Notifications#commit}), so each committed change is matched exactly once, across restarts and crashes.
 *
 * <p>Subscriptions are themselves changes in the feed, so the index of active subscriptions is
 * kept in feed order: a subscription hears of the changes after its own activation, never one
 * before, never missing the first. On start the index is rebuilt as of the cursor. One node of a
 * cluster matches at a time ({@link Ownership.Role#MATCHING}).
 */
public final class MatchVerticle extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(MatchVerticle.class.getName());
  private static final int BATCH = 500;
  private static final long END_CHECK_MS = 1000;

  private final String pgUri;
  private final Subscriptions subscriptions;
  private Pool pool;
  private Notifications notifications;
  private Ownership ownership;
  private FeedFollower follower;
  private long cursor;
  private SubscriptionIndex<String> index = new SubscriptionIndex<>();
  private final Map<String, Subscription> matched = new HashMap<>();   // active or in error, by id
  private final Map<String, Long> lastEvent = new HashMap<>();
  private final Set<String> turningOff = new HashSet<>();

  public MatchVerticle(String pgUri, Subscriptions subscriptions) {
    this.pgUri = pgUri;
    this.subscriptions = subscriptions;
  }

  @Override
  public Future<?> start() {
    PgConnectOptions options = Database.connectOptions(pgUri);
    pool = Database.pool(vertx, options, 2);
    notifications = new Notifications(pool);
    ownership = new Ownership(vertx, options, Ownership.Role.MATCHING,
        () -> load().compose(v -> {
          // Criteria match the version written alone; a kind that compares it with the previous one asks the feed for both.
          follower = new FeedFollower(vertx, new ChangeFeed(pool, false), cursor, BATCH, this::match);
          return follower.start(options);
        }),
        () -> {
          if (follower != null) {
            follower.stop();
            follower = null;
          }
        });
    vertx.setPeriodic(END_CHECK_MS, id -> turnOffEnded());
    return ownership.start();
  }

  @Override
  public Future<?> stop() {
    Future<Void> following = follower == null ? Future.succeededFuture() : follower.stop();
    return following.eventually(ownership::stop).eventually(() -> pool.close());
  }

  /** The cursor, the counters, and the subscriptions as they were at the cursor. */
  private Future<Void> load() {
    return notifications.cursor()
        .compose(at -> {
          cursor = at;
          return notifications.counters();
        })
        .compose(counters -> {
          lastEvent.clear();
          lastEvent.putAll(counters);
          return notifications.subscriptionsAsOf(cursor);
        })
        .map(versions -> {
          index = new SubscriptionIndex<>();
          matched.clear();
          versions.forEach(v -> apply(v.id(), v.versionId(), v.content()));
          LOG.info(() -> "Matcher following the change feed from " + cursor + " with " + index.size() + " active subscriptions");
          return null;
        });
  }

  /** Takes a subscription's new version (content null: deleted) into the index. */
  private void apply(String id, long versionId, JsonObject content) {
    Subscription subscription = content == null ? null : subscriptions.at(id, versionId, content);
    if (content == null) {
      subscriptions.deleted(id);
    }
    if (subscription != null && subscription.matched() && subscription.kind() instanceof Subscription.CriteriaKind c) {
      matched.put(id, subscription);
      index.add(id, c.criteria());
    } else {
      matched.remove(id);
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
    matched.values().forEach(subscription -> {
      String id = subscription.id();
      if (!subscription.endedAt(now) || !turningOff.add(id)) {
        return;
      }
      vertx.eventBus().request(Addresses.STORE_UPDATE, new JsonObject().put("type", "Subscription").put("id", id)
              .put("resource", Lifecycle.ended(subscription)).put("ifMatch", subscription.versionId()))
          .onComplete(done -> {
            turningOff.remove(id);
            if (done.failed()) {
              LOG.fine(() -> "Subscription/" + id + " not turned off at its end yet: " + done.cause().getMessage());
            }
          });
    });
  }

  private Future<Void> match(List<Change> changes) {
    TreeMap<String, Long> touched = new TreeMap<>();   // in id order: rows are locked in one order
    List<Notification> numbered = new ArrayList<>();
    List<Announcement.SubscriptionChange> changedSubscriptions = new ArrayList<>();
    for (Change change : changes) {
      long at = change.changedAt().toInstant().toEpochMilli();
      for (String id : index.match(PlainJson.of(change.resource()))) {
        if (!matched.get(id).hears(at)) {
          continue;
        }
        long event = lastEvent.merge(id, 1L, Long::sum);
        touched.put(id, event);
        numbered.add(Notification.event(id, event, change));
      }
      if (change.type().equals("Subscription")) {   // after matching: it hears only what comes later
        JsonObject content = change.interaction().equals("delete") ? null : change.resource();
        apply(change.id(), change.versionId(), content);
        changedSubscriptions.add(new Announcement.SubscriptionChange(change.id(), change.versionId(), content));
      }
    }
    long from = cursor;
    long to = changes.get(changes.size() - 1).versionId();
    return notifications.commit(from, to, numbered, touched)
        .map(committed -> {
          cursor = to;
          Announcement announcement = new Announcement(numbered, changedSubscriptions);
          if (!announcement.isEmpty()) {
            vertx.eventBus().publish(Addresses.SUBSCRIPTION_NOTIFIED, announcement.toJson());
          }
          if (!touched.isEmpty()) {
            vertx.eventBus().publish(Addresses.SUBSCRIPTION_NUMBERED,
                new JsonObject().put("subscriptions", new JsonArray(new ArrayList<>(touched.keySet()))));
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
