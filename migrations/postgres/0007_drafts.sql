-- After a submission, the applicant's later edits are kept apart from what is judged:
-- `answers_json`, `form_version` and the summary columns (title, country, domain, women_led,
-- search_text) always hold the latest submitted version once there is one; an unsubmitted
-- draft lives here until a re-submission promotes it. NULL: no pending draft.
ALTER TABLE applications ADD COLUMN draft_answers_json TEXT;
ALTER TABLE applications ADD COLUMN draft_form_version BIGINT;
ALTER TABLE applications ADD COLUMN draft_saved_at BIGINT;
