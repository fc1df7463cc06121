package io.herald.deliver;

import io.herald.store.Change;
import io.herald.subscription.Notification;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The worker's ordering decisions: what is queued from announcements, and when the database is read instead. */
class BacklogTest {

  private static Notification n(long eventNumber) {
    return Notification.event("s", eventNumber, new Change(100 + eventNumber, "Patient", "p" + eventNumber, "create",
        OffsetDateTime.parse("2026-11-30T12:00:00Z"), null, null));
  }

  /** A backlog that has read its position (acknowledged up to {@code acked}) and found {@code found}. */
  private static Backlog positioned(long acked, Notification... found) {
    Backlog backlog = new Backlog();
    backlog.reading();
    assertEquals(acked, backlog.readFrom(acked, 0));
    backlog.read(List.of(found), false);
    return backlog;
  }

  @Test
  void aBacklogThatDoesNotKnowWhereItStandsQueuesNothingAndReads() {
    Backlog backlog = new Backlog();
    assertFalse(backlog.positioned());
    assertEquals(Backlog.Offer.STALE, backlog.offer(n(1), true));
    assertNull(backlog.next());
    assertTrue(backlog.isStale());
  }

  @Test
  void theNextNotificationIsQueuedWhenCaughtUpAndSentInOrder() {
    Backlog backlog = positioned(4);
    assertEquals(Backlog.Offer.QUEUED, backlog.offer(n(5), true));
    assertEquals(Backlog.Offer.QUEUED, backlog.offer(n(6), true));
    assertFalse(backlog.isStale(), "nothing to read: every announced one is queued");
    assertEquals(5, backlog.next().eventNumber());
    backlog.acknowledged(n(5));
    assertEquals(5, backlog.delivered());
    assertEquals(6, backlog.next().eventNumber());
  }

  @Test
  void aGapIsNeverQueuedOverTheDatabaseIsReadFromTheLastAcknowledgement() {
    Backlog backlog = positioned(4);
    assertEquals(Backlog.Offer.STALE, backlog.offer(n(6), true), "5 is missing");
    assertNull(backlog.next());
    assertTrue(backlog.isStale());
    backlog.reading();
    assertEquals(4, backlog.readFrom(4, 0));
    backlog.read(List.of(n(5), n(6)), false);
    assertFalse(backlog.isStale());
    assertEquals(5, backlog.next().eventNumber());
  }

  @Test
  void anAnnouncementOfWhatWasAlreadyReadIsADuplicate() {
    Backlog backlog = positioned(0, n(1), n(2));
    assertEquals(Backlog.Offer.DUPLICATE, backlog.offer(n(2), true));
    assertEquals(Backlog.Offer.QUEUED, backlog.offer(n(3), true));
  }

  @Test
  void whileNotCaughtUpNothingIsQueuedSoADownReceiverCostsNoMemory() {
    Backlog backlog = positioned(4);
    assertEquals(Backlog.Offer.STALE, backlog.offer(n(5), false), "waiting to retry");
    assertNull(backlog.next());
    assertEquals(Backlog.Offer.STALE, backlog.offer(n(6), true), "once stale, the database is read before queueing");
  }

  @Test
  void anAnnouncementDuringARead_isNeitherDroppedNorQueuedButReadAgain() {
    Backlog backlog = positioned(4);
    backlog.reading();
    backlog.readFrom(4, 0);
    assertEquals(Backlog.Offer.STALE, backlog.offer(n(5), true), "the read under way may or may not see it");
    backlog.read(List.of(n(5)), false);
    assertTrue(backlog.isStale(), "read again once the queue is sent");
  }

  @Test
  void aReadStartsAfterTheHighestAcknowledgementWhereverItIsRecorded() {
    Backlog backlog = positioned(2, n(3), n(4));
    backlog.acknowledged(n(3));   // here
    backlog.reading();
    assertEquals(3, backlog.readFrom(1, 0), "delivered here, not flushed");
    backlog.reading();
    assertEquals(7, backlog.readFrom(1, 7), "recorded, not written yet");
    backlog.reading();
    assertEquals(9, backlog.readFrom(9, 7), "in the database");
  }

  @Test
  void aScanThatFindsItBehindOnlyByTheFlushOfAcknowledgementsChangesNothing() {
    Backlog backlog = positioned(2, n(3));
    backlog.offer(n(4), true);
    assertTrue(backlog.has(4), "queued: the database is behind only in what it records");
    assertFalse(backlog.has(5), "announced to nobody here: a lost wake-up, to be read");
    backlog.reading();
    assertFalse(backlog.has(3), "while reading it knows nothing");
  }

  @Test
  void anAcknowledgementAfterTheQueueWasDroppedIsStillCounted() {
    Backlog backlog = positioned(2, n(3), n(4));
    backlog.unread();   // the subscription was deleted while 3 was out
    backlog.acknowledged(n(3));
    assertEquals(3, backlog.delivered());
    assertNull(backlog.next());
  }

  @Test
  void aFullReadLeavesItStaleAndAFailedOneLeavesItUnpositioned() {
    Backlog full = new Backlog();
    full.reading();
    full.readFrom(0, 0);
    full.read(List.of(n(1), n(2)), true);
    assertTrue(full.isStale(), "more wait in the database");
    assertEquals(1, full.next().eventNumber());

    Backlog failed = positioned(3, n(4));
    failed.reading();
    failed.unread();
    assertFalse(failed.positioned());
    assertNull(failed.next());
  }
}
