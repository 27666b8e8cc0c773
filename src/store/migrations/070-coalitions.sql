-- Coalitions on the web (issue 16 §3) and the signatory role (§5).
-- An organisation's administrator creates a coalition (that organisation coordinates it), invites
-- other organisations, whose administrators accept or decline from their own workspace: nothing is
-- shared with an organisation until it accepts (membership is what sharing and row-level security
-- look at). An organisation may leave; each member names its own focal points for the coalition.

-- The signatory (focal point) role: sees and signs statements, nothing of the cases.
ALTER TABLE membership DROP CONSTRAINT IF EXISTS membership_role_check;
ALTER TABLE membership ADD CONSTRAINT membership_role_check
  CHECK (role IN ('admin', 'documenter', 'analyst', 'reviewer', 'viewer', 'signatory'));

ALTER TABLE coalition ADD COLUMN IF NOT EXISTS coordinator_org_id uuid REFERENCES organisation (id);
ALTER TABLE coalition ADD COLUMN IF NOT EXISTS created_by uuid REFERENCES app_user (id);
ALTER TABLE coalition ADD COLUMN IF NOT EXISTS description text;

-- An invitation to join, owned by the invited organisation (it answers); the inviting organisation
-- and the coalition's members see it too.
CREATE TABLE coalition_invitation (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL,
  coalition_id uuid NOT NULL REFERENCES coalition (id),
  invited_by_org uuid NOT NULL REFERENCES organisation (id),
  invited_by uuid REFERENCES app_user (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  accepted_at timestamptz,
  declined_at timestamptz,
  revoked_at timestamptz,
  answered_by uuid REFERENCES app_user (id),
  PRIMARY KEY (organisation_id, id)
);
CREATE UNIQUE INDEX coalition_invitation_pending ON coalition_invitation (coalition_id, organisation_id)
  WHERE accepted_at IS NULL AND declined_at IS NULL AND revoked_at IS NULL;
CREATE INDEX coalition_invitation_coalition ON coalition_invitation (coalition_id);

-- The people a member organisation names as its focal points for one coalition.
CREATE TABLE coalition_focal_point (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  coalition_id uuid NOT NULL REFERENCES coalition (id),
  user_id uuid NOT NULL REFERENCES app_user (id),
  named_by uuid REFERENCES app_user (id),
  named_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, coalition_id, user_id)
);
CREATE INDEX coalition_focal_point_coalition ON coalition_focal_point (coalition_id);

ALTER TABLE coalition_invitation ENABLE ROW LEVEL SECURITY;
ALTER TABLE coalition_invitation FORCE ROW LEVEL SECURITY;
ALTER TABLE coalition_focal_point ENABLE ROW LEVEL SECURITY;
ALTER TABLE coalition_focal_point FORCE ROW LEVEL SECURITY;
CREATE POLICY scope_read ON coalition_invitation
  USING (organisation_id = ANY (atalaya_scope_orgs()) OR invited_by_org = ANY (atalaya_scope_orgs()) OR coalition_id = ANY (atalaya_scope_coalitions()))
  WITH CHECK (organisation_id = ANY (atalaya_scope_orgs()) OR invited_by_org = ANY (atalaya_scope_orgs()));
CREATE POLICY scope_read ON coalition_focal_point
  USING (organisation_id = ANY (atalaya_scope_orgs()) OR coalition_id = ANY (atalaya_scope_coalitions()))
  WITH CHECK (organisation_id = ANY (atalaya_scope_orgs()));

-- The cases a statement cites, for an organisation invited on the platform to sign it (a scope
-- organisation holds the invitation): each case's public facts only when the case is public or
-- shared with one of the scope's coalitions; for any other case, only that it exists (all nulls),
-- so the page can say how many it may not see.
CREATE OR REPLACE FUNCTION atalaya_statement_cases_for_invitee(org uuid, sid uuid)
  RETURNS TABLE (incident_id uuid, title text, start_date date, start_precision text, country text, subdivision text, is_public boolean, is_shared boolean)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  WITH cited AS (
    SELECT i.*, i.visibility = 'public' AS pub,
      EXISTS (SELECT 1 FROM record_share s WHERE s.organisation_id = i.organisation_id AND s.incident_id = i.id
              AND s.coalition_id = ANY (atalaya_scope_coalitions())) AS shr
    FROM statement_incident si JOIN incident i ON i.organisation_id = si.organisation_id AND i.id = si.incident_id
    WHERE si.organisation_id = org AND si.statement_id = sid AND i.archived_at IS NULL AND atalaya_statement_invited(org, sid)
  )
  SELECT CASE WHEN pub OR shr THEN id END, CASE WHEN pub OR shr THEN cited.title END,
    CASE WHEN pub OR shr THEN cited.start_date END, CASE WHEN pub OR shr THEN cited.start_precision END,
    CASE WHEN pub OR shr THEN cited.country::text END, CASE WHEN pub OR shr THEN cited.subdivision END, pub, shr
  FROM cited ORDER BY cited.start_date NULLS LAST, cited.title
$$;

-- Notices of an invitation to sign a statement or to join a coalition, shown in /notifications
-- beside the alerts (ids only). A table of their own: migration 085 fixes the kinds the
-- notification table accepts, and runs after this one.
CREATE TABLE invitation_notice (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL,
  user_id uuid NOT NULL REFERENCES app_user (id),
  kind text NOT NULL CHECK (kind IN ('statement_invitation', 'coalition_invitation')),
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  read_at timestamptz,
  emailed_at timestamptz,
  PRIMARY KEY (organisation_id, id)
);
CREATE INDEX invitation_notice_user ON invitation_notice (user_id, created_at DESC);
ALTER TABLE invitation_notice ENABLE ROW LEVEL SECURITY;
ALTER TABLE invitation_notice FORCE ROW LEVEL SECURITY;
CREATE POLICY scope_write ON invitation_notice USING (organisation_id = ANY (atalaya_scope_orgs())) WITH CHECK (organisation_id = ANY (atalaya_scope_orgs()));

-- The focal points of an organisation for statements it is asked to sign: its signatories and the
-- people it named focal points of a coalition; its administrators when it named nobody. The inviting
-- organisation cannot see another organisation's members, so the server asks with this function and
-- notifies them in the invited organisation's own scope.
CREATE OR REPLACE FUNCTION atalaya_focal_points(org uuid) RETURNS TABLE (user_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  WITH named AS (
    SELECT m.user_id FROM membership m JOIN app_user u ON u.id = m.user_id
      WHERE m.organisation_id = org AND m.role = 'signatory' AND u.disabled_at IS NULL
    UNION
    SELECT f.user_id FROM coalition_focal_point f JOIN membership m ON m.organisation_id = f.organisation_id AND m.user_id = f.user_id
      JOIN app_user u ON u.id = f.user_id
      WHERE f.organisation_id = org AND u.disabled_at IS NULL
  )
  SELECT user_id FROM named
  UNION
  SELECT m.user_id FROM membership m JOIN app_user u ON u.id = m.user_id
    WHERE m.organisation_id = org AND m.role = 'admin' AND u.disabled_at IS NULL AND NOT EXISTS (SELECT 1 FROM named)
$$;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'atalaya_app') THEN
    EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE ON coalition_invitation, coalition_focal_point, invitation_notice TO atalaya_app';
  END IF;
END $$;

-- The members of a coalition, for an organisation it has invited (row-level security shows a
-- coalition's members only to members): names only, while the invitation is open.
CREATE OR REPLACE FUNCTION atalaya_coalition_members_for_invitee(cid uuid) RETURNS TABLE (organisation_id uuid, name text, joined_at timestamptz)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT m.organisation_id, o.name, m.joined_at FROM coalition_member m JOIN organisation o ON o.id = m.organisation_id
  WHERE m.coalition_id = cid AND EXISTS (SELECT 1 FROM coalition_invitation i WHERE i.coalition_id = cid
    AND i.organisation_id = ANY (atalaya_scope_orgs()) AND i.accepted_at IS NULL AND i.declined_at IS NULL AND i.revoked_at IS NULL)
  ORDER BY o.name
$$;
