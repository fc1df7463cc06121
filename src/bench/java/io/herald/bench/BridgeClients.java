package io.herald.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

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
    return connect(vertx, client, port, subscribe, null, events, closed);
  }

  /**
   * As above, but a change's event goes to {@code lean} as its versionId alone, read from the frame without parsing
   * the resource in it; anything else (an OVERFLOW) is parsed and goes to {@code events}. Thousands of clients
   * receiving tens of thousands of messages a second on the machine Herald runs on then take less of its CPU.
   */
  static Future<Void> connect(Vertx vertx, WebSocketClient client, int port, JsonObject subscribe, LongConsumer lean,
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
        if (lean != null) {
          long versionId = versionIdOf(data.toString(StandardCharsets.ISO_8859_1));
          if (versionId > 0) {
            lean.accept(versionId);
            return;
          }
        }
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

  /**
   * The versionId of a change's frame, {@code {"type":"rec","address":...,"body":{"event":"CREATE","versionId":n,...}}}
   * as Herald writes it; 0 for any other frame.
   */
  static long versionIdOf(String frame) {
    if (!frame.startsWith("{\"type\":\"rec\"")) {
      return 0;
    }
    int body = frame.indexOf(",\"body\":{\"event\":\"");
    if (body < 0 || frame.startsWith("OVERFLOW", body + 18)) {
      return 0;
    }
    int at = frame.indexOf("\"versionId\":", body);
    if (at < 0) {
      return 0;
    }
    long versionId = 0;
    for (int i = at + 12; i < frame.length() && Character.isDigit(frame.charAt(i)); i++) {
      versionId = versionId * 10 + (frame.charAt(i) - '0');
    }
    return versionId;
  }
}
