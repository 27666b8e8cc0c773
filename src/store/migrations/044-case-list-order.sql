-- The case list reads one page in a sort order: these let it walk an organisation's live incidents
-- in that order and stop after the page (at 1,000,000 incidents, sorting every match took seconds).
CREATE INDEX incident_list_date ON incident (organisation_id, start_date DESC NULLS LAST, id DESC) WHERE archived_at IS NULL;
CREATE INDEX incident_list_entered ON incident (organisation_id, created_at DESC, id DESC) WHERE archived_at IS NULL;
