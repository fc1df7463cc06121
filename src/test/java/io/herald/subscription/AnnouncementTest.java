package io.herald.subscription;

import io.herald.store.Change;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The matcher's announcement on the bus: typed at both ends, each change's content carried once. */
class AnnouncementTest {

  @Test
  void carriesEachNotificationWithItsContentAndEachChangeOnce() {
    JsonObject patient = new JsonObject().put("resourceType", "Patient").put("id", "p1").put("active", true);
    JsonObject observation = new JsonObject().put("resourceType", "Observation").put("id", "o1");
    Announcement sent = new Announcement(List.of(
        Notification.event("a", 1, change(10, "Patient", "p1", "create", patient)),
        Notification.event("b", 7, change(10, "Patient", "p1", "create", patient)),
        Notification.event("a", 2, change(11, "Observation", "o1", "delete", observation))),
        List.of(new Announcement.SubscriptionChange("c", 12, null),
            new Announcement.SubscriptionChange("d", 13, new JsonObject().put("resourceType", "Subscription"))));

    JsonObject wire = sent.toJson();
    assertEquals(2, wire.getJsonArray("changes").size(), "a change matched twice travels once");

    Announcement received = Announcement.fromJson(new JsonObject(wire.encode()));
    assertEquals(sent.notifications(), received.notifications());
    assertEquals(patient, received.notifications().get(1).change().resource());
    assertEquals("b", received.notifications().get(1).subscription());
    assertNull(received.changedSubscriptions().get(0).resource(), "a deleted subscription carries no content");
    assertEquals(sent.changedSubscriptions(), received.changedSubscriptions());
  }

  private static Change change(long versionId, String type, String id, String interaction, JsonObject resource) {
    return new Change(versionId, type, id, interaction, null, resource, null);   // what delivery needs, as it travels
  }
}
