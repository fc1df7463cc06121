package io.herald.deliver;

import io.herald.bus.Addresses;
import io.herald.criteria.CriteriaParser;
import io.herald.criteria.Registry;
import io.herald.store.Leadership;
import io.herald.store.PlainJson;
import io.herald.store.StoreVerticle;
import io.herald.subscription.SubscriptionException;
import io.herald.subscription.SubscriptionSpec;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Delivers rest-hook notifications: per subscription strictly in eventNumber order, one request
 * in flight, retried with backoff and jitter; a subscription whose endpoint never recovers is set
 * to {@code error} (its notifications keep accumulating) and resumes from its first
 * unacknowledged notification when set back to {@code active}. Acknowledgements are recorded in
 * {@code delivery_state.acked_event}, flushed every few milliseconds and on stop: after a
 * crash only the notifications delivered since the last flush are sent again (at-least-once).
 * One node delivers at a time: the one holding a PostgreSQL advisory lock.
 */
public final class DeliverVerticle extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(DeliverVerticle.class.getName());
  private static final long LEADER_LOCK = 4864557403L;
  private static final int FETCH = 100;
  private static final long SCAN_MS = 1000;
  private static final long ACK_FLUSH_MS = 20;

  private final String pgUri;
  private final CriteriaParser parser;
  private final RetryPolicy policy;
  private final Map<String, Worker> workers = new HashMap<>();
  private final Map<String, Long> pendingAcks = new TreeMap<>();   // in id order: rows are locked in one order
  private Pool pool;
  private RestHook restHook;
  private Leadership leadership;
  private MessageConsumer<JsonObject> notified;
  private boolean leading;
  private boolean stopping;
  private boolean flushing;

  public DeliverVerticle(String pgUri, Registry registry, RetryPolicy policy) {
    this.pgUri = pgUri;
    this.parser = new CriteriaParser(registry);
    this.policy = policy;
  }

  @Override
  public Future<?> start() {
    PgConnectOptions options = StoreVerticle.connectOptions(pgUri);
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(4)).connectingTo(options).using(vertx).build();
    restHook = new RestHook(WebClient.create(vertx, new WebClientOptions().setKeepAlive(true).setUserAgent("Herald"),
        new io.vertx.core.http.PoolOptions().setHttp1MaxSize(200)), policy.timeoutMillis());
    notified = vertx.eventBus().<JsonObject>consumer(Addresses.SUBSCRIPTION_NOTIFIED, m -> announced(m.body()));
    vertx.setPeriodic(SCAN_MS, id -> scan());
    vertx.setPeriodic(ACK_FLUSH_MS, id -> flushAcks());
    leadership = new Leadership(vertx, options, LEADER_LOCK, "Deliverer", () -> {
      leading = true;
      workers.clear();
      scan();
      return Future.succeededFuture();
    }, () -> leading = false);
    return Future.join(notified.completion(), leadership.start());
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    return flushAcks().eventually(leadership::stop).eventually(() -> pool.close());
  }

  /**
   * Active rest-hook subscriptions with notifications not yet acknowledged (after a restart, a lost
   * wake-up, a resume). Poll subscriptions, and those off, in error or deleted, are not looked at.
   */
  private void scan() {
    if (!leading || stopping) {
      return;
    }
    pool.query("SELECT s.id FROM subscription_state s"
            + " JOIN resource r ON r.type = 'Subscription' AND r.id = s.id AND NOT r.deleted"
            + " AND r.content->>'status' = 'active' AND r.content->'channel'->>'type' = 'rest-hook'"
            + " LEFT JOIN delivery_state d ON d.id = s.id WHERE s.last_event > coalesce(d.acked_event, 0)").execute()
        .onSuccess(rows -> rows.forEach(row -> workers.computeIfAbsent(row.getString("id"), Worker::new).rescan()))
        .onFailure(e -> LOG.log(Level.FINE, "Delivery scan failed", e));
  }

  /** The matcher's announcement: deliver straight from it when a worker is caught up, else read the database. */
  private void announced(JsonObject batch) {
    if (!leading || stopping) {
      return;
    }
    batch.getJsonArray("changedSubscriptions").forEach(o -> {
      JsonArray changed = (JsonArray) o;
      Worker worker = workers.get(changed.getString(0));
      if (worker != null) {
        worker.changed(changed.getLong(1), changed.getJsonObject(2));
      }
    });
    for (Object o : batch.getJsonArray("notifications")) {
      JsonArray n = (JsonArray) o;
      workers.computeIfAbsent(n.getString(0), Worker::new).offer(new Notification(n.getLong(1), n.getLong(2),
          n.getString(3), n.getString(4), n.getString(5), null));
    }
  }

  private Future<Void> flushAcks() {
    if (pendingAcks.isEmpty() || flushing) {
      return Future.succeededFuture();
    }
    Map<String, Long> acks = new TreeMap<>(pendingAcks);
    pendingAcks.clear();
    flushing = true;
    return pool.preparedQuery("INSERT INTO delivery_state AS d (id, acked_event) SELECT * FROM unnest($1::text[], $2::bigint[])"
            + " ON CONFLICT (id) DO UPDATE SET acked_event = greatest(d.acked_event, EXCLUDED.acked_event)")
        .execute(Tuple.tuple().addArrayOfString(acks.keySet().toArray(String[]::new))
            .addArrayOfLong(acks.values().toArray(Long[]::new)))
        .<Void>mapEmpty()
        .onComplete(done -> {
          flushing = false;
          if (done.failed()) {
            acks.forEach((id, n) -> pendingAcks.merge(id, n, Math::max));
          }
        });
  }

  /**
   * One subscription's deliveries, one request at a time. Notifications come from the matcher's
   * announcements while the worker is caught up (no database read), otherwise from the database
   * after the last delivered one; the subscription itself is read again whenever it changes.
   */
  private final class Worker {
    private final String id;
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

    Worker(String id) {
      this.id = id;
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
        workers.remove(id);
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
        spec = null;   // not to be delivered to now; the next change of it says when
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
      if (busy || retryTimer != -1 || !leading || workers.get(id) != this) {
        return;   // a worker left from before a lost lock never delivers beside its successor
      }
      busy = true;
      next();
    }

    private void next() {
      if (stopping) {
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
      fetching = true;
      fetch().onComplete(fetched -> {
        fetching = false;
        if (fetched.failed() || queue.isEmpty()) {
          busy = false;
          if (again && fetched.succeeded()) {
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
            long from = Math.max(row.getLong("acked_event"), delivered);
            queuedUpTo = from;
            return pool.preparedQuery("SELECT n.event_number, n.version_id, n.type, n.id, n.interaction, c.content"
                    + " FROM notification n JOIN change c ON c.version_id = n.version_id"
                    + " WHERE n.subscription_id = $1 AND n.event_number > $2 ORDER BY n.event_number LIMIT " + FETCH)
                .execute(Tuple.of(id, from)).map(found -> {
                  found.forEach(n -> queue.add(new Notification(n.getLong("event_number"), n.getLong("version_id"),
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
      if (n.resource() == null && spec.payload() != null && !n.interaction().equals("delete")) {
        // announced without the resource: read what the change wrote
        pool.preparedQuery("SELECT content FROM change WHERE version_id = $1").execute(Tuple.of(n.versionId()))
            .onComplete(read -> {
              if (read.succeeded()) {
                queue.poll();
                queue.addFirst(new Notification(n.eventNumber(), n.versionId(), n.type(), n.id(), n.interaction(),
                    read.result().iterator().next().getJsonObject("content")));
                send(queue.peek());
              } else {
                retryLater(100);
              }
            });
        return;
      }
      restHook.send(id, spec, n).onComplete(result -> {
        if (result.succeeded()) {
          queue.poll();
          delivered = n.eventNumber();
          pendingAcks.merge(id, delivered, Math::max);
          failures = 0;
          next();
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
      vertx.eventBus().request(Addresses.STORE_UPDATE, command)
          .onFailure(e -> LOG.warning("Subscription/" + id + " could not be set to error (changed meanwhile?): " + e.getMessage()));
    }
  }
}
