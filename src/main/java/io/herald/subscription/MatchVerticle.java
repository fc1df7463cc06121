package io.herald.subscription;

import io.herald.Metrics;
import io.herald.bus.Addresses;
import io.herald.cluster.Ownership;
import io.herald.criteria.Criteria;
import io.herald.criteria.SubscriptionIndex;
import io.herald.database.Database;
import io.herald.store.Change;
import io.herald.store.ChangeFeed;
import io.herald.store.FeedFollower;
import io.herald.store.PlainJson;
import io.herald.topic.Filters;
import io.herald.topic.Topic;
import io.herald.topic.TopicException;
import io.herald.topic.TopicParser;
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
 *
 * <p>Topic-based subscriptions are filed in an index of their own, one entry per type their topic triggers on, under
 * their filters (ANDed with what their owner may read of each type, {@link Subscriptions#within}); a candidate is then
 * held to its topic's trigger (interaction, and the query criteria on the version
 * before and the version written). Topics are changes in the feed too: a topic's new version applies from the next
 * change on. While any topic-based subscription is matched, the feed is read with each change's previous version.
 */
public final class MatchVerticle extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(MatchVerticle.class.getName());
  private static final int BATCH = 500;
  private static final long END_CHECK_MS = 1000;

  /** One topic-based subscription's entry in the topic index: its filters on one type its topic triggers on. */
  private record TopicTarget(String subscription, String type) {
  }

  private final String pgUri;
  private final Subscriptions subscriptions;
  private final TopicParser topicParser;
  private final Filters filters;
  private final Metrics metrics;
  private Pool pool;
  private ChangeFeed feed;
  private Notifications notifications;
  private Ownership ownership;
  private FeedFollower follower;
  private long cursor;
  private SubscriptionIndex<String> index = new SubscriptionIndex<>();
  private SubscriptionIndex<TopicTarget> topicIndex = new SubscriptionIndex<>();
  private final Map<String, List<TopicTarget>> topicTargets = new HashMap<>();   // by subscription id
  private final Map<String, Topic> topics = new HashMap<>();          // by url
  private final Map<String, String> topicUrls = new HashMap<>();      // topic resource id → its url
  private boolean batchHasPrevious;                                   // the batch being matched was read with them
  private final Map<String, Subscription> matched = new HashMap<>();   // active, requested or in error, by id
  private final Map<String, Long> lastEvent = new HashMap<>();
  private final Set<String> turningOff = new HashSet<>();

  public MatchVerticle(String pgUri, Subscriptions subscriptions, TopicParser topicParser, Filters filters,
                       Metrics metrics) {
    this.pgUri = pgUri;
    this.metrics = metrics;
    this.subscriptions = subscriptions;
    this.topicParser = topicParser;
    this.filters = filters;
  }

  @Override
  public Future<?> start() {
    PgConnectOptions options = Database.connectOptions(pgUri);
    pool = Database.pool(vertx, options, 2);
    notifications = new Notifications(pool);
    // Criteria match the version written alone; topic triggers compare it with the previous one, read only for them.
    feed = new ChangeFeed(pool, () -> batchHasPrevious = topicIndex.size() > 0);
    ownership = new Ownership(vertx, options, Ownership.Role.MATCHING,
        () -> load().compose(v -> {
          follower = new FeedFollower(vertx, feed, cursor, BATCH, this::match);
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
          return notifications.asOf("SubscriptionTopic", cursor);
        })
        .compose(topicVersions -> {
          topics.clear();
          topicUrls.clear();
          topicVersions.forEach(v -> applyTopic(v.id(), v.content()));
          return notifications.asOf("Subscription", cursor);
        })
        .map(versions -> {
          index = new SubscriptionIndex<>();
          topicIndex = new SubscriptionIndex<>();
          topicTargets.clear();
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
    index.remove(id);
    List<TopicTarget> filed = topicTargets.remove(id);
    if (filed != null) {
      filed.forEach(topicIndex::remove);
    }
    matched.remove(id);
    if (subscription == null || !subscription.matched()) {
      return;
    }
    matched.put(id, subscription);
    if (subscription.kind() instanceof Subscription.CriteriaKind c) {
      index.add(id, c.criteria());
    } else if (subscription.kind() instanceof Subscription.TopicKind t) {
      fileOnTopic(subscription, t);
    }
  }

  /** Files a topic-based subscription under its filters, one entry per type its topic triggers on (none: no topic). */
  private void fileOnTopic(Subscription subscription, Subscription.TopicKind kind) {
    Topic topic = topics.get(kind.topic());
    if (topic == null) {
      LOG.warning(() -> "Subscription/" + subscription.id() + " hears nothing: there is no topic " + kind.topic());
      return;
    }
    Map<String, Criteria> criteria;
    try {
      criteria = filters.criteria(topic, kind.filters());
    } catch (TopicException e) {
      LOG.warning(() -> "Subscription/" + subscription.id() + " hears nothing: " + e.getMessage());
      return;
    }
    List<TopicTarget> filed = new ArrayList<>();
    for (String type : topic.types()) {
      Criteria within = subscriptions.within(subscription.resource(), criteria.getOrDefault(type, new Criteria(type, List.of())));
      if (within == null) {
        continue;   // its owner may not read the type (any more): it hears nothing of it
      }
      TopicTarget target = new TopicTarget(subscription.id(), type);
      topicIndex.add(target, within);
      filed.add(target);
    }
    topicTargets.put(subscription.id(), filed);
  }

  /** Takes a topic's new version (content null: deleted); the subscriptions on its url (old and new) are filed again. */
  private void applyTopic(String id, JsonObject content) {
    String before = topicUrls.remove(id);
    if (before != null) {
      topics.remove(before);
    }
    Topic topic = null;
    if (content != null) {
      try {
        topic = topicParser.parse(content);
      } catch (TopicException e) {
        LOG.warning("SubscriptionTopic/" + id + " cannot be run and is ignored: " + e.getMessage());
      }
    }
    if (topic != null) {
      topics.put(topic.url(), topic);
      topicUrls.put(id, topic.url());
    }
    String after = topic == null ? null : topic.url();
    for (Subscription s : new ArrayList<>(matched.values())) {
      if (s.topic() != null && (s.topic().topic().equals(before) || s.topic().topic().equals(after))) {
        apply(s.id(), s.versionId(), s.resource());
      }
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

  /** Matches a batch and commits it; on any failure the counters and indexes, moved ahead, are read back. */
  private Future<Void> match(List<Change> changes) {
    Future<Void> matched;
    try {
      matched = matchAndCommit(changes);
    } catch (RuntimeException e) {
      matched = Future.failedFuture(e);
    }
    return matched.recover(failure -> {
      // Counters and index moved ahead of the database: take them back from it, then retry.
      LOG.log(Level.WARNING, "Matching changes " + changes.get(0).versionId() + ".."
          + changes.get(changes.size() - 1).versionId() + " failed; reloading", failure);
      return load().transform(reloaded -> Future.failedFuture(failure));
    });
  }

  private Future<Void> matchAndCommit(List<Change> changes) {
    TreeMap<String, Long> touched = new TreeMap<>();   // in id order: rows are locked in one order
    List<Notification> numbered = new ArrayList<>();
    List<Announcement.SubscriptionChange> changedSubscriptions = new ArrayList<>();
    for (int i = 0; i < changes.size(); i++) {
      if (!batchHasPrevious && topicIndex.size() > 0) {
        // A topic-based subscription began within a batch read without previous versions: read them for the rest.
        int from = i;
        return feed.withPrevious(changes.subList(from, changes.size())).compose(rest -> {
          batchHasPrevious = true;
          rest.forEach(change -> matchOne(change, touched, numbered, changedSubscriptions));
          return commit(changes, touched, numbered, changedSubscriptions);
        });
      }
      matchOne(changes.get(i), touched, numbered, changedSubscriptions);
    }
    return commit(changes, touched, numbered, changedSubscriptions);
  }

  private void matchOne(Change change, TreeMap<String, Long> touched, List<Notification> numbered,
                        List<Announcement.SubscriptionChange> changedSubscriptions) {
    long at = change.changedAt().toInstant().toEpochMilli();
    Map<String, Object> resource = PlainJson.of(change.resource());
    for (String id : index.match(resource)) {
      if (matched.get(id).hears(at)) {
        number(id, change, touched, numbered);
      }
    }
    if (topicIndex.size() > 0) {
      Map<String, Object> before = change.previous() == null ? null : PlainJson.of(change.previous());
      for (TopicTarget target : topicIndex.match(resource)) {
        Subscription subscription = matched.get(target.subscription());
        Topic topic = topics.get(subscription.topic().topic());
        if (subscription.hears(at) && topic != null && topic.fires(change.type(), change.interaction(), before, resource)) {
          number(target.subscription(), change, touched, numbered);
        }
      }
    }
    if (change.type().equals("Subscription")) {   // after matching: it hears only what comes later
      JsonObject content = change.interaction().equals("delete") ? null : change.resource();
      apply(change.id(), change.versionId(), content);
      changedSubscriptions.add(new Announcement.SubscriptionChange(change.id(), change.versionId(), content));
    } else if (change.type().equals("SubscriptionTopic")) {
      applyTopic(change.id(), change.interaction().equals("delete") ? null : change.resource());
    }
  }

  private void number(String id, Change change, TreeMap<String, Long> touched, List<Notification> numbered) {
    long event = lastEvent.merge(id, 1L, Long::sum);
    touched.put(id, event);
    numbered.add(Notification.event(id, event, change));
  }

  private Future<Void> commit(List<Change> changes, TreeMap<String, Long> touched, List<Notification> numbered,
                              List<Announcement.SubscriptionChange> changedSubscriptions) {
    long from = cursor;
    long to = changes.get(changes.size() - 1).versionId();
    return notifications.commit(from, to, numbered, touched)
        .map(committed -> {
          cursor = to;
          metrics.matched(changes.size(), numbered.size());
          Announcement announcement = new Announcement(numbered, changedSubscriptions);
          if (!announcement.isEmpty()) {
            vertx.eventBus().publish(Addresses.SUBSCRIPTION_NOTIFIED, announcement.toJson());
          }
          if (!touched.isEmpty()) {
            vertx.eventBus().publish(Addresses.SUBSCRIPTION_NUMBERED,
                new JsonObject().put("subscriptions", new JsonArray(new ArrayList<>(touched.keySet()))));
          }
          return (Void) null;
        });
  }
}
