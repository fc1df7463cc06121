/**
 * Delivery of numbered notifications over channels.
 * <ul>
 *   <li>{@code Channels}: the registry of channel types, each with its rule for a Subscription's {@code channel} and,
 *   for those that push, a {@code Channel}. Rest-hook is {@code io.herald.deliver.resthook}; poll, a channel that
 *   waits to be asked, is {@code io.herald.deliver.poll}. A new channel is a line in the registry and a package.</li>
 *   <li>{@code SubscriptionWorker}: one per subscription of a pushing channel, the same for every channel: the
 *   ordering ({@code Backlog}), the retries ({@code Attempts} under the {@code RetryPolicy}), giving up (status
 *   {@code error}) and recording acknowledgements.</li>
 *   <li>{@code DeliverVerticle}: feeds workers from the matcher's announcements and a scan for subscriptions left
 *   behind, flushes acknowledgements, answers poll reads.</li>
 * </ul>
 *
 * <h2>Invariant: per subscription, notifications are delivered in eventNumber order, at least once</h2>
 * One worker per subscription sends one notification at a time, the next only after the previous was
 * acknowledged; a failure is retried (capped exponential backoff with jitter, for a day by default) and never
 * skipped. The backlog queues an announced notification only when it is the very next one and the worker is caught
 * up; anything else reads the database after the last acknowledgement. Acknowledgements are flushed within
 * milliseconds, so after a crash delivery resumes from the first unacknowledged notification, and a receiver
 * de-duplicates by {@code X-Herald-Event-Number}. Every send first checks that its worker is still the current one on
 * the node that owns the subscription ({@code io.herald.cluster.Ownership}), so a worker from before a lost lock or a
 * changed subscription never sends beside its successor. {@code RestHookIT}, {@code CrashIT}, {@code TakeoverIT} and
 * {@code BacklogTest} fail without it.
 */
package io.herald.deliver;
