package io.herald.subscription;

import io.herald.fhir.Backport;
import io.herald.testing.Await;
import io.herald.testing.HeraldNode;
import io.herald.testing.Receiver;
import io.herald.testing.Reply;
import io.herald.testing.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.herald.subscription.TopicIT.encounter;
import static io.herald.subscription.TopicIT.events;
import static io.herald.subscription.TopicIT.part;
import static io.herald.subscription.TopicIT.subscription;
import static io.herald.subscription.TopicIT.topic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A receiver down for a whole minute, with Herald's default retry policy: once it is back it gets every event of that
 * minute, once, in order, in Bundles of at most maxCount, and the subscription stays active.
 */
class TopicOutageIT {

  @Test
  void aReceiverDownForAMinuteGetsEveryEventAfterwardsInBundlesOfAtMostMaxCount() throws Exception {
    String url = "http://example.org/fhir/SubscriptionTopic/outage";
    try (Receiver receiver = new Receiver(); HeraldNode node = HeraldNode.start(TestDatabase.freshDatabase(), new JsonObject())) {
      assertEquals(201, node.put("/SubscriptionTopic/outage", topic(url, "outage").encode()).status);
      JsonObject s = subscription(url, "p", receiver.url("/down"), "id-only", "application/fhir+json");
      s.getJsonObject("channel").put("extension", new JsonArray()
          .add(new JsonObject().put("url", Backport.MAX_COUNT).put("valuePositiveInt", 4)));
      Reply created = node.post("/Subscription", s.encode());
      String id = created.json().getString("id");
      Await.until(() -> "active".equals(node.get("/Subscription/" + id).json().getString("status")));

      receiver.mode(Receiver.Mode.DROP);   // down: every connection is closed unanswered
      long downSince = System.nanoTime();
      int events = 0;
      while (System.nanoTime() - downSince < 60_000_000_000L) {
        String e = "e" + events++;
        assertEquals(201, node.put("/Encounter/" + e, encounter(e, "p", "finished").encode()).status);
        Thread.sleep(2500);
      }
      assertEquals("active", node.get("/Subscription/" + id).json().getString("status"), "a minute is well within the policy");
      receiver.mode(Receiver.Mode.OK);
      int expected = events;
      long deadline = System.nanoTime() + 45_000_000_000L;   // the longest retry delay is 30 s
      List<Long> numbers = new ArrayList<>();
      while (numbers.size() < expected && System.nanoTime() < deadline) {
        Thread.sleep(100);
        numbers.clear();
        for (Receiver.Received r : receiver.acknowledged("/down")) {
          JsonObject status = new JsonObject(r.body()).getJsonArray("entry").getJsonObject(0).getJsonObject("resource");
          List<JsonArray> told = events(status);
          assertTrue(told.size() <= 4, "at most maxCount events in a Bundle: " + told.size());
          told.forEach(e -> numbers.add(Long.parseLong(part(e, "event-number"))));
        }
      }
      List<Long> all = new ArrayList<>();
      for (long n = 1; n <= expected; n++) {
        all.add(n);
      }
      assertEquals(all, numbers, "every event of the minute, once, in order");
    }
  }
}
