package io.herald.http;

import io.herald.bus.Addresses;
import io.herald.deliver.resthook.RestHookChannel;
import io.herald.subscription.Subscription;
import io.herald.subscription.Subscriptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.logging.Logger;

/**
 * The secrets rest-hook requests are signed with ({@code X-Herald-Signature}): shown once, in the
 * {@value #HEADER} header of the response that wrote the subscription (a subscription keeps its secret when it is
 * updated, and it is not shown again), and replaced by {@code POST /fhir/Subscription/{id}/$rotate-secret}, whose
 * Parameters carry the new one ({@link Owners}: its owner's, or an admin's).
 */
final class SigningSecrets {

  static final String HEADER = "X-Herald-Signing-Secret";

  private static final Logger LOG = Logger.getLogger(SigningSecrets.class.getName());

  private final StoreClient store;
  private final Subscriptions subscriptions;

  SigningSecrets(StoreClient store, Subscriptions subscriptions) {
    this.store = store;
    this.subscriptions = subscriptions;
  }

  /**
   * For a rest-hook subscription just written: its secret in the response's header when it was made now. One that was
   * created ({@code created}; also one written again after it was deleted) gets a new one; an update keeps its own.
   */
  Future<Void> shown(RoutingContext ctx, Subscription written, String id, boolean created) {
    if (written == null || !written.channel().type().equals(RestHookChannel.TYPE)) {
      return Future.succeededFuture();
    }
    String ask = created ? Addresses.WEBHOOK_SECRET_ROTATE : Addresses.WEBHOOK_SECRET_MAKE;
    return store.request(ask, new JsonObject().put("subscription", id)).map(reply -> {
      if (reply.getString("secret") != null) {
        ctx.response().putHeader(HEADER, reply.getString("secret")).putHeader("Cache-Control", "no-store");
      }
      return (Void) null;
    }).recover(e -> {   // written all the same; its deliveries wait until $rotate-secret makes one
      LOG.warning("Subscription/" + id + " has no signing secret yet (" + e.getMessage() + "); $rotate-secret makes one");
      return Future.succeededFuture();
    });
  }

  /** {@code POST /fhir/Subscription/{id}/$rotate-secret}. */
  void rotate(RoutingContext ctx) {
    StoreClient.handle(ctx, () -> {
      String id = FhirRequests.id(ctx);
      return store.request(Addresses.STORE_READ, new JsonObject().put("type", "Subscription").put("id", id))
          .compose(read -> {
            Subscription subscription = subscriptions.at(id, read.getLong("versionId"), read.getJsonObject("resource"));
            if (subscription == null || !subscription.channel().type().equals(RestHookChannel.TYPE)) {
              throw Errors.invalid("Subscription/" + id + " is not a rest-hook subscription: only webhooks are signed");
            }
            return store.request(Addresses.WEBHOOK_SECRET_ROTATE, new JsonObject().put("subscription", id));
          })
          .map(reply -> {
            ctx.response().putHeader("Cache-Control", "no-store");
            Responses.json(ctx, 200, new JsonObject().put("resourceType", "Parameters").put("parameter", new JsonArray()
                .add(new JsonObject().put("name", "secret").put("valueString", reply.getString("secret")))));
            return reply;
          });
    });
  }
}
