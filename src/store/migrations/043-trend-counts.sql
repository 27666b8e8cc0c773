-- Trend counts kept on write: a monthly trend by act type for one country read 1,000,000 incident
-- rows and their acts on every request (seconds); this table holds, per organisation, country,
-- subdivision, visibility, date precision, month and act type, how many live incidents there are.
--
-- Exactness: a row with act_type '*' counts every live incident once; a row with an act type counts
-- the incidents that have at least one live act of that type (an incident with three acts of two
-- types adds 1 to each of the two types, as count(DISTINCT incident) does); '-' counts incidents
-- without a live act. These counts are additive over incidents, so they can be maintained by deltas.
--
-- It lives in its own schema because it is derived data: backups (the public schema) leave it out,
-- and a restore rebuilds it through the same triggers as it inserts incidents and acts.
CREATE SCHEMA IF NOT EXISTS atalaya_derived;

CREATE TABLE atalaya_derived.incident_month (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  country char(2),
  subdivision text,
  visibility text NOT NULL,
  start_precision text,
  -- First day of the month of start_date; null when the incident has no date.
  month date,
  act_type text NOT NULL,
  n bigint NOT NULL,
  CONSTRAINT incident_month_key UNIQUE NULLS NOT DISTINCT (organisation_id, country, act_type, month, subdivision, visibility, start_precision)
);

-- The delta of the incident rows `src` (organisation_id, id, country, subdivision, visibility,
-- start_precision, start_date, archived_at, d): d = +1 adds the incident as it is now with the act
-- types of `acts_after`, d = -1 removes it as it was with those of `acts_before` (organisation_id,
-- incident_id, act_type of live acts). Keys are written in a fixed order so that concurrent writers
-- lock them in the same order. This returns the statement: the trigger functions run it themselves,
-- since transition tables are visible only to the trigger function's own statements.
CREATE OR REPLACE FUNCTION atalaya_derived.incident_delta_sql(src text, acts_before text, acts_after text) RETURNS text
  LANGUAGE sql IMMUTABLE AS $$
  SELECT format($q$
    WITH r AS (%s),
    ab AS (%s),
    aa AS (%s),
    t AS (SELECT DISTINCT organisation_id, incident_id, act_type, -1 AS d FROM ab
      UNION ALL SELECT DISTINCT organisation_id, incident_id, act_type, 1 AS d FROM aa),
    typed AS (
      SELECT r.*, '*'::text AS act_type FROM r
      UNION ALL
      SELECT r.*, t.act_type FROM r JOIN t ON t.organisation_id = r.organisation_id AND t.incident_id = r.id AND t.d = r.d
      UNION ALL
      SELECT r.*, '-' FROM r WHERE NOT EXISTS (SELECT 1 FROM t WHERE t.organisation_id = r.organisation_id AND t.incident_id = r.id AND t.d = r.d)
    )
    INSERT INTO atalaya_derived.incident_month AS m (organisation_id, country, act_type, month, subdivision, visibility, start_precision, n)
    SELECT organisation_id, country, act_type, date_trunc('month', start_date::timestamp)::date, subdivision, visibility, start_precision, sum(d)
    FROM typed WHERE archived_at IS NULL
    GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(d) <> 0
    ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT ON CONSTRAINT incident_month_key DO UPDATE SET n = m.n + EXCLUDED.n
  $q$, src, acts_before, acts_after)
$$;

CREATE OR REPLACE FUNCTION atalaya_derived.incident_month_on_incident() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  cols constant text := 'organisation_id, id, country, subdivision, visibility, start_precision, start_date, archived_at';
  src text;
  live constant text := 'SELECT a.organisation_id, a.incident_id, a.act_type FROM act a WHERE a.archived_at IS NULL AND (a.organisation_id, a.incident_id) IN (SELECT organisation_id, id FROM r)';
BEGIN
  src := CASE TG_OP
    WHEN 'INSERT' THEN format('SELECT %s, 1 AS d FROM new_rows', cols)
    WHEN 'DELETE' THEN format('SELECT %s, -1 AS d FROM old_rows', cols)
    ELSE format('SELECT %s, 1 AS d FROM new_rows UNION ALL SELECT %s, -1 AS d FROM old_rows', cols, cols) END;
  -- The acts do not change in this statement: before and after are the same live acts.
  EXECUTE atalaya_derived.incident_delta_sql(src, live, live);
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION atalaya_derived.incident_month_on_act() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  changed text;
  before_acts text;
  src text;
BEGIN
  changed := CASE TG_OP
    WHEN 'INSERT' THEN 'SELECT organisation_id, incident_id, id FROM new_rows'
    WHEN 'DELETE' THEN 'SELECT organisation_id, incident_id, id FROM old_rows'
    ELSE 'SELECT organisation_id, incident_id, id FROM new_rows UNION ALL SELECT organisation_id, incident_id, id FROM old_rows' END;
  -- The incidents whose acts changed, counted out as they were and in as they are now.
  src := format($s$SELECT i.organisation_id, i.id, i.country, i.subdivision, i.visibility, i.start_precision, i.start_date, i.archived_at, s.d
    FROM incident i JOIN (SELECT DISTINCT organisation_id, incident_id FROM (%s) c) c ON i.organisation_id = c.organisation_id AND i.id = c.incident_id
    CROSS JOIN (VALUES (1), (-1)) s(d)$s$, changed);
  -- Live acts before the statement: the current ones except those it wrote, plus the old versions.
  before_acts := format($s$SELECT a.organisation_id, a.incident_id, a.act_type FROM act a
      WHERE a.archived_at IS NULL AND (a.organisation_id, a.incident_id) IN (SELECT organisation_id, id FROM r)
        AND NOT EXISTS (SELECT 1 FROM (%s) w WHERE w.organisation_id = a.organisation_id AND w.id = a.id)
      %s$s$,
    CASE WHEN TG_OP = 'DELETE' THEN 'SELECT NULL::uuid AS organisation_id, NULL::uuid AS id WHERE false' ELSE 'SELECT organisation_id, id FROM new_rows' END,
    CASE WHEN TG_OP = 'INSERT' THEN '' ELSE 'UNION ALL SELECT o.organisation_id, o.incident_id, o.act_type FROM old_rows o WHERE o.archived_at IS NULL' END);
  EXECUTE atalaya_derived.incident_delta_sql(src, before_acts,
    'SELECT a.organisation_id, a.incident_id, a.act_type FROM act a WHERE a.archived_at IS NULL AND (a.organisation_id, a.incident_id) IN (SELECT organisation_id, id FROM r)');
  RETURN NULL;
END $$;

CREATE TRIGGER incident_month_ins AFTER INSERT ON incident REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION atalaya_derived.incident_month_on_incident();
CREATE TRIGGER incident_month_upd AFTER UPDATE ON incident REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION atalaya_derived.incident_month_on_incident();
CREATE TRIGGER incident_month_del AFTER DELETE ON incident REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION atalaya_derived.incident_month_on_incident();
CREATE TRIGGER incident_month_ins AFTER INSERT ON act REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION atalaya_derived.incident_month_on_act();
CREATE TRIGGER incident_month_upd AFTER UPDATE ON act REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION atalaya_derived.incident_month_on_act();
CREATE TRIGGER incident_month_del AFTER DELETE ON act REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION atalaya_derived.incident_month_on_act();

-- Incidents already stored when this migration runs (every organisation in scope: row-level security
-- is forced even for the owner on a server).
SELECT set_config('atalaya.org_ids', coalesce((SELECT string_agg(id::text, ',') FROM organisation), ''), true);
INSERT INTO atalaya_derived.incident_month (organisation_id, country, act_type, month, subdivision, visibility, start_precision, n)
SELECT i.organisation_id, i.country, k.act_type, date_trunc('month', i.start_date::timestamp)::date, i.subdivision, i.visibility, i.start_precision, count(*)
FROM incident i CROSS JOIN LATERAL (
  SELECT '*'::text AS act_type
  UNION ALL SELECT DISTINCT a.act_type FROM act a WHERE a.organisation_id = i.organisation_id AND a.incident_id = i.id AND a.archived_at IS NULL
  UNION ALL SELECT '-' WHERE NOT EXISTS (SELECT 1 FROM act a WHERE a.organisation_id = i.organisation_id AND a.incident_id = i.id AND a.archived_at IS NULL)) k
WHERE i.archived_at IS NULL
GROUP BY 1, 2, 3, 4, 5, 6, 7;

-- Read in the reader's scope (the second wall, as in 041); written only by the triggers above.
ALTER TABLE atalaya_derived.incident_month ENABLE ROW LEVEL SECURITY;
ALTER TABLE atalaya_derived.incident_month FORCE ROW LEVEL SECURITY;
CREATE POLICY scope_read ON atalaya_derived.incident_month USING (organisation_id = ANY (atalaya_scope_orgs()));
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'atalaya_app') THEN
    EXECUTE 'GRANT USAGE ON SCHEMA atalaya_derived TO atalaya_app';
    EXECUTE 'GRANT SELECT ON atalaya_derived.incident_month TO atalaya_app';
  END IF;
END $$;
