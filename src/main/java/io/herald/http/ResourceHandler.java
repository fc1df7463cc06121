package io.herald.http;

import io.herald.bus.Addresses;
import io.herald.bus.Failures;
import io.herald.fhir.OperationOutcomes;
import io.herald.subscription.Lifecycle;
import io.herald.subscription.Subscription;
import io.herald.subscription.SubscriptionException;
import io.herald.subscription.Subscriptions;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** create, read, vread, update-or-create and delete of one resource. */
final class ResourceHandler {

  private final StoreClient store;
  private final Subscriptions subscriptions;

  ResourceHandler(StoreClient store, Subscriptions subscriptions) {
    this.store = store;
    this.subscriptions = subscriptions;
  }

  /**
   * Rules some types have beyond being a resource. A Subscription must be one Herald can run (parseable criteria, a
   * known status and channel); it is stored as its {@link Lifecycle} says: the model to store, or null for other
   * types.
   */
  private Subscription validate(String type, JsonObject resource) {
    if (!type.equals("Subscription")) {
      return null;
    }
    try {
      return Lifecycle.asWritten(subscriptions.parse(resource), System.currentTimeMillis());
    } catch (SubscriptionException e) {
      throw Errors.invalid("Subscription " + e.getMessage());
    }
  }

  /** A Subscription just written: its model is kept for this node's matcher and deliverer, parsed once. */
  private void written(Subscription subscription, JsonObject reply) {
    if (subscription != null) {
      subscriptions.written(subscription.stored(reply.getLong("versionId"), reply.getJsonObject("resource").copy()));
    }
  }

  void create(RoutingContext ctx) {
    StoreClient.handle(ctx, () -> {
      String type = FhirRequests.type(ctx);
      JsonObject resource = FhirRequests.resource(ctx, type);
      resource.remove("id");   // FHIR create: a client-supplied id is ignored
      Subscription subscription = validate(type, resource);
      JsonObject stored = subscription == null ? resource : subscription.resource();
      return store.request(Addresses.STORE_CREATE, new JsonObject().put("type", type).put("resource", stored))
          .map(reply -> {
            written(subscription, reply);
            String id = reply.getJsonObject("resource").getString("id");
            Responses.resource(ctx, 201, reply, type, id, true);
            return reply;
          });
    });
  }

  /** read, or vread when the path names a version ({@code _history/{vid}}). */
  void read(RoutingContext ctx) {
    StoreClient.handle(ctx, () -> {
      String type = FhirRequests.type(ctx);
      String id = FhirRequests.id(ctx);
      JsonObject command = new JsonObject().put("type", type).put("id", id);
      if (ctx.pathParam("vid") != null) {
        command.put("versionId", FhirRequests.versionId(ctx));
      }
      return store.request(Addresses.STORE_READ, command).map(reply -> {
        Responses.resource(ctx, 200, reply, type, id, false);
        return reply;
      });
    });
  }

  void update(RoutingContext ctx) {
    StoreClient.handle(ctx, () -> {
      String type = FhirRequests.type(ctx);
      String id = FhirRequests.id(ctx);
      JsonObject resource = FhirRequests.resource(ctx, type);
      String bodyId = resource.getString("id");
      if (bodyId == null) {
        throw Errors.invalid("The resource has no id; on update it must carry the id of the URL, '" + id + "'");
      }
      if (!bodyId.equals(id)) {
        throw Errors.invalid("The resource id '" + bodyId + "' does not match the URL, which names '" + id + "'");
      }
      Subscription subscription = validate(type, resource);
      JsonObject stored = subscription == null ? resource : subscription.resource();
      JsonObject command = new JsonObject().put("type", type).put("id", id).put("resource", stored)
          .put("ifMatch", FhirRequests.ifMatch(ctx));
      return store.request(Addresses.STORE_UPDATE, command).map(reply -> {
        written(subscription, reply);
        boolean created = "create".equals(reply.getString("interaction"));
        Responses.resource(ctx, created ? 201 : 200, reply, type, id, created);
        return reply;
      });
    });
  }

  void delete(RoutingContext ctx) {
    StoreClient.handle(ctx, () -> {
      String type = FhirRequests.type(ctx);
      String id = FhirRequests.id(ctx);
      JsonObject command = new JsonObject().put("type", type).put("id", id).put("ifMatch", FhirRequests.ifMatch(ctx));
      return store.request(Addresses.STORE_DELETE, command).map(reply -> {
        Responses.resource(ctx, 200, reply, type, id, false);
        return reply;
      }).recover(failure -> {
        if (failure instanceof ReplyException r && r.failureCode() == Failures.GONE) {
          // Deleting what is already deleted changes nothing and is not an error (FHIR: delete is idempotent).
          Responses.json(ctx, 200, OperationOutcomes.information(r.getMessage() + "; nothing changed"));
          return Future.succeededFuture();
        }
        return Future.failedFuture(failure);
      });
    });
  }
}
