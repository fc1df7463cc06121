package io.herald.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** A webhook receiver on an ephemeral port that answers 200, 500, hangs or drops the connection, on demand. */
public final class Receiver implements AutoCloseable {

  public enum Mode { OK, FAIL, HANG, DROP }

  /** One request as received, and what was answered. */
  public record Received(String method, String path, String body, JsonObject headers, int answered) {
    public long eventNumber() {
      return Long.parseLong(headers.getString("x-herald-event-number"));
    }
  }

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final List<Received> received = new ArrayList<>();
  private final AtomicReference<Mode> mode = new AtomicReference<>(Mode.OK);
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private volatile long delayMillis;

  public Receiver() {
    server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1").await();
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.actualPort() + path;
  }

  public void mode(Mode m) {
    mode.set(m);
  }

  /** Answer each request only after this long (a slow receiver). */
  public void delay(long millis) {
    delayMillis = millis;
  }

  /** Answer 500 to the next {@code n} requests, then as the mode says. */
  public void failNext(int n) {
    failuresLeft.set(n);
  }

  public synchronized List<Received> received() {
    return new ArrayList<>(received);
  }

  /** Requests answered with a 2xx on {@code path}. */
  public synchronized List<Received> acknowledged(String path) {
    return received.stream().filter(r -> r.answered() / 100 == 2 && r.path().startsWith(path)).toList();
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      JsonObject headers = new JsonObject();
      request.headers().forEach(h -> headers.put(h.getKey().toLowerCase(), h.getValue()));
      Mode now = failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? Mode.FAIL : mode.get();
      if (request.path().startsWith("/hang")) {
        now = Mode.HANG;
      }
      int status = switch (now) {
        case OK -> 200;
        case FAIL -> 500;
        default -> 0;
      };
      synchronized (this) {
        received.add(new Received(request.method().name(), request.path(), body.toString(), headers, status));
      }
      switch (now) {
        case OK, FAIL -> {
          if (delayMillis > 0) {
            vertx.setTimer(delayMillis, t -> request.response().setStatusCode(status).end());
          } else {
            request.response().setStatusCode(status).end();
          }
        }
        case DROP -> request.connection().close();
        default -> {
        }
      }
    });
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
