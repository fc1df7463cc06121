package io.herald.bus;

/**
 * Every event-bus address Herald uses. Commands are {@code herald.<feature>.<verb>} (request/reply,
 * node-local), events {@code herald.<feature>.<pastTense>} (publish).
 */
public final class Addresses {

  /** http → store. Body {type, resource}. Reply {resource, versionId, interaction}. */
  public static final String STORE_CREATE = "herald.store.create";
  /** http → store. Body {type, id, resource, ifMatch?}. Reply {resource, versionId, interaction}. */
  public static final String STORE_UPDATE = "herald.store.update";
  /** http → store. Body {type, id, ifMatch?}. Reply {versionId}. */
  public static final String STORE_DELETE = "herald.store.delete";
  /** http → store. Body {type, id, versionId?}. Reply {resource, versionId, lastUpdated}. */
  public static final String STORE_READ = "herald.store.read";
  /** http → store. Body {type?, id?, params: {name: [values]}}. Reply {entries[], more}. */
  public static final String STORE_HISTORY = "herald.store.history";
  /** http → store. Body {type, params: {name: [values]}}. Reply {resources[], snapshot, total?, nextOffset?}. */
  public static final String STORE_SEARCH = "herald.store.search";

  /**
   * http → deliver (node-local). Body {}. Reply {buckets: [n]}: the delivery buckets this node holds now
   * ({@code io.herald.cluster.DeliveryShares}), for {@code /health/ready}.
   */
  public static final String DELIVER_SHARES = "herald.deliver.shares";

  /**
   * http → deliver (node-local). Body {subscription}. Reply {secret?}: the secret its webhooks are signed with, when it
   * was made now (a subscription that has one keeps it, and it is not shown again).
   */
  public static final String WEBHOOK_SECRET_MAKE = "herald.webhook.secret.make";

  /** http → deliver (node-local). Body {subscription}. Reply {secret}: a new secret, in place of the one it had. */
  public static final String WEBHOOK_SECRET_ROTATE = "herald.webhook.secret.rotate";

  /** deliver → every node's deliver (published cluster-wide). Body {subscription}: its secret changed; forget it. */
  public static final String WEBHOOK_SECRET_CHANGED = "herald.webhook.secret.changed";

  /**
   * Every HTTP verticle → every HTTP verticle of the cluster (published every 100 ms while it counts). Body {from,
   * second, counts: {client: requests}}: the requests each client made of it in that second, for the per-client rate.
   */
  public static final String LIMITS_COUNTED = "herald.limits.counted";

  /** http → store (node-local). Body {}. Reply {}: the database answered a query (for {@code /health/ready}). */
  public static final String STORE_PING = "herald.store.ping";

  /** http → auth (node-local). Body {client, secret, scope?}. Reply {access_token, token_type, expires_in, scope}. */
  public static final String AUTH_TOKEN = "herald.auth.token";
  /** http → auth (node-local). Body {}. Reply {algorithm, publicPem, issuer, revoked: [client]}: to verify tokens with. */
  public static final String AUTH_KEY = "herald.auth.key";
  /** http → auth (node-local). Body {id, scopes}. Reply {id, secret, scopes, created}: the secret this once. */
  public static final String AUTH_CLIENT_ADD = "herald.auth.client.add";
  /** http → auth (node-local). Body {}. Reply {clients: [{id, scopes, created, revoked?}]}. */
  public static final String AUTH_CLIENT_LIST = "herald.auth.client.list";
  /** http → auth (node-local). Body {id}. Reply {id, revoked}. */
  public static final String AUTH_CLIENT_REVOKE = "herald.auth.client.revoke";
  /** auth → http (node-local publish, when it changed). Body {clients: [id]}: every revoked client. */
  public static final String AUTH_REVOKED = "herald.auth.revoked";

  /**
   * http → deliver (the poll channel, on every node). Body {subscription, from?, count}. Reply {entries[{versionId,
   * eventNumber, type, id, interaction, lastUpdated, resource}], more}: notifications after versionId {@code from}
   * (none: the latest one). Fails NOT_FOUND for no such subscription, FORBIDDEN when it is not active.
   */
  public static final String DELIVER_POLL = "herald.deliver.poll";

  /**
   * http → deliver (node-local). Body {ids?: [id], statuses?: [code], limit}. Reply {statuses: [{id, deleted, status,
   * events, error?}]} ({@code io.herald.subscription.Statuses.Status}): where those
   * subscriptions stand, in id order; without ids, every one not deleted.
   */
  public static final String SUBSCRIPTION_STATUS = "herald.subscription.status";

  /**
   * match → anyone (publish, after a batch of notifications committed). Body: {@code io.herald.subscription.Announcement}
   * as JSON: {changes: [{versionId, type, id, interaction, resource}] (each matched change once, with what
   * it wrote), notifications: [{subscription, eventNumber, kind, versionId?}] in eventNumber order per subscription,
   * changedSubscriptions: [{id, versionId, resource or null when deleted}] in feed order}: for delivery.
   */
  public static final String SUBSCRIPTION_NOTIFIED = "herald.subscription.notified";

  /**
   * match → waiting channels on every node (publish, with {@link #SUBSCRIPTION_NOTIFIED}). Body {subscriptions: [id]}:
   * the subscriptions that have new notifications, without their content, for those that only wake waiters ($poll).
   */
  public static final String SUBSCRIPTION_NUMBERED = "herald.subscription.numbered";

  /**
   * bridge → live (node-local; a browser sends it through the SockJS bridge). Body {resourceType, events?, criteria?,
   * from?}, to which the bridge adds the socket's id and the address it hands out. Reply {address, subscription,
   * versionId}: the address to register on, the live subscription's id, and the versionId the live stream starts
   * after. Fails INVALID for a bad request (the message names the parameter, as search says it).
   */
  public static final String LIVE_SUBSCRIBE = "herald.live.subscribe";

  /** bridge → live. Body {subscription} (and the socket's id, added by the bridge). Reply {}. */
  public static final String LIVE_UNSUBSCRIBE = "herald.live.unsubscribe";

  /** bridge → live (node-local). Body {socket, address}: the socket registered on its address; events may flow. */
  public static final String LIVE_REGISTERED = "herald.live.registered";

  /** bridge → live (node-local). Body {socket}: the socket closed; its subscriptions end. */
  public static final String LIVE_CLOSED = "herald.live.closed";

  /** anyone → live (node-local). Body {}. Reply {subscriptions, sockets, indexed}: what this node holds. */
  public static final String LIVE_STATS = "herald.live.stats";

  /**
   * live → one socket (node-local): the prefix of the unguessable addresses live events go to, one per live
   * subscription. Body a {@code io.herald.deliver.live.LiveEvent} (its versionId, and {event: CREATE|UPDATE|DELETE,
   * versionId, resourceType, id, resource} encoded once for every socket), in versionId order; or, last, {event:
   * OVERFLOW, versionId} when the socket could not keep up (resume from that versionId). The socket gets the JSON.
   */
  public static final String OUT_LIVE = "herald.out.live.";

  /**
   * deliver → the nodes holding websockets bound to a subscription (publish): the prefix of each topic-based websocket
   * subscription's address, followed by its id. Body: a notification Bundle (handshakes are sent by the binding node
   * itself), in eventNumber order.
   */
  public static final String OUT_WEBSOCKET = "herald.out.websocket.";

  /**
   * http → deliver (node-local). Body {id, since, until, limit}. Reply {status: {id, deleted, status, events, error?,
   * resource}, notifications: [{eventNumber, versionId, type, id, interaction, lastUpdated, resource}]}: subscription
   * {@code id} as it stands, and its notifications numbered {@code since} to {@code until} (inclusive) still kept,
   * at most {@code limit}.
   */
  public static final String SUBSCRIPTION_EVENTS = "herald.subscription.events";

  private Addresses() {
  }
}
