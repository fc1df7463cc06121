package io.herald.subscription;

import io.herald.criteria.Criteria;
import io.vertx.core.json.JsonObject;

import java.util.List;

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

  /** What a subscription hears. Criteria today; a topic-based kind is added beside it. */
  public sealed interface Kind permits CriteriaKind {
  }

  /** A FHIR R4 criteria subscription: the changes whose resource matches {@code criteria}. */
  public record CriteriaKind(Criteria criteria) implements Kind {
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

  /** Whether changes are matched to it: it is active, or in error (delivery paused, notifications accumulate). */
  public boolean matched() {
    return status.equals("active") || status.equals("error");
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

  /** The same subscription as stored at {@code versionId}, with the resource the store wrote (and the id it gave). */
  public Subscription stored(long versionId, JsonObject resource) {
    return new Subscription(resource.getString("id"), versionId, status, kind, channel, endMillis, resource);
  }
}
