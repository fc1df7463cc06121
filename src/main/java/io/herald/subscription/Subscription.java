package io.herald.subscription;

import io.herald.criteria.Criteria;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Set;

/**
 * A subscription as Herald runs it, parsed once from one version of its resource ({@link Subscriptions#parse}) and
 * handed around from then on: who it is, its status, what it hears ({@link Kind}) and how it is told
 * ({@link Channel}). Immutable; {@code resource} is the version it was parsed from, never modified (copy to change).
 *
 * @param versionId the version of the resource it was parsed from; 0 before the store gave it one
 * @param endMillis epoch milliseconds after which the subscription is off, or Long.MAX_VALUE
 */
public record Subscription(String id, long versionId, String status, Kind kind, Channel channel, long endMillis,
                           JsonObject resource) {

  /** What a subscription hears, and how what it hears is told. */
  public sealed interface Kind permits CriteriaKind, TopicKind {
  }

  /** A FHIR R4 criteria subscription: the changes whose resource matches {@code criteria}. */
  public record CriteriaKind(Criteria criteria) implements Kind {
  }

  /**
   * A topic-based subscription (Subscriptions Backport IG): the changes that fire the topic at {@code topic} and meet
   * its filters, told in notification Bundles.
   *
   * @param filters           as written ({@code Encounter?patient=Patient/123}); read against the topic where it is
   *                          known ({@link io.herald.topic.Filters})
   * @param content           the payload content: {@code empty}, {@code id-only} or {@code full-resource}
   * @param heartbeatSeconds  send a heartbeat after this long without a notification; 0: none
   * @param timeoutSeconds    each attempt's timeout; 0: the deliverer's default
   * @param maxCount          at most this many events in one notification
   * @param r4b               statuses in R4B's SubscriptionStatus shape (else the R4 Parameters shape)
   */
  public record TopicKind(String topic, List<String> filters, String content,
                          int heartbeatSeconds, int timeoutSeconds, int maxCount, boolean r4b) implements Kind {

    /** The payload contents, as the IG codes them. */
    public static final Set<String> CONTENTS = Set.of("empty", "id-only", "full-resource");
  }

  /**
   * How it is told: {@code channel} of the resource, checked by the channel type's own rule.
   *
   * @param type    the channel type's code ({@code rest-hook}, {@code poll}, ...), as written or from the
   *                backport-channel-type extension
   * @param payload mime type, or null (rest-hook: notify without a body)
   */
  public record Channel(String type, String endpoint, List<Header> headers, String payload) {
  }

  /** One {@code channel.header} entry, {@code Name: value}. */
  public record Header(String name, String value) {
  }

  /**
   * Whether changes are matched to it: it is active, in error (delivery paused, notifications accumulate), or
   * requested (a topic-based subscription waiting for its handshake: what happens meanwhile is told once it is active).
   */
  public boolean matched() {
    return status.equals("active") || status.equals("error") || status.equals("requested");
  }

  /** Whether a change at {@code atMillis} is matched to it: matched, and not past its end. */
  public boolean hears(long atMillis) {
    return matched() && atMillis <= endMillis;
  }

  /** Whether its {@code end} has passed at {@code nowMillis} while it is still matched: it is to be turned off. */
  public boolean endedAt(long nowMillis) {
    return matched() && nowMillis > endMillis;
  }

  /** Whether it has an {@code end}. */
  public boolean ends() {
    return endMillis != Long.MAX_VALUE;
  }

  /** Whether notifications are delivered to it now: it is active (in error, delivery waits for re-activation). */
  public boolean delivering() {
    return status.equals("active");
  }

  /** Whether it is handshaken before it is told anything: a topic-based rest-hook subscription (the Backport IG). */
  public boolean handshakes() {
    return kind instanceof TopicKind && channel.type().equals("rest-hook");
  }

  /** Whether it waits for its handshake: it {@link #handshakes} and is {@code requested}. */
  public boolean awaitsHandshake() {
    return handshakes() && status.equals("requested");
  }

  /** Its topic-based kind, or null for a criteria subscription. */
  public TopicKind topic() {
    return kind instanceof TopicKind t ? t : null;
  }

  /** The same subscription as stored at {@code versionId}, with the resource the store wrote (and the id it gave). */
  public Subscription stored(long versionId, JsonObject resource) {
    return new Subscription(resource.getString("id"), versionId, status, kind, channel, endMillis, resource);
  }
}
