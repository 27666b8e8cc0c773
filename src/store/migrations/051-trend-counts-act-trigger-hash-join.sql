-- The act trigger of 047 finds the live acts that were there before the statement by leaving out
-- those it wrote: NOT EXISTS against the transition table. The planner has no statistics for
-- transition tables, guesses few rows, and chose a nested-loop anti join: quadratic in the
-- statement's rows. An import writing 5,000 acts a statement spent 0.5-0.9 s there (12,497,500 row
-- comparisons), three quarters of its time. NOT IN over a subquery is run as a hashed subplan
-- instead (ids are never null, so it means the same). Telling the planner to avoid nested loops in
-- the function was tried first: it then scanned every act and incident of the organisation instead
-- of looking them up by index.
CREATE OR REPLACE FUNCTION atalaya_derived.incident_month_on_act() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  changed text;
  live constant text := 'SELECT x.organisation_id, x.incident_id, x.act_type, x.id FROM (SELECT DISTINCT organisation_id, id FROM r) k
    CROSS JOIN LATERAL (SELECT a.organisation_id, a.incident_id, a.act_type, a.id FROM act a
      WHERE a.organisation_id = k.organisation_id AND a.incident_id = k.id AND a.archived_at IS NULL) x';
  before_acts text;
  src text;
BEGIN
  changed := CASE TG_OP
    WHEN 'INSERT' THEN 'SELECT organisation_id, incident_id, id FROM new_rows'
    WHEN 'DELETE' THEN 'SELECT organisation_id, incident_id, id FROM old_rows'
    ELSE 'SELECT organisation_id, incident_id, id FROM new_rows UNION ALL SELECT organisation_id, incident_id, id FROM old_rows' END;
  -- The incidents whose acts changed, counted out as they were and in as they are now.
  src := format($s$SELECT i.organisation_id, i.id, i.country, i.subdivision, i.visibility, i.start_precision, i.start_date, i.archived_at, s.d
    FROM (SELECT DISTINCT organisation_id, incident_id FROM (%s) c) c
    CROSS JOIN LATERAL (SELECT * FROM incident i WHERE i.organisation_id = c.organisation_id AND i.id = c.incident_id) i
    CROSS JOIN (VALUES (1), (-1)) s(d)$s$, changed);
  -- Live acts before the statement: the current ones except those it wrote, plus the old versions.
  before_acts := format($s$SELECT l.organisation_id, l.incident_id, l.act_type FROM live l
      WHERE (l.organisation_id, l.id) NOT IN (SELECT organisation_id, id FROM (%s) w)
      %s$s$,
    CASE WHEN TG_OP = 'DELETE' THEN 'SELECT NULL::uuid AS organisation_id, NULL::uuid AS id WHERE false' ELSE 'SELECT organisation_id, id FROM new_rows' END,
    CASE WHEN TG_OP = 'INSERT' THEN '' ELSE 'UNION ALL SELECT o.organisation_id, o.incident_id, o.act_type FROM old_rows o WHERE o.archived_at IS NULL' END);
  EXECUTE atalaya_derived.incident_delta_sql(src, live, before_acts, 'SELECT l.organisation_id, l.incident_id, l.act_type FROM live l');
  RETURN NULL;
END $$;
