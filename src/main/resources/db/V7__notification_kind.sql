-- A notification has a kind: 'event' (a matched change) today; 'handshake' and 'heartbeat', numbered in the same
-- sequence, carry no change, so the change's columns may be empty for them (and only for them).
-- The checks are NOT VALID: every existing row is an event with its change (the columns were NOT NULL until now),
-- so it holds them by construction, and no scan of the largest table runs under this script's lock.
ALTER TABLE notification ADD COLUMN kind text NOT NULL DEFAULT 'event';
ALTER TABLE notification ALTER COLUMN version_id DROP NOT NULL;
ALTER TABLE notification ALTER COLUMN type DROP NOT NULL;
ALTER TABLE notification ALTER COLUMN id DROP NOT NULL;
ALTER TABLE notification ALTER COLUMN interaction DROP NOT NULL;
ALTER TABLE notification ADD CONSTRAINT notification_kind
  CHECK (kind IN ('event', 'handshake', 'heartbeat')) NOT VALID;
ALTER TABLE notification ADD CONSTRAINT notification_event_has_change
  CHECK (kind <> 'event' OR (version_id IS NOT NULL AND type IS NOT NULL AND id IS NOT NULL AND interaction IS NOT NULL))
  NOT VALID;
