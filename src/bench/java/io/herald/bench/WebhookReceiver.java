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
 * The benchmarks' rest-hook endpoint: answers 200, counts receipts and notifications that came out
 * of eventNumber order or twice, and, while recording, notes when each versionId arrived. A criteria subscription's
 * request is read from its X-Herald-* headers; a topic-based one's notification Bundle from its status (each event
 * counts once; handshakes and heartbeats are not counted) and its full-resource entries' versionIds.
 */
final class WebhookReceiver {

  /** One receipt: the change's versionId and when it arrived (nanoTime). */
  record Receipt(long versionId, long at) {
  }

  final AtomicLong count = new AtomicLong();
  final AtomicLong outOfOrder = new AtomicLong();
  final Queue<Receipt> receipts = new ConcurrentLinkedQueue<>();
  private volatile boolean recording;
  private final Map<String, Long> lastEvent = new ConcurrentHashMap<>();
  private final HttpServer server;

  WebhookReceiver(Vertx vertx) {
    server = vertx.createHttpServer().requestHandler(req -> req.body().onComplete(b -> {
      long now = System.nanoTime();
      if (req.getHeader("X-Herald-Version-Id") == null) {
        bundle(b.result().toJsonObject(), now);
        req.response().end();
        return;
      }
      count.incrementAndGet();
      if (recording) {
        receipts.add(new Receipt(Long.parseLong(req.getHeader("X-Herald-Version-Id")), now));
      }
      long event = Long.parseLong(req.getHeader("X-Herald-Event-Number"));
      Long before = lastEvent.put(req.getHeader("X-Herald-Subscription"), event);
      if (before != null && event != before + 1) {
        outOfOrder.incrementAndGet();
      }
      req.response().end();
    })).listen(0, "127.0.0.1").await();
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
          long event = Long.parseLong(parameter.getJsonArray("part").getJsonObject(0).getString("valueString"));
          Long before = lastEvent.put(subscription, event);
          if (before != null && event != before + 1) {
            outOfOrder.incrementAndGet();
          }
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
