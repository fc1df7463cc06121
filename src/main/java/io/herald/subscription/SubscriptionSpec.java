package io.herald.subscription;

import io.herald.criteria.Criteria;
import io.herald.criteria.CriteriaException;
import io.herald.criteria.CriteriaParser;
import io.herald.criteria.DateRange;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A FHIR R4 criteria Subscription as Herald understands it: criteria parsed by the criteria
 * engine, a status, and a rest-hook or poll channel. Pure: built from the resource as plain maps.
 *
 * @param endMillis epoch milliseconds after which the subscription is off, or Long.MAX_VALUE
 * @param headers   {@code channel.header} as [name, value] pairs
 * @param payload   {@code channel.payload} mime type, or null (rest-hook: notify without a body)
 */
public record SubscriptionSpec(String id, String status, Criteria criteria, Channel channel, String endpoint,
                               List<String[]> headers, String payload, long endMillis) {

  public enum Channel { REST_HOOK, POLL }

  /**
   * The Backport IG's extension on {@code channel.type} for channel types outside R4's required value set.
   * A poll subscription is stored as the IG's own custom-channel example is: {@code channel.type} is
   * {@code rest-hook} (a code is required) and this extension names the channel, so every R4 client can read it.
   */
  public static final String CHANNEL_TYPE_EXTENSION =
      "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-channel-type";
  /** The code system of Herald's own channel types (in that extension's valueCoding): {@code poll}. */
  public static final String CHANNEL_TYPE_SYSTEM = "http://herald.io/fhir/CodeSystem/channel-type";

  /** Headers a channel may not set: Herald frames each request itself. */
  private static final Set<String> RESERVED_HEADERS = Set.of("host", "content-length", "transfer-encoding", "connection",
      "keep-alive", "proxy-connection", "te", "trailer", "upgrade", "expect");

  public static final Set<String> STATUSES = Set.of("requested", "active", "off", "error");
  private static final Pattern HEADER = Pattern.compile("([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \\t]*([\\t\\x20-\\x7e]*)");
  private static final Pattern MIME = Pattern.compile("[a-z]+/[a-z0-9.+-]+(;.*)?", Pattern.CASE_INSENSITIVE);

  /**
   * Whether a change at {@code atMillis} is matched to it: active, or in error (delivery paused,
   * notifications accumulate), and not past its end.
   */
  public boolean hears(long atMillis) {
    return matched() && atMillis <= endMillis;
  }

  /** Whether its {@code end} has passed at {@code nowMillis} while it is still matched: it is to be turned off. */
  public boolean endedAt(long nowMillis) {
    return matched() && nowMillis > endMillis;
  }

  /** Whether changes are matched to it: it is active, or in error (delivery paused, notifications accumulate). */
  public boolean matched() {
    return status.equals("active") || status.equals("error");
  }

  /**
   * Validates and parses a Subscription resource.
   *
   * @throws SubscriptionException naming the field that is wrong
   */
  public static SubscriptionSpec parse(Map<String, Object> resource, CriteriaParser parser) {
    String id = resource.get("id") instanceof String s ? s : null;
    Object status = resource.get("status");
    if (!(status instanceof String st) || !STATUSES.contains(st)) {
      throw new SubscriptionException("status must be one of requested, active, off, error; not " + describe(status));
    }
    Object criteriaText = resource.get("criteria");
    if (!(criteriaText instanceof String text) || text.isBlank()) {
      throw new SubscriptionException("criteria is required: a search expression such as Patient?name=smith");
    }
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) < 0x20 || text.charAt(i) == 0x7f) {
        throw new SubscriptionException("criteria must be one line of text; it has a control character (U+"
            + String.format("%04X", (int) text.charAt(i)) + ") at position " + i);
      }
    }
    if (!text.matches("[A-Z][A-Za-z0-9]{0,63}(\\?.*)?")) {
      throw new SubscriptionException("criteria '" + text + "' does not start with a resource type (Type?param=value)");
    }
    Criteria criteria;
    try {
      criteria = parser.parse(text);
    } catch (CriteriaException e) {
      throw new SubscriptionException("criteria: " + e.getMessage());
    }
    if (!(resource.get("channel") instanceof Map<?, ?> channel)) {
      throw new SubscriptionException("channel is required, with a type of rest-hook or poll");
    }
    Object written = channelType(channel);
    Channel type = switch (String.valueOf(written)) {
      case "rest-hook" -> Channel.REST_HOOK;
      case "poll" -> Channel.POLL;
      default -> throw new SubscriptionException("channel.type must be rest-hook or poll, not " + describe(written));
    };
    String endpoint = channel.get("endpoint") instanceof String e ? e : null;
    if (type == Channel.REST_HOOK || endpoint != null) {
      checkEndpoint(endpoint);
    }
    List<String[]> headers = new ArrayList<>();
    Object header = channel.get("header");
    if (header != null) {
      if (!(header instanceof List<?> list)) {
        throw new SubscriptionException("channel.header must be a list of \"Name: value\" strings");
      }
      for (Object h : list) {
        var m = h instanceof String s ? HEADER.matcher(s) : null;
        if (m == null || !m.matches()) {
          throw new SubscriptionException("channel.header entry " + describe(h) + " is not \"Name: value\"");
        }
        if (RESERVED_HEADERS.contains(m.group(1).toLowerCase(Locale.ROOT)) || m.group(1).toLowerCase(Locale.ROOT).startsWith("x-herald-")) {
          throw new SubscriptionException("channel.header '" + m.group(1) + "' cannot be set: Herald frames each request "
              + "itself (Host, Content-Length, Transfer-Encoding, Connection and other hop-by-hop headers, X-Herald-*)");
        }
        headers.add(new String[] {m.group(1), m.group(2).strip()});
      }
    }
    Object payload = channel.get("payload");
    if (payload != null && !(payload instanceof String p && MIME.matcher(p).matches())) {
      throw new SubscriptionException("channel.payload must be a mime type such as application/fhir+json, not " + describe(payload));
    }
    long end = Long.MAX_VALUE;
    if (resource.get("end") != null) {
      try {
        end = DateRange.parse(String.valueOf(resource.get("end"))).hi() - 1;
      } catch (IllegalArgumentException e) {
        throw new SubscriptionException("end must be an instant: " + e.getMessage());
      }
    }
    return new SubscriptionSpec(id, (String) status, criteria, type, endpoint, List.copyOf(headers), (String) payload, end);
  }

  /**
   * The channel type as written: the code of a {@link #CHANNEL_TYPE_EXTENSION} on {@code channel.type} (system
   * {@link #CHANNEL_TYPE_SYSTEM}, or none), else {@code channel.type}.
   */
  private static Object channelType(Map<?, ?> channel) {
    if (!channel.containsKey("_type")) {
      return channel.get("type");
    }
    if (!(channel.get("_type") instanceof Map<?, ?> typeElement)
        || typeElement.containsKey("extension") && !(typeElement.get("extension") instanceof List<?>)) {
      throw new SubscriptionException("channel._type must be an object whose extension is a list");
    }
    Object extended = null;
    for (Object e : typeElement.get("extension") instanceof List<?> list ? list : List.of()) {
      if (e instanceof Map<?, ?> extension && CHANNEL_TYPE_EXTENSION.equals(extension.get("url"))) {
        if (!(extension.get("valueCoding") instanceof Map<?, ?> coding) || !(coding.get("code") instanceof String code)) {
          throw new SubscriptionException("the backport-channel-type extension on channel.type needs a valueCoding with a code");
        }
        if (coding.get("system") != null && !CHANNEL_TYPE_SYSTEM.equals(coding.get("system"))) {
          throw new SubscriptionException("channel type " + coding.get("system") + "|" + code + " is not Herald's; "
              + "the backport-channel-type extension takes " + CHANNEL_TYPE_SYSTEM + "|poll");
        }
        if (extended != null) {
          throw new SubscriptionException("channel.type has two backport-channel-type extensions; give one");
        }
        Object written = channel.get("type");
        if (written != null && !"rest-hook".equals(written) && !code.equals(written)) {
          throw new SubscriptionException("channel.type " + describe(written) + " contradicts its backport-channel-type "
              + "extension '" + code + "'; with the extension, channel.type is rest-hook (or the extension's code, or absent)");
        }
        extended = code;
      }
    }
    return extended == null ? channel.get("type") : extended;
  }

  private static void checkEndpoint(String endpoint) {
    if (endpoint == null) {
      throw new SubscriptionException("channel.endpoint is required for rest-hook: an absolute http or https URL");
    }
    try {
      URI uri = new URI(endpoint);
      if (!uri.isAbsolute() || uri.getHost() == null
          || !(uri.getScheme().equalsIgnoreCase("http") || uri.getScheme().equalsIgnoreCase("https"))) {
        throw new SubscriptionException("channel.endpoint must be an absolute http or https URL, not '" + endpoint + "'");
      }
    } catch (URISyntaxException e) {
      throw new SubscriptionException("channel.endpoint '" + endpoint + "' is not a URL: " + e.getReason());
    }
  }

  private static String describe(Object value) {
    return value == null ? "nothing" : "'" + value + "'";
  }
}
