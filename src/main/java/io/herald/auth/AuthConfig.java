package io.herald.auth;

import io.herald.Config;
import io.vertx.core.json.JsonObject;

/**
 * The {@code auth} section: whether requests must carry a token ({@code HERALD_AUTH=off} turns it off, for local
 * development), how long Herald's tokens live, and the first client's secret ({@code HERALD_ADMIN_SECRET}; made up and
 * printed once when not given).
 */
public record AuthConfig(boolean enabled, int tokenSeconds, String adminSecret) {

  /** Authentication off: every request is let through, as before there was any. */
  public static AuthConfig off() {
    return new AuthConfig(false, 300, null);
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
    return new AuthConfig(on, Config.integer(section, "tokenSeconds", 10, 86400), secret);
  }
}
