package io.herald.auth;

import io.herald.bus.Failures;
import io.herald.bus.Refusal;
import io.herald.fhir.Instants;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.impl.jose.JWK;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The clients, in PostgreSQL: added with a secret kept only as its hash, listed, revoked, checked. */
final class Clients {

  /** The client made on first start. */
  static final String ADMIN = "admin";
  static final String ADMIN_SCOPES = Scopes.ADMIN + " system/*.cruds";

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

  /** A hash no secret matches, checked for an unknown client. */
  private static final String UNKNOWN = Secrets.hash(Secrets.make());

  private final Vertx vertx;
  private final Pool pool;

  Clients(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
  }

  /** Makes the {@value #ADMIN} client with {@code secret} when there is no client at all; whether it was made. */
  Future<Boolean> first(String secret) {
    return vertx.executeBlocking(() -> Secrets.hash(secret), false)
        .compose(hash -> pool.preparedQuery(AuthSql.FIRST_CLIENT).execute(Tuple.of(ADMIN, hash, ADMIN_SCOPES)))
        .map(rows -> rows.size() == 1);
  }

  /** What a client that authenticates with a signed assertion may have, and the keys it signs with. */
  record Keyed(Scopes scopes, List<JsonObject> keys) {
  }

  /**
   * A new client with {@code scopes} and, for patient-level scopes, the {@code patient} whose compartment they open:
   * {id, secret, scopes, patient?, created} (the secret this once). With {@code jwks} (its public keys, a JSON Web
   * Key Set) it has no secret: it authenticates with assertions signed by one of those keys.
   */
  Future<JsonObject> add(String id, String scopes, String patient, JsonObject jwks) {
    if (!ID.matcher(id).matches()) {
      return Future.failedFuture(new Refusal(Failures.INVALID, "A client id is 1 to 64 letters, digits, '-' and '.', not '"
          + id + "'"));
    }
    Scopes parsed;
    try {
      parsed = Scopes.parse(scopes, patient);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new Refusal(Failures.INVALID, e.getMessage()));
    }
    if (parsed.patientLevel() != (patient != null)) {
      return Future.failedFuture(new Refusal(Failures.INVALID, patient == null
          ? "Patient-level scopes need the patient whose compartment they open: {\"patient\": \"<Patient id>\"}"
          : "A patient is given to a client with patient-level scopes (patient/...) only"));
    }
    if (parsed.isEmpty()) {
      return Future.failedFuture(new Refusal(Failures.INVALID, "A client needs at least one scope, such as system/Patient.rs"));
    }
    String problem = jwks == null ? null : publicKeys(jwks);
    if (problem != null) {
      return Future.failedFuture(new Refusal(Failures.INVALID, "jwks: " + problem));
    }
    String secret = jwks == null ? Secrets.make() : null;
    return vertx.executeBlocking(() -> secret == null ? null : Secrets.hash(secret), false)
        .compose(hash -> pool.preparedQuery(AuthSql.ADD_CLIENT).execute(Tuple.of(id, hash, parsed.toString(), patient, jwks)))
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(new Refusal(Failures.CONFLICT, "There is a client '" + id + "' already"))
            : Future.succeededFuture(new JsonObject().put("id", id).put(secret == null ? "authentication" : "secret",
                    secret == null ? "private_key_jwt" : secret).put("scopes", parsed.toString())
                .put("created", Instants.format(rows.iterator().next().getOffsetDateTime("created_at")))
                .mergeIn(patient == null ? new JsonObject() : new JsonObject().put("patient", patient))));
  }

  Future<JsonObject> list() {
    return pool.query(AuthSql.CLIENTS).execute().map(rows -> {
      JsonArray clients = new JsonArray();
      for (Row row : rows) {
        JsonObject client = new JsonObject().put("id", row.getString("id")).put("scopes", row.getString("scopes"));
        if (row.getString("patient") != null) {
          client.put("patient", row.getString("patient"));
        }
        client.put("authentication", row.getBoolean("keyed") ? "private_key_jwt" : "client_secret");
        client.put("created", Instants.format(row.getOffsetDateTime("created_at")));
        if (row.getOffsetDateTime("revoked_at") != null) {
          client.put("revoked", Instants.format(row.getOffsetDateTime("revoked_at")));
        }
        clients.add(client);
      }
      return new JsonObject().put("clients", clients);
    });
  }

  /** Revokes client {@code id}: no token is issued to it any more, and those it holds are refused. */
  Future<JsonObject> revoke(String id) {
    if (!ID.matcher(id).matches()) {
      return Future.failedFuture(new Refusal(Failures.NOT_FOUND, "There is no client '" + id + "'"));
    }
    return pool.preparedQuery(AuthSql.REVOKE).execute(Tuple.of(id)).compose(rows -> rows.size() == 0
        ? Future.failedFuture(new Refusal(Failures.NOT_FOUND, "There is no client '" + id + "'"))
        : Future.succeededFuture(new JsonObject().put("id", id)
            .put("revoked", Instants.format(rows.iterator().next().getOffsetDateTime("revoked_at")))));
  }

  /**
   * The scopes of client {@code id} when {@code secret} is its secret and it is not revoked; refused UNAUTHENTICATED
   * otherwise (the same answer for an unknown client and a wrong secret).
   */
  Future<Scopes> check(String id, String secret) {
    Refusal refused = new Refusal(Failures.UNAUTHENTICATED, "The client id or secret is wrong, or the client is revoked");
    String asked = id != null && ID.matcher(id).matches() ? id : null;   // no id that cannot be one reaches the database
    Future<RowSet<Row>> found = asked == null ? Future.succeededFuture(null)
        : pool.preparedQuery(AuthSql.CLIENT).execute(Tuple.of(asked));
    return found.compose(rows -> {
      Row row = rows == null || rows.size() == 0 ? null : rows.iterator().next();
      // An unknown client's check takes as long as a known one's: the time does not tell which ids exist.
      String hash = row == null || row.getString("secret_hash") == null ? UNKNOWN : row.getString("secret_hash");
      boolean allowed = row != null && row.getOffsetDateTime("revoked_at") == null;
      return vertx.executeBlocking(() -> Secrets.matches(hash, secret), false)
          .compose(matches -> matches && allowed ? Future.succeededFuture(
              Scopes.parse(row.getString("scopes"), row.getString("patient")))
              : Future.failedFuture(refused));
    });
  }

  /** Why {@code jwks} is not a set of public keys to verify ES256/ES384/RS256/RS384 signatures with; null when it is. */
  private static String publicKeys(JsonObject jwks) {
    if (!(jwks.getValue("keys") instanceof JsonArray keys) || keys.isEmpty() || keys.size() > 10) {
      return "a JSON Web Key Set: {\"keys\": [1 to 10 public keys]}";
    }
    for (Object key : keys) {
      if (!(key instanceof JsonObject k) || !List.of("EC", "RSA").contains(k.getValue("kty"))) {
        return "each key is an EC or RSA JSON Web Key";
      }
      if (k.containsKey("d") || k.containsKey("p") || k.containsKey("q")) {
        return "a key holds a private part: give the public key only";
      }
      try {
        new JWK(k);   // a key that does not load would be passed over when verifying, leaving none
      } catch (RuntimeException e) {
        return "a key cannot be used: " + e.getMessage();
      }
      if (k.getValue("alg") != null && !AuthVerticle.SIGNED_WITH.contains(k.getValue("alg"))) {
        return "a key's alg is one of " + AuthVerticle.SIGNED_WITH + ", not " + k.getValue("alg");
      }
    }
    return null;
  }

  /**
   * The scopes and keys of client {@code id} when it authenticates with signed assertions and is not revoked; refused
   * UNAUTHENTICATED otherwise.
   */
  Future<Keyed> keyed(String id) {
    Refusal refused = new Refusal(Failures.UNAUTHENTICATED, "The client is unknown, revoked, or has no keys to sign"
        + " assertions with");
    if (id == null || !ID.matcher(id).matches()) {
      return Future.failedFuture(refused);
    }
    return pool.preparedQuery(AuthSql.CLIENT).execute(Tuple.of(id)).compose(rows -> {
      Row row = rows.size() == 0 ? null : rows.iterator().next();
      if (row == null || row.getOffsetDateTime("revoked_at") != null || row.getJsonObject("jwks") == null) {
        return Future.failedFuture(refused);
      }
      List<JsonObject> keys = new ArrayList<>();
      row.getJsonObject("jwks").getJsonArray("keys").forEach(k -> keys.add((JsonObject) k));
      return Future.succeededFuture(new Keyed(Scopes.parse(row.getString("scopes"), row.getString("patient")), keys));
    });
  }

  /** Takes assertion {@code jti} of {@code client}, good until {@code expires} (epoch seconds), once. */
  Future<Void> once(String client, String jti, long expires) {
    return pool.preparedQuery(AuthSql.ASSERTION).execute(Tuple.of(client, jti, expires)).compose(rows -> rows.size() == 1
        ? Future.succeededFuture()
        : Future.failedFuture(new Refusal(Failures.UNAUTHENTICATED, "The assertion (jti " + jti + ") was used already")));
  }

  /** The ids of the revoked clients. */
  Future<List<String>> revoked() {
    return pool.query(AuthSql.REVOKED).execute().map(rows -> {
      List<String> ids = new ArrayList<>(rows.size());
      rows.forEach(row -> ids.add(row.getString("id")));
      return ids;
    });
  }
}
