package io.herald.fhir;

/** The canonical URLs of the FHIR Subscriptions R5 Backport IG (STU 1.1) that Herald reads and writes. */
public final class Backport {

  public static final String BASE = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/";
  /** The profile a topic-based Subscription carries in {@code meta.profile}. */
  public static final String SUBSCRIPTION = BASE + "backport-subscription";
  /** The R4 notification Bundle's profile. */
  public static final String NOTIFICATION_R4 = BASE + "backport-subscription-notification-r4";
  /** The R4B notification Bundle's profile. */
  public static final String NOTIFICATION_R4B = BASE + "backport-subscription-notification";
  /** On {@code Subscription._criteria}: one filter ({@code valueString}). */
  public static final String FILTER_CRITERIA = BASE + "backport-filter-criteria";
  /** On {@code Subscription.channel}: seconds between heartbeats ({@code valueUnsignedInt}). */
  public static final String HEARTBEAT_PERIOD = BASE + "backport-heartbeat-period";
  /** On {@code Subscription.channel}: seconds an attempt may take ({@code valueUnsignedInt}). */
  public static final String TIMEOUT = BASE + "backport-timeout";
  /** On {@code Subscription.channel}: events per notification at most ({@code valuePositiveInt}). */
  public static final String MAX_COUNT = BASE + "backport-max-count";
  /** On {@code Subscription.channel._payload}: {@code empty}, {@code id-only} or {@code full-resource}. */
  public static final String PAYLOAD_CONTENT = BASE + "backport-payload-content";
  /** On {@code CapabilityStatement.rest.resource} (Subscription): one per topic the server offers. */
  public static final String TOPIC_CANONICAL = BASE + "capabilitystatement-subscriptiontopic-canonical";
  /** The server capability statement an R4 backport server instantiates. */
  public static final String SERVER_R4 =
      "http://hl7.org/fhir/uv/subscriptions-backport/CapabilityStatement/backport-subscription-server-r4";

  private Backport() {
  }
}
