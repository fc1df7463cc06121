package io.herald.subscription;

import io.herald.testing.Await;
import io.herald.testing.HeraldNode;
import io.herald.testing.Receiver;
import io.herald.testing.Reply;
import io.herald.testing.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code $status}: where each subscription stands, as the Backport IG's status Parameters in a searchset Bundle. */
class StatusIT {

  private static final JsonObject FAST = new JsonObject().put("deliver", new JsonObject()
      .put("retryBaseMillis", 20).put("retryCapMillis", 100).put("maxAttempts", 3).put("timeoutSeconds", 1));

  private static Receiver receiver;
  private static HeraldNode node;

  @BeforeAll
  static void start() throws Exception {
    receiver = new Receiver();
    node = HeraldNode.start(TestDatabase.freshDatabase(), FAST);
    subscribe("healthy", "Observation?status=final", "rest-hook", receiver.url("/healthy"));
    subscribe("polled", "Observation?status=final", "poll", null);
    subscribe("broken", "Observation?status=amended", "rest-hook", receiver.url("/broken"));
    subscribe("quiet", "Observation?status=cancelled", "poll", null);
    subscribe("gone", "Observation?status=final", "poll", null);
    assertEquals(200, node.delete("/Subscription/gone").status);
    receiver.mode(Receiver.Mode.DROP);
    node.post("/Observation", "{\"resourceType\":\"Observation\",\"status\":\"amended\"}");
    Await.until(() -> "error".equals(node.get("/Subscription/broken").json().getString("status")));
    receiver.mode(Receiver.Mode.OK);
    for (int i = 0; i < 2; i++) {
      node.post("/Observation", "{\"resourceType\":\"Observation\",\"status\":\"final\"}");
    }
    Await.until(() -> receiver.acknowledged("/healthy").size() == 2);
  }

  @AfterAll
  static void stop() {
    node.close();
    receiver.close();
  }

  private static void subscribe(String id, String criteria, String type, String endpoint) {
    JsonObject channel = new JsonObject().put("type", type);
    if (endpoint != null) {
      channel.put("endpoint", endpoint);
    }
    Reply reply = node.put("/Subscription/" + id, new JsonObject().put("resourceType", "Subscription").put("id", id)
        .put("status", "active").put("reason", "test").put("criteria", criteria).put("channel", channel).encode());
    assertEquals(201, reply.status, reply::toString);
  }

  /** The status Parameters of a searchset, by subscription id, each as name → value. */
  private static Map<String, Map<String, Object>> statuses(Reply reply) {
    assertEquals(200, reply.status, reply::toString);
    JsonObject bundle = reply.json();
    assertEquals("searchset", bundle.getString("type"));
    Map<String, Map<String, Object>> byId = new HashMap<>();
    for (Object e : bundle.getJsonArray("entry", new JsonArray())) {
      JsonObject parameters = ((JsonObject) e).getJsonObject("resource");
      assertEquals("Parameters", parameters.getString("resourceType"));
      assertEquals(List.of("http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription-status-r4"),
          parameters.getJsonObject("meta").getJsonArray("profile").getList());
      Map<String, Object> values = new HashMap<>();
      for (Object p : parameters.getJsonArray("parameter")) {
        JsonObject parameter = (JsonObject) p;
        values.put(parameter.getString("name"), parameter.fieldNames().stream().filter(n -> n.startsWith("value"))
            .map(n -> parameter.getValue(n) instanceof JsonObject o ? o.getString(o.containsKey("reference") ? "reference" : "text")
                : parameter.getValue(n))
            .findFirst().orElseThrow());
      }
      String subscription = (String) values.get("subscription");
      byId.put(subscription.substring(subscription.lastIndexOf('/') + 1), values);
    }
    assertEquals(byId.size(), bundle.getInteger("total"));
    return byId;
  }

  @Test
  void eachSubscriptionSaysItsStatusItsEventsSoFarAndWhyDeliveryGaveUp() {
    Map<String, Map<String, Object>> all = statuses(node.get("/Subscription/$status"));
    assertEquals(List.of("broken", "healthy", "polled", "quiet"), all.keySet().stream().sorted().toList(),
        "every subscription but the deleted one");
    assertEquals("active", all.get("healthy").get("status"));
    assertEquals("query-status", all.get("healthy").get("type"));
    assertEquals("2", all.get("healthy").get("events-since-subscription-start"));
    assertNull(all.get("healthy").get("error"));
    assertEquals("2", all.get("polled").get("events-since-subscription-start"));
    assertEquals("0", all.get("quiet").get("events-since-subscription-start"));
    assertEquals("error", all.get("broken").get("status"));
    assertEquals("1", all.get("broken").get("events-since-subscription-start"));
    assertTrue(((String) all.get("broken").get("error")).contains("failed 3 times"), all.get("broken")::toString);
    assertTrue(((String) all.get("healthy").get("subscription")).endsWith("/fhir/Subscription/healthy"));
  }

  @Test
  void theTypeLevelOperationFiltersByIdAndStatus() {
    assertEquals(List.of("healthy", "quiet"),
        statuses(node.get("/Subscription/$status?id=quiet,healthy&id=nosuch")).keySet().stream().sorted().toList());
    assertEquals(List.of("broken"), List.copyOf(statuses(node.get("/Subscription/$status?status=error")).keySet()));
    assertEquals(List.of("healthy"),
        List.copyOf(statuses(node.get("/Subscription/$status?status=active&id=healthy,broken")).keySet()));
    assertEquals(List.of(), List.copyOf(statuses(node.get("/Subscription/$status?id=gone")).keySet()),
        "a deleted subscription has no status");
  }

  @Test
  void oneSubscriptionsStatusAndWhatIsNotThere() {
    Map<String, Map<String, Object>> one = statuses(node.get("/Subscription/polled/$status"));
    assertEquals(List.of("polled"), List.copyOf(one.keySet()));
    assertEquals("2", one.get("polled").get("events-since-subscription-start"));
    assertEquals(404, node.get("/Subscription/nosuch/$status").status);
    assertEquals(410, node.get("/Subscription/gone/$status").status);
  }

  @Test
  void badParametersAreRefusedWithWhatIsWrong() {
    Reply unknown = node.get("/Subscription/$status?since=1");
    assertEquals(400, unknown.status);
    assertTrue(unknown.text.contains("since"), unknown::toString);
    Reply status = node.get("/Subscription/$status?status=sleeping");
    assertEquals(400, status.status);
    assertTrue(status.text.contains("sleeping"), status::toString);
    Reply id = node.get("/Subscription/$status?id=a%20b");
    assertEquals(400, id.status);
    assertTrue(id.text.contains("'a b'"), id::toString);
    Reply instance = node.get("/Subscription/polled/$status?id=quiet");
    assertEquals(400, instance.status);
    assertEquals(405, node.delete("/Subscription/$status").status);
  }
}
