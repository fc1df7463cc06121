package io.herald.subscription;

import io.herald.testing.Await;
import io.herald.testing.HeraldNode;
import io.herald.testing.Receiver;
import io.herald.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import org.junit.jupiter.api.Test;

import static io.herald.subscription.TopicIT.encounter;
import static io.herald.subscription.TopicIT.events;
import static io.herald.subscription.TopicIT.parameter;
import static io.herald.subscription.TopicIT.part;
import static io.herald.subscription.TopicIT.subscription;
import static io.herald.subscription.TopicIT.topic;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The matcher reads the feed without previous versions while no topic-based subscription exists. A subscription and
 * a change it hears read in one batch arrive without them: the matcher must read them
 * for the rest of the batch, or a status transition (its previous test) would be judged without the version before.
 */
class TopicBatchIT {

  @Test
  void aTopicSubscriptionAndAChangeItHearsInOneBatchAreJudgedWithThePreviousVersion() throws Exception {
    String url = "http://example.org/fhir/SubscriptionTopic/batched";
    try (Receiver receiver = new Receiver(); HeraldNode node = HeraldNode.start(TestDatabase.freshDatabase(), new JsonObject())) {
      JsonObject topic = topic(url, "batched");
      // A create does not pass the previous test here: without the version before, the update would not fire either.
      topic.getJsonArray("resourceTrigger").getJsonObject(0).getJsonObject("queryCriteria").put("resultForCreate", "test-fails");
      assertEquals(201, node.put("/SubscriptionTopic/batched", topic.encode()).status);
      assertEquals(201, node.put("/Encounter/b1", encounter("b1", "p", "in-progress").encode()).status);

      // A transaction begun first and still open holds the feed back (nothing after it is readable), so the
      // subscription and the update, committed meanwhile, are read in one batch once it ends.
      SqlConnection holder = node.sql().getConnection().await();
      Transaction held = holder.begin().await();
      holder.query("SELECT pg_current_xact_id()").execute().await();
      String id = node.post("/Subscription", subscription(url, "p", receiver.url("/batched"), "id-only",
          "application/fhir+json").encode()).json().getString("id");
      assertEquals(200, node.put("/Encounter/b1", encounter("b1", "p", "finished").encode()).status);
      held.rollback().await();
      holder.close().await();

      Await.until(() -> receiver.acknowledged("/batched").size() >= 2);   // its handshake, then the event
      JsonObject status = new JsonObject(receiver.acknowledged("/batched").get(1).body()).getJsonArray("entry")
          .getJsonObject(0).getJsonObject("resource");
      assertEquals("event-notification", parameter(status, "type"));
      assertEquals("1", part(events(status).get(0), "event-number"));
      assertEquals(true, part(events(status).get(0), "focus").endsWith("/Encounter/b1"));
    }
  }
}
