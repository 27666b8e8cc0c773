-- Intake drafts hold encrypted names: the second wall applies to them too (as in 003).
ALTER TABLE intake_draft ENABLE ROW LEVEL SECURITY;
ALTER TABLE intake_draft FORCE ROW LEVEL SECURITY;
CREATE POLICY scope_write ON intake_draft USING (organisation_id = ANY (atalaya_scope_orgs())) WITH CHECK (organisation_id = ANY (atalaya_scope_orgs()));
