package io.herald.auth;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/**
 * The key Herald signs its tokens with (ES256), one for the whole cluster: the first node to start makes it and
 * stores it in PostgreSQL, where every node reads it, so a token any node issued verifies on all of them.
 */
public record SigningKey(String algorithm, String privatePem, String publicPem) {

  static final String ALGORITHM = "ES256";

  /** The cluster's key, made now when there is none yet. */
  static Future<SigningKey> load(Pool pool) {
    return read(pool).compose(found -> found != null ? Future.succeededFuture(found) : make(pool));
  }

  private static Future<SigningKey> read(Pool pool) {
    return pool.query(AuthSql.KEY).execute().map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      return new SigningKey(row.getString("algorithm"), row.getString("private_pem"), row.getString("public_pem"));
    });
  }

  private static Future<SigningKey> make(Pool pool) {
    KeyPair pair;
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      pair = generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      return Future.failedFuture(e);
    }
    // Two nodes starting together may both make one: the first written is the one every node reads.
    return pool.preparedQuery(AuthSql.SAVE_KEY).execute(Tuple.of(ALGORITHM, pem("PRIVATE KEY", pair.getPrivate().getEncoded()),
        pem("PUBLIC KEY", pair.getPublic().getEncoded()))).compose(saved -> read(pool));
  }

  private static String pem(String kind, byte[] der) {
    return "-----BEGIN " + kind + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + kind + "-----\n";
  }

  @Override
  public String toString() {
    return "SigningKey[" + algorithm + "]";   // never the private key
  }
}
