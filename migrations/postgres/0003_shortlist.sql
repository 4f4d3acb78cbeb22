-- The shortlist of finalists: proposed from the preselection ranking, changed by organisers
-- only with a written justification, locked, then published (every applicant notified).

CREATE TABLE shortlists (
    edition_id BIGINT PRIMARY KEY REFERENCES editions(id),
    size BIGINT NOT NULL DEFAULT 30,
    quotas_json TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'draft',
    with_feedback BOOLEAN NOT NULL DEFAULT FALSE,
    locked_at BIGINT,
    published_at BIGINT
);

CREATE TABLE shortlist_entries (
    edition_id BIGINT NOT NULL REFERENCES editions(id),
    application_id BIGINT NOT NULL REFERENCES applications(id),
    position BIGINT NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (edition_id, application_id)
);

CREATE TABLE shortlist_changes (
    id BIGSERIAL PRIMARY KEY,
    edition_id BIGINT NOT NULL REFERENCES editions(id),
    application_id BIGINT NOT NULL REFERENCES applications(id),
    action TEXT NOT NULL,
    justification TEXT NOT NULL,
    actor_id BIGINT NOT NULL REFERENCES users(id),
    at BIGINT NOT NULL
);
