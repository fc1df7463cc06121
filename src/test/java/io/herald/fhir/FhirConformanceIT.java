package io.herald.fhir;

import io.herald.testing.FhirReferee;
import io.herald.testing.HeraldNode;
import io.herald.testing.Receiver;
import io.herald.testing.Reply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.herald.testing.BundleLinks.link;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * HAPI FHIR's R4 validator as referee over a tour of every kind of response Herald sends:
 * resources as created, read and vread; search, history and {@code $poll} Bundles, empty ones too;
 * every kind of OperationOutcome; the CapabilityStatement; Subscriptions of each channel. Any ERROR
 * fails the tour, and so does any warning on what Herald writes itself (OperationOutcomes, the
 * CapabilityStatement). Custom types are judged as far as R4 allows (see {@link FhirReferee}).
 */
class FhirConformanceIT {

  private static HeraldNode node;
  private static Receiver receiver;
  private final Map<String, Reply> tour = new LinkedHashMap<>();

  @BeforeAll
  static void start() {
    node = HeraldNode.start(io.herald.testing.TestDatabase.freshDatabase(),
        new JsonObject().put("http", new JsonObject().put("bodyLimitBytes", 100_000)));
    receiver = new Receiver();
    FhirReferee.get();
  }

  @AfterAll
  static void stop() {
    node.close();
    receiver.close();
  }

  private Reply see(String step, Reply reply) {
    tour.put(step + " (" + reply.status + ")", reply);
    return reply;
  }

  private static String id(Reply reply) {
    return reply.json().getString("id");
  }

  private static String version(Reply reply) {
    return reply.json().getJsonObject("meta").getString("versionId");
  }

  @Test
  void everyKindOfResponseValidatesAgainstR4() {
    see("capability statement", node.get("/metadata"));

    // Resources: create, read, update, update-as-create, vread, delete, read of the deleted.
    Reply created = see("create", node.post("/Patient", """
        {"resourceType":"Patient","meta":{"tag":[{"system":"http://example.org/tags","code":"tour"}]},
         "identifier":[{"system":"http://example.org/mrn","value":"12345"}],"active":true,
         "name":[{"family":"Chalmers","given":["Peter","James"]}],"gender":"male","birthDate":"1974-12-25",
         "telecom":[{"system":"phone","value":"(03) 5555 6473","use":"work"}]}"""));
    String pid = id(created);
    see("read", node.get("/Patient/" + pid));
    JsonObject changed = created.json().put("active", false);
    see("update", node.put("/Patient/" + pid, changed.encode(), "If-Match", "W/\"" + version(created) + "\""));
    see("vread", node.get("/Patient/" + pid + "/_history/" + version(created)));
    see("update that creates", node.put("/Patient/tour-2",
        "{\"resourceType\":\"Patient\",\"id\":\"tour-2\",\"name\":[{\"family\":\"Chalmers\"}]}"));
    see("create, Prefer return=OperationOutcome", node.send(HttpRequest.newBuilder(node.uri("/Observation"))
        .header("Content-Type", "application/fhir+json").header("Prefer", "return=OperationOutcome")
        .POST(HttpRequest.BodyPublishers.ofString("""
            {"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},
             "subject":{"reference":"Patient/%s"},"valueQuantity":{"value":72,"unit":"beats/minute",
             "system":"http://unitsofmeasure.org","code":"/min"}}""".formatted(pid)))));
    see("delete", node.delete("/Patient/tour-2"));
    see("delete again", node.delete("/Patient/tour-2"));
    see("read of the deleted", node.get("/Patient/tour-2"));

    // Custom types, as far as R4 can judge them.
    see("custom type create", node.put("/DataSample/tour-s1",
        "{\"resourceType\":\"DataSample\",\"id\":\"tour-s1\",\"labels\":[{\"type\":\"IC-TEST\",\"code\":\"TEST\"}]}"));
    see("custom type search", node.get("/DataSample?label=IC-TEST%7CTEST"));

    // Search: a page with a next link, the last page, no match, counts.
    for (int i = 0; i < 3; i++) {
      node.post("/Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Chalmers\"}]}");
    }
    Reply page = see("search page", node.get("/Patient?family=Chalmers&_count=2&_sort=-_lastUpdated"));
    String next = link(page.json(), "next");
    assertTrue(next != null, "a next link");
    see("search next page", node.get(next));
    see("search with _total", node.get("/Patient?family=Chalmers&_total=accurate"));
    see("search with no match", node.get("/Patient?family=Nobody"));
    see("search _summary=count", node.get("/Patient?family=Chalmers&_summary=count"));

    // History at three levels, and past its end.
    see("instance history", node.get("/Patient/" + pid + "/_history"));
    see("history of a deleted resource", node.get("/Patient/tour-2/_history"));
    see("type history", node.get("/Patient/_history?_count=3"));
    see("system history", node.get("/_history"));
    see("history with nothing since", node.get("/Patient/_history?_since=2999-01-01T00:00:00Z"));

    // Subscriptions of each channel, and $poll.
    Reply hook = see("rest-hook subscription create", node.post("/Subscription", new JsonObject()
        .put("resourceType", "Subscription").put("status", "requested").put("reason", "tour")
        .put("criteria", "Observation?code=http://loinc.org|8867-4")
        .put("channel", new JsonObject().put("type", "rest-hook").put("endpoint", receiver.url("/hook"))
            .put("payload", "application/fhir+json").put("header", new JsonArray().add("Authorization: Bearer x")))
        .encode()));
    see("rest-hook subscription read", node.get("/Subscription/" + id(hook)));
    Reply poll = see("poll subscription create", node.put("/Subscription/tour-poll", new JsonObject()
        .put("resourceType", "Subscription").put("id", "tour-poll").put("status", "active").put("reason", "tour")
        .put("criteria", "Patient?family=Polled").put("channel", new JsonObject().put("type", "poll")).encode()));
    assertEquals(201, poll.status, poll::toString);
    see("poll subscription read", node.get("/Subscription/tour-poll"));
    see("$poll that times out empty", node.get("/Subscription/tour-poll/$poll?from=0&timeout=0"));
    node.post("/Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Polled\"}]}");
    Reply polled = see("$poll with a notification", node.get("/Subscription/tour-poll/$poll?from=0&timeout=10"));
    assertEquals(1, polled.json().getJsonArray("entry").size(), polled::toString);
    see("$poll of the latest", node.get("/Subscription/tour-poll/$poll"));
    see("subscription search by channel type", node.get("/Subscription?type=poll"));
    node.put("/Subscription/tour-off", new JsonObject().put("resourceType", "Subscription").put("id", "tour-off")
        .put("status", "off").put("reason", "tour").put("criteria", "Patient").put("channel", new JsonObject().put("type", "poll")).encode());
    see("$poll of a subscription that is off", node.get("/Subscription/tour-off/$poll?from=0"));

    // Every kind of error.
    see("malformed JSON", node.post("/Patient", "{\"resourceType\":"));
    see("resourceType does not match", node.post("/Patient", "{\"resourceType\":\"Observation\"}"));
    see("unknown search parameter", node.get("/Patient?nonsense=1"));
    see("unsupported Subscription criteria", node.post("/Subscription", new JsonObject()
        .put("resourceType", "Subscription").put("status", "active").put("reason", "tour")
        .put("criteria", "Patient?nonsense=1").put("channel", new JsonObject().put("type", "poll")).encode()));
    see("unknown resource", node.get("/Patient/no-such-patient"));
    see("unknown route", node.get("/Patient/a/b/c/d"));
    see("wrong method", node.send(HttpRequest.newBuilder(node.uri("/metadata"))
        .method("PATCH", HttpRequest.BodyPublishers.noBody())));
    see("If-Match mismatch", node.put("/Patient/" + pid, changed.encode(), "If-Match", "W/\"1\""));
    see("body too large", node.post("/Patient", "{\"resourceType\":\"Patient\",\"x\":\"" + "a".repeat(200_000) + "\"}"));
    see("unsupported content type", node.send(HttpRequest.newBuilder(node.uri("/Patient"))
        .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("{}"))));
    see("unknown subscription $poll", node.get("/Subscription/nope/$poll"));

    List<String> failures = new ArrayList<>();
    FhirReferee referee = FhirReferee.get();
    tour.forEach((step, reply) -> {
      JsonObject body = reply.json();
      referee.errors(body).forEach(e -> failures.add(step + ": " + e));
      String type = body.getString("resourceType");
      if (type.equals("OperationOutcome") || type.equals("CapabilityStatement")) {   // Herald's own words: no warning either
        referee.warnings(body).forEach(w -> failures.add(step + ": warning " + w));
      }
    });
    if (!failures.isEmpty()) {
      fail(failures.size() + " validation errors (and warnings on what Herald itself writes) over " + tour.size() + " responses:\n" + String.join("\n", failures));
    }
  }
}
