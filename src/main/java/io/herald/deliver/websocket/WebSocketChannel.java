package io.herald.deliver.websocket;

import io.herald.bus.Addresses;
import io.herald.deliver.Channel;
import io.herald.deliver.TopicNotifications;
import io.herald.subscription.Subscription;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;

/**
 * The websocket channel of the Backport IG: a topic-based subscription's notification Bundles go to the sockets bound
 * to it, on whichever node they are ({@link Addresses#OUT_WEBSOCKET}); the receiving end is
 * {@code io.herald.http.WebSocketBindings}. A push is done once published: sockets do not acknowledge, and one not
 * bound when an event happens reads it with {@code $events}.
 */
public final class WebSocketChannel implements Channel {

  public static final String TYPE = "websocket";

  private final EventBus bus;
  private final TopicNotifications topics;

  public WebSocketChannel(EventBus bus, TopicNotifications topics) {
    this.bus = bus;
    this.topics = topics;
  }

  /** A websocket subscription needs nothing beyond the common fields (it must be topic-based, which its kind checks). */
  public static void check(Subscription.Channel channel) {
  }

  @Override
  public Future<Void> send(Subscription subscription, Push push) {
    bus.publish(Addresses.OUT_WEBSOCKET + subscription.id(), topics.bundle(subscription, push));
    return Future.succeededFuture();
  }
}
