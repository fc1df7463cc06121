package io.herald.fhir;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A subscription's status in the Subscriptions Backport IG's R4 shape: a {@code Parameters} resource with profile
 * {@code backport-subscription-status-r4} ({@code subscription}, {@code status}, {@code type},
 * {@code events-since-subscription-start}, and {@code error} when delivery gave up).
 */
public final class SubscriptionStatuses {

  public static final String PROFILE_R4 =
      "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription-status-r4";

  private SubscriptionStatuses() {
  }

  /**
   * @param subscriptionUrl the subscription's absolute URL
   * @param type            {@code query-status}, {@code event-notification}, ...
   * @param error           why delivery gave up, or null
   */
  public static JsonObject r4(String subscriptionUrl, String status, String type, long eventsSinceStart, String error) {
    JsonArray parameters = new JsonArray()
        .add(new JsonObject().put("name", "subscription")
            .put("valueReference", new JsonObject().put("reference", subscriptionUrl)))
        .add(new JsonObject().put("name", "status").put("valueCode", status))
        .add(new JsonObject().put("name", "type").put("valueCode", type))
        // a string: R4 has no 64-bit integer
        .add(new JsonObject().put("name", "events-since-subscription-start").put("valueString", Long.toString(eventsSinceStart)));
    if (error != null) {
      parameters.add(new JsonObject().put("name", "error")
          .put("valueCodeableConcept", new JsonObject().put("text", error)));
    }
    return new JsonObject().put("resourceType", "Parameters")
        .put("meta", new JsonObject().put("profile", new JsonArray().add(PROFILE_R4)))
        .put("parameter", parameters);
  }
}
