package io.herald.subscription;

import io.herald.store.Change;

import java.util.Locale;

/**
 * One notification of one subscription, numbered {@code eventNumber} in that subscription's sequence (1, 2, 3...,
 * no gaps, whatever its kind).
 *
 * @param change for an {@link Kind#EVENT}, the change it tells of, with the resource as the change wrote it (for a
 *               delete, the last version; null only where it was not carried); null for the other kinds
 */
public record Notification(String subscription, long eventNumber, Kind kind, Change change) {

  /**
   * What a notification is: a matched change ({@code event}); {@code handshake} and {@code heartbeat} are the
   * topic-based channels' own, numbered in the same sequence and carrying no change.
   */
  public enum Kind {
    EVENT, HANDSHAKE, HEARTBEAT;

    /** As stored in {@code notification.kind}. */
    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Kind of(String code) {
      return valueOf(code.toUpperCase(Locale.ROOT));
    }
  }

  public static Notification event(String subscription, long eventNumber, Change change) {
    return new Notification(subscription, eventNumber, Kind.EVENT, change);
  }

  /** The versionId of its change, or 0 when it has none. */
  public long versionId() {
    return change == null ? 0 : change.versionId();
  }
}
