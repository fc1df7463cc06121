package io.herald.deliver;

import io.herald.bus.Addresses;
import io.herald.criteria.CriteriaParser;
import io.herald.store.PlainJson;
import io.herald.subscription.SubscriptionException;
import io.herald.subscription.Notification;
import io.herald.subscription.SubscriptionSpec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayDeque;
import java.util.logging.Logger;

/**
 * One subscription's rest-hook deliveries, one request at a time, in eventNumber order.
 * Notifications come from the matcher's announcements while the worker is caught up (no database
 * read), otherwise from the database after the last acknowledged one. A changed subscription comes
 * with its announcement; the worker reads it from the database when it does not know where it
 * stands. Before every request it checks that it is still its subscription's worker on the
 * leading node, and a failed attempt counts against the version it was made with only.
 */
final class SubscriptionWorker {

  /** What a worker needs of the deliverer it belongs to. */
  interface Deliverer {
    /** Whether the worker may go on: its node leads and is not stopping, and it is its subscription's worker. */
    boolean current(SubscriptionWorker worker);

    /** Drops the worker: its subscription was deleted. */
    void forget(SubscriptionWorker worker);

    /** Records that the endpoint acknowledged up to {@code eventNumber}, to be flushed to the database. */
    void acknowledged(String subscription, long eventNumber);

    /** The highest acknowledgement recorded and not flushed yet, or 0. */
    long unflushed(String subscription);
  }

  private static final Logger LOG = Logger.getLogger(SubscriptionWorker.class.getName());
  private static final int FETCH = 100;
  private static final long FETCH_RETRY_MS = 200;

  private final String id;
  private final Vertx vertx;
  private final Pool pool;
  private final RestHook restHook;
  private final RetryPolicy policy;
  private final CriteriaParser parser;
  private final Deliverer deliverer;
  private final ArrayDeque<Notification> queue = new ArrayDeque<>();
  private SubscriptionSpec spec;           // null: read the subscription before delivering
  private JsonObject resource;
  private long resourceVersion;
  private long delivered = -1;             // the last eventNumber the endpoint acknowledged here
  private long queuedUpTo = -1;            // the highest eventNumber delivered or queued
  private long pausedAtVersion = -1;       // gave up at this version of the subscription
  private boolean busy;
  private boolean fetching;
  private boolean again;                   // the database may hold notifications after the queue
  private long retryTimer = -1;
  private int failures;
  private long failingSince;

  SubscriptionWorker(String id, Vertx vertx, Pool pool, RestHook restHook, RetryPolicy policy, CriteriaParser parser,
                     Deliverer deliverer) {
    this.id = id;
    this.vertx = vertx;
    this.pool = pool;
    this.restHook = restHook;
    this.policy = policy;
    this.parser = parser;
    this.deliverer = deliverer;
  }

  String id() {
    return id;
  }

  /**
   * The subscription resource changed to {@code content} at {@code version} (null: deleted).
   * Taken as it is when the worker knows where it stands; otherwise read with the notifications.
   */
  void changed(long version, JsonObject content) {
    if (content == null) {   // deleted: nothing more is sent, and the worker goes
      spec = null;
      queue.clear();
      queuedUpTo = -1;
      deliverer.forget(this);
      return;
    }
    if (fetching || queuedUpTo < 0) {
      spec = null;
      again = true;
      kick();
      return;
    }
    resource = content;
    if (hook(version)) {
      kick();
    } else {
      spec = null;       // not to be delivered to now; the next change of it says when
      resource = null;   // and the worker keeps only where it stands
    }
  }

  /** Look in the database (a scan found it behind). */
  void rescan() {
    again = true;
    kick();
  }

  /** A new notification: queued at once when it is the next one and the subscription is a live hook. */
  void offer(Notification n) {
    if (queuedUpTo >= 0 && n.eventNumber() <= queuedUpTo && !fetching) {
      return;   // already queued or delivered (read from the database before its announcement came)
    }
    if (spec != null && !fetching && !again && retryTimer == -1 && queuedUpTo >= 0 && n.eventNumber() == queuedUpTo + 1) {
      queue.add(n);
      queuedUpTo = n.eventNumber();
    } else {
      again = true;
    }
    kick();
  }

  private void kick() {
    if (busy || retryTimer != -1 || !current()) {
      return;
    }
    busy = true;
    next();
  }

  /**
   * Whether this worker may go on: a worker from before a lost lock, or of a deleted
   * subscription, never delivers beside its successor (checked before every request).
   */
  private boolean current() {
    return deliverer.current(this);
  }

  private void next() {
    if (!current()) {
      busy = false;
      return;
    }
    if (spec != null && !queue.isEmpty()) {
      send(queue.peek());   // what is queued goes first; the database is asked when it runs dry
      return;
    }
    if (spec != null && !again) {
      busy = false;
      return;
    }
    again = false;
    queue.clear();
    queuedUpTo = -1;   // where it stands is read again
    fetching = true;
    fetch().onComplete(fetched -> {
      fetching = false;
      if (fetched.failed()) {
        again = true;
        retryLater(FETCH_RETRY_MS);
      } else if (queue.isEmpty()) {
        busy = false;
        if (again) {
          kick();
        }
      } else {
        send(queue.peek());
      }
    });
  }

  /** The subscription as it is now, and its next notifications if it is to be delivered to. */
  private Future<Void> fetch() {
    return pool.preparedQuery("SELECT coalesce(d.acked_event, 0) AS acked_event, r.content, r.version_id, r.deleted"
            + " FROM subscription_state s LEFT JOIN delivery_state d ON d.id = s.id"
            + " LEFT JOIN resource r ON r.type = 'Subscription' AND r.id = s.id WHERE s.id = $1")
        .execute(Tuple.of(id)).compose(rows -> {
          Row row = rows.size() == 0 ? null : rows.iterator().next();
          resource = row == null ? null : row.getJsonObject("content");
          if (resource == null || row.getBoolean("deleted") || !hook(row.getLong("version_id"))) {
            spec = null;
            queuedUpTo = -1;   // the queue was dropped: where it stands is read again when it is a hook
            return Future.succeededFuture();
          }
          long from = Math.max(Math.max(row.getLong("acked_event"), delivered), deliverer.unflushed(id));
          queuedUpTo = from;
          return pool.preparedQuery("SELECT n.event_number, n.version_id, n.type, n.id, n.interaction, c.content"
                  + " FROM notification n JOIN change c ON c.version_id = n.version_id"
                  + " WHERE n.subscription_id = $1 AND n.event_number > $2 ORDER BY n.event_number LIMIT " + FETCH)
              .execute(Tuple.of(id, from)).map(found -> {
                found.forEach(n -> queue.add(new Notification(id, n.getLong("event_number"), n.getLong("version_id"),
                    n.getString("type"), n.getString("id"), n.getString("interaction"), n.getJsonObject("content"))));
                if (!queue.isEmpty()) {
                  queuedUpTo = queue.peekLast().eventNumber();
                }
                if (found.size() == FETCH) {
                  again = true;   // more wait in the database
                }
                return null;
              });
        });
  }

  /** Whether the subscription, at this version, is an active rest-hook. */
  private boolean hook(long version) {
    if (version != resourceVersion) {
      failures = 0;   // a new version is tried afresh
    }
    resourceVersion = version;
    if (version == pausedAtVersion) {
      return false;   // gave up on this version; wait for the client to change it
    }
    try {
      spec = SubscriptionSpec.parse(PlainJson.of(resource), parser);
    } catch (SubscriptionException e) {
      return false;
    }
    return spec.status().equals("active") && spec.channel() == SubscriptionSpec.Channel.REST_HOOK;
  }

  private void send(Notification n) {
    if (spec == null || !current()) {
      next();   // the subscription changed meanwhile (off, or being read again)
      return;
    }
    if (n.resource() == null && spec.payload() != null && !n.interaction().equals("delete")) {
      // carried without the resource (not so from the matcher's announcement): read what the change wrote
      pool.preparedQuery("SELECT content FROM change WHERE version_id = $1").execute(Tuple.of(n.versionId()))
          .onComplete(read -> {
            if (read.succeeded()) {
              queue.poll();
              queue.addFirst(n.withResource(read.result().iterator().next().getJsonObject("content")));
              send(queue.peek());
            } else {
              retryLater(100);
            }
          });
      return;
    }
    long version = resourceVersion;
    restHook.send(id, spec, n).onComplete(result -> {
      if (result.succeeded()) {
        queue.poll();
        delivered = n.eventNumber();
        deliverer.acknowledged(id, delivered);
        failures = 0;
        next();
        return;
      }
      if (spec == null || resourceVersion != version) {
        next();   // the subscription changed during the attempt: its new version is tried afresh
        return;
      }
      long now = System.currentTimeMillis();
      if (failures++ == 0) {
        failingSince = now;
      }
      long delay = policy.delay(failures, now - failingSince, Math::random);
      if (delay >= 0) {
        retryLater(delay);
      } else {
        busy = false;
        giveUp("Delivery of event " + n.eventNumber() + " failed " + failures + " times: " + result.cause().getMessage());
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

  /** Sets the subscription to error with the reason; delivery resumes when a client sets it active again. */
  private void giveUp(String reason) {
    LOG.warning("Subscription/" + id + ": " + reason + "; status set to error");
    queue.clear();
    queuedUpTo = -1;   // resumes from the database
    spec = null;
    failures = 0;
    pausedAtVersion = resourceVersion;
    JsonObject errored = resource.copy().put("status", "error").put("error", reason);
    JsonObject command = new JsonObject().put("type", "Subscription").put("id", id).put("resource", errored)
        .put("ifMatch", resourceVersion);
    vertx.eventBus().request(Addresses.STORE_UPDATE, command).onFailure(e -> {
      LOG.warning("Subscription/" + id + " could not be set to error (changed meanwhile?): " + e.getMessage());
      pausedAtVersion = -1;   // still active as stored: the next scan tries again
    });
  }
}
