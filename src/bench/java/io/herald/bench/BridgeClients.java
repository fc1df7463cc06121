package io.herald.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;

import java.util.function.Consumer;

/** Live subscribers as the bridge's clients talk to it: raw WebSocket frames on {@code /eventbus/websocket}. */
final class BridgeClients {

  private BridgeClients() {
  }

  /**
   * One client: connects, sends {@code subscribe} to {@code herald.live.subscribe}, registers on the address it is
   * handed (the future completes once it listens), hands every event body to {@code events}, and pings every 5 s as
   * the bridge's clients do (the bridge closes a socket silent for 10 s).
   */
  static Future<Void> connect(Vertx vertx, WebSocketClient client, int port, JsonObject subscribe,
                              Consumer<JsonObject> events, Runnable closed) {
    Promise<Void> listening = Promise.promise();
    client.connect(port, "localhost", "/eventbus/websocket").onComplete(connected -> {
      if (connected.failed()) {
        listening.fail(connected.cause());
        return;
      }
      WebSocket socket = connected.result();
      long pinger = vertx.setPeriodic(5000, t -> socket.writeTextMessage("{\"type\":\"ping\"}"));
      socket.closeHandler(v -> {
        closed.run();
        vertx.cancelTimer(pinger);
      });
      socket.handler(data -> {
        JsonObject frame = data.toJsonObject();
        if ("reply".equals(frame.getString("address"))) {
          String address = frame.getJsonObject("body").getString("address");
          socket.writeTextMessage(new JsonObject().put("type", "register").put("address", address).encode())
              .onComplete(v -> listening.tryComplete());
          return;
        }
        JsonObject body = frame.getJsonObject("body");
        if (body == null || !body.containsKey("versionId")) {
          if ("err".equals(frame.getString("type"))) {
            listening.tryFail(frame.encode());
          }
          return;
        }
        events.accept(body);
      });
      socket.writeTextMessage(new JsonObject().put("type", "send").put("address", "herald.live.subscribe")
          .put("replyAddress", "reply").put("body", subscribe).encode());
    });
    return listening.future();
  }
}
