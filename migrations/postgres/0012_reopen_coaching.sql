-- Selection follow-ups.
-- How a preselection normalises its totals: 'round' takes the mean and spread over every
-- dossier of the round (all tracks), 'track' over the dossiers of each track alone.
ALTER TABLE review_rounds ADD COLUMN pooling TEXT NOT NULL DEFAULT 'round';

-- Coaching sessions are edited in place (version check) and cancelled rather than deleted,
-- so organisers and finalists still see what was planned and why it no longer holds.
ALTER TABLE coaching_sessions ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE coaching_sessions ADD COLUMN cancelled_at BIGINT;
ALTER TABLE coaching_sessions ADD COLUMN cancel_reason TEXT;
-- A withdrawn invitation is kept (with its instant) rather than deleted: the finalist was told
-- of it, and attendance or notes already written on it stay attached to what happened.
ALTER TABLE coaching_invitations ADD COLUMN withdrawn_at BIGINT;
