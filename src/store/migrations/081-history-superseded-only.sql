-- History keeps only superseded versions (issue 18 §5). A record's current version lives in its own
-- table; a copy of it in record_history was most of what an import wrote (73 % of the floor of
-- a plain COPY of its output). Each history row still records one change — version, action,
-- reason, who and when — but its row_data is now the version that change SUPERSEDED: NULL for a
-- creation, the version before for an update, archive or restore. The data of version v is thus
-- the row_data of the next change, or the live row when v is the current version
-- (records/record-store.ts historyRows). Still one append-only insert per change: the application
-- role may not update this table (003).
ALTER TABLE record_history ALTER COLUMN row_data DROP NOT NULL;

-- Existing rows: each change takes the data of the change before it; the copy of the current
-- version (the data of the latest change) is dropped, since the live row holds it.
UPDATE record_history h
SET row_data = p.before
FROM (
  SELECT organisation_id, id,
    lag(row_data) OVER (PARTITION BY organisation_id, record_table, record_id ORDER BY version) AS before
  FROM record_history
) p
WHERE p.organisation_id = h.organisation_id AND p.id = h.id;

COMMENT ON COLUMN record_history.row_data IS
  'The version this change superseded (NULL for a creation); the current version is the live row (migration 081).';
