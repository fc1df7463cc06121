package io.herald.bridge;

import io.herald.auth.Caller;
import io.herald.auth.ClientSockets;
import io.herald.auth.Scopes;
import io.herald.bus.Addresses;
import io.herald.bus.Failures;
import io.herald.deliver.live.LiveEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * The SockJS event-bus bridge browsers use, deny by default. Inbound, a socket may only send to
 * {@link Addresses#LIVE_SUBSCRIBE} and {@link Addresses#LIVE_UNSUBSCRIBE}; each subscribe is handed an unguessable
 * address of its own ({@link Addresses#OUT_LIVE} + a random UUID), chosen here, and the socket may register on the
 * addresses it was handed and on nothing else. Publishing is refused. What a socket asks is stamped with its id, so
 * the live channel knows whose subscriptions end when it closes. A socket whose outgoing queue is full gets a last
 * {@code OVERFLOW} message with the versionId it has and is closed, so a slow browser never holds the others back.
 * One per HTTP verticle instance, confined to its event loop.
 */
public final class EventBusBridge {

  /**
   * What a socket was handed, and the last versionId it was sent on each address; with authentication on, whose tokens
   * it subscribed with and when the first of them expires (it is closed then).
   */
  private static final class Socket {
    final String id = UUID.randomUUID().toString();
    final Map<String, Long> addresses = new HashMap<>();
    final Set<String> registered = new HashSet<>();
    final Map<String, Future<Boolean>> clients = new HashMap<>();   // whose tokens it subscribed with: counted or not
    long expiresAt = Long.MAX_VALUE;
    long expiry = -1;   // the timer that closes it then
  }


  /** This node's live verticle, never another node's. */
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final Vertx vertx;
  private final int maxQueuedBytes;
  private final Function<String, Future<Caller>> tokens;
  private final ClientSockets clientSockets;
  private final int subscriptionsPerSocket;
  /** Open sockets by client, on this node (all its HTTP verticles). */
  private final Map<SockJSSocket, Socket> sockets = new HashMap<>();

  /**
   * @param maxQueuedBytes how much a socket's outgoing queue may hold before it overflows
   * @param tokens the caller of a bearer token, failing for one that is not valid; null when authentication is off
   * @param subscriptionsPerSocket how many live subscriptions one socket may hold (addresses handed to it, ended ones
   *                               included until it closes)
   * @param clientSockets how many sockets each client subscribed on, across the cluster; null when authentication is off
   */
  public EventBusBridge(Vertx vertx, int maxQueuedBytes, int subscriptionsPerSocket, Function<String, Future<Caller>> tokens,
                        ClientSockets clientSockets) {
    this.subscriptionsPerSocket = subscriptionsPerSocket;
    this.clientSockets = clientSockets;
    this.vertx = vertx;
    this.maxQueuedBytes = maxQueuedBytes;
    this.tokens = tokens;
  }

  /**
   * With authentication on: closes the sockets of clients revoked from now on (their live subscriptions end with them).
   * Call from the verticle that routes to the bridge.
   */
  public Future<Void> start() {
    if (tokens == null) {
      return Future.succeededFuture();
    }
    return vertx.eventBus().<JsonObject>localConsumer(Addresses.AUTH_REVOKED, m -> {
      Set<String> revoked = new HashSet<>();
      m.body().getJsonArray("clients").forEach(id -> revoked.add((String) id));
      sockets.forEach((raw, socket) -> {
        if (socket.clients.keySet().stream().anyMatch(revoked::contains)) {
          raw.close();
        }
      });
    }).completion();
  }

  /** The routes of the bridge, to mount at {@code /eventbus/*}. */
  public Router router() {
    SockJSBridgeOptions options = new SockJSBridgeOptions()
        .addInboundPermitted(new PermittedOptions().setAddress(Addresses.LIVE_SUBSCRIBE))
        .addInboundPermitted(new PermittedOptions().setAddress(Addresses.LIVE_UNSUBSCRIBE))
        .addOutboundPermitted(new PermittedOptions().setAddressRegex(Addresses.OUT_LIVE.replace(".", "\\.") + ".+"));
    return SockJSHandler.create(vertx).bridge(options, this::handle);
  }

  private void handle(BridgeEvent event) {
    BridgeEventType type = event.type();
    SockJSSocket raw = event.socket();
    if (type == BridgeEventType.SOCKET_CREATED) {
      sockets.put(raw, new Socket());
      raw.setWriteQueueMaxSize(maxQueuedBytes);
      event.complete(true);
      return;
    }
    Socket socket = sockets.get(raw);
    if (socket == null) {
      event.complete(type == BridgeEventType.SOCKET_CLOSED);
      return;
    }
    switch (type) {
      case SOCKET_CLOSED, SOCKET_ERROR -> {
        sockets.remove(raw);
        vertx.cancelTimer(socket.expiry);
        socket.clients.forEach((client, counted) -> counted.onSuccess(taken -> {
          if (taken) {
            clientSockets.release(client);
          }
        }));
        vertx.eventBus().send(Addresses.LIVE_CLOSED, new JsonObject().put("socket", socket.id), LOCAL);
        event.complete(true);
      }
      case SEND -> authorised(event, raw, socket).onComplete(checked -> event.complete(stamp(event, socket, checked.result())));
      case REGISTER -> {   // only on an address handed to this socket, once
        String address = event.getRawMessage().getString("address");
        event.complete(socket.addresses.containsKey(address) && socket.registered.add(address));
      }
      case REGISTERED -> {   // the consumer is in place now: events may flow
        String address = event.getRawMessage().getString("address");
        vertx.eventBus().send(Addresses.LIVE_REGISTERED, new JsonObject().put("socket", socket.id)
            .put("address", address), LOCAL);
        event.complete(true);
      }
      case UNREGISTER -> {   // a socket that stops listening on an address ends that subscription
        String address = event.getRawMessage().getString("address");
        if (socket.registered.remove(address)) {
          socket.addresses.remove(address);
          vertx.eventBus().send(Addresses.LIVE_UNSUBSCRIBE, new JsonObject().put("socket", socket.id)
              .put("address", address), LOCAL);
        }
        event.complete(true);
      }
      case RECEIVE -> event.complete(pass(event, socket, raw));
      case PUBLISH -> event.complete(false);
      default -> event.complete(true);   // ping, idle
    }
  }

  /**
   * Whether a subscribe may go on: with authentication on, its headers carry a bearer token
   * ({@code Authorization: Bearer ...}) whose scopes allow reading its resource type ({@link Scopes#mayHear}). Null when it may, else
   * {code, message} to refuse it with.
   */
  private Future<JsonObject> authorised(BridgeEvent event, SockJSSocket raw, Socket socket) {
    JsonObject message = event.getRawMessage();
    if (tokens == null || !Addresses.LIVE_SUBSCRIBE.equals(message.getString("address"))) {
      return Future.succeededFuture();
    }
    Object headers = message.getValue("headers");
    String header = headers instanceof JsonObject h && h.getValue("Authorization") instanceof String a ? a : null;
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Future.succeededFuture(refusal(Failures.UNAUTHENTICATED, "A subscribe needs a bearer token in its headers"
          + " (Authorization: Bearer <token>)"));
    }
    Object body = message.getValue("body");
    String type = body instanceof JsonObject b && b.getValue("resourceType") instanceof String t ? t : null;
    return tokens.apply(header.substring(7).trim()).compose(caller -> {
      Scopes scopes = caller.scopes();
      if (type != null && !scopes.mayHear(type)) {
        return Future.succeededFuture(refusal(Failures.FORBIDDEN, "The token's scopes (" + scopes + ") do not allow"
            + " reading " + type));
      }
      return heldBy(raw, socket, caller).map(held -> !held
          ? refusal(Failures.FORBIDDEN, "Client " + caller.client() + " has as many sockets subscribed as it may"
              + " (auth.socketsPerClient, across the cluster)")
          : type == null ? null : new JsonObject().put("scope", scopes.restriction(type, 'r')));
    }, e -> Future.succeededFuture(refusal(Failures.UNAUTHENTICATED, "The bearer token is not valid: " + e.getMessage())));
  }

  /**
   * A socket that subscribes with {@code caller}'s token lives no longer than it: it is closed when the token expires
   * (a client resubscribes with a fresh one), or when its client is revoked. False when the client has as many sockets
   * as it may already (the socket is counted once per client, at its first subscribe).
   */
  private Future<Boolean> heldBy(SockJSSocket raw, Socket socket, Caller caller) {
    if (sockets.get(raw) != socket) {
      return Future.succeededFuture(true);   // closed while its token was looked at: the subscribe goes nowhere
    }
    Future<Boolean> counted = socket.clients.get(caller.client());
    if (counted == null) {
      counted = clientSockets.take(vertx, caller.client()).onSuccess(taken -> {
        if (!taken) {
          socket.clients.remove(caller.client());   // refused: asked again at its next subscribe
        }
      });   // taken, and the socket closed meanwhile: its close released it (it waits for this answer)
      socket.clients.put(caller.client(), counted);
    }
    if (caller.expiresAt() < socket.expiresAt) {
      socket.expiresAt = caller.expiresAt();
      vertx.cancelTimer(socket.expiry);
      long delay = Math.max(1, caller.expiresAt() * 1000 - System.currentTimeMillis());
      socket.expiry = vertx.setTimer(delay, t -> raw.close());
    }
    return counted;
  }

  private static JsonObject refusal(int code, String message) {
    return new JsonObject().put("refused", new JsonObject().put("code", code).put("message", message));
  }

  /**
   * A send from the socket: stamped with its id, and for a subscribe, with the address it is handed and what the token
   * restricts it to ({@code scope}: a search query ANDed with its criteria), or with why it is refused
   * ({@code refused}: {code, message}, which the live channel answers with).
   */
  private boolean stamp(BridgeEvent event, Socket socket, JsonObject checked) {
    JsonObject message = event.getRawMessage();
    String to = message.getString("address");
    if (!Addresses.LIVE_SUBSCRIBE.equals(to) && !Addresses.LIVE_UNSUBSCRIBE.equals(to)) {
      return false;   // the permitted options refuse it too; nothing else is ever sent from a browser
    }
    JsonObject body = message.getValue("body") instanceof JsonObject b ? b.copy() : new JsonObject();
    body.put("socket", socket.id);
    body.remove("scope");   // only what the token allows: the restriction it is ANDed with ("" for none)
    body.remove("refused");
    if (checked != null) {
      body.mergeIn(checked);
    }
    if (Addresses.LIVE_SUBSCRIBE.equals(to)) {
      if (socket.addresses.size() >= subscriptionsPerSocket) {
        return false;   // refused: a socket holds at most this many live subscriptions
      }
      String address = Addresses.OUT_LIVE + UUID.randomUUID();
      socket.addresses.put(address, -1L);
      body.put("address", address);
    }
    event.setRawMessage(message.copy().put("body", body));
    return true;
  }

  /**
   * A live event on its way to the socket, written here as it was encoded once for every socket (a {@link LiveEvent}: its
   * versionId and its encoded JSON); an overflowing socket gets its last message and is closed.
   */
  private boolean pass(BridgeEvent event, Socket socket, SockJSSocket raw) {
    JsonObject message = event.getRawMessage();
    String address = message.getString("address");
    if (!socket.addresses.containsKey(address)) {
      return true;   // a reply to the socket's own request: the bridge lets only those through, and registrations we allowed
    }
    Long sent = socket.addresses.get(address);
    if (sent == null) {
      return false;   // overflowed: nothing more on it
    }
    Object body = message.getMap().get("body");   // as sent: getValue would turn a buffer into base64 text
    if (body instanceof JsonObject json && "OVERFLOW".equals(json.getString("event"))) {   // the live channel gave up
      socket.addresses.put(address, null);
      raw.write(frame(address, json.toBuffer())).onComplete(written -> raw.close());
      return false;
    }
    if (raw.writeQueueFull()) {
      socket.addresses.put(address, null);
      JsonObject overflow = new JsonObject().put("event", "OVERFLOW");
      if (sent >= 0) {   // else: nothing was sent yet, the client resumes from where the stream started
        overflow.put("versionId", sent);
      }
      raw.write(frame(address, overflow.toBuffer())).onComplete(written -> raw.close());
      return false;
    }
    if (body instanceof LiveEvent live) {
      socket.addresses.put(address, live.versionId());
      raw.write(frame(address, live.json()));
      return false;   // written: the bridge is not to write it again
    }
    return true;
  }

  /** The bridge's frame for a message on {@code address} whose body is already encoded JSON. */
  private static Buffer frame(String address, Buffer body) {
    return Buffer.buffer(body.length() + address.length() + 40).appendString("{\"type\":\"rec\",\"address\":\"")
        .appendString(address).appendString("\",\"body\":").appendBuffer(body).appendString("}");
  }
}
