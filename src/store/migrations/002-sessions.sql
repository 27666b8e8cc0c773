-- Server-side sessions (the cookie holds a random token; only its SHA-256 is stored) and the
-- record of login attempts used for throttling per account and per client.
CREATE TABLE app_session (
  id_hash bytea PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES app_user (id),
  organisation_id uuid REFERENCES organisation (id),
  csrf_token text NOT NULL,
  mfa_passed boolean NOT NULL DEFAULT false,
  lang text,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX app_session_user ON app_session (user_id);

CREATE TABLE login_attempt (
  key_hash text NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  success boolean NOT NULL
);
CREATE INDEX login_attempt_key ON login_attempt (key_hash, at);

CREATE TABLE password_reset (
  token_hash bytea PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES app_user (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
