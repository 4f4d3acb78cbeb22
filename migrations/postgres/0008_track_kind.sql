-- What a track's competition is (start-ups, public services, hackathon): it chooses the
-- track's default rubrics, which organisers may then edit.
ALTER TABLE tracks ADD COLUMN kind TEXT NOT NULL DEFAULT 'startup'
    CHECK (kind IN ('startup', 'administration', 'hackathon'));
-- Existing tracks of the Semaine du Numérique call, by their codes.
UPDATE tracks SET kind = 'administration' WHERE code = 'ADM';
UPDATE tracks SET kind = 'hackathon' WHERE code = 'CYB';
