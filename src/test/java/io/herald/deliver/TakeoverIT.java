package io.herald.deliver;

import io.herald.testing.HeraldNode;
import io.herald.testing.Receiver;
import io.herald.testing.Receiver.Received;
import io.herald.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two nodes on one database: one matches and delivers, the other writes; when the first stops, the
 * second takes both roles over and nothing is matched or delivered twice or lost.
 */
class TakeoverIT {

  private static final String OBSERVATION = "{\"resourceType\":\"Observation\",\"status\":\"final\"}";

  @Test
  void theOtherNodeTakesOverMatchingAndDelivery() throws Exception {
    String db = TestDatabase.freshDatabase();
    try (Receiver receiver = new Receiver()) {
      HeraldNode first = HeraldNode.start(db, new JsonObject());
      HeraldNode second = HeraldNode.start(db, new JsonObject());
      assertEquals(201, second.put("/Subscription/both", new JsonObject().put("resourceType", "Subscription").put("id", "both")
          .put("status", "active").put("reason", "takeover").put("criteria", "Observation?status=final")
          .put("channel", new JsonObject().put("type", "rest-hook").put("endpoint", receiver.url("/both"))).encode()).status);
      for (int i = 0; i < 20; i++) {
        (i % 2 == 0 ? first : second).post("/Observation", OBSERVATION);
      }
      await(receiver, 20);
      first.close();
      for (int i = 0; i < 20; i++) {
        second.post("/Observation", OBSERVATION);
      }
      await(receiver, 40);
      second.close();

      List<Long> events = receiver.acknowledged("/both").stream().map(Received::eventNumber).toList();
      assertEquals(40, new HashSet<>(events).size(), "every notification, numbered once: " + events);
      assertTrue(events.size() - 40 <= 1, "delivered once, but for one in flight at the stop: " + events);
      long highest = 0;
      for (long e : events) {
        assertTrue(e <= highest + 1, "in order: " + events);
        highest = Math.max(highest, e);
      }
      Set<Long> numbers = new HashSet<>(events);
      for (long n = 1; n <= 40; n++) {
        assertTrue(numbers.contains(n), "no gap at " + n);
      }
    }
  }

  private static void await(Receiver receiver, int distinct) throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (new HashSet<>(receiver.acknowledged("/both").stream().map(Received::eventNumber).toList()).size() < distinct) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("only " + receiver.acknowledged("/both").size() + " of " + distinct + " delivered");
      }
      Thread.sleep(20);
    }
  }
}
