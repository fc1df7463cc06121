-- Resources, their history and the change feed.
-- One write = one transaction through herald_write(): current version, history entry and change row.

CREATE SEQUENCE herald_version_seq CACHE 1;   -- CACHE 1: numbers leave the sequence in call order

-- Ids compare in code-point order (COLLATE "C") on every server, as Java compares them.
CREATE TABLE resource (
  type          text        NOT NULL,
  id            text        COLLATE "C" NOT NULL,
  version_id    bigint      NOT NULL,
  last_updated  timestamptz NOT NULL,
  deleted       boolean     NOT NULL,
  content       jsonb       NOT NULL,   -- the current version; for a deleted resource, its last one
  PRIMARY KEY (type, id)
);
CREATE INDEX resource_type_last_updated ON resource (type, last_updated);

CREATE TABLE resource_history (
  version_id    bigint      PRIMARY KEY,
  type          text        NOT NULL,
  id            text        COLLATE "C" NOT NULL,
  interaction   text        NOT NULL CHECK (interaction IN ('create', 'update', 'delete')),
  last_updated  timestamptz NOT NULL,
  content       jsonb                   -- NULL for a delete
);
CREATE INDEX resource_history_instance ON resource_history (type, id, version_id DESC);
CREATE INDEX resource_history_type ON resource_history (type, version_id DESC);

CREATE TABLE change (
  version_id    bigint      PRIMARY KEY,
  tx            xid8        NOT NULL,   -- the writing transaction, for the visibility horizon
  type          text        NOT NULL,
  id            text        COLLATE "C" NOT NULL,
  interaction   text        NOT NULL CHECK (interaction IN ('create', 'update', 'delete')),
  changed_at    timestamptz NOT NULL,
  content       jsonb       NOT NULL    -- the version written; for a delete, the last version
);

-- Hands out the change's versionId together with its transaction id, under a lock held only
-- for these two calls. So versionId order and transaction-id order agree for every change, and
-- a reader that only takes changes whose transaction is older than its snapshot's xmin never
-- sees a smaller versionId after a larger one (see io.herald.store.package-info).
-- It must be the first thing that gives the transaction an id: a transaction that already has
-- one would pair an old id with a new number.
CREATE FUNCTION herald_stamp(OUT version_id bigint, OUT tx xid8) LANGUAGE plpgsql AS $$
BEGIN
  IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
    RAISE EXCEPTION 'herald_stamp() must run before the transaction writes anything';
  END IF;
  PERFORM pg_advisory_lock(4864557401);
  version_id := nextval('herald_version_seq');
  tx := pg_current_xact_id();
  PERFORM pg_advisory_unlock(4864557401);
END $$;

-- One write of one resource. p_op: 'create' (new id), 'update' (update or create) or 'delete'.
-- p_if_match: the version the client expects to replace, or NULL.
-- outcome: 'create' | 'update' | 'delete' (written), 'precondition-failed', 'not-found', 'gone'.
CREATE FUNCTION herald_write(p_type text, p_id text, p_op text, p_content jsonb, p_if_match bigint)
RETURNS TABLE (outcome text, version_id bigint, meta jsonb, current_version bigint)
LANGUAGE plpgsql AS $$
DECLARE
  cur      resource%ROWTYPE;
  found_it boolean;
  op       text;
  v        bigint;
  x        xid8;
  ts       timestamptz;
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
  ts := date_trunc('milliseconds', clock_timestamp());
  m := jsonb_build_object('versionId', v::text,
                          'lastUpdated', to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'));

  IF op = 'delete' THEN
    doc := cur.content;
    UPDATE resource SET version_id = v, last_updated = ts, deleted = true
      WHERE type = p_type AND id = p_id;
    INSERT INTO resource_history VALUES (v, p_type, p_id, op, ts, NULL);
  ELSE
    doc := p_content || jsonb_build_object('meta', coalesce(p_content -> 'meta', '{}'::jsonb) || m);
    INSERT INTO resource VALUES (p_type, p_id, v, ts, false, doc)
      ON CONFLICT (type, id) DO UPDATE
      SET version_id = EXCLUDED.version_id, last_updated = EXCLUDED.last_updated,
          deleted = false, content = EXCLUDED.content;
    INSERT INTO resource_history VALUES (v, p_type, p_id, op, ts, doc);
  END IF;
  INSERT INTO change VALUES (v, x, p_type, p_id, op, ts, doc);

  RETURN QUERY SELECT op, v, m, cur.version_id;
END $$;
