-- 1. One organisation's trend counts recomputed from its rows: a bulk load (synthetic incidents)
--    turns the per-statement triggers of 043-047 off, writes, and calls this once at the end.
--    Same query as 043's backfill, restricted to one organisation; the caller's scope must include it
--    (row-level security is forced on these tables).
CREATE OR REPLACE FUNCTION atalaya_derived.recount(org uuid) RETURNS void
  LANGUAGE sql AS $$
  DELETE FROM atalaya_derived.incident_month WHERE organisation_id = org;
  DELETE FROM atalaya_derived.incident_month_country WHERE organisation_id = org;
  INSERT INTO atalaya_derived.incident_month (organisation_id, country, act_type, month, subdivision, visibility, start_precision, n)
  SELECT i.organisation_id, i.country, k.act_type, date_trunc('month', i.start_date::timestamp)::date, i.subdivision, i.visibility, i.start_precision, count(*)
  FROM incident i CROSS JOIN LATERAL (
    SELECT '*'::text AS act_type
    UNION ALL SELECT DISTINCT a.act_type FROM act a WHERE a.organisation_id = i.organisation_id AND a.incident_id = i.id AND a.archived_at IS NULL
    UNION ALL SELECT '-' WHERE NOT EXISTS (SELECT 1 FROM act a WHERE a.organisation_id = i.organisation_id AND a.incident_id = i.id AND a.archived_at IS NULL)) k
  WHERE i.organisation_id = org AND i.archived_at IS NULL
  GROUP BY 1, 2, 3, 4, 5, 6, 7;
  INSERT INTO atalaya_derived.incident_month_country (organisation_id, country, act_type, month, start_precision, n)
  SELECT organisation_id, country, act_type, month, start_precision, sum(n)
  FROM atalaya_derived.incident_month WHERE organisation_id = org GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0;
$$;

-- 2. Three partial indexes on act (organisation_id, incident_id) WHERE archived_at IS NULL (040, 042,
--    046) differed only in their INCLUDE columns; every write paid for three. One index with the
--    union of the columns serves the trend triggers, the facets and the case page alike. The same
--    for incident: 040's (organisation_id, country, start_date) is 042's incident_trend without its
--    INCLUDE columns.
DROP INDEX IF EXISTS act_incident_live;
DROP INDEX IF EXISTS act_incident_cover;
DROP INDEX IF EXISTS act_trend;
CREATE INDEX act_trend ON act (organisation_id, incident_id)
  INCLUDE (id, act_type, start_date, start_precision, country, subdivision, victim_id) WHERE archived_at IS NULL;
DROP INDEX IF EXISTS incident_org_country_date;
