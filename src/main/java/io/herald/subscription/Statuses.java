package io.herald.subscription;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/**
 * Where subscriptions stand, for {@code $status}: status, how many notifications were numbered since the subscription
 * started, and why delivery gave up (if it did).
 */
public final class Statuses {

  /** One subscription's standing; {@code error} null unless delivery gave up. */
  public record Status(String id, boolean deleted, String status, long events, String error) {

    public JsonObject toJson() {
      return new JsonObject().put("id", id).put("deleted", deleted).put("status", status).put("events", events)
          .put("error", error);
    }

    public static Status fromJson(JsonObject json) {
      return new Status(json.getString("id"), json.getBoolean("deleted"), json.getString("status"),
          json.getLong("events"), json.getString("error"));
    }
  }

  private final Pool pool;

  public Statuses(Pool pool) {
    this.pool = pool;
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
      rows.forEach(row -> found.add(new Status(row.getString("id"), row.getBoolean("deleted"), row.getString("status"),
          row.getLong("events"), row.getString("error"))));
      return found;
    });
  }

  /** The bus reply's shape: {statuses: [...]}. */
  public static JsonObject toJson(List<Status> statuses) {
    return new JsonObject().put("statuses", new JsonArray(statuses.stream().map(Status::toJson).toList()));
  }
}
