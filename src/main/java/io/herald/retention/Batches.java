package io.herald.retention;

import io.herald.subscription.Notifications.Prunable;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts subscriptions' ranges of notifications to prune into statements of at most {@code batch} notifications each
 * (eventNumbers have no gaps, so a range's size is its length). A long range is split; short ones share a statement.
 */
final class Batches {

  private Batches() {
  }

  static List<List<Prunable>> of(List<Prunable> ranges, int batch) {
    List<List<Prunable>> batches = new ArrayList<>();
    List<Prunable> current = new ArrayList<>();
    long room = batch;
    for (Prunable range : ranges) {
      long from = range.pruned();
      while (from < range.through()) {
        long upTo = Math.min(range.through(), from + room);
        current.add(new Prunable(range.id(), from, upTo));
        room -= upTo - from;
        from = upTo;
        if (room == 0) {
          batches.add(current);
          current = new ArrayList<>();
          room = batch;
        }
      }
    }
    if (!current.isEmpty()) {
      batches.add(current);
    }
    return batches;
  }
}
