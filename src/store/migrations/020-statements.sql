-- Joint statements (issue 5): statements owned by the coordinating organisation, their language
-- versions, the cases they cite, signatories (invited organisations and individuals from open
-- sign-on), corrections, and the event history of every step. Runs on PostgreSQL 15 and PGlite.
-- Slugs are global because they are public URLs.

CREATE TABLE statement (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL,
  version integer NOT NULL DEFAULT 1,
  slug citext NOT NULL UNIQUE,
  status text NOT NULL DEFAULT 'draft'
    CHECK (status IN ('draft', 'open', 'scheduled', 'published', 'corrected', 'withdrawn')),
  source_lang text NOT NULL,
  countries text[] NOT NULL DEFAULT '{}',
  themes text[] NOT NULL DEFAULT '{}',
  statement_date date,
  embargo_until timestamptz,
  published_at timestamptz,
  sign_deadline timestamptz,
  open_signon boolean NOT NULL DEFAULT false,
  signatory_order text NOT NULL DEFAULT 'alpha' CHECK (signatory_order IN ('alpha', 'manual')),
  hero_key text,
  hero_width integer,
  hero_height integer,
  hero_credit text,
  press_name text,
  press_email text,
  press_phone text,
  withdrawn_at timestamptz,
  withdrawal_note text,
  imported boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid,
  archived_at timestamptz,
  PRIMARY KEY (organisation_id, id)
);
CREATE INDEX statement_public ON statement (status, published_at);
CREATE INDEX statement_countries ON statement USING gin (countries);

-- One row per language (any BCP 47 tag). revision counts text changes; a translation remembers the
-- revision of its source it was made from, so a newer source flags it for the translator.
CREATE TABLE statement_version (
  organisation_id uuid NOT NULL,
  statement_id uuid NOT NULL,
  lang text NOT NULL,
  slug citext NOT NULL UNIQUE,
  title text NOT NULL,
  lead text NOT NULL DEFAULT '',
  body text NOT NULL DEFAULT '',
  hero_alt text,
  translator text,
  revision integer NOT NULL DEFAULT 1,
  source_revision integer,
  search tsvector GENERATED ALWAYS AS (
    setweight(atalaya_search_vector(title), 'A') ||
    setweight(atalaya_search_vector(lead), 'B') ||
    setweight(atalaya_search_vector(body), 'C')
  ) STORED,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid,
  PRIMARY KEY (organisation_id, statement_id, lang),
  FOREIGN KEY (organisation_id, statement_id) REFERENCES statement (organisation_id, id)
);
CREATE INDEX statement_version_search ON statement_version USING gin (search);

CREATE TABLE statement_incident (
  organisation_id uuid NOT NULL,
  statement_id uuid NOT NULL,
  incident_id uuid NOT NULL,
  PRIMARY KEY (organisation_id, statement_id, incident_id),
  FOREIGN KEY (organisation_id, statement_id) REFERENCES statement (organisation_id, id),
  FOREIGN KEY (organisation_id, incident_id) REFERENCES incident (organisation_id, id)
);

-- Invited organisations (on the platform or by e-mail) and individuals from open sign-on.
-- Tokens are stored only as SHA-256 hashes; e-mail addresses and individuals' names are encrypted.
CREATE TABLE statement_signatory (
  organisation_id uuid NOT NULL,
  id uuid NOT NULL,
  statement_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('organisation', 'individual')),
  invited_org_id uuid REFERENCES organisation (id),
  email_enc bytea,
  invite_lang text NOT NULL DEFAULT 'es',
  status text NOT NULL CHECK (status IN ('invited', 'opened', 'signed', 'declined', 'withdrawn',
    'unconfirmed', 'pending', 'rejected')),
  token_hash bytea UNIQUE,
  token_expires_at timestamptz,
  token_used_at timestamptz,
  withdraw_token_hash bytea UNIQUE,
  display_names jsonb NOT NULL DEFAULT '{}',
  signer_name_enc bytea,
  authority_confirmed boolean NOT NULL DEFAULT false,
  sort_key integer,
  opened_at timestamptz,
  signed_at timestamptz,
  declined_at timestamptz,
  withdrawn_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, id),
  FOREIGN KEY (organisation_id, statement_id) REFERENCES statement (organisation_id, id)
);
CREATE INDEX statement_signatory_statement ON statement_signatory (organisation_id, statement_id);
CREATE INDEX statement_signatory_invited_org ON statement_signatory (invited_org_id);

-- Public, dated notes: corrections (and the withdrawal notice lives on the statement row).
CREATE TABLE statement_correction (
  organisation_id uuid NOT NULL,
  id uuid NOT NULL,
  statement_id uuid NOT NULL,
  corrected_at timestamptz NOT NULL DEFAULT now(),
  notes jsonb NOT NULL DEFAULT '{}',
  created_by uuid,
  PRIMARY KEY (organisation_id, id),
  FOREIGN KEY (organisation_id, statement_id) REFERENCES statement (organisation_id, id)
);

-- Every step of a statement: status changes, text revisions, invitations and signatures.
CREATE TABLE statement_event (
  organisation_id uuid NOT NULL,
  id uuid NOT NULL,
  statement_id uuid NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  by_user uuid,
  event text NOT NULL,
  from_status text,
  to_status text,
  detail jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (organisation_id, id),
  FOREIGN KEY (organisation_id, statement_id) REFERENCES statement (organisation_id, id)
);
CREATE INDEX statement_event_statement ON statement_event (organisation_id, statement_id, at);
