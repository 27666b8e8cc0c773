-- Whole words of encrypted narratives, searchable without storing them (issue 17 §3): each row is
-- a keyed token, HMAC-SHA-256 of one normalised word under a key derived from the organisation's
-- blind-index key, truncated to 8 bytes. Someone holding a dump learns which of one organisation's
-- encrypted narratives share a word and how many distinct words each has, never the words.
CREATE TABLE incident_word (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  token bytea NOT NULL,
  incident_id uuid NOT NULL,
  PRIMARY KEY (organisation_id, token, incident_id),
  FOREIGN KEY (organisation_id, incident_id) REFERENCES incident (organisation_id, id)
);
CREATE INDEX incident_word_incident ON incident_word (organisation_id, incident_id);

-- Own organisation only, for reading and writing: a partner never searches another's narratives.
ALTER TABLE incident_word ENABLE ROW LEVEL SECURITY;
ALTER TABLE incident_word FORCE ROW LEVEL SECURITY;
CREATE POLICY scope_write ON incident_word USING (organisation_id = ANY (atalaya_scope_orgs())) WITH CHECK (organisation_id = ANY (atalaya_scope_orgs()));

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'atalaya_app') THEN
    EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE ON incident_word TO atalaya_app';
  END IF;
END $$;
