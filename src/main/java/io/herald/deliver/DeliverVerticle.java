package io.herald.deliver;

import io.herald.Metrics;
import io.herald.bus.Addresses;
import io.herald.bus.Failures;
import io.herald.cluster.DeliveryShares;
import io.herald.cluster.Members;
import io.herald.database.Database;
import io.herald.deliver.poll.PollChannel;
import io.herald.deliver.resthook.WebhookSecrets;
import io.herald.subscription.Announcement;
import io.herald.subscription.Notification;
import io.herald.subscription.Notifications;
import io.herald.subscription.Statuses;
import io.herald.subscription.Subscription;
import io.herald.subscription.Subscriptions;
import io.herald.subscription.SubscriptionsConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Delivery: one {@link SubscriptionWorker} per subscription of a pushing channel, fed by the matcher's
 * announcements, and a scan every second for subscriptions left behind (after a restart, a lost wake-up, a resume).
 * Acknowledgements are recorded in {@code delivery_state}, flushed every few milliseconds and on stop: after a crash
 * only the notifications delivered since the last flush are sent again (at-least-once). Workers run where
 * {@link DeliveryShares} says (each node its share of the subscriptions, moved as members come and go, fenced by
 * PostgreSQL locks); the poll channel's reads are answered on every node.
 */
public final class DeliverVerticle extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(DeliverVerticle.class.getName());
  private static final long SCAN_MS = 1000;
  private static final long ACK_FLUSH_MS = 20;
  private static final long WATCH_MS = 5000;

  private final String pgUri;
  private final Subscriptions subscriptions;
  private final RetryPolicy policy;
  private final Endpoints endpoints;
  private final SubscriptionsConfig topics;
  private final Members members;
  private final Metrics metrics;
  private final Map<String, SubscriptionWorker> workers = new HashMap<>();
  private final TreeMap<String, Long> pendingAcks = new TreeMap<>();   // in id order: rows are locked in one order
  private Pool pool;
  private Notifications notifications;
  private Map<String, Channel> channels;
  private DeliveryShares shares;
  private boolean stopping;
  private boolean flushing;

  public DeliverVerticle(String pgUri, Subscriptions subscriptions, RetryPolicy policy, Endpoints endpoints,
                         SubscriptionsConfig topics, Members members, Metrics metrics) {
    this.endpoints = endpoints;
    this.pgUri = pgUri;
    this.members = members;
    this.metrics = metrics;
    this.subscriptions = subscriptions;
    this.policy = policy;
    this.topics = topics;
  }

  @Override
  public Future<?> start() {
    PgConnectOptions options = Database.connectOptions(pgUri);
    pool = Database.pool(vertx, options, 4);
    notifications = new Notifications(pool);
    WebhookSecrets secrets = new WebhookSecrets(vertx, pool);
    channels = Channels.pushing(vertx, policy, new TopicNotifications(topics.baseUrl()), endpoints, secrets);
    PollChannel poll = new PollChannel(notifications);
    MessageConsumer<JsonObject> polls = vertx.eventBus().localConsumer(Addresses.DELIVER_POLL, poll::answer);
    Statuses statuses = new Statuses(pool, subscriptions);
    MessageConsumer<JsonObject> status = vertx.eventBus().localConsumer(Addresses.SUBSCRIPTION_STATUS, m -> {
      JsonObject body = m.body();
      statuses.of(strings(body.getJsonArray("ids")), strings(body.getJsonArray("statuses")), body.getInteger("limit"))
          .onSuccess(found -> m.reply(Statuses.toJson(found)))
          .onFailure(e -> m.fail(Failures.UNAVAILABLE, "Cannot read subscriptions' status: " + e.getMessage()));
    });
    MessageConsumer<JsonObject> events = vertx.eventBus().localConsumer(Addresses.SUBSCRIPTION_EVENTS,
        m -> PollChannel.events(statuses, notifications, m));
    vertx.setPeriodic(SCAN_MS, id -> tick());
    vertx.setPeriodic(WATCH_MS, id -> watch());
    MessageConsumer<JsonObject> notified = vertx.eventBus().consumer(Addresses.SUBSCRIPTION_NOTIFIED,
        m -> announced(m.body()));
    vertx.setPeriodic(SCAN_MS, id -> scan());
    vertx.setPeriodic(ACK_FLUSH_MS, id -> flushAcks());
    shares = new DeliveryShares(vertx, options, members, handover);
    MessageConsumer<JsonObject> held = vertx.eventBus().localConsumer(Addresses.DELIVER_SHARES,
        m -> m.reply(new JsonObject().put("buckets", new JsonArray(shares.buckets()))));
    return Future.join(List.of(polls.completion(), status.completion(), events.completion(), notified.completion(),
        held.completion(), shares.start(), secrets.start()));
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    return flushAcks().eventually(shares::stop).eventually(() -> pool.close());
  }

  private static List<String> strings(JsonArray values) {
    return values == null ? null : values.stream().map(String::valueOf).toList();
  }

  /** Active subscriptions of a pushing channel with notifications not yet acknowledged: a worker looks. */
  private void scan() {
    if (!shares.any() || stopping) {
      return;
    }
    notifications.behind(channels.keySet())
        .onSuccess(behind -> behind.forEach((id, latest) -> {
          if (shares.owns(id)) {
            workers.computeIfAbsent(id, this::worker).rescan(latest);
          }
        }))
        .onFailure(e -> LOG.log(Level.FINE, "Delivery scan failed", e));
  }

  /** Topic-based subscriptions waiting for a handshake or with a heartbeat: each has a worker, which looks. */
  private void watch() {
    if (!shares.any() || stopping) {
      return;
    }
    notifications.watched()
        .onSuccess(ids -> ids.forEach(id -> {
          if (shares.owns(id)) {
            workers.computeIfAbsent(id, this::worker).watch();
          }
        }))
        .onFailure(e -> LOG.log(Level.FINE, "Delivery watch failed", e));
  }

  /** Heartbeats: each worker sends its own when due. */
  private void tick() {
    long now = System.currentTimeMillis();
    workers.values().forEach(worker -> worker.tick(now));
  }

  /** The matcher's announcement: workers deliver straight from it when caught up, else read the database. */
  private void announced(JsonObject batch) {
    if (!shares.any() || stopping) {
      return;
    }
    Announcement announcement = Announcement.fromJson(batch);
    for (Announcement.SubscriptionChange changed : announcement.changedSubscriptions()) {
      SubscriptionWorker worker = workers.get(changed.id());
      if (worker == null && watched(changed) && shares.owns(changed.id())) {
        worker = workers.computeIfAbsent(changed.id(), this::worker);
      }
      if (worker != null) {
        worker.changed(changed.versionId(), changed.resource());
      }
    }
    for (Notification n : announcement.notifications()) {
      if (shares.owns(n.subscription())) {
        workers.computeIfAbsent(n.subscription(), this::worker).offer(n);
      }
    }
  }

  /** Whether a subscription's new version wants a worker without notifications: a handshake, or heartbeats. */
  private boolean watched(Announcement.SubscriptionChange changed) {
    Subscription s = changed.resource() == null ? null
        : subscriptions.at(changed.id(), changed.versionId(), changed.resource());
    return s != null && (s.awaitsHandshake() || s.topic() != null && s.topic().heartbeatSeconds() > 0);
  }

  private Future<Void> flushAcks() {
    if (pendingAcks.isEmpty() || flushing) {
      return Future.succeededFuture();
    }
    TreeMap<String, Long> acks = new TreeMap<>(pendingAcks);
    pendingAcks.clear();
    flushing = true;
    return notifications.acknowledge(acks).onComplete(done -> {
      flushing = false;
      if (done.failed()) {
        acks.forEach((id, n) -> pendingAcks.merge(id, n, Math::max));
      }
    });
  }

  private SubscriptionWorker worker(String id) {
    return new SubscriptionWorker(id, vertx, notifications, subscriptions, channels, policy, host, metrics);
  }

  /** What moving buckets between nodes asks of this deliverer. */
  private final DeliveryShares.Handover handover = new DeliveryShares.Handover() {
    @Override
    public void taken(java.util.Set<Integer> buckets) {
      scan();
      watch();
    }

    @Override
    public boolean quiet(int bucket) {
      if (flushing) {
        return false;
      }
      for (SubscriptionWorker worker : workers.values()) {
        if (DeliveryShares.bucket(worker.id()) == bucket && (worker.busy() || pendingAcks.containsKey(worker.id()))) {
          return false;
        }
      }
      return true;
    }

    @Override
    public void released(int bucket) {
      workers.values().removeIf(worker -> DeliveryShares.bucket(worker.id()) == bucket);
    }
  };

  /** The deliverer as its workers see it. */
  private final SubscriptionWorker.Deliverer host = new SubscriptionWorker.Deliverer() {
    @Override
    public boolean current(SubscriptionWorker worker) {
      return !stopping && shares.owns(worker.id()) && workers.get(worker.id()) == worker;
    }

    @Override
    public void forget(SubscriptionWorker worker) {
      workers.remove(worker.id(), worker);
    }

    @Override
    public void acknowledged(String subscription, long eventNumber) {
      pendingAcks.merge(subscription, eventNumber, Math::max);
    }

    @Override
    public long unflushed(String subscription) {
      return pendingAcks.getOrDefault(subscription, 0L);
    }
  };
}
