package io.herald.http;

import io.herald.testing.Await;
import io.herald.testing.HeraldNode;
import io.herald.testing.Receiver;
import io.herald.testing.Reply;
import io.herald.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /metrics}: Prometheus's text format, with Vert.x's request counts and Herald's own delivery figures. */
class MetricsIT {

  @Test
  void aDeliveredNotificationIsCountedWithItsLagBesideTheRequests() throws Exception {
    try (Receiver receiver = new Receiver(); HeraldNode node = HeraldNode.start(TestDatabase.freshDatabase(), new JsonObject())) {
      assertEquals(201, node.put("/Subscription/counted", new JsonObject().put("resourceType", "Subscription")
          .put("id", "counted").put("status", "active").put("reason", "metrics").put("criteria", "Patient?family=Counted")
          .put("channel", new JsonObject().put("type", "rest-hook").put("endpoint", receiver.url("/counted"))).encode()).status);
      assertEquals(201, node.post("/Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Counted\"}]}").status);
      Await.until(() -> metrics(node).text.contains("herald_notifications_delivered_total{channel=\"rest-hook\"} 1.0"));
      Reply scraped = metrics(node);
      assertEquals(200, scraped.status);
      assertTrue(scraped.header("Content-Type").startsWith("text/plain"), scraped.header("Content-Type"));
      for (String expected : new String[] {"herald_delivery_lag_seconds_count{family=\"criteria\"} 1",
          "herald_notifications_numbered_total 1.0", "herald_changes_matched_total", "vertx_http_server_requests_total",
          "herald_live_sockets 0.0", "herald_cluster_members 1.0"}) {
        assertTrue(scraped.text.contains(expected), "expected " + expected + " in:\n" + scraped.text);
      }
    }
  }

  private static Reply metrics(HeraldNode node) {
    return node.send(HttpRequest.newBuilder(URI.create("http://localhost:" + node.herald.port() + "/metrics")).GET());
  }
}
