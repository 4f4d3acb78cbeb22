-- The final: jury settings, the pitch schedule with the organiser's timer, and the
-- publications of the results (never edited: a correction is a new version).

-- Settings of the final round: the allowed presentation time (for the "timing" criterion)
-- and whether a category laureate may also receive the special prize.
CREATE TABLE jury_settings (
    round_id BIGINT PRIMARY KEY REFERENCES review_rounds(id),
    allowed_secs INTEGER NOT NULL DEFAULT 300,
    cumulate BOOLEAN NOT NULL DEFAULT FALSE
);

-- One pitch per finalist: slot start (UTC ms, entered in the edition's civil time), length,
-- room and order within its category; the timer's start and stop instants and the measured
-- presentation time in seconds.
CREATE TABLE pitch_slots (
    id INTEGER PRIMARY KEY,
    edition_id BIGINT NOT NULL REFERENCES editions(id),
    track_id BIGINT NOT NULL REFERENCES tracks(id),
    application_id BIGINT NOT NULL REFERENCES applications(id),
    position INTEGER NOT NULL,
    starts_at BIGINT NOT NULL,
    minutes INTEGER NOT NULL,
    room TEXT NOT NULL DEFAULT '',
    timer_started_at BIGINT,
    timer_stopped_at BIGINT,
    measured_secs INTEGER,
    UNIQUE (edition_id, application_id)
);
CREATE INDEX pitch_slots_track ON pitch_slots(edition_id, track_id, position);

-- Published results: `laureates_json` is a self-contained snapshot (laureates, project and
-- team names, categories); `chain_head` is the audit-log hash of the publication's own entry.
CREATE TABLE results_publications (
    id INTEGER PRIMARY KEY,
    edition_id BIGINT NOT NULL REFERENCES editions(id),
    version INTEGER NOT NULL,
    laureates_json TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    chain_head TEXT NOT NULL,
    published_at BIGINT NOT NULL,
    actor_id BIGINT NOT NULL REFERENCES users(id),
    UNIQUE (edition_id, version)
);
