package io.herald.retention;

import io.herald.subscription.Notifications.Prunable;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BatchesTest {

  @Test
  void shortRangesShareAStatementAndLongOnesAreSplit() {
    List<List<Prunable>> batches = Batches.of(List.of(
        new Prunable("a", 0, 3), new Prunable("b", 10, 12), new Prunable("c", 5, 17)), 5);
    assertEquals(List.of(
        List.of(new Prunable("a", 0, 3), new Prunable("b", 10, 12)),
        List.of(new Prunable("c", 5, 10)),
        List.of(new Prunable("c", 10, 15)),
        List.of(new Prunable("c", 15, 17))), batches);
  }

  @Test
  void nothingToPruneIsNoStatement() {
    assertEquals(List.of(), Batches.of(List.of(), 5000));
  }
}
