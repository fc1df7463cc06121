package io.herald.deliver;

import io.herald.bus.Addresses;
import io.herald.criteria.CriteriaParser;
import io.herald.criteria.Registry;
import io.herald.store.Leadership;
import io.herald.store.StoreVerticle;
import io.herald.subscription.Announcement;
import io.herald.subscription.Notification;
import io.herald.subscription.SubscriptionSpec;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;

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
  private static final long SCAN_MS = 1000;
  private static final long ACK_FLUSH_MS = 20;

  private final String pgUri;
  private final CriteriaParser parser;
  private final RetryPolicy policy;
  private final Map<String, SubscriptionWorker> workers = new HashMap<>();
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
   * wake-up, a resume). Poll subscriptions (channel.type rest-hook with the channel-type extension),
   * and those off, in error or deleted, are not looked at.
   */
  private void scan() {
    if (!leading || stopping) {
      return;
    }
    pool.query("SELECT s.id FROM subscription_state s"
            + " JOIN resource r ON r.type = 'Subscription' AND r.id = s.id AND NOT r.deleted"
            + " AND r.content->>'status' = 'active' AND r.content->'channel'->>'type' = 'rest-hook'"
            + " AND NOT r.content @? '$.channel._type.extension[*] ? (@.url == \"" + SubscriptionSpec.CHANNEL_TYPE_EXTENSION
            + "\" && @.valueCoding.code == \"poll\")'"
            + " LEFT JOIN delivery_state d ON d.id = s.id WHERE s.last_event > coalesce(d.acked_event, 0)").execute()
        .onSuccess(rows -> rows.forEach(row -> workers.computeIfAbsent(row.getString("id"), this::worker).rescan()))
        .onFailure(e -> LOG.log(Level.FINE, "Delivery scan failed", e));
  }

  /** The matcher's announcement: deliver straight from it when a worker is caught up, else read the database. */
  private void announced(JsonObject batch) {
    if (!leading || stopping) {
      return;
    }
    Announcement announcement = Announcement.fromJson(batch);
    for (Announcement.SubscriptionChange changed : announcement.changedSubscriptions()) {
      SubscriptionWorker worker = workers.get(changed.id());
      if (worker != null) {
        worker.changed(changed.versionId(), changed.resource());
      }
    }
    for (Notification n : announcement.notifications()) {
      workers.computeIfAbsent(n.subscription(), this::worker).offer(n);
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

  private SubscriptionWorker worker(String id) {
    return new SubscriptionWorker(id, vertx, pool, restHook, policy, parser, host);
  }

  /** The deliverer as its workers see it. */
  private final SubscriptionWorker.Deliverer host = new SubscriptionWorker.Deliverer() {
    @Override
    public boolean current(SubscriptionWorker worker) {
      return leading && !stopping && workers.get(worker.id()) == worker;
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
