-- How the contest's final standings feed the selection (src/ctf/results.rs):
-- criterion — they inform the jury's "challenges solved" criterion of each finalist;
-- podium — they are the hackathon category's podium and enter the special prize.
ALTER TABLE ctf_contests ADD COLUMN standings_use TEXT NOT NULL DEFAULT 'criterion'
    CHECK (standings_use IN ('criterion', 'podium'));
