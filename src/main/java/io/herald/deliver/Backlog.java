package io.herald.deliver;

import io.herald.subscription.Notification;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * What a worker knows of its subscription's notifications, and its ordering decisions: which notification goes next,
 * whether an announced one can be queued as it is or the database must be read, what a read starts from. Pure: no
 * I/O, no clock.
 *
 * <p>The queue holds notifications in eventNumber order with no gap, from the one after the last acknowledged. An
 * announced notification is queued only when it is the very next one and the worker is caught up; anything else
 * (a gap, a notification announced while the worker reads, waits to retry, or does not know where it stands) marks
 * the backlog stale, and the next read of the database starts after the last acknowledgement.
 */
final class Backlog {

  /** What became of an announced notification. */
  enum Offer {
    /** Already queued or delivered. */
    DUPLICATE,
    /** Queued: it is the next one. */
    QUEUED,
    /** Not queued: the database is to be read. */
    STALE
  }

  private final ArrayDeque<Notification> queue = new ArrayDeque<>();
  private long delivered = -1;    // the last eventNumber acknowledged here
  private long queuedUpTo = -1;   // the highest eventNumber delivered or queued; -1: where it stands is to be read
  private boolean reading;
  private boolean stale;          // the database may hold notifications after the queue

  /**
   * A notification the matcher announced.
   *
   * @param caughtUp the worker is delivering straight from announcements (knows its subscription, is not waiting to
   *                 retry): only then is a notification queued, so a receiver that is down costs no memory
   */
  Offer offer(Notification n, boolean caughtUp) {
    if (queuedUpTo >= 0 && n.eventNumber() <= queuedUpTo && !reading) {
      return Offer.DUPLICATE;   // read from the database before its announcement came
    }
    if (caughtUp && !reading && !stale && queuedUpTo >= 0 && n.eventNumber() == queuedUpTo + 1) {
      queue.add(n);
      queuedUpTo = n.eventNumber();
      return Offer.QUEUED;
    }
    stale = true;
    return Offer.STALE;
  }

  /** The next notification to send, or null. */
  Notification next() {
    return queue.peek();
  }

  /** The next notifications to send together, at most {@code max}, in order (empty when none is queued). */
  List<Notification> next(int max) {
    List<Notification> batch = new ArrayList<>(Math.min(max, queue.size()));
    for (Notification n : queue) {
      if (batch.size() == max) {
        break;
      }
      batch.add(n);
    }
    return batch;
  }

  /**
   * The receiver acknowledged up to {@code n}: the queued notifications up to it go (unless the queue was dropped
   * meanwhile).
   */
  void acknowledged(Notification n) {
    while (!queue.isEmpty() && queue.peek().eventNumber() <= n.eventNumber()) {
      queue.poll();
    }
    delivered = Math.max(delivered, n.eventNumber());
  }

  /** How many events the receiver has been told of, as far as this backlog knows (0 before it knows). */
  long told() {
    long upTo = queue.isEmpty() ? queuedUpTo : queue.peek().eventNumber() - 1;
    return Math.max(0, Math.max(delivered, upTo));
  }

  /** The last eventNumber acknowledged here, or -1. */
  long delivered() {
    return delivered;
  }

  /** Whether the database may hold notifications after the queue: it is to be read once the queue is sent. */
  boolean isStale() {
    return stale;
  }

  /** Whether notification {@code eventNumber} is delivered or queued here. */
  boolean has(long eventNumber) {
    return positioned() && eventNumber <= queuedUpTo;
  }

  /** Whether it knows where it stands: not reading, and its position was read. */
  boolean positioned() {
    return queuedUpTo >= 0 && !reading;
  }

  /** Marks that the database may hold notifications after the queue. */
  void stale() {
    stale = true;
  }

  /** A read begins: the queue is dropped and where it stands is read again. */
  void reading() {
    queue.clear();
    queuedUpTo = -1;
    stale = false;
    reading = true;
  }

  /**
   * Where a read of notifications starts: after the highest acknowledgement known, in the database, here, or
   * recorded and not written yet.
   */
  long readFrom(long acknowledgedInDatabase, long unflushed) {
    queuedUpTo = Math.max(Math.max(acknowledgedInDatabase, delivered), unflushed);
    return queuedUpTo;
  }

  /**
   * What a read found, in order after {@link #readFrom}.
   *
   * @param full the read hit its limit: more wait in the database
   */
  void read(List<Notification> found, boolean full) {
    queue.addAll(found);
    if (!found.isEmpty()) {
      queuedUpTo = found.get(found.size() - 1).eventNumber();
    }
    if (full) {
      stale = true;
    }
    reading = false;
  }

  /** A read failed, or found the subscription not to be delivered to: nothing queued, where it stands unknown. */
  void unread() {
    queue.clear();
    queuedUpTo = -1;
    reading = false;
  }

  /** Whether a read is under way. */
  boolean isReading() {
    return reading;
  }
}
