package io.herald.deliver.resthook;

import io.vertx.core.buffer.Buffer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * How a webhook request is signed, so that its receiver can tell it came from Herald, unaltered and recently:
 * {@code X-Herald-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">,v2=<hex HMAC-SHA256 of
 * "t.METHOD.target.body">}, keyed with the subscription's secret (its UTF-8 bytes); a request without a body has an
 * empty body. {@code v2} binds the method and the request target (path and query) too, so that the signature of a
 * request without a body (a DELETE of a resource, a notification without payload) cannot be carried over to another.
 * Pure: no io.vertx beyond Buffer.
 */
public final class Signatures {

  public static final String HEADER = "X-Herald-Signature";

  /** One Mac a thread, keyed again for each signature: looking the algorithm up costs more than signing. */
  private static final ThreadLocal<Mac> MACS = ThreadLocal.withInitial(() -> {
    try {
      return Mac.getInstance("HmacSHA256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  });

  private Signatures() {
  }

  /** The header's value for {@code method} {@code target} with {@code body} (null: none) sent at {@code unixSeconds}. */
  public static String sign(String secret, long unixSeconds, String method, String target, Buffer body) {
    byte[] bytes = body == null ? new byte[0] : body.getBytes();
    Mac mac = MACS.get();
    try {
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("any bytes are an HMAC key", e);
    }
    return "t=" + unixSeconds + ",v1=" + hmac(mac, unixSeconds + ".", bytes)
        + ",v2=" + hmac(mac, unixSeconds + "." + method + "." + target + ".", bytes);
  }

  private static String hmac(Mac mac, String prefix, byte[] body) {
    mac.update(prefix.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(mac.doFinal(body));   // doFinal leaves it keyed, ready for the next
  }
}
