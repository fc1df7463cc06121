/**
 * The poll channel ({@code $poll}): nothing is pushed. {@code PollChannel} answers reads of a subscription's
 * notifications after a versionId, on every node; {@code PollWaiters}, one per HTTP event loop, holds the polls that
 * wait for the next one and wakes them on the matcher's announcement, sharing one read among the waiters of a
 * subscription. A waiter registers before it reads, so no notification slips between its read and its wait.
 * {@code PollIT} fails without it.
 */
package io.herald.deliver.poll;
