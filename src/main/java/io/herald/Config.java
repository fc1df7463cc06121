package io.herald;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Herald's configuration: {@code conf/config.json} (the file in the working directory, or the copy
 * packed in the jar), then the environment variables of {@link #ENVIRONMENT} on top.
 * Each feature parses its own slice into a typed record and fails fast on a bad value.
 */
public final class Config {

  /** Environment variable → {@code section.key} it overrides. */
  public static final Map<String, String> ENVIRONMENT = Map.ofEntries(
      Map.entry("HERALD_HTTP_HOST", "http.host"),
      Map.entry("HERALD_HTTP_PORT", "http.port"),
      Map.entry("HERALD_HTTP_INSTANCES", "http.instances"),
      Map.entry("HERALD_BODY_LIMIT_BYTES", "http.bodyLimitBytes"),
      Map.entry("HERALD_PG_URI", "store.pgUri"),
      Map.entry("HERALD_DATA_DIR", "store.dataDir"),
      Map.entry("HERALD_PG_POOL_SIZE", "store.poolSize"),
      Map.entry("HERALD_CLUSTER", "cluster.enabled"),
      Map.entry("HERALD_CLUSTER_MEMBERS", "cluster.members"),
      Map.entry("HERALD_CLUSTER_PORT", "cluster.port"),
      Map.entry("HERALD_AUTH", "auth.enabled"),
      Map.entry("HERALD_ADMIN_SECRET", "auth.adminSecret"),
      Map.entry("HERALD_AUTH_ISSUER", "auth.issuer"),
      Map.entry("HERALD_AUTH_JWKS_URI", "auth.jwksUri"),
      Map.entry("HERALD_DELIVER_ALLOWED_HOSTS", "deliver.allowedHosts"));

  private Config() {
  }

  public static JsonObject load(Map<String, String> env) {
    JsonObject defaults = defaults();
    Path file = Path.of(env.getOrDefault("HERALD_CONFIG", "conf/config.json"));
    JsonObject config = Files.isRegularFile(file) ? defaults.mergeIn(parse(read(file), file.toString()), true) : defaults;
    if (!Files.isRegularFile(file) && env.containsKey("HERALD_CONFIG")) {
      throw new IllegalArgumentException("HERALD_CONFIG names " + file + ", which is not a file");
    }
    ENVIRONMENT.forEach((variable, path) -> {
      String value = env.get(variable);
      if (value != null && !value.isBlank()) {
        String[] parts = path.split("\\.");
        JsonObject section = config.getJsonObject(parts[0]);
        section.put(parts[1], value.trim());
      }
    });
    return config;
  }

  public static JsonObject defaults() {
    try (InputStream in = Config.class.getResourceAsStream("/conf/config.json")) {
      if (in == null) {
        throw new IllegalStateException("conf/config.json is missing from the classpath");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "conf/config.json (built in)");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An integer setting, given as a JSON number or (from the environment) a string. */
  public static int integer(JsonObject section, String key, int min, int max) {
    Object value = section.getValue(key);
    long parsed;
    try {
      parsed = value instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(value));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Setting '" + key + "' must be a whole number, not '" + value + "'");
    }
    if (parsed < min || parsed > max) {
      throw new IllegalArgumentException("Setting '" + key + "' must be between " + min + " and " + max + ", not " + parsed);
    }
    return (int) parsed;
  }

  public static boolean bool(JsonObject section, String key) {
    Object value = section.getValue(key);
    if (value instanceof Boolean b) {
      return b;
    }
    String text = String.valueOf(value);
    if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(text);
    }
    throw new IllegalArgumentException("Setting '" + key + "' must be true or false, not '" + value + "'");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }

  private static JsonObject parse(String text, String source) {
    try {
      return new JsonObject(text);
    } catch (DecodeException e) {
      throw new IllegalArgumentException(source + " is not a JSON object: " + e.getMessage());
    }
  }
}
