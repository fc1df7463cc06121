package io.herald.auth;

import io.herald.bus.Addresses;
import io.herald.testing.Await;
import io.herald.testing.Bearer;
import io.herald.testing.BridgeSocket;
import io.herald.testing.HeraldNode;
import io.herald.testing.Receiver;
import io.herald.testing.Reply;
import io.herald.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two clients of different restricted scopes — one may read vital signs only ({@code system/Observation.rs?category=
 * vital-signs}), the other patient p1's compartment only ({@code patient/Observation.rs}) — and four Observations, one
 * of each kind: every family (search, read, history, criteria $poll and rest-hook, topic-based $events, live SockJS)
 * gives each client exactly the Observations its scopes let it read, and never another.
 */
class ScopedAccessIT {

  private static final String ADMIN_SECRET = "admin-secret-for-the-tests";
  private static final List<String> ALL = List.of("p1-vital", "p1-lab", "p2-vital", "p2-lab");
  private static final Set<String> VITALS = Set.of("p1-vital", "p2-vital");
  private static final Set<String> PATIENT_1 = Set.of("p1-vital", "p1-lab");

  private static HeraldNode node;
  private static Bearer bearer;
  private static Receiver receiver;
  private static Vertx browser;
  private static BridgeSocket vitalSocket;
  private static BridgeSocket patientSocket;
  private static String admin;
  private static String vitals;
  private static String patient;
  private static String vitalLive;
  private static String patientLive;

  @BeforeAll
  static void start() {
    node = HeraldNode.start(TestDatabase.freshDatabase(), new JsonObject()
        .put("auth", new JsonObject().put("enabled", true).put("adminSecret", ADMIN_SECRET)));
    bearer = new Bearer(node);
    receiver = new Receiver();
    browser = Vertx.vertx();
    admin = bearer.token("admin", ADMIN_SECRET, null);
    vitals = bearer.client(admin, "{\"id\":\"vitals\",\"scopes\":\"system/Observation.rs?category=vital-signs\"}");
    patient = bearer.client(admin, "{\"id\":\"p1-app\",\"scopes\":\"patient/Observation.rs patient/Patient.rs\","
        + "\"patient\":\"p1\"}");

    // Every family subscribed before anything is written.
    for (String[] client : new String[][] {{"vitals", vitals}, {"patient", patient}}) {
      created(bearer.send(bearer.fhir("PUT", "/Subscription/poll-" + client[0], subscription("poll-" + client[0],
          "Observation", new JsonObject().put("type", "poll"))), client[1]));
      created(bearer.send(bearer.fhir("PUT", "/Subscription/hook-" + client[0], subscription("hook-" + client[0],
          "Observation", new JsonObject().put("type", "rest-hook").put("endpoint", receiver.url("/" + client[0]))
              .put("payload", "application/fhir+json"))), client[1]));
    }
    JsonObject topic = new JsonObject().put("resourceType", "SubscriptionTopic").put("id", "observations")
        .put("status", "active").put("url", "http://example.org/SubscriptionTopic/observations")
        .put("resourceTrigger", new JsonArray().add(new JsonObject().put("resource", "Observation")
            .put("supportedInteraction", new JsonArray().add("create"))));
    created(bearer.send(bearer.fhir("PUT", "/SubscriptionTopic/observations", topic.encode()), admin));
    for (String[] client : new String[][] {{"vitals", vitals}, {"patient", patient}}) {
      JsonObject topical = new JsonObject(subscription("topic-" + client[0], "http://example.org/SubscriptionTopic/observations",
          new JsonObject().put("type", "websocket").put("payload", "application/fhir+json")))
          .put("status", "requested").put("meta", new JsonObject().put("profile", new JsonArray()
              .add("http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription")));
      created(bearer.send(bearer.fhir("PUT", "/Subscription/topic-" + client[0], topical.encode()), client[1]));
    }
    vitalSocket = new BridgeSocket(browser, "127.0.0.1", node.herald.port());
    patientSocket = new BridgeSocket(browser, "127.0.0.1", node.herald.port());
    vitalLive = live(vitalSocket, vitals);
    patientLive = live(patientSocket, patient);

    for (String id : ALL) {
      String category = id.endsWith("vital") ? "vital-signs" : "laboratory";
      JsonObject observation = new JsonObject().put("resourceType", "Observation").put("id", id).put("status", "final")
          .put("category", new JsonArray().add(new JsonObject().put("coding", new JsonArray().add(new JsonObject()
              .put("system", "http://terminology.hl7.org/CodeSystem/observation-category").put("code", category)))))
          .put("code", new JsonObject().put("text", id))
          .put("subject", new JsonObject().put("reference", "Patient/" + id.substring(0, 2)));
      created(bearer.send(bearer.fhir("PUT", "/Observation/" + id, observation.encode()), admin));
    }
  }

  @AfterAll
  static void stop() {
    vitalSocket.close();
    patientSocket.close();
    browser.close().await();
    receiver.close();
    node.close();
  }

  private static String subscription(String id, String criteria, JsonObject channel) {
    return new JsonObject().put("resourceType", "Subscription").put("id", id).put("status", "active")
        .put("reason", "scopes").put("criteria", criteria).put("channel", channel).encode();
  }

  private static void created(Reply reply) {
    assertEquals(201, reply.status, reply.toString());
  }

  private static String live(BridgeSocket socket, String token) {
    JsonObject reply = socket.request(Addresses.LIVE_SUBSCRIBE, new JsonObject().put("resourceType", "Observation")
        .put("scope", ""), new JsonObject().put("Authorization", "Bearer " + token));
    assertEquals("rec", reply.getString("type"), reply.encode());
    String address = reply.getJsonObject("body").getString("address");
    socket.register(address);
    return address;
  }

  /** The Observation ids a text (a Bundle, a notification, a resource) names. */
  private static Set<String> named(String text) {
    Set<String> ids = new TreeSet<>();
    ALL.forEach(id -> {
      if (text.contains("Observation/" + id) || text.contains("\"id\":\"" + id + "\"")) {
        ids.add(id);
      }
    });
    return ids;
  }

  /** A Bundle's entries, as text. */
  private static String entries(Reply bundle) {
    assertEquals(200, bundle.status, bundle.toString());
    return bundle.json().getJsonArray("entry", new JsonArray()).encode();
  }

  @Test
  void searchReadAndHistoryShowEachClientOnlyWhatItsScopesAllow() {
    assertEquals(VITALS, named(bearer.get("/Observation", vitals).text));
    assertEquals(PATIENT_1, named(bearer.get("/Observation", patient).text));
    assertEquals(Set.of(), named(bearer.get("/Observation?category=laboratory", vitals).text), "ANDed, not replaced");
    assertEquals(Set.of("p1-vital"), named(bearer.get("/Observation?category=vital-signs", patient).text));
    assertEquals(Set.of("p1-vital"), named(bearer.send(bearer.fhir("POST", "/Observation/_search", "patient=Patient/p1")
        .setHeader("Content-Type", "application/x-www-form-urlencoded"), vitals).text));
    Reply all = bearer.get("/Observation?_count=1", vitals);
    assertTrue(all.json().getJsonArray("link").encode().indexOf("vital-signs") < 0, "the links are what was asked");
    for (String id : ALL) {
      assertEquals(VITALS.contains(id) ? 200 : 404, bearer.get("/Observation/" + id, vitals).status, id);
      assertEquals(PATIENT_1.contains(id) ? 200 : 404, bearer.get("/Observation/" + id, patient).status, id);
      String version = bearer.get("/Observation/" + id, admin).json().getJsonObject("meta").getString("versionId");
      assertEquals(VITALS.contains(id) ? 200 : 404, bearer.get("/Observation/" + id + "/_history/" + version, vitals).status, id);
      Reply history = bearer.get("/Observation/" + id + "/_history", vitals);
      if (VITALS.contains(id)) {
        assertEquals(Set.of(id), named(entries(history)));
      } else {
        assertEquals(404, history.status, "as if it did not exist: " + history);
        assertEquals(bearer.get("/Observation/nothing-here/_history", vitals).diagnostics(),
            history.diagnostics().replace(id, "nothing-here"), "the same answer as for what does not exist");
      }
    }
    assertEquals(VITALS, named(bearer.get("/Observation/_history", vitals).text));
    assertEquals(PATIENT_1, named(bearer.get("/Observation/_history", patient).text));
    assertEquals(200, bearer.get("/Patient?_id=p1", patient).status);
    assertEquals(bearer.get("/Observation/nothing-here", vitals).diagnostics(),
        bearer.get("/Observation/p1-lab", vitals).diagnostics().replace("p1-lab", "nothing-here"),
        "what it may not see reads as what does not exist");
    assertEquals(403, bearer.get("/Patient", vitals).status);
    assertEquals(403, bearer.get("/Encounter", patient).status);
  }

  @Test
  void aDeletionIsShownToTheClientThatCouldSeeWhatItDeleted() {
    for (String id : new String[] {"p1", "p2"}) {
      assertEquals(201, bearer.send(bearer.fhir("PUT", "/Patient/" + id, "{\"resourceType\":\"Patient\",\"id\":\"" + id
          + "\"}"), admin).status);
      assertEquals(200, bearer.send(bearer.fhir("DELETE", "/Patient/" + id, null), admin).status);
    }
    JsonArray mine = bearer.get("/Patient/p1/_history", patient).json().getJsonArray("entry");
    assertEquals(2, mine.size(), mine.encode());
    assertEquals("DELETE", mine.getJsonObject(0).getJsonObject("request").getString("method"), "its deletion, newest first");
    assertEquals(404, bearer.get("/Patient/p2/_history", patient).status, "another patient's, deleted or not");
    String all = entries(bearer.get("/Patient/_history", patient));
    assertTrue(all.contains("Patient/p1") && !all.contains("Patient/p2"), all);
  }

  @Test
  void everySubscriptionFamilyHearsOnlyWhatItsOwnerMayRead() throws Exception {
    for (Object[] client : new Object[][] {{"vitals", vitals, VITALS}, {"patient", patient, PATIENT_1}}) {
      String name = (String) client[0];
      String token = (String) client[1];
      Await.until(() -> named(bearer.get("/Subscription/poll-" + name + "/$poll?from=0&timeout=0", token).text)
          .equals(client[2]));
      Await.until(() -> named(receiver.acknowledged("/" + name).stream().map(Receiver.Received::body).toList()
          .toString()).equals(client[2]));
      Await.until(() -> named(bearer.get("/Subscription/topic-" + name + "/$events?content=id-only", token).text)
          .equals(client[2]), () -> bearer.get("/Subscription/topic-" + name + "/$events?content=id-only", token).text);
    }
    Set<String> vitalEvents = new TreeSet<>();
    Set<String> patientEvents = new TreeSet<>();
    while (vitalEvents.size() < 2) {
      vitalEvents.addAll(named(vitalSocket.event(vitalLive).encode()));
    }
    while (patientEvents.size() < 2) {
      patientEvents.addAll(named(patientSocket.event(patientLive).encode()));
    }
    assertEquals(VITALS, vitalEvents);
    assertEquals(PATIENT_1, patientEvents);
    // Once everything is in: nothing more came to any of them than their own.
    assertEquals(VITALS, named(bearer.get("/Subscription/poll-vitals/$poll?from=0&timeout=0", vitals).text));
    assertEquals(2, receiver.acknowledged("/vitals").size());
    assertEquals(2, receiver.acknowledged("/patient").size());
  }

  @Test
  void aSubscriptionOrClientBeyondWhatScopesCanSayIsRefused() {
    Reply encounters = bearer.send(bearer.fhir("POST", "/Subscription", subscription(null, "Encounter",
        new JsonObject().put("type", "poll"))), patient);
    assertEquals(403, encounters.status, encounters.toString());
    Reply noParameter = bearer.send(bearer.json("/auth/clients", "{\"id\":\"org\",\"scopes\":\"patient/Organization.rs\","
        + "\"patient\":\"p1\"}"), admin);
    assertEquals(400, noParameter.status, noParameter.toString());
    assertTrue(noParameter.diagnostics().contains("Organization"), noParameter.diagnostics());
    assertEquals(400, bearer.send(bearer.json("/auth/clients", "{\"id\":\"nop\",\"scopes\":\"patient/Observation.rs\"}"),
        admin).status, "a patient-level scope needs its patient");
    assertEquals(400, bearer.send(bearer.json("/auth/clients", "{\"id\":\"bad\",\"scopes\":"
        + "\"system/Observation.rs?nonsense=1\"}"), admin).status);
    Reply wider = bearer.tokenReply("vitals", "wrong", null);
    assertEquals(401, wider.status);
    Reply none = bearer.tokenReply("admin", ADMIN_SECRET, "");
    assertEquals(400, none.status, "a token of no scopes, which could subscribe to nothing: " + none);
  }
}
