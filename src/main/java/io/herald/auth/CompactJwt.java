package io.herald.auth;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A JSON Web Token in compact form ({@code header.claims.signature}), looked at before and after vertx-auth verifies
 * it: the checks Herald makes on every token, its own, an identity provider's or a client's assertion.
 */
public final class CompactJwt {

  private static final Base64.Encoder URL_ENCODER = Base64.getUrlEncoder().withoutPadding();

  private CompactJwt() {
  }

  /**
   * Whether {@code token} has three non-empty parts, each exactly as its bytes encode in base64url: a base64url decoder
   * ignores the stray bits of a character appended to the signature, so without this a token with junk after it would
   * verify as the token it was, and an unsigned one ({@code alg: none}, no signature) is never one.
   */
  public static boolean strict(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      return false;
    }
    for (String part : parts) {
      try {
        if (part.isEmpty() || !URL_ENCODER.encodeToString(Base64.getUrlDecoder().decode(part)).equals(part)) {
          return false;
        }
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
    return true;
  }

  /** Part {@code index} of a token (0 its header, 1 its claims), not verified; null when it cannot be read. */
  public static JsonObject part(String token, int index) {
    String[] parts = token.split("\\.");
    try {
      return parts.length <= index ? null
          : new JsonObject(new String(Base64.getUrlDecoder().decode(parts[index]), StandardCharsets.UTF_8));
    } catch (RuntimeException unreadable) {
      return null;
    }
  }

  /** The claims of a token vertx-auth verified. */
  public static JsonObject claims(User user) {
    JsonObject token = user.attributes().getJsonObject("accessToken");
    return token != null ? token : user.principal();
  }
}
