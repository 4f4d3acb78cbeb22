-- What a track's competition is (start-ups, public services, hackathon): it chooses the
-- track's default rubrics, which organisers may then edit.
ALTER TABLE tracks ADD COLUMN kind TEXT NOT NULL DEFAULT 'startup'
    CHECK (kind IN ('startup', 'administration', 'hackathon'));
-- Existing tracks of the Semaine du Numérique call, by their codes.
UPDATE tracks SET kind = 'administration' WHERE code = 'ADM';
UPDATE tracks SET kind = 'hackathon' WHERE code = 'CYB';
-- The call states no age limit for the hackathon: drop the 15–35 rule the seed used to add.
UPDATE tracks SET eligibility_json = REPLACE(eligibility_json,
    ',{"rule":"age_between","field":"birth_date","min":15,"max":35}', '')
    WHERE kind = 'hackathon';
