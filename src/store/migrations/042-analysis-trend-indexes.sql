-- Covering indexes for trends: a monthly series by act type for one country reads only these
-- (index-only scans once the visibility map is set), not the wide incident rows with their text.
CREATE INDEX incident_trend ON incident (organisation_id, country, start_date) INCLUDE (id, start_precision, visibility) WHERE archived_at IS NULL;
CREATE INDEX act_trend ON act (organisation_id, incident_id) INCLUDE (act_type, start_date, start_precision, country, subdivision, victim_id) WHERE archived_at IS NULL;
