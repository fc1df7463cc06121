package io.herald.deliver;

import io.herald.subscription.ChannelTypes;
import io.herald.testing.BundleLinks;
import io.herald.testing.Await;
import io.herald.testing.HeraldNode;
import io.herald.testing.Receiver;
import io.herald.testing.Receiver.Received;
import io.herald.testing.Reply;
import io.herald.testing.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** rest-hook delivery to a real receiver that fails, hangs and drops connections on demand. */
class RestHookIT {

  /** Fast retries so that giving up takes a second, not ten minutes. */
  private static final JsonObject FAST = new JsonObject().put("deliver", new JsonObject()
      .put("retryBaseMillis", 20).put("retryCapMillis", 200).put("maxAttempts", 4).put("timeoutSeconds", 1));

  private Receiver receiver;
  private HeraldNode node;

  @BeforeEach
  void start() {
    receiver = new Receiver();
    node = HeraldNode.start(TestDatabase.freshDatabase(), FAST);
  }

  @AfterEach
  void stop() {
    node.close();
    receiver.close();
  }

  private void subscribe(String id, String criteria, String path, String payload, String... headers) {
    JsonObject channel = new JsonObject().put("type", "rest-hook").put("endpoint", receiver.url(path));
    if (payload != null) {
      channel.put("payload", payload);
    }
    if (headers.length > 0) {
      channel.put("header", new JsonArray(List.of((Object[]) headers)));
    }
    Reply reply = node.put("/Subscription/" + id, new JsonObject().put("resourceType", "Subscription").put("id", id)
        .put("status", "active").put("reason", "test").put("criteria", criteria).put("channel", channel).encode());
    assertEquals(201, reply.status, reply::toString);
  }

  @Test
  void sendsWhatFhirDefinesWithOrderingHeaders() throws Exception {
    subscribe("plain", "Patient?family=Wire", "/plain", null, "Authorization: Bearer secret");
    subscribe("full", "Patient?family=Wire", "/full", "application/fhir+json");
    JsonObject patient = node.post("/Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Wire\"}]}").json();
    String id = patient.getString("id");
    node.delete("/Patient/" + id);
    Await.until(() -> receiver.acknowledged("/plain").size() == 2 && receiver.acknowledged("/full").size() == 2);

    Received plain = receiver.acknowledged("/plain").get(0);
    assertEquals("POST", plain.method());
    assertEquals("", plain.body(), "no payload type: no body");
    assertEquals("Bearer secret", plain.headers().getString("authorization"));
    assertEquals("plain", plain.headers().getString("x-herald-subscription"));
    assertEquals("1", plain.headers().getString("x-herald-event-number"));
    assertEquals(patient.getJsonObject("meta").getString("versionId"), plain.headers().getString("x-herald-version-id"));
    assertEquals("create", plain.headers().getString("x-herald-interaction"));

    Received put = receiver.acknowledged("/full").get(0);
    assertEquals("PUT", put.method());
    assertEquals("/full/Patient/" + id, put.path());
    assertTrue(put.headers().getString("content-type").startsWith("application/fhir+json"));
    assertEquals(id, new JsonObject(put.body()).getString("id"));
    Received delete = receiver.acknowledged("/full").get(1);
    assertEquals("DELETE", delete.method());
    assertEquals("/full/Patient/" + id, delete.path());
    assertEquals("2", delete.headers().getString("x-herald-event-number"));
    assertEquals("delete", delete.headers().getString("x-herald-interaction"));
  }

  @Test
  void aPollSubscriptionWithAnEndpointIsNeverSentWebhooks() throws Exception {
    for (String id : List.of("aidbox-form", "extension-form")) {
      JsonObject channel = new JsonObject().put("endpoint", receiver.url("/" + id));
      if (id.equals("aidbox-form")) {
        channel.put("type", "poll");
      } else {
        channel.put("type", "rest-hook").put("_type", new JsonObject().put("extension", new JsonArray().add(new JsonObject()
            .put("url", ChannelTypes.EXTENSION).put("valueCoding", new JsonObject().put("code", "poll")))));
      }
      Reply reply = node.put("/Subscription/" + id, new JsonObject().put("resourceType", "Subscription").put("id", id)
          .put("status", "active").put("reason", "test").put("criteria", "Patient?family=Both").put("channel", channel).encode());
      assertEquals(201, reply.status, reply::toString);
    }
    subscribe("hook", "Patient?family=Both", "/hook", null);
    node.post("/Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Both\"}]}");
    Await.until(() -> receiver.acknowledged("/hook").size() == 1);
    Thread.sleep(1500);   // the delivery scan (every second) has looked at every subscription since
    node.post("/Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Both\"}]}");
    Await.until(() -> receiver.acknowledged("/hook").size() == 2);   // a later marker: what was to come has come
    assertEquals(List.of(), receiver.received().stream().filter(r -> !r.path().startsWith("/hook")).toList());
    for (String id : List.of("aidbox-form", "extension-form")) {
      Reply polled = node.get("/Subscription/" + id + "/$poll?from=0&timeout=0");
      assertEquals(2, BundleLinks.entries(polled.json()).size(), polled::toString);
    }
  }

  @Test
  void aReceiverThatFailsForAWhileGetsEverythingInOrder() throws Exception {
    subscribe("flaky", "Observation?status=final", "/flaky", null);
    receiver.failNext(3);
    for (int i = 0; i < 10; i++) {
      node.post("/Observation", "{\"resourceType\":\"Observation\",\"status\":\"final\"}");
    }
    Await.until(() -> receiver.acknowledged("/flaky").size() == 10);
    assertEquals(LongRange.of(1, 10), receiver.acknowledged("/flaky").stream().map(Received::eventNumber).toList());
    assertTrue(receiver.received().size() >= 13, "the failed attempts were retried");
  }

  @Test
  void aReceiverThatNeverRecoversTurnsItsSubscriptionToErrorAndResumes() throws Exception {
    subscribe("dead", "Observation?status=final", "/dead", null);
    receiver.mode(Receiver.Mode.DROP);
    for (int i = 0; i < 3; i++) {
      node.post("/Observation", "{\"resourceType\":\"Observation\",\"status\":\"final\"}");
    }
    Await.until(() -> "error".equals(node.get("/Subscription/dead").json().getString("status")));
    JsonObject errored = node.get("/Subscription/dead").json();
    assertTrue(errored.getString("error").contains("failed 4 times"), errored::encode);
    long triedBefore = receiver.received().stream().filter(r -> r.path().equals("/dead")).count();
    subscribe("dead-watch", "Observation?status=final", "/watch-dead", null);
    node.post("/Observation", "{\"resourceType\":\"Observation\",\"status\":\"final\"}");   // keeps accumulating
    Await.until(() -> receiver.received().stream().anyMatch(r -> r.path().equals("/watch-dead")));   // a later marker
    assertEquals(triedBefore, receiver.received().stream().filter(r -> r.path().equals("/dead")).count(),
        "nothing is sent to a subscription in error, not even the change matched after it");

    receiver.mode(Receiver.Mode.OK);
    Reply resumed = node.put("/Subscription/dead", errored.copy().put("status", "active").encode());
    assertEquals(200, resumed.status, resumed::toString);
    Await.until(() -> receiver.acknowledged("/dead").size() == 4);
    assertEquals(LongRange.of(1, 4), receiver.acknowledged("/dead").stream().map(Received::eventNumber).toList());
  }

  @Test
  void aSubscriptionChangedMidStreamGetsEveryNotificationInOrderAtItsCurrentEndpoint() throws Exception {
    subscribe("moving", "Observation?status=final", "/a", null);
    JsonObject subscription = node.get("/Subscription/moving").json();
    Thread writer = new Thread(() -> IntStream.range(0, 600)
        .forEach(i -> node.post("/Observation", "{\"resourceType\":\"Observation\",\"status\":\"final\"}")));
    writer.start();
    Await.until(() -> receiver.acknowledged("/a").size() >= 50);
    subscription.getJsonObject("channel").put("endpoint", receiver.url("/b"));
    subscription = node.put("/Subscription/moving", subscription.encode()).json();
    long moved = Long.parseLong(subscription.getJsonObject("meta").getString("versionId"));
    Await.until(() -> receiver.acknowledged("/b").size() >= 20);
    subscription = node.put("/Subscription/moving", subscription.put("status", "off").encode()).json();
    Thread.sleep(100);
    node.put("/Subscription/moving", subscription.put("status", "active").encode());
    assertTrue(writer.isAlive(), "the subscription changed while notifications were streaming");
    writer.join();

    Await.until(() -> node.sql().query("SELECT (SELECT version_id FROM match_cursor) >= (SELECT max(version_id) FROM change)")
        .execute().await().iterator().next().getBoolean(0));   // the matcher has seen every change
    long last = node.sql().query("SELECT last_event FROM subscription_state WHERE id = 'moving'").execute().await()
        .iterator().next().getLong(0);
    node.post("/Observation", "{\"resourceType\":\"Observation\",\"status\":\"final\"}");   // a marker: event last + 1
    Await.until(() -> receiver.received().stream().anyMatch(r -> r.answered() == 200 && r.eventNumber() == last + 1));
    List<Received> arrived = receiver.received().stream().filter(r -> r.answered() == 200).toList();   // all before it came first
    assertEquals(last + 1, arrived.size(), "as many as were matched, and the marker");
    for (int i = 0; i < arrived.size(); i++) {
      assertEquals(i + 1, arrived.get(i).eventNumber(), "each once, in order");
    }
    for (Received r : arrived) {
      if (Long.parseLong(r.headers().getString("x-herald-version-id")) > moved) {
        assertEquals("/b", r.path(), "a change committed after the endpoint changed goes to the new one");
      }
    }
    assertTrue(last < 600, "nothing was matched while the subscription was off: " + last);
  }

  @Test
  void aDeletedSubscriptionGetsNothingMoreEvenWithNotificationsPending() throws Exception {
    subscribe("gone", "Observation?status=final", "/gone", null);
    receiver.mode(Receiver.Mode.FAIL);
    for (int i = 0; i < 3; i++) {
      node.post("/Observation", "{\"resourceType\":\"Observation\",\"status\":\"final\"}");
    }
    Await.until(() -> !receiver.received().isEmpty());
    Reply deleted = node.delete("/Subscription/gone");
    assertEquals(200, deleted.status);
    long deletedAt = Long.parseLong(deleted.header("ETag").replaceAll("\\D", ""));
    Await.until(() -> node.sql().query("SELECT version_id FROM match_cursor").execute().await().iterator().next()
        .getLong(0) >= deletedAt);   // the deletion is announced to the deliverer (a retry may race it until then)
    // A marker answered only after longer than the longest retry delay (200 ms): any retry of the deleted subscription
    // pending now would have been received, and acknowledged, before it.
    receiver.delay(300);
    receiver.mode(Receiver.Mode.OK);
    subscribe("after-gone", "Observation?status=final", "/after-gone", null);
    node.post("/Observation", "{\"resourceType\":\"Observation\",\"status\":\"final\"}");
    Await.until(() -> receiver.acknowledged("/after-gone").size() == 1);
    receiver.delay(0);
    assertEquals(0, receiver.acknowledged("/gone").size());
  }

  @Test
  void aSubscriptionTurnedOffDuringItsLastAttemptStaysOff() throws Exception {
    subscribe("late", "Observation?status=final", "/hang-late", null);
    node.post("/Observation", "{\"resourceType\":\"Observation\",\"status\":\"final\"}");
    Await.until(() -> receiver.received().stream().filter(r -> r.path().equals("/hang-late")).count() == 4);   // the last one allowed
    JsonObject subscription = node.get("/Subscription/late").json();
    assertEquals(200, node.put("/Subscription/late", subscription.put("status", "off").encode()).status);
    // A marker: a later subscription's first attempt hangs too, and it is tried again only once that attempt timed
    // out (1 s), by which time the earlier attempt has timed out as well.
    subscribe("late-marker", "Observation?status=final", "/hang-late-marker", null);
    node.post("/Observation", "{\"resourceType\":\"Observation\",\"status\":\"final\"}");
    Await.until(() -> receiver.received().stream().filter(r -> r.path().equals("/hang-late-marker")).count() == 2);
    JsonObject after = node.get("/Subscription/late").json();
    assertEquals("off", after.getString("status"), "the client's change wins over the failure of an attempt made before it");
    assertNull(after.getString("error"));
  }

  @Test
  void aHangingEndpointDelaysNoOtherSubscription() throws Exception {
    subscribe("hanging", "Patient?family=Both", "/hang", null);
    subscribe("healthy", "Patient?family=Both", "/healthy", null);
    for (int i = 0; i < 3; i++) {
      node.post("/Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Both\"}]}");
    }
    long start = System.nanoTime();
    Await.until(() -> receiver.acknowledged("/healthy").size() == 3);
    assertTrue((System.nanoTime() - start) / 1_000_000 < 900, "delivered while the other hangs past its 1 s timeout");
    assertTrue(receiver.received().stream().anyMatch(r -> r.path().startsWith("/hang")));
  }

  @Test
  void aRestartMidStreamLosesNothingAndRepeatsOnlyTheUnacknowledged() throws Exception {
    String db = node.pgUri;
    subscribe("stream", "Observation?status=final", "/stream", null);
    receiver.delay(5);   // a receiver slower than the writers, so the stop finds deliveries pending
    IntStream.range(0, 1000).parallel().forEach(i -> node.post("/Observation", "{\"resourceType\":\"Observation\",\"status\":\"final\"}"));
    node.close();                                    // in the middle of delivering
    int beforeRestart = receiver.acknowledged("/stream").size();
    assertTrue(beforeRestart > 0 && beforeRestart < 1000, "stopped mid-stream: " + beforeRestart + " of 1000 delivered");
    node = HeraldNode.start(db, FAST);
    IntStream.range(0, 1000).parallel().forEach(i -> node.post("/Observation", "{\"resourceType\":\"Observation\",\"status\":\"final\"}"));
    Await.until(() -> new HashSet<>(receiver.acknowledged("/stream").stream().map(Received::eventNumber).toList()).size() == 2000);

    List<Long> events = receiver.acknowledged("/stream").stream().map(Received::eventNumber).toList();
    long highest = 0;
    for (long e : events) {
      assertTrue(e <= highest + 1, "never ahead of the order: " + e + " after " + highest);
      highest = Math.max(highest, e);
    }
    Set<Long> distinct = new HashSet<>(events);
    assertEquals(2000, distinct.size(), "every notification arrived");
    assertTrue(events.size() - distinct.size() <= 1, "only what was in flight at the stop came again: "
        + (events.size() - distinct.size()) + " repeats; " + beforeRestart + " delivered before the restart");
    assertNull(node.get("/Subscription/stream").json().getString("error"));
  }

  private static final class LongRange {
    static List<Long> of(long from, long to) {
      return java.util.stream.LongStream.rangeClosed(from, to).boxed().toList();
    }
  }
}
