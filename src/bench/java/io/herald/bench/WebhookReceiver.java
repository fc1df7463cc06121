package io.herald.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmarks' rest-hook endpoint: answers 200, counts receipts and notifications that came out
 * of eventNumber order or twice, and, while recording, notes when each versionId arrived.
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
