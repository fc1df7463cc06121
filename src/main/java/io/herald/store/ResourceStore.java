package io.herald.store;

import io.herald.bus.Refusal;
import io.herald.bus.Failures;
import io.herald.fhir.Instants;
import io.herald.criteria.Registry;
import io.herald.criteria.SearchRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Resources in PostgreSQL: writes through {@code herald_write} (one transaction each), reads,
 * history and search. Replies are the JSON bodies of the store's bus addresses.
 */
final class ResourceStore {

  private static final OffsetDateTime EPOCH = OffsetDateTime.of(1, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

  /** How many resources may change between the pages of one search before it must start again. */
  static final int MAX_CHANGED_DURING_PAGING = 10_000;

  private final Pool pool;
  private final Registry registry;
  private final Runnable committed;

  /** @param committed called after every committed write (the change-feed wake-up) */
  ResourceStore(Pool pool, Registry registry, Runnable committed) {
    this.pool = pool;
    this.registry = registry;
    this.committed = committed;
  }

  Future<JsonObject> create(String type, JsonObject resource) {
    String id = ResourceIds.next();
    return write(type, id, "create", resource.put("id", id), null);
  }

  Future<JsonObject> update(String type, String id, JsonObject resource, Long ifMatch) {
    return write(type, id, "update", resource, ifMatch);
  }

  Future<JsonObject> delete(String type, String id, Long ifMatch) {
    return write(type, id, "delete", null, ifMatch);
  }

  private Future<JsonObject> write(String type, String id, String op, JsonObject resource, Long ifMatch) {
    Tuple args = WriteStatement.args(type, id, op, resource, ifMatch, registry);
    return pool.preparedQuery(SqlQueries.WRITE).execute(args).map(rows -> {
      Row row = rows.iterator().next();
      String outcome = row.getString("outcome");
      Long current = row.getLong("current_version");
      switch (outcome) {
        case "precondition-failed" -> throw new Refusal(Failures.PRECONDITION_FAILED,
            "If-Match expects version " + ifMatch + " of " + type + "/" + id + ", but "
                + (current == null ? "it does not exist" : "the current version is " + current));
        case "not-found" -> throw new Refusal(Failures.NOT_FOUND, type + "/" + id + " does not exist");
        case "gone" -> throw new Refusal(Failures.GONE, type + "/" + id + " is already deleted");
        default -> {
          committed.run();
          JsonObject meta = row.getJsonObject("meta");
          JsonObject reply = new JsonObject().put("interaction", outcome)
              .put("versionId", row.getLong("version_id")).put("lastUpdated", meta.getString("lastUpdated"));
          if (resource != null) {
            JsonObject m = resource.getJsonObject("meta", new JsonObject()).mergeIn(meta);
            reply.put("resource", resource.put("meta", m));
          }
          return reply;
        }
      }
    });
  }

  /** The current version of a resource, or with {@code versionId} that version of it. */
  Future<JsonObject> read(String type, String id, Long versionId) {
    boolean current = versionId == null;
    String what = current ? type + "/" + id : "Version " + versionId + " of " + type + "/" + id;
    return pool.preparedQuery(current ? SqlQueries.READ : SqlQueries.READ_VERSION)
        .execute(current ? Tuple.of(type, id) : Tuple.of(versionId, type, id)).map(rows -> {
          if (rows.size() == 0) {
            throw new Refusal(Failures.NOT_FOUND, what + " does not exist");
          }
          Row row = rows.iterator().next();
          if (row.getBoolean("deleted")) {
            throw new Refusal(Failures.GONE, current ? what + " was deleted (version " + row.getLong("version_id") + ")"
                : what + " is its deletion");
          }
          return new JsonObject().put("resource", row.getJsonObject("content"))
              .put("versionId", row.getLong("version_id")).put("lastUpdated", format(row.getOffsetDateTime("last_updated")));
        });
  }

  /**
   * History, newest first. {@code type} and {@code id} may be null (system or type history).
   * {@code before}: only versions older than this one (the paging cursor).
   */
  Future<JsonObject> history(String type, String id, HistoryQuery query) {
    OffsetDateTime from = query.since() == null ? EPOCH : query.since();
    long before = query.before();
    int count = query.count();
    Future<RowSet<Row>> rows;
    if (type == null) {
      rows = pool.preparedQuery(SqlQueries.HISTORY_SYSTEM).execute(Tuple.of(before, from, count + 1));
    } else if (id == null) {
      rows = pool.preparedQuery(SqlQueries.HISTORY_TYPE).execute(Tuple.of(type, before, from, count + 1));
    } else {
      rows = pool.preparedQuery(SqlQueries.HISTORY_INSTANCE).execute(Tuple.of(type, id, before, from, count + 1))
          .compose(found -> found.size() > 0 || before != Long.MAX_VALUE ? Future.succeededFuture(found)
              : pool.preparedQuery(SqlQueries.EXISTS).execute(Tuple.of(type, id)).map(exists -> {
                if (exists.size() == 0) {
                  throw new Refusal(Failures.NOT_FOUND, type + "/" + id + " does not exist");
                }
                return found;
              }));
    }
    return rows.map(found -> {
      JsonArray entries = new JsonArray();
      for (Row row : found) {
        if (entries.size() == count) {
          break;
        }
        entries.add(new JsonObject().put("versionId", row.getLong("version_id"))
            .put("type", row.getString("type")).put("id", row.getString("id"))
            .put("interaction", row.getString("interaction"))
            .put("lastUpdated", format(row.getOffsetDateTime("last_updated")))
            .put("resource", row.getJsonObject("content")).put("deletedContent", row.getJsonObject("deleted_content")));
      }
      return new JsonObject().put("entries", entries).put("more", found.size() > count);
    });
  }

  /**
   * A page of search results, as of a snapshot: the largest versionId every change up to which is
   * committed, taken on the first page and carried by the next links. Resources unchanged since
   * come from SQL; those changed since are judged in memory as they were at the snapshot and
   * merged in, so pages neither skip nor repeat a resource while writes go on. All queries of a
   * page run in one read-only REPEATABLE READ transaction, so they see one state of the database.
   */
  Future<JsonObject> search(SearchRequest request) {
    return pool.withTransaction(c -> c.query(SqlQueries.SEARCH_TRANSACTION).execute()
        .compose(v -> c.query(SqlQueries.SNAPSHOT).execute())
        .map(rows -> rows.iterator().next().getLong(0))
        .compose(current -> {
          if (request.snapshot() > current) {
            return Future.failedFuture(new Refusal(Failures.INVALID, "_snapshot " + request.snapshot()
                + " is not a snapshot of this server; use the links it returns"));
          }
          long s = request.snapshot() > 0 ? request.snapshot() : current;
          return changedSince(c, request, s).compose(changed -> page(c, request, s, changed));
        }));
  }

  private Future<JsonObject> page(SqlConnection c, SearchRequest request, long s, List<SortKeys.Keyed> changed) {
    long end = (long) request.offset() + request.count();
    Future<Long> total = request.total()
        ? query(c, SearchSql.count(request, s)).map(rows -> rows.iterator().next().getLong(0) + changed.size())
        : Future.succeededFuture(null);
    Future<List<SortKeys.Keyed>> page = request.summaryCount() || request.count() == 0
        ? Future.succeededFuture(List.of())
        : changed.isEmpty()
            ? query(c, SearchSql.page(request, s, request.offset(), request.count() + 1)).map(ResourceStore::keyed)
            : query(c, SearchSql.page(request, s, 0, (int) end + 1)).map(rows -> {
              List<SortKeys.Keyed> all = new ArrayList<>(keyed(rows));
              all.addAll(changed);
              all.sort(SortKeys.order(request.sort()));
              return all.subList(Math.min(request.offset(), all.size()), (int) Math.min(end + 1, all.size()));
            });
    return Future.all(total, page).map(done -> {
      JsonArray resources = new JsonArray();
      page.result().stream().limit(request.count()).forEach(k -> resources.add(k.content()));
      JsonObject reply = new JsonObject().put("resources", resources).put("snapshot", s);
      if (page.result().size() > request.count()) {
        reply.put("nextOffset", end);
      }
      if (total.result() != null) {
        reply.put("total", total.result());
      }
      return reply;
    });
  }

  /** Resources of the type changed after the snapshot, as they were at it, that match. */
  private Future<List<SortKeys.Keyed>> changedSince(SqlConnection c, SearchRequest request, long snapshot) {
    String type = request.criteria().type();
    return c.preparedQuery(SqlQueries.CHANGED_SINCE).execute(Tuple.of(type, snapshot, MAX_CHANGED_DURING_PAGING + 1))
        .compose(count -> {
          long changed = count.iterator().next().getLong(0);
          if (changed > MAX_CHANGED_DURING_PAGING) {
            return Future.failedFuture(new Refusal(Failures.GONE, "More than " + MAX_CHANGED_DURING_PAGING + " "
                + type + " resources changed since this search began; run the search again"));
          }
          return changed == 0 ? Future.succeededFuture(List.<SortKeys.Keyed>of())
              : c.preparedQuery(SqlQueries.AS_OF).execute(Tuple.of(type, snapshot)).map(rows -> asOf(request, rows));
        });
  }

  private static List<SortKeys.Keyed> asOf(SearchRequest request, RowSet<Row> rows) {
    List<SortKeys.Keyed> matching = new ArrayList<>();
    for (Row row : rows) {
      JsonObject content = row.getJsonObject("content");
      if (content == null) {
        continue;   // deleted at the snapshot
      }
      Map<String, Object> plain = PlainJson.of(content);
      if (request.criteria().matches(plain)) {
        String id = row.getString("id");
        matching.add(new SortKeys.Keyed(id, SortKeys.of(request.sort(), id, plain), content));
      }
    }
    return matching;
  }

  private static List<SortKeys.Keyed> keyed(RowSet<Row> rows) {
    List<SortKeys.Keyed> keyed = new ArrayList<>(rows.size());
    for (Row row : rows) {
      keyed.add(new SortKeys.Keyed(row.getString("id"), SortKeys.fromSql(row.getValue("k")), row.getJsonObject("content")));
    }
    return keyed;
  }

  private static Future<RowSet<Row>> query(SqlConnection c, SearchSql.Query query) {
    return c.preparedQuery(query.sql()).execute(query.args());
  }

  static String format(OffsetDateTime time) {
    return Instants.format(time);
  }
}
