/**
 * Retention: the feed and the notifications are kept for what they promise, and no longer.
 * <ul>
 *   <li>A change stays in the feed until the matcher has passed it and {@code store.retention.feedSeconds} have
 *   passed since it was written; the matcher's cursor's change always stays (a search's snapshot, the newest settled
 *   change, is read from the feed).</li>
 *   <li>A notification stays while its channel may still need it: unacknowledged on a channel that pushes
 *   (rest-hook), and at least {@code store.retention.notificationSeconds} after its change, which is what
 *   {@code $poll} replays from. How far each subscription's notifications are pruned is recorded
 *   ({@code notification_pruned}), so a poller asking from below it is told so (410), never handed a silent gap.</li>
 *   <li>FHIR history ({@code _history}, vread, searches as of a snapshot) is never pruned.</li>
 * </ul>
 * Where a window ends is read from history (the last versionId written before a time, {@code herald_version_at}), so
 * nothing needs remembering across restarts. Pruning deletes in bounded batches on one connection; autovacuum visits
 * the two tables after a small share of dead rows (V9). One node prunes.
 */
package io.herald.retention;
