-- Resources, their history and the change feed.
-- One write = one transaction through herald_write() (V2): current version, history entry, change row.

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
  BEGIN
    version_id := nextval('herald_version_seq');
    tx := pg_current_xact_id();
  EXCEPTION WHEN OTHERS OR query_canceled THEN
    -- a session lock outlives the transaction: release it whatever went wrong, or every writer waits
    PERFORM pg_advisory_unlock(4864557401);
    RAISE;
  END;
  PERFORM pg_advisory_unlock(4864557401);
END $$;

-- herald_write(), the one statement of every write, is defined with the search index (V2).
