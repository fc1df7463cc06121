package io.herald.cluster;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the delivery buckets are shared: each to exactly one member, evenly, and little moves when one leaves. */
class DeliverySharesTest {

  private static final List<String> THREE = List.of("8f2c3a10-0000-4000-8000-000000000001",
      "1b7e9d22-0000-4000-8000-000000000002", "c41a5e33-0000-4000-8000-000000000003");

  @Test
  void everyBucketHasOneOwnerAndTheSharesAreEven() {
    Set<Integer> all = new HashSet<>();
    int total = 0;
    for (String member : THREE) {
      Set<Integer> mine = DeliveryShares.assigned(member, THREE);
      assertTrue(mine.size() >= 84 && mine.size() <= 86, "256 buckets over 3: " + mine.size());
      all.addAll(mine);
      total += mine.size();
      int subscriptions = 0;
      for (int i = 0; i < 3000; i++) {
        subscriptions += mine.contains(DeliveryShares.bucket("subscription-" + i)) ? 1 : 0;
      }
      assertTrue(subscriptions >= 800 && subscriptions <= 1200, "3,000 subscriptions within 20%: " + subscriptions);
    }
    assertEquals(DeliveryShares.BUCKETS, all.size());
    assertEquals(DeliveryShares.BUCKETS, total, "no bucket twice");
    assertEquals(DeliveryShares.BUCKETS, DeliveryShares.assigned(THREE.get(0), List.of(THREE.get(0))).size(), "alone: all");
  }

  @Test
  void whenAMemberLeavesTheOthersKeepMostOfWhatTheyHad() {
    List<String> two = THREE.subList(0, 2);
    int kept = 0;
    for (String member : two) {
      Set<Integer> before = DeliveryShares.assigned(member, THREE);
      Set<Integer> after = DeliveryShares.assigned(member, two);
      before.retainAll(after);
      kept += before.size();
    }
    assertTrue(kept >= 150, "of the ~170 buckets the two held, most stay where they were: " + kept);
  }
}
