package io.herald.subscription;

import io.herald.Registries;
import io.herald.criteria.CriteriaParser;
import io.herald.deliver.Channels;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The subscription model: parsed once per version, checked field by field, moved through its lifecycle. */
class SubscriptionsTest {

  private final Subscriptions subscriptions = new Subscriptions(
      new CriteriaParser(Registries.load(Path.of("conf/search-parameters.json")).registry()), Channels.rules(), false);

  private static JsonObject hook(String id) {
    return new JsonObject().put("resourceType", "Subscription").put("id", id).put("status", "active")
        .put("criteria", "Patient?family=smith").put("channel", new JsonObject().put("type", "rest-hook")
            .put("endpoint", "http://example.org/hook").put("payload", "application/fhir+json")
            .put("header", new JsonArray().add("Authorization: Bearer x")));
  }

  @Test
  void aRestHookSubscriptionParsesIntoItsParts() {
    Subscription s = subscriptions.parse(hook("a"));
    assertEquals("a", s.id());
    assertEquals(0, s.versionId(), "not stored yet");
    assertTrue(s.kind() instanceof Subscription.CriteriaKind c && c.criteria().type().equals("Patient"));
    assertEquals(new Subscription.Channel("rest-hook", "http://example.org/hook",
        List.of(new Subscription.Header("Authorization", "Bearer x")), "application/fhir+json"), s.channel());
    assertFalse(s.ends());
    assertTrue(s.delivering());
  }

  private static JsonObject onTopic(String payload) {
    JsonObject s = hook("t").put("criteria", "http://example.org/SubscriptionTopic/t").put("status", "requested");
    s.getJsonObject("channel").put("payload", payload);
    return s;
  }

  @Test
  void aTopicBasedSubscriptionTakesItsStatusShapeFromItsPayloadElseFromTheConfiguration() {
    Subscriptions r4b = new Subscriptions(
        new CriteriaParser(Registries.load(Path.of("conf/search-parameters.json")).registry()), Channels.rules(), true);
    assertFalse(subscriptions.parse(onTopic("application/fhir+json")).topic().r4b());
    assertTrue(subscriptions.parse(onTopic("application/fhir+json; fhirVersion=4.3")).topic().r4b());
    assertTrue(r4b.parse(onTopic("application/fhir+json")).topic().r4b(), "subscriptions.statusShape r4b");
    assertFalse(r4b.parse(onTopic("application/json;fhirVersion=4.0")).topic().r4b(), "the payload asks for R4");
    assertRefused(onTopic("application/fhir+json; fhirVersion=5.0"), "fhirVersion 5.0");
    Subscription s = subscriptions.parse(onTopic("application/fhir+json"));
    assertEquals("empty", s.topic().content(), "the IG's default payload content");
    assertEquals("requested", Lifecycle.asWritten(s, 0).status(), "a rest-hook waits for its handshake");
    assertEquals("requested", Lifecycle.asWritten(subscriptions.parse(onTopic("application/fhir+json").put("status", "active")), 0)
        .status(), "written active, it is handshaken first too");
  }

  @Test
  void eachVersionIsParsedOnceAndAnOlderOneNeverReplacesANewer() {
    JsonObject v2 = hook("b").put("meta", new JsonObject().put("versionId", "2"));
    Subscription second = subscriptions.at("b", 2, v2);
    assertSame(second, subscriptions.at("b", 2, v2), "the same version: the model parsed before");
    Subscription first = subscriptions.at("b", 1, hook("b").put("status", "off"));
    assertEquals("off", first.status(), "an older version asked for is parsed as it was");
    assertSame(second, subscriptions.at("b", 2, v2), "and does not replace the newer one");
    Subscription written = subscriptions.parse(hook("b").put("status", "error")).stored(3, hook("b").put("status", "error"));
    subscriptions.written(written);
    assertSame(written, subscriptions.at("b", 3, written.resource()), "a version written on this node is not parsed again");
    subscriptions.deleted("b");
    assertEquals(3, subscriptions.at("b", 3, written.resource()).versionId());
  }

  @Test
  void aSubscriptionThatCannotRunIsIgnoredNotThrown() {
    assertNull(subscriptions.at("c", 1, hook("c").put("criteria", "Patient?nonsense=1")));
  }

  @Test
  void eachWrongFieldIsNamed() {
    assertRefused(hook("d").put("status", "on"), "status must be one of requested, active, off, error; not 'on'");
    assertRefused(hook("d").put("criteria", "patient"), "does not start with a resource type");
    assertRefused(hook("d").put("criteria", "Patient?family=a\nb"), "control character (U+000A) at position 16");
    assertRefused(hook("d").put("channel", new JsonObject().put("type", "email")), "channel.type must be rest-hook or poll or websocket, not 'email'");
    assertRefused(hook("d").put("channel", new JsonObject().put("type", "websocket")),
        "channel.type websocket is for topic-based subscriptions");
    assertRefused(hook("d").put("channel", new JsonObject().put("type", "rest-hook")), "channel.endpoint is required for rest-hook");
    assertRefused(hook("d").put("channel", new JsonObject().put("type", "poll").put("endpoint", "ftp://x")),
        "channel.endpoint must be an absolute http or https URL");
    JsonObject headers = hook("d");
    headers.getJsonObject("channel").put("header", new JsonArray().add("Host: evil"));
    assertRefused(headers, "channel.header 'Host' cannot be set");
    JsonObject payload = hook("d");
    payload.getJsonObject("channel").put("payload", "json");
    assertRefused(payload, "channel.payload must be a mime type");
    assertRefused(hook("d").put("end", "tomorrow"), "end must be an instant");
  }

  private void assertRefused(JsonObject resource, String message) {
    SubscriptionException e = assertThrows(SubscriptionException.class, () -> subscriptions.parse(resource));
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @Test
  void aPollChannelIsReadInEitherFormAndStoredAsR4ClientsReadIt() {
    JsonObject aidbox = hook("e").put("channel", new JsonObject().put("type", "poll"));
    Subscription parsed = subscriptions.parse(aidbox);
    assertEquals("poll", parsed.channel().type());
    JsonObject stored = Lifecycle.asWritten(parsed, 0).resource().getJsonObject("channel");
    assertEquals("rest-hook", stored.getString("type"));
    JsonObject coding = stored.getJsonObject("_type").getJsonArray("extension").getJsonObject(0).getJsonObject("valueCoding");
    assertEquals(ChannelTypes.SYSTEM, coding.getString("system"));
    assertEquals("poll", coding.getString("code"));
    assertEquals("poll", subscriptions.parse(aidbox.copy().put("channel", stored)).channel().type(), "read back as poll");
    assertEquals("poll", aidbox.getJsonObject("channel").getString("type"), "what was written is not modified");
  }

  @Test
  void itsLifecycleFromRequestedToOffAndError() {
    Subscription requested = subscriptions.parse(hook("f").put("status", "requested"));
    Subscription active = Lifecycle.asWritten(requested, 0);
    assertEquals("active", active.status());
    assertEquals("active", active.resource().getString("status"));

    Subscription ending = subscriptions.parse(hook("f").put("end", "2026-01-01T00:00:00Z"));
    long end = ending.endMillis();
    assertTrue(ending.hears(end) && !ending.hears(end + 1), "hears what changed up to its end");
    assertTrue(ending.endedAt(end + 1) && !ending.endedAt(end));
    assertEquals("off", Lifecycle.asWritten(ending, end + 1).status(), "written after its end: off");
    assertEquals("off", Lifecycle.ended(ending).getString("status"));

    JsonObject errored = Lifecycle.errored(active, "gave up");
    assertEquals("error", errored.getString("status"));
    assertEquals("gave up", errored.getString("error"));
    Subscription inError = subscriptions.parse(errored);
    assertTrue(inError.matched(), "in error, changes are still matched and numbered");
    assertFalse(inError.delivering(), "but not delivered until it is active again");
    assertEquals("active", active.resource().getString("status"), "the model's resource is never modified");
  }
}
