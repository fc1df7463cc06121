package io.herald.fhir;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * A subscription's status as the Subscriptions Backport IG writes it: in R4, a {@code Parameters} resource with
 * profile {@code backport-subscription-status-r4}; in R4B, a {@code SubscriptionStatus} resource. Counts and event
 * numbers are strings in both (neither version has a 64-bit integer).
 */
public final class SubscriptionStatuses {

  public static final String PROFILE_R4 = Backport.BASE + "backport-subscription-status-r4";

  /**
   * What a status says.
   *
   * @param subscriptionUrl the subscription's absolute URL
   * @param topic           its topic's canonical URL, or null (a criteria subscription)
   * @param type            {@code handshake}, {@code heartbeat}, {@code event-notification}, {@code query-status},
   *                        {@code query-event}
   * @param events          the events it tells of, in order
   * @param error           why delivery gave up, or null
   */
  public record Status(String subscriptionUrl, String topic, String status, String type, long eventsSinceStart,
                       List<Event> events, String error) {
  }

  /** One {@code notification-event}; {@code focus} the resource's absolute URL, or null (payload {@code empty}). */
  public record Event(long eventNumber, String timestamp, String focus) {
  }

  private SubscriptionStatuses() {
  }

  public static JsonObject of(Status status, boolean r4b) {
    return r4b ? r4b(status) : r4(status);
  }

  /** The R4 {@code Parameters} shape. */
  public static JsonObject r4(Status s) {
    JsonArray parameters = new JsonArray()
        .add(new JsonObject().put("name", "subscription").put("valueReference", reference(s.subscriptionUrl())));
    if (s.topic() != null) {
      parameters.add(new JsonObject().put("name", "topic").put("valueCanonical", s.topic()));
    }
    parameters.add(new JsonObject().put("name", "status").put("valueCode", s.status()))
        .add(new JsonObject().put("name", "type").put("valueCode", s.type()))
        .add(new JsonObject().put("name", "events-since-subscription-start").put("valueString", Long.toString(s.eventsSinceStart())));
    for (Event e : s.events()) {
      JsonArray parts = new JsonArray()
          .add(new JsonObject().put("name", "event-number").put("valueString", Long.toString(e.eventNumber())));
      if (e.timestamp() != null) {
        parts.add(new JsonObject().put("name", "timestamp").put("valueInstant", e.timestamp()));
      }
      if (e.focus() != null) {
        parts.add(new JsonObject().put("name", "focus").put("valueReference", reference(e.focus())));
      }
      parameters.add(new JsonObject().put("name", "notification-event").put("part", parts));
    }
    if (s.error() != null) {
      parameters.add(new JsonObject().put("name", "error").put("valueCodeableConcept", new JsonObject().put("text", s.error())));
    }
    return new JsonObject().put("resourceType", "Parameters")
        .put("meta", new JsonObject().put("profile", new JsonArray().add(PROFILE_R4)))
        .put("parameter", parameters);
  }

  /** The R4B {@code SubscriptionStatus} shape. */
  public static JsonObject r4b(Status s) {
    JsonObject status = new JsonObject().put("resourceType", "SubscriptionStatus").put("status", s.status())
        .put("type", s.type()).put("eventsSinceSubscriptionStart", Long.toString(s.eventsSinceStart()));
    if (!s.events().isEmpty()) {
      JsonArray events = new JsonArray();
      for (Event e : s.events()) {
        JsonObject event = new JsonObject().put("eventNumber", Long.toString(e.eventNumber()));
        if (e.timestamp() != null) {
          event.put("timestamp", e.timestamp());
        }
        if (e.focus() != null) {
          event.put("focus", reference(e.focus()));
        }
        events.add(event);
      }
      status.put("notificationEvent", events);
    }
    status.put("subscription", reference(s.subscriptionUrl()));
    if (s.topic() != null) {
      status.put("topic", s.topic());
    }
    if (s.error() != null) {
      status.put("error", new JsonArray().add(new JsonObject().put("text", s.error())));
    }
    return status;
  }

  private static JsonObject reference(String url) {
    return new JsonObject().put("reference", url);
  }
}
