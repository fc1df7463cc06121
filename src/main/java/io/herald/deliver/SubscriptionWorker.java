package io.herald.deliver;

import io.herald.Metrics;
import io.herald.bus.Addresses;
import io.herald.subscription.Lifecycle;
import io.herald.subscription.Notification;
import io.herald.subscription.Notifications;
import io.herald.subscription.Subscription;
import io.herald.subscription.Subscriptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * One subscription's deliveries over its channel, one notification at a time, in eventNumber order, whatever the
 * channel. Notifications come from the matcher's announcements while the worker is caught up (no database read),
 * otherwise from the database after the last acknowledged one ({@link Backlog} decides which). A changed
 * subscription comes with its announcement; the worker reads it from the database when it does not know where it
 * stands. Before every send it checks that it is still its subscription's worker on the owning node, and a failed
 * attempt counts against the version it was made with only ({@link Attempts}).
 *
 * <p>A topic-based subscription gets up to its maxCount events in one push, a handshake while it is
 * {@code requested} (before anything else; a 2xx sets it {@code active}, {@value #HANDSHAKE_ATTEMPTS} failures set it
 * {@code error}), and a heartbeat when it has a heartbeat period and nothing was pushed for that long ({@link #tick}).
 */
final class SubscriptionWorker {

  /** What a worker needs of the deliverer it belongs to. */
  interface Deliverer {
    /** Whether the worker may go on: its node owns the subscription and is not stopping, and it is its worker. */
    boolean current(SubscriptionWorker worker);

    /** Drops the worker: its subscription was deleted. */
    void forget(SubscriptionWorker worker);

    /** Records that the receiver acknowledged up to {@code eventNumber}, to be flushed to the database. */
    void acknowledged(String subscription, long eventNumber);

    /** The highest acknowledgement recorded and not flushed yet, or 0. */
    long unflushed(String subscription);
  }

  private static final Logger LOG = Logger.getLogger(SubscriptionWorker.class.getName());
  private static final int FETCH = 100;
  private static final long FETCH_RETRY_MS = 200;
  /** Events per push for a topic-based subscription without a maxCount. */
  private static final int DEFAULT_MAX_COUNT = 100;
  static final int HANDSHAKE_ATTEMPTS = 8;

  private final String id;
  private final Vertx vertx;
  private final Notifications notifications;
  private final Subscriptions subscriptions;
  private final Map<String, Channel> channels;
  private final Deliverer deliverer;
  private final Metrics metrics;
  private final Backlog backlog = new Backlog();
  private final Attempts attempts;
  private Subscription subscription;       // null: not to be delivered to now, or to be read before delivering
  private Channel channel;
  private long version = -1;               // the subscription's version last seen
  private long pausedAtVersion = -1;       // gave up at this version of the subscription
  private boolean idle;                    // at the version last read it is not to be delivered to: wait for a change
  private boolean busy;
  private long retryTimer = -1;
  private long handshakenAtVersion = -1;   // the handshake of this version is done (or given up): wait for the next
  private long lastPushMillis = System.currentTimeMillis();

  SubscriptionWorker(String id, Vertx vertx, Notifications notifications, Subscriptions subscriptions,
                     Map<String, Channel> channels, RetryPolicy policy, Deliverer deliverer, Metrics metrics) {
    this.id = id;
    this.metrics = metrics;
    this.vertx = vertx;
    this.notifications = notifications;
    this.subscriptions = subscriptions;
    this.channels = channels;
    this.attempts = new Attempts(policy);
    this.deliverer = deliverer;
  }

  String id() {
    return id;
  }

  /** Whether a send (or a read before one) is under way. */
  boolean busy() {
    return busy;
  }

  /**
   * The subscription resource changed to {@code content} at {@code version} (null: deleted).
   * Taken as it is when the worker knows where it stands; otherwise read with the notifications.
   */
  void changed(long version, JsonObject content) {
    if (content == null) {   // deleted: nothing more is sent, and the worker goes
      subscription = null;
      backlog.unread();
      deliverer.forget(this);
      return;
    }
    if (!backlog.positioned()) {
      subscription = null;
      idle = false;
      backlog.stale();
      kick();
      return;
    }
    if (take(version, content)) {
      kick();
    }
  }

  /**
   * A scan found its latest notification, {@code latest}, not acknowledged in the database: unless the worker has it
   * already (delivered, waiting for the flush, or queued), it looks in the database (a wake-up was lost).
   */
  void rescan(long latest) {
    idle = false;   // the scan lists only subscriptions to be delivered to
    if (!backlog.has(latest)) {
      backlog.stale();
    }
    kick();
  }

  /**
   * A new notification: queued at once when it is the next one and the worker is caught up. For a subscription not
   * to be delivered to (off, in error, a channel that does not push) nothing is read until it changes.
   */
  void offer(Notification n) {
    if (backlog.offer(n, subscription != null && retryTimer == -1) != Backlog.Offer.DUPLICATE && !idle) {
      kick();
    }
  }

  private void kick() {
    if (busy || retryTimer != -1 || !deliverer.current(this)) {
      return;
    }
    busy = true;
    next();
  }

  /**
   * Takes version {@code version} of the subscription: whether it is to be delivered to now (active, over a channel
   * that pushes, and not the version delivery gave up on).
   */
  private boolean take(long version, JsonObject content) {
    attempts.at(version);
    this.version = version;
    subscription = null;
    if (version == pausedAtVersion) {
      idle = true;
      return false;   // gave up on this version; wait for the client to change it
    }
    Subscription taken = subscriptions.at(id, version, content);
    channel = taken == null ? null : channels.get(taken.channel().type());
    if (taken != null && channel != null && (taken.delivering() || taken.awaitsHandshake() && version != handshakenAtVersion)) {
      subscription = taken;
    }
    idle = subscription == null;
    return subscription != null;
  }

  /**
   * A topic-based subscription's heartbeat: once nothing was pushed for its period, while it is active and nothing
   * else is under way. A failed heartbeat is not retried (the next one comes a period later).
   */
  void tick(long nowMillis) {
    Subscription s = subscription;
    if (s == null || s.topic() == null || s.topic().heartbeatSeconds() == 0 || !s.delivering() || busy
        || retryTimer != -1 || nowMillis - lastPushMillis < s.topic().heartbeatSeconds() * 1000L
        || !deliverer.current(this)) {
      return;
    }
    busy = true;
    lastPushMillis = nowMillis;
    channel.send(s, new Channel.Push(Channel.Push.Type.HEARTBEAT, List.of(), backlog.told())).onComplete(done -> {
      busy = false;
      kick();
    });
  }

  /** A scan found it waiting for a handshake or a heartbeat: unless the worker knows where it stands, it looks. */
  void watch() {
    if (!backlog.positioned() && !busy && retryTimer == -1) {
      idle = false;
      backlog.stale();
      kick();
    }
  }

  private void next() {
    if (!deliverer.current(this)) {
      busy = false;
      return;
    }
    if (subscription != null && subscription.awaitsHandshake()) {
      handshake();   // before anything else is sent
      return;
    }
    if (subscription != null && backlog.next() != null) {
      send();   // what is queued goes first; the database is asked when it runs dry
      return;
    }
    if (subscription != null && !backlog.isStale()) {
      busy = false;
      return;
    }
    backlog.reading();
    read().onComplete(read -> {
      if (read.failed()) {
        backlog.unread();
        backlog.stale();
        retryLater(FETCH_RETRY_MS);
      } else if (subscription != null && subscription.awaitsHandshake()) {
        handshake();
      } else if (backlog.next() == null) {
        busy = false;
        if (backlog.isStale()) {
          kick();
        }
      } else {
        send();
      }
    });
  }

  /** The subscription as it is now, and its next notifications if it is to be delivered to. */
  private Future<Void> read() {
    return notifications.deliveryPosition(id).compose(position -> {
      if (position == null || position.subscription().content() == null) {
        backlog.unread();   // deleted (perhaps announced before this worker was made): nothing more to do
        deliverer.forget(this);
        return Future.succeededFuture();
      }
      if (!take(position.subscription().versionId(), position.subscription().content())) {
        backlog.unread();   // where it stands is read again when it is to be delivered to
        return Future.succeededFuture();
      }
      long from = backlog.readFrom(position.acknowledged(), deliverer.unflushed(id));
      return notifications.after(id, from, FETCH).map(found -> {
        backlog.read(found, found.size() == FETCH);
        return null;
      });
    });
  }

  /**
   * Sends the handshake of the version taken; a 2xx sets the subscription active, and {@value #HANDSHAKE_ATTEMPTS}
   * failures set it in error. Either way the worker waits for the version that says so.
   */
  private void handshake() {
    Subscription requested = subscription;
    long sentWith = version;
    channel.send(requested, new Channel.Push(Channel.Push.Type.HANDSHAKE, List.of(), backlog.told())).onComplete(result -> {
      if (version != sentWith || subscription == null || !deliverer.current(this)) {
        next();   // changed during the attempt (or no longer this node's): looked at afresh, or by its new owner
        return;
      }
      long delay = result.succeeded() ? -1 : attempts.failed(System.currentTimeMillis(), Math::random);
      if (result.failed() && delay >= 0 && attempts.failures() < HANDSHAKE_ATTEMPTS) {
        retryLater(delay);
        return;
      }
      lastPushMillis = System.currentTimeMillis();
      attempts.reset();
      handshakenAtVersion = sentWith;
      subscription = null;
      idle = true;
      busy = false;
      backlog.unread();   // read again once it is active
      String failure = result.succeeded() ? null : result.cause().getMessage();
      if (failure != null) {
        LOG.warning("Subscription/" + id + ": the handshake failed " + HANDSHAKE_ATTEMPTS + " times (" + failure
            + "); status set to error");
      }
      vertx.eventBus().request(Addresses.STORE_UPDATE, new JsonObject().put("type", "Subscription").put("id", id)
              .put("resource", Lifecycle.handshaken(requested, failure)).put("ifMatch", requested.versionId()))
          .onFailure(e -> {
            LOG.warning("Subscription/" + id + " could not be set " + (failure == null ? "active" : "error")
                + " after its handshake (changed meanwhile?): " + e.getMessage());
            if (handshakenAtVersion == sentWith) {
              handshakenAtVersion = -1;   // as stored, it still waits for its handshake: tried again
            }
            if (version == sentWith) {
              idle = false;
              backlog.stale();
              kick();
            }
          });
    });
  }

  private void send() {
    if (subscription == null || !deliverer.current(this)) {
      next();   // the subscription changed meanwhile (off, or being read again)
      return;
    }
    List<Notification> batch = backlog.next(subscription.topic() == null ? 1
        : subscription.topic().maxCount() > 0 ? subscription.topic().maxCount() : DEFAULT_MAX_COUNT);
    Notification n = batch.get(0);
    Notification last = batch.get(batch.size() - 1);
    long sentWith = version;
    Subscription sent = subscription;   // the subscription may change (or go: null) while the request is out
    channel.send(sent, Channel.Push.events(batch)).onComplete(result -> {
      if (result.succeeded()) {
        lastPushMillis = System.currentTimeMillis();
        OffsetDateTime committed = n.change() == null ? null : n.change().changedAt();
        metrics.delivered(sent.channel().type(), sent.topic() == null ? "criteria" : "topic", batch.size(),
            committed == null ? -1 : lastPushMillis - committed.toInstant().toEpochMilli());
        backlog.acknowledged(last);
        deliverer.acknowledged(id, last.eventNumber());
        attempts.succeeded();
        next();
        return;
      }
      if (subscription == null || version != sentWith) {
        next();   // the subscription changed during the attempt: its new version is tried afresh
        return;
      }
      long delay = attempts.failed(System.currentTimeMillis(), Math::random);
      metrics.failed(sent.channel().type(), delay >= 0);
      if (delay >= 0) {
        retryLater(delay);
      } else {
        busy = false;
        giveUp("Delivery of event " + n.eventNumber() + " failed " + attempts.failures() + " times: "
            + result.cause().getMessage());
      }
    });
  }

  private void retryLater(long delay) {
    busy = false;
    retryTimer = vertx.setTimer(delay, t -> {
      retryTimer = -1;
      kick();
    });
  }

  /** Sets the subscription to error with the reason; delivery resumes when a client changes it (active again). */
  private void giveUp(String reason) {
    LOG.warning("Subscription/" + id + ": " + reason + "; status set to error");
    Subscription failed = subscription;
    backlog.unread();   // resumes from the database
    subscription = null;
    attempts.reset();
    pausedAtVersion = version;
    JsonObject command = new JsonObject().put("type", "Subscription").put("id", id)
        .put("resource", Lifecycle.errored(failed, reason)).put("ifMatch", failed.versionId());
    long pausedAt = version;
    vertx.eventBus().request(Addresses.STORE_UPDATE, command).onFailure(e -> {
      LOG.warning("Subscription/" + id + " could not be set to error (changed meanwhile?): " + e.getMessage());
      pausedAtVersion = -1;   // still active as stored: tried again
      if (version == pausedAt) {
        idle = false;
        backlog.stale();
        kick();
      }
    });
  }
}
