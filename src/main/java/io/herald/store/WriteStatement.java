package io.herald.store;

import io.herald.criteria.Registry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * The one statement of a write, and its arguments: what the store runs per create, update or
 * delete, and what the create benchmark runs bare as its baseline.
 */
public final class WriteStatement {

  public static final String SQL = SqlQueries.WRITE;

  private WriteStatement() {
  }

  /**
   * Arguments for writing {@code resource} (null for a delete). Sets {@code meta.lastUpdated} on
   * it, since the index rows carry it.
   *
   * @param op create, update or delete
   */
  public static Tuple args(String type, String id, String op, JsonObject resource, Long ifMatch, Registry registry) {
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS);
    JsonArray index = null;
    if (resource != null) {
      resource.put("meta", resource.getJsonObject("meta", new JsonObject()).copy().put("lastUpdated", ResourceStore.format(now)));
      index = IndexRows.of(resource, registry);
    }
    return Tuple.of(type, id, op, resource, ifMatch).addOffsetDateTime(now).addValue(index);
  }
}
