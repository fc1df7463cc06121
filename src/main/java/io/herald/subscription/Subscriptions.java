package io.herald.subscription;

import io.herald.auth.Scopes;
import io.herald.criteria.Criteria;
import io.herald.criteria.CriteriaException;
import io.herald.criteria.CriteriaParser;
import io.herald.criteria.DateRange;
import io.herald.store.PlainJson;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The node's subscriptions as models: parses a Subscription resource once, checking every field (the channel by its
 * type's own rule), and keeps the model of each subscription's latest version, so that the writer, the matcher and
 * the deliverer of one node share one parse of each version ({@link #at}). Safe from any thread.
 */
public final class Subscriptions {

  /**
   * A channel type's own rule: what it needs beyond the common fields. It sees the channel's type and endpoint;
   * headers and payload, the same for every channel, are checked after it.
   */
  @FunctionalInterface
  public interface ChannelRule {
    /** @throws SubscriptionException naming what is wrong */
    void check(Subscription.Channel channel);
  }

  public static final Set<String> STATUSES = Set.of("requested", "active", "off", "error");

  private static final Logger LOG = Logger.getLogger(Subscriptions.class.getName());
  private static final Pattern HEADER = Pattern.compile("([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \\t]*([\\t\\x20-\\x7e]*)");
  private static final Pattern MIME = Pattern.compile("[a-z]+/[a-z0-9.+-]+(;.*)?", Pattern.CASE_INSENSITIVE);
  /** Headers a channel may not set: Herald frames each request itself. */
  private static final Set<String> RESERVED_HEADERS = Set.of("host", "content-length", "transfer-encoding", "connection",
      "keep-alive", "proxy-connection", "te", "trailer", "upgrade", "expect");

  private final CriteriaParser parser;
  private final int maxCriteriaLength;
  private final boolean r4bByDefault;
  private final Map<String, ChannelRule> channels;
  private final String channelNames;
  private final Map<String, Subscription> latest = new ConcurrentHashMap<>();
  private final Map<String, Long> unrunnable = new ConcurrentHashMap<>();   // id → the version last found so

  /**
   * @param channels     every channel type Herald runs, by code, with its rule
   * @param r4bByDefault topic-based subscriptions' statuses in R4B's shape unless their payload asks for R4
   */
  public Subscriptions(CriteriaParser parser, Map<String, ChannelRule> channels, boolean r4bByDefault) {
    this(parser, channels, r4bByDefault, 2048);
  }

  /** @param maxCriteriaLength the longest criteria, or topic filter, in characters */
  public Subscriptions(CriteriaParser parser, Map<String, ChannelRule> channels, boolean r4bByDefault,
                       int maxCriteriaLength) {
    this.maxCriteriaLength = maxCriteriaLength;
    this.parser = parser;
    this.r4bByDefault = r4bByDefault;
    this.channels = Collections.unmodifiableMap(new LinkedHashMap<>(channels));
    this.channelNames = String.join(" or ", channels.keySet());
  }

  /**
   * The model of version {@code versionId} of subscription {@code id}: the one parsed before when there is one, else
   * parsed now. Null when it cannot be run (written by an older Herald, or under other rules): it is then ignored.
   */
  public Subscription at(String id, long versionId, JsonObject resource) {
    Subscription known = latest.get(id);
    if (known != null && known.versionId() == versionId) {
      return known;
    }
    try {
      Subscription parsed = parse(resource).stored(versionId, resource);
      written(parsed);
      return parsed;
    } catch (SubscriptionException e) {
      Long logged = unrunnable.put(id, versionId);
      if (logged == null || logged != versionId) {
        LOG.warning("Subscription/" + id + " (version " + versionId + ") cannot be run and is ignored: " + e.getMessage());
      }
      return null;
    }
  }

  /** Keeps the model of a version just written, for the matcher and deliverer of this node. */
  public void written(Subscription subscription) {
    latest.merge(subscription.id(), subscription, (old, now) -> old.versionId() > now.versionId() ? old : now);
  }

  /** Forgets a deleted subscription. */
  public void deleted(String id) {
    latest.remove(id);
    unrunnable.remove(id);
  }

  /**
   * Validates and parses a Subscription resource (version 0: not stored yet).
   *
   * @throws SubscriptionException naming the field that is wrong
   */
  public Subscription parse(JsonObject resource) {
    String id = resource.getValue("id") instanceof String s ? s : null;
    Object status = resource.getValue("status");
    if (!(status instanceof String st) || !STATUSES.contains(st)) {
      throw new SubscriptionException("status must be one of requested, active, off, error; not " + describe(status));
    }
    if (!(resource.getValue("channel") instanceof JsonObject channel)) {
      throw new SubscriptionException("channel is required, with a type of " + channelNames);
    }
    Object type = ChannelTypes.written(channel);
    ChannelRule rule = type instanceof String t ? channels.get(t) : null;
    if (rule == null) {
      throw new SubscriptionException("channel.type must be " + channelNames + ", not " + describe(type));
    }
    Subscription.Kind kind;
    if (TopicKinds.isTopicBased(resource)) {
      Subscription.TopicKind topical = TopicKinds.parse(resource, (String) type, r4bByDefault);
      for (String filter : topical.filters()) {
        if (filter.length() > maxCriteriaLength) {
          throw new SubscriptionException("a filter criteria is " + filter.length() + " characters; at most "
              + maxCriteriaLength + " are taken (subscriptions.maxCriteriaLength)");
        }
      }
      kind = topical;
    } else if (TopicKinds.CHANNELS.contains(type) && !type.equals("rest-hook")) {
      throw new SubscriptionException("channel.type " + type + " is for topic-based subscriptions (criteria a "
          + "SubscriptionTopic's canonical URL); a criteria subscription takes rest-hook or poll");
    } else {
      Criteria criteria = criteria(resource.getValue("criteria"));
      Criteria within = within(resource, criteria);
      if (within == null) {
        throw SubscriptionException.forbidden("criteria: its writer's scopes (" + Writer.scopes(resource) + ") do not allow"
            + " reading " + criteria.type() + " (scope system/" + criteria.type() + ".r)");
      }
      kind = new Subscription.CriteriaKind(within);
    }
    String endpoint = channel.getValue("endpoint") instanceof String e ? e : null;
    if (endpoint != null) {
      checkEndpoint(endpoint);
    }
    rule.check(new Subscription.Channel((String) type, endpoint, List.of(), null));
    List<Subscription.Header> headers = headers(channel.getValue("header"));
    Object payload = channel.getValue("payload");
    if (payload != null && !(payload instanceof String p && MIME.matcher(p).matches())) {
      throw new SubscriptionException("channel.payload must be a mime type such as application/fhir+json, not " + describe(payload));
    }
    Subscription.Channel parsed = new Subscription.Channel((String) type, endpoint, headers, (String) payload);
    long end = Long.MAX_VALUE;
    if (resource.getValue("end") != null) {
      try {
        end = DateRange.parse(String.valueOf(resource.getValue("end"))).hi() - 1;
      } catch (IllegalArgumentException e) {
        throw new SubscriptionException("end must be an instant: " + e.getMessage());
      }
    }
    return new Subscription(id, 0, st, kind, parsed, end, resource);
  }

  /**
   * {@code criteria} within what the writer of {@code subscription} may read ({@link Writer#scopes}): ANDed with its
   * scopes' restriction of the type ({@code system/Observation.rs?category=vital-signs}, {@code patient/...}); null when
   * it may not read the type at all. Unchanged for a subscription written with authentication off (no writer); one
   * whose writer had no scopes hears nothing.
   */
  public Criteria within(JsonObject subscription, Criteria criteria) {
    Scopes scopes = Writer.scopes(subscription);
    if (scopes == null) {
      return Writer.of(subscription) == null ? criteria : null;
    }
    String restriction = scopes.mayHear(criteria.type()) ? scopes.restriction(criteria.type(), 'r') : null;
    if (restriction == null || restriction.isEmpty()) {
      return restriction == null ? null : criteria;
    }
    try {
      return criteria.and(parser.parse(criteria.type() + "?" + restriction));
    } catch (CriteriaException e) {
      return null;   // a restriction that is no search of the type lets nothing through
    }
  }

  private Criteria criteria(Object written) {
    if (!(written instanceof String text) || text.isBlank()) {
      throw new SubscriptionException("criteria is required: a search expression such as Patient?name=smith");
    }
    if (text.length() > maxCriteriaLength) {
      throw new SubscriptionException("criteria is " + text.length() + " characters; at most " + maxCriteriaLength
          + " are taken (subscriptions.maxCriteriaLength)");
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
    try {
      return parser.parse(text);
    } catch (CriteriaException e) {
      throw new SubscriptionException("criteria: " + e.getMessage());
    }
  }

  private static List<Subscription.Header> headers(Object header) {
    if (header == null) {
      return List.of();
    }
    if (!(PlainJson.plain(header) instanceof List<?> list)) {
      throw new SubscriptionException("channel.header must be a list of \"Name: value\" strings");
    }
    List<Subscription.Header> headers = new ArrayList<>();
    for (Object h : list) {
      var m = h instanceof String s ? HEADER.matcher(s) : null;
      if (m == null || !m.matches()) {
        throw new SubscriptionException("channel.header entry " + describe(h) + " is not \"Name: value\"");
      }
      String name = m.group(1).toLowerCase(Locale.ROOT);
      if (RESERVED_HEADERS.contains(name) || name.startsWith("x-herald-")) {
        throw new SubscriptionException("channel.header '" + m.group(1) + "' cannot be set: Herald frames each request "
            + "itself (Host, Content-Length, Transfer-Encoding, Connection and other hop-by-hop headers, X-Herald-*)");
      }
      headers.add(new Subscription.Header(m.group(1), m.group(2).strip()));
    }
    return List.copyOf(headers);
  }

  private static void checkEndpoint(String endpoint) {
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

  static String describe(Object value) {
    return value == null ? "nothing" : "'" + value + "'";
  }
}
