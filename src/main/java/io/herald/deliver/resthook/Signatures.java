package io.herald.deliver.resthook;

import io.vertx.core.buffer.Buffer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * How a webhook request is signed, so that its receiver can tell it came from Herald, unaltered and recently:
 * {@code X-Herald-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">}, keyed with the subscription's secret
 * (its UTF-8 bytes); a request without a body signs {@code "t."}. Pure: no io.vertx beyond Buffer.
 */
public final class Signatures {

  public static final String HEADER = "X-Herald-Signature";

  private static final SecureRandom RANDOM = new SecureRandom();

  private Signatures() {
  }

  /** A new secret: 32 random bytes, base64url (43 characters). */
  public static String secret() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** The header's value for {@code body} (null: none) sent at {@code unixSeconds}. */
  public static String sign(String secret, long unixSeconds, Buffer body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((unixSeconds + ".").getBytes(StandardCharsets.US_ASCII));
      if (body != null) {
        mac.update(body.getBytes());
      }
      return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }
}
