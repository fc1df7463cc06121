package io.herald.http;

import io.herald.bus.Addresses;
import io.herald.bus.Failures;
import io.herald.criteria.CriteriaParser;
import io.herald.fhir.OperationOutcomes;
import io.herald.store.PlainJson;
import io.herald.subscription.SubscriptionException;
import io.herald.subscription.SubscriptionSpec;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** create, read, vread, update-or-create and delete of one resource. */
final class ResourceHandler {

  private final StoreClient store;
  private final CriteriaParser parser;

  ResourceHandler(StoreClient store, CriteriaParser parser) {
    this.store = store;
    this.parser = parser;
  }

  /**
   * Rules some types have beyond being a resource. A Subscription must be one Herald can run:
   * parseable criteria, a known status and channel; {@code requested} is activated at once, and
   * one whose {@code end} has passed is {@code off}.
   */
  private void validate(String type, JsonObject resource) {
    if (type.equals("Subscription")) {
      SubscriptionSpec spec;
      try {
        spec = SubscriptionSpec.parse(PlainJson.of(resource), parser);
      } catch (SubscriptionException e) {
        throw Errors.invalid("Subscription " + e.getMessage());
      }
      storeChannelType(resource.getJsonObject("channel"), spec.channel());
      if ("requested".equals(resource.getString("status"))) {
        resource.put("status", "active");
      }
      if (spec.endMillis() < System.currentTimeMillis() && !"off".equals(resource.getString("status"))) {
        resource.put("status", "off");
      }
    }
  }

  /**
   * Writes the channel type as every R4 client can read it: {@code channel.type} is {@code rest-hook}; {@code poll},
   * outside R4's required value set, is the Backport IG's channel-type extension on it (see SubscriptionSpec). A
   * channel-type extension the client wrote stays as written, with Herald's system filled in when left out.
   */
  private static void storeChannelType(JsonObject channel, SubscriptionSpec.Channel type) {
    channel.put("type", "rest-hook");
    if (type != SubscriptionSpec.Channel.POLL) {
      return;
    }
    JsonObject element = channel.getValue("_type") instanceof JsonObject o ? o : new JsonObject();
    JsonArray extensions = element.getValue("extension") instanceof JsonArray a ? a : new JsonArray();
    JsonObject written = extensions.stream()
        .filter(e -> e instanceof JsonObject ext && SubscriptionSpec.CHANNEL_TYPE_EXTENSION.equals(ext.getString("url")))
        .map(JsonObject.class::cast).findFirst().orElse(null);
    if (written == null) {
      extensions.add(new JsonObject().put("url", SubscriptionSpec.CHANNEL_TYPE_EXTENSION).put("valueCoding",
          new JsonObject().put("system", SubscriptionSpec.CHANNEL_TYPE_SYSTEM).put("code", "poll")));
    } else if (written.getJsonObject("valueCoding").getString("system") == null) {
      written.getJsonObject("valueCoding").put("system", SubscriptionSpec.CHANNEL_TYPE_SYSTEM);
    }
    channel.put("_type", element.put("extension", extensions));
  }

  void create(RoutingContext ctx) {
    StoreClient.handle(ctx, () -> {
      String type = FhirRequests.type(ctx);
      JsonObject resource = FhirRequests.resource(ctx, type);
      resource.remove("id");   // FHIR create: a client-supplied id is ignored
      validate(type, resource);
      return store.request(Addresses.STORE_CREATE, new JsonObject().put("type", type).put("resource", resource))
          .map(reply -> {
            String id = reply.getJsonObject("resource").getString("id");
            Responses.resource(ctx, 201, reply, type, id, true);
            return reply;
          });
    });
  }

  void read(RoutingContext ctx) {
    StoreClient.handle(ctx, () -> {
      String type = FhirRequests.type(ctx);
      String id = FhirRequests.id(ctx);
      return store.request(Addresses.STORE_READ, new JsonObject().put("type", type).put("id", id))
          .map(reply -> {
            Responses.resource(ctx, 200, reply, type, id, false);
            return reply;
          });
    });
  }

  void readVersion(RoutingContext ctx) {
    StoreClient.handle(ctx, () -> {
      String type = FhirRequests.type(ctx);
      String id = FhirRequests.id(ctx);
      long versionId = FhirRequests.versionId(ctx);
      return store.request(Addresses.STORE_READ, new JsonObject().put("type", type).put("id", id).put("versionId", versionId))
          .map(reply -> {
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
      validate(type, resource);
      JsonObject command = new JsonObject().put("type", type).put("id", id).put("resource", resource)
          .put("ifMatch", FhirRequests.ifMatch(ctx));
      return store.request(Addresses.STORE_UPDATE, command).map(reply -> {
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
