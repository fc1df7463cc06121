/**
 * Subscriptions: what one is, what moves it, and its notifications.
 * <ul>
 *   <li>{@code Subscription}: one immutable model, parsed and checked once per version ({@code Subscriptions}, shared
 *   by the node's writer, matcher and deliverer: the HTTP handler parses what a client writes and keeps the model of
 *   the version stored; the matcher and the deliverer take it by (id, versionId)). Its {@code Kind} says what it
 *   hears: criteria today, a topic-based kind beside it next. Its {@code Channel} is checked by the channel type's own
 *   rule, from the registry of channels.</li>
 *   <li>{@code Lifecycle}: requested → active at once, off at its end, error when delivery gives up, active again
 *   by the client; {@code ChannelTypes}: how a channel type outside R4 is stored so every R4 client reads it.</li>
 *   <li>{@code MatchVerticle}: numbers notifications; {@code Announcement}: what it publishes once they commit,
 *   with each change's content, so delivery normally reads nothing back.</li>
 *   <li>{@code Notifications} over {@code SubscriptionSql}: every statement over notifications, counters, the match
 *   cursor and acknowledgements, with one query for notifications after an eventNumber (delivery, catch-up and
 *   {@code $poll} share it). A notification has a kind: {@code event} (a matched change) today; {@code handshake} and
 *   {@code heartbeat} take a number in the same sequence and carry no change.</li>
 * </ul>
 *
 * <h2>Invariant 3: every committed change that matches an active subscription yields exactly one notification,
 * with that subscription's next eventNumber</h2>
 * The matcher follows the change feed (which never skips a change, see {@code io.herald.store}) from a durable
 * cursor. For each batch it writes, in one transaction ({@code Notifications.commit}), the notifications
 * (eventNumber 1, 2, 3... per subscription), the counters they were numbered from and the cursor, moved only if it
 * is still where this matcher read it. A crash before the commit leaves nothing, and the batch is matched again; a
 * crash after it leaves everything, and the batch is not. A failed commit reloads counters and index from the
 * database before the batch is tried again, so no number is skipped or given twice. Subscriptions are changes in
 * the same feed, applied after the change that wrote them is matched: a subscription hears exactly the changes
 * after its activation. One node matches at a time ({@code io.herald.cluster.Ownership}). {@code MatchIT},
 * {@code CrashIT} and {@code TakeoverIT} fail without it.
 *
 * <h2>Invariant 4: per subscription, notifications are delivered in eventNumber order, at least once</h2>
 * Numbers are given in feed order and a subscription's notifications are read back in eventNumber order only;
 * the deliverer ({@code io.herald.deliver}) sends the next one only after the previous one was acknowledged, and
 * records acknowledgements here ({@code delivery_state}, a table of its own so the matcher and the deliverer never
 * wait on one row). After a crash it resumes after the last acknowledgement recorded: what was delivered since
 * comes again, and a receiver de-duplicates by eventNumber. {@code RestHookIT} and {@code CrashIT} fail without it.
 */
package io.herald.subscription;
