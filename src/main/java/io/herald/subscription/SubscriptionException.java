package io.herald.subscription;

/** A Subscription resource Herald cannot accept; the message names the field and the reason. */
public final class SubscriptionException extends IllegalArgumentException {

  public SubscriptionException(String message) {
    super(message);
  }
}
