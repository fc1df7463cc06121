package io.herald.deliver;

import io.herald.testing.HeraldNode;
import io.herald.testing.Receiver;
import io.herald.testing.Receiver.Received;
import io.herald.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
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

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void aKilledHeraldLosesNoNotification() throws Exception {
    String db = TestDatabase.freshDatabase();
    int port = HeraldNode.freePort();
    try (Receiver receiver = new Receiver()) {
      receiver.delay(3);
      Process herald = start(db, port);
      put(port, "/Subscription/crash", new JsonObject().put("resourceType", "Subscription").put("id", "crash")
          .put("status", "active").put("reason", "crash test").put("criteria", "Observation?status=final")
          .put("channel", new JsonObject().put("type", "rest-hook").put("endpoint", receiver.url("/crash"))).encode());
      IntStream.range(0, 600).parallel().forEach(i -> post(port));
      herald.destroyForcibly().waitFor();            // SIGKILL, mid-stream
      int beforeCrash = receiver.acknowledged("/crash").size();
      assertTrue(beforeCrash < 600, "killed while deliveries were pending: " + beforeCrash + " delivered");

      herald = start(db, port);
      IntStream.range(0, 400).parallel().forEach(i -> post(port));
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (distinct(receiver) < 1000 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      herald.destroy();
      herald.waitFor();

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

  private Process start(String db, int port) throws Exception {
    Path log = Files.createTempFile("herald-crash", ".log");
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "io.herald.Main")
        .redirectErrorStream(true).redirectOutput(log.toFile()).directory(new File("."));
    builder.environment().put("HERALD_PG_URI", db);
    builder.environment().put("HERALD_HTTP_PORT", Integer.toString(port));
    builder.environment().put("HERALD_HTTP_HOST", "127.0.0.1");
    Process process = builder.start();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/fhir/metadata")).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return process;
        }
      } catch (java.io.IOException notYet) {
        Thread.sleep(100);
      }
      if (!process.isAlive()) {
        throw new AssertionError("Herald exited: " + Files.readString(log));
      }
    }
    throw new AssertionError("Herald did not start: " + Files.readString(log));
  }

  private void put(int port, String path, String body) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/fhir" + path))
        .header("Content-Type", "application/fhir+json").PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(201, r.statusCode(), r::body);
  }

  private void post(int port) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/fhir/Observation"))
          .header("Content-Type", "application/fhir+json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Observation\",\"status\":\"final\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(201, r.statusCode(), r::body);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
