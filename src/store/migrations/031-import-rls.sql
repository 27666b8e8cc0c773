-- Row-level security for the import tables (the second wall, as in 003): jobs, staged rows and
-- external keys are visible and writable only within the transaction's organisation scope.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['import_job', 'import_staging', 'import_key'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY scope_write ON %I USING (organisation_id = ANY (atalaya_scope_orgs())) WITH CHECK (organisation_id = ANY (atalaya_scope_orgs()))', t);
  END LOOP;
END $$;
