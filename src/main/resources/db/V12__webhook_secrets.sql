-- The secret each rest-hook subscription's requests are signed with (X-Herald-Signature, HMAC-SHA256): made when the
-- subscription is written, shown to its writer once, replaced by $rotate-secret. Kept as it is: signing needs it.
CREATE TABLE webhook_secret (
  subscription_id text PRIMARY KEY,
  secret          text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);
