package io.herald;

import io.herald.criteria.Registry;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * Loads the search-parameter registry: the FHIR R4 definitions in the jar, those of {@code SubscriptionTopic} (R4B, as
 * the Subscriptions Backport IG uses it), then {@code conf/search-parameters.json} (the file in the working directory,
 * else the jar's copy).
 */
public final class Registries {

  private Registries() {
  }

  public record Loaded(Registry registry, String fingerprint) {
  }

  public static Loaded load(Path confFile) {
    String r4 = resource("/fhir/search-parameters-r4.json");
    String topics = resource("/fhir/search-parameters-topics.json");
    String custom = Files.isRegularFile(confFile) ? read(confFile) : resource("/conf/search-parameters.json");
    Registry registry;
    try {
      registry = Registry.of(plain(r4, "fhir/search-parameters-r4.json"),
          plain(topics, "fhir/search-parameters-topics.json"), plain(custom, confFile.toString()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Search parameters: " + e.getMessage(), e);
    }
    return new Loaded(registry, sha256(r4 + "\n" + topics + "\n" + custom));
  }

  private static Map<String, Object> plain(String json, String source) {
    try {
      return new JsonObject(json).getMap();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(source + " is not a JSON object: " + e.getMessage());
    }
  }

  private static String resource(String name) {
    try (InputStream in = Registries.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
