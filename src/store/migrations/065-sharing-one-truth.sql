-- Sharing is one truth (issue 16 §4): an incident's visibility and its coalition shares can no
-- longer disagree. 'coalition' means "shared with at least one coalition" and 'private' means
-- "shared with none"; 'public' (published on the public site) may or may not also be shared.
-- Before this, a documenter could set 'coalition' with no share (partners saw nothing, linkage
-- left it out) and a case could be set back to 'private' while its shares stayed.

-- Existing disagreements, resolved so that nobody sees more than they saw before: partners never
-- saw a case marked 'coalition' without a share, nor a 'private' case with shares (every read
-- requires both). So the first become 'private' (a new version, with its history row and reason)
-- and the shares of the second are removed.
WITH fixed AS (
  UPDATE incident i SET visibility = 'private', version = i.version + 1, updated_at = now(), updated_by = NULL
  WHERE i.visibility = 'coalition'
    AND NOT EXISTS (SELECT 1 FROM record_share s WHERE s.organisation_id = i.organisation_id AND s.incident_id = i.id)
  RETURNING i.organisation_id, i.id, i.version, i.updated_at
)
INSERT INTO record_history (organisation_id, id, record_table, record_id, version, action, reason, changed_by, row_data)
SELECT f.organisation_id, gen_random_uuid(), 'incident', f.id, f.version, 'update',
  'Marked as shared with coalitions but shared with none: now private, as partners saw it (migration 065)', NULL,
  h.row_data || jsonb_build_object('visibility', 'private', 'version', f.version, 'updated_by', NULL,
    'updated_at', to_char(f.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
FROM fixed f
JOIN LATERAL (SELECT row_data FROM record_history h WHERE h.organisation_id = f.organisation_id
  AND h.record_table = 'incident' AND h.record_id = f.id ORDER BY h.version DESC LIMIT 1) h ON true;

DELETE FROM record_share s USING incident i
WHERE i.organisation_id = s.organisation_id AND i.id = s.incident_id AND i.visibility = 'private';

-- From now on the database keeps them in step, whoever writes (web, API, import, demo loader).
-- Visibility of a non-public incident is derived from its shares: a new incident has none.
CREATE OR REPLACE FUNCTION atalaya_visibility_from_shares() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW.visibility := 'private';
  ELSE
    NEW.visibility := CASE WHEN EXISTS (SELECT 1 FROM record_share s
        WHERE s.organisation_id = NEW.organisation_id AND s.incident_id = NEW.id) THEN 'coalition' ELSE 'private' END;
  END IF;
  RETURN NEW;
END $$;

-- The WHEN clauses keep the bulk import's inserts free of any look-up ('private' and 'public' pass).
CREATE TRIGGER incident_visibility_insert BEFORE INSERT ON incident
  FOR EACH ROW WHEN (NEW.visibility = 'coalition') EXECUTE FUNCTION atalaya_visibility_from_shares();
CREATE TRIGGER incident_visibility_update BEFORE UPDATE OF visibility ON incident
  FOR EACH ROW WHEN (NEW.visibility IN ('private', 'coalition')) EXECUTE FUNCTION atalaya_visibility_from_shares();

-- A share added or removed sets the incident's visibility (never for a public incident, and only
-- when it changes). The application then writes the new version's history row.
CREATE OR REPLACE FUNCTION atalaya_share_sets_visibility() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r record;
  v text;
BEGIN
  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
  v := CASE WHEN EXISTS (SELECT 1 FROM record_share s WHERE s.organisation_id = r.organisation_id AND s.incident_id = r.incident_id)
    THEN 'coalition' ELSE 'private' END;
  UPDATE incident i SET visibility = v
    WHERE i.organisation_id = r.organisation_id AND i.id = r.incident_id AND i.visibility IN ('private', 'coalition') AND i.visibility <> v;
  RETURN NULL;
END $$;

CREATE TRIGGER record_share_visibility AFTER INSERT OR DELETE ON record_share
  FOR EACH ROW EXECUTE FUNCTION atalaya_share_sets_visibility();
