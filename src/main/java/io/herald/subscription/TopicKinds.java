package io.herald.subscription;

import io.herald.fhir.Backport;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the topic-based part of a Subscription as the Backport IG writes it: {@code criteria} the topic's canonical
 * URL, filters in {@code _criteria}, heartbeat, timeout and max-count on {@code channel}, the payload content on
 * {@code channel._payload}. An extension of the IG Herald does not know, or one from another FHIR version, is refused
 * by name rather than ignored.
 */
final class TopicKinds {

  /** The channel types a topic-based subscription may use. */
  static final Set<String> CHANNELS = Set.of("rest-hook", "websocket");
  /** A payload: FHIR JSON, with mime parameters (e.g. {@code fhirVersion=4.3}). */
  private static final Pattern PAYLOAD =
      Pattern.compile("(application/fhir\\+json|application/json)\\s*(;.*)?", Pattern.CASE_INSENSITIVE);
  private static final Pattern OTHER_VERSION = Pattern.compile("https?://hl7\\.org/fhir/\\d+\\.\\d+/.*");
  private static final Pattern CANONICAL = Pattern.compile("(https?|urn):\\S+");

  private TopicKinds() {
  }

  /** Whether the resource is topic-based: it carries the backport-subscription profile, or its criteria is a URL. */
  static boolean isTopicBased(JsonObject resource) {
    if (resource.getValue("criteria") instanceof String c && CANONICAL.matcher(c).matches()) {
      return true;
    }
    return resource.getValue("meta") instanceof JsonObject meta && meta.getValue("profile") instanceof JsonArray profiles
        && profiles.contains(Backport.SUBSCRIPTION);
  }

  /**
   * @param r4bByDefault statuses in R4B's shape unless the payload says otherwise
   * @throws SubscriptionException naming the field that is wrong
   */
  static Subscription.TopicKind parse(JsonObject resource, String channelType, boolean r4bByDefault) {
    Object criteria = resource.getValue("criteria");
    if (!(criteria instanceof String topic) || !CANONICAL.matcher(topic).matches() || topic.contains("|")) {
      throw new SubscriptionException("criteria of a topic-based subscription must be its topic's canonical URL, not "
          + Subscriptions.describe(criteria));
    }
    if (!CHANNELS.contains(channelType)) {
      throw new SubscriptionException("channel.type '" + channelType + "' is not supported for topic-based "
          + "subscriptions; use rest-hook or websocket");
    }
    List<String> filters = new ArrayList<>();
    for (JsonObject extension : extensions(resource.getValue("_criteria"), "_criteria")) {
      String url = url(extension, "_criteria");
      if (!url.equals(Backport.FILTER_CRITERIA)) {
        throw new SubscriptionException("_criteria extension " + url + " is not supported" + otherVersion(url)
            + "; filters are given with " + Backport.FILTER_CRITERIA);
      }
      if (!(extension.getValue("valueString") instanceof String filter) || filter.isBlank()) {
        throw new SubscriptionException("backport-filter-criteria needs a valueString such as Encounter?patient=Patient/123");
      }
      filters.add(filter);
    }
    JsonObject channel = resource.getJsonObject("channel");
    int heartbeat = 0;
    int timeout = 0;
    int maxCount = 0;
    for (JsonObject extension : extensions(channel, "channel")) {
      String url = url(extension, "channel");
      switch (url) {
        case Backport.HEARTBEAT_PERIOD -> heartbeat = number(extension, "valueUnsignedInt", 0, 86_400, "backport-heartbeat-period");
        case Backport.TIMEOUT -> timeout = number(extension, "valueUnsignedInt", 1, 3600, "backport-timeout");
        case Backport.MAX_COUNT -> maxCount = number(extension, "valuePositiveInt", 1, 1000, "backport-max-count");
        default -> refuseForeign(url, "channel");
      }
    }
    String content = "empty";
    Object payloadElement = channel.getValue("_payload");
    for (JsonObject extension : extensions(payloadElement, "channel._payload")) {
      String url = url(extension, "channel._payload");
      if (url.equals(Backport.PAYLOAD_CONTENT)) {
        if (!(extension.getValue("valueCode") instanceof String code) || !Subscription.TopicKind.CONTENTS.contains(code)) {
          throw new SubscriptionException("backport-payload-content " + Subscriptions.describe(extension.getValue("valueCode"))
              + " is not one of empty, id-only, full-resource");
        }
        content = code;
      } else {
        refuseForeign(url, "channel._payload");
      }
    }
    for (JsonObject extension : extensions(channel.getValue("_type"), "channel._type")) {
      String url = url(extension, "channel._type");
      if (!url.equals(ChannelTypes.EXTENSION)) {
        refuseForeign(url, "channel._type");
      }
    }
    for (JsonObject extension : extensions(resource, "Subscription")) {
      refuseForeign(url(extension, "Subscription"), "Subscription");
    }
    Object payload = channel.getValue("payload");
    if (payload != null && !(payload instanceof String p && PAYLOAD.matcher(p).matches())) {
      throw new SubscriptionException("channel.payload " + Subscriptions.describe(payload) + " is not supported: "
          + "notifications are application/fhir+json (or application/json), with mime parameters such as fhirVersion=4.3");
    }
    boolean r4b = payload == null ? r4bByDefault : fhirVersion((String) payload, r4bByDefault);
    return new Subscription.TopicKind(topic, List.copyOf(filters), content, heartbeat, timeout, maxCount, r4b);
  }

  /** Whether a payload's {@code fhirVersion} mime parameter asks for R4B (4.3); without one, the default. */
  private static boolean fhirVersion(String payload, boolean r4bByDefault) {
    for (String parameter : payload.split(";")) {
      String[] pair = parameter.trim().split("=", 2);
      if (pair.length == 2 && pair[0].trim().equalsIgnoreCase("fhirVersion")) {
        String version = pair[1].trim().replace("\"", "");
        if (version.startsWith("4.3")) {
          return true;
        }
        if (version.startsWith("4.0")) {
          return false;
        }
        throw new SubscriptionException("channel.payload asks for fhirVersion " + version + "; Herald writes 4.0 (R4) "
            + "or 4.3 (R4B)");
      }
    }
    return r4bByDefault;
  }

  /** An extension Herald does not act on: one of the IG's or of another FHIR version's is refused, others are kept. */
  private static void refuseForeign(String url, String on) {
    if (url.startsWith(Backport.BASE) || OTHER_VERSION.matcher(url).matches()) {
      throw new SubscriptionException(on + " extension " + url + " is not supported" + otherVersion(url));
    }
  }

  private static String otherVersion(String url) {
    var m = Pattern.compile("https?://hl7\\.org/fhir/(\\d+\\.\\d+)/.*").matcher(url);
    return m.matches() ? " (it is FHIR " + m.group(1) + "'s; this server speaks R4 with the Backport IG)" : "";
  }

  private static int number(JsonObject extension, String field, int min, int max, String name) {
    Object value = extension.getValue(field);
    if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < min
        || ((Number) value).longValue() > max) {
      throw new SubscriptionException(name + " needs " + field + " from " + min + " to " + max + ", not "
          + Subscriptions.describe(value));
    }
    return ((Number) value).intValue();
  }

  private static List<JsonObject> extensions(Object element, String on) {
    if (element == null) {
      return List.of();
    }
    if (!(element instanceof JsonObject object) || object.containsKey("extension")
        && !(object.getValue("extension") instanceof JsonArray)) {
      throw new SubscriptionException(on + " must be an object whose extension is a list");
    }
    List<JsonObject> found = new ArrayList<>();
    for (Object e : object.getJsonArray("extension", new JsonArray())) {
      if (!(e instanceof JsonObject extension)) {
        throw new SubscriptionException(on + ".extension entries must be objects");
      }
      found.add(extension);
    }
    return found;
  }

  private static String url(JsonObject extension, String on) {
    if (!(extension.getValue("url") instanceof String url) || url.isBlank()) {
      throw new SubscriptionException(on + ".extension needs a url");
    }
    return url;
  }
}
