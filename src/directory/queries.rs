//! The directory's reads and writes.

use super::rules::{ActorProfile, Engine, Hideable};
use super::taxonomy::{ActorKind, ImportStatus, Source, Status};
use crate::db::{Db, DbResult, Tx};
use crate::domain::sector::Sector;
use crate::{run, run_tx};

/// Profiles per page of the directory.
pub const PAGE_SIZE: i64 = 20;
/// Matches are counted up to this many, and one more to say "more than": counting every
/// match of a common word would cost more than the page itself.
pub const COUNT_CAP: i64 = 1000;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ActorRow {
    pub id: i64,
    pub public_id: String,
    #[sqlx(try_from = "String")]
    pub kind: ActorKind,
    pub name: String,
    pub description_fr: String,
    pub description_en: String,
    pub country: String,
    pub region: String,
    pub town: String,
    pub stage: String,
    pub founded_year: Option<i64>,
    pub team_size: Option<i64>,
    pub women_led: bool,
    pub young_founders: bool,
    pub website: String,
    pub social_links: String,
    pub contact_email: String,
    pub funding_sought: String,
    pub funding_offered: String,
    /// Comma-separated slugs of `domain::sector::Sector`.
    pub sectors: String,
    pub hidden_fields: String,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub rejection_reason: String,
    #[sqlx(try_from = "String")]
    pub source: Source,
    pub is_demo: bool,
    pub owner_id: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    /// Names the logo in its address; `None` without a logo.
    pub logo_sha256: Option<String>,
}

impl ActorRow {
    /// The profile as its form shows it: what an edit or a merge starts from.
    pub fn as_input(&self) -> super::rules::ActorInput {
        let checked = |b: bool| b.then(|| "yes".to_owned());
        super::rules::ActorInput {
            kind: self.kind.as_str().to_owned(),
            name: self.name.clone(),
            description_fr: self.description_fr.clone(),
            description_en: self.description_en.clone(),
            country: self.country.clone(),
            region: self.region.clone(),
            town: self.town.clone(),
            stage: self.stage.clone(),
            founded_year: self.founded_year.map(|y| y.to_string()).unwrap_or_default(),
            team_size: self.team_size.map(|n| n.to_string()).unwrap_or_default(),
            women_led: checked(self.women_led),
            young_founders: checked(self.young_founders),
            website: self.website.clone(),
            social_links: self.social_links.clone(),
            contact_email: self.contact_email.clone(),
            funding_sought: self.funding_sought.clone(),
            funding_offered: self.funding_offered.clone(),
            sectors: self
                .sector_list()
                .iter()
                .map(|s| s.as_str().to_owned())
                .collect(),
            private: self
                .hidden()
                .iter()
                .map(|h| h.as_str().to_owned())
                .collect(),
        }
    }

    pub fn sector_list(&self) -> Vec<Sector> {
        self.sectors.split(',').filter_map(Sector::parse).collect()
    }

    pub fn hidden(&self) -> std::collections::BTreeSet<Hideable> {
        Hideable::split(&self.hidden_fields)
    }
}

const ACTOR: &str = "a.id, a.public_id, a.kind, a.name, a.description_fr, a.description_en, \
    a.country, a.region, a.town, a.stage, a.founded_year, a.team_size, a.women_led, \
    a.young_founders, a.website, a.social_links, a.contact_email, a.funding_sought, \
    a.funding_offered, a.sectors, a.hidden_fields, a.status, a.rejection_reason, a.source, \
    a.is_demo, a.owner_id, a.created_at, a.updated_at, a.logo_sha256";

pub async fn by_public_id(db: &Db, public_id: &str) -> DbResult<Option<ActorRow>> {
    let sql = format!("SELECT {ACTOR} FROM actors a WHERE a.public_id = $1");
    Ok(run!(db, |pool| sqlx::query_as::<_, ActorRow>(&sql)
        .bind(public_id)
        .fetch_optional(pool)
        .await)?)
}

pub async fn by_id(db: &Db, id: i64) -> DbResult<Option<ActorRow>> {
    let sql = format!("SELECT {ACTOR} FROM actors a WHERE a.id = $1");
    Ok(run!(db, |pool| sqlx::query_as::<_, ActorRow>(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await)?)
}

/// The profiles an account registered, newest first.
pub async fn owned_by(db: &Db, owner_id: i64) -> DbResult<Vec<ActorRow>> {
    let sql = format!("SELECT {ACTOR} FROM actors a WHERE a.owner_id = $1 ORDER BY a.id DESC");
    Ok(run!(db, |pool| sqlx::query_as::<_, ActorRow>(&sql)
        .bind(owner_id)
        .fetch_all(pool)
        .await)?)
}

/// The profiles waiting for an organiser, oldest first.
pub async fn pending(db: &Db) -> DbResult<Vec<ActorRow>> {
    let sql = format!(
        "SELECT {ACTOR} FROM actors a WHERE a.status = 'pending' ORDER BY a.created_at, a.id"
    );
    Ok(run!(db, |pool| sqlx::query_as::<_, ActorRow>(&sql)
        .fetch_all(pool)
        .await)?)
}

/// Where a new profile comes from.
pub struct Origin {
    pub source: Source,
    pub owner_id: Option<i64>,
    pub status: Status,
}

fn sectors_text(profile: &ActorProfile) -> String {
    profile
        .sectors
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// Writes a new profile (with its sectors and search text); returns its row id.
pub async fn insert(
    tx: &mut Tx,
    public_id: &str,
    p: &ActorProfile,
    origin: &Origin,
    now: i64,
) -> DbResult<i64> {
    let sql = "INSERT INTO actors (public_id, kind, name, sort_key, country, status, source, \
               is_demo, owner_id, created_at, updated_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id";
    let id: i64 = run_tx!(tx, |conn| sqlx::query_scalar(sql)
        .bind(public_id)
        .bind(p.kind.as_str())
        .bind(&p.name)
        .bind(super::rules::fold(&p.name))
        .bind(p.country.as_str())
        .bind(origin.status.as_str())
        .bind(origin.source.as_str())
        .bind(origin.source == Source::Demo)
        .bind(origin.owner_id)
        .bind(now)
        .fetch_one(conn)
        .await)?;
    write_profile(tx, id, p, now).await?;
    index(tx, id, p, false).await?;
    Ok(id)
}

/// Replaces a profile's content; it goes back to the organisers.
pub async fn update(tx: &mut Tx, id: i64, p: &ActorProfile, now: i64) -> DbResult<()> {
    write_profile(tx, id, p, now).await?;
    let sql = "UPDATE actors SET status = 'pending', rejection_reason = '' WHERE id = $1";
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(id)
        .execute(conn)
        .await
        .map(|_| ()))?;
    index(tx, id, p, true).await
}

/// Every field of the profile, on its row.
async fn write_profile(tx: &mut Tx, id: i64, p: &ActorProfile, now: i64) -> DbResult<()> {
    let sql = "UPDATE actors SET kind = $2, name = $3, sort_key = $4, description_fr = $5, \
               description_en = $6, country = $7, region = $8, town = $9, stage = $10, \
               founded_year = $11, team_size = $12, women_led = $13, young_founders = $14, \
               website = $15, social_links = $16, contact_email = $17, funding_sought = $18, \
               funding_offered = $19, sectors = $20, hidden_fields = $21, updated_at = $22 \
               WHERE id = $1";
    let contact = p.contact_email.as_ref().map(|e| e.as_str());
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(id)
        .bind(p.kind.as_str())
        .bind(&p.name)
        .bind(super::rules::fold(&p.name))
        .bind(&p.description_fr)
        .bind(&p.description_en)
        .bind(p.country.as_str())
        .bind(p.region.map(|r| r.as_str()).unwrap_or_default())
        .bind(&p.town)
        .bind(p.stage.map(|s| s.as_str()).unwrap_or_default())
        .bind(p.founded_year)
        .bind(p.team_size)
        .bind(p.women_led)
        .bind(p.young_founders)
        .bind(p.website.as_deref().unwrap_or_default())
        .bind(p.social_links.join("\n"))
        .bind(contact.unwrap_or_default())
        .bind(&p.funding_sought)
        .bind(&p.funding_offered)
        .bind(sectors_text(p))
        .bind(Hideable::join(&p.hidden))
        .bind(now)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// The sector rows of a profile (the statistics' grouping).
async fn index(tx: &mut Tx, id: i64, p: &ActorProfile, replacing: bool) -> DbResult<()> {
    if replacing {
        let sql = "DELETE FROM actor_sectors WHERE actor_id = $1";
        run_tx!(tx, |conn| sqlx::query(sql)
            .bind(id)
            .execute(conn)
            .await
            .map(|_| ()))?;
    }
    let sql = "INSERT INTO actor_sectors (actor_id, sector) VALUES ($1, $2)";
    for sector in &p.sectors {
        run_tx!(tx, |conn| sqlx::query(sql)
            .bind(id)
            .bind(sector.as_str())
            .execute(conn)
            .await
            .map(|_| ()))?;
    }
    reindex(tx, id).await
}

/// Rewrites a profile's search document from its row: after any change to its content or
/// its status (the document says whether it is published).
async fn reindex(tx: &mut Tx, id: i64) -> DbResult<()> {
    let sql = format!("SELECT {ACTOR} FROM actors a WHERE a.id = $1");
    let row = run_tx!(tx, |conn| sqlx::query_as::<_, ActorRow>(&sql)
        .bind(id)
        .fetch_one(conn)
        .await)?;
    let sectors: Vec<&str> = row.sector_list().iter().map(|s| s.as_str()).collect();
    let hidden = row.hidden();
    let document = super::rules::Indexed {
        words: [
            &row.name,
            &row.description_fr,
            &row.description_en,
            &row.town,
        ],
        kind: row.kind.as_str(),
        country: &row.country,
        region: &row.region,
        stage: &row.stage,
        sectors: &sectors,
        women_led: row.women_led && !hidden.contains(&Hideable::WomenLed),
        published: row.status == Status::Published,
    }
    .document(engine(tx));
    let sql = "DELETE FROM actor_search WHERE rowid = $1";
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(id)
        .execute(conn)
        .await
        .map(|_| ()))?;
    let sql = "INSERT INTO actor_search (rowid, body) VALUES ($1, $2)";
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(id)
        .bind(&document)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// Publishes or rejects a pending profile; `false` when it was no longer pending.
pub async fn decide(
    tx: &mut Tx,
    id: i64,
    to: Status,
    reason: &str,
    (by, now): (i64, i64),
) -> DbResult<bool> {
    let sql = "UPDATE actors SET status = $2, rejection_reason = $3, moderated_by = $4, \
               moderated_at = $5 WHERE id = $1 AND status = 'pending'";
    let n = run_tx!(tx, |conn| sqlx::query(sql)
        .bind(id)
        .bind(to.as_str())
        .bind(reason)
        .bind(by)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    if n == 1 {
        reindex(tx, id).await?;
    }
    Ok(n == 1)
}

/// The public directory's filters, each empty for "any".
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// Folded words (see `rules::search_terms`); empty: no text search.
    pub terms: Vec<String>,
    pub kind: String,
    pub sector: String,
    pub country: String,
    pub region: String,
    pub stage: String,
    pub women_led: bool,
    /// Something was typed, but no word in it (only `%`, `*`, quotes…): nothing matches.
    pub no_words: bool,
}

impl Filters {
    /// The index tokens of the chosen filters, and "published".
    fn tokens(&self) -> Vec<String> {
        use super::rules::filter_token;
        let mut tokens = Vec::new();
        for (filter, value) in [
            ("kind", &self.kind),
            ("sector", &self.sector),
            ("country", &self.country),
            ("region", &self.region),
            ("stage", &self.stage),
        ] {
            if !value.is_empty() {
                tokens.push(filter_token(filter, value));
            }
        }
        if self.women_led {
            tokens.push(super::rules::WOMEN_LED_TOKEN.to_owned());
        }
        tokens
    }
}

const SQLITE_MATCH: &str = "SELECT rowid FROM actor_search WHERE actor_search MATCH $1";
const POSTGRES_MATCH: &str = "SELECT rowid FROM actor_search WHERE doc @@ to_tsquery('simple', $1)";

/// One page (from 1, of `per_page`) of the published profiles that pass `f`, and how many
/// pass, counted up to [`COUNT_CAP`] + 1. Without words or filters, by name; with them, the
/// full-text index answers both (see `rules::Indexed`) and the newest come first, which it
/// gives without sorting every match.
pub async fn search(
    db: &Db,
    f: &Filters,
    (page, per_page): (i64, i64),
) -> DbResult<(Vec<ActorRow>, i64)> {
    if f.no_words {
        return Ok((Vec::new(), 0));
    }
    let offset = (page.max(1) - 1).saturating_mul(per_page);
    let mut tokens = f.tokens();
    if f.terms.is_empty() && tokens.is_empty() {
        let list = format!(
            "SELECT {ACTOR} FROM actors a WHERE a.status = 'published' \
             ORDER BY a.sort_key, a.id LIMIT $1 OFFSET $2"
        );
        let count = "SELECT COUNT(*) FROM \
                     (SELECT 1 FROM actors a WHERE a.status = 'published' LIMIT $1) t";
        let rows = async {
            run!(db, |pool| sqlx::query_as::<_, ActorRow>(&list)
                .bind(per_page)
                .bind(offset)
                .fetch_all(pool)
                .await)
        };
        let total = async {
            run!(db, |pool| sqlx::query_scalar::<_, i64>(count)
                .bind(COUNT_CAP + 1)
                .fetch_one(pool)
                .await)
        };
        return Ok(tokio::try_join!(rows, total)?);
    }
    tokens.push(super::rules::PUBLISHED_TOKEN.to_owned());
    let (list, count, text) = if db.is_postgres() {
        (
            format!(
                "SELECT {ACTOR} FROM actors a WHERE a.id IN \
                 ({POSTGRES_MATCH} ORDER BY rowid DESC LIMIT $2 OFFSET $3) ORDER BY a.id DESC"
            ),
            format!("SELECT COUNT(*) FROM ({POSTGRES_MATCH} LIMIT $2) t"),
            super::rules::tsquery(&f.terms, &tokens),
        )
    } else {
        (
            format!(
                "SELECT {ACTOR} FROM actors a WHERE a.id IN \
                 ({SQLITE_MATCH} ORDER BY rowid DESC LIMIT $2 OFFSET $3) ORDER BY a.id DESC"
            ),
            format!("SELECT COUNT(*) FROM ({SQLITE_MATCH} LIMIT $2) t"),
            super::rules::fts5_query(&f.terms, &tokens),
        )
    };
    // The page and the count are read at once, on two connections.
    let rows = async {
        run!(db, |pool| sqlx::query_as::<_, ActorRow>(&list)
            .bind(&text)
            .bind(per_page)
            .bind(offset)
            .fetch_all(pool)
            .await)
    };
    let total = async {
        run!(db, |pool| sqlx::query_scalar::<_, i64>(&count)
            .bind(&text)
            .bind(COUNT_CAP + 1)
            .fetch_one(pool)
            .await)
    };
    Ok(tokio::try_join!(rows, total)?)
}

/// How many of the demo's made-up actors are here.
pub async fn demo_count(db: &Db) -> DbResult<i64> {
    let sql = "SELECT COUNT(*) FROM actors WHERE is_demo";
    Ok(run!(db, |pool| sqlx::query_scalar(sql)
        .fetch_one(pool)
        .await)?)
}

/// Every published profile, by name: the open data.
pub async fn published(db: &Db) -> DbResult<Vec<ActorRow>> {
    let sql = format!(
        "SELECT {ACTOR} FROM actors a WHERE a.status = 'published' ORDER BY a.sort_key, a.id"
    );
    Ok(run!(db, |pool| sqlx::query_as::<_, ActorRow>(&sql)
        .fetch_all(pool)
        .await)?)
}

/// The full-text index of the database `tx` writes to.
fn engine(tx: &Tx) -> Engine {
    match tx {
        Tx::Sqlite(_) => Engine::Fts5,
        Tx::Postgres(_) => Engine::Postgres,
    }
}

/// The search document of a profile about to be written with `status`.
fn document(p: &ActorProfile, status: Status, engine: Engine) -> String {
    let sectors: Vec<&str> = p.sectors.iter().map(|s| s.as_str()).collect();
    super::rules::Indexed {
        words: [&p.name, &p.description_fr, &p.description_en, &p.town],
        kind: p.kind.as_str(),
        country: p.country.as_str(),
        region: p.region.map(|r| r.as_str()).unwrap_or_default(),
        stage: p.stage.map(|s| s.as_str()).unwrap_or_default(),
        sectors: &sectors,
        women_led: p.women_led && !p.hidden.contains(&Hideable::WomenLed),
        published: status == Status::Published,
    }
    .document(engine)
}

const SQLITE_INSERT_MANY: &str = "INSERT INTO actors (public_id, kind, name, sort_key, \
    description_fr, description_en, country, region, town, stage, founded_year, team_size, \
    women_led, young_founders, website, social_links, contact_email, funding_sought, \
    funding_offered, sectors, hidden_fields, status, source, is_demo, created_at, updated_at, \
    moderated_at, moderated_by) \
    SELECT json_extract(value, '$.public_id'), json_extract(value, '$.kind'), \
    json_extract(value, '$.name'), json_extract(value, '$.sort_key'), \
    json_extract(value, '$.description_fr'), json_extract(value, '$.description_en'), \
    json_extract(value, '$.country'), json_extract(value, '$.region'), \
    json_extract(value, '$.town'), json_extract(value, '$.stage'), \
    json_extract(value, '$.founded_year'), json_extract(value, '$.team_size'), \
    json_extract(value, '$.women_led'), json_extract(value, '$.young_founders'), \
    json_extract(value, '$.website'), json_extract(value, '$.social_links'), \
    json_extract(value, '$.contact_email'), json_extract(value, '$.funding_sought'), \
    json_extract(value, '$.funding_offered'), json_extract(value, '$.sectors'), \
    json_extract(value, '$.hidden_fields'), 'published', 'import', FALSE, $2, $2, $2, $3 \
    FROM json_each($1) RETURNING id, public_id";

const POSTGRES_INSERT_MANY: &str = "INSERT INTO actors (public_id, kind, name, sort_key, \
    description_fr, description_en, country, region, town, stage, founded_year, team_size, \
    women_led, young_founders, website, social_links, contact_email, funding_sought, \
    funding_offered, sectors, hidden_fields, status, source, is_demo, created_at, updated_at, \
    moderated_at, moderated_by) \
    SELECT e->>'public_id', e->>'kind', e->>'name', e->>'sort_key', e->>'description_fr', \
    e->>'description_en', e->>'country', e->>'region', e->>'town', e->>'stage', \
    (e->>'founded_year')::bigint, (e->>'team_size')::bigint, (e->>'women_led')::boolean, \
    (e->>'young_founders')::boolean, e->>'website', e->>'social_links', e->>'contact_email', \
    e->>'funding_sought', e->>'funding_offered', e->>'sectors', e->>'hidden_fields', \
    'published', 'import', FALSE, $2, $2, $2, $3 \
    FROM jsonb_array_elements($1::jsonb) AS e RETURNING id, public_id";

const SQLITE_SECTORS_MANY: &str = "INSERT INTO actor_sectors (actor_id, sector) \
    SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each($1)";
const POSTGRES_SECTORS_MANY: &str = "INSERT INTO actor_sectors (actor_id, sector) \
    SELECT (e->>0)::bigint, e->>1 FROM jsonb_array_elements($1::jsonb) AS e";

const SQLITE_SEARCH_MANY: &str = "INSERT INTO actor_search (rowid, body) \
    SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each($1)";
const POSTGRES_SEARCH_MANY: &str = "INSERT INTO actor_search (rowid, body) \
    SELECT (e->>0)::bigint, e->>1 FROM jsonb_array_elements($1::jsonb) AS e";

/// Writes imported profiles, published, in three statements whatever their number (the rows
/// travel as one JSON array): one statement a row would take seconds per thousand on
/// PostgreSQL. Returns how many were written.
pub async fn insert_imported(
    tx: &mut Tx,
    profiles: &[(String, &ActorProfile)],
    (by, now): (i64, i64),
) -> DbResult<usize> {
    if profiles.is_empty() {
        return Ok(0);
    }
    let rows: Vec<serde_json::Value> = profiles
        .iter()
        .map(|(public_id, p)| {
            serde_json::json!({
                "public_id": public_id,
                "kind": p.kind.as_str(),
                "name": p.name,
                "sort_key": super::rules::fold(&p.name),
                "description_fr": p.description_fr,
                "description_en": p.description_en,
                "country": p.country.as_str(),
                "region": p.region.map(|r| r.as_str()).unwrap_or_default(),
                "town": p.town,
                "stage": p.stage.map(|s| s.as_str()).unwrap_or_default(),
                "founded_year": p.founded_year,
                "team_size": p.team_size,
                "women_led": p.women_led,
                "young_founders": p.young_founders,
                "website": p.website.as_deref().unwrap_or_default(),
                "social_links": p.social_links.join("\n"),
                "contact_email": p.contact_email.as_ref().map(|e| e.as_str()).unwrap_or_default(),
                "funding_sought": p.funding_sought,
                "funding_offered": p.funding_offered,
                "sectors": sectors_text(p),
                "hidden_fields": Hideable::join(&p.hidden),
            })
        })
        .collect();
    let postgres = matches!(tx, Tx::Postgres(_));
    let sql = if postgres {
        POSTGRES_INSERT_MANY
    } else {
        SQLITE_INSERT_MANY
    };
    let rows = serde_json::Value::Array(rows).to_string();
    let ids: Vec<(i64, String)> = run_tx!(tx, |conn| sqlx::query_as(sql)
        .bind(&rows)
        .bind(now)
        .bind(by)
        .fetch_all(conn)
        .await)?;
    let by_public_id: std::collections::HashMap<&str, &ActorProfile> = profiles
        .iter()
        .map(|(public_id, p)| (public_id.as_str(), *p))
        .collect();
    let mut sectors = Vec::new();
    let mut documents = Vec::new();
    for (id, public_id) in &ids {
        let Some(p) = by_public_id.get(public_id.as_str()) else {
            continue;
        };
        for sector in &p.sectors {
            sectors.push(serde_json::json!([id, sector.as_str()]));
        }
        documents.push(serde_json::json!([
            id,
            document(p, Status::Published, engine(tx))
        ]));
    }
    let (sectors_sql, search_sql) = if postgres {
        (POSTGRES_SECTORS_MANY, POSTGRES_SEARCH_MANY)
    } else {
        (SQLITE_SECTORS_MANY, SQLITE_SEARCH_MANY)
    };
    for (sql, rows) in [(sectors_sql, sectors), (search_sql, documents)] {
        let rows = serde_json::Value::Array(rows).to_string();
        run_tx!(tx, |conn| sqlx::query(sql)
            .bind(&rows)
            .execute(conn)
            .await
            .map(|_| ()))?;
    }
    Ok(ids.len())
}

/// The names and sites of every profile, for an import not to repeat them.
pub async fn names_and_websites(db: &Db) -> DbResult<Vec<(String, String)>> {
    let sql = "SELECT name, website FROM actors";
    Ok(run!(db, |pool| sqlx::query_as(sql).fetch_all(pool).await)?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ImportRow {
    pub id: i64,
    pub public_id: String,
    pub file_name: String,
    pub format: String,
    #[sqlx(try_from = "String")]
    pub status: ImportStatus,
    pub rows_ready: i64,
    pub rows_skipped: i64,
    pub empty_rows: i64,
    pub imported: i64,
    pub report_json: String,
    pub created_by: i64,
    pub created_at: i64,
    pub finished_at: Option<i64>,
}

impl ImportRow {
    /// The skipped rows and why; a report that does not read back is a corrupt row.
    pub fn skipped(&self) -> Result<Vec<super::import::Skipped>, serde_json::Error> {
        serde_json::from_str(&self.report_json)
    }
}

const IMPORT: &str = "i.id, i.public_id, i.file_name, i.format, i.status, i.rows_ready, \
    i.rows_skipped, i.empty_rows, i.imported, i.report_json, i.created_by, i.created_at, \
    i.finished_at";

/// What a previewed file holds.
pub struct NewImport<'a> {
    pub public_id: &'a str,
    pub file_name: &'a str,
    pub format: &'a str,
    pub content: &'a [u8],
    pub rows_ready: usize,
    pub rows_skipped: usize,
    pub empty_rows: usize,
    pub report_json: &'a str,
}

pub async fn insert_import(tx: &mut Tx, i: &NewImport<'_>, (by, now): (i64, i64)) -> DbResult<()> {
    let sql = "INSERT INTO directory_imports (public_id, file_name, format, content, status, \
               rows_ready, rows_skipped, empty_rows, report_json, created_by, created_at) \
               VALUES ($1, $2, $3, $4, 'previewed', $5, $6, $7, $8, $9, $10)";
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(i.public_id)
        .bind(i.file_name)
        .bind(i.format)
        .bind(i.content)
        .bind(i.rows_ready as i64)
        .bind(i.rows_skipped as i64)
        .bind(i.empty_rows as i64)
        .bind(i.report_json)
        .bind(by)
        .bind(now)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

pub async fn import_by_public_id(db: &Db, public_id: &str) -> DbResult<Option<ImportRow>> {
    let sql = format!("SELECT {IMPORT} FROM directory_imports i WHERE i.public_id = $1");
    Ok(run!(db, |pool| sqlx::query_as::<_, ImportRow>(&sql)
        .bind(public_id)
        .fetch_optional(pool)
        .await)?)
}

/// The latest imports, newest first.
pub async fn recent_imports(db: &Db) -> DbResult<Vec<ImportRow>> {
    let sql = format!(
        "SELECT {IMPORT} FROM directory_imports i ORDER BY i.created_at DESC, i.id DESC LIMIT 20"
    );
    Ok(run!(db, |pool| sqlx::query_as::<_, ImportRow>(&sql)
        .fetch_all(pool)
        .await)?)
}

/// The file of an import that may still run (previewed, or left running by a stopped
/// server), marking it running; `None` when it no longer may.
pub async fn take_import_file(tx: &mut Tx, id: i64) -> DbResult<Option<Vec<u8>>> {
    let sql = "UPDATE directory_imports SET status = 'running' \
               WHERE id = $1 AND status IN ('previewed', 'running') AND content IS NOT NULL \
               RETURNING content";
    Ok(run_tx!(tx, |conn| sqlx::query_scalar(sql)
        .bind(id)
        .fetch_optional(conn)
        .await)?)
}

/// Ends an import: how many profiles it wrote and which rows it skipped. The file goes.
pub async fn finish_import(
    tx: &mut Tx,
    id: i64,
    to: ImportStatus,
    (imported, skipped, report_json): (usize, usize, &str),
    now: i64,
) -> DbResult<()> {
    let sql = "UPDATE directory_imports SET status = $2, imported = $3, report_json = $4, \
               rows_skipped = $5, content = NULL, finished_at = $6 WHERE id = $1";
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(id)
        .bind(to.as_str())
        .bind(imported as i64)
        .bind(report_json)
        .bind(skipped as i64)
        .bind(now)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// Drops a previewed import's file; `false` when it was no longer waiting.
pub async fn cancel_import(tx: &mut Tx, id: i64, now: i64) -> DbResult<bool> {
    let sql = "UPDATE directory_imports SET status = 'cancelled', content = NULL, \
               finished_at = $2 WHERE id = $1 AND status = 'previewed'";
    let n = run_tx!(tx, |conn| sqlx::query(sql)
        .bind(id)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// The file of an import still waiting (previewed or running).
pub async fn import_content(db: &Db, id: i64) -> DbResult<Option<Vec<u8>>> {
    let sql = "SELECT content FROM directory_imports WHERE id = $1 AND content IS NOT NULL";
    Ok(run!(db, |pool| sqlx::query_scalar(sql)
        .bind(id)
        .fetch_optional(pool)
        .await)?)
}

/// Every profile not rejected, for the duplicate suggestions.
pub async fn duplicate_candidates(db: &Db) -> DbResult<Vec<super::duplicates::Candidate>> {
    let sql = "SELECT id, name, website FROM actors WHERE status <> 'rejected' ORDER BY id";
    let rows: Vec<(i64, String, String)> =
        run!(db, |pool| sqlx::query_as(sql).fetch_all(pool).await)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, website)| super::duplicates::Candidate { id, name, website })
        .collect())
}

/// Replaces a profile's content, its status unchanged (a merge by an organiser).
pub async fn rewrite(tx: &mut Tx, id: i64, p: &ActorProfile, now: i64) -> DbResult<()> {
    write_profile(tx, id, p, now).await?;
    index(tx, id, p, true).await
}

/// Moves a merged profile's interests, its owner when the kept one has none, then deletes
/// it (its sectors and remaining interests go with it).
pub async fn fold_into(tx: &mut Tx, kept: i64, gone: &ActorRow) -> DbResult<()> {
    let moves = [
        "UPDATE opportunity_interests SET actor_id = $1 WHERE actor_id = $2 \
         AND opportunity_id NOT IN \
         (SELECT opportunity_id FROM opportunity_interests WHERE actor_id = $1)",
        "UPDATE actors SET owner_id = (SELECT owner_id FROM actors WHERE id = $2) \
         WHERE id = $1 AND owner_id IS NULL",
    ];
    for sql in moves {
        run_tx!(tx, |conn| sqlx::query(sql)
            .bind(kept)
            .bind(gone.id)
            .execute(conn)
            .await
            .map(|_| ()))?;
    }
    // The SQLite search table is virtual: no foreign key removes its row.
    for sql in [
        "DELETE FROM actor_search WHERE rowid = $1",
        "DELETE FROM actors WHERE id = $1",
    ] {
        run_tx!(tx, |conn| sqlx::query(sql)
            .bind(gone.id)
            .execute(conn)
            .await
            .map(|_| ()))?;
    }
    Ok(())
}

/// A submitted application of an applicant, not yet made into a profile.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApplicationSource {
    pub id: i64,
    pub public_id: String,
    pub title: String,
    #[sqlx(try_from = "String")]
    pub track: TrackKindColumn,
    pub answers_json: String,
    pub country: String,
    pub domain: String,
    pub women_led: bool,
}

/// A track's kind as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrackKindColumn(pub crate::domain::track::TrackKind);

impl TryFrom<String> for TrackKindColumn {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        crate::domain::track::TrackKind::parse(&s)
            .map(TrackKindColumn)
            .ok_or_else(|| format!("unknown track kind {s:?}"))
    }
}

/// The applicant's submitted applications that no profile was made from yet, newest first.
pub async fn unlisted_applications(db: &Db, applicant_id: i64) -> DbResult<Vec<ApplicationSource>> {
    let sql = "SELECT a.id, a.public_id, a.title, t.kind AS track, a.answers_json, \
               COALESCE(a.country, '') AS country, COALESCE(a.domain, '') AS domain, a.women_led \
               FROM applications a JOIN tracks t ON t.id = a.track_id \
               WHERE a.applicant_id = $1 AND a.submitted_at IS NOT NULL \
               AND NOT EXISTS (SELECT 1 FROM actors x WHERE x.application_id = a.id) \
               ORDER BY a.submitted_at DESC, a.id DESC";
    Ok(run!(db, |pool| sqlx::query_as::<_, ApplicationSource>(
        sql
    )
    .bind(applicant_id)
    .fetch_all(pool)
    .await)?)
}

/// Records the application a new profile was made from.
pub async fn link_application(tx: &mut Tx, public_id: &str, application_id: i64) -> DbResult<()> {
    let sql = "UPDATE actors SET application_id = $2 WHERE public_id = $1";
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(public_id)
        .bind(application_id)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// Sets (or, with `None`, removes) a profile's logo; like any change by its owner, the
/// profile goes back to the organisers.
pub async fn set_logo(tx: &mut Tx, id: i64, logo: Option<(&[u8], &str)>) -> DbResult<()> {
    let sql = "UPDATE actors SET logo = $2, logo_sha256 = $3, status = 'pending', \
               rejection_reason = '' WHERE id = $1";
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(id)
        .bind(logo.map(|(jpeg, _)| jpeg))
        .bind(logo.map(|(_, sha)| sha))
        .execute(conn)
        .await
        .map(|_| ()))?;
    reindex(tx, id).await
}

/// A profile's logo, if `sha` names the current one.
pub async fn logo(db: &Db, id: i64, sha: &str) -> DbResult<Option<Vec<u8>>> {
    let sql = "SELECT logo FROM actors WHERE id = $1 AND logo_sha256 = $2 AND logo IS NOT NULL";
    Ok(run!(db, |pool| sqlx::query_scalar(sql)
        .bind(id)
        .bind(sha)
        .fetch_optional(pool)
        .await)?)
}

/// The countries of the published profiles: one index seek per country (the index on
/// status and country), not a scan of every profile, for each directory page built.
pub async fn listed_countries(db: &Db) -> DbResult<Vec<String>> {
    let sql = "WITH RECURSIVE c(country) AS ( \
               SELECT MIN(country) FROM actors WHERE status = 'published' \
               UNION ALL \
               SELECT (SELECT MIN(a.country) FROM actors a \
                       WHERE a.status = 'published' AND a.country > c.country) \
               FROM c WHERE c.country IS NOT NULL) \
               SELECT country FROM c WHERE country IS NOT NULL";
    Ok(run!(db, |pool| sqlx::query_scalar(sql)
        .fetch_all(pool)
        .await)?)
}

/// Refreshes PostgreSQL's statistics of the directory's tables after a bulk write: until
/// autovacuum gets to it, the planner would plan searches for the tables as they were.
/// SQLite plans without such statistics.
pub async fn analyze(db: &Db) -> DbResult<()> {
    if let Db::Postgres(pool) = db {
        sqlx::query("ANALYZE actors, actor_sectors, actor_search")
            .execute(pool)
            .await?;
    }
    Ok(())
}
