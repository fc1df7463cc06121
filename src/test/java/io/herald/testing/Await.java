package io.herald.testing;

import java.util.function.Supplier;

/** Waits for what a test expects to become true, failing after 30 s. */
public final class Await {

  private Await() {
  }

  public static void until(Supplier<Boolean> condition) throws InterruptedException {
    until(condition, () -> "");
  }

  /** The same, saying what {@code state} shows when it times out. */
  public static void until(Supplier<Boolean> condition, Supplier<String> state) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!condition.get()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting; " + state.get());
      }
      Thread.sleep(20);
    }
  }
}
