package io.herald.subscription;

import io.herald.fhir.Backport;
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

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.herald.subscription.TopicIT.events;
import static io.herald.subscription.TopicIT.parameter;
import static io.herald.subscription.TopicIT.part;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The R4 Backport server suite's assertions (the Subscriptions conformance test kit), made against Herald as a black
 * box over HTTP: the kit's own sample Subscription (its filter written {@code Encounter.patient=Patient/123}, an
 * {@code Authorization} header, timeout and max-count), the creation response, the handshake and the notifications
 * of each payload content as the kit checks them, {@code $status}, each rejection it tries, and the
 * CapabilityStatement.
 */
class BackportConformanceIT {

  private static final String TOPIC =
      "http://inferno.healthit.gov/suites/custom/subscriptions_r5_backport_r4_client/topics/patient-admission";
  private static final String BP = Backport.BASE;

  private static Receiver receiver;
  private static HeraldNode node;
  private static final Map<String, JsonObject> created = new java.util.concurrent.ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    receiver = new Receiver();
    node = HeraldNode.start(TestDatabase.freshDatabase(), new JsonObject());
    JsonObject topic = new JsonObject().put("resourceType", "SubscriptionTopic").put("id", "patient-admission")
        .put("url", TOPIC).put("status", "active")
        .put("resourceTrigger", new JsonArray().add(new JsonObject().put("resource", "Encounter")
            .put("supportedInteraction", new JsonArray().add("create"))))
        .put("canFilterBy", new JsonArray().add(new JsonObject().put("resource", "Encounter").put("filterParameter", "patient")));
    assertEquals(201, node.put("/SubscriptionTopic/patient-admission", topic.encode()).status);
    for (String content : List.of("empty", "id-only", "full-resource")) {
      Reply reply = node.post("/Subscription", sample(content, receiver.url("/listener/" + content)).encode());
      assertEquals(201, reply.status, reply.toString());
      created.put(content, reply.json());
    }
    for (JsonObject s : created.values()) {
      Await.until(() -> "active".equals(node.get("/Subscription/" + s.getString("id")).json().getString("status")));
    }
    Reply encounter = node.post("/Encounter", new JsonObject().put("resourceType", "Encounter").put("status", "in-progress")
        .put("class", new JsonObject().put("code", "IMP")).put("subject", new JsonObject().put("reference", "Patient/123"))
        .encode());
    assertEquals(201, encounter.status);
    for (String content : created.keySet()) {
      Await.until(() -> notifications(content, "event-notification").size() == 1);
    }
  }

  @AfterAll
  static void stop() {
    node.close();
    receiver.close();
  }

  /** docs/samples/Subscription_{content}.json of the kit, with an end in the future and the listener as endpoint. */
  static JsonObject sample(String content, String endpoint) {
    return new JsonObject().put("resourceType", "Subscription")
        .put("meta", new JsonObject().put("profile", new JsonArray().add(Backport.SUBSCRIPTION)))
        .put("status", "requested").put("end", "2099-12-31T12:00:00Z").put("reason", "Conformance")
        .put("criteria", TOPIC)
        .put("_criteria", new JsonObject().put("extension", new JsonArray().add(new JsonObject()
            .put("url", BP + "backport-filter-criteria").put("valueString", "Encounter.patient=Patient/123"))))
        .put("channel", new JsonObject()
            .put("extension", new JsonArray()
                .add(new JsonObject().put("url", BP + "backport-timeout").put("valueUnsignedInt", 60))
                .add(new JsonObject().put("url", BP + "backport-max-count").put("valuePositiveInt", 20)))
            .put("type", "rest-hook").put("header", new JsonArray().add("Authorization: Bearer SAMPLE_TOKEN"))
            .put("endpoint", endpoint).put("payload", "application/fhir+json")
            .put("_payload", new JsonObject().put("extension", new JsonArray().add(new JsonObject()
                .put("url", BP + "backport-payload-content").put("valueCode", content)))));
  }

  private static List<Receiver.Received> notifications(String content, String type) {
    List<Receiver.Received> found = new ArrayList<>();
    for (Receiver.Received r : receiver.acknowledged("/listener/" + content)) {
      JsonObject status = new JsonObject(r.body()).getJsonArray("entry").getJsonObject(0).getJsonObject("resource");
      if (type.equals(parameter(status, "type"))) {
        found.add(r);
      }
    }
    return found;
  }

  @Test
  void theCreationResponseIsRequestedAndEchoesTheChannel() {
    for (String content : created.keySet()) {
      JsonObject s = created.get(content);
      assertEquals("Subscription", s.getString("resourceType"));
      assertEquals("requested", s.getString("status"), "the kit: Expected Subscription.status to be 'requested'");
      assertEquals("rest-hook", s.getJsonObject("channel").getString("type"));
      JsonObject written = sample(content, receiver.url("/listener/" + content));
      for (String field : List.of("header", "payload", "extension", "_payload", "endpoint")) {
        assertEquals(written.getJsonObject("channel").getValue(field), s.getJsonObject("channel").getValue(field), field);
      }
      assertEquals(written.getValue("_criteria"), s.getValue("_criteria"));
    }
  }

  /** What the kit checks of every handshake, heartbeat and event: the Bundle, entry 0, and every entry's request. */
  private static JsonObject verified(Receiver.Received request, JsonObject subscription, String type) {
    JsonObject bundle = new JsonObject(request.body());
    assertEquals("history", bundle.getString("type"), "Notification should be a history Bundle");
    JsonArray entries = bundle.getJsonArray("entry");
    assertFalse(entries.isEmpty());
    for (Object e : entries) {
      assertNotNull(((JsonObject) e).getValue("request"), "The entry.request field is mandatory for history Bundles");
      assertNotNull(((JsonObject) e).getValue("response"));
    }
    String id = subscription.getString("id");
    assertTrue(entries.getJsonObject(0).getJsonObject("request").getString("url").endsWith("Subscription/" + id + "/$status"));
    JsonObject status = entries.getJsonObject(0).getJsonObject("resource");
    assertEquals("Parameters", status.getString("resourceType"));
    assertEquals(type, parameter(status, "type"));
    String reference = ((JsonObject) parameter(status, "subscription")).getString("reference");
    assertEquals(id, reference.substring(reference.lastIndexOf('/') + 1), "the subscription reference's last segment is its id");
    assertTrue(request.headers().getString("content-type").startsWith(subscription.getJsonObject("channel").getString("payload")),
        "Content type of request does not match the Subscription MIME type");
    for (Object h : subscription.getJsonObject("channel").getJsonArray("header")) {
      String[] header = ((String) h).split(": ", 2);
      assertEquals(header[1], request.headers().getString(header[0].toLowerCase()), "Requested header not sent: " + h);
    }
    return bundle;
  }

  @Test
  void eachSubscriptionIsHandshakenRequestedBeforeItsEvents() {
    for (String content : created.keySet()) {
      List<Receiver.Received> all = receiver.acknowledged("/listener/" + content);
      JsonObject handshake = verified(all.get(0), created.get(content), "handshake");
      assertEquals("requested", parameter(handshake.getJsonArray("entry").getJsonObject(0).getJsonObject("resource"), "status"));
      assertEquals(1, notifications(content, "handshake").size(), "one handshake");
      assertTrue(notifications(content, "heartbeat").isEmpty(), "no heartbeat period, no heartbeat");
    }
  }

  @Test
  void eventNotificationsFollowThePayloadContentRules() {
    for (String content : created.keySet()) {
      JsonObject bundle = verified(notifications(content, "event-notification").get(0), created.get(content),
          "event-notification");
      JsonArray entries = bundle.getJsonArray("entry");
      JsonObject status = entries.getJsonObject(0).getJsonObject("resource");
      assertEquals("active", parameter(status, "status"));
      List<JsonArray> events = events(status);
      assertFalse(events.isEmpty(), "Events are required for " + content + " notifications");
      switch (content) {
        case "empty" -> {
          assertEquals(1, entries.size(), "SHALL not contain Bundle.entry elements other than the SubscriptionStatus");
          events.forEach(e -> assertEquals(null, part(e, "focus")));
        }
        case "id-only" -> {
          events.forEach(e -> assertNotNull(part(e, "focus")));
          for (int i = 1; i < entries.size(); i++) {
            assertFalse(entries.getJsonObject(i).containsKey("resource"));
            assertNotNull(entries.getJsonObject(i).getString("fullUrl"));
          }
        }
        default -> {
          for (JsonArray e : events) {
            String focus = part(e, "focus");
            assertTrue(entries.stream().skip(1).map(JsonObject.class::cast).map(x -> x.getJsonObject("resource"))
                .anyMatch(r -> focus.contains(r.getString("resourceType") + "/" + r.getString("id"))),
                "the focus " + focus + " is an entry's resource");
          }
        }
      }
    }
  }

  @Test
  void statusAnswersASearchsetWithTheSubscriptionsParameters() {
    String id = created.get("id-only").getString("id");
    Reply reply = node.get("/Subscription/" + id + "/$status");
    assertEquals(200, reply.status);
    assertEquals("searchset", reply.json().getString("type"), "Bundle returned from $status operation should be type 'searchset'");
    assertTrue(reply.json().getJsonArray("entry").stream().map(JsonObject.class::cast).map(e -> e.getJsonObject("resource"))
        .anyMatch(p -> p.getString("resourceType").equals("Parameters")
            && ((JsonObject) parameter(p, "subscription")).getString("reference").endsWith(id)));
  }

  @Test
  void everySubscriptionTheKitTriesToSneakInIsRefused() {
    JsonObject base = sample("id-only", receiver.url("/listener/rejected"));
    List<JsonObject> tries = new ArrayList<>();
    JsonObject crossVersion = base.copy().put("_criteria", new JsonObject().put("extension", new JsonArray().add(new JsonObject()
        .put("url", "http://hl7.org/fhir/5.0/subscriptions-backport/StructureDefinition/backport-filter-criteria")
        .put("valueString", "Encounter.patient=Patient/123"))));
    tries.add(crossVersion);
    tries.add(base.copy().put("criteria", "http://example.org/topics/unsupported"));
    tries.add(base.copy().put("_criteria", new JsonObject().put("extension", new JsonArray().add(new JsonObject()
        .put("url", BP + "backport-filter-criteria").put("valueString", "Encounter.class=IMP")))));
    JsonObject channel = base.copy();
    channel.getJsonObject("channel").put("type", "message");
    tries.add(channel);
    JsonObject payload = base.copy();
    payload.getJsonObject("channel").put("payload", "application/fhir+xml");
    tries.add(payload);
    JsonObject combo = base.copy();
    combo.getJsonObject("channel").put("type", "email").put("payload", "text/plain");
    tries.add(combo);
    for (JsonObject attempt : tries) {
      Reply reply = node.post("/Subscription", attempt.encode());
      assertNotEquals(201, reply.status, attempt.encode());
      assertEquals(400, reply.status);
      assertEquals("OperationOutcome", reply.json().getString("resourceType"));
    }
  }

  @Test
  void theCapabilityStatementOffersTheProfileAndEveryCreatedSubscriptionsTopic() {
    JsonObject statement = node.get("/metadata").json();
    JsonObject rest = statement.getJsonArray("rest").stream().map(JsonObject.class::cast)
        .filter(r -> r.getString("mode").equals("server")).findFirst().orElseThrow();
    JsonObject subscription = rest.getJsonArray("resource").stream().map(JsonObject.class::cast)
        .filter(r -> r.getString("type").equals("Subscription")).findFirst().orElseThrow();
    assertTrue(subscription.getJsonArray("supportedProfile").contains(Backport.SUBSCRIPTION));
    List<Object> topics = subscription.getJsonArray("extension").stream().map(JsonObject.class::cast)
        .filter(e -> e.getString("url").equals(Backport.TOPIC_CANONICAL)).map(e -> e.getValue("valueCanonical")).toList();
    for (JsonObject s : created.values()) {
      assertTrue(topics.contains(s.getString("criteria")), "topic discovery: " + s.getString("criteria"));
    }
  }
}
