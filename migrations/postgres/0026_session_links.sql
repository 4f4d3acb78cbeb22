-- Hybrid sessions: the online meeting and the livestream a session may have, shown to the
-- people registered to follow online (or to everyone, when the organisers say so).
ALTER TABLE programme_sessions ADD COLUMN online_url TEXT NOT NULL DEFAULT '';
ALTER TABLE programme_sessions ADD COLUMN stream_url TEXT NOT NULL DEFAULT '';
ALTER TABLE programme_sessions ADD COLUMN links_public BOOLEAN NOT NULL DEFAULT FALSE;
