package io.herald.http;

import io.herald.bus.Addresses;
import io.herald.bus.Failures;
import io.herald.criteria.Criteria;
import io.herald.deliver.Endpoints;
import io.herald.deliver.resthook.RestHookChannel;
import io.herald.fhir.OperationOutcomes;
import io.herald.subscription.Lifecycle;
import io.herald.auth.Scopes;
import io.herald.subscription.Subscription;
import io.herald.subscription.SubscriptionException;
import io.herald.subscription.Subscriptions;
import io.herald.subscription.Writer;
import io.herald.topic.Filters;
import io.herald.topic.Topic;
import io.herald.topic.TopicException;
import io.herald.topic.TopicParser;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/** create, read, vread, update-or-create and delete of one resource. */
final class ResourceHandler {

  private final StoreClient store;
  private final Subscriptions subscriptions;
  private final TopicParser topics;
  private final Filters filters;
  private final Restrictions restrictions;
  private final Vertx vertx;
  private final Endpoints endpoints;
  private final SigningSecrets secrets;
  private final SubscriptionQuota quota;

  ResourceHandler(Vertx vertx, StoreClient store, Subscriptions subscriptions, TopicParser topics, Filters filters,
                  Restrictions restrictions, Endpoints endpoints, SigningSecrets secrets, SubscriptionQuota quota) {
    this.quota = quota;
    this.vertx = vertx;
    this.secrets = secrets;
    this.endpoints = endpoints;
    this.store = store;
    this.restrictions = restrictions;
    this.subscriptions = subscriptions;
    this.topics = topics;
    this.filters = filters;
  }

  /**
   * Rules some types have beyond being a resource. A Subscription must be one Herald can run (parseable criteria, a
   * known status and channel; a topic-based one names a topic that exists and filters it allows); it is stored as its
   * {@link Lifecycle} says: the model to store, or null for other types. A SubscriptionTopic must be one Herald can
   * evaluate, with a url no other topic has. With authentication on, a Subscription may only hear of types the
   * writer's {@code scopes} let it read (403 otherwise): its criteria's type, or every type its topic triggers on.
   */
  private Future<Subscription> validate(String type, String id, JsonObject resource, Scopes scopes) {
    if (type.equals("SubscriptionTopic")) {
      Topic topic;
      try {
        topic = topics.parse(resource);
      } catch (TopicException e) {
        throw Errors.invalid("SubscriptionTopic " + e.getMessage());
      }
      return topicsAt(topic.url()).compose(found -> {
        for (Object other : found) {
          String otherId = ((JsonObject) other).getString("id");
          if (!otherId.equals(id)) {
            throw Errors.invalid("SubscriptionTopic url " + topic.url() + " is SubscriptionTopic/" + otherId
                + "'s already; a topic is found by its url, so each url names one topic");
          }
        }
        return id == null ? Future.succeededFuture() : topicInUse(id, topic).map(v -> null);
      });
    }
    if (!type.equals("Subscription")) {
      return Future.succeededFuture();
    }
    Subscription parsed;
    try {
      parsed = Lifecycle.asWritten(subscriptions.parse(resource), System.currentTimeMillis());
    } catch (SubscriptionException e) {
      throw e.forbidden() ? Errors.forbidden("Subscription " + e.getMessage()) : Errors.invalid("Subscription " + e.getMessage());
    }
    String endpoint = parsed.channel().type().equals(RestHookChannel.TYPE) ? parsed.channel().endpoint() : null;
    Future<String> refused = endpoint == null ? Future.succeededFuture() : endpoints.refusal(vertx, endpoint);
    return refused.compose(refusal -> {
      if (refusal != null) {
        throw Errors.invalid("Subscription " + refusal);
      }
      Subscription.TopicKind kind = parsed.topic();
      return kind == null ? Future.succeededFuture(parsed)   // its criteria are within what its writer may read (or refused)
          : topicBased(parsed, kind, resource, scopes);
    });
  }

  /** A topic-based subscription's topic: it exists, is not retired, allows its filters, and its writer may read what it triggers on. */
  private Future<Subscription> topicBased(Subscription parsed, Subscription.TopicKind kind, JsonObject resource, Scopes scopes) {
    return topicsAt(kind.topic()).map(found -> {
      if (found.isEmpty()) {
        throw Errors.invalid("Subscription criteria: there is no SubscriptionTopic with url " + kind.topic());
      }
      try {
        Topic topic = topics.parse(found.getJsonObject(0));
        topic.triggers().forEach(trigger -> readable(resource, scopes, trigger.type()));
        if (topic.status().equals("retired")) {
          throw Errors.invalid("Subscription criteria: SubscriptionTopic " + kind.topic() + " is retired");
        }
        filters.criteria(topic, kind.filters());
      } catch (TopicException e) {
        throw Errors.invalid("Subscription " + e.getMessage());
      }
      return parsed;
    });
  }

  /**
   * Refuses (403) a subscription to {@code type} when its writer's {@code scopes} (null: authentication off) do not let
   * it be read, or restrict it to what is no search of the type.
   */
  private void readable(JsonObject subscription, Scopes scopes, String type) {
    if (scopes != null && subscriptions.within(subscription, new Criteria(type, List.of())) == null) {
      throw Errors.forbidden("The token's scopes (" + scopes + ") do not allow reading " + type
          + ", which this Subscription would hear of (scope system/" + type + ".r)");
    }
  }

  /**
   * A topic's change must leave the subscriptions on it able to run: while one is requested, active or in error, its
   * topic keeps its url and the filters it uses, and is not deleted ({@code replacement} null).
   */
  private Future<Void> topicInUse(String id, Topic replacement) {
    return store.request(Addresses.STORE_READ, new JsonObject().put("type", "SubscriptionTopic").put("id", id))
        .map(read -> read.getJsonObject("resource").getString("url"))
        .recover(failure -> failure instanceof ReplyException r
            && (r.failureCode() == Failures.NOT_FOUND || r.failureCode() == Failures.GONE)
            ? Future.succeededFuture() : Future.failedFuture(failure))
        .compose(url -> url == null ? Future.succeededFuture() : store.request(Addresses.STORE_SEARCH,
            new JsonObject().put("type", "Subscription").put("params", new JsonObject()
                .put("criteria:exact", new JsonArray().add(url))
                .put("status", new JsonArray().add("requested,active,error"))
                .put("_count", new JsonArray().add("1000"))))
            .map(reply -> {
              for (Object found : reply.getJsonArray("resources")) {
                JsonObject resource = (JsonObject) found;
                String subscription = "Subscription/" + resource.getString("id");
                if (replacement == null) {
                  throw Errors.conflict("SubscriptionTopic/" + id + " is the topic of " + subscription
                      + " (and perhaps others); set them off or delete them first");
                }
                if (!replacement.url().equals(url)) {
                  throw Errors.invalid("SubscriptionTopic url cannot change from " + url + " while " + subscription
                      + " (and perhaps others) subscribe to it");
                }
                try {
                  Subscription.TopicKind kind = subscriptions.parse(resource).topic();
                  if (kind != null) {
                    filters.criteria(replacement, kind.filters());
                  }
                } catch (TopicException e) {
                  throw Errors.invalid("SubscriptionTopic: this version would leave " + subscription + " unable to run: "
                      + e.getMessage());
                } catch (SubscriptionException e) {
                  // written under other rules: it does not run, whatever the topic says
                }
              }
              return null;
            }));
  }

  /** The topics with canonical url {@code url} (at most one, as written by Herald). */
  private Future<JsonArray> topicsAt(String url) {
    return store.request(Addresses.STORE_SEARCH, new JsonObject().put("type", "SubscriptionTopic")
        .put("params", new JsonObject().put("url", new JsonArray().add(url))))
        .map(reply -> reply.getJsonArray("resources"));
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
      Future<Void> allowed = Future.succeededFuture();
      if (type.equals("Subscription")) {
        Writer.stamp(resource, Owners.writer(ctx));
        allowed = quota.check(Owners.writer(ctx), null);
      }
      return allowed.compose(v -> validate(type, null, resource, Access.scopes(ctx))).compose(subscription -> {
        JsonObject stored = subscription == null ? resource : subscription.resource();
        return store.request(Addresses.STORE_CREATE, new JsonObject().put("type", type).put("resource", stored))
          .compose(reply -> {
            written(subscription, reply);
            String id = reply.getJsonObject("resource").getString("id");
            return secrets.shown(ctx, subscription, id, true).map(v -> {
              Responses.resource(ctx, 201, reply, type, id, true);
              return reply;
            });
          });
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
      Criteria readable = restrictions.readable(ctx, type);
      return store.request(Addresses.STORE_READ, command).map(reply -> {
        if (!Restrictions.within(readable, reply.getJsonObject("resource"))) {
          throw outside(ctx, type, id);
        }
        Responses.resource(ctx, 200, reply, type, id, false);
        return reply;
      }).recover(failure -> readable != null && failure instanceof ReplyException r && r.failureCode() == Failures.GONE
          ? Future.failedFuture(outside(ctx, type, id)) : Future.failedFuture(failure));   // not the caller's to know
    });
  }

  /** What the caller's scopes do not let it see does not exist for it: the store's own answer for what does not. */
  private static RuntimeException outside(RoutingContext ctx, String type, String id) {
    String vid = ctx.pathParam("vid");
    return Errors.notFound((vid == null ? "" : "Version " + vid + " of ") + type + "/" + id + " does not exist");
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
      Long ifMatch = FhirRequests.ifMatch(ctx);
      Future<Void> allowed = Future.succeededFuture();
      if (type.equals("Subscription")) {
        Writer.stamp(resource, Owners.writer(ctx));
        allowed = quota.check(Owners.writer(ctx), id);
      }
      return allowed.compose(v -> validate(type, id, resource, Access.scopes(ctx))).compose(subscription -> {
        JsonObject stored = subscription == null ? resource : subscription.resource();
        JsonObject command = new JsonObject().put("type", type).put("id", id).put("resource", stored)
            .put("ifMatch", ifMatch);
        return store.request(Addresses.STORE_UPDATE, command).compose(reply -> {
          written(subscription, reply);
          boolean created = "create".equals(reply.getString("interaction"));
          return secrets.shown(ctx, subscription, id, created).map(v -> {
            Responses.resource(ctx, created ? 201 : 200, reply, type, id, created);
            return reply;
          });
        });
      });
    });
  }

  void delete(RoutingContext ctx) {
    StoreClient.handle(ctx, () -> {
      String type = FhirRequests.type(ctx);
      String id = FhirRequests.id(ctx);
      JsonObject command = new JsonObject().put("type", type).put("id", id).put("ifMatch", FhirRequests.ifMatch(ctx));
      Future<Void> allowed = type.equals("SubscriptionTopic") ? topicInUse(id, null) : Future.succeededFuture();
      return allowed.compose(v -> store.request(Addresses.STORE_DELETE, command)).map(reply -> {
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
