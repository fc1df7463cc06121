package io.herald.subscription;

import io.herald.auth.Scopes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Set;

/**
 * Who wrote a Subscription, and with which scopes: {@code meta.tag}s Herald sets on every write with authentication on
 * (tags of these systems a request brings are dropped). The owner reads, polls, changes and deletes it; the scopes are
 * what it is matched within (a subscription hears only what its owner could read when it was written).
 *
 * @param client  the owner's client id
 * @param scopes  the owner's scopes, space-separated
 * @param patient the patient the owner's patient-level scopes open, or null
 */
public record Writer(String client, String scopes, String patient) {

  public static final String OWNER = "http://herald.io/fhir/CodeSystem/subscription-owner";
  public static final String SCOPES = "http://herald.io/fhir/CodeSystem/subscription-scopes";
  public static final String PATIENT = "http://herald.io/fhir/CodeSystem/subscription-patient";
  private static final Set<String> SYSTEMS = Set.of(OWNER, SCOPES, PATIENT);

  /** Who wrote {@code subscription}; null for nobody (written with authentication off). */
  public static Writer of(JsonObject subscription) {
    String client = tag(subscription, OWNER);
    return client == null ? null : new Writer(client, tag(subscription, SCOPES), tag(subscription, PATIENT));
  }

  /**
   * The owner's scopes as written (null: none written, matched within nothing but its type rules).
   *
   * @throws SubscriptionException when they cannot be read
   */
  public static Scopes scopes(JsonObject subscription) {
    String scopes = tag(subscription, SCOPES);
    try {
      return scopes == null ? null : Scopes.parse(scopes, tag(subscription, PATIENT));
    } catch (IllegalArgumentException e) {
      throw new SubscriptionException("meta.tag of " + SCOPES + ": " + e.getMessage());
    }
  }

  private static String tag(JsonObject subscription, String system) {
    JsonObject meta = subscription == null ? null : subscription.getValue("meta") instanceof JsonObject m ? m : null;
    if (meta != null && meta.getValue("tag") instanceof JsonArray tags) {
      for (Object tag : tags) {
        if (tag instanceof JsonObject t && system.equals(t.getValue("system")) && t.getValue("code") instanceof String code) {
          return code;
        }
      }
    }
    return null;
  }

  /** {@code subscription} as written by {@code writer} (null: authentication off, nobody): its tags set. */
  public static void stamp(JsonObject subscription, Writer writer) {
    Object meta = subscription.getValue("meta");
    JsonObject m = meta instanceof JsonObject given ? given : new JsonObject();
    JsonArray kept = new JsonArray();
    if (m.getValue("tag") instanceof JsonArray tags) {
      tags.forEach(tag -> {
        if (!(tag instanceof JsonObject t && SYSTEMS.contains(t.getValue("system")))) {
          kept.add(tag);
        }
      });
    }
    if (writer != null) {
      kept.add(new JsonObject().put("system", OWNER).put("code", writer.client));
      if (writer.scopes != null && !writer.scopes.isEmpty()) {
        kept.add(new JsonObject().put("system", SCOPES).put("code", writer.scopes));
      }
      if (writer.patient != null) {
        kept.add(new JsonObject().put("system", PATIENT).put("code", writer.patient));
      }
    }
    if (kept.isEmpty()) {
      m.remove("tag");
    } else {
      m.put("tag", kept);
    }
    if (!m.isEmpty() || meta != null) {
      subscription.put("meta", m);
    }
  }
}
