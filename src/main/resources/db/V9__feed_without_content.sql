-- Each version's content is written once more than it must be: the change feed repeated the document that
-- resource_history holds. A change row is now only what the feed needs of its own, the versionId and the writing
-- transaction (for the visibility horizon, see V1); its type, id, interaction, time and content are read from the
-- history row of the same versionId. A delete's content (the last version before it) is the history row before it.
-- DROP COLUMN rewrites nothing: rows written before keep their bytes until the feed is pruned past them.
ALTER TABLE change DROP COLUMN type, DROP COLUMN id, DROP COLUMN interaction, DROP COLUMN changed_at,
  DROP COLUMN content;

CREATE OR REPLACE FUNCTION herald_write(p_type text, p_id text, p_op text, p_content jsonb, p_if_match bigint,
                                        p_ts timestamptz, p_index jsonb)
RETURNS TABLE (outcome text, version_id bigint, meta jsonb, current_version bigint)
LANGUAGE plpgsql AS $$
DECLARE
  cur      resource%ROWTYPE;
  found_it boolean;
  op       text;
  v        bigint;
  x        xid8;
  m        jsonb;
  doc      jsonb;
BEGIN
  IF p_content IS NOT NULL AND jsonb_typeof(p_content) <> 'object' THEN
    RAISE EXCEPTION 'herald_write: content must be a JSON object, not %', jsonb_typeof(p_content);
  END IF;
  -- Writers of one resource take turns; the advisory lock gives no transaction id.
  PERFORM pg_advisory_xact_lock(hashtextextended(p_type || '/' || p_id, 0));
  SELECT * INTO cur FROM resource r WHERE r.type = p_type AND r.id = p_id;
  found_it := FOUND AND NOT cur.deleted;

  IF p_if_match IS NOT NULL AND (NOT found_it OR cur.version_id <> p_if_match) THEN
    RETURN QUERY SELECT 'precondition-failed', NULL::bigint, NULL::jsonb, cur.version_id;
    RETURN;
  END IF;
  IF p_op = 'delete' THEN
    IF NOT FOUND THEN
      RETURN QUERY SELECT 'not-found', NULL::bigint, NULL::jsonb, NULL::bigint;
      RETURN;
    ELSIF cur.deleted THEN
      RETURN QUERY SELECT 'gone', NULL::bigint, NULL::jsonb, cur.version_id;
      RETURN;
    END IF;
    op := 'delete';
  ELSIF found_it THEN
    op := 'update';
  ELSE
    op := 'create';
  END IF;

  SELECT s.version_id, s.tx INTO v, x FROM herald_stamp() s;
  m := jsonb_build_object('versionId', v::text,
                          'lastUpdated', to_char(p_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'));

  IF FOUND_IT OR cur.deleted THEN
    DELETE FROM search_index WHERE type = p_type AND id = p_id;
  END IF;
  IF op = 'delete' THEN
    UPDATE resource SET version_id = v, last_updated = p_ts, deleted = true
      WHERE type = p_type AND id = p_id;
    INSERT INTO resource_history VALUES (v, p_type, p_id, op, p_ts, NULL);
  ELSE
    doc := p_content || jsonb_build_object('meta', coalesce(p_content -> 'meta', '{}'::jsonb) || m);
    INSERT INTO resource VALUES (p_type, p_id, v, p_ts, false, doc)
      ON CONFLICT (type, id) DO UPDATE
      SET version_id = EXCLUDED.version_id, last_updated = EXCLUDED.last_updated,
          deleted = false, content = EXCLUDED.content;
    INSERT INTO resource_history VALUES (v, p_type, p_id, op, p_ts, doc);
    IF p_index IS NOT NULL AND jsonb_array_length(p_index) > 0 THEN
      INSERT INTO search_index (type, id, param, s1, s2, s3, n, lo, hi, v)
        SELECT p_type, p_id, i.p, i.s1, i.s2, i.s3, i.n, i.lo, i.hi, v
        FROM jsonb_to_recordset(p_index) AS i(p text, s1 text, s2 text, s3 text, n numeric, lo bigint, hi bigint);
    END IF;
  END IF;
  INSERT INTO change VALUES (v, x);

  RETURN QUERY SELECT op, v, m, cur.version_id;
END $$;

-- Retention (io.herald.retention): how far each subscription's notifications were pruned. A poller asking for
-- notifications below it is told they are gone, never handed a silent gap. A table of its own, so pruning never
-- waits on the row the matcher updates (subscription_state) or the one the deliverer does (delivery_state).
CREATE TABLE notification_pruned (
  id           text   COLLATE "C" PRIMARY KEY,
  event_number bigint NOT NULL,   -- notifications up to this eventNumber are gone
  version_id   bigint NOT NULL    -- the versionId of the last of them: $poll must ask from here or later
);

-- The largest versionId written at or before p_ts (0 when none): where a retention window ends. A binary search over
-- history by versionId, whose times grow with it (give or take the moments concurrent writers take to commit): some
-- 30 look-ups of the primary key, whatever the table's size, and nothing to remember across restarts.
CREATE FUNCTION herald_version_at(p_ts timestamptz) RETURNS bigint LANGUAGE plpgsql STABLE AS $$
DECLARE
  lo     bigint;
  hi     bigint;
  mid    bigint;
  found  bigint;
  t      timestamptz;
  result bigint := 0;
BEGIN
  SELECT min(h.version_id), max(h.version_id) INTO lo, hi FROM resource_history h;
  WHILE lo <= hi LOOP
    mid := lo + (hi - lo) / 2;
    SELECT h.version_id, h.last_updated INTO found, t FROM resource_history h
      WHERE h.version_id >= mid ORDER BY h.version_id LIMIT 1;
    IF t <= p_ts THEN
      result := found;
      lo := found + 1;
    ELSE
      hi := mid - 1;
    END IF;
  END LOOP;
  RETURN result;
END $$;

-- The feed and the notifications lose rows every few seconds once retention runs: vacuum them after a small share
-- of dead rows rather than PostgreSQL's default of a fifth of the table, so their pages are reused, not grown.
ALTER TABLE change SET (autovacuum_vacuum_scale_factor = 0.02);
ALTER TABLE notification SET (autovacuum_vacuum_scale_factor = 0.02);
