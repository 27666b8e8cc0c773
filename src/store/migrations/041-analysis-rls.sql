-- Row-level security for the analysis tables owned by a tenant (the second wall, as in 003):
-- follows, notifications and stored escalation results are visible only within the transaction's
-- organisation scope. public_release holds only published figures and stays outside it.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['escalation_result', 'alert_follow', 'notification'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY scope_write ON %I USING (organisation_id = ANY (atalaya_scope_orgs())) WITH CHECK (organisation_id = ANY (atalaya_scope_orgs()))', t);
  END LOOP;
END $$;
