package io.herald.subscription;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/**
 * Where subscriptions stand, for {@code $status} and {@code $events}: status, how many notifications were numbered
 * since the subscription started, why delivery gave up (if it did), and, for a topic-based one, its topic, shape and
 * payload content.
 */
public final class Statuses {

  /**
   * One subscription's standing; {@code error} null unless delivery gave up.
   *
   * @param topic   its topic's canonical URL; null for a criteria subscription (or one Herald cannot run)
   * @param r4b     its statuses are in R4B's shape
   * @param content its payload content ({@code empty}, {@code id-only}, {@code full-resource}); null for a criteria one
   * @param channel its channel type
   */
  public record Status(String id, boolean deleted, String status, long events, String error, String topic, boolean r4b,
                       String content, String channel) {

    public JsonObject toJson() {
      return new JsonObject().put("id", id).put("deleted", deleted).put("status", status).put("events", events)
          .put("error", error).put("topic", topic).put("r4b", r4b).put("content", content).put("channel", channel);
    }

    public static Status fromJson(JsonObject json) {
      return new Status(json.getString("id"), json.getBoolean("deleted"), json.getString("status"),
          json.getLong("events"), json.getString("error"), json.getString("topic"), json.getBoolean("r4b", false),
          json.getString("content"), json.getString("channel"));
    }
  }

  private final Pool pool;
  private final Subscriptions subscriptions;

  public Statuses(Pool pool, Subscriptions subscriptions) {
    this.pool = pool;
    this.subscriptions = subscriptions;
  }

  /**
   * The subscriptions with these ids (all when null; deleted ones included, marked) whose status is one of
   * {@code statuses} (any when null), in id order, at most {@code limit}.
   */
  public Future<List<Status>> of(List<String> ids, List<String> statuses, int limit) {
    Tuple args = Tuple.tuple()
        .addArrayOfString(ids == null ? null : ids.toArray(String[]::new))
        .addArrayOfString(statuses == null ? null : statuses.toArray(String[]::new))
        .addInteger(limit);
    return pool.preparedQuery(SubscriptionSql.STATUSES).execute(args).map(rows -> {
      List<Status> found = new ArrayList<>(rows.size());
      rows.forEach(row -> {
        String id = row.getString("id");
        JsonObject content = row.getJsonObject("content");
        Subscription model = content == null ? null : subscriptions.at(id, row.getLong("version_id"), content);
        Subscription.TopicKind kind = model == null ? null : model.topic();
        found.add(new Status(id, row.getBoolean("deleted"), row.getString("status"), row.getLong("events"),
            row.getString("error"), kind == null ? null : kind.topic(), kind != null && kind.r4b(),
            kind == null ? null : kind.content(), model == null ? null : model.channel().type()));
      });
      return found;
    });
  }

  /** The bus reply's shape: {statuses: [...]}. */
  public static JsonObject toJson(List<Status> statuses) {
    return new JsonObject().put("statuses", new JsonArray(statuses.stream().map(Status::toJson).toList()));
  }
}
