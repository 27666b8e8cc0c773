-- Organisation settings (issue 16 §1): the visibility a new case starts with. Sharing with
-- coalitions is a fact of its own (record_share, migration 065), so the choice is private or public.
ALTER TABLE organisation ADD COLUMN default_visibility text NOT NULL DEFAULT 'private'
  CHECK (default_visibility IN ('private', 'public'));
