-- The event's programme: the rooms of the venue, the speakers, and the sessions (ceremonies,
-- keynotes, panels, pitches, workshops, coaching, networking, the gala), each in one room at
-- one time, with its speakers and moderator. Who may change it: the edition's organisers
-- (src/programme). Everyone may read it: the public programme pages are cached, so every
-- table bumps the site version.

CREATE TABLE programme_rooms (
    id INTEGER PRIMARY KEY,
    edition_id BIGINT NOT NULL REFERENCES editions(id),
    name TEXT NOT NULL,
    capacity BIGINT NOT NULL,
    floor TEXT NOT NULL DEFAULT '',
    position BIGINT NOT NULL,
    UNIQUE (edition_id, name)
);

CREATE TABLE programme_speakers (
    id INTEGER PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE,
    edition_id BIGINT NOT NULL REFERENCES editions(id),
    name TEXT NOT NULL,
    organisation TEXT NOT NULL DEFAULT '',
    -- ISO 3166-1 alpha-2, upper case; '' when not given.
    country TEXT NOT NULL DEFAULT '',
    bio_fr TEXT NOT NULL DEFAULT '',
    bio_en TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX programme_speakers_edition ON programme_speakers(edition_id, name);

CREATE TABLE programme_sessions (
    id INTEGER PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE,
    edition_id BIGINT NOT NULL REFERENCES editions(id),
    -- ceremony, keynote, panel, pitch, workshop, coaching, networking, gala
    kind TEXT NOT NULL,
    title_fr TEXT NOT NULL,
    title_en TEXT NOT NULL,
    abstract_fr TEXT NOT NULL DEFAULT '',
    abstract_en TEXT NOT NULL DEFAULT '',
    -- Instants (UTC milliseconds), entered and shown in the edition's zone; ends after starts.
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    room_id BIGINT REFERENCES programme_rooms(id),
    theme TEXT NOT NULL DEFAULT '',
    -- The language spoken: 'fr', 'en' or 'bm' (Bambara).
    language TEXT NOT NULL,
    -- Bumped by every save: no silent overwrite of another organiser's edit.
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX programme_sessions_edition ON programme_sessions(edition_id, starts_at);

-- Who speaks in a session, in the order shown; 'moderator' or 'speaker'.
CREATE TABLE programme_session_speakers (
    session_id BIGINT NOT NULL REFERENCES programme_sessions(id),
    speaker_id BIGINT NOT NULL REFERENCES programme_speakers(id),
    role TEXT NOT NULL,
    position BIGINT NOT NULL,
    PRIMARY KEY (session_id, speaker_id)
);
CREATE INDEX programme_session_speakers_speaker ON programme_session_speakers(speaker_id);

-- "My programme": the sessions a signed-in person chose to follow (private to them, so no
-- public page shows it and it does not bump the site version).
CREATE TABLE programme_favourites (
    user_id BIGINT NOT NULL REFERENCES users(id),
    session_id BIGINT NOT NULL REFERENCES programme_sessions(id),
    added_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, session_id)
);

CREATE TRIGGER site_version_programme_rooms_ins AFTER INSERT ON programme_rooms
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER site_version_programme_rooms_upd AFTER UPDATE ON programme_rooms
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER site_version_programme_rooms_del AFTER DELETE ON programme_rooms
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER site_version_programme_speakers_ins AFTER INSERT ON programme_speakers
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER site_version_programme_speakers_upd AFTER UPDATE ON programme_speakers
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER site_version_programme_speakers_del AFTER DELETE ON programme_speakers
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER site_version_programme_sessions_ins AFTER INSERT ON programme_sessions
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER site_version_programme_sessions_upd AFTER UPDATE ON programme_sessions
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER site_version_programme_sessions_del AFTER DELETE ON programme_sessions
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER site_version_programme_session_speakers_ins AFTER INSERT ON programme_session_speakers
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER site_version_programme_session_speakers_upd AFTER UPDATE ON programme_session_speakers
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER site_version_programme_session_speakers_del AFTER DELETE ON programme_session_speakers
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;
