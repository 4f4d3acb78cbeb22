-- Check-in at the door (src/registration/checkin): every badge scan a door phone made, sent
-- when the network allowed (a phone offline queues its scans and sends them later). A scan is
-- recorded once (`scan_id` is chosen by the phone, so a batch sent twice is not counted
-- twice); the server verifies the badge again and records its verdict: `admitted`,
-- `duplicate` (the badge already entered that door that day, maybe at another phone), or
-- `revoked` (the registration was cancelled). Codes that are not badges are not recorded.

CREATE TABLE checkin_scans (
    id INTEGER PRIMARY KEY,
    scan_id TEXT NOT NULL UNIQUE,
    edition_id BIGINT NOT NULL REFERENCES editions(id),
    -- The registration the badge belongs to.
    registration_id BIGINT NOT NULL REFERENCES registrations(id),
    -- The room's door; NULL for the venue's main entrance.
    room_id BIGINT REFERENCES programme_rooms(id),
    -- in, out
    direction TEXT NOT NULL,
    -- The civil day of the scan in the edition's zone, `YYYY-MM-DD`.
    day TEXT NOT NULL,
    -- admitted, duplicate, revoked
    verdict TEXT NOT NULL,
    device TEXT NOT NULL,
    -- Who was signed in on the door phone.
    staff_id BIGINT NOT NULL REFERENCES users(id),
    -- When the phone scanned (its clock) and when the server received it.
    scanned_at BIGINT NOT NULL,
    received_at BIGINT NOT NULL
);
-- Duplicates: the same badge at the same door on the same day.
CREATE INDEX checkin_scans_badge ON checkin_scans(registration_id, day, direction);
CREATE INDEX checkin_scans_edition ON checkin_scans(edition_id, day, room_id);
