package io.herald.auth;

import io.herald.bus.Addresses;
import io.herald.bus.Failures;
import io.herald.bus.Refusal;
import io.herald.database.Database;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.sqlclient.Pool;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Who may call Herald: issues tokens to clients that prove their secret ({@link Addresses#AUTH_TOKEN}), manages the
 * clients ({@code herald.auth.client.*}), hands the HTTP verticles the key to verify tokens with, and tells them, within
 * {@code REVOKED_MS}, which clients are revoked ({@link Addresses#AUTH_REVOKED}; read from PostgreSQL on every node, so a
 * client revoked on one node is refused on all). On first start, makes the {@code admin} client.
 */
public final class AuthVerticle extends VerticleBase {

  /** The {@code iss} of Herald's tokens. */
  private static final String ISSUER = AuthConfig.ISSUER;

  private static final Logger LOG = Logger.getLogger(AuthVerticle.class.getName());
  private static final long REVOKED_MS = 2000;
  /** The furthest ahead a client assertion may expire (SMART Backend Services: five minutes). */
  private static final long ASSERTION_SECONDS = 300;
  /** The algorithms a client assertion may be signed with (SMART Backend Services asks for ES384 and RS384). */
  static final Set<String> SIGNED_WITH = Set.of("ES256", "ES384", "RS256", "RS384");
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final String pgUri;
  private final AuthConfig config;
  private final ClientSockets clientSockets;
  private Pool pool;
  private Clients clients;
  private SigningKey key;
  private JWTAuth signer;
  private List<String> revoked = List.of();
  private long timer = -1;
  private boolean looking;
  private boolean lookAgain;

  /** @param clientSockets the node's count of sockets per client, told to the cluster while this runs */
  public AuthVerticle(String pgUri, AuthConfig config, ClientSockets clientSockets) {
    this.clientSockets = clientSockets;
    this.pgUri = pgUri;
    this.config = config;
  }

  @Override
  public Future<?> start() {
    if (!config.enabled()) {
      return Future.succeededFuture();   // no tokens, no clients: nothing to serve
    }
    pool = Database.pool(vertx, Database.connectOptions(pgUri), 2);
    clientSockets.start(vertx);
    clients = new Clients(vertx, pool);
    return SigningKey.load(pool).compose(loaded -> {
      key = loaded;
      signer = JWTAuth.create(vertx, new JWTAuthOptions()
          .addPubSecKey(new PubSecKeyOptions().setAlgorithm(key.algorithm()).setBuffer(key.privatePem())));
      return first();
    }).compose(v -> clients.revoked()).compose(ids -> {
      revoked = ids;
      timer = vertx.setPeriodic(REVOKED_MS, id -> lookAtRevoked());
      return Future.join(List.of(
          vertx.eventBus().<JsonObject>localConsumer(Addresses.AUTH_KEY, m -> m.reply(new JsonObject()
              .put("algorithm", key.algorithm()).put("publicPem", key.publicPem()).put("issuer", ISSUER)
              .put("revoked", new JsonArray(revoked)))).completion(),
          vertx.eventBus().<JsonObject>localConsumer(Addresses.AUTH_TOKEN, this::token).completion(),
          vertx.eventBus().<JsonObject>localConsumer(Addresses.AUTH_CLIENT_ADD, m -> answer(m, () -> clients.add(
              m.body().getString("id"), m.body().getString("scopes"), m.body().getString("patient"),
              m.body().getJsonObject("jwks")))).completion(),
          vertx.eventBus().<JsonObject>localConsumer(Addresses.AUTH_CLIENT_LIST, m -> answer(m, clients::list)).completion(),
          vertx.eventBus().<JsonObject>localConsumer(Addresses.AUTH_CLIENT_REVOKE, m -> answer(m, () -> clients.revoke(
              m.body().getString("id")).onSuccess(done -> lookAtRevoked()))).completion()));
    });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return clientSockets.stop().eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }

  /** The first start: the admin client, with the configured secret or one made up and printed this once. */
  private Future<Void> first() {
    String secret = config.adminSecret() != null ? config.adminSecret() : Secrets.make();
    return clients.first(secret).map(made -> {
      if (made && config.adminSecret() == null) {
        System.out.println("\n  Herald made its first client, 'admin' (scopes: " + Clients.ADMIN_SCOPES + ")."
            + "\n  Its secret, shown this once and stored only as a hash:\n\n    " + secret
            + "\n\n  Get a token: curl -s -u admin:<secret> -d grant_type=client_credentials <herald>/auth/token\n");
      } else if (made) {
        LOG.info("Made the first client, 'admin', with the secret HERALD_ADMIN_SECRET gives");
      } else if (config.adminSecret() != null) {
        LOG.warning("HERALD_ADMIN_SECRET is set but clients exist already: it changes nothing (it is for the first start)");
      }
      return null;
    });
  }

  /**
   * {client, secret, scope?}, or {assertion, audience, scope?} (SMART Backend Services: a JWT the client signed with one
   * of its keys) → {access_token, token_type, expires_in, scope}.
   */
  private void token(Message<JsonObject> message) {
    JsonObject body = message.body();
    if (body.getString("assertion") != null) {
      answer(message, () -> asserted(body.getString("assertion"), body.getString("audience"))
          .compose(client -> issue(client.getKey(), client.getValue(), body.getString("scope"))));
      return;
    }
    answer(message, () -> clients.check(body.getString("client"), body.getString("secret"))
        .compose(granted -> issue(body.getString("client"), granted, body.getString("scope"))));
  }

  /**
   * The client of a signed assertion and its scopes: {@code iss} and {@code sub} its id, signed by one of its keys,
   * {@code aud} this token endpoint, expiring within {@value #ASSERTION_SECONDS} s, its {@code jti} never seen before.
   */
  private Future<Map.Entry<String, Scopes>> asserted(String assertion, String audience) {
    Refusal refused = new Refusal(Failures.UNAUTHENTICATED, "The client assertion is not valid");
    JsonObject header = CompactJwt.strict(assertion) ? CompactJwt.part(assertion, 0) : null;
    JsonObject unverified = header == null ? null : CompactJwt.part(assertion, 1);
    if (unverified == null || !SIGNED_WITH.contains(header.getString("alg"))) {
      return Future.failedFuture(refused);   // signed, with one of the keys' algorithms: never "none"
    }
    String id = unverified.getValue("iss") instanceof String iss ? iss : null;
    return clients.keyed(id).compose(keyed -> JWTAuth.create(vertx, new JWTAuthOptions().setJwks(keyed.keys())
            .setJWTOptions(new JWTOptions().setIssuer(id).addAudience(audience)))
        .authenticate(new TokenCredentials(assertion))
        .recover(e -> Future.failedFuture(new Refusal(Failures.UNAUTHENTICATED, "The client assertion is not valid: "
            + e.getMessage())))
        .compose(user -> {
          JsonObject claims = CompactJwt.claims(user);
          long now = System.currentTimeMillis() / 1000;
          if (!id.equals(claims.getString("sub")) || !(claims.getValue("exp") instanceof Number exp)
              || exp.longValue() > now + ASSERTION_SECONDS || !(claims.getValue("jti") instanceof String jti) || jti.isEmpty()) {
            return Future.failedFuture(new Refusal(Failures.UNAUTHENTICATED, "A client assertion has sub = iss = the"
                + " client's id, an exp at most " + ASSERTION_SECONDS + " s ahead, and a jti"));
          }
          return clients.once(id, jti, exp.longValue()).map(v -> Map.entry(id, keyed.scopes()));
        }));
  }

  /** A token for {@code client}, with the scopes it asks ({@code scope}; all it has when null) if it has them. */
  private Future<JsonObject> issue(String client, Scopes granted, String scope) {
    Scopes asked = scope == null ? granted : Scopes.parse(scope, granted.patient());
    if (asked.isEmpty()) {
      return Future.failedFuture(new Refusal(Failures.INVALID, "invalid_scope: ask for at least one of the client's"
          + " scopes (" + granted + "), or leave scope out for all of them"));
    }
    if (!granted.includes(asked)) {
      return Future.failedFuture(new Refusal(Failures.INVALID, "invalid_scope: the client may have " + granted
          + ", not all of " + asked));
    }
    JsonObject claims = new JsonObject().put("sub", client).put("scope", asked.toString());
    if (asked.patient() != null) {
      claims.put("patient", asked.patient());   // SMART's launch context: whose compartment patient/ scopes open
    }
    String token = signer.generateToken(claims,
        new JWTOptions().setAlgorithm(key.algorithm()).setIssuer(ISSUER).setExpiresInSeconds(config.tokenSeconds()));
    JsonObject answer = new JsonObject().put("access_token", token).put("token_type", "bearer")
        .put("expires_in", config.tokenSeconds()).put("scope", asked.toString());
    return Future.succeededFuture(asked.patient() == null ? answer : answer.put("patient", asked.patient()));
  }

  private void lookAtRevoked() {
    if (looking) {
      lookAgain = true;   // one read at a time: a late older answer never overwrites a newer one
      return;
    }
    looking = true;
    clients.revoked().onComplete(done -> {
      looking = false;
      if (lookAgain) {
        lookAgain = false;
        lookAtRevoked();
      }
    }).onSuccess(ids -> {
      if (!ids.equals(revoked)) {
        revoked = ids;
        vertx.eventBus().publish(Addresses.AUTH_REVOKED, new JsonObject().put("clients", new JsonArray(ids)), LOCAL);
      }
    }).onFailure(e -> LOG.log(Level.FINE, "Revoked clients not read (read again soon)", e));
  }

  private static void answer(Message<JsonObject> message, Supplier<Future<JsonObject>> work) {
    Future<JsonObject> done;
    try {
      done = work.get();
    } catch (IllegalArgumentException e) {
      done = Future.failedFuture(new Refusal(Failures.INVALID, e.getMessage()));
    }
    done.onSuccess(message::reply).onFailure(e -> {
      if (e instanceof Refusal refusal) {
        message.fail(refusal.code, refusal.getMessage());
      } else if (e instanceof IllegalArgumentException) {
        message.fail(Failures.INVALID, e.getMessage());
      } else {
        LOG.log(Level.WARNING, "An auth request failed", e);
        message.fail(Failures.UNAVAILABLE, "The clients could not be read or written: " + e.getMessage());
      }
    });
  }
}
