package io.herald.deliver;

import io.herald.subscription.Notification;
import io.herald.subscription.Subscription;
import io.vertx.core.Future;

import java.util.List;

/**
 * A channel that pushes notifications to a receiver: one push at a time, the next only once this one was
 * acknowledged. Ordering, batching, retries, giving up and recording acknowledgements are the worker's, the same for
 * every channel; a channel only says how one push goes out and whether it arrived.
 */
public interface Channel {

  /**
   * One push: events (in eventNumber order; one for a criteria subscription, up to its maxCount for a topic-based
   * one), or a topic-based subscription's handshake or heartbeat (no events).
   *
   * @param eventsSinceStart how many events the subscription has had, as of this push
   */
  record Push(Type type, List<Notification> events, long eventsSinceStart) {

    public enum Type {
      HANDSHAKE("handshake"), HEARTBEAT("heartbeat"), EVENTS("event-notification");

      /** As the status's {@code type} codes it. */
      public final String code;

      Type(String code) {
        this.code = code;
      }
    }

    public static Push events(List<Notification> events) {
      return new Push(Type.EVENTS, List.copyOf(events), events.get(events.size() - 1).eventNumber());
    }
  }

  /**
   * Sends {@code push} to {@code subscription}'s receiver.
   *
   * @return succeeds once the receiver acknowledged it; fails with why not (the worker retries)
   */
  Future<Void> send(Subscription subscription, Push push);
}
