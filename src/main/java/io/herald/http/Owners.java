package io.herald.http;

import io.herald.bus.Addresses;
import io.herald.bus.Failures;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * A Subscription belongs to the client that wrote it: its {@code meta.tag} of system {@value #SYSTEM} names that
 * client, set by Herald on every write (a tag a request brings is dropped). With authentication on, only the owner or a
 * {@code herald/admin} client reads, polls, updates, deletes or asks the status, events or binding token of a
 * Subscription; to anyone else it does not exist (404). A deleted one is written again by an admin only (its
 * notifications were its owner's).
 */
final class Owners {

  static final String SYSTEM = "http://herald.io/fhir/CodeSystem/subscription-owner";
  /** The routing context's key for the owner of the Subscription a request updates (an admin's update keeps it). */
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
        String owner = owner(read.result().getJsonObject("resource"));
        if (admin || client.equals(owner)) {
          ctx.put(OWNER, owner);
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

  /** Who a Subscription written by this request belongs to: its owner so far when an admin updates it, else the caller. */
  static String writer(RoutingContext ctx) {
    String kept = ctx.get(OWNER);
    return kept != null ? kept : Access.client(ctx);
  }

  /** The client a Subscription belongs to; null for none. */
  static String owner(JsonObject subscription) {
    JsonObject meta = subscription == null ? null : subscription.getJsonObject("meta");
    JsonArray tags = meta == null ? null : meta.getJsonArray("tag");
    if (tags != null) {
      for (Object tag : tags) {
        if (tag instanceof JsonObject t && SYSTEM.equals(t.getString("system"))) {
          return t.getString("code");
        }
      }
    }
    return null;
  }

  /** {@code subscription} as written by {@code client} (null: authentication off, no owner): its owner tag set. */
  static void stamp(JsonObject subscription, String client) {
    Object meta = subscription.getValue("meta");
    JsonObject m = meta instanceof JsonObject given ? given : new JsonObject();
    JsonArray kept = new JsonArray();
    if (m.getValue("tag") instanceof JsonArray tags) {
      tags.forEach(tag -> {
        if (!(tag instanceof JsonObject t && SYSTEM.equals(t.getString("system")))) {
          kept.add(tag);
        }
      });
    }
    if (client != null) {
      kept.add(new JsonObject().put("system", SYSTEM).put("code", client));
    }
    if (kept.isEmpty()) {
      m.remove("tag");
    } else {
      m.put("tag", kept);
    }
    if (!m.isEmpty() || meta != null) {
      subscription.put("meta", m);
    }
  }
}
