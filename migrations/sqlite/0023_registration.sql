-- Registration for the event: attendee categories (visitor, press, AES delegation, exhibitor,
-- speaker, official, organiser staff), each with its own form (the calls' form engine), its
-- seats and waitlist and, for some, an organiser's approval; the registrations themselves;
-- and the Ed25519 keys that sign the badges' QR codes (src/registration).
--
-- `taken` counts the confirmed in-person seats of a category: a seat is taken by the
-- conditional `UPDATE … SET taken = taken + 1 WHERE taken < capacity`, so two people taking
-- the last seat at once cannot both get it (one is waitlisted).

CREATE TABLE attendee_categories (
    id INTEGER PRIMARY KEY,
    edition_id BIGINT NOT NULL REFERENCES editions(id),
    -- visitor, press, delegation, exhibitor, speaker, official, staff
    code TEXT NOT NULL,
    name_fr TEXT NOT NULL,
    name_en TEXT NOT NULL,
    -- In-person seats; NULL: no limit. Online participation takes no seat.
    capacity BIGINT,
    taken BIGINT NOT NULL DEFAULT 0,
    needs_approval BOOLEAN NOT NULL DEFAULT FALSE,
    -- Whether people register themselves (else only organisers register them).
    open_to_public BOOLEAN NOT NULL DEFAULT TRUE,
    -- The badge's colour band, `#rrggbb`.
    colour TEXT NOT NULL,
    -- The category's own questions: a form definition of the form engine, as JSON.
    form TEXT NOT NULL,
    position BIGINT NOT NULL,
    UNIQUE (edition_id, code),
    CHECK (taken >= 0),
    CHECK (capacity IS NULL OR taken <= capacity)
);

CREATE TABLE registrations (
    id INTEGER PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE,
    edition_id BIGINT NOT NULL REFERENCES editions(id),
    category_id BIGINT NOT NULL REFERENCES attendee_categories(id),
    account_id BIGINT NOT NULL REFERENCES users(id),
    -- in_person, online
    attendance TEXT NOT NULL,
    -- pending (awaiting approval), confirmed, waitlisted, refused, cancelled
    status TEXT NOT NULL,
    -- What the badge shows.
    display_name TEXT NOT NULL,
    organisation TEXT NOT NULL DEFAULT '',
    -- The category form's answers, as JSON.
    answers TEXT NOT NULL,
    -- Opens the badge page without signing in (the link in the confirmation message).
    badge_token TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- One live registration per person and edition.
CREATE UNIQUE INDEX registrations_one_per_person ON registrations(edition_id, account_id)
    WHERE status IN ('pending', 'confirmed', 'waitlisted');
-- The waitlist, first come first served.
CREATE INDEX registrations_by_category ON registrations(category_id, status, id);

CREATE TABLE badge_keys (
    id INTEGER PRIMARY KEY,
    edition_id BIGINT NOT NULL REFERENCES editions(id),
    -- Carried in each badge so that scanners holding several keys pick the right one.
    key_id BIGINT NOT NULL,
    -- The Ed25519 signing key (32 bytes); never sent anywhere.
    secret BLOB NOT NULL,
    public_key BLOB NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (edition_id, key_id),
    CHECK (key_id BETWEEN 0 AND 255)
);

-- The public registration page shows the seats left.
CREATE TRIGGER site_version_attendee_categories_ins AFTER INSERT ON attendee_categories
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER site_version_attendee_categories_upd AFTER UPDATE ON attendee_categories
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER site_version_attendee_categories_del AFTER DELETE ON attendee_categories
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;
