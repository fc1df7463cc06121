package io.herald.http;

import io.herald.bus.Addresses;
import io.herald.auth.Scopes;
import io.herald.bus.Failures;
import io.herald.subscription.Writer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * A Subscription belongs to the client that wrote it ({@link Writer}). With authentication on, only the owner or a
 * {@code herald/admin} client reads, polls, updates, deletes or asks the status, events or binding token of a
 * Subscription; to anyone else it does not exist (404). A deleted one is written again by an admin only (its
 * notifications were its owner's).
 */
final class Owners {

  /** The routing context's key for the {@link Writer} of the Subscription a request updates (an admin's update keeps it). */
  private static final String OWNER = "herald.owner";

  private final StoreClient store;

  Owners(StoreClient store) {
    this.store = store;
  }

  /** For {@code /fhir/Subscription/:id[/...]}, after {@link Access}: lets the owner (and admins) on. */
  void check(RoutingContext ctx) {
    String client = Access.client(ctx);
    boolean admin = client != null && Access.scopes(ctx).admin();
    if (client == null || admin && ctx.request().method() != HttpMethod.PUT) {   // null: an open path
      ctx.next();
      return;
    }
    String id = ctx.pathParam("id");
    ctx.request().pause();   // the body waits for the answer
    store.request(Addresses.STORE_READ, new JsonObject().put("type", "Subscription").put("id", id)).onComplete(read -> {
      ctx.request().resume();
      if (read.succeeded()) {
        Writer owner = Writer.of(read.result().getJsonObject("resource"));
        if (admin || owner != null && client.equals(owner.client())) {
          if (owner != null && !client.equals(owner.client())) {
            ctx.put(OWNER, owner);   // an admin's update: the owner and the scopes it is matched within stay
          }
          ctx.next();
        } else {
          Errors.send(ctx, Errors.notFound("There is no Subscription/" + id + " of client " + client));
        }
      } else if (admin || read.cause() instanceof ReplyException r && r.failureCode() == Failures.NOT_FOUND) {
        ctx.next();   // nobody's: a PUT makes it the caller's; anything else answers 404 itself
      } else if (read.cause() instanceof ReplyException r && r.failureCode() == Failures.GONE
          && ctx.request().method() == HttpMethod.PUT) {
        Errors.send(ctx, Errors.forbidden("Subscription/" + id + " was deleted; only a " + "herald/admin client may"
            + " write it again"));
      } else if (read.cause() instanceof ReplyException r && r.failureCode() == Failures.GONE) {
        Errors.send(ctx, Errors.notFound("There is no Subscription/" + id + " of client " + client));
      } else {
        Errors.send(ctx, read.cause());
      }
    });
  }

  /**
   * Who a Subscription written by this request belongs to, with the scopes it is matched within: its owner so far
   * when an admin updates it, else the caller (null: authentication off).
   */
  static Writer writer(RoutingContext ctx) {
    Writer kept = ctx.get(OWNER);
    Scopes scopes = Access.scopes(ctx);
    return kept != null ? kept : scopes == null ? null : new Writer(Access.client(ctx), scopes.toString(), scopes.patient());
  }
}
