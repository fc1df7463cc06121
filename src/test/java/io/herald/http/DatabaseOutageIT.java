package io.herald.http;

import io.herald.database.Outage;
import io.herald.testing.HeraldNode;
import io.herald.testing.Reply;
import io.herald.testing.TcpRelay;
import io.herald.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL out of reach: every request answers 503 with Retry-After and an OperationOutcome (nothing was done), and
 * work resumes after.
 */
class DatabaseOutageIT {

  @Test
  void anUnreachableDatabaseIsA503WithRetryAfterAndHeraldRecovers() throws Exception {
    String database = TestDatabase.freshDatabase();
    try (TcpRelay relay = TcpRelay.before(database);
         HeraldNode node = HeraldNode.start(relay.uri(database), new JsonObject())) {
      Reply before = node.post("/Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Before\"}]}");
      assertEquals(201, before.status, before::toString);
      String id = before.json().getString("id");
      Reply ready = health(node, "ready");
      assertEquals(200, ready.status, ready.toString());
      assertEquals("UP", ready.json().getString("status"));

      relay.cut();
      long cutAt = System.currentTimeMillis();
      while (node.get("/Patient/" + id).status != 503 && System.currentTimeMillis() < cutAt + 10_000) {
        Thread.sleep(50);   // until the pool has seen its connections go (a read answers 503 either way)
      }
      for (Reply reply : new Reply[] {
          node.post("/Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"During\"}]}"),
          node.put("/Patient/during", "{\"resourceType\":\"Patient\",\"id\":\"during\"}"),
          node.get("/Patient/" + id),
          node.get("/Patient?family=Before"),
          node.get("/Patient/_history")}) {
        assertEquals(503, reply.status, reply::toString);
        assertEquals(Integer.toString(Errors.RETRY_AFTER_SECONDS), reply.header("Retry-After"));
        assertTrue(reply.diagnostics().contains("out of reach"), reply::toString);
      }
      Reply notReady = health(node, "ready");
      assertEquals(503, notReady.status, "a load balancer sends it nothing now: " + notReady);
      assertEquals("DOWN", notReady.json().getString("status"));
      assertEquals(200, health(node, "live").status, "but it is alive: no restart");

      relay.restore();
      long deadline = System.currentTimeMillis() + 10_000;
      Reply after;
      do {
        after = node.get("/Patient/" + id);
      } while (after.status == 503 && System.currentTimeMillis() < deadline);
      assertEquals(200, after.status, after.toString());
      assertEquals(201, node.post("/Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"After\"}]}").status);
      assertEquals(2, node.count("resource"), "what was refused during the outage was not written");
      assertEquals(200, health(node, "ready").status, "ready again");
    }
  }

  private static Reply health(HeraldNode node, String which) {
    return node.send(HttpRequest.newBuilder(URI.create("http://localhost:" + node.herald.port() + "/health/" + which)).GET());
  }
}
