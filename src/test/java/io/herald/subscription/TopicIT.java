package io.herald.subscription;

import io.herald.fhir.Backport;
import io.herald.testing.Await;
import io.herald.testing.FhirReferee;
import io.herald.testing.HeraldNode;
import io.herald.testing.Receiver;
import io.herald.testing.Reply;
import io.herald.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Topic-based subscriptions as the Subscriptions Backport IG (STU 1.1) has them, end to end over real HTTP: topics,
 * what is refused, the handshake, notification Bundles for each payload content, heartbeats, maxCount batches after
 * an outage, {@code $status} and {@code $events} in both shapes, the websocket channel and the CapabilityStatement.
 */
class TopicIT {

  private static final String TOPIC = "http://example.org/fhir/SubscriptionTopic/encounter-finished";
  private static final String BP = Backport.BASE;
  private static final JsonObject FAST = new JsonObject().put("deliver", new JsonObject()
      .put("retryBaseMillis", 20).put("retryCapMillis", 200).put("timeoutSeconds", 60));

  private static Receiver receiver;
  private static HeraldNode node;

  @BeforeAll
  static void start() {
    receiver = new Receiver();
    node = HeraldNode.start(TestDatabase.freshDatabase(), FAST);
    Reply topic = node.put("/SubscriptionTopic/encounter-finished", topic(TOPIC, "encounter-finished").encode());
    assertEquals(201, topic.status, topic.toString());
  }

  @AfterAll
  static void stop() {
    node.close();
    receiver.close();
  }

  /** An Encounter topic that fires when an encounter becomes finished, filterable by patient. */
  static JsonObject topic(String url, String id) {
    return new JsonObject().put("resourceType", "SubscriptionTopic").put("id", id).put("url", url).put("status", "active")
        .put("resourceTrigger", new JsonArray().add(new JsonObject()
            .put("resource", "http://hl7.org/fhir/StructureDefinition/Encounter")
            .put("supportedInteraction", new JsonArray().add("create").add("update"))
            .put("queryCriteria", new JsonObject().put("previous", "status:not=finished").put("resultForCreate", "test-passes")
                .put("current", "status=finished").put("resultForDelete", "test-fails").put("requireBoth", true))))
        .put("canFilterBy", new JsonArray().add(new JsonObject().put("resource", "Encounter").put("filterParameter", "patient")));
  }

  /** A topic-based rest-hook subscription as the IG writes one. */
  static JsonObject subscription(String topic, String patient, String endpoint, String content, String payload) {
    JsonObject channel = new JsonObject().put("type", "rest-hook").put("endpoint", endpoint).put("payload", payload)
        .put("header", new JsonArray().add("Authorization: Bearer secret-token"))
        .put("_payload", new JsonObject().put("extension", new JsonArray()
            .add(new JsonObject().put("url", BP + "backport-payload-content").put("valueCode", content))));
    JsonObject s = new JsonObject().put("resourceType", "Subscription")
        .put("meta", new JsonObject().put("profile", new JsonArray().add(Backport.SUBSCRIPTION)))
        .put("status", "requested").put("reason", "test").put("criteria", topic).put("channel", channel);
    if (patient != null) {
      s.put("_criteria", new JsonObject().put("extension", new JsonArray().add(new JsonObject()
          .put("url", BP + "backport-filter-criteria").put("valueString", "Encounter?patient=Patient/" + patient))));
    }
    return s;
  }

  static JsonObject encounter(String id, String patient, String status) {
    return new JsonObject().put("resourceType", "Encounter").put("id", id).put("status", status)
        .put("class", new JsonObject().put("code", "AMB")).put("subject", new JsonObject().put("reference", "Patient/" + patient));
  }

  private static List<JsonObject> bundles(String path) {
    List<JsonObject> found = new ArrayList<>();
    for (Receiver.Received r : receiver.acknowledged(path)) {
      found.add(new JsonObject(r.body()));
    }
    return found;
  }

  /** A status Parameters' parameter value (the first with that name), as written. */
  static Object parameter(JsonObject parameters, String name) {
    for (Object p : parameters.getJsonArray("parameter")) {
      JsonObject parameter = (JsonObject) p;
      if (parameter.getString("name").equals(name)) {
        return parameter.fieldNames().stream().filter(f -> f.startsWith("value") || f.equals("part"))
            .map(parameter::getValue).findFirst().orElse(null);
      }
    }
    return null;
  }

  static List<JsonArray> events(JsonObject parameters) {
    List<JsonArray> events = new ArrayList<>();
    for (Object p : parameters.getJsonArray("parameter")) {
      if (((JsonObject) p).getString("name").equals("notification-event")) {
        events.add(((JsonObject) p).getJsonArray("part"));
      }
    }
    return events;
  }

  static String part(JsonArray parts, String name) {
    for (Object p : parts) {
      JsonObject part = (JsonObject) p;
      if (part.getString("name").equals(name)) {
        Object value = part.getValue(part.fieldNames().stream().filter(f -> f.startsWith("value")).findFirst().orElseThrow());
        return value instanceof JsonObject ref ? ref.getString("reference") : String.valueOf(value);
      }
    }
    return null;
  }

  /**
   * The resource without the Backport IG's profiles in {@code meta.profile}, for the R4 core validator: the IG's
   * StructureDefinitions cannot be fetched here, and a profile it cannot find is an error to it. What the profiles
   * add (the parameters and their types) is asserted by these tests themselves.
   */
  static JsonObject r4Core(JsonObject resource) {
    JsonObject copy = resource.copy();
    strip(copy);
    return copy;
  }

  private static void strip(Object value) {
    if (value instanceof JsonObject o) {
      if (o.getValue("meta") instanceof JsonObject meta && meta.getValue("profile") instanceof JsonArray profiles) {
        profiles.getList().removeIf(p -> String.valueOf(p).startsWith(BP));
        if (profiles.isEmpty()) {
          meta.remove("profile");
        }
        if (meta.isEmpty()) {
          o.remove("meta");
        }
      }
      o.forEach(e -> strip(e.getValue()));
    } else if (value instanceof JsonArray a) {
      a.forEach(TopicIT::strip);
    }
  }

  private static String create(JsonObject subscription) {
    Reply created = node.post("/Subscription", subscription.encode());
    assertEquals(201, created.status, created.toString());
    return created.json().getString("id");
  }

  @Test
  void aTopicHeraldCannotEvaluateIsRefusedByNameAndOneUrlNamesOneTopic() {
    JsonObject fhirPath = topic("http://example.org/t/fhirpath", "fhirpath");
    fhirPath.getJsonArray("resourceTrigger").getJsonObject(0).put("fhirPathCriteria", "%current.status = 'finished'");
    Reply refused = node.put("/SubscriptionTopic/fhirpath", fhirPath.encode());
    assertEquals(400, refused.status);
    assertTrue(refused.diagnostics().contains("fhirPathCriteria"), refused.diagnostics());

    JsonObject events = topic("http://example.org/t/event", "event")
        .put("eventTrigger", new JsonArray().add(new JsonObject().put("resource", "Encounter")));
    assertTrue(node.put("/SubscriptionTopic/event", events.encode()).diagnostics().contains("eventTrigger"));

    JsonObject badCriteria = topic("http://example.org/t/bad", "bad");
    badCriteria.getJsonArray("resourceTrigger").getJsonObject(0).getJsonObject("queryCriteria").put("current", "nonsense=1");
    Reply bad = node.put("/SubscriptionTopic/bad", badCriteria.encode());
    assertEquals(400, bad.status);
    assertTrue(bad.diagnostics().contains("queryCriteria.current"), bad.diagnostics());

    Reply twice = node.put("/SubscriptionTopic/again", topic(TOPIC, "again").encode());
    assertEquals(400, twice.status);
    assertTrue(twice.diagnostics().contains("SubscriptionTopic/encounter-finished"), twice.diagnostics());
    for (String id : List.of("fhirpath", "event", "bad", "again")) {
      assertEquals(404, node.get("/SubscriptionTopic/" + id).status, id + " was stored");
    }
  }

  @Test
  void whatATopicSubscriptionCannotBeIsRefusedWithTheReasonAndNothingStored() {
    String hook = receiver.url("/refused");
    long before = node.get("/Subscription?_summary=count").json().getLong("total");
    List<Object[]> cases = new ArrayList<>();
    cases.add(new Object[] {subscription("http://example.org/no-such-topic", "p1", hook, "id-only", "application/fhir+json"),
        "no SubscriptionTopic"});
    JsonObject filter = subscription(TOPIC, null, hook, "id-only", "application/fhir+json");
    filter.put("_criteria", new JsonObject().put("extension", new JsonArray().add(new JsonObject()
        .put("url", BP + "backport-filter-criteria").put("valueString", "Encounter?status=finished"))));
    cases.add(new Object[] {filter, "does not allow filtering Encounter by 'status'"});
    JsonObject modifier = subscription(TOPIC, null, hook, "id-only", "application/fhir+json");
    modifier.put("_criteria", new JsonObject().put("extension", new JsonArray().add(new JsonObject()
        .put("url", BP + "backport-filter-criteria").put("valueString", "Encounter?patient:missing=true"))));
    cases.add(new Object[] {modifier, "with ':missing'"});
    JsonObject poll = subscription(TOPIC, "p1", hook, "id-only", "application/fhir+json");
    poll.getJsonObject("channel").put("type", "poll");
    cases.add(new Object[] {poll, "channel.type 'poll' is not supported"});
    JsonObject email = subscription(TOPIC, "p1", hook, "id-only", "application/fhir+json");
    email.getJsonObject("channel").put("type", "email");
    cases.add(new Object[] {email, "channel.type must be"});
    cases.add(new Object[] {subscription(TOPIC, "p1", hook, "id-only", "application/xml"), "channel.payload"});
    cases.add(new Object[] {subscription(TOPIC, "p1", hook, "everything", "application/fhir+json"),
        "is not one of empty, id-only, full-resource"});
    JsonObject crossVersion = subscription(TOPIC, null, hook, "id-only", "application/fhir+json");
    crossVersion.put("_criteria", new JsonObject().put("extension", new JsonArray().add(new JsonObject()
        .put("url", "http://hl7.org/fhir/5.0/subscriptions-backport/StructureDefinition/backport-filter-criteria")
        .put("valueString", "Encounter.patient=Patient/123"))));
    cases.add(new Object[] {crossVersion, "FHIR 5.0"});
    JsonObject r5Heartbeat = subscription(TOPIC, "p1", hook, "id-only", "application/fhir+json");
    r5Heartbeat.getJsonObject("channel").put("extension", new JsonArray().add(new JsonObject()
        .put("url", "http://hl7.org/fhir/5.0/StructureDefinition/extension-Subscription.heartbeatPeriod").put("valueInteger", 5)));
    cases.add(new Object[] {r5Heartbeat, "FHIR 5.0"});
    for (Object[] c : cases) {
      Reply refused = node.post("/Subscription", ((JsonObject) c[0]).encode());
      assertEquals(400, refused.status, c[1] + ": " + refused);
      assertEquals("OperationOutcome", refused.json().getString("resourceType"));
      assertTrue(refused.diagnostics().contains((String) c[1]), "expected '" + c[1] + "' in: " + refused.diagnostics());
    }
    assertEquals(before, node.get("/Subscription?_summary=count").json().getLong("total"));
  }

  @Test
  void aRestHookSubscriptionIsHandshakenThenToldOfEachEventInItsPayloadContent() throws Exception {
    String patient = "p-contents";
    List<String> ids = new ArrayList<>();
    for (String content : List.of("empty", "id-only", "full-resource")) {
      JsonObject s = subscription(TOPIC, patient, receiver.url("/contents/" + content), content, "application/fhir+json");
      Reply created = node.post("/Subscription", s.encode());
      assertEquals(201, created.status, created.toString());
      assertEquals("requested", created.json().getString("status"), "created requested, before its handshake");
      assertEquals("Authorization: Bearer secret-token", created.json().getJsonObject("channel").getJsonArray("header").getString(0));
      ids.add(created.json().getString("id"));
    }
    for (int i = 0; i < 3; i++) {
      String id = ids.get(i);
      String content = List.of("empty", "id-only", "full-resource").get(i);
      Await.until(() -> "active".equals(node.get("/Subscription/" + id).json().getString("status")));
      JsonObject handshake = bundles("/contents/" + content).get(0);
      assertEquals("history", handshake.getString("type"));
      JsonObject status = handshake.getJsonArray("entry").getJsonObject(0).getJsonObject("resource");
      assertEquals("Parameters", status.getString("resourceType"));
      assertEquals("handshake", parameter(status, "type"));
      assertEquals("requested", parameter(status, "status"));
      assertEquals("0", parameter(status, "events-since-subscription-start"));
      assertTrue(((JsonObject) parameter(status, "subscription")).getString("reference").endsWith("/Subscription/" + id));
      assertTrue(handshake.getJsonArray("entry").getJsonObject(0).getJsonObject("request").getString("url")
          .endsWith("Subscription/" + id + "/$status"));
      Receiver.Received request = receiver.acknowledged("/contents/" + content).get(0);
      assertEquals("application/fhir+json", request.headers().getString("content-type"));
      assertEquals("Bearer secret-token", request.headers().getString("authorization"));
    }

    // Created in progress: no event (previous test-passes on create, current fails). Another patient's: none either.
    assertEquals(201, node.put("/Encounter/e-contents", encounter("e-contents", patient, "in-progress").encode()).status);
    assertEquals(201, node.put("/Encounter/e-other", encounter("e-other", "someone-else", "in-progress").encode()).status);
    assertEquals(200, node.put("/Encounter/e-other", encounter("e-other", "someone-else", "finished").encode()).status);
    Reply finished = node.put("/Encounter/e-contents", encounter("e-contents", patient, "finished").encode());
    assertEquals(200, finished.status);
    // Finished again (finished → finished): previous fails, so no second event; then a new encounter created finished.
    assertEquals(200, node.put("/Encounter/e-contents", encounter("e-contents", patient, "finished").put("priority",
        new JsonObject().put("text", "again")).encode()).status);
    assertEquals(201, node.put("/Encounter/e-born", encounter("e-born", patient, "finished").encode()).status);
    for (String content : List.of("empty", "id-only", "full-resource")) {
      Await.until(() -> bundles("/contents/" + content).stream().mapToInt(b -> events(
          b.getJsonArray("entry").getJsonObject(0).getJsonObject("resource")).size()).sum() == 2);
    }
    for (int i = 0; i < 3; i++) {
      String content = List.of("empty", "id-only", "full-resource").get(i);
      List<JsonObject> told = bundles("/contents/" + content);
      List<String> focuses = new ArrayList<>();
      long expected = 1;
      for (JsonObject bundle : told.subList(1, told.size())) {
        assertEquals("history", bundle.getString("type"));
        JsonArray entries = bundle.getJsonArray("entry");
        JsonObject status = entries.getJsonObject(0).getJsonObject("resource");
        assertEquals("event-notification", parameter(status, "type"));
        assertEquals("active", parameter(status, "status"));
        for (Object e : entries) {
          assertTrue(((JsonObject) e).containsKey("request") && ((JsonObject) e).containsKey("response"), "every entry");
        }
        for (JsonArray event : events(status)) {
          assertEquals(String.valueOf(expected++), part(event, "event-number"));
          focuses.add(part(event, "focus"));
        }
        assertEquals(String.valueOf(expected - 1), parameter(status, "events-since-subscription-start"));
        switch (content) {
          case "empty" -> {
            assertEquals(1, entries.size(), "empty: the status alone");
            assertNull(parameter(status, "topic"));
          }
          case "id-only" -> {
            assertEquals(1 + events(status).size(), entries.size());
            assertFalse(entries.getJsonObject(1).containsKey("resource"), "id-only: no resource");
            assertEquals(TOPIC, parameter(status, "topic"));
          }
          default -> {
            assertEquals(1 + events(status).size(), entries.size());
            assertEquals("Encounter", entries.getJsonObject(1).getJsonObject("resource").getString("resourceType"));
            assertEquals("finished", entries.getJsonObject(1).getJsonObject("resource").getString("status"));
          }
        }
      }
      if (content.equals("empty")) {
        assertEquals(List.of("null", "null"), focuses.stream().map(String::valueOf).toList());
      } else {
        assertTrue(focuses.get(0).endsWith("/fhir/Encounter/e-contents"), focuses.toString());
        assertTrue(focuses.get(1).endsWith("/fhir/Encounter/e-born"), focuses.toString());
      }
    }
    FhirReferee referee = FhirReferee.get();
    for (String content : List.of("empty", "id-only", "full-resource")) {
      for (JsonObject bundle : bundles("/contents/" + content)) {
        assertEquals(List.of(), referee.errors(r4Core(bundle)), content + " notification: " + bundle.encode());
      }
    }
    Reply status = node.get("/Subscription/" + ids.get(2) + "/$status");
    assertEquals(List.of(), referee.errors(r4Core(status.json())), status.text);
    Reply told = node.get("/Subscription/" + ids.get(2) + "/$events");
    assertEquals(List.of(), referee.errors(r4Core(told.json())), told.text);
    assertEquals(3, told.json().getJsonArray("entry").size(), "the status and both events");

    JsonObject full = bundles("/contents/full-resource").get(1);
    JsonObject request = full.getJsonArray("entry").getJsonObject(1).getJsonObject("request");
    assertEquals("PUT", request.getString("method"));
    assertEquals("Encounter/e-contents", request.getString("url"));
  }

  @Test
  void aReceiverDownForAWhileGetsEveryEventAfterwardsInBundlesOfAtMostMaxCountInOrder() throws Exception {
    String patient = "p-outage";
    JsonObject s = subscription(TOPIC, patient, receiver.url("/outage"), "id-only", "application/fhir+json");
    s.getJsonObject("channel").put("extension", new JsonArray()
        .add(new JsonObject().put("url", BP + "backport-max-count").put("valuePositiveInt", 3))
        .add(new JsonObject().put("url", BP + "backport-timeout").put("valueUnsignedInt", 1)));
    String id = create(s);
    Await.until(() -> "active".equals(node.get("/Subscription/" + id).json().getString("status")));
    receiver.failNext(1_000_000);   // down: every request is answered 500
    for (int i = 0; i < 10; i++) {
      assertEquals(201, node.put("/Encounter/o" + i, encounter("o" + i, patient, "finished").encode()).status);
    }
    Await.until(() -> receiver.received().stream().filter(r -> r.path().equals("/outage") && r.answered() == 500).count() >= 3);
    receiver.failNext(0);
    Await.until(() -> bundles("/outage").stream().mapToInt(b -> events(
        b.getJsonArray("entry").getJsonObject(0).getJsonObject("resource")).size()).sum() >= 10);
    List<Long> numbers = new ArrayList<>();
    int largest = 0;
    for (JsonObject bundle : bundles("/outage").subList(1, bundles("/outage").size())) {
      List<JsonArray> events = events(bundle.getJsonArray("entry").getJsonObject(0).getJsonObject("resource"));
      assertTrue(events.size() <= 3, "at most maxCount events in a bundle: " + events.size());
      largest = Math.max(largest, events.size());
      events.forEach(e -> numbers.add(Long.parseLong(part(e, "event-number"))));
    }
    assertEquals(3, largest, "the backlog went out in bundles of maxCount");
    List<Long> expected = new ArrayList<>();
    for (long n = 1; n <= 10; n++) {
      expected.add(n);
    }
    assertEquals(expected, numbers, "every event, once, in order");
  }

  @Test
  void aFailedHandshakeSetsErrorAndWritingItRequestedAgainHandshakesAfresh() throws Exception {
    JsonObject s = subscription(TOPIC, "p-handshake", "http://127.0.0.1:1/nobody-listens", "id-only", "application/fhir+json");
    String id = create(s);
    Await.until(() -> "error".equals(node.get("/Subscription/" + id).json().getString("status")));
    JsonObject errored = node.get("/Subscription/" + id).json();
    assertTrue(errored.getString("error").startsWith("The handshake failed"), errored.getString("error"));
    JsonObject status = node.get("/Subscription/" + id + "/$status").json().getJsonArray("entry").getJsonObject(0)
        .getJsonObject("resource");
    assertEquals("error", parameter(status, "status"));

    errored.put("status", "requested").getJsonObject("channel").put("endpoint", receiver.url("/handshake-again"));
    assertEquals(200, node.put("/Subscription/" + id, errored.encode()).status);
    Await.until(() -> "active".equals(node.get("/Subscription/" + id).json().getString("status")));
    assertNull(node.get("/Subscription/" + id).json().getString("error"));
    assertEquals("handshake", parameter(bundles("/handshake-again").get(0).getJsonArray("entry").getJsonObject(0)
        .getJsonObject("resource"), "type"));
  }

  @Test
  void theSubscriptionsTimeoutBoundsEachAttempt() throws Exception {
    // The receiver never answers; Herald's own timeout here is a minute, the subscription's a second: its handshake
    // gives up after its attempts of a second each, not of a minute.
    JsonObject s = subscription(TOPIC, "p-timeout", receiver.url("/hang/timeout"), "empty", "application/fhir+json");
    s.getJsonObject("channel").put("extension", new JsonArray()
        .add(new JsonObject().put("url", BP + "backport-timeout").put("valueUnsignedInt", 1)));
    String id = create(s);
    Await.until(() -> "error".equals(node.get("/Subscription/" + id).json().getString("status")));
    assertTrue(node.get("/Subscription/" + id).json().getString("error").contains("The handshake failed"));
  }

  @Test
  void aTopicsNewVersionAppliesFromTheNextChangeAndADeleteTriggerTellsOfTheDelete() throws Exception {
    String url = "http://example.org/fhir/SubscriptionTopic/encounter-changing";
    JsonObject topic = topic(url, "encounter-changing");
    JsonObject trigger = topic.getJsonArray("resourceTrigger").getJsonObject(0);
    trigger.put("supportedInteraction", new JsonArray().add("update").add("delete"));
    assertEquals(201, node.put("/SubscriptionTopic/encounter-changing", topic.encode()).status);
    String id = create(subscription(url, "p-changing", receiver.url("/changing"), "full-resource", "application/fhir+json"));
    Await.until(() -> "active".equals(node.get("/Subscription/" + id).json().getString("status")));
    assertEquals(201, node.put("/Encounter/c1", encounter("c1", "p-changing", "in-progress").encode()).status);
    assertEquals(201, node.put("/Encounter/c2", encounter("c2", "p-changing", "in-progress").encode()).status);

    // From now on the topic fires on cancellation, and on deletes.
    trigger.getJsonObject("queryCriteria").put("previous", "status:not=cancelled").put("current", "status=cancelled")
        .put("resultForDelete", "test-passes");
    assertEquals(200, node.put("/SubscriptionTopic/encounter-changing", topic.encode()).status);
    assertEquals(200, node.put("/Encounter/c1", encounter("c1", "p-changing", "finished").encode()).status);
    assertEquals(200, node.put("/Encounter/c1", encounter("c1", "p-changing", "cancelled").encode()).status);
    assertEquals(200, node.delete("/Encounter/c2").status);   // in progress before: not cancelled, and deletes pass
    Await.until(() -> bundles("/changing").size() >= 3);
    JsonObject cancelled = bundles("/changing").get(1);
    assertEquals("cancelled", cancelled.getJsonArray("entry").getJsonObject(1).getJsonObject("resource").getString("status"));
    JsonObject deleted = bundles("/changing").get(2).getJsonArray("entry").getJsonObject(1);
    assertEquals("DELETE", deleted.getJsonObject("request").getString("method"));
    assertEquals("Encounter/c2", deleted.getJsonObject("request").getString("url"));
    assertFalse(deleted.containsKey("resource"), "a delete wrote no resource");
    assertEquals("2", parameter(bundles("/changing").get(2).getJsonArray("entry").getJsonObject(0).getJsonObject("resource"),
        "events-since-subscription-start"), "finished did not fire under the new version");
  }

  @Test
  void whatHappensWhileTheHandshakeIsUnderWayIsToldOnceTheSubscriptionIsActive() throws Exception {
    String patient = "p-meanwhile";
    receiver.delay(1500);   // the handshake takes a while to be answered
    try {
      String id = create(subscription(TOPIC, patient, receiver.url("/meanwhile"), "id-only", "application/fhir+json"));
      assertEquals(201, node.put("/Encounter/m1", encounter("m1", patient, "finished").encode()).status);
      assertEquals("requested", node.get("/Subscription/" + id).json().getString("status"), "still handshaking");
      Await.until(() -> bundles("/meanwhile").size() == 2);
      JsonObject status = bundles("/meanwhile").get(1).getJsonArray("entry").getJsonObject(0).getJsonObject("resource");
      assertEquals("event-notification", parameter(status, "type"));
      assertEquals("1", part(events(status).get(0), "event-number"));
    } finally {
      receiver.delay(0);
    }
  }

  @Test
  void aTopicInUseKeepsItsUrlAndTheFiltersItsSubscriptionsUseAndIsNotDeleted() throws Exception {
    String url = "http://example.org/fhir/SubscriptionTopic/in-use";
    JsonObject topic = topic(url, "in-use");
    assertEquals(201, node.put("/SubscriptionTopic/in-use", topic.encode()).status);
    String id = create(subscription(url, "p-in-use", receiver.url("/in-use"), "empty", "application/fhir+json"));
    Await.until(() -> "active".equals(node.get("/Subscription/" + id).json().getString("status")));

    Reply deleted = node.delete("/SubscriptionTopic/in-use");
    assertEquals(409, deleted.status, deleted.toString());
    assertTrue(deleted.diagnostics().contains("Subscription/" + id), deleted.diagnostics());
    Reply moved = node.put("/SubscriptionTopic/in-use", topic(url + "-moved", "in-use").encode());
    assertEquals(400, moved.status);
    assertTrue(moved.diagnostics().contains("url cannot change"), moved.diagnostics());
    Reply narrowed = node.put("/SubscriptionTopic/in-use", topic(url, "in-use").put("canFilterBy", new JsonArray()).encode());
    assertEquals(400, narrowed.status);
    assertTrue(narrowed.diagnostics().contains("Subscription/" + id + " unable to run"), narrowed.diagnostics());
    JsonObject described = topic(url, "in-use").put("title", "Encounters finished");
    assertEquals(200, node.put("/SubscriptionTopic/in-use", described.encode()).status, "a change that keeps them running");

    JsonObject off = node.get("/Subscription/" + id).json().put("status", "off");
    assertEquals(200, node.put("/Subscription/" + id, off.encode()).status);
    assertEquals(200, node.delete("/SubscriptionTopic/in-use").status, "no subscription runs on it now");
  }

  @Test
  void aHeartbeatComesWhenNothingWasSentForItsPeriod() throws Exception {
    JsonObject s = subscription(TOPIC, "p-heartbeat", receiver.url("/heartbeat"), "empty", "application/fhir+json");
    s.getJsonObject("channel").put("extension", new JsonArray()
        .add(new JsonObject().put("url", BP + "backport-heartbeat-period").put("valueUnsignedInt", 1)));
    String id = create(s);
    Await.until(() -> bundles("/heartbeat").stream().anyMatch(b -> "heartbeat".equals(parameter(
        b.getJsonArray("entry").getJsonObject(0).getJsonObject("resource"), "type"))));
    assertEquals("handshake", parameter(bundles("/heartbeat").get(0).getJsonArray("entry").getJsonObject(0)
        .getJsonObject("resource"), "type"), "the handshake comes first");
    assertEquals(200, node.delete("/Subscription/" + id).status);
  }

  @Test
  void anR4bSubscriptionIsToldInSubscriptionStatusAndItsStatusAndEventsAnswerInThatShape() throws Exception {
    String patient = "p-r4b";
    String id = create(subscription(TOPIC, patient, receiver.url("/r4b"), "full-resource",
        "application/fhir+json; fhirVersion=4.3"));
    Await.until(() -> "active".equals(node.get("/Subscription/" + id).json().getString("status")));
    JsonObject handshake = bundles("/r4b").get(0).getJsonArray("entry").getJsonObject(0).getJsonObject("resource");
    assertEquals("SubscriptionStatus", handshake.getString("resourceType"));
    assertEquals("handshake", handshake.getString("type"));
    assertEquals("application/fhir+json; fhirVersion=4.3", receiver.acknowledged("/r4b").get(0).headers().getString("content-type"));
    for (int i = 0; i < 5; i++) {
      assertEquals(201, node.put("/Encounter/r" + i, encounter("r" + i, patient, "finished").encode()).status);
    }
    Await.until(() -> bundles("/r4b").stream().mapToInt(b -> b.getJsonArray("entry").size() - 1).sum() == 5);

    Reply status = node.get("/Subscription/" + id + "/$status");
    assertEquals(200, status.status);
    assertEquals("searchset", status.json().getString("type"));
    JsonObject current = status.json().getJsonArray("entry").getJsonObject(0).getJsonObject("resource");
    assertEquals("SubscriptionStatus", current.getString("resourceType"));
    assertEquals("query-status", current.getString("type"));
    assertEquals("active", current.getString("status"));
    assertEquals("5", current.getString("eventsSinceSubscriptionStart"));
    assertEquals(TOPIC, current.getString("topic"));

    Reply events = node.get("/Subscription/" + id + "/$events?eventsSinceNumber=2&eventsUntilNumber=4");
    assertEquals(200, events.status, events.toString());
    JsonObject bundle = events.json();
    assertEquals("history", bundle.getString("type"));
    JsonObject queried = bundle.getJsonArray("entry").getJsonObject(0).getJsonObject("resource");
    assertEquals("query-event", queried.getString("type"));
    JsonArray told = queried.getJsonArray("notificationEvent");
    assertEquals(List.of("2", "3", "4"), told.stream().map(e -> ((JsonObject) e).getString("eventNumber")).toList());
    assertEquals(4, bundle.getJsonArray("entry").size());
    assertEquals("r1", bundle.getJsonArray("entry").getJsonObject(1).getJsonObject("resource").getString("id"));
    JsonObject all = node.get("/Subscription/" + id + "/$events?content=id-only").json();
    assertEquals(6, all.getJsonArray("entry").size(), "five events and the status");
    assertFalse(all.getJsonArray("entry").getJsonObject(1).containsKey("resource"));
    assertEquals(400, node.get("/Subscription/" + id + "/$events?eventsSinceNumber=zero").status);

    assertEquals(200, node.delete("/Subscription/" + id).status);
    assertEquals(410, node.get("/Subscription/" + id + "/$status").status);
    assertEquals(410, node.get("/Subscription/" + id + "/$events").status);
  }

  @Test
  void aWebsocketClientBindsWithATokenAndReceivesItsHandshakeAndEvents() throws Exception {
    String patient = "p-ws";
    JsonObject s = subscription(TOPIC, patient, null, "id-only", "application/fhir+json");
    s.getJsonObject("channel").put("type", "websocket").remove("endpoint");
    String id = create(s);
    assertEquals("active", node.get("/Subscription/" + id).json().getString("status"));
    Reply token = node.get("/Subscription/" + id + "/$get-ws-binding-token");
    assertEquals(200, token.status, token.toString());
    String value = (String) parameter(token.json(), "token");
    URI url = URI.create((String) parameter(token.json(), "websocket-url"));
    assertEquals(id, parameter(token.json(), "subscription"));
    Vertx vertx = Vertx.vertx();
    WebSocketClient client = vertx.createWebSocketClient();   // referenced until the end: a collected client closes its sockets
    try {
      List<JsonObject> frames = new CopyOnWriteArrayList<>();
      WebSocket socket = client.connect(url.getPort(), url.getHost(), url.getPath()).await();
      socket.textMessageHandler(text -> frames.add(new JsonObject(text)));
      socket.writeTextMessage("bind-with-token " + value).await();
      Await.until(() -> !frames.isEmpty());
      JsonObject handshake = frames.get(0).getJsonArray("entry").getJsonObject(0).getJsonObject("resource");
      assertEquals("handshake", parameter(handshake, "type"));
      assertEquals(201, node.put("/Encounter/w1", encounter("w1", patient, "finished").encode()).status);
      Await.until(() -> frames.size() >= 2);
      JsonObject event = frames.get(1);
      assertEquals("event-notification", parameter(event.getJsonArray("entry").getJsonObject(0).getJsonObject("resource"), "type"));
      assertTrue(event.getJsonArray("entry").getJsonObject(1).getString("fullUrl").endsWith("/Encounter/w1"));

      // A token binds once.
      WebSocket second = client.connect(url.getPort(), url.getHost(), url.getPath()).await();
      List<JsonObject> refused = new CopyOnWriteArrayList<>();
      second.textMessageHandler(text -> refused.add(new JsonObject(text)));
      second.writeTextMessage("bind-with-token " + value).await();
      Await.until(() -> !refused.isEmpty());
      assertEquals("OperationOutcome", refused.get(0).getString("resourceType"));
    } finally {
      client.close().await();
      vertx.close().await();
    }
    JsonObject hook = subscription(TOPIC, patient, receiver.url("/not-ws"), "id-only", "application/fhir+json");
    assertEquals(400, node.get("/Subscription/" + create(hook) + "/$get-ws-binding-token").status);
  }

  @Test
  void theCapabilityStatementOffersTheBackportProfileAndEveryActiveTopic() {
    JsonObject statement = node.get("/metadata").json();
    assertEquals(List.of(), FhirReferee.get().errors(statement));
    JsonObject subscription = statement.getJsonArray("rest").getJsonObject(0).getJsonArray("resource").stream()
        .map(JsonObject.class::cast).filter(r -> r.getString("type").equals("Subscription")).findFirst().orElseThrow();
    assertTrue(subscription.getJsonArray("supportedProfile").contains(Backport.SUBSCRIPTION));
    assertTrue(subscription.getJsonArray("extension").stream().map(JsonObject.class::cast)
        .anyMatch(e -> e.getString("url").equals(Backport.TOPIC_CANONICAL) && e.getString("valueCanonical").equals(TOPIC)));
  }
}
