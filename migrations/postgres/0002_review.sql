-- Selection: review rounds (preselection, final), rubrics, panels, conflicts of interest,
-- assignments and score sheets.

CREATE TABLE review_rounds (
    id BIGSERIAL PRIMARY KEY,
    edition_id BIGINT NOT NULL REFERENCES editions(id),
    kind TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'setup',
    reviewers_per_dossier BIGINT NOT NULL DEFAULT 3,
    blind BOOLEAN NOT NULL DEFAULT TRUE,
    min_sheets BIGINT NOT NULL DEFAULT 5,
    dispute_threshold BIGINT NOT NULL DEFAULT 25,
    opened_at BIGINT,
    closed_at BIGINT,
    UNIQUE (edition_id, kind)
);

-- One rubric per track and round; frozen (by the code) once a score exists.
CREATE TABLE rubrics (
    id BIGSERIAL PRIMARY KEY,
    round_id BIGINT NOT NULL REFERENCES review_rounds(id),
    track_id BIGINT NOT NULL REFERENCES tracks(id),
    criteria_json TEXT NOT NULL,
    tie_break_json TEXT NOT NULL DEFAULT '["innovation"]',
    updated_at BIGINT NOT NULL,
    UNIQUE (round_id, track_id)
);

-- Reviewers (preselection) or jurors (final) of a track.
CREATE TABLE panel_members (
    round_id BIGINT NOT NULL REFERENCES review_rounds(id),
    track_id BIGINT NOT NULL REFERENCES tracks(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    PRIMARY KEY (round_id, track_id, user_id)
);

CREATE TABLE conflicts (
    application_id BIGINT NOT NULL REFERENCES applications(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    declared_by BIGINT NOT NULL REFERENCES users(id),
    reason TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (application_id, user_id)
);

CREATE TABLE assignments (
    id BIGSERIAL PRIMARY KEY,
    round_id BIGINT NOT NULL REFERENCES review_rounds(id),
    application_id BIGINT NOT NULL REFERENCES applications(id),
    reviewer_id BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    UNIQUE (round_id, application_id, reviewer_id)
);
CREATE INDEX assignments_reviewer ON assignments(round_id, reviewer_id);

CREATE TABLE score_sheets (
    id BIGSERIAL PRIMARY KEY,
    round_id BIGINT NOT NULL REFERENCES review_rounds(id),
    application_id BIGINT NOT NULL REFERENCES applications(id),
    reviewer_id BIGINT NOT NULL REFERENCES users(id),
    points_json TEXT NOT NULL,
    comments_json TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'draft',
    updated_at BIGINT NOT NULL,
    submitted_at BIGINT,
    UNIQUE (round_id, application_id, reviewer_id)
);
CREATE INDEX score_sheets_round ON score_sheets(round_id, status);
