package io.herald.http;

import io.herald.deliver.poll.PollWaiters;
import io.herald.criteria.CriteriaException;
import io.herald.criteria.WholeNumber;
import io.herald.fhir.Bundles;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Set;

/**
 * {@code GET /fhir/Subscription/{id}/$poll?from={versionId}[&timeout={s}][&_count={n}]}: the
 * subscription's notifications after {@code from}, as a history Bundle, oldest first. When there
 * is none yet the request waits ({@link PollWaiters}) until the matcher announces one or the
 * timeout passes. Without {@code from}: the latest notification, at once.
 *
 * <p>One instance per HTTP verticle, confined to its event loop.
 */
final class PollHandler {

  private static final Set<String> PARAMETERS = Set.of("from", "timeout", "_count", "_format", "_pretty");
  private static final int DEFAULT_TIMEOUT_SECONDS = 30;
  private static final int DEFAULT_COUNT = 100;

  private final PollWaiters waiters;
  private final int maxTimeoutSeconds;
  private final int maxCount;

  PollHandler(PollWaiters waiters, int maxTimeoutSeconds, int maxCount) {
    this.waiters = waiters;
    this.maxTimeoutSeconds = maxTimeoutSeconds;
    this.maxCount = maxCount;
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
      Promise<Void> gone = Promise.promise();
      ctx.response().closeHandler(closed -> gone.tryComplete());
      return waiters.poll(id, from, count, deadline, gone.future())
          .map(reply -> {
            respond(ctx, id, from, count, reply);
            return reply;
          })
          .recover(failure -> gone.future().isComplete() ? Future.succeededFuture() : Future.failedFuture(failure));
    });
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
