package io.herald.subscription;

import io.herald.store.Change;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the matcher announces once a batch of notifications has committed ({@code herald.subscription.notified}):
 * the notifications, each with the resource its change wrote (so delivering a payload reads nothing back), and
 * the subscriptions the batch changed, with their new content. Records here, JSON on the bus: each change's
 * content travels once however many subscriptions it matched.
 *
 * @param notifications        in eventNumber order per subscription
 * @param changedSubscriptions in feed order
 */
public record Announcement(List<Notification> notifications, List<SubscriptionChange> changedSubscriptions) {

  /** A subscription the batch wrote: its new version, and its content (null when deleted). */
  public record SubscriptionChange(String id, long versionId, JsonObject resource) {
  }

  public boolean isEmpty() {
    return notifications.isEmpty() && changedSubscriptions.isEmpty();
  }

  /**
   * {@code {changes: [{versionId, type, id, interaction, changedAt, resource}], notifications: [{subscription,
   * eventNumber, kind, versionId?}], changedSubscriptions: [{id, versionId, resource?}]}}. A change's previous version
   * is not carried: delivery never needs it (its changes arrive with it null). Its time is: a notification tells when
   * its change was made (for a delete, the deletion, which its resource does not say).
   */
  public JsonObject toJson() {
    JsonArray changes = new JsonArray();
    JsonArray numbered = new JsonArray();
    Map<Long, Boolean> seen = new HashMap<>();
    for (Notification n : notifications) {
      JsonObject json = new JsonObject().put("subscription", n.subscription()).put("eventNumber", n.eventNumber())
          .put("kind", n.kind().code());
      Change c = n.change();
      if (c != null) {
        json.put("versionId", c.versionId());
        if (seen.putIfAbsent(c.versionId(), Boolean.TRUE) == null) {
          changes.add(new JsonObject().put("versionId", c.versionId()).put("type", c.type()).put("id", c.id())
              .put("interaction", c.interaction())
              .put("changedAt", c.changedAt() == null ? null : c.changedAt().toString()).put("resource", c.resource()));
        }
      }
      numbered.add(json);
    }
    JsonArray changed = new JsonArray();
    changedSubscriptions.forEach(c -> changed.add(new JsonObject().put("id", c.id()).put("versionId", c.versionId())
        .put("resource", c.resource())));
    return new JsonObject().put("changes", changes).put("notifications", numbered).put("changedSubscriptions", changed);
  }

  public static Announcement fromJson(JsonObject json) {
    Map<Long, Change> changes = new HashMap<>();
    for (Object o : json.getJsonArray("changes")) {
      JsonObject c = (JsonObject) o;
      changes.put(c.getLong("versionId"), new Change(c.getLong("versionId"), c.getString("type"), c.getString("id"),
          c.getString("interaction"), c.getString("changedAt") == null ? null : OffsetDateTime.parse(c.getString("changedAt")),
          c.getJsonObject("resource"), null));
    }
    List<Notification> notifications = new ArrayList<>();
    for (Object o : json.getJsonArray("notifications")) {
      JsonObject n = (JsonObject) o;
      Long versionId = n.getLong("versionId");
      notifications.add(new Notification(n.getString("subscription"), n.getLong("eventNumber"),
          Notification.Kind.of(n.getString("kind", "event")), versionId == null ? null : changes.get(versionId)));
    }
    List<SubscriptionChange> changed = new ArrayList<>();
    for (Object o : json.getJsonArray("changedSubscriptions")) {
      JsonObject c = (JsonObject) o;
      changed.add(new SubscriptionChange(c.getString("id"), c.getLong("versionId"), c.getJsonObject("resource")));
    }
    return new Announcement(notifications, changed);
  }
}
