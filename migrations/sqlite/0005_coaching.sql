-- Coaching of the finalists: sessions (date, place, coach), invitations of finalists'
-- dossiers, attendance, and coaches' notes.
--
-- Who sees what (enforced by src/coaching): organisers of the edition see every session,
-- invitation, attendance and note; a coach sees the sessions they coach, the invited
-- finalists with their contact, and only the notes they wrote themselves; an applicant sees
-- the sessions their dossier is invited to (date, place, coach), never attendance details
-- written by others nor any note.

CREATE TABLE coaching_sessions (
    id INTEGER PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE,
    edition_id BIGINT NOT NULL REFERENCES editions(id),
    title TEXT NOT NULL,
    -- The start as an instant (UTC milliseconds); entered and shown in the edition's zone.
    starts_at BIGINT NOT NULL,
    duration_minutes INTEGER NOT NULL,
    -- An address, a room, or a link for an online session.
    place TEXT NOT NULL,
    coach_id BIGINT NOT NULL REFERENCES users(id),
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX coaching_sessions_edition ON coaching_sessions(edition_id, starts_at);
CREATE INDEX coaching_sessions_coach ON coaching_sessions(coach_id);

-- One finalist's dossier invited to one session, with its attendance once recorded
-- ('present', 'absent' or 'excused'; NULL until then).
CREATE TABLE coaching_invitations (
    session_id BIGINT NOT NULL REFERENCES coaching_sessions(id),
    application_id BIGINT NOT NULL REFERENCES applications(id),
    invited_by BIGINT NOT NULL REFERENCES users(id),
    invited_at BIGINT NOT NULL,
    attendance TEXT,
    attendance_by BIGINT REFERENCES users(id),
    attendance_at BIGINT,
    PRIMARY KEY (session_id, application_id)
);
CREATE INDEX coaching_invitations_application ON coaching_invitations(application_id);

-- A coach's note on one invited finalist, one per author: visible to its author and to the
-- edition's organisers only.
CREATE TABLE coaching_notes (
    session_id BIGINT NOT NULL REFERENCES coaching_sessions(id),
    application_id BIGINT NOT NULL REFERENCES applications(id),
    author_id BIGINT NOT NULL REFERENCES users(id),
    body TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (session_id, application_id, author_id)
);
