package io.herald.auth;

import io.vertx.ext.auth.hashing.HashingStrategy;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * Secrets, made up at random: a client's, kept only as a PBKDF2 hash (vertx-auth's) and checked against it (slow on
 * purpose), and a webhook's signing secret.
 */
public final class Secrets {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HashingStrategy HASHING = HashingStrategy.load();

  private Secrets() {
  }

  /** A new secret: 32 random bytes, base64url. */
  public static String make() {
    return random(32);
  }

  static String hash(String secret) {
    return HASHING.hash("pbkdf2", Map.of("it", "10000"), random(16), secret);
  }

  static boolean matches(String hash, String secret) {
    return HASHING.verify(hash, secret);
  }

  private static String random(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
