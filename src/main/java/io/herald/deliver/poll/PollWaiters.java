package io.herald.deliver.poll;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Polls that wait: each asks for a subscription's notifications after a versionId and, when there is none yet,
 * waits, holding no thread, until the matcher announces one for that subscription or its deadline passes. Waiters of
 * one subscription share one read per wake-up (a thousand pollers woken by one notification make one read, not a
 * thousand). One instance per event loop (an HTTP verticle's), confined to it.
 */
public final class PollWaiters {

  private final Vertx vertx;
  private final Function<JsonObject, Future<JsonObject>> reader;
  private final Map<String, List<Promise<Void>>> waiting = new HashMap<>();
  /** Reads under way, by subscription, then by {@code from/count}. */
  private final Map<String, Map<String, Future<JsonObject>>> reads = new HashMap<>();
  private boolean closing;

  /**
   * @param reader reads {subscription, from?, count} as {@link PollChannel#answer} answers it
   */
  public PollWaiters(Vertx vertx, Function<JsonObject, Future<JsonObject>> reader) {
    this.vertx = vertx;
    this.reader = reader;
  }

  /** The matcher committed a notification for {@code subscription}: wake its waiting polls. */
  public void notified(String subscription) {
    reads.remove(subscription);   // a read begun before this notification may miss it: the woken start a new one
    List<Promise<Void>> woken = waiting.remove(subscription);
    if (woken != null) {
      woken.forEach(Promise::tryComplete);
    }
  }

  /** Shutting down: every waiting poll is answered now with what there is. */
  public void close() {
    closing = true;
    new ArrayList<>(waiting.keySet()).forEach(this::notified);
  }

  /**
   * The notifications of {@code subscription} after {@code from} ({entries[], more}); with none yet, waits until one
   * comes or {@code deadlineMillis} passes, and answers what there is then. Without {@code from}: the latest, at once.
   *
   * @param abandoned completes when the asker went away: the wait ends, and the answer never comes
   */
  public Future<JsonObject> poll(String subscription, Long from, int count, long deadlineMillis, Future<Void> abandoned) {
    Promise<JsonObject> answer = Promise.promise();
    attempt(subscription, from, count, deadlineMillis, abandoned, answer);
    return answer.future();
  }

  private void attempt(String id, Long from, int count, long deadline, Future<Void> abandoned, Promise<JsonObject> answer) {
    Promise<Void> wake = Promise.promise();   // registered before the read: no notification slips between
    waiting.computeIfAbsent(id, k -> new ArrayList<>()).add(wake);
    read(id, from, count).onComplete(done -> forget(id, wake)).onComplete(read -> {
      if (read.failed()) {
        answer.tryFail(read.cause());
        return;
      }
      JsonObject reply = read.result();
      long left = deadline - System.currentTimeMillis();
      if (!reply.getJsonArray("entries").isEmpty() || from == null || left <= 0 || closing) {
        answer.tryComplete(reply);
        return;
      }
      waiting.computeIfAbsent(id, k -> new ArrayList<>()).add(wake);
      long timer = vertx.setTimer(left, t -> wake.tryComplete());
      abandoned.onComplete(gone -> {
        vertx.cancelTimer(timer);
        forget(id, wake);
        answer.tryFail("abandoned");
      });
      wake.future().onComplete(woken -> {
        vertx.cancelTimer(timer);
        forget(id, wake);
        if (!abandoned.isComplete()) {
          attempt(id, from, count, deadline, abandoned, answer);
        }
      });
    });
  }

  /** The notifications after {@code from}: one read shared by every poll that asks the same while it is under way. */
  private Future<JsonObject> read(String id, Long from, int count) {
    Map<String, Future<JsonObject>> ofSubscription = reads.computeIfAbsent(id, k -> new HashMap<>());
    String key = from + "/" + count;
    Future<JsonObject> read = ofSubscription.get(key);
    if (read == null) {
      Future<JsonObject> started = reader.apply(new JsonObject().put("subscription", id).put("from", from).put("count", count));
      ofSubscription.put(key, started);
      started.onComplete(done -> {
        Map<String, Future<JsonObject>> current = reads.get(id);
        if (current != null && current.remove(key, started) && current.isEmpty()) {
          reads.remove(id);
        }
      });
      read = started;
    }
    return read;
  }

  private void forget(String id, Promise<Void> wake) {
    List<Promise<Void>> list = waiting.get(id);
    if (list != null) {
      list.remove(wake);
      if (list.isEmpty()) {
        waiting.remove(id);
      }
    }
  }
}
