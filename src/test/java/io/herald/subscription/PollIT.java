package io.herald.subscription;

import io.herald.bus.Addresses;
import io.herald.testing.BundleLinks;
import io.herald.testing.HeraldNode;
import io.herald.testing.Reply;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.herald.testing.BundleLinks.link;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Long-polling a criteria subscription, as Aidbox clients do. */
class PollIT {

  private static HeraldNode node;

  @BeforeAll
  static void start() {
    node = HeraldNode.start();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static void subscribe(String id, String criteria, String status) {
    Reply reply = node.put("/Subscription/" + id, new JsonObject().put("resourceType", "Subscription").put("id", id)
        .put("status", status).put("reason", "poll test").put("criteria", criteria)
        .put("channel", new JsonObject().put("type", "poll")).encode());
    assertEquals(201, reply.status, reply::toString);
  }

  private static long version(Reply reply) {
    return Long.parseLong(reply.json().getJsonObject("meta").getString("versionId"));
  }

  @Test
  void aWaitingPollIsAnsweredByTheNextMatchingChange() throws Exception {
    subscribe("waiting", "Patient?family=Waits", "active");
    long from = version(node.post("/Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Other\"}]}"));
    CompletableFuture<Reply> polled;
    try (ReadCounter reads = new ReadCounter()) {
      polled = CompletableFuture.supplyAsync(() -> node.get("/Subscription/waiting/$poll?from=" + from + "&timeout=20"));
      long arrived = System.nanoTime() + 10_000_000_000L;
      while (reads.count() == 0 && System.nanoTime() < arrived) {
        Thread.sleep(10);   // until the poll has arrived and looked once
      }
      assertEquals(1, reads.count(), "the poll arrived, read once, found nothing and waits");
    }
    awaitMatched(version(node.post("/Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Other\"}]}")));
    assertTrue(!polled.isDone(), "a change that does not match does not answer it");   // nor later: the answer below holds only the match
    long start = System.nanoTime();
    Reply created = node.post("/Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Waits\"}]}");
    Reply reply = polled.get(5, TimeUnit.SECONDS);
    long waitedMs = (System.nanoTime() - start) / 1_000_000;
    assertEquals(200, reply.status, reply::toString);
    JsonArray entries = reply.json().getJsonArray("entry");
    assertEquals(1, entries.size());
    assertEquals(created.json().getString("id"), entries.getJsonObject(0).getJsonObject("resource").getString("id"));
    assertTrue(waitedMs < 2000, "answered soon after the commit: " + waitedMs + " ms");
  }

  @Test
  void pagesEverythingFromZeroShowsDeletesAndTheLatestWithoutFrom() {
    subscribe("paged", "Observation?status=final", "active");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(node.post("/Observation", "{\"resourceType\":\"Observation\",\"status\":\"final\"}").json().getString("id"));
    }
    node.delete("/Observation/" + ids.get(0));
    awaitEntries("/Subscription/paged/$poll?from=0&timeout=0&_count=100", 6);
    List<String> methods = new ArrayList<>();
    List<Long> versions = new ArrayList<>();
    String next = node.base + "/Subscription/paged/$poll?from=0&_count=4&timeout=0";
    while (next != null) {
      JsonObject bundle = node.get(next).json();
      assertEquals("history", bundle.getString("type"));
      for (Object e : BundleLinks.entries(bundle)) {
        JsonObject entry = (JsonObject) e;
        methods.add(entry.getJsonObject("request").getString("method"));
        versions.add(Long.parseLong(entry.getJsonObject("response").getString("etag").replaceAll("\\D", "")));
      }
      next = link(bundle, "next");
    }
    assertEquals(List.of("POST", "POST", "POST", "POST", "POST", "DELETE"), methods);
    for (int i = 1; i < versions.size(); i++) {
      assertTrue(versions.get(i) > versions.get(i - 1), "ascending versionIds");
    }
    JsonObject latest = node.get("/Subscription/paged/$poll").json();
    assertEquals(1, latest.getJsonArray("entry").size(), "without from: the latest notification");
    assertEquals("DELETE", latest.getJsonArray("entry").getJsonObject(0).getJsonObject("request").getString("method"));
  }

  @Test
  void timesOutWithAnEmptyBundle() {
    subscribe("quiet", "Patient?family=Nobody", "active");
    long start = System.nanoTime();
    Reply reply = node.get("/Subscription/quiet/$poll?from=0&timeout=1");
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertEquals(200, reply.status);
    assertTrue(BundleLinks.entries(reply.json()).isEmpty());
    assertNull(link(reply.json(), "next"));
    assertTrue(ms >= 900 && ms < 5000, "waited for the timeout: " + ms + " ms");
  }

  @Test
  void refusesWhatCannotBePolled() {
    subscribe("stopped", "Patient?family=X", "off");
    assertEquals(403, node.get("/Subscription/stopped/$poll?from=0").status);
    assertEquals(404, node.get("/Subscription/unknown/$poll?from=0").status);
    Reply bad = node.get("/Subscription/stopped/$poll?from=yesterday");
    assertEquals(400, bad.status);
    assertTrue(bad.diagnostics().contains("from"), bad::toString);
    assertEquals(400, node.get("/Subscription/stopped/$poll?since=1").status);
    assertEquals(404, node.get("/Subscription/stopped/$everything").status);
  }

  @Test
  void aThousandWaitingPollsAreEachAnswered() throws Exception {
    subscribe("crowd", "Patient?family=Crowd", "active");
    long from = version(node.post("/Patient", "{\"resourceType\":\"Patient\"}"));
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)   // one connection each, as browsers poll
        .connectTimeout(Duration.ofSeconds(10)).build();
    List<CompletableFuture<HttpResponse<String>>> polls = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      polls.add(client.sendAsync(HttpRequest.newBuilder(node.uri("/Subscription/crowd/$poll?from=" + from + "&timeout=60"))
          .timeout(Duration.ofSeconds(90)).build(), HttpResponse.BodyHandlers.ofString()));
    }
    Thread.sleep(3000);   // let them all arrive and wait
    awaitMatched(version(node.post("/Patient", "{\"resourceType\":\"Patient\"}")));   // a marker that does not match
    String early = polls.stream().filter(CompletableFuture::isDone).findFirst()
        .map(p -> p.handle((r, e) -> e != null ? e.toString() : r.statusCode() + " " + r.body()).join()).orElse("");
    assertEquals(0, polls.stream().filter(CompletableFuture::isDone).count(), "all wait; one answered early: " + early);
    String id;
    int reads;
    try (ReadCounter counter = new ReadCounter()) {
      id = node.post("/Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Crowd\"}]}").json().getString("id");
      CompletableFuture.allOf(polls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      reads = counter.count();
    }
    assertTrue(reads <= 4, "the waiters woken by one notification share their reads: " + reads + " reads of the store");
    for (CompletableFuture<HttpResponse<String>> poll : polls) {
      HttpResponse<String> response = poll.get();
      assertEquals(200, response.statusCode(), response::body);
      JsonArray entries = BundleLinks.entries(new JsonObject(response.body()));
      assertEquals(1, entries.size());
      assertEquals(id, entries.getJsonObject(0).getJsonObject("resource").getString("id"));
    }
  }

  /** Counts the reads of notifications the node's pollers make while it is open. */
  private static final class ReadCounter implements AutoCloseable {
    private final AtomicInteger reads = new AtomicInteger();
    private final Handler<DeliveryContext<Object>> interceptor = delivery -> {
      if (delivery.message().address().equals(Addresses.DELIVER_POLL)) {
        reads.incrementAndGet();
      }
      delivery.next();
    };

    ReadCounter() {
      node.vertx.eventBus().addOutboundInterceptor(interceptor);
    }

    int count() {
      return reads.get();
    }

    @Override
    public void close() {
      node.vertx.eventBus().removeOutboundInterceptor(interceptor);
    }
  }

  /** Waits until the matcher has looked at the change {@code versionId}. */
  private static void awaitMatched(long versionId) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (node.sql().query("SELECT version_id FROM match_cursor").execute().await().iterator().next().getLong(0) < versionId) {
      if (System.nanoTime() > deadline) {
        fail("the matcher did not reach change " + versionId + " in 10 s");
      }
      Thread.sleep(10);
    }
  }

  private static void awaitEntries(String path, int count) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    int found = 0;
    while (System.nanoTime() < deadline) {
      found = BundleLinks.entries(node.get(path).json()).size();
      if (found >= count) {
        return;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    fail("only " + found + " of " + count + " notifications");
  }
}
