package io.herald.http;

import io.herald.bus.Addresses;
import io.herald.criteria.CriteriaException;
import io.herald.criteria.WholeNumber;
import io.herald.fhir.Bundles;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /fhir/Subscription/{id}/$poll?from={versionId}[&timeout={s}][&_count={n}]}: the
 * subscription's notifications after {@code from}, as a history Bundle, oldest first. When there
 * is none yet the request waits, holding no thread, until the matcher announces one or the
 * timeout passes. Without {@code from}: the latest notification, at once.
 *
 * <p>One instance per HTTP verticle, confined to its event loop.
 */
final class PollHandler {

  private static final Set<String> PARAMETERS = Set.of("from", "timeout", "_count", "_format", "_pretty");
  private static final int DEFAULT_TIMEOUT_SECONDS = 30;
  private static final int DEFAULT_COUNT = 100;

  private final StoreClient store;
  private final Vertx vertx;
  private final int maxTimeoutSeconds;
  private final int maxCount;
  private final Map<String, List<Promise<Void>>> waiting = new HashMap<>();
  /** Reads of the store under way, by subscription, then by {@code from/count}. */
  private final Map<String, Map<String, Future<JsonObject>>> reads = new HashMap<>();
  private boolean closing;

  PollHandler(StoreClient store, Vertx vertx, int maxTimeoutSeconds, int maxCount) {
    this.store = store;
    this.vertx = vertx;
    this.maxTimeoutSeconds = maxTimeoutSeconds;
    this.maxCount = maxCount;
  }

  /** The matcher committed a notification for {@code subscription}: wake its waiting polls. */
  void notified(String subscription) {
    reads.remove(subscription);   // a read begun before this notification may miss it: the woken start a new one
    List<Promise<Void>> woken = waiting.remove(subscription);
    if (woken != null) {
      woken.forEach(Promise::tryComplete);
    }
  }

  /** Shutting down: answer every waiting poll now with what there is. */
  void close() {
    closing = true;
    new ArrayList<>(waiting.keySet()).forEach(this::notified);
  }

  void poll(RoutingContext ctx) {
    StoreClient.handle(ctx, () -> {
      String id = FhirRequests.id(ctx);
      for (String name : ctx.queryParams().names()) {
        if (!PARAMETERS.contains(name)) {
          throw Errors.invalid("$poll does not take '" + name + "'; it takes from, timeout and _count");
        }
      }
      String fromText = ctx.queryParams().get("from");
      Long from = fromText == null ? null : number("from", fromText, 0, Long.MAX_VALUE, 0);
      int timeout = (int) number("timeout", ctx.queryParams().get("timeout"), 0, maxTimeoutSeconds, DEFAULT_TIMEOUT_SECONDS);
      int count = (int) number("_count", ctx.queryParams().get("_count"), 1, maxCount, DEFAULT_COUNT);
      long deadline = System.currentTimeMillis() + timeout * 1000L;
      return attempt(ctx, id, from, count, deadline);
    });
  }

  private Future<?> attempt(RoutingContext ctx, String id, Long from, int count, long deadline) {
    Promise<Void> wake = Promise.promise();   // registered before the query: no notification slips between
    waiting.computeIfAbsent(id, k -> new ArrayList<>()).add(wake);
    return read(id, from, count)
        .onComplete(done -> forget(id, wake))
        .map(reply -> {
          long left = deadline - System.currentTimeMillis();
          if (!reply.getJsonArray("entries").isEmpty() || from == null || left <= 0 || closing) {
            respond(ctx, id, from, count, reply);
            return reply;
          }
          waiting.computeIfAbsent(id, k -> new ArrayList<>()).add(wake);
          long timer = vertx.setTimer(left, t -> wake.tryComplete());
          ctx.response().closeHandler(closed -> {
            vertx.cancelTimer(timer);
            forget(id, wake);
          });
          wake.future().onComplete(woken -> {
            vertx.cancelTimer(timer);
            forget(id, wake);
            if (!ctx.response().closed() && !ctx.response().ended()) {
              attempt(ctx, id, from, count, deadline).onFailure(failure -> Errors.send(ctx, failure));
            }
          });
          return reply;
        });
  }

  /**
   * The subscription's notifications after {@code from}: one read of the store shared by every poll that asks the
   * same while it is under way (a thousand waiters woken by one notification make one read, not a thousand).
   */
  private Future<JsonObject> read(String id, Long from, int count) {
    Map<String, Future<JsonObject>> ofSubscription = reads.computeIfAbsent(id, k -> new HashMap<>());
    String key = from + "/" + count;
    Future<JsonObject> read = ofSubscription.get(key);
    if (read == null) {
      JsonObject command = new JsonObject().put("subscription", id).put("from", from).put("count", count);
      Future<JsonObject> started = store.request(Addresses.STORE_POLL, command);
      ofSubscription.put(key, started);
      started.onComplete(done -> {
        Map<String, Future<JsonObject>> current = reads.get(id);
        if (current != null && current.remove(key, started) && current.isEmpty()) {
          reads.remove(id);
        }
      });
      read = started;
    }
    return read;
  }

  private void forget(String id, Promise<Void> wake) {
    List<Promise<Void>> list = waiting.get(id);
    if (list != null) {
      list.remove(wake);
      if (list.isEmpty()) {
        waiting.remove(id);
      }
    }
  }

  private static void respond(RoutingContext ctx, String id, Long from, int count, JsonObject reply) {
    String base = Responses.base(ctx);
    JsonArray rows = reply.getJsonArray("entries");
    JsonArray entries = Bundles.changeEntries(base, rows);
    String path = base + "/fhir/Subscription/" + id + "/$poll";
    String self = path + (from == null ? "" : "?from=" + from + "&_count=" + count);
    String next = reply.getBoolean("more")
        ? path + "?from=" + rows.getJsonObject(rows.size() - 1).getLong("versionId") + "&_count=" + count : null;
    Responses.json(ctx, 200, Bundles.bundle("history", self, next, entries));
  }


  private static long number(String name, String value, long min, long max, long otherwise) {
    try {
      return value == null ? otherwise : WholeNumber.parse(name, value, min, max);
    } catch (CriteriaException e) {
      throw Errors.invalid("$poll parameter '" + e.parameter() + "': " + e.reason());
    }
  }
}
