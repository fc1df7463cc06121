-- A notification has a kind: 'event' (a matched change) today; 'handshake' and 'heartbeat', numbered in the same
-- sequence, carry no change, so the change's columns may be empty for them (and only for them).
ALTER TABLE notification ADD COLUMN kind text NOT NULL DEFAULT 'event'
  CHECK (kind IN ('event', 'handshake', 'heartbeat'));
ALTER TABLE notification ALTER COLUMN version_id DROP NOT NULL;
ALTER TABLE notification ALTER COLUMN type DROP NOT NULL;
ALTER TABLE notification ALTER COLUMN id DROP NOT NULL;
ALTER TABLE notification ALTER COLUMN interaction DROP NOT NULL;
ALTER TABLE notification ADD CONSTRAINT notification_event_has_change
  CHECK (kind <> 'event' OR (version_id IS NOT NULL AND type IS NOT NULL AND id IS NOT NULL AND interaction IS NOT NULL));
