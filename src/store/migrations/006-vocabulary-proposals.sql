-- Proposals of new vocabulary terms. Terms themselves live in versioned data files and are never
-- created from user input (an import or a form can only propose); a maintainer adds accepted ones.
CREATE TABLE vocab_proposal (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL,
  vocabulary text NOT NULL,
  parent_code text,
  label_es text NOT NULL,
  label_en text NOT NULL,
  note text,
  status text NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'accepted', 'declined')),
  proposed_by uuid REFERENCES app_user (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, id)
);
ALTER TABLE vocab_proposal ENABLE ROW LEVEL SECURITY;
ALTER TABLE vocab_proposal FORCE ROW LEVEL SECURITY;
CREATE POLICY scope_write ON vocab_proposal USING (organisation_id = ANY (atalaya_scope_orgs())) WITH CHECK (organisation_id = ANY (atalaya_scope_orgs()));
