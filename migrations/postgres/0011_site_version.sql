-- The version of everything anonymous visitors can read (calls, tracks, shortlists, pitch
-- schedules, results). Public pages are cached per version; triggers bump it in the same
-- transaction as any write that changes what those pages show, whichever code path (or
-- instance sharing the database) made it.
CREATE TABLE site_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO site_version (id, version) VALUES (1, 1);

-- Finds whether an edited application is a finalist (public) without a scan.
CREATE INDEX shortlist_entries_application ON shortlist_entries(application_id);

CREATE FUNCTION bump_site_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE site_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END;
$$;

CREATE TRIGGER site_version_events AFTER INSERT OR UPDATE OR DELETE ON events
FOR EACH ROW EXECUTE FUNCTION bump_site_version();
CREATE TRIGGER site_version_editions AFTER INSERT OR UPDATE OR DELETE ON editions
FOR EACH ROW EXECUTE FUNCTION bump_site_version();
-- `ref_seq` changes with every submission and is never shown: it does not bump.
CREATE TRIGGER site_version_tracks AFTER INSERT OR DELETE OR UPDATE OF edition_id, slug, code,
    position, name_fr, name_en, description_fr, description_en, opens_at, closes_at,
    max_per_applicant, eligibility_json, form_version ON tracks
FOR EACH ROW EXECUTE FUNCTION bump_site_version();
CREATE TRIGGER site_version_forms AFTER INSERT OR UPDATE OR DELETE ON form_versions
FOR EACH ROW EXECUTE FUNCTION bump_site_version();
CREATE TRIGGER site_version_shortlists AFTER INSERT OR UPDATE OR DELETE ON shortlists
FOR EACH ROW EXECUTE FUNCTION bump_site_version();
CREATE TRIGGER site_version_entries AFTER INSERT OR UPDATE OR DELETE ON shortlist_entries
FOR EACH ROW EXECUTE FUNCTION bump_site_version();
-- The jury's pitch timer is not public: only the schedule bumps.
CREATE TRIGGER site_version_slots AFTER INSERT OR DELETE OR UPDATE OF edition_id, track_id,
    application_id, position, starts_at, minutes, room ON pitch_slots
FOR EACH ROW EXECUTE FUNCTION bump_site_version();
CREATE TRIGGER site_version_results AFTER INSERT OR UPDATE OR DELETE ON results_publications
FOR EACH ROW EXECUTE FUNCTION bump_site_version();

-- Finalists' titles, teams and names are public; other applications are not.
CREATE FUNCTION bump_site_version_for_finalist() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM shortlist_entries WHERE application_id = NEW.id) THEN
        UPDATE site_version SET version = version + 1 WHERE id = 1;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER site_version_finalists AFTER UPDATE OF track_id, applicant_id, title,
    answers_json ON applications
FOR EACH ROW EXECUTE FUNCTION bump_site_version_for_finalist();
CREATE TRIGGER site_version_names AFTER UPDATE OF display_name ON users
FOR EACH ROW EXECUTE FUNCTION bump_site_version();
