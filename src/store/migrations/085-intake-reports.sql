-- "Report an attack": the public intake (issue 21). Runs on PostgreSQL 15 and PGlite.
-- Nothing here can say who a reporter is or when, finer than the day, they wrote: no address, no
-- user agent, no timestamp columns on reporter rows (dates only), contents sealed with the
-- receiving organisation's data key. Order within a report is a sequence number, not a time.

-- Whether an organisation accepts reports, and how many a day (abuse control that identifies nobody).
CREATE TABLE intake_setting (
  organisation_id uuid PRIMARY KEY REFERENCES organisation (id),
  accepts_reports boolean NOT NULL DEFAULT false,
  daily_cap integer NOT NULL DEFAULT 200 CHECK (daily_cap BETWEEN 1 AND 100000)
);

CREATE TABLE intake_report (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL,
  received_on date NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'awaiting_reporter', 'spam', 'case')),
  body_enc bytea NOT NULL,
  -- Set when the reporter wrote since staff last answered; the queue shows it first.
  reporter_waiting boolean NOT NULL DEFAULT true,
  case_id uuid,
  PRIMARY KEY (organisation_id, id),
  FOREIGN KEY (organisation_id, case_id) REFERENCES incident (organisation_id, id)
);
CREATE INDEX intake_report_queue ON intake_report (organisation_id, status, received_on DESC);

-- The receipt code's look-up: a non-secret locator (its first words) and a slow hash of the rest.
-- Kept apart from the report so the public follow-up can find its organisation without a scope,
-- and holding nothing but hashes.
CREATE TABLE intake_receipt (
  locator text PRIMARY KEY,
  organisation_id uuid NOT NULL,
  report_id uuid NOT NULL,
  secret_hash text NOT NULL,
  FOREIGN KEY (organisation_id, report_id) REFERENCES intake_report (organisation_id, id)
);

-- Daily counts per organisation for the cap; rows older than a day are pruned on write.
CREATE TABLE intake_daily_count (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  day date NOT NULL,
  reports integer NOT NULL DEFAULT 0,
  PRIMARY KEY (organisation_id, day)
);

CREATE TABLE intake_message (
  organisation_id uuid NOT NULL,
  report_id uuid NOT NULL,
  seq integer NOT NULL,
  author text NOT NULL CHECK (author IN ('reporter', 'staff')),
  kind text NOT NULL CHECK (kind IN ('addition', 'reply', 'request')),
  sent_on date NOT NULL,
  user_id uuid REFERENCES app_user (id),
  body_enc bytea NOT NULL,
  PRIMARY KEY (organisation_id, report_id, seq),
  FOREIGN KEY (organisation_id, report_id) REFERENCES intake_report (organisation_id, id)
);

-- Files sent with a report (or added later): the sealed original and, for images, a stripped copy,
-- both stored like evidence; they become evidence rows when the report turns into a case.
CREATE TABLE intake_file (
  organisation_id uuid NOT NULL,
  id uuid NOT NULL,
  report_id uuid NOT NULL,
  message_seq integer,
  storage_key text NOT NULL,
  sha256 char(64) NOT NULL,
  size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
  media_type text NOT NULL,
  stripped_storage_key text,
  stripped_sha256 char(64),
  stripped_size_bytes bigint,
  stripped_media_type text,
  name_enc bytea,
  PRIMARY KEY (organisation_id, id),
  FOREIGN KEY (organisation_id, report_id) REFERENCES intake_report (organisation_id, id)
);

-- The case a report became remembers it through case_id.
CREATE INDEX intake_report_case ON intake_report (organisation_id, case_id) WHERE case_id IS NOT NULL;

-- Arrival notices for staff (kind 'new_report'). The notice is dated to the day, like the report.
ALTER TABLE notification DROP CONSTRAINT IF EXISTS notification_kind_check;
ALTER TABLE notification ADD CONSTRAINT notification_kind_check CHECK (kind IN ('new_incident', 'escalation', 'new_report'));

-- The second wall (as in 003/011/041) on every table that holds report contents.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['intake_report', 'intake_message', 'intake_file', 'intake_daily_count'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY scope_write ON %I USING (organisation_id = ANY (atalaya_scope_orgs())) WITH CHECK (organisation_id = ANY (atalaya_scope_orgs()))', t);
  END LOOP;
END $$;
