package io.herald.database;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/** How Herald connects to PostgreSQL, and what it checks of a database before using it. */
public final class Database {

  private Database() {
  }

  /** Connection options for {@code uri}: prepared statements cached, requests pipelined. */
  public static PgConnectOptions connectOptions(String uri) {
    return PgConnectOptions.fromUri(uri).setCachePreparedStatements(true).setPipeliningLimit(256);
  }

  /** A pool of at most {@code size} connections to {@code options}' database, for a verticle's own use. */
  public static Pool pool(Vertx vertx, PgConnectOptions options, int size) {
    return PgBuilder.pool().with(new PoolOptions().setMaxSize(size)).connectingTo(options).using(vertx).build();
  }

  /**
   * Checks the database is UTF8 (Herald's text is UTF-8 and long values are indexed by characters), then brings
   * the schema up to date.
   */
  public static Future<Integer> prepare(Pool pool) {
    return pool.query("SHOW server_encoding").execute().compose(rows -> {
      String encoding = rows.iterator().next().getString(0);
      return "UTF8".equalsIgnoreCase(encoding) ? Migrations.run(pool)
          : Future.failedFuture(new IllegalStateException("The database's encoding is " + encoding
              + "; Herald needs a UTF8 database (CREATE DATABASE ... ENCODING 'UTF8')"));
    });
  }
}
