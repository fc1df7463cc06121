package io.herald.store;

/** Every fixed SQL statement of the store. Search SQL is composed in {@link SearchSql}. */
final class SqlQueries {

  /** Whether the database answers. */
  static final String PING = "SELECT 1";

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
  /** The content of history row {@code h}'s version before it: what a delete deleted. */
  private static final String PREVIOUS = "(SELECT p.content FROM resource_history p"
      + " WHERE p.type = h.type AND p.id = h.id AND p.version_id < h.version_id ORDER BY p.version_id DESC LIMIT 1)";

  /** A history row, and for a delete the content it deleted, for a caller held to criteria. */
  private static final String HISTORY_COLUMNS =
      "SELECT version_id, type, id, interaction, last_updated, content, CASE WHEN content IS NULL THEN " + PREVIOUS
          + " END AS deleted_content FROM resource_history h WHERE version_id <= (" + SNAPSHOT + ") AND ";

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
   * A change's content: the version its history row holds; for a delete (whose history row holds none), the version
   * before it. The look-up runs only for a delete.
   */
  private static final String CONTENT = "coalesce(h.content, " + PREVIOUS + ")";

  /**
   * The change feed after $1, at most $2 rows, each read from its history row (a change row holds only its versionId
   * and transaction). {@code settled}: the writing transaction is older than every transaction still running, so no
   * change with a smaller versionId can commit later.
   */
  static final String FEED =
      "SELECT c.version_id, h.type, h.id, h.interaction, h.last_updated AS changed_at, " + CONTENT + " AS content,"
          + " NULL::jsonb AS previous, c.tx < pg_snapshot_xmin(pg_current_snapshot()) AS settled"
          + " FROM change c JOIN resource_history h ON h.version_id = c.version_id"
          + " WHERE c.version_id > $1 ORDER BY c.version_id LIMIT $2";

  /** {@link #FEED}, each change with the version before it (NULL for a create). */
  static final String FEED_WITH_PREVIOUS =
      "SELECT c.version_id, h.type, h.id, h.interaction, h.last_updated AS changed_at, " + CONTENT + " AS content,"
          + " p.content AS previous, c.tx < pg_snapshot_xmin(pg_current_snapshot()) AS settled"
          + " FROM change c JOIN resource_history h ON h.version_id = c.version_id"
          + " LEFT JOIN LATERAL (SELECT b.content FROM resource_history b"
          + " WHERE b.type = h.type AND b.id = h.id AND b.version_id < h.version_id"
          + " ORDER BY b.version_id DESC LIMIT 1) p ON true"
          + " WHERE c.version_id > $1 ORDER BY c.version_id LIMIT $2";

  /** For each versionId of $1, the version of its resource before it (NULL for a create). */
  static final String PREVIOUS_OF =
      "SELECT h.version_id, p.content AS previous FROM resource_history h"
          + " LEFT JOIN LATERAL (SELECT b.content FROM resource_history b"
          + " WHERE b.type = h.type AND b.id = h.id AND b.version_id < h.version_id"
          + " ORDER BY b.version_id DESC LIMIT 1) p ON true"
          + " WHERE h.version_id = ANY($1::bigint[])";

  /** The last versionId written at or before $1: where a retention window ends. */
  static final String VERSION_AT = "SELECT herald_version_at($1)";

  /**
   * Changes to resources of type $1 after versionId $2 up to $3, at most $4, oldest first, read from history (kept
   * for good, unlike the feed): a live subscription's catching up.
   */
  static final String CHANGES_OF_TYPE =
      "SELECT h.version_id, h.type, h.id, h.interaction, h.last_updated AS changed_at, " + CONTENT + " AS content,"
          + " NULL::jsonb AS previous FROM resource_history h WHERE h.type = $1 AND h.version_id > $2 AND h.version_id <= $3"
          + " ORDER BY h.version_id LIMIT $4";

  /** Changes the feed has read past and no longer keeps: up to versionId $1, at most $2 of them (oldest first). */
  static final String PRUNE_FEED = "DELETE FROM change WHERE version_id IN"
      + " (SELECT version_id FROM change WHERE version_id <= $1 ORDER BY version_id LIMIT $2)";

  /** How many resources of type $1 changed after versionId $2, counting to $3 at most (history is kept). */
  static final String CHANGED_SINCE = "SELECT count(*) FROM (SELECT DISTINCT h.id FROM resource_history h"
      + " WHERE h.type = $1 AND h.version_id > $2 LIMIT $3) changed";

  /** Resources of type $1 changed after versionId $2, each as it was at $2 (content NULL when it was deleted then). */
  static final String AS_OF =
      "SELECT DISTINCT ON (h.id) h.id, CASE WHEN h.interaction = 'delete' THEN NULL ELSE h.content END AS content"
          + " FROM resource_history h WHERE h.type = $1 AND h.version_id <= $2"
          + " AND h.id IN (SELECT c.id FROM resource_history c WHERE c.type = $1 AND c.version_id > $2)"
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
