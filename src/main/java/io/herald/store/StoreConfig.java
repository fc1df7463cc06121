package io.herald.store;

import io.herald.Config;
import io.herald.retention.RetentionConfig;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;

/**
 * The store's slice of the configuration.
 *
 * @param pgUri           PostgreSQL to use ({@code postgresql://user:pass@host:port/db}); null → embedded
 * @param dataDir         where the embedded PostgreSQL keeps its data
 * @param poolSize        connections in the pool
 * @param defaultPageSize page size of history and search when {@code _count} is absent
 * @param maxPageSize     the largest {@code _count} accepted
 * @param searchParameters search parameters beyond FHIR R4's (custom types); the jar's copy when absent
 * @param retention       how long the feed and the notifications are kept
 */
public record StoreConfig(String pgUri, Path dataDir, int poolSize, int defaultPageSize, int maxPageSize,
                          Path searchParameters, RetentionConfig retention) {

  public static StoreConfig from(JsonObject store) {
    String uri = store.getString("pgUri");
    if (uri != null && !uri.matches("(?i)postgres(ql)?://.+")) {
      throw new IllegalArgumentException("store.pgUri (HERALD_PG_URI) must look like postgresql://user:pass@host:port/db, not '" + uri + "'");
    }
    int max = Config.integer(store, "maxPageSize", 1, 100_000);
    return new StoreConfig(uri, Path.of(store.getString("dataDir", "data")),
        Config.integer(store, "poolSize", 1, 1000),
        Config.integer(store, "defaultPageSize", 1, max), max,
        Path.of(store.getString("searchParameters", "conf/search-parameters.json")),
        RetentionConfig.from(store.getJsonObject("retention")));
  }

  public StoreConfig withPgUri(String uri) {
    return new StoreConfig(uri, dataDir, poolSize, defaultPageSize, maxPageSize, searchParameters, retention);
  }
}
