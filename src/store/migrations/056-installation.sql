-- Installation and organisations (issue 16 §1): the installation administrator, who creates,
-- renames and archives organisations but holds no membership in any (so no policy ever gives them
-- an organisation's records); organisations carry their languages and time zone, and can be
-- archived (no one signs in to an archived organisation; its records stay, sealed by its keys).
ALTER TABLE app_user ADD COLUMN installation_admin boolean NOT NULL DEFAULT false;
ALTER TABLE organisation ADD COLUMN archived_at timestamptz;
ALTER TABLE organisation ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC';
ALTER TABLE organisation ADD COLUMN languages text[] NOT NULL DEFAULT '{es,en}';
