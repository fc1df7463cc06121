package io.herald.retention;

import io.herald.testing.HeraldNode;
import io.herald.testing.Receiver;
import io.herald.testing.Reply;
import io.herald.testing.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The feed and the notifications shrink back to their windows; history stays; what is gone is said to be gone. */
class RetentionIT {

  private static HeraldNode node;
  private static Receiver receiver;

  @BeforeAll
  static void start() {
    receiver = new Receiver();
    node = HeraldNode.start(TestDatabase.freshDatabase(), new JsonObject().put("store", new JsonObject()
        .put("retention", new JsonObject().put("notificationSeconds", 5).put("feedSeconds", 1).put("everySeconds", 1)
            .put("batch", 3))));
  }

  @AfterAll
  static void stop() {
    node.close();
    receiver.close();
  }

  private static void subscribe(String id, String family, JsonObject channel) {
    Reply reply = node.put("/Subscription/" + id, new JsonObject().put("resourceType", "Subscription").put("id", id)
        .put("status", "active").put("reason", "retention test").put("criteria", "Patient?family=" + family)
        .put("channel", channel).encode());
    assertEquals(201, reply.status, reply::toString);
  }

  private static long create(String family) {
    Reply reply = node.post("/Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + family + "\"}]}");
    assertEquals(201, reply.status, reply::toString);
    return Long.parseLong(reply.json().getJsonObject("meta").getString("versionId"));
  }

  private static long notifications(String subscription) {
    return node.sql().preparedQuery("SELECT count(*) FROM notification WHERE subscription_id = $1")
        .execute(Tuple.of(subscription)).await().iterator().next().getLong(0);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("not within 30 s: " + what);
      }
      Thread.sleep(50);
    }
  }

  private static List<Long> versions(Reply poll) {
    List<Long> versions = new ArrayList<>();
    JsonArray entries = poll.json().getJsonArray("entry", new JsonArray());
    entries.forEach(e -> versions.add(Long.parseLong(((JsonObject) e).getJsonObject("resource").getJsonObject("meta")
        .getString("versionId"))));
    return versions;
  }

  @Test
  void oldNotificationsAndChangesArePrunedUnlessUnacknowledgedAndHistoryStays() throws Exception {
    subscribe("kept-poll", "Pruned", new JsonObject().put("type", "poll"));
    subscribe("acked-hook", "Pruned", new JsonObject().put("type", "rest-hook").put("endpoint", receiver.url("/ok")));
    subscribe("failing-hook", "Pruned", new JsonObject().put("type", "rest-hook")
        .put("endpoint", receiver.url("/hang")));
    List<Long> written = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      written.add(create("Pruned"));
    }
    long last = written.get(written.size() - 1);
    await("the poll subscription's notifications are pruned", () -> notifications("kept-poll") == 0);
    await("the acknowledged ones are pruned", () -> notifications("acked-hook") == 0);
    assertEquals(10, receiver.acknowledged("/ok").size(), "all were delivered before they went");
    assertEquals(10, notifications("failing-hook"), "unacknowledged notifications are kept, however old");
    await("the feed keeps only its newest change", () -> node.count("change") == 1);

    // history, vread and search are untouched
    assertEquals(3 + 10, node.count("resource_history"));
    Reply history = node.get("/Patient/_history?_count=100");
    assertEquals(10, history.json().getJsonArray("entry").size(), history::toString);
    Reply search = node.get("/Patient?family=Pruned&_count=3");
    assertEquals(200, search.status, search::toString);
    assertEquals(3, search.json().getJsonArray("entry").size());

    // asking from below what is kept is a 410 that says from where to ask
    Reply gone = node.get("/Subscription/kept-poll/$poll?from=0");
    assertEquals(410, gone.status, gone::toString);
    JsonObject issue = gone.json().getJsonArray("issue").getJsonObject(0);
    assertEquals("OperationOutcome", gone.json().getString("resourceType"));
    assertTrue(issue.getString("diagnostics").contains("up to versionId " + last), gone::toString);
    Reply fromMiddle = node.get("/Subscription/kept-poll/$poll?from=" + written.get(4));
    assertEquals(410, fromMiddle.status, fromMiddle::toString);

    // from the point named, nothing is missing: what comes next arrives
    Reply nothingYet = node.get("/Subscription/kept-poll/$poll?from=" + last + "&timeout=0");
    assertEquals(200, nothingYet.status, nothingYet::toString);
    assertEquals(List.of(), versions(nothingYet));
    long next = create("Pruned");
    Reply after = node.get("/Subscription/kept-poll/$poll?from=" + last + "&timeout=10");
    assertEquals(List.of(next), versions(after), after::toString);
  }

  @Test
  void aPollerInsideTheWindowMissesNothing() throws Exception {
    subscribe("window", "Inside", new JsonObject().put("type", "poll"));
    long before = create("Outside");
    List<Long> written = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      written.add(create("Inside"));
    }
    await("all seven are numbered", () -> notifications("window") == 7);
    Reply all = node.get("/Subscription/window/$poll?from=" + before + "&_count=100");
    assertEquals(200, all.status, all::toString);
    assertEquals(written, versions(all));
  }
  @Test
  void searchesAndHistoryStandWhileATransactionKeepsNewerChangesUnsettled() throws Exception {
    for (int i = 0; i < 3; i++) {
      create("Settled");
    }
    io.vertx.sqlclient.SqlConnection held = node.sql().getConnection().await();
    try {
      held.query("BEGIN").execute().await();
      held.query("SELECT pg_current_xact_id()").execute().await();   // an open transaction with an id
      create("Unsettled");
      // pruning runs (every second, a window of 1 s) while the newest change is unsettled: down to the matcher's cursor
      await("the feed is pruned to the matcher's cursor and the unsettled change", () -> node.count("change") == 2);
      Reply search = node.get("/Patient?family=Settled");
      assertEquals(200, search.status, search::toString);
      assertEquals(3, search.json().getJsonArray("entry", new JsonArray()).size(), search::toString);
      Reply history = node.get("/Patient/_history?_count=5");
      assertEquals(200, history.status, history::toString);
      assertTrue(history.json().getJsonArray("entry", new JsonArray()).size() > 0, history::toString);
    } finally {
      held.query("ROLLBACK").execute().await();
      held.close().await();
    }
  }
}
