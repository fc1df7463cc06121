package io.herald.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A browser's end of the SockJS event-bus bridge, over its raw WebSocket transport ({@code /eventbus/websocket}),
 * speaking the bridge's JSON frames as {@code @vertx/eventbus-bridge-client.js} does.
 */
public final class BridgeSocket implements AutoCloseable {

  private final WebSocketClient client;
  private final WebSocket socket;
  private final LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  private final AtomicInteger replies = new AtomicInteger();
  private final CountDownLatch closed = new CountDownLatch(1);

  public BridgeSocket(Vertx vertx, int port) {
    this(vertx, "localhost", port);
  }

  public BridgeSocket(Vertx vertx, String host, int port) {
    client = vertx.createWebSocketClient();
    socket = client.connect(port, host, "/eventbus/websocket").await();
    socket.handler(data -> frames.add(data.toJsonObject()));   // text or binary frames alike
    socket.closeHandler(v -> closed.countDown());
  }

  /** Whether the server closed the socket within {@code seconds}. */
  public boolean closedWithin(long seconds) throws InterruptedException {
    return closed.await(seconds, TimeUnit.SECONDS);
  }

  /** Sends {@code body} to {@code address} and waits for the reply frame (type rec, or err). */
  public JsonObject request(String address, JsonObject body) {
    return request(address, body, null);
  }

  /** The same, with the frame's {@code headers} (as the JS client sends its {@code Authorization}). */
  public JsonObject request(String address, JsonObject body, JsonObject headers) {
    String replyAddress = "reply-" + replies.incrementAndGet();
    JsonObject frame = new JsonObject().put("type", "send").put("address", address).put("body", body)
        .put("replyAddress", replyAddress);
    if (headers != null) {
      frame.put("headers", headers);
    }
    socket.writeTextMessage(frame.encode()).await();
    return next(f -> replyAddress.equals(f.getString("address")) || "err".equals(f.getString("type")));
  }

  /**
   * Sends {@code body} to {@code address} and returns the very next frame, whatever it is: a frame that came before
   * the reply (an event the socket should not have had) is then what the caller sees.
   */
  public JsonObject requestNothingBefore(String address, JsonObject body) {
    String replyAddress = "reply-" + replies.incrementAndGet();
    socket.writeTextMessage(new JsonObject().put("type", "send").put("address", address).put("body", body)
        .put("replyAddress", replyAddress).encode()).await();
    return nextFrame();
  }

  public void publish(String address, JsonObject body) {
    socket.writeTextMessage(new JsonObject().put("type", "publish").put("address", address).put("body", body)
        .encode()).await();
  }

  public void register(String address) {
    socket.writeTextMessage(new JsonObject().put("type", "register").put("address", address).encode()).await();
  }

  public void unregister(String address) {
    socket.writeTextMessage(new JsonObject().put("type", "unregister").put("address", address).encode()).await();
  }

  /** The next frame that passes {@code test}, others dropped; fails after 10 s. */
  public JsonObject next(java.util.function.Predicate<JsonObject> test) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    try {
      while (true) {
        JsonObject frame = frames.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (frame == null) {
          fail("no frame within 10 s");
        }
        if (test.test(frame)) {
          return frame;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The body of the next message on {@code address}. */
  public JsonObject event(String address) {
    return next(f -> address.equals(f.getString("address"))).getJsonObject("body");
  }

  /** The next frame of any kind. */
  public JsonObject nextFrame() {
    return next(f -> true);
  }

  @Override
  public void close() {
    socket.close().await();
    client.close().await();
  }
}
