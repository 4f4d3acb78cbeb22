-- Foundation: accounts, editions, calls, applications, files, outbox, audit.
-- Instants are integer milliseconds since the Unix epoch (UTC).

CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE,
    email TEXT UNIQUE,
    phone TEXT UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    locale TEXT NOT NULL DEFAULT 'fr',
    verified_at BIGINT,
    is_admin BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL
);

CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE verification_codes (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX verification_codes_user ON verification_codes(user_id, purpose);

CREATE TABLE rate_limits (
    key TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    hits BIGINT NOT NULL
);

CREATE TABLE events (
    id BIGSERIAL PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    code TEXT NOT NULL,
    name_fr TEXT NOT NULL,
    name_en TEXT NOT NULL
);

CREATE TABLE editions (
    id BIGSERIAL PRIMARY KEY,
    event_id BIGINT NOT NULL REFERENCES events(id),
    slug TEXT NOT NULL UNIQUE,
    year BIGINT NOT NULL,
    ref_prefix TEXT NOT NULL,
    theme_fr TEXT NOT NULL,
    theme_en TEXT NOT NULL,
    venue TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    timezone TEXT NOT NULL,
    call_title_fr TEXT NOT NULL,
    call_title_en TEXT NOT NULL,
    criteria_json TEXT NOT NULL DEFAULT '[]',
    created_at BIGINT NOT NULL
);

CREATE TABLE role_grants (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    edition_id BIGINT NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    PRIMARY KEY (user_id, edition_id, role)
);

CREATE TABLE tracks (
    id BIGSERIAL PRIMARY KEY,
    edition_id BIGINT NOT NULL REFERENCES editions(id),
    slug TEXT NOT NULL,
    code TEXT NOT NULL,
    position BIGINT NOT NULL DEFAULT 0,
    name_fr TEXT NOT NULL,
    name_en TEXT NOT NULL,
    description_fr TEXT NOT NULL,
    description_en TEXT NOT NULL,
    opens_at BIGINT NOT NULL,
    closes_at BIGINT NOT NULL,
    max_per_applicant BIGINT NOT NULL DEFAULT 1,
    eligibility_json TEXT NOT NULL DEFAULT '[]',
    form_version BIGINT NOT NULL DEFAULT 1,
    ref_seq BIGINT NOT NULL DEFAULT 0,
    UNIQUE (edition_id, slug),
    UNIQUE (edition_id, code)
);

CREATE TABLE form_versions (
    id BIGSERIAL PRIMARY KEY,
    track_id BIGINT NOT NULL REFERENCES tracks(id),
    version BIGINT NOT NULL,
    definition_json TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (track_id, version)
);

CREATE TABLE applications (
    id BIGSERIAL PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE,
    track_id BIGINT NOT NULL REFERENCES tracks(id),
    applicant_id BIGINT NOT NULL REFERENCES users(id),
    reference TEXT UNIQUE,
    status TEXT NOT NULL,
    status_reason TEXT,
    form_version BIGINT NOT NULL,
    answers_json TEXT NOT NULL,
    has_changes BOOLEAN NOT NULL DEFAULT FALSE,
    title TEXT NOT NULL DEFAULT '',
    country TEXT,
    domain TEXT,
    women_led BOOLEAN NOT NULL DEFAULT FALSE,
    search_text TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    submitted_at BIGINT,
    last_submitted_at BIGINT
);
CREATE INDEX applications_track_status ON applications(track_id, status);
CREATE INDEX applications_applicant ON applications(applicant_id);

CREATE TABLE application_versions (
    id BIGSERIAL PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications(id),
    version BIGINT NOT NULL,
    form_version BIGINT NOT NULL,
    answers_json TEXT NOT NULL,
    submitted_at BIGINT NOT NULL,
    UNIQUE (application_id, version)
);

CREATE TABLE files (
    id BIGSERIAL PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE,
    application_id BIGINT NOT NULL REFERENCES applications(id),
    field_key TEXT NOT NULL,
    owner_id BIGINT NOT NULL REFERENCES users(id),
    display_name TEXT NOT NULL,
    mime TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    storage_key TEXT NOT NULL,
    id_document BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX files_application ON files(application_id);

CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    locked_until BIGINT,
    last_error TEXT,
    transport TEXT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);

CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_id BIGINT,
    action TEXT NOT NULL,
    object TEXT NOT NULL,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
