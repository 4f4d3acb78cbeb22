-- The ecosystem database (src/directory, src/opportunities): the sector's actors, kept from one
-- edition to the next, and the funding opportunities posted for them. A profile is public only
-- once an organiser published it; the public directory and profile pages are cached, so the
-- tables bump the site version.

CREATE TABLE actors (
    id INTEGER PRIMARY KEY,
    -- The profile's address (never the row id).
    public_id TEXT NOT NULL UNIQUE,
    -- One of `directory::taxonomy::ActorKind`.
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    -- The name folded (lower case, no accents): the directory's order.
    sort_key TEXT NOT NULL,
    description_fr TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    -- ISO 3166-1 alpha-2.
    country TEXT NOT NULL,
    -- One of `directory::taxonomy::MaliRegion` for an actor in Mali, else ''.
    region TEXT NOT NULL DEFAULT '',
    town TEXT NOT NULL DEFAULT '',
    -- One of `directory::taxonomy::Stage` for a company, else ''.
    stage TEXT NOT NULL DEFAULT '',
    founded_year BIGINT,
    team_size BIGINT,
    women_led BOOLEAN NOT NULL DEFAULT FALSE,
    young_founders BOOLEAN NOT NULL DEFAULT FALSE,
    website TEXT NOT NULL DEFAULT '',
    -- One address per line.
    social_links TEXT NOT NULL DEFAULT '',
    -- Never shown: the public contact form writes to it.
    contact_email TEXT NOT NULL DEFAULT '',
    funding_sought TEXT NOT NULL DEFAULT '',
    funding_offered TEXT NOT NULL DEFAULT '',
    -- The sectors as the pages show them, comma-separated (`actor_sectors` is the filter's).
    sectors TEXT NOT NULL DEFAULT '',
    -- The optional fields the actor keeps private, comma-separated
    -- (`directory::rules::Hideable`).
    hidden_fields TEXT NOT NULL DEFAULT '',
    -- pending, published, rejected
    status TEXT NOT NULL DEFAULT 'pending',
    rejection_reason TEXT NOT NULL DEFAULT '',
    -- self, application, import, demo
    source TEXT NOT NULL,
    is_demo BOOLEAN NOT NULL DEFAULT FALSE,
    owner_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    moderated_at BIGINT,
    moderated_by BIGINT REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX actors_listed ON actors(status, sort_key);
CREATE INDEX actors_owner ON actors(owner_id);

-- The call's 18 domains (`domain::sector::Sector`).
CREATE TABLE actor_sectors (
    actor_id BIGINT NOT NULL REFERENCES actors(id) ON DELETE CASCADE,
    sector TEXT NOT NULL,
    PRIMARY KEY (actor_id, sector)
);
CREATE INDEX actor_sectors_sector ON actor_sectors(sector, actor_id);

-- The folded text (name, descriptions, town) the search matches, by actor (rowid = actors.id).
-- Prefix indexes: a search for the start of a word ("sant") reads one list.
CREATE VIRTUAL TABLE actor_search USING fts5(body, prefix = '2 3 4');

CREATE TRIGGER site_version_actors_ins AFTER INSERT ON actors
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER site_version_actors_upd AFTER UPDATE ON actors
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER site_version_actors_del AFTER DELETE ON actors
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;

CREATE TABLE opportunities (
    id INTEGER PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE,
    -- grant, prize, loan, equity, incubation
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    -- Who offers it, as shown ("Fonds d'appui à l'entrepreneuriat").
    offered_by TEXT NOT NULL,
    -- Eligibility, comma-separated; '' means any.
    sectors TEXT NOT NULL DEFAULT '',
    stages TEXT NOT NULL DEFAULT '',
    countries TEXT NOT NULL DEFAULT '',
    -- The last day one may express interest (YYYY-MM-DD), in `timezone`, and the instant
    -- (ms) that day ends.
    deadline_on TEXT NOT NULL,
    timezone TEXT NOT NULL,
    closes_at BIGINT NOT NULL,
    poster_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    is_demo BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL
);
CREATE INDEX opportunities_closing ON opportunities(closes_at);

CREATE TABLE opportunity_interests (
    id INTEGER PRIMARY KEY,
    opportunity_id BIGINT NOT NULL REFERENCES opportunities(id) ON DELETE CASCADE,
    actor_id BIGINT NOT NULL REFERENCES actors(id) ON DELETE CASCADE,
    account_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    message TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    UNIQUE (opportunity_id, actor_id)
);

CREATE TRIGGER site_version_opportunities_ins AFTER INSERT ON opportunities
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER site_version_opportunities_upd AFTER UPDATE ON opportunities
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER site_version_opportunities_del AFTER DELETE ON opportunities
BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END;
