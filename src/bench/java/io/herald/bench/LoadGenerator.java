package io.herald.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.ConcurrentHistogram;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/** FHIR requests against one Herald node: single ones, an open loop at a fixed rate, closed loops. */
final class LoadGenerator {

  /** When a create was sent and when its response (so its commit) came back, in nanoTime. */
  record Timing(long sent, long answered) {
  }

  private final Vertx vertx;
  private final HttpClientAgent client;
  private final int port;

  LoadGenerator(Vertx vertx, int port, int connections) {
    this.vertx = vertx;
    this.port = port;
    this.client = vertx.httpClientBuilder().with(new PoolOptions().setHttp1MaxSize(connections)).build();
  }

  Future<JsonObject> request(HttpMethod method, String uri, String body) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost("localhost").setPort(port).setURI(uri)
        .putHeader("Content-Type", "application/fhir+json").setTimeout(60_000);
    return client.request(options).compose(req -> body == null ? req.send() : req.send(body))
        .compose(resp -> resp.body().map(b -> {
          if (resp.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + uri + " → " + resp.statusCode() + " " + b);
          }
          return b.toJsonObject();
        }));
  }

  JsonObject put(String type, String id, JsonObject body) {
    return request(HttpMethod.PUT, "/fhir/" + type + "/" + id, body.encode()).await();
  }

  static long version(JsonObject resource) {
    return Long.parseLong(resource.getJsonObject("meta").getString("versionId"));
  }

  /** Creates at {@code rate}/s for {@code seconds}, open loop; records each create's timing by versionId. */
  long steady(String type, String body, int rate, int seconds, Map<Long, Timing> timings) {
    return steady(HttpMethod.POST, n -> "/fhir/" + type, n -> body, rate, seconds, timings);
  }

  /**
   * Writes at {@code rate}/s for {@code seconds}, open loop, the n-th to {@code uri(n)} with {@code body(n)} (n from 0);
   * records each write's timing by versionId.
   */
  long steady(HttpMethod method, IntFunction<String> uri, IntFunction<String> body, int rate, int seconds,
              Map<Long, Timing> timings) {
    long total = (long) rate * seconds;
    AtomicLong done = new AtomicLong();
    Promise<Void> finished = Promise.promise();
    long start = System.nanoTime();
    long period = 1_000_000_000L / rate;
    AtomicLong issued = new AtomicLong();
    vertx.setPeriodic(1, id -> {
      long due = Math.min(total, (System.nanoTime() - start) / period + 1);
      while (issued.get() < due) {
        int n = (int) issued.getAndIncrement();
        long sent = System.nanoTime();
        request(method, uri.apply(n), body.apply(n)).onComplete(ar -> {
          if (ar.succeeded()) {
            timings.put(version(ar.result()), new Timing(sent, System.nanoTime()));
          }
          if (done.incrementAndGet() == total) {
            finished.tryComplete();
          }
        });
      }
      if (issued.get() >= total) {
        vertx.cancelTimer(id);
      }
    });
    finished.future().await();
    return total;
  }

  /** {@code concurrency} closed loops of creates for {@code seconds}; how many were created. */
  long closed(String type, Supplier<String> body, int concurrency, int seconds) {
    return closed(type, body, concurrency, seconds, null);
  }

  /** As above, recording each create's latency (µs) in {@code latencies} when it is not null. */
  long closed(String type, Supplier<String> body, int concurrency, int seconds, ConcurrentHistogram latencies) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    AtomicLong done = new AtomicLong();
    List<Future<Void>> loops = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      Promise<Void> finished = Promise.promise();
      loops.add(finished.future());
      vertx.runOnContext(v -> loop(type, body, end, done, finished, latencies));
    }
    Future.all(loops).await();
    return done.get();
  }

  private void loop(String type, Supplier<String> body, long end, AtomicLong done, Promise<Void> finished,
                    ConcurrentHistogram latencies) {
    if (System.nanoTime() >= end) {
      finished.tryComplete();
      return;
    }
    long sent = System.nanoTime();
    request(HttpMethod.POST, "/fhir/" + type, body.get()).onComplete(ar -> {
      if (ar.failed()) {
        finished.tryFail(ar.cause());
        return;
      }
      if (latencies != null) {
        latencies.recordValue((System.nanoTime() - sent) / 1000);
      }
      done.incrementAndGet();
      loop(type, body, end, done, finished, latencies);
    });
  }

  Future<Void> close() {
    return client.close();
  }
}
