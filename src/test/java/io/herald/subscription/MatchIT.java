package io.herald.subscription;

import io.herald.testing.HeraldNode;
import io.herald.testing.Reply;
import io.herald.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Matching (DESIGN.md invariant 3): every committed change that matches an active subscription
 * yields exactly one notification with the subscription's next eventNumber — from its activation
 * on, never before, and across a restart.
 */
class MatchIT {

  private static final String MALE = "{\"resourceType\":\"Patient\",\"gender\":\"male\"}";
  private static final String FEMALE = "{\"resourceType\":\"Patient\",\"gender\":\"female\"}";

  @Test
  void notifiesEachMatchingChangeOnceInOrderFromActivationAcrossARestart() throws Exception {
    String db = TestDatabase.freshDatabase();
    List<Long> expected = new ArrayList<>();
    HeraldNode node = HeraldNode.start(db, new JsonObject());
    node.post("/Patient", MALE);   // before the subscription: never notified
    Reply created = node.put("/Subscription/s1", subscription("s1", "requested", "Patient?gender=male"));
    assertEquals(201, created.status, created::toString);
    assertEquals("active", created.json().getString("status"), "requested is activated at once");
    node.put("/Subscription/off", subscription("off", "off", "Patient?gender=male"));
    for (int i = 0; i < 3; i++) {
      expected.add(version(node.post("/Patient", MALE)));
      node.post("/Patient", FEMALE);
    }
    Reply maleReply = node.post("/Patient", MALE);
    expected.add(version(maleReply));
    JsonObject male = maleReply.json();
    String id = male.getString("id");
    expected.add(version(node.put("/Patient/" + id, male.copy().put("active", true).encode())));
    expected.add(Long.parseLong(node.delete("/Patient/" + id).header("ETag").replaceAll("\\D", "")));
    awaitNotifications(node, "s1", expected.size());
    node.close();

    HeraldNode restarted = HeraldNode.start(db, new JsonObject());
    expected.add(version(restarted.post("/Patient", MALE)));
    awaitNotifications(restarted, "s1", expected.size());
    List<Row> rows = notifications(restarted, "s1");
    for (int i = 0; i < rows.size(); i++) {
      assertEquals(i + 1, rows.get(i).getLong("event_number"), "eventNumbers 1, 2, 3… without gaps");
      assertEquals(expected.get(i), rows.get(i).getLong("version_id"), "in versionId order, each change once");
    }
    assertEquals("delete", rows.get(expected.size() - 2).getString("interaction"), "a delete matches on the deleted version");
    assertEquals(0, notifications(restarted, "off").size(), "an inactive subscription hears nothing");
    restarted.close();
  }

  @Test
  void aSubscriptionPastItsEndTurnsOffAndHearsNothingMore() throws Exception {
    try (HeraldNode node = HeraldNode.start()) {
      JsonObject ending = new JsonObject(subscription("ending", "active", "Patient?gender=male"))
          .put("end", java.time.Instant.now().plusSeconds(2).toString());
      assertEquals(201, node.put("/Subscription/ending", ending.encode()).status);
      long heard = version(node.post("/Patient", MALE));
      awaitNotifications(node, "ending", 1);
      assertEquals(heard, notifications(node, "ending").get(0).getLong("version_id"));

      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!"off".equals(node.get("/Subscription/ending").json().getString("status")) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertEquals("off", node.get("/Subscription/ending").json().getString("status"), "turned off at its end");
      node.post("/Patient", MALE);
      Thread.sleep(300);
      assertEquals(1, notifications(node, "ending").size(), "nothing after the end");

      Reply past = node.put("/Subscription/past", new JsonObject(subscription("past", "requested", "Patient?gender=male"))
          .put("end", "2020-01-01T00:00:00Z").encode());
      assertEquals("off", past.json().getString("status"), "an end already past: off from the start");
    }
  }

  @Test
  void rejectsSubscriptionsItCannotRun() {
    try (HeraldNode node = HeraldNode.start()) {
      assertRejected(node, subscription("x", "active", "Patient?nonsense=1"), "nonsense");
      assertRejected(node, subscription("x", "active", "?gender=male"), "resource type");
      assertRejected(node, subscription("x", "unknown", "Patient?gender=male"), "status");
      assertRejected(node, "{\"resourceType\":\"Subscription\",\"status\":\"active\",\"criteria\":\"Patient?gender=male\","
          + "\"channel\":{\"type\":\"email\"}}", "channel.type");
      assertRejected(node, "{\"resourceType\":\"Subscription\",\"status\":\"active\",\"criteria\":\"Patient?gender=male\","
          + "\"channel\":{\"type\":\"rest-hook\"}}", "channel.endpoint");
      assertRejected(node, "{\"resourceType\":\"Subscription\",\"status\":\"active\",\"criteria\":\"Patient?gender=male\","
          + "\"channel\":{\"type\":\"rest-hook\",\"endpoint\":\"relative/path\"}}", "absolute");
      assertRejected(node, "{\"resourceType\":\"Subscription\",\"status\":\"active\",\"criteria\":\"Patient?gender=male\","
          + "\"channel\":{\"type\":\"rest-hook\",\"endpoint\":\"http://localhost:9/hook\",\"header\":[\"no colon\"]}}", "header");
      assertRejected(node, "{\"resourceType\":\"Subscription\",\"status\":\"active\",\"criteria\":\"Patient\","
          + "\"channel\":{\"type\":\"websocket\",\"_type\":{\"extension\":[{\"url\":\"http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-channel-type\",\"valueCoding\":{\"code\":\"poll\"}}]}}}", "contradicts");
      assertRejected(node, "{\"resourceType\":\"Subscription\",\"status\":\"active\",\"criteria\":\"Patient\","
          + "\"channel\":{\"_type\":{\"extension\":[{\"url\":\"http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-channel-type\",\"valueCoding\":{\"system\":\"http://example.org\",\"code\":\"zulip\"}}]}}}",
          "http://example.org|zulip is not Herald's");
      assertRejected(node, "{\"resourceType\":\"Subscription\",\"status\":\"active\",\"criteria\":\"Patient\","
          + "\"channel\":{\"type\":\"rest-hook\",\"_type\":{\"extension\":[{\"url\":\"http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-channel-type\",\"valueCoding\":{\"display\":\"poll\"}}]}}}", "needs a valueCoding with a code");
      assertRejected(node, "{\"resourceType\":\"Subscription\",\"status\":\"active\",\"criteria\":\"Patient\","
          + "\"channel\":{\"type\":\"rest-hook\",\"_type\":\"poll\"}}", "channel._type");
      for (String header : List.of("Transfer-Encoding: chunked", "Host: elsewhere", "Content-Length: 5", "connection: close",
          "X-Herald-Event-Number: 1")) {
        assertRejected(node, "{\"resourceType\":\"Subscription\",\"status\":\"active\",\"criteria\":\"Patient\","
            + "\"channel\":{\"type\":\"rest-hook\",\"endpoint\":\"http://localhost:9/hook\",\"header\":[\"" + header + "\"]}}",
            "cannot be set");
      }
      for (String header : List.of("X-A: a\\u007fb", "X-A: a\\u0001b", "X-A: caf\\u00e9")) {   // what no HTTP client sends
        assertRejected(node, "{\"resourceType\":\"Subscription\",\"status\":\"active\",\"criteria\":\"Patient\","
            + "\"channel\":{\"type\":\"rest-hook\",\"endpoint\":\"http://localhost:9/hook\",\"header\":[\"" + header + "\"]}}",
            "is not \"Name: value\"");
      }
      assertRejected(node, "{\"resourceType\":\"Subscription\",\"status\":\"active\",\"criteria\":\"Patient?name=a\\nb\","
          + "\"channel\":{\"type\":\"poll\"}}", "control character (U+000A) at position 14");
      assertEquals(0, node.count("resource"), "nothing written");
    }
  }

  private static void assertRejected(HeraldNode node, String body, String mention) {
    Reply reply = node.post("/Subscription", body);
    assertEquals(400, reply.status, reply::toString);
    assertTrue(reply.diagnostics().contains(mention), reply::toString);
  }

  private static String subscription(String id, String status, String criteria) {
    return new JsonObject().put("resourceType", "Subscription").put("id", id).put("status", status)
        .put("reason", "test").put("criteria", criteria)
        .put("channel", new JsonObject().put("type", "poll")).encode();
  }

  private static long version(Reply reply) {
    assertTrue(reply.status / 100 == 2, reply::toString);
    return Long.parseLong(reply.json().getJsonObject("meta").getString("versionId"));
  }

  private static List<Row> notifications(HeraldNode node, String subscription) {
    List<Row> rows = new ArrayList<>();
    node.sql().preparedQuery("SELECT event_number, version_id, interaction FROM notification"
        + " WHERE subscription_id = $1 ORDER BY event_number").execute(Tuple.of(subscription)).await().forEach(rows::add);
    return rows;
  }

  private static void awaitNotifications(HeraldNode node, String subscription, int count) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (notifications(node, subscription).size() < count && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(count, notifications(node, subscription).size());
  }
}
