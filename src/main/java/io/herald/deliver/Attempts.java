package io.herald.deliver;

import java.util.function.DoubleSupplier;

/**
 * A worker's failed attempts at its next notification, and its retry decision: wait (how long) or give up. Attempts
 * count against one version of the subscription: a new version (a client fixed the endpoint, re-activated it) is
 * tried afresh. Pure: time and chance are given.
 */
final class Attempts {

  private final RetryPolicy policy;
  private long version = -1;
  private int failures;
  private long failingSince;

  Attempts(RetryPolicy policy) {
    this.policy = policy;
  }

  /** The subscription is now at {@code version}: a different one starts with no failures. */
  void at(long version) {
    if (version != this.version) {
      failures = 0;
    }
    this.version = version;
  }

  /** The receiver acknowledged: the next notification starts with no failures. */
  void succeeded() {
    failures = 0;
  }

  /**
   * An attempt failed at {@code nowMillis}.
   *
   * @return the delay before trying again, or -1: give up (the policy is spent)
   */
  long failed(long nowMillis, DoubleSupplier random) {
    if (failures++ == 0) {
      failingSince = nowMillis;
    }
    return policy.delay(failures, nowMillis - failingSince, random);
  }

  /** Failed attempts so far at the current notification. */
  int failures() {
    return failures;
  }

  /** After giving up: nothing is counted until delivery resumes. */
  void reset() {
    failures = 0;
  }
}
