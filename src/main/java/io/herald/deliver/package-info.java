/**
 * Delivery of numbered notifications over rest-hook.
 *
 * <h2>Invariant: per subscription, notifications are delivered in eventNumber order, at least once</h2>
 * One {@code SubscriptionWorker} per subscription sends one request at a time, the next only after the
 * previous was acknowledged with a 2xx; a failure is retried ({@code RetryPolicy}: capped exponential backoff
 * with jitter, for a day by default) and never skipped. Acknowledgements are kept in {@code delivery_state}
 * and flushed within milliseconds, so after a crash delivery resumes from the first unacknowledged
 * notification: what was delivered since the last flush comes again, and a receiver de-duplicates by
 * {@code X-Herald-Event-Number}. One node delivers at a time (an advisory lock); every request first checks that
 * its worker is still the current one, so a worker from before a lost lock or a changed subscription never
 * sends beside its successor. {@code RestHookIT}, {@code CrashIT} and {@code TakeoverIT} fail without it.
 */
package io.herald.deliver;
