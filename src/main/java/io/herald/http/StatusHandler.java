package io.herald.http;

import io.herald.bus.Addresses;
import io.herald.fhir.Bundles;
import io.herald.fhir.SubscriptionStatuses;
import io.herald.subscription.Statuses;
import io.herald.subscription.Subscriptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * {@code $status}, as the Subscriptions Backport IG has it: {@code GET /fhir/Subscription/{id}/$status} and
 * {@code GET /fhir/Subscription/$status[?id=a,b][&status=active,error]}, each a searchset Bundle of statuses (type
 * {@code query-status}), one per subscription, in id order, each in its subscription's shape (R4 {@code Parameters},
 * or R4B {@code SubscriptionStatus}).
 */
final class StatusHandler {

  private static final Set<String> INSTANCE_PARAMETERS = Set.of("_format", "_pretty");
  private static final Set<String> TYPE_PARAMETERS = Set.of("id", "status", "_format", "_pretty");
  static final int MAX_STATUSES = 1000;

  private final StoreClient client;

  StatusHandler(StoreClient client) {
    this.client = client;
  }

  void instance(RoutingContext ctx) {
    StoreClient.handle(ctx, () -> {
      String id = FhirRequests.id(ctx);
      only(ctx, INSTANCE_PARAMETERS, "Subscription/{id}/$status takes no parameters");
      return one(client, id).map(status -> {
        respond(ctx, List.of(status), ctx.request().path());
        return status;
      });
    });
  }

  /** Where subscription {@code id} stands; fails 404 when there is none, 410 when it is deleted. */
  static Future<Statuses.Status> one(StoreClient client, String id) {
    JsonObject request = new JsonObject().put("ids", new JsonArray().add(id)).put("limit", 1);
    return client.request(Addresses.SUBSCRIPTION_STATUS, request).map(reply -> {
      JsonArray found = reply.getJsonArray("statuses");
      if (found.isEmpty()) {
        throw Errors.notFound("No Subscription/" + id);
      }
      Statuses.Status status = Statuses.Status.fromJson(found.getJsonObject(0));
      if (status.deleted()) {
        throw Errors.gone("Subscription/" + id + " is deleted");
      }
      return status;
    });
  }

  void type(RoutingContext ctx) {
    StoreClient.handle(ctx, () -> {
      only(ctx, TYPE_PARAMETERS, "Subscription/$status takes id and status");
      List<String> ids = values(ctx, "id");
      List<String> statuses = values(ctx, "status");
      for (String id : ids == null ? List.<String>of() : ids) {
        if (!FhirRequests.ID.matcher(id).matches()) {
          throw Errors.invalid("$status parameter 'id': '" + id + "' is not a resource id");
        }
      }
      for (String status : statuses == null ? List.<String>of() : statuses) {
        if (!Subscriptions.STATUSES.contains(status)) {
          throw Errors.invalid("$status parameter 'status': '" + status + "' is not one of " + Subscriptions.STATUSES);
        }
      }
      JsonObject request = new JsonObject().put("limit", MAX_STATUSES)
          .put("ids", ids == null ? null : new JsonArray(ids)).put("statuses", statuses == null ? null : new JsonArray(statuses));
      return client.request(Addresses.SUBSCRIPTION_STATUS, request).map(reply -> {
        List<Statuses.Status> found = new ArrayList<>();
        reply.getJsonArray("statuses").forEach(s -> {
          Statuses.Status status = Statuses.Status.fromJson((JsonObject) s);
          if (!status.deleted()) {
            found.add(status);
          }
        });
        String query = ctx.request().query();
        respond(ctx, found, ctx.request().path() + (query == null ? "" : "?" + query));
        return reply;
      });
    });
  }

  private static void respond(RoutingContext ctx, List<Statuses.Status> statuses, String path) {
    String base = Responses.base(ctx);
    JsonArray entries = new JsonArray();
    for (Statuses.Status s : statuses) {
      String id = UUID.randomUUID().toString();   // a search result has an id: the status's own, as its fullUrl says
      JsonObject status = SubscriptionStatuses.of(new SubscriptionStatuses.Status(base + "/fhir/Subscription/" + s.id(),
          s.topic(), s.status(), "query-status", s.events(), List.of(), s.error()), s.r4b()).put("id", id);
      entries.add(Bundles.searchEntry("urn:uuid:" + id, status));
    }
    JsonObject bundle = Bundles.bundle("searchset", base + path, null, entries).put("total", entries.size());
    Responses.json(ctx, 200, bundle);
  }

  private static void only(RoutingContext ctx, Set<String> allowed, String says) {
    for (String name : ctx.queryParams().names()) {
      if (!allowed.contains(name)) {
        throw Errors.invalid("$status does not take '" + name + "': " + says);
      }
    }
  }

  /** A parameter's values, repeated and comma-separated; null when absent. */
  private static List<String> values(RoutingContext ctx, String name) {
    List<String> given = ctx.queryParams().getAll(name);
    if (given.isEmpty()) {
      return null;
    }
    List<String> values = new ArrayList<>();
    for (String value : given) {
      for (String part : value.split(",", -1)) {
        values.add(part.trim());
      }
    }
    return values;
  }
}
