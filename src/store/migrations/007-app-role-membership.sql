-- The connecting role must be a member of atalaya_app to switch to it (a non-superuser that created
-- the role is not a member by itself on PostgreSQL 15). Harmless for superusers.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'atalaya_app')
     AND NOT pg_has_role(current_user, 'atalaya_app', 'MEMBER') THEN
    EXECUTE format('GRANT atalaya_app TO %I', current_user);
  END IF;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'atalaya: cannot grant atalaya_app to %; row-level security will not be enforced for the application', current_user;
END $$;
