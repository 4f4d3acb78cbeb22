-- The person leading a dossier, as the statistics count them (gender, young founder):
-- copied out of the answers with the other summary columns (`applications::Leader`), so
-- that counting an edition of thousands reads no JSON. Filled here for the dossiers
-- already there, with the same paths `Leader::of` reads.
ALTER TABLE applications ADD COLUMN leader_gender TEXT;
ALTER TABLE applications ADD COLUMN leader_birth_date TEXT;
ALTER TABLE applications ADD COLUMN leader_age INTEGER;

UPDATE applications SET
    leader_gender = COALESCE(json_extract(answers_json, '$.leader_gender.text'),
                             json_extract(answers_json, '$.gender.text'),
                             json_extract(answers_json, '$.team.group[0].gender.text')),
    leader_birth_date = json_extract(answers_json, '$.birth_date.text'),
    leader_age = CASE WHEN json_type(answers_json, '$.team.group[0].age.number') = 'integer'
                      THEN json_extract(answers_json, '$.team.group[0].age.number') END
WHERE json_valid(answers_json);

-- What the statistics read of an edition's dossiers, in one index: the rows themselves hold
-- the answers and spill over several pages each, which SQLite would walk to reach the
-- columns after them.
CREATE INDEX applications_counted ON applications(track_id, status, country, domain, women_led,
    leader_gender, leader_birth_date, leader_age, submitted_at);
-- It begins with the track and status: the index of 0001 on those two alone is redundant.
DROP INDEX applications_track_status;
