-- Who may call Herald. A client authenticates with its secret (kept only as a PBKDF2 hash) and gets short-lived
-- tokens carrying its SMART scopes; a revoked client gets none, and the tokens it holds are refused on every node.
CREATE TABLE auth_client (
  id          text PRIMARY KEY,
  secret_hash text NOT NULL,
  scopes      text NOT NULL,                       -- SMART scopes, space-separated
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);

-- The key Herald signs its tokens with: made by the first node to start, read by every node, so a token any node
-- issued verifies on all of them.
CREATE TABLE auth_key (
  id          int PRIMARY KEY CHECK (id = 1),
  algorithm   text NOT NULL,
  private_pem text NOT NULL,
  public_pem  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
