package io.herald.deliver;

import io.herald.testing.Await;
import io.herald.testing.HeraldNode;
import io.herald.testing.Receiver;
import io.herald.testing.Reply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every rest-hook request is signed with its subscription's secret, as the README tells a receiver to check it:
 * {@code X-Herald-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">}. The secret is shown once, when the
 * subscription is written, and {@code $rotate-secret} replaces it: requests after that verify with the new one only.
 */
class WebhookSignatureIT {

  private HeraldNode node;
  private Receiver receiver;

  @BeforeEach
  void start() {
    node = HeraldNode.start();
    receiver = new Receiver();
  }

  @AfterEach
  void stop() {
    node.close();
    receiver.close();
  }

  /** The README's receiver-side check, written again here from its words. */
  private static boolean verifies(String secret, Receiver.Received request) throws Exception {
    String header = request.headers().getString("x-herald-signature");
    String t = null;
    String v1 = null;
    for (String part : header.split(",")) {
      String[] kv = part.split("=", 2);
      if (kv[0].equals("t")) {
        t = kv[1];
      } else if (kv[0].equals("v1")) {
        v1 = kv[1];
      }
    }
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String expected = HexFormat.of().formatHex(mac.doFinal((t + "." + request.body()).getBytes(StandardCharsets.UTF_8)));
    return expected.equals(v1) && Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(t)) < 300;
  }

  private String hook(String id, String payload) {
    JsonObject channel = new JsonObject().put("type", "rest-hook").put("endpoint", receiver.url("/" + id));
    if (payload != null) {
      channel.put("payload", payload);
    }
    Reply made = node.put("/Subscription/" + id, new JsonObject().put("resourceType", "Subscription").put("id", id)
        .put("status", "active").put("reason", "signed").put("criteria", "Patient").put("channel", channel).encode());
    assertEquals(201, made.status, made.toString());
    return made.header("X-Herald-Signing-Secret");
  }

  @Test
  void everyWebhookIsSignedWithItsSubscriptionsSecretShownOnce() throws Exception {
    String secret = hook("full", "application/fhir+json");
    String bodiless = hook("empty", null);
    assertNotNull(secret);
    assertEquals(43, secret.length());
    assertNotEquals(secret, bodiless, "each subscription has its own");
    assertNull(node.get("/Subscription/full").header("X-Herald-Signing-Secret"), "shown once");
    Reply updated = node.put("/Subscription/full", node.get("/Subscription/full").json().put("reason", "again").encode());
    assertEquals(200, updated.status);
    assertNull(updated.header("X-Herald-Signing-Secret"), "an update keeps the secret, unshown");

    node.post("/Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Signed\"}]}");
    Await.until(() -> receiver.acknowledged("/full").size() == 1 && receiver.acknowledged("/empty").size() == 1);
    Receiver.Received full = receiver.acknowledged("/full").get(0);
    assertTrue(full.body().contains("Signed"));
    assertTrue(verifies(secret, full), full.headers().encode());
    String header = full.headers().getString("x-herald-signature");
    String t = header.substring(2, header.indexOf(','));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String v2 = HexFormat.of().formatHex(mac.doFinal((t + ".PUT." + full.path() + "." + full.body()).getBytes(StandardCharsets.UTF_8)));
    assertTrue(header.endsWith(",v2=" + v2), "v2 binds the method and the target: " + header);
    assertFalse(verifies(bodiless, full), "another subscription's secret does not verify it");
    assertTrue(verifies(bodiless, receiver.acknowledged("/empty").get(0)), "a request without a body signs \"t.\"");
    Receiver.Received tampered = new Receiver.Received(full.method(), full.path(), full.body().replace("Signed", "Forged"),
        full.headers(), full.answered());
    assertFalse(verifies(secret, tampered), "an altered body does not verify");
  }

  @Test
  void aRotatedSecretSignsWhatFollowsAndTheOldOneNoLonger() throws Exception {
    String old = hook("rotating", "application/fhir+json");
    Reply rotated = node.send(HttpRequest.newBuilder(node.uri("/Subscription/rotating/$rotate-secret"))
        .POST(HttpRequest.BodyPublishers.noBody()));
    assertEquals(200, rotated.status, rotated.toString());
    String secret = rotated.json().getJsonArray("parameter").getJsonObject(0).getString("valueString");
    assertNotEquals(old, secret);

    node.post("/Patient", "{\"resourceType\":\"Patient\"}");
    Await.until(() -> receiver.acknowledged("/rotating").size() == 1);
    assertTrue(verifies(secret, receiver.acknowledged("/rotating").get(0)));
    assertFalse(verifies(old, receiver.acknowledged("/rotating").get(0)));

    assertEquals(201, node.put("/Subscription/polled", new JsonObject().put("resourceType", "Subscription")
        .put("id", "polled").put("status", "active").put("reason", "r").put("criteria", "Patient")
        .put("channel", new JsonObject().put("type", "poll")).encode()).status);
    assertEquals(400, node.send(HttpRequest.newBuilder(node.uri("/Subscription/polled/$rotate-secret"))
        .POST(HttpRequest.BodyPublishers.noBody())).status, "only webhooks are signed");
    assertEquals(404, node.send(HttpRequest.newBuilder(node.uri("/Subscription/none/$rotate-secret"))
        .POST(HttpRequest.BodyPublishers.noBody())).status);
  }

  @Test
  void aTopicBasedHandshakeIsSignedToo() throws Exception {
    JsonObject topic = new JsonObject().put("resourceType", "SubscriptionTopic").put("id", "patients")
        .put("status", "active").put("url", "http://example.org/SubscriptionTopic/patients")
        .put("resourceTrigger", new JsonArray().add(new JsonObject().put("resource", "Patient")));
    assertEquals(201, node.put("/SubscriptionTopic/patients", topic.encode()).status);
    Reply made = node.put("/Subscription/topical", new JsonObject().put("resourceType", "Subscription").put("id", "topical")
        .put("status", "requested").put("reason", "signed").put("criteria", "http://example.org/SubscriptionTopic/patients")
        .put("meta", new JsonObject().put("profile", new JsonArray()
            .add("http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription")))
        .put("channel", new JsonObject().put("type", "rest-hook").put("endpoint", receiver.url("/topical"))
            .put("payload", "application/fhir+json")).encode());
    assertEquals(201, made.status, made.toString());
    String secret = made.header("X-Herald-Signing-Secret");
    Await.until(() -> !receiver.acknowledged("/topical").isEmpty());
    List<Receiver.Received> handshake = receiver.acknowledged("/topical");
    assertTrue(handshake.get(0).body().contains("handshake"), handshake.get(0).body());
    assertTrue(verifies(secret, handshake.get(0)));
  }
}
