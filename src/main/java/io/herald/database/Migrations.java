package io.herald.database;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.logging.Logger;

/**
 * Creates and upgrades the schema at start-up from the numbered scripts in {@code db/}.
 *
 * <p>A small runner rather than Flyway or Liquibase: those work through JDBC, and Herald talks to
 * PostgreSQL only through the non-blocking vertx-pg-client; a second driver, a blocking connection
 * pool and their dependencies would be there for one job that fits in this class. Each script
 * runs once, in its own transaction, recorded in {@code herald_schema_version}; an advisory lock
 * lets several nodes start against one database at the same time.
 */
public final class Migrations {

  /** In order. Append only: a script that has run is never edited. */
  static final List<String> SCRIPTS = List.of(
      "V1__resources_and_change_feed.sql",
      "V2__search_index.sql",
      "V3__notifications.sql",
      "V4__delivery_state.sql",
      "V5__poll_channel_type.sql",
      "V6__long_index_values.sql",
      "V7__notification_kind.sql",
      "V8__no_statistics_on_documents.sql",
      "V9__feed_without_content.sql",
      "V10__auth.sql",
      "V11__client_patient.sql",
      "V12__webhook_secrets.sql",
      "V13__client_keys.sql");

  private static final Logger LOG = Logger.getLogger(Migrations.class.getName());
  private static final long LOCK = 4864557400L;

  private Migrations() {
  }

  public static Future<Integer> run(Pool pool) {
    return run(pool, SCRIPTS.size());
  }

  /** Migrates up to schema version {@code target} (for tests of a script against data of the version before). */
  static Future<Integer> run(Pool pool, int target) {
    return pool.withTransaction(connection -> connection
        .query("SET LOCAL client_min_messages = warning").execute()   // no NOTICE for the table that exists
        .compose(quiet -> connection.query("SELECT pg_advisory_xact_lock(" + LOCK + ")").execute())
        .compose(locked -> connection.query(
            "CREATE TABLE IF NOT EXISTS herald_schema_version ("
                + " version int PRIMARY KEY, script text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())").execute())
        .compose(created -> connection.query("SELECT coalesce(max(version), 0) FROM herald_schema_version").execute())
        .compose(rows -> applyFrom(connection, rows.iterator().next().getInteger(0), target)));
  }

  private static Future<Integer> applyFrom(SqlConnection connection, int current, int target) {
    if (current > SCRIPTS.size()) {
      return Future.failedFuture(new IllegalStateException("The database schema is at version " + current
          + ", newer than this Herald knows (" + SCRIPTS.size() + "); run a newer Herald"));
    }
    Future<Integer> chain = Future.succeededFuture(current);
    for (int i = current; i < target; i++) {
      int version = i + 1;
      String script = SCRIPTS.get(i);
      chain = chain.compose(previous -> connection.query(read(script)).execute()
          .compose(done -> connection.preparedQuery("INSERT INTO herald_schema_version (version, script) VALUES ($1, $2)")
              .execute(Tuple.of(version, script)))
          .map(done -> {
            LOG.info(() -> "Schema migrated to version " + version + " (" + script + ")");
            return version;
          }));
    }
    return chain;
  }

  private static String read(String script) {
    try (InputStream in = Migrations.class.getResourceAsStream("/db/" + script)) {
      if (in == null) {
        throw new IllegalStateException("Migration script db/" + script + " is missing");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
