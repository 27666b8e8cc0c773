-- Row-level security on joint statements and the public release register (issue 16 §6), the second
-- wall as in 003: as atalaya_app, a transaction sees the statements of the organisations in its
-- scope; an organisation invited on the platform sees the statements it is asked to sign; the
-- public scope sees published statements (and the text of one open for signatures by the public);
-- nothing else. Look-ups that must work before any scope is known (a sign-on link's token, the
-- statement that owns a hero image, global slug uniqueness, embargoes that end) go through the
-- SECURITY DEFINER functions below, each answering one narrow question.

-- The statement is visible to the public scope: published (or withdrawn, with its notice), or open
-- for anyone to add their name (its text must then be readable to be signed).
CREATE OR REPLACE FUNCTION atalaya_statement_public(org uuid, sid uuid) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT EXISTS (SELECT 1 FROM statement s WHERE s.organisation_id = org AND s.id = sid AND s.archived_at IS NULL
    AND (s.status IN ('published', 'corrected', 'withdrawn') OR (s.status = 'open' AND s.open_signon)))
$$;

-- An organisation in the scope was invited on the platform to sign this statement.
CREATE OR REPLACE FUNCTION atalaya_statement_invited(org uuid, sid uuid) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT EXISTS (SELECT 1 FROM statement_signatory g WHERE g.organisation_id = org AND g.statement_id = sid
    AND g.invited_org_id = ANY (atalaya_scope_orgs()))
$$;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['statement', 'statement_version', 'statement_incident', 'statement_signatory',
                           'statement_correction', 'statement_event', 'public_release'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
  END LOOP;
END $$;

CREATE POLICY scope_read ON statement USING (organisation_id = ANY (atalaya_scope_orgs())
    OR (atalaya_scope_public() AND archived_at IS NULL AND (status IN ('published', 'corrected', 'withdrawn') OR (status = 'open' AND open_signon)))
    OR atalaya_statement_invited(organisation_id, id))
  WITH CHECK (organisation_id = ANY (atalaya_scope_orgs()));
CREATE POLICY scope_read ON statement_version USING (organisation_id = ANY (atalaya_scope_orgs())
    OR (atalaya_scope_public() AND atalaya_statement_public(organisation_id, statement_id))
    OR atalaya_statement_invited(organisation_id, statement_id))
  WITH CHECK (organisation_id = ANY (atalaya_scope_orgs()));
CREATE POLICY scope_read ON statement_incident USING (organisation_id = ANY (atalaya_scope_orgs())
    OR (atalaya_scope_public() AND atalaya_statement_public(organisation_id, statement_id)))
  WITH CHECK (organisation_id = ANY (atalaya_scope_orgs()));
-- The public sees who signed (names only are selected; contacts are encrypted), an invited
-- organisation its own invitation.
CREATE POLICY scope_read ON statement_signatory USING (organisation_id = ANY (atalaya_scope_orgs())
    OR invited_org_id = ANY (atalaya_scope_orgs())
    OR (atalaya_scope_public() AND status = 'signed' AND atalaya_statement_public(organisation_id, statement_id)))
  WITH CHECK (organisation_id = ANY (atalaya_scope_orgs()));
CREATE POLICY scope_read ON statement_correction USING (organisation_id = ANY (atalaya_scope_orgs())
    OR (atalaya_scope_public() AND atalaya_statement_public(organisation_id, statement_id)))
  WITH CHECK (organisation_id = ANY (atalaya_scope_orgs()));
CREATE POLICY scope_write ON statement_event USING (organisation_id = ANY (atalaya_scope_orgs()))
  WITH CHECK (organisation_id = ANY (atalaya_scope_orgs()));
-- The register of what the public was shown: read and appended by public dashboard reads only
-- (it holds published figures, but nothing else has reason to touch it); never changed.
CREATE POLICY public_read ON public_release FOR SELECT USING (atalaya_scope_public());
CREATE POLICY public_append ON public_release FOR INSERT WITH CHECK (atalaya_scope_public());

-- A sign-on link's token (stored hashed) leads to its signatory row's keys, whatever the scope: the
-- token is the permission; the caller then works in that organisation's scope.
CREATE OR REPLACE FUNCTION atalaya_signatory_by_token(h bytea) RETURNS TABLE (organisation_id uuid, id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT g.organisation_id, g.id FROM statement_signatory g WHERE g.token_hash = h
$$;
CREATE OR REPLACE FUNCTION atalaya_signatory_by_withdraw_token(h bytea) RETURNS TABLE (organisation_id uuid, id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT g.organisation_id, g.id FROM statement_signatory g WHERE g.withdraw_token_hash = h
$$;

-- Statement slugs are public URLs, unique across organisations: whether one is taken (exactly, or
-- as the stem of a language version's slug), whoever holds it.
CREATE OR REPLACE FUNCTION atalaya_statement_slug_taken(candidate citext, except_statement uuid, as_stem boolean) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT EXISTS (SELECT 1 FROM statement s WHERE s.slug = candidate AND s.id IS DISTINCT FROM except_statement)
    OR EXISTS (SELECT 1 FROM statement_version v WHERE v.statement_id IS DISTINCT FROM except_statement
               AND (v.slug = candidate OR (as_stem AND v.slug::text LIKE candidate::text || '-%')))
$$;

-- The status of the statement a public slug names, so an unpublished one answers "embargoed".
CREATE OR REPLACE FUNCTION atalaya_statement_status_by_slug(candidate citext) RETURNS text
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT s.status FROM statement_version v JOIN statement s ON s.organisation_id = v.organisation_id AND s.id = v.statement_id
  WHERE v.slug = candidate AND s.archived_at IS NULL
$$;

-- The statement that owns a hero image key (the route decides who may see the image).
CREATE OR REPLACE FUNCTION atalaya_statement_by_hero(k text)
  RETURNS TABLE (organisation_id uuid, id uuid, status text, published_at timestamptz)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT s.organisation_id, s.id, s.status, s.published_at FROM statement s WHERE s.hero_key = k LIMIT 1
$$;

-- Scheduled statements whose embargo has ended, across organisations (the publication timer then
-- publishes each in its own organisation's scope), and the next embargo time.
CREATE OR REPLACE FUNCTION atalaya_statements_due(at_time timestamptz)
  RETURNS TABLE (organisation_id uuid, id uuid, embargo_until timestamptz, version integer)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT s.organisation_id, s.id, s.embargo_until, s.version FROM statement s
  WHERE s.status = 'scheduled' AND s.embargo_until <= at_time AND s.archived_at IS NULL
$$;
CREATE OR REPLACE FUNCTION atalaya_next_embargo() RETURNS timestamptz
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT min(s.embargo_until) FROM statement s WHERE s.status = 'scheduled'
$$;
