package io.herald.http;

import io.herald.auth.Scopes;
import io.herald.bus.Addresses;
import io.herald.bus.Failures;
import io.herald.subscription.Writer;
import io.netty.handler.codec.DecoderException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /auth/token}, OAuth 2.0's client credentials grant: a client authenticated by its secret (HTTP Basic, or
 * {@code client_id} and {@code client_secret} in the form) gets a short-lived bearer token with its scopes, or those of
 * them it asks for ({@code scope}); errors as OAuth has them ({@code {"error": ...}}). And the clients, for a caller
 * with scope {@code herald/admin}: {@code POST /auth/clients} ({id, scopes, patient?} → the new client's secret, this
 * once; its scopes' queries checked to be searches of their types),
 * {@code GET /auth/clients}, {@code DELETE /auth/clients/{id}} (revoked: refused on every node within seconds).
 */
final class AuthHandler {

  /** How long after a revocation every node refuses the client's tokens (each reads revocations every 2 s). */
  private static final long REVOKED_EVERYWHERE_MS = 5000;

  /** RFC 7523's client authentication by a signed JWT, as SMART Backend Services use it. */
  static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

  private final EventBus bus;
  private final Restrictions restrictions;
  private final StoreClient store;
  private final String tokenUrl;   // what client assertions are addressed to; null: as each request names it

  AuthHandler(EventBus bus, StoreClient store, Restrictions restrictions, String tokenUrl) {
    this.tokenUrl = tokenUrl;
    this.store = store;
    this.restrictions = restrictions;
    this.bus = bus;
  }

  /** A token request the body handler could not read (a bad %-escape in the form): OAuth's 400, not a 500. */
  void tokenFailure(RoutingContext ctx) {
    if (ctx.failure() instanceof DecoderException || ctx.failure() != null && ctx.failure().getCause() instanceof DecoderException) {
      oauthError(ctx, 400, "invalid_request", "The form is not application/x-www-form-urlencoded as it should be: "
          + ctx.failure().getMessage());
    } else {
      ctx.next();
    }
  }

  void token(RoutingContext ctx) {
    MultiMap form;
    try {
      form = ctx.request().formAttributes();
    } catch (RuntimeException e) {   // Netty's form decoder: a bad %-escape
      oauthError(ctx, 400, "invalid_request", "The form is not application/x-www-form-urlencoded as it should be: "
          + e.getMessage());
      return;
    }
    if (!"client_credentials".equals(form.get("grant_type"))) {
      oauthError(ctx, 400, "unsupported_grant_type", "grant_type must be client_credentials");
      return;
    }
    String[] basic = basic(ctx.request().getHeader("Authorization"));
    if (form.contains("client_assertion") || form.contains("client_assertion_type")) {
      if (!ASSERTION_TYPE.equals(form.get("client_assertion_type")) || form.get("client_assertion") == null) {
        oauthError(ctx, 400, "invalid_request", "A client assertion is client_assertion_type=" + ASSERTION_TYPE
            + " with client_assertion, a JWT the client signed");
      } else if (basic != null || form.contains("client_secret")) {
        oauthError(ctx, 400, "invalid_request", "The client authenticates one way: an assertion, or its secret, not both");
      } else {
        tokenFor(ctx, new JsonObject().put("assertion", form.get("client_assertion"))
            .put("audience", tokenUrl != null ? tokenUrl : Responses.base(ctx) + "/auth/token"), form);
      }
      return;
    }
    if (basic != null && (form.contains("client_id") || form.contains("client_secret"))) {
      oauthError(ctx, 400, "invalid_request", "The client authenticates one way: HTTP Basic, or client_id and"
          + " client_secret in the form, not both");
      return;
    }
    String client = basic != null ? basic[0] : form.get("client_id");
    String secret = basic != null ? basic[1] : form.get("client_secret");
    if (client == null || secret == null) {
      ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"herald\"");
      oauthError(ctx, 401, "invalid_client", "Authenticate the client: HTTP Basic with its id and secret, or client_id and"
          + " client_secret in the form");
      return;
    }
    tokenFor(ctx, new JsonObject().put("client", client).put("secret", secret), form);
  }

  /** Asks for a token for the client {@code ask} authenticates, with the form's {@code scope}; answers as OAuth does. */
  private void tokenFor(RoutingContext ctx, JsonObject ask, MultiMap form) {
    if (form.get("scope") != null) {
      ask.put("scope", form.get("scope"));
    }
    bus.<JsonObject>request(Addresses.AUTH_TOKEN, ask).onSuccess(reply -> ctx.response().setStatusCode(200)
        .putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store").putHeader("Pragma", "no-cache")
        .end(reply.body().toBuffer())).onFailure(failure -> {
          if (failure instanceof ReplyException r && r.failureType() == ReplyFailure.RECIPIENT_FAILURE
              && r.failureCode() == Failures.UNAUTHENTICATED) {
            oauthError(ctx, 401, "invalid_client", r.getMessage());
          } else if (failure instanceof ReplyException r && r.failureType() == ReplyFailure.RECIPIENT_FAILURE
              && r.failureCode() == Failures.INVALID) {
            oauthError(ctx, 400, "invalid_scope", r.getMessage());
          } else {
            Errors.send(ctx, failure);
          }
        });
  }

  /** id and secret of an HTTP Basic header (each form-urlencoded, as OAuth 2.0 has them); null without one. */
  private static String[] basic(String header) {
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    try {
      String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      return colon < 0 ? null : new String[] {URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
          URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)};
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static void oauthError(RoutingContext ctx, int status, String error, String description) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
        .end(new JsonObject().put("error", error).put("error_description", description).toBuffer());
  }

  void addClient(RoutingContext ctx) {
    StoreClient.handle(ctx, () -> {
      JsonObject body;
      try {
        body = ctx.body().asJsonObject();
      } catch (DecodeException | ClassCastException e) {
        throw Errors.invalid("The body must be a JSON object {\"id\": ..., \"scopes\": \"system/Patient.rs ...\"}");
      }
      if (body == null || !(body.getValue("id") instanceof String) || !(body.getValue("scopes") instanceof String)
          || body.getValue("patient") != null && !(body.getValue("patient") instanceof String)
          || body.getValue("jwks") != null && !(body.getValue("jwks") instanceof JsonObject)) {
        throw Errors.invalid("A client is {\"id\": \"...\", \"scopes\": \"system/Patient.rs ...\"} (with"
            + " \"patient\": \"<Patient id>\" for patient/ scopes), all strings");
      }
      for (String name : body.fieldNames()) {
        if (!Set.of("id", "scopes", "patient", "jwks").contains(name)) {
          throw Errors.invalid("A client has an id, scopes, perhaps a patient and perhaps its public keys (jwks); not '"
              + name + "'");
        }
      }
      String problem;
      try {
        problem = restrictions.problem(Scopes.parse(body.getString("scopes"), body.getString("patient")));
      } catch (IllegalArgumentException e) {
        problem = e.getMessage();
      }
      if (problem != null) {
        throw Errors.invalid(problem);
      }
      return answer(ctx, 201, Addresses.AUTH_CLIENT_ADD, new JsonObject().put("id", body.getString("id"))
          .put("scopes", body.getString("scopes")).put("patient", body.getString("patient"))
          .put("jwks", body.getJsonObject("jwks")));
    });
  }

  void clients(RoutingContext ctx) {
    StoreClient.handle(ctx, () -> answer(ctx, 200, Addresses.AUTH_CLIENT_LIST, new JsonObject()));
  }

  /**
   * Revokes a client, and sets its subscriptions {@code off} (with {@code error} saying why): nothing more is matched
   * for it or sent to its endpoints. Its live sockets are closed by every node's bridge as the revocation reaches it.
   */
  void revoke(RoutingContext ctx) {
    StoreClient.handle(ctx, () -> {
      String client = ctx.pathParam("id");
      return bus.<JsonObject>request(Addresses.AUTH_CLIENT_REVOKE, new JsonObject().put("id", client))
          .compose(revoked -> silence(client, 0).map(off -> revoked.body().put("subscriptionsOff", off)))
          .onSuccess(reply -> {
            send(ctx, 200, reply);
            // Again once every node refuses the client (they read revocations every 2 s): a subscription it wrote
            // through another node meanwhile is set off too.
            ctx.vertx().setTimer(REVOKED_EVERYWHERE_MS, t -> silence(client, 0));
          });
    });
  }

  /** Sets off the running subscriptions {@code client} owns, a page at a time; how many, with {@code done} before. */
  private Future<Integer> silence(String client, int done) {
    JsonObject search = new JsonObject().put("type", "Subscription").put("params", new JsonObject()
        .put("_tag", new JsonArray().add(Writer.OWNER + "|" + client))
        .put("status", new JsonArray().add("requested,active,error"))
        .put("_count", new JsonArray().add("100")));
    return store.request(Addresses.STORE_SEARCH, search).compose(found -> {
      JsonArray resources = found.getJsonArray("resources");
      List<Future<JsonObject>> writes = new ArrayList<>();
      for (Object each : resources) {
        JsonObject subscription = (JsonObject) each;
        long version = Long.parseLong(subscription.getJsonObject("meta").getString("versionId"));
        writes.add(store.request(Addresses.STORE_UPDATE, new JsonObject().put("type", "Subscription")
            .put("id", subscription.getString("id")).put("ifMatch", version)
            .put("resource", subscription.copy().put("status", "off").put("error", "Its client, " + client
                + ", was revoked"))));
      }
      // One changed meanwhile (its If-Match failed) is found again by the next search, as are the next page's; a round
      // that changes nothing ends it.
      return Future.join(writes).transform(all -> {
        int off = (int) writes.stream().filter(Future::succeeded).count();
        return off == 0 ? Future.succeededFuture(done) : silence(client, done + off);
      });
    });
  }

  private Future<?> answer(RoutingContext ctx, int status, String address, JsonObject ask) {
    return bus.<JsonObject>request(address, ask).onSuccess(reply -> send(ctx, status, reply.body()));
  }

  private static void send(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
        .end(body.toBuffer());
  }
}
