-- Analysis: indexes for counts and trends, the release register of public tables, escalation
-- results with their method and seed, follows and notifications. Runs on PostgreSQL 15 and PGlite.

-- Trends of one country: the act carries its own place when it differs from the incident's.
CREATE INDEX act_country_type_date ON act (organisation_id, country, act_type, start_date) WHERE archived_at IS NULL;
CREATE INDEX act_incident_live ON act (organisation_id, incident_id) INCLUDE (act_type, victim_id) WHERE archived_at IS NULL;
CREATE INDEX incident_org_country_date ON incident (organisation_id, country, start_date) WHERE archived_at IS NULL;
-- Public dashboards read across organisations, published records only.
CREATE INDEX incident_public_country ON incident (country, start_date) WHERE visibility = 'public' AND archived_at IS NULL;
CREATE INDEX involvement_act_type ON involvement (organisation_id, act_id, perpetrator_type) WHERE archived_at IS NULL;

-- Every table the public was shown, as shown (values and suppression marks only, never true counts
-- of suppressed cells), so that a later release can be checked against differencing (D3).
CREATE TABLE public_release (
  id uuid PRIMARY KEY,
  table_key text NOT NULL,
  k integer NOT NULL CHECK (k >= 2),
  categories jsonb NOT NULL,
  published jsonb NOT NULL,
  total integer,
  released_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX public_release_key ON public_release (table_key, released_at DESC);

-- Each escalation analysis, reproducible: method, seed, replicates and the hash of its series.
CREATE TABLE escalation_result (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL,
  scope_key text NOT NULL,
  method text NOT NULL,
  seed bigint NOT NULL,
  replicates integer NOT NULL,
  input_hash text NOT NULL,
  result jsonb NOT NULL,
  computed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, id)
);
CREATE INDEX escalation_result_key ON escalation_result (organisation_id, scope_key, computed_at DESC);

-- A user follows a country and/or act type (null = any).
CREATE TABLE alert_follow (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL,
  user_id uuid NOT NULL REFERENCES app_user (id),
  country char(2),
  act_type text,
  last_checked_at timestamptz NOT NULL DEFAULT now(),
  last_change_period text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, id)
);
CREATE UNIQUE INDEX alert_follow_unique ON alert_follow (organisation_id, user_id, coalesce(country, ''), coalesce(act_type, ''));

-- In-app notifications; the payload holds codes and ids only (no names, no narratives).
CREATE TABLE notification (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL,
  user_id uuid NOT NULL REFERENCES app_user (id),
  follow_id uuid,
  kind text NOT NULL CHECK (kind IN ('new_incident', 'escalation')),
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  read_at timestamptz,
  emailed_at timestamptz,
  PRIMARY KEY (organisation_id, id),
  FOREIGN KEY (organisation_id, follow_id) REFERENCES alert_follow (organisation_id, id) ON DELETE SET NULL (follow_id)
);
CREATE INDEX notification_user ON notification (user_id, created_at DESC);
CREATE INDEX notification_unsent ON notification (organisation_id, created_at) WHERE emailed_at IS NULL;
