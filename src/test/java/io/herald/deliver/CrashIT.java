package io.herald.deliver;

import io.herald.testing.HeraldNode;
import io.herald.testing.HeraldProcess;
import io.herald.testing.Receiver;
import io.herald.testing.Receiver.Received;
import io.herald.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 in the middle of a stream of changes: Herald runs as its own process, is killed without
 * warning while it matches and delivers, and is started again; the receiver ends with every
 * notification, never ahead of the order.
 */
class CrashIT {

  @Test
  void aKilledHeraldLosesNoNotification() throws Exception {
    Map<String, String> env = Map.of("HERALD_PG_URI", TestDatabase.freshDatabase());
    int port = HeraldNode.freePort();
    try (Receiver receiver = new Receiver()) {
      receiver.delay(3);
      HeraldProcess herald = HeraldProcess.launch(env, port).awaitReady();
      HttpResponse<String> created = herald.send("PUT", "/fhir/Subscription/crash", new JsonObject()
          .put("resourceType", "Subscription").put("id", "crash")
          .put("status", "active").put("reason", "crash test").put("criteria", "Observation?status=final")
          .put("channel", new JsonObject().put("type", "rest-hook").put("endpoint", receiver.url("/crash"))).encode());
      assertEquals(201, created.statusCode(), created::body);
      HeraldProcess first = herald;
      IntStream.range(0, 600).parallel().forEach(i -> post(first));
      herald.kill();            // SIGKILL, mid-stream
      int beforeCrash = receiver.acknowledged("/crash").size();
      assertTrue(beforeCrash < 600, "killed while deliveries were pending: " + beforeCrash + " delivered");

      HeraldProcess second = HeraldProcess.launch(env, port).awaitReady();
      IntStream.range(0, 400).parallel().forEach(i -> post(second));
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (distinct(receiver) < 1000 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      second.close();

      List<Long> events = receiver.acknowledged("/crash").stream().map(Received::eventNumber).toList();
      assertEquals(1000, distinct(receiver), "every notification arrived");
      long highest = 0;
      for (long e : events) {
        assertTrue(e <= highest + 1, "never ahead of the order: " + e + " after " + highest);
        highest = Math.max(highest, e);
      }
    }
  }

  private static int distinct(Receiver receiver) {
    Set<Long> seen = new HashSet<>();
    receiver.acknowledged("/crash").forEach(r -> seen.add(r.eventNumber()));
    return seen.size();
  }

  private static void post(HeraldProcess herald) {
    try {
      HttpResponse<String> r = herald.send("POST", "/fhir/Observation", "{\"resourceType\":\"Observation\",\"status\":\"final\"}");
      assertEquals(201, r.statusCode(), r::body);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
