-- A client may authenticate with a signed JWT (SMART Backend Services' private_key_jwt) instead of a secret: its
-- public keys (a JSON Web Key Set) are kept, and it has no secret. Each assertion is taken once: its jti is kept until
-- the assertion expires.
ALTER TABLE auth_client ALTER COLUMN secret_hash DROP NOT NULL;
ALTER TABLE auth_client ADD COLUMN jwks jsonb;
ALTER TABLE auth_client ADD CONSTRAINT auth_client_one_credential CHECK ((secret_hash IS NULL) <> (jwks IS NULL));

CREATE TABLE auth_assertion (
  client     text NOT NULL,
  jti        text NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (client, jti)
);
CREATE INDEX auth_assertion_expiry ON auth_assertion (expires_at);
