-- The second wall (DESIGN.md §4): on a PostgreSQL server the application works as the role
-- atalaya_app, which owns no table, is no superuser and has no BYPASSRLS; row-level security
-- (FORCE, so even owners are filtered) lets it see only the organisations set for the transaction by
-- the policy module (atalaya.org_ids), what their coalitions were given (atalaya.coalition_ids),
-- and published rows when a public read asks for them (atalaya.public). A query that forgot its scope
-- sees nothing. PGlite runs as a superuser, which bypasses row-level security: there the policy module
-- is the only wall (README says so).

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'atalaya_app') THEN
    CREATE ROLE atalaya_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
  END IF;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'atalaya: cannot create role atalaya_app; row-level security will not be enforced for the application';
END $$;

CREATE OR REPLACE FUNCTION atalaya_scope_orgs() RETURNS uuid[] LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(string_to_array(nullif(current_setting('atalaya.org_ids', true), ''), ',')::uuid[], '{}'::uuid[])
$$;
CREATE OR REPLACE FUNCTION atalaya_scope_coalitions() RETURNS uuid[] LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(string_to_array(nullif(current_setting('atalaya.coalition_ids', true), ''), ',')::uuid[], '{}'::uuid[])
$$;
CREATE OR REPLACE FUNCTION atalaya_scope_user() RETURNS uuid LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT nullif(current_setting('atalaya.user_id', true), '')::uuid
$$;
CREATE OR REPLACE FUNCTION atalaya_scope_public() RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(current_setting('atalaya.public', true), '') = 'on'
$$;

-- These look through the share tables with the definer's rights (no recursion into the policies).
CREATE OR REPLACE FUNCTION atalaya_incident_visible(org uuid, inc uuid) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT org = ANY (atalaya_scope_orgs())
    OR EXISTS (SELECT 1 FROM incident i WHERE i.organisation_id = org AND i.id = inc AND i.archived_at IS NULL AND (
         (atalaya_scope_public() AND i.visibility = 'public')
         OR (i.visibility <> 'private' AND EXISTS (SELECT 1 FROM record_share s WHERE s.organisation_id = org
               AND s.incident_id = inc AND s.coalition_id = ANY (atalaya_scope_coalitions())))))
$$;
CREATE OR REPLACE FUNCTION atalaya_act_visible(org uuid, act_id uuid) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT org = ANY (atalaya_scope_orgs())
    OR EXISTS (SELECT 1 FROM act a WHERE a.organisation_id = org AND a.id = act_id AND atalaya_incident_visible(org, a.incident_id))
$$;
CREATE OR REPLACE FUNCTION atalaya_actor_visible(org uuid, actor_id uuid) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT org = ANY (atalaya_scope_orgs())
    OR EXISTS (SELECT 1 FROM act a WHERE a.organisation_id = org AND a.victim_id = actor_id AND a.archived_at IS NULL
               AND atalaya_incident_visible(org, a.incident_id))
$$;

-- The head of an organisation's audit chain, whatever the scope: appending must always chain onto
-- the true last entry (a sign-in is audited before any scope exists).
CREATE OR REPLACE FUNCTION atalaya_audit_head(org uuid) RETURNS TABLE (seq bigint, hash text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT a.seq, a.hash FROM audit_log a WHERE a.organisation_id = org ORDER BY a.seq DESC LIMIT 1
$$;

-- Own-organisation writes only, everywhere.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['organisation_key','membership','coalition_member','incident','actor','act','involvement',
                           'source','evidence','intervention','incident_link','record_share','record_history','audit_log'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
  END LOOP;
END $$;

CREATE POLICY scope_write ON organisation_key USING (organisation_id = ANY (atalaya_scope_orgs())) WITH CHECK (organisation_id = ANY (atalaya_scope_orgs()));
CREATE POLICY scope_read ON membership USING (organisation_id = ANY (atalaya_scope_orgs()) OR user_id = atalaya_scope_user())
  WITH CHECK (organisation_id = ANY (atalaya_scope_orgs()));
CREATE POLICY scope_read ON coalition_member USING (organisation_id = ANY (atalaya_scope_orgs()) OR coalition_id = ANY (atalaya_scope_coalitions()))
  WITH CHECK (organisation_id = ANY (atalaya_scope_orgs()));
CREATE POLICY scope_read ON incident USING (atalaya_incident_visible(organisation_id, id)) WITH CHECK (organisation_id = ANY (atalaya_scope_orgs()));
CREATE POLICY scope_read ON act USING (atalaya_incident_visible(organisation_id, incident_id)) WITH CHECK (organisation_id = ANY (atalaya_scope_orgs()));
CREATE POLICY scope_read ON source USING (atalaya_incident_visible(organisation_id, incident_id) AND (organisation_id = ANY (atalaya_scope_orgs()) OR NOT atalaya_scope_public()))
  WITH CHECK (organisation_id = ANY (atalaya_scope_orgs()));
CREATE POLICY scope_read ON evidence USING (atalaya_incident_visible(organisation_id, incident_id) AND (organisation_id = ANY (atalaya_scope_orgs()) OR NOT atalaya_scope_public()))
  WITH CHECK (organisation_id = ANY (atalaya_scope_orgs()));
CREATE POLICY scope_read ON intervention USING (atalaya_incident_visible(organisation_id, incident_id)) WITH CHECK (organisation_id = ANY (atalaya_scope_orgs()));
CREATE POLICY scope_read ON involvement USING (atalaya_act_visible(organisation_id, act_id)) WITH CHECK (organisation_id = ANY (atalaya_scope_orgs()));
CREATE POLICY scope_read ON actor USING (atalaya_actor_visible(organisation_id, id) AND (organisation_id = ANY (atalaya_scope_orgs()) OR NOT atalaya_scope_public()))
  WITH CHECK (organisation_id = ANY (atalaya_scope_orgs()));
CREATE POLICY scope_read ON incident_link USING (atalaya_incident_visible(organisation_id, from_incident_id) AND atalaya_incident_visible(organisation_id, to_incident_id))
  WITH CHECK (organisation_id = ANY (atalaya_scope_orgs()));
CREATE POLICY scope_read ON record_share USING (organisation_id = ANY (atalaya_scope_orgs()) OR coalition_id = ANY (atalaya_scope_coalitions()))
  WITH CHECK (organisation_id = ANY (atalaya_scope_orgs()));
CREATE POLICY scope_write ON record_history USING (organisation_id = ANY (atalaya_scope_orgs())) WITH CHECK (organisation_id = ANY (atalaya_scope_orgs()));
-- The audit log: anyone may append (sign-in events happen before a scope exists); reading is scoped.
CREATE POLICY scope_read ON audit_log FOR SELECT USING (organisation_id = ANY (atalaya_scope_orgs()));
CREATE POLICY append ON audit_log FOR INSERT WITH CHECK (true);

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'atalaya_app') THEN
    EXECUTE 'GRANT USAGE ON SCHEMA public TO atalaya_app';
    EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO atalaya_app';
    EXECUTE 'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO atalaya_app';
    EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO atalaya_app';
    EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO atalaya_app';
    -- History and audit are append-only for the application.
    EXECUTE 'REVOKE UPDATE, DELETE ON audit_log, record_history FROM atalaya_app';
    EXECUTE 'REVOKE ALL ON schema_migration FROM atalaya_app';
  END IF;
END $$;
