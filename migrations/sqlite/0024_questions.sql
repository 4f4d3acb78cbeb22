-- Live questions of a programme session: participants (signed-in accounts) post questions,
-- optionally anonymously, and upvote others'; the edition's organisers moderate them
-- (src/questions). Nothing here is on a cached public page, so no table bumps the site
-- version: live pages follow each session's own version instead.

-- One row per session that has had questions: whether questions wait for approval, and a
-- version bumped by every change, read by every instance to tell its live clients.
CREATE TABLE question_boards (
    session_id BIGINT PRIMARY KEY REFERENCES programme_sessions(id),
    premoderated BOOLEAN NOT NULL DEFAULT TRUE,
    version BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE questions (
    id INTEGER PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE,
    session_id BIGINT NOT NULL REFERENCES programme_sessions(id),
    author_id BIGINT NOT NULL REFERENCES users(id),
    -- The author's name is shown to organisers only.
    anonymous BOOLEAN NOT NULL,
    body TEXT NOT NULL,
    -- pending, approved, answered, hidden, merged
    state TEXT NOT NULL,
    -- The question being answered now: at most one per session.
    pinned BOOLEAN NOT NULL DEFAULT FALSE,
    -- The question a duplicate was folded into (state 'merged').
    merged_into BIGINT REFERENCES questions(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX questions_session ON questions(session_id, created_at);
CREATE INDEX questions_author ON questions(author_id, session_id, created_at);
CREATE UNIQUE INDEX questions_one_pinned ON questions(session_id) WHERE pinned;

-- One vote per person per question; the rows are the record (votes are not audited).
CREATE TABLE question_votes (
    question_id BIGINT NOT NULL REFERENCES questions(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    voted_at BIGINT NOT NULL,
    PRIMARY KEY (question_id, user_id)
);
CREATE INDEX question_votes_user ON question_votes(user_id, voted_at);
