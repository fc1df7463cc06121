package io.herald.store;

import io.herald.Registries;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Rebuilds the search index when the search parameters changed since it was built (a parameter
 * or type added to {@code conf/search-parameters.json}), in the background, 500 resources per
 * transaction, then records the registry's fingerprint. Searches see new parameters on older
 * resources once it has passed them.
 */
final class Reindexer {

  private static final Logger LOG = Logger.getLogger(Reindexer.class.getName());
  private static final int BATCH = 500;
  private static final String KEY = "search-parameters";

  private final Pool pool;
  private final Registries.Loaded registry;

  Reindexer(Pool pool, Registries.Loaded registry) {
    this.pool = pool;
    this.registry = registry;
  }

  void runIfNeeded() {
    pool.preparedQuery(SqlQueries.SETTING).execute(Tuple.of(KEY))
        .compose(rows -> {
          String indexed = rows.size() == 0 ? null : rows.iterator().next().getString(0);
          if (registry.fingerprint().equals(indexed)) {
            return Future.succeededFuture();
          }
          LOG.info("Search parameters changed: re-indexing resources in the background");
          return batch("", "", 0).compose(count -> pool.preparedQuery(SqlQueries.SAVE_SETTING)
              .execute(Tuple.of(KEY, registry.fingerprint()))
              .map(done -> {
                LOG.info("Search index rebuilt for " + count + " resources");
                return null;
              }));
        })
        .onFailure(e -> LOG.log(Level.SEVERE, "Re-indexing failed; it runs again at the next start", e));
  }

  private Future<Integer> batch(String afterType, String afterId, int done) {
    return pool.withTransaction(c -> c.preparedQuery(SqlQueries.REINDEX_BATCH)
        .execute(Tuple.of(afterType, afterId, BATCH))
        .compose(rows -> {
          Future<RowSet<Row>> chain = Future.succeededFuture();
          for (Row row : rows) {
            JsonObject content = row.getJsonObject("content");
            Tuple args = Tuple.of(row.getString("type"), row.getString("id"), row.getLong("version_id"),
                IndexRows.of(content, registry.registry()));
            chain = chain.compose(v -> c.preparedQuery(SqlQueries.REINDEX).execute(args));
          }
          return chain.map(rows);
        }))
        .compose(rows -> {
          if (rows.size() < BATCH) {
            return Future.succeededFuture(done + rows.size());
          }
          Row last = null;
          for (Row row : rows) {
            last = row;
          }
          return batch(last.getString("type"), last.getString("id"), done + rows.size());
        });
  }
}
