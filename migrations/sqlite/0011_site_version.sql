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

CREATE TRIGGER site_version_events_ins AFTER INSERT ON events
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER site_version_events_upd AFTER UPDATE ON events
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER site_version_events_del AFTER DELETE ON events
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER site_version_editions_ins AFTER INSERT ON editions
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER site_version_editions_upd AFTER UPDATE ON editions
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER site_version_editions_del AFTER DELETE ON editions
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;

-- `ref_seq` changes with every submission and is never shown: it does not bump.
CREATE TRIGGER site_version_tracks_ins AFTER INSERT ON tracks
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER site_version_tracks_upd AFTER UPDATE OF edition_id, slug, code, position,
    name_fr, name_en, description_fr, description_en, opens_at, closes_at, max_per_applicant,
    eligibility_json, form_version ON tracks
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER site_version_tracks_del AFTER DELETE ON tracks
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER site_version_forms_ins AFTER INSERT ON form_versions
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER site_version_forms_upd AFTER UPDATE ON form_versions
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER site_version_forms_del AFTER DELETE ON form_versions
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER site_version_shortlists_ins AFTER INSERT ON shortlists
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER site_version_shortlists_upd AFTER UPDATE ON shortlists
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER site_version_shortlists_del AFTER DELETE ON shortlists
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER site_version_entries_ins AFTER INSERT ON shortlist_entries
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER site_version_entries_upd AFTER UPDATE ON shortlist_entries
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER site_version_entries_del AFTER DELETE ON shortlist_entries
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;

-- The jury's pitch timer is not public: only the schedule bumps.
CREATE TRIGGER site_version_slots_ins AFTER INSERT ON pitch_slots
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER site_version_slots_upd AFTER UPDATE OF edition_id, track_id, application_id,
    position, starts_at, minutes, room ON pitch_slots
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER site_version_slots_del AFTER DELETE ON pitch_slots
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER site_version_results_ins AFTER INSERT ON results_publications
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER site_version_results_upd AFTER UPDATE ON results_publications
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER site_version_results_del AFTER DELETE ON results_publications
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;

-- Finalists' titles, teams and names are public; other applications are not.
CREATE TRIGGER site_version_finalists_upd AFTER UPDATE OF track_id, applicant_id, title,
    answers_json ON applications
WHEN EXISTS (SELECT 1 FROM shortlist_entries WHERE application_id = NEW.id)
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER site_version_names_upd AFTER UPDATE OF display_name ON users
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;
