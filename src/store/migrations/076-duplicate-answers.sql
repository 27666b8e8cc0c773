-- "Possible duplicate" while documenting (issue 17 §1): the documenter's answer for one pair — a
-- case being entered (an intake draft, later the case it became, or an import job's row) and an
-- existing case of the organisation or shared with it — so the same pair is not asked again and the
-- answer can be audited and read by linkage. The existing case may be a partner's: it is referred to
-- by (candidate_organisation_id, candidate_incident_id) without a foreign key, like linkage_record,
-- since a partner's row is not this organisation's and may be unshared later.
CREATE TABLE duplicate_answer (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL,
  -- What was being entered: an intake draft ("draft:<uuid>") or an import row ("import:<job>:<line>").
  subject text NOT NULL,
  -- The case the draft became once saved (null while it is a draft, or when it was added to the candidate).
  incident_id uuid,
  candidate_organisation_id uuid NOT NULL,
  candidate_incident_id uuid NOT NULL,
  answer text NOT NULL CHECK (answer IN ('same', 'different')),
  -- The match weight the warning showed (the evidence the documenter answered).
  match_weight double precision NOT NULL,
  answered_at timestamptz NOT NULL DEFAULT now(),
  answered_by uuid,
  PRIMARY KEY (organisation_id, id),
  UNIQUE (organisation_id, subject, candidate_organisation_id, candidate_incident_id)
);
CREATE INDEX duplicate_answer_incident ON duplicate_answer (organisation_id, incident_id) WHERE incident_id IS NOT NULL;

ALTER TABLE duplicate_answer ENABLE ROW LEVEL SECURITY;
ALTER TABLE duplicate_answer FORCE ROW LEVEL SECURITY;
CREATE POLICY scope_write ON duplicate_answer USING (organisation_id = ANY (atalaya_scope_orgs())) WITH CHECK (organisation_id = ANY (atalaya_scope_orgs()));

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'atalaya_app') THEN
    EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE ON duplicate_answer TO atalaya_app';
  END IF;
END $$;
