package io.herald.auth;

import io.herald.Config;
import io.vertx.core.json.JsonObject;

/**
 * The {@code auth} section: whether requests must carry a token ({@code HERALD_AUTH=off} turns it off, for local
 * development), how long Herald's tokens live, the first client's secret ({@code HERALD_ADMIN_SECRET}; made up and
 * printed once when not given), and an external identity provider whose tokens are taken too: its {@code issuer}
 * ({@code HERALD_AUTH_ISSUER}) and where its keys are ({@code jwksUri}, {@code HERALD_AUTH_JWKS_URI}), both or neither.
 * The provider's tokens must be meant for Herald when {@code audience} names it (their {@code aud}). Herald's token
 * endpoint's own URL, which client assertions must be addressed to, is {@code tokenUrl} (by default, as the request
 * names it). And what one client may have: requests a second across the cluster ({@code requestsPerSecond}, 0 for no
 * limit), subscriptions ({@code subscriptionsPerClient}) and live sockets on one node ({@code socketsPerClient}).
 */
public record AuthConfig(boolean enabled, int tokenSeconds, String adminSecret, String issuer, String jwksUri,
                         String audience, String tokenUrl, int requestsPerSecond, int subscriptionsPerClient,
                         int socketsPerClient) {

  /** The issuer of Herald's own tokens. */
  public static final String ISSUER = "herald";

  /** Authentication off: every request is let through, as before there was any. */
  public static AuthConfig off() {
    return new AuthConfig(false, 300, null, null, null, null, null, 0, Integer.MAX_VALUE, Integer.MAX_VALUE);
  }

  /** Whether tokens of an external identity provider are taken. */
  public boolean external() {
    return jwksUri != null;
  }

  public static AuthConfig from(JsonObject section) {
    Object enabled = section.getValue("enabled");
    boolean on;
    if (enabled instanceof String text && (text.equalsIgnoreCase("off") || text.equalsIgnoreCase("on"))) {
      on = text.equalsIgnoreCase("on");
    } else {
      on = Config.bool(section, "enabled");
    }
    String secret = section.getString("adminSecret");
    if (secret != null && secret.length() < 16) {
      throw new IllegalArgumentException("Setting 'adminSecret' (HERALD_ADMIN_SECRET) must be at least 16 characters");
    }
    String issuer = section.getString("issuer");
    String jwksUri = section.getString("jwksUri");
    if ((issuer == null) != (jwksUri == null)) {
      throw new IllegalArgumentException("Settings 'issuer' and 'jwksUri' (HERALD_AUTH_ISSUER, HERALD_AUTH_JWKS_URI) name an"
          + " identity provider together: give both or neither");
    }
    if (jwksUri != null && !jwksUri.matches("https?://[^\\s]+")) {
      throw new IllegalArgumentException("Setting 'jwksUri' must be an http or https URL, not '" + jwksUri + "'");
    }
    if (ISSUER.equals(issuer)) {
      throw new IllegalArgumentException("Setting 'issuer' cannot be '" + ISSUER + "': that is Herald's own tokens' issuer");
    }
    String tokenUrl = section.getString("tokenUrl");
    if (tokenUrl != null && !tokenUrl.matches("https?://[^\\s]+")) {
      throw new IllegalArgumentException("Setting 'tokenUrl' must be an http or https URL, not '" + tokenUrl + "'");
    }
    return new AuthConfig(on, Config.integer(section, "tokenSeconds", 10, 86400), secret, issuer, jwksUri,
        section.getString("audience"), tokenUrl,
        Config.integer(section, "requestsPerSecond", 0, 1_000_000),
        Config.integer(section, "subscriptionsPerClient", 1, 1_000_000),
        Config.integer(section, "socketsPerClient", 1, 1_000_000));
  }
}
