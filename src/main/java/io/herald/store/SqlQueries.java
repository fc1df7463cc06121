package io.herald.store;

/** Every fixed SQL statement of the store. Search SQL is composed in {@link SearchSql}. */
final class SqlQueries {

  /** One whole write (see herald_write in db/V1__resources_and_change_feed.sql). */
  static final String WRITE =
      "SELECT outcome, version_id, meta, current_version FROM herald_write($1, $2, $3, $4::jsonb, $5, $6, $7::jsonb)";

  static final String READ =
      "SELECT content, version_id, last_updated, deleted FROM resource WHERE type = $1 AND id = $2";

  /** Version $1 of $2/$3, with the same columns as {@link #READ}. */
  static final String READ_VERSION = "SELECT content, version_id, last_updated, interaction = 'delete' AS deleted"
      + " FROM resource_history WHERE version_id = $1 AND type = $2 AND id = $3";

  static final String EXISTS = "SELECT 1 FROM resource WHERE type = $1 AND id = $2";

  /** The largest versionId up to which every change is committed and readable: a search's snapshot. */
  static final String SNAPSHOT = "SELECT coalesce((SELECT version_id FROM change"
      + " WHERE tx < pg_snapshot_xmin(pg_current_snapshot()) ORDER BY version_id DESC LIMIT 1), 0)";

  /**
   * History rows, newest first, up to the snapshot horizon: a version still committing later
   * with a smaller number than one already listed would otherwise be skipped by the next page.
   */
  private static final String HISTORY_COLUMNS =
      "SELECT version_id, type, id, interaction, last_updated, content FROM resource_history"
          + " WHERE version_id <= (" + SNAPSHOT + ") AND ";

  /** $1 before (exclusive), $2 since, $3 limit. */
  static final String HISTORY_SYSTEM = HISTORY_COLUMNS
      + "version_id < $1 AND last_updated >= $2 ORDER BY version_id DESC LIMIT $3";
  /** $1 type, $2 before, $3 since, $4 limit. */
  static final String HISTORY_TYPE = HISTORY_COLUMNS
      + "type = $1 AND version_id < $2 AND last_updated >= $3 ORDER BY type, version_id DESC LIMIT $4";
  /** $1 type, $2 id, $3 before, $4 since, $5 limit. */
  static final String HISTORY_INSTANCE = HISTORY_COLUMNS
      + "type = $1 AND id = $2 AND version_id < $3 AND last_updated >= $4"
      + " ORDER BY type, id, version_id DESC LIMIT $5";

  /**
   * The change feed after $1, at most $2 rows. {@code settled}: the writing transaction is older than every
   * transaction still running, so no change with a smaller versionId can commit later.
   */
  static final String FEED =
      "SELECT version_id, type, id, interaction, changed_at, content, NULL::jsonb AS previous,"
          + " tx < pg_snapshot_xmin(pg_current_snapshot()) AS settled"
          + " FROM change WHERE version_id > $1 ORDER BY version_id LIMIT $2";

  /** {@link #FEED}, each change with the version before it (NULL for a create). */
  static final String FEED_WITH_PREVIOUS =
      "SELECT c.version_id, c.type, c.id, c.interaction, c.changed_at, c.content, p.content AS previous,"
          + " c.tx < pg_snapshot_xmin(pg_current_snapshot()) AS settled"
          + " FROM change c LEFT JOIN LATERAL (SELECT h.content FROM resource_history h"
          + " WHERE h.type = c.type AND h.id = c.id AND h.version_id < c.version_id"
          + " ORDER BY h.version_id DESC LIMIT 1) p ON true"
          + " WHERE c.version_id > $1 ORDER BY c.version_id LIMIT $2";

  /** How many resources of type $1 changed after versionId $2, counting to $3 at most. */
  static final String CHANGED_SINCE = "SELECT count(*) FROM (SELECT DISTINCT c.id FROM change c"
      + " WHERE c.version_id > $2 AND c.type = $1 LIMIT $3) changed";

  /** Resources of type $1 changed after versionId $2, each as it was at $2 (content NULL when it was deleted then). */
  static final String AS_OF =
      "SELECT DISTINCT ON (h.id) h.id, CASE WHEN h.interaction = 'delete' THEN NULL ELSE h.content END AS content"
          + " FROM resource_history h WHERE h.type = $1 AND h.version_id <= $2"
          + " AND h.id IN (SELECT c.id FROM change c WHERE c.version_id > $2 AND c.type = $1)"
          + " ORDER BY h.id, h.version_id DESC";

  /** A search page's transaction: one state of the database for all its queries. */
  static final String SEARCH_TRANSACTION = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY";

  /** A bulk-load connection commits without waiting for the disk (benchmark set-up only). */
  static final String BULK_LOAD_SESSION = "SET synchronous_commit = off";

  /** Setting $1 (the search-parameter fingerprint the index was built with). */
  static final String SETTING = "SELECT value FROM herald_setting WHERE key = $1";
  static final String SAVE_SETTING =
      "INSERT INTO herald_setting VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value";

  /** Live resources after ($1 type, $2 id), in (type, id) order, at most $3: a re-indexing batch. */
  static final String REINDEX_BATCH = "SELECT type, id, version_id, content FROM resource WHERE NOT deleted"
      + " AND (type, id) > ($1, $2) ORDER BY type, id LIMIT $3";

  /** Replaces the index rows of one resource if it is still at its version (see herald_reindex in db/V2). */
  static final String REINDEX = "SELECT herald_reindex($1, $2, $3, $4::jsonb)";

  static final String NOTIFY = "NOTIFY " + ChangeFeed.CHANNEL;

  private SqlQueries() {
  }
}
