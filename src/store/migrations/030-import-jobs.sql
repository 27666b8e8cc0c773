-- Import jobs (interop). An import first validates and stages every row of the file in committed
-- batches (import_staging, payloads encrypted with the organisation's data key), then applies the
-- whole staged set to the documentation tables in ONE transaction. A process killed while staging
-- leaves a resumable job and nothing visible; killed while applying, the transaction rolls back.
-- import_key remembers, per dataset, which incident each external id (or content hash) became and
-- the hash of its mapped content, so importing the same file again changes nothing.
CREATE TABLE import_job (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL,
  dataset text NOT NULL,
  file_name text,
  file_sha256 char(64) NOT NULL,
  profile jsonb NOT NULL,
  mode text NOT NULL CHECK (mode IN ('all-or-nothing', 'valid-rows')),
  state text NOT NULL CHECK (state IN ('staging', 'staged', 'applying', 'complete', 'failed')),
  rows_total bigint,
  rows_read bigint NOT NULL DEFAULT 0,
  rows_staged bigint NOT NULL DEFAULT 0,
  rows_rejected bigint NOT NULL DEFAULT 0,
  last_line bigint NOT NULL DEFAULT 0,
  result jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid,
  updated_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  PRIMARY KEY (organisation_id, id)
);
CREATE INDEX import_job_file ON import_job (organisation_id, file_sha256, state);

CREATE TABLE import_staging (
  organisation_id uuid NOT NULL,
  job_id uuid NOT NULL,
  line bigint NOT NULL,
  group_key text NOT NULL,
  payload bytea NOT NULL,
  PRIMARY KEY (organisation_id, job_id, line),
  FOREIGN KEY (organisation_id, job_id) REFERENCES import_job (organisation_id, id) ON DELETE CASCADE
);
CREATE INDEX import_staging_group ON import_staging (organisation_id, job_id, group_key, line);

CREATE TABLE import_key (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  dataset text NOT NULL,
  key_bidx bytea NOT NULL,
  incident_id uuid NOT NULL,
  content_hash char(64) NOT NULL,
  job_id uuid NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, dataset, key_bidx),
  FOREIGN KEY (organisation_id, incident_id) REFERENCES incident (organisation_id, id)
);
CREATE INDEX import_key_incident ON import_key (organisation_id, incident_id);
