package io.herald.store;

/** Every fixed SQL statement of the store. Search SQL is composed in {@link SearchSql}. */
final class SqlQueries {

  /** One whole write (see herald_write in db/V1__resources_and_change_feed.sql). */
  static final String WRITE =
      "SELECT outcome, version_id, meta, current_version FROM herald_write($1, $2, $3, $4::jsonb, $5, $6, $7::jsonb)";

  static final String READ =
      "SELECT content, version_id, last_updated, deleted FROM resource WHERE type = $1 AND id = $2";

  static final String READ_VERSION =
      "SELECT content, interaction, last_updated FROM resource_history WHERE version_id = $1 AND type = $2 AND id = $3";

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
   * The change feed after $1, at most $2 rows, each with the version before it. {@code settled}: the writing
   * transaction is older than every transaction still running, so no change with a smaller versionId can commit later.
   */
  static final String FEED =
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

  static final String NOTIFY = "NOTIFY " + ChangeFeed.CHANNEL;

  private SqlQueries() {
  }
}
