package io.herald.auth;

/** Every SQL statement over clients and the signing key. */
final class AuthSql {

  static final String KEY = "SELECT algorithm, private_pem, public_pem FROM auth_key WHERE id = 1";

  static final String SAVE_KEY =
      "INSERT INTO auth_key (id, algorithm, private_pem, public_pem) VALUES (1, $1, $2, $3) ON CONFLICT (id) DO NOTHING";

  /** The first client, $1 with hash $2 and scopes $3, only when there is no client at all; a row when it was made. */
  static final String FIRST_CLIENT =
      "INSERT INTO auth_client (id, secret_hash, scopes) SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM auth_client)"
          + " ON CONFLICT (id) DO NOTHING RETURNING id";

  /** A new client; no row when the id is taken. */
  static final String ADD_CLIENT =
      "INSERT INTO auth_client (id, secret_hash, scopes, patient, jwks) VALUES ($1, $2, $3, $4, $5)"
          + " ON CONFLICT (id) DO NOTHING RETURNING created_at";

  static final String CLIENT = "SELECT secret_hash, jwks, scopes, patient, revoked_at FROM auth_client WHERE id = $1";

  /**
   * Takes assertion $2 of client $1, good until $3 (epoch seconds), once: a row when it is new. Assertions past their
   * expiry are forgotten on the way (a replay of one would be refused for its expiry anyway).
   */
  static final String ASSERTION =
      "WITH gone AS (DELETE FROM auth_assertion WHERE expires_at < now() - interval '1 minute')"
          + " INSERT INTO auth_assertion (client, jti, expires_at) VALUES ($1, $2, to_timestamp($3))"
          + " ON CONFLICT (client, jti) DO NOTHING RETURNING jti";

  static final String CLIENTS =
      "SELECT id, scopes, patient, jwks IS NOT NULL AS keyed, created_at, revoked_at FROM auth_client ORDER BY id";

  /** Revokes client $1 (once: a revoked client stays revoked at its first time); a row when it exists. */
  static final String REVOKE =
      "UPDATE auth_client SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING revoked_at";

  static final String REVOKED = "SELECT id FROM auth_client WHERE revoked_at IS NOT NULL ORDER BY id";

  private AuthSql() {
  }
}
