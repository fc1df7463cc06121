package io.herald.testing;

import java.util.function.Supplier;

/** Waits for what a test expects to become true, failing after 30 s. */
public final class Await {

  private Await() {
  }

  public static void until(Supplier<Boolean> condition) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!condition.get()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting");
      }
      Thread.sleep(20);
    }
  }
}
