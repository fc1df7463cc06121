package io.herald.subscription;

import io.herald.Config;
import io.vertx.core.json.JsonObject;

/**
 * The topic-based subscriptions' slice of the configuration ({@code subscriptions}).
 *
 * @param r4b                 {@code statusShape} {@code r4b}: statuses as R4B's SubscriptionStatus unless a
 *                            subscription's payload asks for {@code fhirVersion=4.0}; {@code r4} (the default): as the
 *                            R4 Parameters unless it asks for {@code fhirVersion=4.3}
 * @param baseUrl             the URL notifications name Herald by ({@code https://herald.example.org}; the FHIR base is
 *                            under it at {@code /fhir}); default {@code http://localhost:{port}}
 * @param bindingTokenSeconds how long a websocket binding token may be used
 * @param maxCriteriaLength   the longest criteria (of a criteria or a live subscription) or filter (of a topic-based
 *                            one), in characters
 */
public record SubscriptionsConfig(boolean r4b, String baseUrl, int bindingTokenSeconds, int maxCriteriaLength) {

  public static SubscriptionsConfig from(JsonObject subscriptions, int port) {
    String shape = subscriptions.getString("statusShape", "r4");
    if (!shape.equals("r4") && !shape.equals("r4b")) {
      throw new IllegalArgumentException("subscriptions.statusShape must be r4 or r4b, not '" + shape + "'");
    }
    Object base = subscriptions.getValue("baseUrl");
    if (base != null && !(base instanceof String b && b.matches("https?://[^\\s/]+(/\\S*)?"))) {
      throw new IllegalArgumentException("subscriptions.baseUrl must be an http or https URL, not '" + base + "'");
    }
    String url = base == null ? "http://localhost:" + port : ((String) base).replaceAll("/+$", "");
    return new SubscriptionsConfig(shape.equals("r4b"), url,
        Config.integer(subscriptions, "bindingTokenSeconds", 1, 86_400),
        Config.integer(subscriptions, "maxCriteriaLength", 16, 1_000_000));
  }
}
