-- A search filtered to a country or a state reads the newest incidents there first (the search
-- window, and the most recent matches ranked by relevance). incident_list_date walks every
-- incident of the organisation in date order, skipping those elsewhere: at 1,000,000 incidents the
-- relevance candidates of a search in one Venezuelan state (3% of the incidents) took 56 ms that
-- way, 5 ms with an index on (organisation, country, state, date) tried first. With these two, the
-- benchmark's searches by relevance went from p95 88 ms to 59 ms.
CREATE INDEX incident_list_country_date ON incident (organisation_id, country, start_date DESC NULLS LAST, id DESC) WHERE archived_at IS NULL;
CREATE INDEX incident_list_subdivision_date ON incident (organisation_id, subdivision, start_date DESC NULLS LAST, id DESC)
  WHERE archived_at IS NULL AND subdivision IS NOT NULL;
