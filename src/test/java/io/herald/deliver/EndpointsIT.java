package io.herald.deliver;

import io.herald.testing.Await;
import io.herald.testing.HeraldNode;
import io.herald.testing.Receiver;
import io.herald.testing.Reply;
import io.herald.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Webhooks go only where they may: an endpoint that resolves to a loopback, link-local (cloud metadata), private or
 * unspecified address is refused when written unless {@code deliver.allowedHosts} allows it, and again at each
 * delivery (a subscription written while allowed is not delivered by a node that does not allow it); a redirect is
 * not followed.
 */
class EndpointsIT {

  private static JsonObject config(JsonArray allowedHosts) {
    return new JsonObject().put("deliver", new JsonObject().put("allowedHosts", allowedHosts).put("maxAttempts", 2)
        .put("retryBaseMillis", 10));
  }

  private static Reply hook(HeraldNode node, String id, String endpoint) {
    return node.put("/Subscription/" + id, new JsonObject().put("resourceType", "Subscription").put("id", id)
        .put("status", "active").put("reason", "test").put("criteria", "Patient")
        .put("channel", new JsonObject().put("type", "rest-hook").put("endpoint", endpoint)).encode());
  }

  @Test
  void anEndpointOnAnInnerAddressIsRefusedWhenWrittenUnlessAllowed() {
    try (HeraldNode node = HeraldNode.start(TestDatabase.freshDatabase(), config(new JsonArray().add("10.0.0.0/8")))) {
      for (String[] refused : new String[][] {{"http://127.0.0.1:9/hook", "loopback"},
          {"http://localhost:9/hook", "loopback"}, {"http://[::1]:9/hook", "loopback"},
          {"http://169.254.169.254/latest/meta-data/", "link-local"}, {"http://192.168.1.10/hook", "private"},
          {"http://172.16.0.1/hook", "private"}, {"http://0.0.0.0:9/hook", "unspecified"},
          {"http://100.64.0.1/hook", "carrier-grade"}, {"http://[fd00::1]/hook", "private"},
          {"http://[64:ff9b::7f00:1]/hook", "loopback"}, {"http://[2002:a9fe:a9fe::1]/hook", "link-local"},
          {"http://[::c0a8:101]/hook", "private"}}) {
        Reply reply = hook(node, "refused", refused[0]);
        assertEquals(400, reply.status, refused[0] + " → " + reply);
        assertTrue(reply.diagnostics().contains(refused[1]) && reply.diagnostics().contains("deliver.allowedHosts"),
            reply.diagnostics());
      }
      assertEquals(404, node.get("/Subscription/refused").status, "nothing written");
      assertEquals(201, hook(node, "allowed", "http://10.1.2.3/hook").status, "within an allowed range");
      assertEquals(201, hook(node, "later", "http://no-such-host.invalid/hook").status,
          "a name that does not resolve now is checked again at each delivery");
    }
  }

  @Test
  void anEndpointIsCheckedAgainAtDeliveryAndARedirectIsNotFollowed() throws Exception {
    String db = TestDatabase.freshDatabase();
    Vertx vertx = Vertx.vertx();
    try (Receiver receiver = new Receiver()) {
      HttpServer redirecting = vertx.createHttpServer().requestHandler(request -> request.response().setStatusCode(302)
          .putHeader("Location", receiver.url("/elsewhere")).end()).listen(0, "127.0.0.1").await();
      try (HeraldNode allowing = HeraldNode.start(db, config(new JsonArray().add("127.0.0.1")))) {
        assertEquals(201, hook(allowing, "hook", receiver.url("/hook")).status);
        assertEquals(201, hook(allowing, "moved", "http://127.0.0.1:" + redirecting.actualPort() + "/moved").status);
        allowing.post("/Patient", "{\"resourceType\":\"Patient\"}");
        Await.until(() -> receiver.acknowledged("/hook").size() == 1);
        Await.until(() -> "error".equals(allowing.get("/Subscription/moved").json().getString("status")));
        JsonObject moved = allowing.get("/Subscription/moved").json();
        assertTrue(moved.getString("error").contains("302"), moved.encode());
        assertEquals(0, receiver.acknowledged("/elsewhere").size(), "the redirect was not followed");
      }
      try (HeraldNode refusing = HeraldNode.start(db, config(new JsonArray()))) {
        refusing.post("/Patient", "{\"resourceType\":\"Patient\"}");
        Await.until(() -> "error".equals(refusing.get("/Subscription/hook").json().getString("status")));
        JsonObject hook = refusing.get("/Subscription/hook").json();
        assertTrue(hook.getString("error").contains("127.0.0.1, a loopback address"), hook.encode());
        assertEquals(1, receiver.received().stream().filter(r -> r.path().equals("/hook")).count(),
            "the second Patient was never sent");
      }
    } finally {
      vertx.close().await();
    }
  }
}
