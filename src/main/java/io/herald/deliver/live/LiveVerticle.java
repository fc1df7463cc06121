package io.herald.deliver.live;

import io.herald.Metrics;
import io.herald.bus.Addresses;
import io.herald.bus.Failures;
import io.herald.criteria.Criteria;
import io.herald.criteria.CriteriaException;
import io.herald.criteria.CriteriaParser;
import io.herald.criteria.SubscriptionIndex;
import io.herald.database.Database;
import io.herald.store.Change;
import io.herald.store.ChangeFeed;
import io.herald.store.FeedFollower;
import io.herald.store.PlainJson;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Live subscriptions: a socket names a resource type, events and criteria, and each matching change is sent to the
 * address the bridge handed it, in versionId order. Not durable: a subscription lives as long as its socket. This
 * node follows the change feed itself, while it holds live subscriptions, and matches them with a
 * {@link SubscriptionIndex}, once per change, not once per socket, so a browser's events never depend on another node.
 *
 * <p>No gap and no duplicate at the seam: a subscription is in the index (its events held back) before the horizon
 * its stream starts after is read; once the socket has registered, the changes after {@code from} up to that horizon
 * are read from history and sent, then those held back, each only if its versionId is above the last one sent.
 */
public final class LiveVerticle extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(LiveVerticle.class.getName());
  private static final int BATCH = 500;
  private static final Set<String> EVENTS = Set.of("CREATE", "UPDATE", "DELETE");
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);
  private static final long CLOSED_REMEMBERED_MS = 60_000;
  private static final long IDLE_FOLLOWER_MS = 30_000;
  private static final Set<String> KEYS = Set.of("resourceType", "events", "criteria", "from", "socket", "address", "scope");

  /** One live subscription. */
  private static final class Live {
    final String id;
    final String socket;
    final String address;
    final String type;
    final Set<String> events;
    final Long from;
    final Criteria criteria;
    long start;              // the horizon its live stream starts after
    long lastSent;
    boolean flowing;         // registered and caught up: changes go straight out
    boolean registered;
    boolean overflowed;      // held back more than it may before its socket registered
    final ArrayDeque<Change> held = new ArrayDeque<>();

    Live(String id, String socket, String address, String type, Set<String> events, Long from, Criteria criteria) {
      this.id = id;
      this.socket = socket;
      this.address = address;
      this.type = type;
      this.events = events;
      this.from = from;
      this.criteria = criteria;
    }
  }

  private final String pgUri;
  private final CriteriaParser parser;
  private final int maxCriteriaLength;
  private final int maxHeld;
  private final int maxCatchUp;
  private final Map<String, Live> lives = new HashMap<>();
  private LiveDirectory directory;
  private final Map<String, Live> byAddress = new HashMap<>();
  private final Map<String, Set<String>> bySocket = new HashMap<>();
  private final SubscriptionIndex<String> index = new SubscriptionIndex<>();
  private final Set<String> closedSockets = new HashSet<>();   // a subscribe may arrive after its socket's close
  private Change encodedChange;
  private LiveEvent encodedEvent;
  private Pool pool;          // catching up and horizons
  private Pool followerPool;  // the feed follower's own: catching up never holds the live stream back
  private ChangeFeed feed;
  private FeedFollower follower;      // only while there are live subscriptions: none costs the writes nothing
  private Future<Long> following;     // the follower starting or started, with the horizon it started after
  private int generation;             // of the follower: one started for subscriptions all ended meanwhile is not kept
  private PgConnectOptions options;

  private final Metrics metrics;

  /** @param maxCriteriaLength the longest criteria a live subscription may have, in characters */
  public LiveVerticle(String pgUri, CriteriaParser parser, int maxCriteriaLength, LiveConfig config, Metrics metrics) {
    this.maxCriteriaLength = maxCriteriaLength;
    this.pgUri = pgUri;
    this.metrics = metrics;
    this.parser = parser;
    this.maxHeld = config.maxHeld();
    this.maxCatchUp = config.maxCatchUp();
  }

  @Override
  public Future<?> start() {
    vertx.eventBus().registerDefaultCodec(LiveEvent.class, LiveEvent.CODEC);
    directory = new LiveDirectory(vertx);
    options = Database.connectOptions(pgUri);
    pool = Database.pool(vertx, options, 3);
    followerPool = Database.pool(vertx, options, 1);
    feed = new ChangeFeed(pool, false);
    List<MessageConsumer<JsonObject>> consumers = List.of(
        vertx.eventBus().localConsumer(Addresses.LIVE_SUBSCRIBE, this::subscribe),
        vertx.eventBus().localConsumer(Addresses.LIVE_UNSUBSCRIBE, this::unsubscribe),
        vertx.eventBus().localConsumer(Addresses.LIVE_REGISTERED, this::registered),
        vertx.eventBus().localConsumer(Addresses.LIVE_CLOSED, m -> closed(m.body().getString("socket"))),
        vertx.eventBus().localConsumer(Addresses.LIVE_STATS, m -> m.reply(new JsonObject()
            .put("subscriptions", lives.size()).put("sockets", bySocket.size()).put("indexed", index.size()))));
    metrics.gauge("herald.live.subscriptions", "Live (SockJS) subscriptions held by this node", lives::size);
    metrics.gauge("herald.live.sockets", "SockJS sockets with live subscriptions on this node", bySocket::size);
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList())
        .mapEmpty();
  }

  @Override
  public Future<?> stop() {
    vertx.eventBus().unregisterDefaultCodec(LiveEvent.class);
    return directory.close().otherwiseEmpty()
        .compose(v -> follower == null ? Future.<Void>succeededFuture() : follower.stop()).eventually(() -> pool.close())
        .eventually(() -> followerPool.close());
  }

  private void subscribe(Message<JsonObject> message) {
    JsonObject body = message.body();
    if (body.getValue("refused") instanceof JsonObject refused) {   // the bridge found no token, or one that does not allow it
      message.fail(refused.getInteger("code"), refused.getString("message"));
      return;
    }
    Live live;
    Criteria criteria;
    try {
      for (String key : body.fieldNames()) {
        if (!KEYS.contains(key)) {
          throw new IllegalArgumentException("A live subscription does not take '" + key
              + "'; it takes resourceType, events, criteria and from");
        }
      }
      if (!(body.getValue("resourceType") instanceof String type) || type.isBlank()) {
        throw new IllegalArgumentException("resourceType is required: the type of resource to hear of, e.g. Patient");
      }
      Set<String> events = events(body.getValue("events"));
      Object from = body.getValue("from");
      if (from != null && !(from instanceof Number n && n.longValue() >= 0 && n.doubleValue() == n.longValue())) {
        throw new IllegalArgumentException("from must be a versionId (a whole number, 0 or more), not " + from);
      }
      if (body.getValue("criteria") instanceof String text && text.length() > maxCriteriaLength) {
        throw new IllegalArgumentException("criteria is " + text.length() + " characters; at most " + maxCriteriaLength
            + " are taken (subscriptions.maxCriteriaLength)");
      }
      criteria = parser.parse(expression(type, body.getValue("criteria")));
      if (body.getValue("scope") instanceof String scope && !scope.isEmpty()) {
        try {   // what the token lets the socket read of the type (stamped by the bridge)
          criteria = criteria.and(parser.parse(type + "?" + scope));
        } catch (CriteriaException e) {
          message.fail(Failures.FORBIDDEN, "The token's scopes restrict " + type + " to '" + scope + "', which is not a"
              + " search Herald can make of it");
          return;
        }
      }
      live = new Live(UUID.randomUUID().toString(), body.getString("socket"), body.getString("address"), type, events,
          from == null ? null : ((Number) from).longValue(), criteria);
    } catch (IllegalArgumentException | ClassCastException e) {   // CriteriaException is one
      message.fail(Failures.INVALID, e.getMessage());
      return;
    }
    if (live.socket == null || live.address == null) {
      message.fail(Failures.INVALID, "A live subscription is made through the event-bus bridge (/eventbus)");
      return;
    }
    if (closedSockets.contains(live.socket)) {
      message.fail(Failures.INVALID, "The socket is closed");
      return;
    }
    lives.put(live.id, live);
    directory.added(live.id, live.socket, live.type, message.body().getValue("criteria"), live.events);
    byAddress.put(live.address, live);
    bySocket.computeIfAbsent(live.socket, s -> new HashSet<>()).add(live.id);
    index.add(live.id, criteria);   // held back from here on: nothing between the horizon and the stream is missed
    horizon().onComplete(read -> {
      if (!lives.containsKey(live.id)) {
        return;   // the socket closed meanwhile
      }
      if (read.failed()) {
        end(live);
        message.fail(Failures.UNAVAILABLE, "The database is out of reach for now; subscribe again");
        return;
      }
      live.start = read.result();
      if (live.from != null && live.start - live.from > maxCatchUp) {
        end(live);
        message.fail(Failures.GONE, "from " + live.from + " is too far back: a live stream catches up at most "
            + maxCatchUp + " versions, and it would start after " + live.start + "; read what changed before with a"
            + " search or _history, then subscribe from there");
        return;
      }
      live.lastSent = live.from == null ? live.start : live.from;
      message.reply(new JsonObject().put("address", live.address).put("subscription", live.id)
          .put("versionId", live.start));
    });
  }

  /**
   * The horizon a new subscription's stream starts after, the feed follower at or before it. The first subscription
   * starts the follower at the horizon it reads; while it runs, its cursor is at or before any horizon read later
   * (it reads only what was settled when it read).
   */
  private Future<Long> horizon() {
    if (following == null) {
      int mine = ++generation;
      following = feed.horizon().compose(at -> {
        if (mine != generation) {
          return Future.succeededFuture(at);   // every subscription ended meanwhile: nothing to follow for
        }
        follower = new FeedFollower(vertx, new ChangeFeed(followerPool, false), at, BATCH, this::changed);
        return follower.start(options).map(at);
      });
      following.onFailure(e -> {
        if (mine == generation) {
          stopFollowing();   // the next subscription tries again
        }
      });
      return following;
    }
    return following.compose(started -> feed.horizon());
  }

  /** No live subscription is left: the feed is no longer read for them. */
  private void stopFollowing() {
    generation++;
    if (follower != null) {
      follower.stop();
    }
    follower = null;
    following = null;
  }

  private static Set<String> events(Object value) {
    if (value == null) {
      return EVENTS;
    }
    if (!(value instanceof JsonArray list) || list.isEmpty()) {
      throw new IllegalArgumentException("events must be a non-empty list of CREATE, UPDATE and DELETE");
    }
    Set<String> events = new HashSet<>();
    for (Object event : list) {
      if (!EVENTS.contains(event)) {
        throw new IllegalArgumentException("events may hold CREATE, UPDATE and DELETE, not " + event);
      }
      events.add((String) event);
    }
    return events;
  }

  /** {@code name=smith&...} or {@code Patient?name=smith&...} for the type, as a criteria expression. */
  private static String expression(String type, Object criteria) {
    if (criteria == null) {
      return type;
    }
    if (!(criteria instanceof String text)) {
      throw new IllegalArgumentException("criteria must be a search query string, e.g. name=smith");
    }
    String query = text.startsWith(type + "?") ? text.substring(type.length() + 1) : text;
    if (query.contains("?")) {
      throw new IllegalArgumentException("criteria '" + text + "' is not a search of " + type);
    }
    return query.isEmpty() ? type : type + "?" + query;
  }

  /** The socket is listening on the subscription's address: catch up from history, then let changes flow. */
  private void registered(Message<JsonObject> message) {
    Live live = byAddress.get(message.body().getString("address"));
    if (live == null || !live.socket.equals(message.body().getString("socket")) || live.registered) {
      return;
    }
    live.registered = true;
    if (live.overflowed) {
      overflow(live);
      return;
    }
    catchUp(live).onComplete(done -> {
      if (done.failed()) {
        LOG.warning("Live subscription " + live.id + " could not catch up: " + done.cause().getMessage());
        overflow(live);
        return;
      }
      if (live.overflowed) {
        overflow(live);
        return;
      }
      while (!live.held.isEmpty()) {
        send(live, live.held.poll());
      }
      live.flowing = true;
    });
  }

  /** Sends the changes after lastSent up to the start of the live stream, from history, page by page. */
  private Future<Void> catchUp(Live live) {
    if (live.lastSent >= live.start || !lives.containsKey(live.id)) {
      return Future.succeededFuture();
    }
    return feed.ofType(live.type, live.lastSent, live.start, BATCH).compose(changes -> {
      if (changes.isEmpty()) {
        live.lastSent = live.start;
        return Future.succeededFuture();
      }
      long last = changes.get(changes.size() - 1).versionId();
      for (Change change : changes) {
        if (live.criteria.matches(PlainJson.of(change.resource()))) {
          send(live, change);
        }
      }
      live.lastSent = Math.max(live.lastSent, last);
      return catchUp(live);
    });
  }

  private Future<Void> changed(List<Change> changes) {
    for (Change change : changes) {
      for (String id : index.match(PlainJson.of(change.resource()))) {
        Live live = lives.get(id);
        if (live == null) {
          continue;
        }
        if (live.flowing) {
          send(live, change);
        } else if (!live.overflowed && live.events.contains(change.interaction().toUpperCase())) {
          if (live.held.size() < maxHeld) {
            live.held.add(change);
          } else {   // said when the socket listens: an OVERFLOW sent before that would reach no one
            live.overflowed = true;
            live.held.clear();
          }
        }
      }
    }
    return Future.succeededFuture();
  }

  private void send(Live live, Change change) {
    String event = change.interaction().toUpperCase();
    if (change.versionId() <= live.lastSent || !live.events.contains(event) || !lives.containsKey(live.id)) {
      return;
    }
    live.lastSent = change.versionId();
    vertx.eventBus().send(live.address, encoded(change), LOCAL);
  }

  /**
   * A change as the message every subscription that hears it gets, encoded once for all of them: changes are sent one
   * after another, so the last one encoded is kept.
   */
  private LiveEvent encoded(Change change) {
    if (encodedChange != change) {
      encodedChange = change;
      encodedEvent = new LiveEvent(change.versionId(), new JsonObject().put("event", change.interaction().toUpperCase())
          .put("versionId", change.versionId()).put("resourceType", change.type()).put("id", change.id())
          .put("resource", change.resource()).toBuffer());
    }
    return encodedEvent;
  }

  /** The subscription could not keep up: its last message says from where to resume, and it ends. */
  private void overflow(Live live) {
    vertx.eventBus().send(live.address, new JsonObject().put("event", "OVERFLOW").put("versionId", live.lastSent),
        LOCAL);
    end(live);
  }

  private void unsubscribe(Message<JsonObject> message) {
    Live live = message.body().getValue("subscription") instanceof String id ? lives.get(id)
        : message.body().getValue("address") instanceof String address ? byAddress.get(address) : null;
    if (live != null && live.socket.equals(message.body().getString("socket"))) {
      end(live);
    }
    message.reply(new JsonObject());
  }

  private void closed(String socket) {
    if (closedSockets.add(socket)) {
      vertx.setTimer(CLOSED_REMEMBERED_MS, t -> closedSockets.remove(socket));
    }
    Set<String> ids = bySocket.remove(socket);
    if (ids != null) {
      List.copyOf(ids).forEach(id -> {
        Live live = lives.get(id);
        if (live != null) {
          end(live);
        }
      });
    }
  }

  private void end(Live live) {
    lives.remove(live.id);
    directory.removed(live.id);
    if (lives.isEmpty() && following != null) {   // a while later, unless a socket subscribes again by then
      int now = generation;
      vertx.setTimer(IDLE_FOLLOWER_MS, t -> {
        if (lives.isEmpty() && now == generation) {
          stopFollowing();
        }
      });
    }
    byAddress.remove(live.address);
    index.remove(live.id);
    Set<String> ofSocket = bySocket.get(live.socket);
    if (ofSocket != null) {
      ofSocket.remove(live.id);
      if (ofSocket.isEmpty()) {
        bySocket.remove(live.socket);
      }
    }
  }
}
