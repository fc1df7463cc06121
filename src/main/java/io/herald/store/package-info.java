/**
 * The store: resources, their history, search and the change feed, in PostgreSQL. Every fixed statement is in
 * {@code SqlQueries}, search SQL is composed in {@code SearchSql}. The schema and the server are
 * {@code io.herald.database}'s; notifications and what surrounds them are {@code io.herald.subscription}'s.
 *
 * <h2>Invariants</h2>
 * <ol>
 *   <li><b>Durable before answered.</b> A write is one transaction ({@code herald_write}): the
 *       current version, its history entry and its change row commit together, with fsync and
 *       synchronous commit on, before the HTTP response carries the new {@code versionId}. The
 *       document is written twice, as the current version and in history; the change row is only the
 *       versionId and the writing transaction, and the feed reads the rest from history (V9).</li>
 *   <li><b>The feed never skips a change.</b> A reader that has seen versionId N never later
 *       sees a change with a smaller number, and sees every committed change once.</li>
 *   <li><b>Bad input writes nothing.</b> Validation happens before the transaction; a failed
 *       precondition ({@code If-Match}) is decided inside it before anything is written.</li>
 * </ol>
 *
 * <h2>How the feed keeps invariant 2: a visibility horizon</h2>
 * VersionIds come from a sequence, handed out before commit, so concurrent transactions commit
 * out of number order: a reader asking for {@code version_id > N} could see 7 while 6 is still
 * uncommitted, move its cursor past 6 and never see it. Herald stores with every change the id
 * of the transaction that wrote it ({@code pg_current_xact_id()}, an {@code xid8}) and reads
 * only changes whose transaction is older than the reader's snapshot {@code xmin}
 * ({@code pg_snapshot_xmin(pg_current_snapshot())}): every transaction older than xmin has
 * finished, so the set of such changes can no longer grow.
 *
 * <p>That is only a prefix in versionId order if versionId order and transaction-id order agree.
 * {@code herald_stamp()} makes them agree: it takes the next versionId and the transaction's id
 * together under a lock held for just those two calls (not until commit, so commits still group),
 * and refuses to run in a transaction that already has an id. Then a change from a transaction
 * still running (id ≥ xmin) always has a larger versionId than every change the reader may take,
 * and the reader, which stops at the first change it may not take yet, never skips one.
 * {@code ChangeFeedIT} proves it with eight writers holding transactions open after taking their
 * numbers, some rolling back, and a reader following from 0; with the horizon removed it fails.
 *
 * <h2>Wake-ups</h2>
 * After each commit the store sends {@code NOTIFY herald_change} outside the write transaction,
 * coalesced ({@link io.herald.store.CommitSignal}); readers {@code LISTEN} through
 * {@code PgSubscriber} ({@link io.herald.store.ChangeFeed#listen}). A wake-up carries nothing:
 * a reader re-reads from its own cursor, so a lost one delays a change but never loses it, and
 * {@link io.herald.store.FeedFollower} also reads once a second and retries at once while a
 * running transaction holds changes back.
 *
 * <h2>Retention</h2>
 * The feed is pruned ({@code io.herald.retention}) only below the matcher's cursor, never of the cursor's own change:
 * a reader of the feed never finds a gap, and a search's snapshot (the newest settled change) always has a settled
 * change to stand on, however long a transaction keeps newer ones unsettled. History is never pruned.
 */
package io.herald.store;
