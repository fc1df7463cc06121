package io.herald.subscription;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

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
   * {@code {changes: [{versionId, type, id, interaction, resource}], notifications: [{subscription, eventNumber,
   * versionId}], changedSubscriptions: [{id, versionId, resource?}]}}.
   */
  public JsonObject toJson() {
    JsonArray changes = new JsonArray();
    JsonArray numbered = new JsonArray();
    Map<Long, Boolean> seen = new HashMap<>();
    for (Notification n : notifications) {
      if (seen.putIfAbsent(n.versionId(), Boolean.TRUE) == null) {
        changes.add(new JsonObject().put("versionId", n.versionId()).put("type", n.type()).put("id", n.id())
            .put("interaction", n.interaction()).put("resource", n.resource()));
      }
      numbered.add(new JsonObject().put("subscription", n.subscription()).put("eventNumber", n.eventNumber())
          .put("versionId", n.versionId()));
    }
    JsonArray changed = new JsonArray();
    changedSubscriptions.forEach(c -> changed.add(new JsonObject().put("id", c.id()).put("versionId", c.versionId())
        .put("resource", c.resource())));
    return new JsonObject().put("changes", changes).put("notifications", numbered).put("changedSubscriptions", changed);
  }

  public static Announcement fromJson(JsonObject json) {
    Map<Long, JsonObject> changes = new HashMap<>();
    json.getJsonArray("changes").forEach(c -> changes.put(((JsonObject) c).getLong("versionId"), (JsonObject) c));
    List<Notification> notifications = new ArrayList<>();
    for (Object o : json.getJsonArray("notifications")) {
      JsonObject n = (JsonObject) o;
      JsonObject change = changes.get(n.getLong("versionId"));
      notifications.add(new Notification(n.getString("subscription"), n.getLong("eventNumber"), n.getLong("versionId"),
          change.getString("type"), change.getString("id"), change.getString("interaction"), change.getJsonObject("resource")));
    }
    List<SubscriptionChange> changed = new ArrayList<>();
    for (Object o : json.getJsonArray("changedSubscriptions")) {
      JsonObject c = (JsonObject) o;
      changed.add(new SubscriptionChange(c.getString("id"), c.getLong("versionId"), c.getJsonObject("resource")));
    }
    return new Announcement(notifications, changed);
  }
}
