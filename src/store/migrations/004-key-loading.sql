-- The keyring reads an organisation's wrapped keys whatever the transaction's scope: they are
-- protected by the master-key wrapping, not by row-level security, and tools that work across the
-- scope (bulk generators, imports, key rotation) must open them too. Writing keys stays scoped.
CREATE OR REPLACE FUNCTION atalaya_organisation_keys(org uuid)
  RETURNS TABLE (purpose text, key_version integer, wrapped bytea, master_key_id text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT k.purpose, k.key_version, k.wrapped, k.master_key_id FROM organisation_key k WHERE k.organisation_id = org
$$;
