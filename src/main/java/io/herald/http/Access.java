package io.herald.http;

import io.herald.auth.AuthConfig;
import io.herald.auth.Caller;
import io.herald.auth.CompactJwt;
import io.herald.auth.Scopes;
import io.herald.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Who is calling, and whether they may: verifies the bearer token of every request but the open ones (the
 * CapabilityStatement, the health checks, the metrics, the token endpoint), refuses a revoked client's tokens, and
 * lets a request on only when the token's scopes allow what it does ({@link Permissions}). 401 without a valid token,
 * 403 with one that does not allow the request. Routed only when authentication is on. One per HTTP verticle, confined
 * to its event loop.
 */
final class Access implements Handler<RoutingContext> {

  /** The routing context's key for the caller's {@link Scopes}. */
  static final String SCOPES = "herald.scopes";
  /** The routing context's key for the caller's client id. */
  static final String CLIENT = "herald.client";

  /** How often an external identity provider's keys are read again (a key it rotates in is known by then). */
  private static final Logger LOG = Logger.getLogger(Access.class.getName());
  private static final int VERIFIED = 10_000;
  /** What an identity provider's tokens may be signed with: its public keys' algorithms, never "none" nor a shared secret. */
  private static final Set<String> EXTERNAL_ALGORITHMS = Set.of("ES256", "ES384", "ES512", "RS256", "RS384", "RS512",
      "PS256", "PS384", "PS512");
  private static final long JWKS_REFRESH_MS = 10 * 60_000;

  private final Vertx vertx;
  private final AuthConfig config;
  private final RequestRates rates;
  /**
   * Tokens checked already, with their callers, the least recently used forgotten past {@value #VERIFIED}: checking an
   * ES256 signature costs far more than the rest of a read, and a client sends one token many times. An entry is used
   * only until the token expires; revocation is looked at on every request all the same.
   */
  private final Map<String, Caller> verified = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Caller> eldest) {
      return size() > VERIFIED;
    }
  };
  private JWTAuth verifier;
  private JWTAuth external;   // the identity provider's keys; null without one
  private String ownAlgorithm;
  private Set<String> revoked = Set.of();
  private boolean listened;   // a revocation was heard: newer than what the key's answer said

  Access(Vertx vertx, AuthConfig config) {
    this.vertx = vertx;
    this.config = config;
    this.rates = new RequestRates(vertx, config.requestsPerSecond());
  }

  /**
   * Gets the key to verify tokens with and the revoked clients, then follows revocations; with an external identity
   * provider, reads its keys (and again every {@value #JWKS_REFRESH_MS} ms).
   */
  Future<Void> start() {
    Future<Void> keys = Future.succeededFuture();
    if (config.external()) {
      HttpClientAgent client = vertx.createHttpClient();
      keys = readKeys(client);
      vertx.setPeriodic(JWKS_REFRESH_MS, t -> readKeys(client).onFailure(e ->
          LOG.warning("The keys at " + config.jwksUri() + " could not be read again (the last ones stay): " + e.getMessage())));
    }
    return keys.compose(v -> own()).compose(v -> rates.start());
  }

  /** The identity provider's JSON Web Key Set: its tokens are verified with these keys from now on. */
  private Future<Void> readKeys(HttpClientAgent client) {
    return client.request(new RequestOptions().setAbsoluteURI(config.jwksUri()).setTimeout(10_000))
        .compose(request -> request.send())
        .compose(response -> response.statusCode() == 200 ? response.body()
            : Future.failedFuture(config.jwksUri() + " answered " + response.statusCode()))
        .map(body -> {
          List<JsonObject> jwks = new ArrayList<>();
          body.toJsonObject().getJsonArray("keys").forEach(key -> jwks.add((JsonObject) key));
          JWTOptions expected = new JWTOptions().setIssuer(config.issuer());
          if (config.audience() != null) {
            expected.addAudience(config.audience());
          }
          external = JWTAuth.create(vertx, new JWTAuthOptions().setJwks(jwks).setJWTOptions(expected));
          return null;
        });
  }

  private Future<Void> own() {
    // Listening before asking: a revocation published meanwhile is not missed (a later answer can only add to it).
    MessageConsumer<JsonObject> revocations = vertx.eventBus().localConsumer(Addresses.AUTH_REVOKED, m -> {
      revoked = revokedOf(m.body().getJsonArray("clients"));
      listened = true;
    });
    return revocations.completion().compose(v -> vertx.eventBus().<JsonObject>request(Addresses.AUTH_KEY, new JsonObject()))
        .map(reply -> {
          JsonObject key = reply.body();
          ownAlgorithm = key.getString("algorithm");
          verifier = JWTAuth.create(vertx, new JWTAuthOptions()
              .addPubSecKey(new PubSecKeyOptions().setAlgorithm(key.getString("algorithm")).setBuffer(key.getString("publicPem")))
              .setJWTOptions(new JWTOptions().setIssuer(key.getString("issuer"))));
          if (!listened) {
            revoked = revokedOf(key.getJsonArray("revoked"));
          }
          return null;
        });
  }

  private static Set<String> revokedOf(JsonArray clients) {
    Set<String> ids = new HashSet<>();
    clients.forEach(id -> ids.add((String) id));
    return ids;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Permissions.Need need = Permissions.of(ctx.request().method(), ctx.normalizedPath());
    if (need == null) {
      ctx.next();
      return;
    }
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      Errors.send(ctx, Errors.unauthenticated(ctx.request().method() + " " + ctx.normalizedPath() + " needs a bearer token"
          + " (Authorization: Bearer <token>); a client gets one at /auth/token"));
      return;
    }
    ctx.request().pause();   // no body chunk may go by while the token is looked at
    Future<Caller> verified = verify(header.substring(7).trim());
    verified.onComplete(done -> {
      ctx.request().resume();
      decide(ctx, need, verified);
    });
  }

  /**
   * The caller of a token that is valid: signed by Herald, not expired, and its client not revoked; or, with an external
   * identity provider, signed by one of its keys with its issuer (the client is then its {@code azp},
   * {@code client_id} or {@code sub}, {@code @} the issuer, and its scopes those of {@code scope} or {@code scp} that are
   * Herald's).
   */
  Future<Caller> verify(String token) {
    Caller known = verified.get(token);
    Future<Caller> caller = known != null && known.expiresAt() > System.currentTimeMillis() / 1000
        ? Future.succeededFuture(known) : check(token).onSuccess(checked -> verified.put(token, checked));
    return caller.compose(c -> revoked.contains(c.client()) ? Future.failedFuture("client " + c.client() + " is revoked")
        : Future.succeededFuture(c));
  }

  /** A token's signature, issuer and times checked, and its claims read (the revocation is looked at by the caller). */
  private Future<Caller> check(String token) {
    if (!CompactJwt.strict(token)) {
      return Future.failedFuture("it is not a JSON Web Token (three base64url parts, each as its bytes encode)");
    }
    JsonObject header = CompactJwt.part(token, 0);
    String alg = header == null ? null : header.getString("alg");
    if (external != null && config.issuer().equals(issuer(token))) {
      if (!EXTERNAL_ALGORITHMS.contains(alg)) {
        return Future.failedFuture("its algorithm is " + alg + ", not one of " + EXTERNAL_ALGORITHMS);
      }
      return external.authenticate(new TokenCredentials(token)).map(user -> {
        JsonObject claims = CompactJwt.claims(user);
        if (!(claims.getValue("exp") instanceof Number)) {
          throw new IllegalArgumentException("the token has no exp: it would never expire");
        }
        String id = claims.getString("azp", claims.getString("client_id", claims.getString("sub")));
        if (id == null) {
          throw new IllegalArgumentException("the token names no client (azp, client_id or sub)");
        }
        Object scp = claims.getValue("scp");
        String scope = scp instanceof JsonArray list ? String.join(" ", list.stream().map(String::valueOf).toList())
            : claims.getString("scope");
        Object exp = claims.getValue("exp");
        return new Caller(id + "@" + config.issuer(), Scopes.parseGranted(scope, claims.getString("patient")),
            exp instanceof Number n ? n.longValue() : Long.MAX_VALUE);
      });
    }
    if (!ownAlgorithm.equals(alg)) {
      return Future.failedFuture("its algorithm is " + alg + ", not Herald's " + ownAlgorithm);
    }
    return verifier.authenticate(new TokenCredentials(token)).compose(user -> {
      String client = user.subject();
      if (client == null) {
        return Future.failedFuture("the token names no client (sub)");
      }
      Object exp = CompactJwt.claims(user).getValue("exp");
      return Future.succeededFuture(new Caller(client, Scopes.parse(claim(user, "scope"), claim(user, "patient")),
          exp instanceof Number n ? n.longValue() : Long.MAX_VALUE));
    });
  }

  /** The issuer a token says it has, unverified (to choose what to verify it with); null when it cannot be read. */
  private static String issuer(String token) {
    JsonObject claims = CompactJwt.part(token, 1);
    return claims == null ? null : claims.getString("iss");
  }

  private static String claim(User user, String name) {
    return CompactJwt.claims(user).getString(name);
  }

  private void decide(RoutingContext ctx, Permissions.Need need, Future<Caller> verified) {
    if (verified.failed()) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"herald\", error=\"invalid_token\"");
      Errors.send(ctx, Errors.unauthenticated("The bearer token is not valid: " + verified.cause().getMessage()));
      return;
    }
    long wait = rates.wait(verified.result().client());
    if (wait > 0) {
      ctx.response().putHeader("Retry-After", Long.toString((wait + 999) / 1000));
      Errors.send(ctx, Errors.throttled("Client " + verified.result().client() + " made " + config.requestsPerSecond()
          + " requests this second, the most it may (auth.requestsPerSecond); try again in " + wait + " ms"));
      return;
    }
    Scopes scopes = verified.result().scopes();
    if (!need.allowedBy(scopes)) {
      Errors.send(ctx, Errors.forbidden("The token's scopes (" + scopes + ") do not allow " + need));
      return;
    }
    ctx.put(SCOPES, scopes);
    ctx.put(CLIENT, verified.result().client());
    ctx.next();
  }

  /** The caller's scopes; null when authentication is off. */
  static Scopes scopes(RoutingContext ctx) {
    return ctx.get(SCOPES);
  }

  /** The caller's client id; null when authentication is off. */
  static String client(RoutingContext ctx) {
    return ctx.get(CLIENT);
  }
}
