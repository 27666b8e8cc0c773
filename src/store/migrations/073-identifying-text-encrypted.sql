-- Identifying free text encrypted at rest (issue 19, point 11): an act's notes, a perpetrator
-- involvement's remarks and an evidence item's description can name or locate a victim, a witness
-- or a source, so from now on they are stored like the narrative and the source notes: AES-256-GCM
-- under the organisation's data key, bound to `<table>.<column>:<record id>`.
--
-- Encrypting needs the keys, which the database never holds, so existing clear values (and the
-- clear copies kept in record_history) are moved by Atalaya at start-up (access/clear-text-move.ts)
-- right after the migrations, and the clear columns are left empty. Writers only use the *_enc
-- columns; the clear ones stay (always NULL) until a later migration drops them, so a database
-- migrated by this version can still be opened by it while the move has not run.
ALTER TABLE act ADD COLUMN notes_enc bytea;
ALTER TABLE involvement ADD COLUMN remarks_enc bytea;
ALTER TABLE evidence ADD COLUMN description_enc bytea;
