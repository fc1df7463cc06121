package io.herald.subscription;

import io.vertx.core.json.JsonObject;

/**
 * A subscription's statuses and what moves it between them.
 * <ul>
 *   <li>Written {@code requested}: activated at once ({@code active}); written with an {@code end} already past:
 *   {@code off}. A topic-based rest-hook subscription written {@code requested} or {@code active} is stored
 *   {@code requested}: the deliverer sends it a handshake and sets it {@code active} on a 2xx, {@code error} when the
 *   handshake fails ({@link #handshaken}); changes are matched to it meanwhile and told once it is active. The channel type is stored as R4 clients read it ({@link ChannelTypes}).</li>
 *   <li>{@code active}: changes are matched to it and delivered.</li>
 *   <li>Its {@code end} passes: the matcher stops matching changes made after it and sets it {@code off}
 *   ({@link #ended}).</li>
 *   <li>Delivery gives up (the retry policy is spent): the deliverer sets it {@code error} with the reason
 *   ({@link #errored}); changes are still matched and numbered, delivery waits.</li>
 *   <li>A client sets it {@code active} again (any new version): delivery resumes from the first notification not
 *   acknowledged, tried afresh.</li>
 * </ul>
 * Every status change Herald makes is written conditionally on the version it saw, so a client's concurrent change
 * wins and is looked at again.
 */
public final class Lifecycle {

  private Lifecycle() {
  }

  /** The subscription as it is to be stored when a client writes it at {@code nowMillis}. */
  public static Subscription asWritten(Subscription written, long nowMillis) {
    JsonObject resource = written.resource().copy();
    String status = written.status();
    boolean handshake = written.handshakes();
    if (handshake && status.equals("active")) {
      status = "requested";
    } else if (!handshake && status.equals("requested")) {
      status = "active";
    }
    if (written.endMillis() < nowMillis && !status.equals("off")) {
      status = "off";
    }
    resource.put("status", status);
    ChannelTypes.store(resource.getJsonObject("channel"), written.channel().type());
    return new Subscription(written.id(), 0, status, written.kind(), written.channel(), written.endMillis(), resource);
  }

  /** Its resource once the handshake succeeded ({@code active}) or failed ({@code error}, with why). */
  public static JsonObject handshaken(Subscription subscription, String failure) {
    if (failure == null) {
      JsonObject active = subscription.resource().copy().put("status", "active");
      active.remove("error");
      return active;
    }
    return errored(subscription, "The handshake failed: " + failure);
  }

  /** Its resource set {@code error}, with why delivery gave up. */
  public static JsonObject errored(Subscription subscription, String reason) {
    return subscription.resource().copy().put("status", "error").put("error", reason);
  }

  /** Its resource set {@code off}: its end has passed. */
  public static JsonObject ended(Subscription subscription) {
    return subscription.resource().copy().put("status", "off");
  }
}
