/**
 * Subscriptions: what one is ({@code SubscriptionSpec}, parsed and checked when written) and the
 * matcher that numbers their notifications ({@code MatchVerticle}).
 *
 * <h2>Invariant: every committed change that matches an active subscription yields exactly one
 * notification, with that subscription's next eventNumber</h2>
 * The matcher follows the change feed (which never skips a change, see {@code io.herald.store}) from a
 * durable cursor. For each batch it writes, in one transaction, the notifications (eventNumber 1, 2, 3... per
 * subscription), the counters they were numbered from and the cursor. A crash before the commit leaves
 * nothing, and the batch is matched again; a crash after it leaves everything, and the batch is not. So no
 * change is matched twice or never, across restarts, crashes and a takeover by another node (one matcher at
 * a time, by an advisory lock). {@code MatchIT} and {@code CrashIT} fail without it.
 *
 * <h2>Channels outside R4</h2>
 * A {@code poll} channel is stored as the Subscriptions Backport IG carries a channel type outside R4's
 * required value set ({@code channel.type} rest-hook with the backport-channel-type extension), so every R4
 * client can read it; Herald accepts {@code "type": "poll"} as written too.
 */
package io.herald.subscription;
