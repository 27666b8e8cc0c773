-- Documentation workspace: intake drafts kept server-side per user, so a dropped connection or a
-- closed phone loses nothing. The payload may hold victims' names, so it is stored only encrypted
-- (AES-256-GCM with the organisation's data key, bound to draft.payload_enc:<id>).
CREATE TABLE intake_draft (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL,
  user_id uuid NOT NULL REFERENCES app_user (id),
  payload_enc bytea NOT NULL,
  revision integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, id)
);
CREATE INDEX intake_draft_user ON intake_draft (organisation_id, user_id, updated_at);

-- Evidence originals are sealed: no statement may change what identifies the stored bytes.
CREATE OR REPLACE FUNCTION atalaya_evidence_sealed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.storage_key IS DISTINCT FROM OLD.storage_key OR NEW.sha256 IS DISTINCT FROM OLD.sha256
     OR NEW.size_bytes IS DISTINCT FROM OLD.size_bytes OR NEW.media_type IS DISTINCT FROM OLD.media_type
     OR NEW.derived_from IS DISTINCT FROM OLD.derived_from THEN
    RAISE EXCEPTION 'evidence files are sealed' USING ERRCODE = '23514';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER evidence_sealed BEFORE UPDATE ON evidence FOR EACH ROW EXECUTE FUNCTION atalaya_evidence_sealed();
