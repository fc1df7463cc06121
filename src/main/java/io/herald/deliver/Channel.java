package io.herald.deliver;

import io.herald.subscription.Notification;
import io.herald.subscription.Subscription;
import io.vertx.core.Future;

/**
 * A channel that pushes notifications to a receiver: one notification at a time, the next only once this one was
 * acknowledged. Ordering, retries, giving up and recording acknowledgements are the worker's, the same for every
 * channel; a channel only says how one notification goes out and whether it arrived.
 */
public interface Channel {

  /**
   * Sends {@code notification} of {@code subscription}.
   *
   * @return succeeds once the receiver acknowledged it; fails with why not (the worker retries)
   */
  Future<Void> send(Subscription subscription, Notification notification);
}
