-- The deliverer's acknowledgements get a table of their own: the matcher writes a subscription's
-- counter (subscription_state) and the deliverer its acknowledged position (delivery_state), so
-- the two never wait on, or deadlock over, the same row.

CREATE TABLE delivery_state (
  id           text   COLLATE "C" PRIMARY KEY,
  acked_event  bigint NOT NULL   -- delivered and acknowledged up to this eventNumber (rest-hook)
);
INSERT INTO delivery_state (id, acked_event) SELECT id, acked_event FROM subscription_state WHERE acked_event > 0;
ALTER TABLE subscription_state DROP COLUMN acked_event;
