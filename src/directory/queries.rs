//! The directory's reads and writes.

use super::rules::{ActorProfile, Hideable};
use super::taxonomy::{ActorKind, Source, Status};
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
}

impl ActorRow {
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
    a.is_demo, a.owner_id, a.created_at, a.updated_at";

pub async fn by_public_id(db: &Db, public_id: &str) -> DbResult<Option<ActorRow>> {
    let sql = format!("SELECT {ACTOR} FROM actors a WHERE a.public_id = $1");
    Ok(run!(db, |pool| sqlx::query_as::<_, ActorRow>(&sql)
        .bind(public_id)
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
    .document();
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
