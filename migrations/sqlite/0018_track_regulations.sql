-- A track's rules of the competition (règlement) in the organisers' words: a public page of
-- the call, linked from the consent that accepts them.
ALTER TABLE tracks ADD COLUMN regulations_fr TEXT NOT NULL DEFAULT '';
ALTER TABLE tracks ADD COLUMN regulations_en TEXT NOT NULL DEFAULT '';

DROP TRIGGER site_version_tracks_upd;
CREATE TRIGGER site_version_tracks_upd AFTER UPDATE OF edition_id, slug, code, position,
    name_fr, name_en, description_fr, description_en, opens_at, closes_at, max_per_applicant,
    eligibility_json, form_version, conditions_fr, conditions_en, regulations_fr, regulations_en
    ON tracks
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;
