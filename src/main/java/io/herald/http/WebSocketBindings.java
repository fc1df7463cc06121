package io.herald.http;

import io.herald.bus.Addresses;
import io.herald.deliver.Channel;
import io.herald.deliver.TopicNotifications;
import io.herald.fhir.Instants;
import io.herald.fhir.OperationOutcomes;
import io.herald.subscription.Statuses;
import io.herald.subscription.Subscription;
import io.herald.subscription.Subscriptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.ext.web.RoutingContext;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The websocket channel's two ends on the HTTP side, as the Backport IG has them:
 * {@code GET /fhir/Subscription/{id}/$get-ws-binding-token} hands out a token for one websocket subscription, kept in
 * the cluster's shared map until it expires; a plain WebSocket at {@value #PATH} takes {@code bind-with-token <token>}
 * (each token once), answers with the subscription's handshake, then passes on its notification Bundles (heartbeats
 * included) as text frames until the socket closes. A refused binding is answered with an OperationOutcome frame.
 */
final class WebSocketBindings {

  static final String PATH = "/fhir/$websocket";
  private static final String TOKENS = "herald.websocket.tokens";
  private static final Pattern BIND = Pattern.compile("bind-with-token:?\\s+(\\S+)\\s*");

  private final Vertx vertx;
  private final StoreClient store;
  private final Subscriptions subscriptions;
  private final TopicNotifications notifications;
  private final int tokenSeconds;

  WebSocketBindings(Vertx vertx, StoreClient store, Subscriptions subscriptions, TopicNotifications notifications,
                    int tokenSeconds) {
    this.vertx = vertx;
    this.store = store;
    this.subscriptions = subscriptions;
    this.notifications = notifications;
    this.tokenSeconds = tokenSeconds;
  }

  /** {@code $get-ws-binding-token}: Parameters {token, expiration, subscription, websocket-url}. */
  void token(RoutingContext ctx) {
    StoreClient.handle(ctx, () -> {
      String id = FhirRequests.id(ctx);
      for (String name : ctx.queryParams().names()) {
        if (!name.equals("_format") && !name.equals("_pretty")) {
          throw Errors.invalid("$get-ws-binding-token does not take '" + name + "'");
        }
      }
      return status(id).compose(status -> {
        if (!"websocket".equals(status.channel())) {
          throw Errors.invalid("Subscription/" + id + " is not a websocket subscription (its channel is "
              + status.channel() + "); only those are bound with a token");
        }
        String token = UUID.randomUUID().toString();
        Instant expires = Instant.now().plusSeconds(tokenSeconds);
        JsonObject binding = new JsonObject().put("subscription", id).put("expires", expires.toEpochMilli());
        return tokens().compose(map -> map.put(token, binding, tokenSeconds * 1000L)).map(done -> {
          String url = Responses.base(ctx).replaceFirst("^http", "ws") + PATH;
          JsonObject parameters = new JsonObject().put("resourceType", "Parameters").put("parameter", new JsonArray()
              .add(new JsonObject().put("name", "token").put("valueString", token))
              .add(new JsonObject().put("name", "expiration").put("valueDateTime", Instants.format(expires.atOffset(ZoneOffset.UTC))))
              .add(new JsonObject().put("name", "subscription").put("valueString", id))
              .add(new JsonObject().put("name", "websocket-url").put("valueUrl", url)));
          Responses.json(ctx, 200, parameters);
          return done;
        });
      });
    });
  }

  /** A WebSocket upgrade at {@link #PATH}. */
  void accept(HttpServerRequest request) {
    request.toWebSocket().onSuccess(socket -> {
      Map<String, MessageConsumer<JsonObject>> bound = new HashMap<>();   // by subscription id
      socket.closeHandler(v -> bound.values().forEach(MessageConsumer::unregister));
      socket.textMessageHandler(text -> {
        Matcher m = BIND.matcher(text);
        if (!m.matches()) {
          refuse(socket, "Send bind-with-token <token>, with a token from $get-ws-binding-token");
          return;
        }
        bind(socket, m.group(1), bound);
      });
    });
  }

  /**
   * Binds the socket to the token's subscription: its Bundles are passed on from now, held back until its handshake is
   * written, which goes first. A socket bound to it already stays bound once.
   */
  private void bind(ServerWebSocket socket, String token, Map<String, MessageConsumer<JsonObject>> bound) {
    tokens().compose(map -> map.remove(token)).onComplete(taken -> {
      JsonObject binding = taken.succeeded() ? taken.result() : null;
      if (binding == null || binding.getLong("expires") < System.currentTimeMillis()) {
        refuse(socket, "The token is unknown, expired or used already; ask $get-ws-binding-token for another");
        return;
      }
      String id = binding.getString("subscription");
      store.request(Addresses.STORE_READ, new JsonObject().put("type", "Subscription").put("id", id))
          .compose(read -> status(id).compose(status -> {
            Subscription subscription = subscriptions.at(id, read.getLong("versionId"), read.getJsonObject("resource"));
            if (subscription == null || subscription.topic() == null) {
              throw Errors.invalid("Subscription/" + id + " cannot be run");
            }
            if (socket.isClosed() || bound.containsKey(id)) {
              return Future.succeededFuture();
            }
            List<String> held = new ArrayList<>();   // until the handshake is written; null after
            AtomicReference<List<String>> pending = new AtomicReference<>(held);
            MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Addresses.OUT_WEBSOCKET + id,
                message -> pass(socket, message.body().encode(), pending.get()));
            bound.put(id, consumer);
            return consumer.completion().map(v -> {
              pass(socket, notifications.bundle(subscription,
                  new Channel.Push(Channel.Push.Type.HANDSHAKE, List.of(), status.events())).encode(), null);
              pending.set(null);
              held.forEach(frame -> pass(socket, frame, null));
              if (socket.isClosed()) {
                consumer.unregister();   // closed while binding: its close handler ran before the consumer was kept
              }
              return null;
            });
          }))
          .onFailure(e -> refuse(socket, "Subscription/" + id + " cannot be bound: " + e.getMessage()));
    });
  }

  /** Writes a frame, or holds it while the handshake is not written; a socket that cannot keep up is closed. */
  private static void pass(ServerWebSocket socket, String frame, List<String> held) {
    if (held != null) {
      held.add(frame);
    } else if (socket.isClosed()) {
      return;
    } else if (socket.writeQueueFull()) {
      socket.close((short) 1008, "Not keeping up: bind again and read what was missed with $events");
    } else {
      socket.writeTextMessage(frame);
    }
  }

  private Future<Statuses.Status> status(String id) {
    return StatusHandler.one(store, id);
  }

  private Future<AsyncMap<String, JsonObject>> tokens() {
    return vertx.sharedData().getAsyncMap(TOKENS);
  }

  private static void refuse(ServerWebSocket socket, String why) {
    if (!socket.isClosed()) {
      socket.writeTextMessage(OperationOutcomes.error("invalid", why).encode());
    }
  }
}
