-- Row-level security on the coalition table itself. Its members, invitations and focal points were
-- already behind the second wall (003, 070), but the coalition rows were not: as atalaya_app, any
-- scope could list every coalition's name and description, and a coalition's name alone can say
-- who works with whom against whom. Now a scope sees a coalition when one of its organisations
-- coordinates it, belongs to it or holds an open invitation to it (the invitation page shows what
-- it is asked to join), or when the coalition is among the scope's coalitions; nothing else.
ALTER TABLE coalition ENABLE ROW LEVEL SECURITY;
ALTER TABLE coalition FORCE ROW LEVEL SECURITY;

CREATE POLICY scope_read ON coalition FOR SELECT USING (
  id = ANY (atalaya_scope_coalitions())
  OR coordinator_org_id = ANY (atalaya_scope_orgs())
  OR EXISTS (SELECT 1 FROM coalition_member m WHERE m.coalition_id = coalition.id AND m.organisation_id = ANY (atalaya_scope_orgs()))
  OR EXISTS (SELECT 1 FROM coalition_invitation i WHERE i.coalition_id = coalition.id AND i.organisation_id = ANY (atalaya_scope_orgs())
             AND i.accepted_at IS NULL AND i.declined_at IS NULL AND i.revoked_at IS NULL));

-- A coalition is created by the organisation that coordinates it; the command line's coalitions
-- (no coordinator) need a scope naming their member organisations.
CREATE POLICY scope_create ON coalition FOR INSERT WITH CHECK (
  coordinator_org_id = ANY (atalaya_scope_orgs())
  OR (coordinator_org_id IS NULL AND cardinality(atalaya_scope_orgs()) > 0));

CREATE POLICY scope_change ON coalition FOR UPDATE USING (coordinator_org_id = ANY (atalaya_scope_orgs()))
  WITH CHECK (coordinator_org_id = ANY (atalaya_scope_orgs()));

-- Slugs are unique across the installation: whether one is taken, whoever holds it (the answer
-- names nothing).
CREATE OR REPLACE FUNCTION atalaya_coalition_slug_taken(candidate citext) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT EXISTS (SELECT 1 FROM coalition c WHERE c.slug = candidate)
$$;
