package io.herald.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmarks' rest-hook endpoint: answers 200, counts receipts, notifications that came ahead of eventNumber
 * order and those that came again, and, while recording, notes when each versionId arrived. A criteria subscription's
 * request is read from its X-Herald-* headers; a topic-based one's notification Bundle from its status (each event
 * counts once; handshakes and heartbeats are not counted) and its full-resource entries' versionIds.
 */
final class WebhookReceiver {

  /** One receipt: the change's versionId and when it arrived (nanoTime). */
  record Receipt(long versionId, long at) {
  }

  final AtomicLong count = new AtomicLong();
  final AtomicLong outOfOrder = new AtomicLong();
  final AtomicLong duplicates = new AtomicLong();
  final Queue<Receipt> receipts = new ConcurrentLinkedQueue<>();
  private volatile boolean recording;
  /** How long each request takes to answer (a slow receiver), in ms. */
  volatile long delayMillis;
  private final Map<String, Long> highest = new ConcurrentHashMap<>();
  private final HttpServer server;
  private final Vertx vertx;

  WebhookReceiver(Vertx vertx) {
    this.vertx = vertx;
    server = vertx.createHttpServer().requestHandler(req -> req.body().onComplete(b -> {
      long now = System.nanoTime();
      if (delayMillis > 0) {
        vertx.setTimer(delayMillis, t -> receive(req, b.result(), now));
      } else {
        receive(req, b.result(), now);
      }
    })).listen(0, "127.0.0.1").await();
  }

  /** Counts one request; {@code now} is when it arrived, however long it took to answer. */
  private void receive(io.vertx.core.http.HttpServerRequest req, io.vertx.core.buffer.Buffer body, long now) {
    if (req.getHeader("X-Herald-Version-Id") == null) {
      bundle(body.toJsonObject(), now);
      req.response().end();
      return;
    }
    count.incrementAndGet();
    if (recording) {
      receipts.add(new Receipt(Long.parseLong(req.getHeader("X-Herald-Version-Id")), now));
    }
    long event = Long.parseLong(req.getHeader("X-Herald-Event-Number"));
    told(req.getHeader("X-Herald-Subscription"), event);
    req.response().end();
  }

  private void bundle(JsonObject bundle, long now) {
    JsonArray entries = bundle.getJsonArray("entry");
    JsonObject status = entries.getJsonObject(0).getJsonObject("resource");
    String subscription = null;
    for (Object p : status.getJsonArray("parameter")) {
      JsonObject parameter = (JsonObject) p;
      switch (parameter.getString("name")) {
        case "subscription" -> subscription = parameter.getJsonObject("valueReference").getString("reference");
        case "type" -> {
          if (!parameter.getString("valueCode").equals("event-notification")) {
            return;
          }
        }
        case "notification-event" -> {
          told(subscription, Long.parseLong(parameter.getJsonArray("part").getJsonObject(0).getString("valueString")));
          count.incrementAndGet();
        }
        default -> {
        }
      }
    }
    if (recording) {
      for (int i = 1; i < entries.size(); i++) {
        JsonObject resource = entries.getJsonObject(i).getJsonObject("resource");
        if (resource != null) {
          receipts.add(new Receipt(Long.parseLong(resource.getJsonObject("meta").getString("versionId")), now));
        }
      }
    }
  }

  /**
   * A subscription's notification {@code event} arrived: ahead of the next one expected is out of order; at or
   * below the highest so far, a duplicate (delivery is at-least-once: after a crash or a move, what was not yet
   * acknowledged comes again, in order).
   */
  private void told(String subscription, long event) {
    long[] before = {0};
    highest.compute(subscription, (k, h) -> {
      before[0] = h == null ? 0 : h;
      return Math.max(before[0], event);
    });
    if (event > before[0] + 1) {
      outOfOrder.incrementAndGet();
    } else if (event <= before[0]) {
      duplicates.incrementAndGet();
    }
  }

  /** The highest eventNumber subscription {@code id} has received (0: none). */
  long highest(String id) {
    return highest.getOrDefault(id, 0L);
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.actualPort() + path;
  }

  /** Notes each receipt's versionId and time in {@code receipts} from now on (true), or stops and forgets them (false). */
  void record(boolean on) {
    recording = on;
    receipts.clear();
  }

  /** Waits until {@code expected} receipts in all arrived (at most {@code seconds}); whether they did. */
  boolean await(long expected, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (count.get() < expected && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    return count.get() >= expected;
  }
}
