package io.herald.subscription;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Set;

/**
 * How a channel type is written in a Subscription resource. R4's own codes are {@code channel.type}; a type outside
 * R4's required value set ({@code poll}) is stored as the Subscriptions Backport IG carries one: {@code channel.type}
 * {@code rest-hook} (a code is required) with the IG's backport-channel-type extension naming the channel, so every
 * R4 client can read it. Herald accepts {@code "type": "poll"} as written too.
 */
public final class ChannelTypes {

  /** The Backport IG's extension on {@code channel.type} for channel types outside R4's required value set. */
  public static final String EXTENSION =
      "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-channel-type";
  /** The code system of Herald's own channel types (in that extension's valueCoding): {@code poll}. */
  public static final String SYSTEM = "http://herald.io/fhir/CodeSystem/channel-type";

  /** R4's Subscription.channel.type codes (required binding). */
  private static final Set<String> R4 = Set.of("rest-hook", "websocket", "email", "sms", "message");

  private ChannelTypes() {
  }

  /**
   * The channel type as written: the code of an {@link #EXTENSION} on {@code channel.type} (system {@link #SYSTEM},
   * or none), else {@code channel.type}.
   *
   * @throws SubscriptionException when the extension is malformed or contradicts {@code channel.type}
   */
  static Object written(JsonObject channel) {
    if (!channel.containsKey("_type")) {
      return channel.getValue("type");
    }
    if (!(channel.getValue("_type") instanceof JsonObject typeElement)
        || typeElement.containsKey("extension") && !(typeElement.getValue("extension") instanceof JsonArray)) {
      throw new SubscriptionException("channel._type must be an object whose extension is a list");
    }
    Object extended = null;
    for (Object e : typeElement.getJsonArray("extension", new JsonArray())) {
      if (e instanceof JsonObject extension && EXTENSION.equals(extension.getValue("url"))) {
        if (!(extension.getValue("valueCoding") instanceof JsonObject coding) || !(coding.getValue("code") instanceof String code)) {
          throw new SubscriptionException("the backport-channel-type extension on channel.type needs a valueCoding with a code");
        }
        if (coding.getValue("system") != null && !SYSTEM.equals(coding.getValue("system"))) {
          throw new SubscriptionException("channel type " + coding.getValue("system") + "|" + code + " is not Herald's; "
              + "the backport-channel-type extension takes " + SYSTEM + "|poll");
        }
        if (extended != null) {
          throw new SubscriptionException("channel.type has two backport-channel-type extensions; give one");
        }
        Object written = channel.getValue("type");
        if (written != null && !"rest-hook".equals(written) && !code.equals(written)) {
          throw new SubscriptionException("channel.type " + Subscriptions.describe(written) + " contradicts its "
              + "backport-channel-type extension '" + code + "'; with the extension, channel.type is rest-hook (or the "
              + "extension's code, or absent)");
        }
        extended = code;
      }
    }
    return extended == null ? channel.getValue("type") : extended;
  }

  /**
   * Writes {@code type} into {@code channel} as every R4 client can read it. A channel-type extension the client wrote
   * stays as written, with Herald's system filled in when left out.
   */
  static void store(JsonObject channel, String type) {
    if (R4.contains(type)) {
      channel.put("type", type);
      return;
    }
    channel.put("type", "rest-hook");
    JsonObject element = channel.getValue("_type") instanceof JsonObject o ? o : new JsonObject();
    JsonArray extensions = element.getValue("extension") instanceof JsonArray a ? a : new JsonArray();
    JsonObject written = extensions.stream()
        .filter(e -> e instanceof JsonObject ext && EXTENSION.equals(ext.getString("url")))
        .map(JsonObject.class::cast).findFirst().orElse(null);
    if (written == null) {
      extensions.add(new JsonObject().put("url", EXTENSION)
          .put("valueCoding", new JsonObject().put("system", SYSTEM).put("code", type)));
    } else if (written.getJsonObject("valueCoding").getString("system") == null) {
      written.getJsonObject("valueCoding").put("system", SYSTEM);
    }
    channel.put("_type", element.put("extension", extensions));
  }

  /** SQL: the channel type code of the Subscription resource in {@code column}. */
  static String sqlCode(String column) {
    return "coalesce(jsonb_path_query_first(" + column + ", '$.channel._type.extension[*] ? (@.url == \"" + EXTENSION
        + "\").valueCoding.code') #>> '{}', " + column + "->'channel'->>'type')";
  }
}
