package io.herald.subscription;

/** Every SQL statement over subscriptions' notifications, counters, the match cursor and acknowledgements. */
final class SubscriptionSql {

  static final String CURSOR = "SELECT version_id FROM match_cursor WHERE id = 1";

  static final String COUNTERS = "SELECT id, last_event FROM subscription_state";

  /** Every resource of type $1's latest version at or before versionId $2 (deleted ones too, content NULL then). */
  static final String AS_OF =
      "SELECT DISTINCT ON (h.id) h.id, h.version_id, h.content FROM resource_history h"
          + " WHERE h.type = $1 AND h.version_id <= $2 ORDER BY h.id, h.version_id DESC";

  /**
   * One matcher batch, in one statement (one round trip, one implicit transaction): moves the cursor from $2 to $1,
   * and only when it moved (another matcher did not move it meanwhile) inserts the notifications ($3..$9, column
   * arrays) and saves each subscription's latest eventNumber ($10 ids in id order, so rows are locked in one order,
   * $11 eventNumbers). Answers one row, {@code moved}: 1, or 0 when nothing was written.
   */
  static final String COMMIT_BATCH =
      "WITH moved AS (UPDATE match_cursor SET version_id = $1 WHERE id = 1 AND version_id = $2 RETURNING 1),"
          + " numbered AS (INSERT INTO notification (subscription_id, event_number, kind, version_id, type, id, interaction)"
          + " SELECT * FROM unnest($3::text[], $4::bigint[], $5::text[], $6::bigint[], $7::text[], $8::text[], $9::text[])"
          + " WHERE EXISTS (SELECT 1 FROM moved)),"
          + " counted AS (INSERT INTO subscription_state (id, last_event) SELECT * FROM unnest($10::text[], $11::bigint[])"
          + " WHERE EXISTS (SELECT 1 FROM moved) ON CONFLICT (id) DO UPDATE SET last_event = EXCLUDED.last_event)"
          + " SELECT count(*) AS moved FROM moved";

  /**
   * The notifications query: subscription $1's notifications after eventNumber $2 (and, for those of a change, after
   * versionId $3), in order, at most $4, each with its change's time and the resource the change wrote (from its
   * history row; for a delete, the version before it).
   */
  static final String NOTIFICATIONS = notifications(
      "n.event_number > $2 AND (n.version_id IS NULL OR n.version_id > $3) ORDER BY n.event_number LIMIT $4");

  /** Subscription $1's notifications numbered $2 to $3 (inclusive), in order, at most $4, as {@link #NOTIFICATIONS}. */
  static final String NOTIFICATIONS_BETWEEN =
      notifications("n.event_number BETWEEN $2 AND $3 ORDER BY n.event_number LIMIT $4");

  private static String notifications(String where) {
    return "SELECT n.event_number, n.kind, n.version_id, n.type, n.id, n.interaction, h.last_updated AS changed_at,"
        + " coalesce(h.content, (SELECT p.content FROM resource_history p WHERE p.type = h.type AND p.id = h.id"
        + " AND p.version_id < h.version_id ORDER BY p.version_id DESC LIMIT 1)) AS content"
        + " FROM notification n LEFT JOIN resource_history h ON h.version_id = n.version_id"
        + " WHERE n.subscription_id = $1 AND " + where;
  }

  /**
   * Where subscription $1 stands for a poller: whether it exists, its status, its latest eventNumber, and the
   * eventNumber of its last notification at or before versionId $2 (eventNumbers and versionIds grow together).
   */
  static final String POLL_POSITION =
      "SELECT r.deleted, r.content ->> 'status' AS status, coalesce(s.last_event, 0) AS last_event,"
          + " coalesce(p.version_id, 0) AS pruned_version, coalesce(p.event_number, 0) AS pruned_event,"
          + " coalesce((SELECT n.event_number FROM notification n WHERE n.subscription_id = $1 AND n.version_id <= $2"
          + " ORDER BY n.version_id DESC LIMIT 1), 0) AS from_event"
          + " FROM resource r LEFT JOIN subscription_state s ON s.id = r.id LEFT JOIN notification_pruned p ON p.id = r.id"
          + " WHERE r.type = 'Subscription' AND r.id = $1";

  /**
   * A poll in one statement, so on one snapshot: {@link #POLL_POSITION}'s columns for subscription $1 and versionId $2,
   * on each of its notifications after that position and the pruned ones (as {@link #NOTIFICATIONS}, versionId after
   * $2, at most $3); a single row with no {@code event_number} when there is none; no row when there is no such
   * subscription.
   */
  static final String POLL = "SELECT pos.*, x.* FROM (" + POLL_POSITION + ") pos LEFT JOIN LATERAL ("
      + notifications("n.event_number > greatest(pos.from_event, pos.pruned_event)"
      + " AND (n.version_id IS NULL OR n.version_id > $2) ORDER BY n.event_number LIMIT $3")
      + ") x ON true ORDER BY x.event_number";

  /**
   * Where subscriptions stand: those with ids $1 (all when null; deleted ones only when named) whose status is one
   * of $2 (any when null), in id order, at most $3.
   */
  static final String STATUSES =
      "SELECT r.id, r.deleted, r.content ->> 'status' AS status, r.content ->> 'error' AS error,"
          + " CASE WHEN r.deleted THEN NULL ELSE r.content END AS content, r.version_id,"
          + " coalesce(s.last_event, 0) AS events FROM resource r LEFT JOIN subscription_state s ON s.id = r.id"
          + " WHERE r.type = 'Subscription' AND ($1::text[] IS NULL AND NOT r.deleted OR r.id = ANY($1::text[]))"
          + " AND ($2::text[] IS NULL OR r.content ->> 'status' = ANY($2::text[])) ORDER BY r.id LIMIT $3";

  /**
   * Where subscription $1 stands for its deliverer: its resource as it is now and the last eventNumber acknowledged,
   * or pruned: notifications pruned while it did not acknowledge (a poll subscription turned rest-hook, a deleted one
   * written again) are not waited for.
   */
  static final String DELIVERY_POSITION =
      "SELECT greatest(coalesce(d.acked_event, 0), coalesce(p.event_number, 0)) AS acked_event, r.content,"
          + " r.version_id, r.deleted FROM resource r LEFT JOIN delivery_state d ON d.id = r.id"
          + " LEFT JOIN notification_pruned p ON p.id = r.id WHERE r.type = 'Subscription' AND r.id = $1";

  /**
   * Topic-based subscriptions a deliverer is to look at without notifications: those waiting for their handshake
   * (requested), and active ones with a heartbeat period ($1: the heartbeat extension's URL). A superset (criteria
   * that are URLs, any channel): the worker decides by the subscription's model.
   */
  static final String WATCHED =
      "SELECT r.id FROM resource r WHERE r.type = 'Subscription' AND NOT r.deleted"
          + " AND r.content ->> 'criteria' ~ '^(https?|urn):' AND (r.content ->> 'status' = 'requested'"
          + " OR r.content ->> 'status' = 'active' AND jsonb_path_exists(r.content,"
          + " '$.channel.extension[*] ? (@.url == $u && @.valueUnsignedInt > 0)',"
          + " jsonb_build_object('u', $1::text)))";

  /**
   * Active subscriptions of the channel types $1 with notifications not acknowledged: those a deliverer is behind on.
   */
  static final String BEHIND =
      "SELECT s.id, s.last_event FROM subscription_state s"
          + " JOIN resource r ON r.type = 'Subscription' AND r.id = s.id AND NOT r.deleted"
          + " AND r.content->>'status' = 'active' AND " + ChannelTypes.sqlCode("r.content")
          + " = ANY($1::text[])"
          + " LEFT JOIN delivery_state d ON d.id = s.id LEFT JOIN notification_pruned p ON p.id = s.id"
          + " WHERE s.last_event > greatest(coalesce(d.acked_event, 0), coalesce(p.event_number, 0))";

  /**
   * The subscriptions with notifications to prune, each with how far it is pruned and how far it may be: up to the
   * last notification of a change at or before versionId $1 (the window's end), and, for channel types $2 (those
   * that acknowledge), no further than acknowledged. A deleted subscription, or one of another channel type, keeps
   * its notifications for the window only.
   */
  static final String PRUNABLE =
      "SELECT id, pruned, through FROM (SELECT s.id, coalesce(p.event_number, 0) AS pruned, least("
          + " CASE WHEN r.id IS NULL OR r.deleted OR NOT " + ChannelTypes.sqlCode("r.content") + " = ANY($2::text[])"
          + " THEN s.last_event ELSE coalesce(d.acked_event, 0) END,"
          + " coalesce((SELECT n.event_number FROM notification n WHERE n.subscription_id = s.id AND n.version_id <= $1"
          + " ORDER BY n.version_id DESC LIMIT 1), 0)) AS through"
          + " FROM subscription_state s LEFT JOIN resource r ON r.type = 'Subscription' AND r.id = s.id"
          + " LEFT JOIN delivery_state d ON d.id = s.id LEFT JOIN notification_pruned p ON p.id = s.id) t"
          + " WHERE through > pruned";

  /**
   * Prunes, for each subscription $1[i], its notifications after eventNumber $2[i] up to $3[i], and records how far
   * each is pruned (the eventNumber, and the versionId of the last notification pruned), in one statement.
   */
  static final String PRUNE =
      "WITH r AS (SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS r(id, after, up_to)),"
          + " gone AS (DELETE FROM notification n USING r WHERE n.subscription_id = r.id AND n.event_number > r.after"
          + " AND n.event_number <= r.up_to RETURNING n.subscription_id, n.version_id)"
          + " INSERT INTO notification_pruned AS p (id, event_number, version_id)"
          + " SELECT r.id, r.up_to, coalesce(g.version_id, 0) FROM r LEFT JOIN"
          + " (SELECT subscription_id, max(version_id) AS version_id FROM gone GROUP BY subscription_id) g"
          + " ON g.subscription_id = r.id"
          + " ON CONFLICT (id) DO UPDATE SET event_number = greatest(p.event_number, EXCLUDED.event_number),"
          + " version_id = greatest(p.version_id, EXCLUDED.version_id)";

  static final String ACKNOWLEDGE =
      "INSERT INTO delivery_state AS d (id, acked_event) SELECT * FROM unnest($1::text[], $2::bigint[])"
          + " ON CONFLICT (id) DO UPDATE SET acked_event = greatest(d.acked_event, EXCLUDED.acked_event)";

  private SubscriptionSql() {
  }
}
