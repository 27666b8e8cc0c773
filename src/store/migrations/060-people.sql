-- People (issue 16 §2): invitations by e-mail, one-time passwords, and the limits of an
-- organisation's administrator over accounts that belong to other organisations too.

-- The installation administrator's flag is app_user.installation_admin (migration 056).
-- A password someone else chose (an administrator, `atalaya user create`) must be replaced at the
-- first sign-in: the person who knows it is not only its owner.
ALTER TABLE app_user ADD COLUMN IF NOT EXISTS must_change_password boolean NOT NULL DEFAULT false;

-- An invitation to join an organisation with a role. The link's token is stored only as its SHA-256;
-- it is good once and for 72 hours. An invitation to an address that already has an account names
-- that account (invited_user_id) and changes nothing until its owner accepts.
CREATE TABLE member_invitation (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL,
  email citext NOT NULL,
  role text NOT NULL,
  invited_user_id uuid REFERENCES app_user (id),
  token_hash bytea NOT NULL UNIQUE,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES app_user (id),
  accepted_at timestamptz,
  declined_at timestamptz,
  revoked_at timestamptz,
  PRIMARY KEY (organisation_id, id)
);
CREATE INDEX member_invitation_user ON member_invitation (invited_user_id) WHERE invited_user_id IS NOT NULL;

ALTER TABLE member_invitation ENABLE ROW LEVEL SECURITY;
ALTER TABLE member_invitation FORCE ROW LEVEL SECURITY;
-- The inviting organisation sees its invitations; the invited account sees those addressed to it.
CREATE POLICY scope_read ON member_invitation USING (organisation_id = ANY (atalaya_scope_orgs()) OR invited_user_id = atalaya_scope_user())
  WITH CHECK (organisation_id = ANY (atalaya_scope_orgs()));

-- Someone holding a link has no scope yet: the token itself is the permission to find its row.
CREATE OR REPLACE FUNCTION atalaya_invitation_by_token(h bytea) RETURNS TABLE (organisation_id uuid, id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT i.organisation_id, i.id FROM member_invitation i WHERE i.token_hash = h
$$;

-- Whether an account belongs to any organisation other than `org`. Row-level security hides other
-- organisations' memberships from an administrator, which is exactly why this must look past it:
-- the answer (a boolean) is what decides that the administrator may not act account-wide.
CREATE OR REPLACE FUNCTION atalaya_user_in_other_orgs(u uuid, org uuid) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT EXISTS (SELECT 1 FROM membership m WHERE m.user_id = u AND m.organisation_id <> org)
$$;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'atalaya_app') THEN
    EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE ON member_invitation TO atalaya_app';
  END IF;
END $$;
