-- Networking between the event's participants (src/networking): the opt-in directory's
-- profiles and the meeting requests between them. Contact details stay in `users`: they are
-- shown to the other person of an accepted meeting only when the owner consented.

CREATE TABLE networking_profiles (
    id INTEGER PRIMARY KEY,
    -- The directory's address of the person (never their account id).
    public_id TEXT NOT NULL UNIQUE,
    edition_id BIGINT NOT NULL REFERENCES editions(id),
    account_id BIGINT NOT NULL REFERENCES users(id),
    organisation TEXT NOT NULL DEFAULT '',
    -- One of the sectors of `networking::rules::Sector`.
    sector TEXT NOT NULL,
    looking_for TEXT NOT NULL,
    offers TEXT NOT NULL DEFAULT '',
    -- "Share my contact details with people whose meeting I accept."
    contact_consent BOOLEAN NOT NULL DEFAULT FALSE,
    -- Listed in the directory; leaving the directory clears it (the row stays for the
    -- meetings already arranged).
    visible BOOLEAN NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (edition_id, account_id)
);
CREATE INDEX networking_profiles_listed ON networking_profiles(edition_id, visible, sector);

CREATE TABLE meeting_requests (
    id INTEGER PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE,
    edition_id BIGINT NOT NULL REFERENCES editions(id),
    from_account BIGINT NOT NULL REFERENCES users(id),
    to_account BIGINT NOT NULL REFERENCES users(id),
    -- The proposed slot, UTC milliseconds.
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    -- Where to meet; empty: online.
    place TEXT NOT NULL DEFAULT '',
    message TEXT NOT NULL DEFAULT '',
    -- pending, accepted, declined, cancelled
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CHECK (from_account <> to_account),
    CHECK (starts_at < ends_at)
);
-- One pending request from a person to another at a time.
CREATE UNIQUE INDEX meeting_requests_one_pending ON meeting_requests(edition_id, from_account, to_account)
    WHERE status = 'pending';
-- The daily limit counts a person's requests of the last day.
CREATE INDEX meeting_requests_by_sender ON meeting_requests(edition_id, from_account, created_at);
CREATE INDEX meeting_requests_by_recipient ON meeting_requests(edition_id, to_account);
