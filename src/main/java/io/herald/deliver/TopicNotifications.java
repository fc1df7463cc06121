package io.herald.deliver;

import io.herald.fhir.Instants;
import io.herald.fhir.NotificationBundles;
import io.herald.fhir.SubscriptionStatuses;
import io.herald.store.Change;
import io.herald.subscription.Notification;
import io.herald.subscription.Subscription;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * What a topic-based subscription is sent: one push as a notification Bundle in the subscription's shape (R4
 * Parameters or R4B SubscriptionStatus) and payload content, naming Herald by its configured base URL.
 */
public final class TopicNotifications {

  private final String base;

  /** @param base the server's URL notifications name it by ({@code http://host:port}) */
  public TopicNotifications(String base) {
    this.base = base;
  }

  public JsonObject bundle(Subscription subscription, Channel.Push push) {
    Subscription.TopicKind kind = subscription.topic();
    // A handshake tells the status as it is (a rest-hook's is still requested); everything else goes out once active.
    String status = push.type() == Channel.Push.Type.HANDSHAKE ? subscription.status() : "active";
    SubscriptionStatuses.Status about = new SubscriptionStatuses.Status(base + "/fhir/Subscription/" + subscription.id(),
        kind.topic(), status, push.type().code, push.eventsSinceStart(), List.of(), null);
    List<NotificationBundles.Event> events = push.events().stream().map(TopicNotifications::event).toList();
    return NotificationBundles.of(base, subscription.id(), about, kind.content(), events, kind.r4b());
  }

  static NotificationBundles.Event event(Notification n) {
    Change c = n.change();
    return new NotificationBundles.Event(n.eventNumber(), c.versionId(), c.type(), c.id(), c.interaction(),
        c.changedAt() == null ? null : Instants.format(c.changedAt()), c.resource());
  }
}
