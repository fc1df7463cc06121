-- Search: the values of every search parameter of every current resource, extracted by
-- io.herald.criteria.Extractor (the same values the in-memory matcher uses) and written by
-- herald_write in the write's own transaction.
--   string:    s1 normalized (lower case, no accents), s2 exact
--   token:     s1 code, s2 system, s3 normalized display/text
--   date:      lo, hi  epoch milliseconds [lo, hi)
--   number:    n
--   quantity:  n value, s1 code, s2 system, s3 unit
--   reference: s1 id, s2 type, s3 reference as written
--   uri:       s1
CREATE TABLE search_index (
  type   text   NOT NULL,
  id     text   COLLATE "C" NOT NULL,
  param  text   NOT NULL,
  s1     text   COLLATE "C",   -- code-point order: btree serves LIKE 'prefix%' on any server
  s2     text,
  s3     text,
  n      numeric,
  lo     bigint,
  hi     bigint,
  v      bigint NOT NULL   -- the resource's current versionId, for searches as of a snapshot
);
-- Replacing a resource's rows; :missing.
CREATE INDEX search_index_resource ON search_index (type, id, param);
-- Equality and prefixes on strings, tokens, references, uris: ids come out in order per value.
CREATE INDEX search_index_s1 ON search_index (type, param, s1, id) INCLUDE (v) WHERE s1 IS NOT NULL;
-- Ranges (dates, numbers, quantities): walk the parameter's rows in id order, index only, and
-- stop at the page's end. No index on lo/hi: the planner cannot tell how much of a range one
-- parameter's rows cover (the column mixes every parameter), and sorting a large match by id
-- costs more than walking the parameter's rows in id order.
CREATE INDEX search_index_id ON search_index (type, param, id) INCLUDE (lo, hi, n, v)
  WHERE lo IS NOT NULL OR n IS NOT NULL;

-- The registry the index was built with; a different one makes the store re-index.
CREATE TABLE herald_setting (
  key    text PRIMARY KEY,
  value  text NOT NULL
);

-- One write of one resource: current version, history, change row and search index rows.
-- p_op: 'create' (new id), 'update' (update or create) or 'delete'. p_if_match: the version the
-- client expects to replace, or NULL. p_ts: meta.lastUpdated. p_index: [{p, s1, s2, s3, n, lo, hi}].
-- outcome: 'create' | 'update' | 'delete' (written), 'precondition-failed', 'not-found', 'gone'.
CREATE FUNCTION herald_write(p_type text, p_id text, p_op text, p_content jsonb, p_if_match bigint,
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
    doc := cur.content;
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
  INSERT INTO change VALUES (v, x, p_type, p_id, op, p_ts, doc);

  RETURN QUERY SELECT op, v, m, cur.version_id;
END $$;

-- Replaces the index rows of one resource (re-indexing after the registry changed), if it is
-- still at p_version and live; takes the resource's write lock, so it never interleaves with herald_write.
CREATE FUNCTION herald_reindex(p_type text, p_id text, p_version bigint, p_index jsonb) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended(p_type || '/' || p_id, 0));
  IF NOT EXISTS (SELECT 1 FROM resource r WHERE r.type = p_type AND r.id = p_id
                 AND r.version_id = p_version AND NOT r.deleted) THEN
    RETURN;
  END IF;
  DELETE FROM search_index WHERE type = p_type AND id = p_id;
  INSERT INTO search_index (type, id, param, s1, s2, s3, n, lo, hi, v)
    SELECT p_type, p_id, i.p, i.s1, i.s2, i.s3, i.n, i.lo, i.hi, p_version
    FROM jsonb_to_recordset(p_index) AS i(p text, s1 text, s2 text, s3 text, n numeric, lo bigint, hi bigint);
END $$;
