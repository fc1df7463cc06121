-- Notifications: one change matched to one subscription, numbered per subscription with no gaps.
-- The match verticle writes a batch of them, the subscriptions' counters and its cursor in one
-- transaction, so every committed change is matched exactly once, across restarts and crashes.

CREATE TABLE match_cursor (
  id          int    PRIMARY KEY CHECK (id = 1),
  version_id  bigint NOT NULL          -- the last change the matcher has finished with
);
INSERT INTO match_cursor VALUES (1, 0);

CREATE TABLE subscription_state (
  id           text   COLLATE "C" PRIMARY KEY,
  last_event   bigint NOT NULL,            -- eventNumber of its latest notification
  acked_event  bigint NOT NULL DEFAULT 0   -- delivered and acknowledged up to this eventNumber (rest-hook)
);

CREATE TABLE notification (
  subscription_id  text   COLLATE "C" NOT NULL,
  event_number     bigint NOT NULL,
  version_id       bigint NOT NULL,   -- the change: resource_history / change row of this version
  type             text   NOT NULL,
  id               text   COLLATE "C" NOT NULL,
  interaction      text   NOT NULL,
  PRIMARY KEY (subscription_id, event_number)
);
CREATE INDEX notification_version ON notification (subscription_id, version_id);
