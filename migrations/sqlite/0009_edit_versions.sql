-- No silent overwrite: each row an organiser edits in place through a form carries a version,
-- bumped by every such save; a save based on an older version is refused.
ALTER TABLE tracks ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE review_rounds ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE rubrics ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE jury_settings ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE shortlists ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE coaching_invitations ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
