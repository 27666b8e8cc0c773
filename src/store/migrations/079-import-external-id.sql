-- The source file's own row id (issue 18): kept with each import key so that exports can carry it
-- and a round trip can be matched row by row. Sealed with the organisation's data key like other
-- identifying fields (a spreadsheet's ids are sometimes names or case numbers); the additional
-- data binds it to its key's blind index. NULL for keys stored before this column existed and for
-- rows identified by their content hash (files without an id column).
-- import_key already has row-level security (031-import-rls.sql); a new column inherits it.
ALTER TABLE import_key ADD COLUMN external_id_enc bytea;
