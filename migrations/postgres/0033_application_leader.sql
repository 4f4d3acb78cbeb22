-- The person leading a dossier, as the statistics count them (gender, young founder):
-- copied out of the answers with the other summary columns (`applications::Leader`), so
-- that counting an edition of thousands reads no JSON. Filled here for the dossiers
-- already there, with the same paths `Leader::of` reads.
ALTER TABLE applications ADD COLUMN leader_gender TEXT;
ALTER TABLE applications ADD COLUMN leader_birth_date TEXT;
ALTER TABLE applications ADD COLUMN leader_age BIGINT;

UPDATE applications SET
    leader_gender = COALESCE(answers_json::jsonb #>> '{leader_gender,text}',
                             answers_json::jsonb #>> '{gender,text}',
                             answers_json::jsonb #>> '{team,group,0,gender,text}'),
    leader_birth_date = answers_json::jsonb #>> '{birth_date,text}',
    leader_age = CASE WHEN jsonb_typeof(answers_json::jsonb #> '{team,group,0,age,number}') = 'number'
                      THEN (answers_json::jsonb #>> '{team,group,0,age,number}')::numeric::bigint END;

-- What the statistics read of an edition's dossiers, beside the track and status they are
-- found by (the same index as SQLite's, where it matters more: SQLite rows holding the
-- answers spill over several pages).
CREATE INDEX applications_counted ON applications(track_id, status)
    INCLUDE (country, domain, women_led, leader_gender, leader_birth_date, leader_age, submitted_at);
-- It begins with the track and status: the index of 0001 on those two alone is redundant.
DROP INDEX applications_track_status;
