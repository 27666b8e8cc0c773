-- Record linkage in the platform (issue 8) and estimation runs (issue 9). Every table belongs to the
-- organisation that ran the analysis (organisation_id first in every key). The acts linked may belong
-- to coalition partners: they are referred to by (member_organisation_id, act_id) without a foreign
-- key, since a partner's record is not the running organisation's row and may be archived or unshared
-- later; the run keeps what it saw so that its figures can be reproduced (DESIGN.md §6).

CREATE TABLE linkage_run (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL,
  config jsonb NOT NULL,
  engine_version text NOT NULL,
  input_hash text NOT NULL,
  record_count integer NOT NULL,
  organisation_count integer NOT NULL,
  names_compared integer NOT NULL,
  candidate_pairs bigint NOT NULL,
  em_iterations integer NOT NULL,
  pairs_above integer NOT NULL,
  cluster_count integer NOT NULL,
  figures jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid,
  PRIMARY KEY (organisation_id, id)
);
CREATE INDEX linkage_run_recent ON linkage_run (organisation_id, created_at DESC);

-- Each act the run saw, with the fields counting and estimation need (no names, no narratives).
CREATE TABLE linkage_record (
  organisation_id uuid NOT NULL,
  run_id uuid NOT NULL,
  idx integer NOT NULL,
  member_organisation_id uuid NOT NULL,
  act_id uuid NOT NULL,
  incident_id uuid NOT NULL,
  act_date text,
  act_type text NOT NULL,
  subdivision text,
  PRIMARY KEY (organisation_id, run_id, idx),
  FOREIGN KEY (organisation_id, run_id) REFERENCES linkage_run (organisation_id, id)
);

-- Scored pairs at or above the run's output floor, with the weight each comparison contributed.
CREATE TABLE linkage_pair (
  organisation_id uuid NOT NULL,
  run_id uuid NOT NULL,
  left_idx integer NOT NULL,
  right_idx integer NOT NULL,
  match_weight double precision NOT NULL,
  match_probability double precision NOT NULL,
  explanation jsonb NOT NULL,
  PRIMARY KEY (organisation_id, run_id, left_idx, right_idx),
  FOREIGN KEY (organisation_id, run_id) REFERENCES linkage_run (organisation_id, id)
);

-- Proposed clusters (two or more acts) and the reviewer's decision.
CREATE TABLE linkage_cluster (
  organisation_id uuid NOT NULL,
  id uuid NOT NULL,
  run_id uuid NOT NULL,
  status text NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'confirmed', 'split')),
  min_probability double precision NOT NULL,
  version integer NOT NULL DEFAULT 1,
  reviewed_at timestamptz,
  reviewed_by uuid,
  PRIMARY KEY (organisation_id, id),
  FOREIGN KEY (organisation_id, run_id) REFERENCES linkage_run (organisation_id, id)
);
CREATE INDEX linkage_cluster_run ON linkage_cluster (organisation_id, run_id, status);

CREATE TABLE linkage_cluster_member (
  organisation_id uuid NOT NULL,
  cluster_id uuid NOT NULL,
  record_idx integer NOT NULL,
  member_organisation_id uuid NOT NULL,
  act_id uuid NOT NULL,
  -- Left out of the cluster by the reviewer (it counts as an act of its own).
  excluded boolean NOT NULL DEFAULT false,
  PRIMARY KEY (organisation_id, cluster_id, record_idx),
  FOREIGN KEY (organisation_id, cluster_id) REFERENCES linkage_cluster (organisation_id, id)
);

-- Each estimation: the linkage run it read, its settings, the hash of its capture tables, the result.
CREATE TABLE estimate_run (
  organisation_id uuid NOT NULL,
  id uuid NOT NULL,
  linkage_run_id uuid NOT NULL,
  settings jsonb NOT NULL,
  input_hash text NOT NULL,
  result jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid,
  PRIMARY KEY (organisation_id, id),
  FOREIGN KEY (organisation_id, linkage_run_id) REFERENCES linkage_run (organisation_id, id)
);
CREATE INDEX estimate_run_recent ON estimate_run (organisation_id, created_at DESC);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['linkage_run', 'linkage_record', 'linkage_pair', 'linkage_cluster', 'linkage_cluster_member', 'estimate_run'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY scope_write ON %I USING (organisation_id = ANY (atalaya_scope_orgs())) WITH CHECK (organisation_id = ANY (atalaya_scope_orgs()))', t);
  END LOOP;
END $$;
