-- Atalaya foundation schema. Forward-only; runs on PostgreSQL 15 and on PGlite (PostgreSQL 18).
-- Tenant-owned tables lead their primary key and every foreign key with organisation_id, the
-- distribution column of a Citus deployment (DESIGN.md §4). Reference tables have no tenant.
-- Columns ending in _enc hold AES-256-GCM ciphertext (access/crypto); _bidx a keyed blind index.

CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS citext;

-- unaccent() is STABLE because its dictionary could change; pinning the dictionary makes this
-- wrapper safe to declare IMMUTABLE so it can feed generated columns and indexes.
CREATE OR REPLACE FUNCTION atalaya_unaccent(t text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, t) $$;

CREATE OR REPLACE FUNCTION atalaya_search_vector(t text) RETURNS tsvector
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT to_tsvector('spanish', atalaya_unaccent(coalesce(t, ''))) || to_tsvector('english', atalaya_unaccent(coalesce(t, ''))) $$;

-- ---------------------------------------------------------------- tenancy and people who use Atalaya
CREATE TABLE organisation (
  id uuid PRIMARY KEY,
  slug citext NOT NULL UNIQUE,
  name text NOT NULL,
  country char(2),
  default_lang text NOT NULL DEFAULT 'es',
  locked_at timestamptz,
  sealed_at timestamptz,
  mfa_relaxed_for_viewers boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Data keys of an organisation, wrapped by the master key (never stored unwrapped).
CREATE TABLE organisation_key (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  purpose text NOT NULL CHECK (purpose IN ('data', 'blind_index')),
  key_version integer NOT NULL,
  wrapped bytea NOT NULL,
  master_key_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, purpose, key_version)
);

CREATE TABLE app_user (
  id uuid PRIMARY KEY,
  email citext NOT NULL UNIQUE,
  display_name text NOT NULL,
  password_hash text NOT NULL,
  lang text NOT NULL DEFAULT 'es',
  totp_secret_enc bytea,
  totp_enabled boolean NOT NULL DEFAULT false,
  totp_last_step bigint,
  recovery_codes jsonb NOT NULL DEFAULT '[]',
  disabled_at timestamptz,
  password_changed_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE membership (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  user_id uuid NOT NULL REFERENCES app_user (id),
  role text NOT NULL CHECK (role IN ('admin', 'documenter', 'analyst', 'reviewer', 'viewer')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, user_id)
);
CREATE INDEX membership_user ON membership (user_id);

CREATE TABLE coalition (
  id uuid PRIMARY KEY,
  slug citext NOT NULL UNIQUE,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE coalition_member (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  coalition_id uuid NOT NULL REFERENCES coalition (id),
  joined_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, coalition_id)
);
CREATE INDEX coalition_member_coalition ON coalition_member (coalition_id);

-- ---------------------------------------------------------------- the documentation model (ESF)
CREATE TABLE incident (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL,
  version integer NOT NULL DEFAULT 1,
  title text NOT NULL,
  narrative text,
  narrative_enc bytea,
  narrative_sensitive boolean NOT NULL DEFAULT false,
  start_date date,
  start_precision text CHECK (start_precision IN ('day', 'month', 'year')),
  start_approximate boolean NOT NULL DEFAULT false,
  end_date date,
  end_precision text CHECK (end_precision IN ('day', 'month', 'year')),
  end_approximate boolean NOT NULL DEFAULT false,
  country char(2),
  subdivision text,
  place_name text,
  latitude numeric(9, 6) CHECK (latitude BETWEEN -90 AND 90),
  longitude numeric(9, 6) CHECK (longitude BETWEEN -180 AND 180),
  status text NOT NULL,
  visibility text NOT NULL DEFAULT 'private' CHECK (visibility IN ('private', 'coalition', 'public')),
  reprisal boolean NOT NULL DEFAULT false,
  reprisal_mechanism text,
  reprisal_reference text,
  language text NOT NULL DEFAULT 'es',
  search tsvector GENERATED ALWAYS AS (
    setweight(atalaya_search_vector(title), 'A') ||
    setweight(atalaya_search_vector(place_name), 'B') ||
    setweight(atalaya_search_vector(narrative), 'C')
  ) STORED,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid,
  archived_at timestamptz,
  PRIMARY KEY (organisation_id, id),
  CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date),
  CHECK (narrative IS NULL OR narrative_enc IS NULL)
);
CREATE INDEX incident_search ON incident USING gin (search);
CREATE INDEX incident_start ON incident (organisation_id, start_date);
CREATE INDEX incident_country ON incident (organisation_id, country, subdivision);

CREATE TABLE actor (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL,
  version integer NOT NULL DEFAULT 1,
  kind text NOT NULL CHECK (kind IN ('person', 'organisation', 'group')),
  name_enc bytea NOT NULL,
  name_bidx bytea NOT NULL,
  aliases_enc bytea,
  contact_enc bytea,
  gender text,
  sectors text[] NOT NULL DEFAULT '{}',
  affiliation_id uuid,
  group_size integer CHECK (group_size IS NULL OR group_size > 0),
  consent_to_name boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid,
  archived_at timestamptz,
  PRIMARY KEY (organisation_id, id),
  FOREIGN KEY (organisation_id, affiliation_id) REFERENCES actor (organisation_id, id)
);
CREATE INDEX actor_name_bidx ON actor (organisation_id, name_bidx);

CREATE TABLE act (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL,
  version integer NOT NULL DEFAULT 1,
  incident_id uuid NOT NULL,
  victim_id uuid NOT NULL,
  act_type text NOT NULL,
  start_date date,
  start_precision text CHECK (start_precision IN ('day', 'month', 'year')),
  start_approximate boolean NOT NULL DEFAULT false,
  end_date date,
  end_precision text CHECK (end_precision IN ('day', 'month', 'year')),
  end_approximate boolean NOT NULL DEFAULT false,
  country char(2),
  subdivision text,
  place_name text,
  victim_status text,
  detention_type text,
  release_date date,
  charges text,
  court text,
  lawyer_access boolean,
  notes text,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid,
  archived_at timestamptz,
  PRIMARY KEY (organisation_id, id),
  FOREIGN KEY (organisation_id, incident_id) REFERENCES incident (organisation_id, id),
  FOREIGN KEY (organisation_id, victim_id) REFERENCES actor (organisation_id, id),
  CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date)
);
CREATE INDEX act_incident ON act (organisation_id, incident_id);
CREATE INDEX act_victim ON act (organisation_id, victim_id);
CREATE INDEX act_type_date ON act (organisation_id, act_type, start_date);

CREATE TABLE involvement (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL,
  version integer NOT NULL DEFAULT 1,
  act_id uuid NOT NULL,
  perpetrator_id uuid,
  perpetrator_type text NOT NULL,
  degree text,
  remarks text,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid,
  archived_at timestamptz,
  PRIMARY KEY (organisation_id, id),
  FOREIGN KEY (organisation_id, act_id) REFERENCES act (organisation_id, id),
  FOREIGN KEY (organisation_id, perpetrator_id) REFERENCES actor (organisation_id, id)
);
CREATE INDEX involvement_act ON involvement (organisation_id, act_id);

CREATE TABLE source (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL,
  version integer NOT NULL DEFAULT 1,
  incident_id uuid NOT NULL,
  act_id uuid,
  source_type text NOT NULL,
  connection text,
  reliability text,
  identity_enc bytea,
  notes_enc bytea,
  url text,
  source_date date,
  language text,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid,
  archived_at timestamptz,
  PRIMARY KEY (organisation_id, id),
  FOREIGN KEY (organisation_id, incident_id) REFERENCES incident (organisation_id, id),
  FOREIGN KEY (organisation_id, act_id) REFERENCES act (organisation_id, id)
);
CREATE INDEX source_incident ON source (organisation_id, incident_id);

CREATE TABLE evidence (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL,
  version integer NOT NULL DEFAULT 1,
  incident_id uuid NOT NULL,
  act_id uuid,
  storage_key text NOT NULL,
  sha256 char(64) NOT NULL,
  size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
  media_type text NOT NULL,
  original_name_enc bytea,
  description text,
  derived_from uuid,
  derivation text CHECK (derivation IN ('metadata_stripped')),
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid,
  archived_at timestamptz,
  PRIMARY KEY (organisation_id, id),
  FOREIGN KEY (organisation_id, incident_id) REFERENCES incident (organisation_id, id),
  FOREIGN KEY (organisation_id, act_id) REFERENCES act (organisation_id, id),
  FOREIGN KEY (organisation_id, derived_from) REFERENCES evidence (organisation_id, id)
);
CREATE INDEX evidence_incident ON evidence (organisation_id, incident_id);

CREATE TABLE intervention (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL,
  version integer NOT NULL DEFAULT 1,
  incident_id uuid NOT NULL,
  intervention_type text NOT NULL,
  intervention_date date,
  date_precision text CHECK (date_precision IN ('day', 'month', 'year')),
  by_whom text,
  mechanism text,
  reference text,
  response text,
  response_date date,
  notes text,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid,
  archived_at timestamptz,
  PRIMARY KEY (organisation_id, id),
  FOREIGN KEY (organisation_id, incident_id) REFERENCES incident (organisation_id, id)
);
CREATE INDEX intervention_incident ON intervention (organisation_id, incident_id);

CREATE TABLE incident_link (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL,
  version integer NOT NULL DEFAULT 1,
  from_incident_id uuid NOT NULL,
  to_incident_id uuid NOT NULL,
  link_type text NOT NULL,
  remarks text,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid,
  archived_at timestamptz,
  PRIMARY KEY (organisation_id, id),
  FOREIGN KEY (organisation_id, from_incident_id) REFERENCES incident (organisation_id, id),
  FOREIGN KEY (organisation_id, to_incident_id) REFERENCES incident (organisation_id, id),
  CHECK (from_incident_id <> to_incident_id)
);
CREATE INDEX incident_link_from ON incident_link (organisation_id, from_incident_id);
CREATE INDEX incident_link_to ON incident_link (organisation_id, to_incident_id);

-- A record shared with a coalition: which fields partners may see (null = the default shared set).
CREATE TABLE record_share (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  incident_id uuid NOT NULL,
  coalition_id uuid NOT NULL REFERENCES coalition (id),
  fields text[],
  shared_at timestamptz NOT NULL DEFAULT now(),
  shared_by uuid,
  PRIMARY KEY (organisation_id, incident_id, coalition_id),
  FOREIGN KEY (organisation_id, incident_id) REFERENCES incident (organisation_id, id)
);
CREATE INDEX record_share_coalition ON record_share (coalition_id);

-- Every version of every record, as stored (ciphertext stays ciphertext), with who, when and why.
CREATE TABLE record_history (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL,
  record_table text NOT NULL,
  record_id uuid NOT NULL,
  version integer NOT NULL,
  action text NOT NULL CHECK (action IN ('create', 'update', 'archive', 'restore')),
  reason text,
  changed_at timestamptz NOT NULL DEFAULT now(),
  changed_by uuid,
  row_data jsonb NOT NULL,
  PRIMARY KEY (organisation_id, id),
  UNIQUE (organisation_id, record_table, record_id, version)
);

-- Append-only, hash-chained per organisation (the nil uuid chains system events).
CREATE TABLE audit_log (
  organisation_id uuid NOT NULL,
  seq bigint NOT NULL,
  at timestamptz NOT NULL,
  user_id uuid,
  action text NOT NULL,
  object_table text,
  object_id uuid,
  outcome text NOT NULL DEFAULT 'ok',
  request_id text,
  client_hash text,
  detail jsonb NOT NULL DEFAULT '{}',
  prev_hash text NOT NULL,
  hash text NOT NULL,
  PRIMARY KEY (organisation_id, seq)
);
