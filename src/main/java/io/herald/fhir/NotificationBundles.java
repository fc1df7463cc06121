package io.herald.fhir;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The notification Bundle of the Subscriptions Backport IG: type {@code history}; entry 0 the subscription's status
 * (as a request to its {@code $status}); then, per event, its focus as the payload content says: {@code empty}
 * nothing, {@code id-only} the entry without its resource, {@code full-resource} the resource as the change wrote it.
 * Every entry has {@code request} and {@code response}; a focus entry's request is the change ({@code POST Type},
 * {@code PUT Type/id}, {@code DELETE Type/id}).
 */
public final class NotificationBundles {

  /**
   * One event the notification tells of.
   *
   * @param timestamp when its change was made (FHIR instant), or null
   * @param resource  the version the change wrote (for a delete, the last version before it)
   */
  public record Event(long eventNumber, long versionId, String type, String id, String interaction, String timestamp,
                      JsonObject resource) {
  }

  private NotificationBundles() {
  }

  /**
   * @param base       the server's URL ({@code http://host:port}; the FHIR base is {@code base/fhir})
   * @param status     the status, without its events (they are added from {@code events} as the content says)
   * @param content    {@code empty}, {@code id-only} or {@code full-resource}
   */
  public static JsonObject of(String base, String subscriptionId, SubscriptionStatuses.Status status, String content,
                              List<Event> events, boolean r4b) {
    String fhir = base + "/fhir/";
    List<SubscriptionStatuses.Event> told = new ArrayList<>(events.size());
    for (Event e : events) {
      told.add(new SubscriptionStatuses.Event(e.eventNumber(), e.timestamp(),
          content.equals("empty") ? null : fhir + e.type() + "/" + e.id()));
    }
    // The IG: an empty notification SHOULD NOT name its topic (it may say more than the receiver may know).
    SubscriptionStatuses.Status whole = new SubscriptionStatuses.Status(status.subscriptionUrl(),
        content.equals("empty") ? null : status.topic(),
        status.status(), status.type(), status.eventsSinceStart(), told, status.error());
    String statusId = UUID.randomUUID().toString();
    JsonArray entries = new JsonArray().add(new JsonObject().put("fullUrl", "urn:uuid:" + statusId)
        .put("resource", SubscriptionStatuses.of(whole, r4b).put("id", statusId))
        .put("request", new JsonObject().put("method", "GET").put("url", fhir + "Subscription/" + subscriptionId + "/$status"))
        .put("response", new JsonObject().put("status", "200")));
    if (!content.equals("empty")) {
      for (Event e : events) {
        entries.add(Bundles.changeEntry(base, e.type(), e.id(), e.interaction(),
            content.equals("full-resource") ? e.resource() : null, e.versionId(), e.timestamp()));
      }
    }
    return new JsonObject().put("resourceType", "Bundle").put("id", UUID.randomUUID().toString())
        .put("meta", new JsonObject().put("profile",
            new JsonArray().add(r4b ? Backport.NOTIFICATION_R4B : Backport.NOTIFICATION_R4)))
        .put("type", "history").put("timestamp", Instant.now().toString()).put("entry", entries);
  }

}
