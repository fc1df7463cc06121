package io.herald.testing;

import io.vertx.core.json.JsonObject;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/** Keys as JSON Web Keys, for tests that sign tokens as an identity provider or a client would. */
public final class Keys {

  private Keys() {
  }

  /** A new P-256 key as a private JSON Web Key (ES256); drop {@code d} for the public one. */
  public static JsonObject ecJwk(String kid) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair pair = generator.generateKeyPair();
      ECPublicKey pub = (ECPublicKey) pair.getPublic();
      return new JsonObject().put("kty", "EC").put("crv", "P-256").put("kid", kid).put("alg", "ES256").put("use", "sig")
          .put("x", base64(pub.getW().getAffineX())).put("y", base64(pub.getW().getAffineY()))
          .put("d", base64(((ECPrivateKey) pair.getPrivate()).getS()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The public half of a private JSON Web Key. */
  public static JsonObject publicOf(JsonObject jwk) {
    JsonObject published = jwk.copy();
    published.remove("d");
    return published;
  }

  private static String base64(BigInteger value) {
    byte[] bytes = value.toByteArray();
    byte[] fixed = new byte[32];   // unsigned, big-endian, 32 bytes
    int from = Math.max(0, bytes.length - 32);
    System.arraycopy(bytes, from, fixed, 32 - (bytes.length - from), bytes.length - from);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(fixed);
  }
}
