package io.herald.subscription;

/** A Subscription resource Herald cannot accept; the message names the field and the reason. */
public final class SubscriptionException extends IllegalArgumentException {

  private final boolean forbidden;

  public SubscriptionException(String message) {
    this(message, false);
  }

  private SubscriptionException(String message, boolean forbidden) {
    super(message);
    this.forbidden = forbidden;
  }

  /** A Subscription its writer may not make: it would hear of what the writer may not read. */
  public static SubscriptionException forbidden(String message) {
    return new SubscriptionException(message, true);
  }

  /** Whether the writer may not make it (403), rather than it being malformed (400). */
  public boolean forbidden() {
    return forbidden;
  }
}
