-- The cybersecurity hackathon's capture-the-flag contest (src/ctf): one contest per edition,
-- played by the eligible applicants of its hackathon track, alone or in teams.
--
-- Flags: a static flag is kept only as its keyed hash (HMAC-SHA-256 under the server key, which
-- is not in the database), so a dump of the database reveals no flag; a per-team flag is not
-- stored at all (it is derived from the server key, the challenge and the team); regular
-- expressions are kept as written (a pattern is what organisers publish to their checker).
-- Attempts keep the keyed hash of what was typed, never the text.
--
-- Solves carry no points: values, first bloods and ranks are computed from the solves in the
-- order they were made (`at`, then `id`), so two teams solving at once cannot both take first
-- blood nor leave a stale value behind. The public scoreboard is cached: its tables bump the
-- site version (attempts do not: they are the hot path and change no public page).

CREATE TABLE ctf_contests (
    id BIGSERIAL PRIMARY KEY,
    edition_id BIGINT NOT NULL UNIQUE REFERENCES editions(id),
    -- The hackathon track whose eligible applicants may play.
    track_id BIGINT NOT NULL REFERENCES tracks(id),
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    -- From then on the public board shows the standings and values of that instant. NULL: none.
    freeze_at BIGINT,
    -- retroactive | non_retroactive (src/ctf/scoring.rs)
    mode TEXT NOT NULL,
    first_blood_bonus BIGINT NOT NULL DEFAULT 0,
    board_public BOOLEAN NOT NULL DEFAULT TRUE,
    team_size_max BIGINT NOT NULL,
    -- Submissions per minute, per team and per account, before a lock-out that grows.
    attempts_per_minute BIGINT NOT NULL,
    -- Per-team flags read PREFIX{...}.
    flag_prefix TEXT NOT NULL,
    -- The public board stays frozen after the end until organisers reveal the final standings.
    revealed_at BIGINT,
    -- Grows with every change the board shows (its live stream follows it).
    version BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE ctf_teams (
    id BIGSERIAL PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE,
    contest_id BIGINT NOT NULL REFERENCES ctf_contests(id),
    name TEXT NOT NULL,
    -- SHA-256 of the team's reusable invite code (members see it; it can be renewed).
    invite_hash TEXT NOT NULL UNIQUE,
    -- Kept with the members by one conditional update: the size limit holds under races.
    members BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    UNIQUE (contest_id, name)
);

CREATE TABLE ctf_members (
    id BIGSERIAL PRIMARY KEY,
    contest_id BIGINT NOT NULL REFERENCES ctf_contests(id),
    team_id BIGINT NOT NULL REFERENCES ctf_teams(id),
    account_id BIGINT NOT NULL REFERENCES users(id),
    -- The eligible application that opened the contest to them.
    application_id BIGINT NOT NULL REFERENCES applications(id),
    joined_at BIGINT NOT NULL,
    UNIQUE (contest_id, account_id)
);
CREATE INDEX ctf_members_team ON ctf_members(team_id);

-- Single-use codes (in-person sign-up desks): SHA-256 only.
CREATE TABLE ctf_invites (
    id BIGSERIAL PRIMARY KEY,
    team_id BIGINT NOT NULL REFERENCES ctf_teams(id),
    code_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    used_by BIGINT REFERENCES users(id),
    used_at BIGINT
);

CREATE TABLE ctf_challenges (
    id BIGSERIAL PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE,
    contest_id BIGINT NOT NULL REFERENCES ctf_contests(id),
    name TEXT NOT NULL,
    -- web | crypto | forensics | reverse | pwn | osint | misc
    category TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT '',
    -- Markdown, rendered cleaned (src/ctf/markdown.rs).
    description TEXT NOT NULL,
    connection_info TEXT NOT NULL DEFAULT '',
    initial_value BIGINT NOT NULL,
    minimum_value BIGINT NOT NULL,
    decay BIGINT NOT NULL,
    -- static | linear | parabolic
    decay_function TEXT NOT NULL,
    -- Shown only once the team solved this one.
    requires_id BIGINT REFERENCES ctf_challenges(id),
    -- Hidden challenges are seen by organisers only; the window (either end optional) narrows
    -- when a visible one is shown.
    visible BOOLEAN NOT NULL DEFAULT FALSE,
    visible_from BIGINT,
    visible_until BIGINT,
    -- Each team has its own flag, derived from the server key (also accepted: the flags below).
    per_team_flag BOOLEAN NOT NULL DEFAULT FALSE,
    position BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (contest_id, name)
);

CREATE TABLE ctf_flags (
    id BIGSERIAL PRIMARY KEY,
    challenge_id BIGINT NOT NULL REFERENCES ctf_challenges(id),
    -- static | static_ci | regex | regex_ci
    kind TEXT NOT NULL,
    -- static, static_ci: the keyed hash (hex) of the flag (of its lowercase for static_ci).
    digest TEXT NOT NULL DEFAULT '',
    -- regex, regex_ci: the pattern, matched whole.
    pattern TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ctf_flags_challenge ON ctf_flags(challenge_id);

CREATE TABLE ctf_hints (
    id BIGSERIAL PRIMARY KEY,
    challenge_id BIGINT NOT NULL REFERENCES ctf_challenges(id),
    position BIGINT NOT NULL,
    content TEXT NOT NULL,
    cost BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX ctf_hints_challenge ON ctf_hints(challenge_id);

CREATE TABLE ctf_hint_unlocks (
    id BIGSERIAL PRIMARY KEY,
    contest_id BIGINT NOT NULL REFERENCES ctf_contests(id),
    hint_id BIGINT NOT NULL REFERENCES ctf_hints(id),
    team_id BIGINT NOT NULL REFERENCES ctf_teams(id),
    account_id BIGINT NOT NULL REFERENCES users(id),
    -- What it cost when unlocked (a later change of the hint's cost does not re-bill).
    cost BIGINT NOT NULL,
    at BIGINT NOT NULL,
    UNIQUE (hint_id, team_id)
);
CREATE INDEX ctf_hint_unlocks_contest ON ctf_hint_unlocks(contest_id);

CREATE TABLE ctf_files (
    id BIGSERIAL PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE,
    challenge_id BIGINT NOT NULL REFERENCES ctf_challenges(id),
    name TEXT NOT NULL,
    object_key TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    downloads BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX ctf_files_challenge ON ctf_files(challenge_id);

CREATE TABLE ctf_attempts (
    id BIGSERIAL PRIMARY KEY,
    contest_id BIGINT NOT NULL REFERENCES ctf_contests(id),
    challenge_id BIGINT NOT NULL REFERENCES ctf_challenges(id),
    team_id BIGINT NOT NULL REFERENCES ctf_teams(id),
    account_id BIGINT NOT NULL REFERENCES users(id),
    at BIGINT NOT NULL,
    -- correct | wrong | again (already solved) | closed (outside the window) | limited (rate)
    outcome TEXT NOT NULL,
    -- Keyed hash (hex) of what was typed, trimmed: equal wrong flags from several teams show.
    digest TEXT NOT NULL,
    -- The team whose per-team flag this was, when it was another team's.
    flag_of_team BIGINT REFERENCES ctf_teams(id)
);
CREATE INDEX ctf_attempts_team_at ON ctf_attempts(team_id, at);
CREATE INDEX ctf_attempts_account_at ON ctf_attempts(account_id, at);
CREATE INDEX ctf_attempts_contest_at ON ctf_attempts(contest_id, at);

CREATE TABLE ctf_solves (
    id BIGSERIAL PRIMARY KEY,
    contest_id BIGINT NOT NULL REFERENCES ctf_contests(id),
    challenge_id BIGINT NOT NULL REFERENCES ctf_challenges(id),
    team_id BIGINT NOT NULL REFERENCES ctf_teams(id),
    account_id BIGINT NOT NULL REFERENCES users(id),
    at BIGINT NOT NULL,
    UNIQUE (challenge_id, team_id)
);
CREATE INDEX ctf_solves_contest ON ctf_solves(contest_id, at);

-- Organisers' manual points, each with its written reason (and an audit entry).
CREATE TABLE ctf_adjustments (
    id BIGSERIAL PRIMARY KEY,
    contest_id BIGINT NOT NULL REFERENCES ctf_contests(id),
    team_id BIGINT NOT NULL REFERENCES ctf_teams(id),
    points BIGINT NOT NULL,
    reason TEXT NOT NULL,
    by_id BIGINT NOT NULL REFERENCES users(id),
    at BIGINT NOT NULL
);

-- Submission lock-outs: `subject` is team:<id> or account:<id>; each new lock-out within the
-- hour doubles the previous one.
CREATE TABLE ctf_lockouts (
    contest_id BIGINT NOT NULL REFERENCES ctf_contests(id),
    subject TEXT NOT NULL,
    strikes BIGINT NOT NULL,
    until_at BIGINT NOT NULL,
    PRIMARY KEY (contest_id, subject)
);

CREATE TRIGGER site_version_ctf_contests AFTER INSERT OR UPDATE OR DELETE ON ctf_contests
FOR EACH ROW EXECUTE FUNCTION bump_site_version();
CREATE TRIGGER site_version_ctf_teams AFTER INSERT OR UPDATE OR DELETE ON ctf_teams
FOR EACH ROW EXECUTE FUNCTION bump_site_version();
CREATE TRIGGER site_version_ctf_challenges AFTER INSERT OR UPDATE OR DELETE ON ctf_challenges
FOR EACH ROW EXECUTE FUNCTION bump_site_version();
CREATE TRIGGER site_version_ctf_hints AFTER INSERT OR UPDATE OR DELETE ON ctf_hints
FOR EACH ROW EXECUTE FUNCTION bump_site_version();
CREATE TRIGGER site_version_ctf_solves AFTER INSERT OR UPDATE OR DELETE ON ctf_solves
FOR EACH ROW EXECUTE FUNCTION bump_site_version();
CREATE TRIGGER site_version_ctf_hint_unlocks AFTER INSERT OR UPDATE OR DELETE ON ctf_hint_unlocks
FOR EACH ROW EXECUTE FUNCTION bump_site_version();
CREATE TRIGGER site_version_ctf_adjustments AFTER INSERT OR UPDATE OR DELETE ON ctf_adjustments
FOR EACH ROW EXECUTE FUNCTION bump_site_version();
