//! Editions, tracks and versioned form definitions.

use crate::calls::TrackSettings;
use crate::db::{Db, DbError, DbResult, Tx};
use crate::domain::eligibility::Rule;
use crate::domain::form::FormDefinition;
use crate::domain::track::TrackKind;
use crate::domain::types::Lang;
use crate::domain::types::Zone;
use crate::{run, run_tx};

/// A track with what pages need of its edition.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TrackRow {
    pub id: i64,
    pub edition_id: i64,
    pub slug: String,
    pub code: String,
    pub position: i64,
    pub name_fr: String,
    pub name_en: String,
    pub description_fr: String,
    pub description_en: String,
    /// The conditions in the organisers' words (empty: the rules' own wording is shown).
    pub conditions_fr: String,
    pub conditions_en: String,
    /// The rules of the competition (règlement), paragraphs separated by blank lines
    /// (empty: no rules page).
    pub regulations_fr: String,
    pub regulations_en: String,
    pub opens_at: i64,
    pub closes_at: i64,
    pub max_per_applicant: i64,
    pub eligibility_json: String,
    pub form_version: i64,
    pub kind: String,
    /// Bumped by every save of the track page (no silent overwrite).
    pub version: i64,
    pub edition_slug: String,
    pub edition_year: i64,
    pub ref_prefix: String,
    #[sqlx(try_from = "String")]
    pub timezone: Zone,
    pub event_name_fr: String,
    pub event_name_en: String,
}

const TRACK_SELECT: &str =
    "SELECT t.id, t.edition_id, t.slug, t.code, t.position, t.name_fr, t.name_en, \
    t.description_fr, t.description_en, t.conditions_fr, t.conditions_en, t.regulations_fr, t.regulations_en, t.opens_at, t.closes_at, t.max_per_applicant, \
    t.eligibility_json, t.form_version, t.kind, t.version, e.slug AS edition_slug, e.year AS edition_year, \
    e.ref_prefix, e.timezone, ev.name_fr AS event_name_fr, ev.name_en AS event_name_en \
    FROM tracks t JOIN editions e ON e.id = t.edition_id JOIN events ev ON ev.id = e.event_id";

impl TrackRow {
    /// The track's name in `lang`.
    pub fn name(&self, lang: Lang) -> String {
        match lang {
            Lang::Fr => self.name_fr.clone(),
            Lang::En => self.name_en.clone(),
        }
    }

    pub fn rules(&self) -> DbResult<Vec<Rule>> {
        serde_json::from_str(&self.eligibility_json)
            .map_err(|e| DbError::Corrupt(format!("eligibility rules of track {}: {e}", self.id)))
    }

    pub fn kind(&self) -> DbResult<TrackKind> {
        TrackKind::parse(&self.kind)
            .ok_or_else(|| DbError::Corrupt(format!("kind of track {}: {}", self.id, self.kind)))
    }

    pub fn is_open(&self, now_ms: i64) -> bool {
        self.opens_at <= now_ms && now_ms < self.closes_at
    }

    /// The page of the rules of the competition, when the organisers wrote them.
    pub fn regulations_url(&self) -> Option<String> {
        (!self.regulations_fr.trim().is_empty())
            .then(|| format!("/calls/{}/{}/rules", self.edition_slug, self.slug))
    }

    /// The rules of the competition in `lang` (English falls back to French).
    pub fn regulations(&self, lang: crate::domain::types::Lang) -> &str {
        match lang {
            crate::domain::types::Lang::En if !self.regulations_en.trim().is_empty() => {
                &self.regulations_en
            }
            _ => &self.regulations_fr,
        }
    }

    /// The civil date of the close, the reference date for age rules.
    pub fn closing_date(&self) -> jiff::civil::Date {
        jiff::Timestamp::from_millisecond(self.closes_at)
            .map(|t| t.to_zoned(self.time_zone()).date())
            .unwrap_or_default()
    }

    pub fn time_zone(&self) -> jiff::tz::TimeZone {
        self.timezone.tz().clone()
    }
}

pub async fn open_and_upcoming_tracks(db: &Db, now_ms: i64) -> DbResult<Vec<TrackRow>> {
    let sql = format!("{TRACK_SELECT} WHERE t.closes_at > $1 ORDER BY t.opens_at, t.position");
    Ok(run!(db, |pool| sqlx::query_as::<_, TrackRow>(&sql)
        .bind(now_ms)
        .fetch_all(pool)
        .await)?)
}

pub async fn all_tracks(db: &Db) -> DbResult<Vec<TrackRow>> {
    let sql = format!("{TRACK_SELECT} ORDER BY e.year DESC, t.position");
    Ok(run!(db, |pool| sqlx::query_as::<_, TrackRow>(&sql)
        .fetch_all(pool)
        .await)?)
}

pub async fn tracks_of_edition(db: &Db, edition_id: i64) -> DbResult<Vec<TrackRow>> {
    let sql = format!("{TRACK_SELECT} WHERE t.edition_id = $1 ORDER BY t.position");
    Ok(run!(db, |pool| sqlx::query_as::<_, TrackRow>(&sql)
        .bind(edition_id)
        .fetch_all(pool)
        .await)?)
}

pub async fn track_by_slugs(db: &Db, edition: &str, track: &str) -> DbResult<Option<TrackRow>> {
    let sql = format!("{TRACK_SELECT} WHERE e.slug = $1 AND t.slug = $2");
    Ok(run!(db, |pool| sqlx::query_as::<_, TrackRow>(&sql)
        .bind(edition)
        .bind(track)
        .fetch_optional(pool)
        .await)?)
}

pub async fn track_by_id(db: &Db, id: i64) -> DbResult<Option<TrackRow>> {
    let sql = format!("{TRACK_SELECT} WHERE t.id = $1");
    Ok(run!(db, |pool| sqlx::query_as::<_, TrackRow>(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await)?)
}

pub async fn form_definition(db: &Db, track_id: i64, version: i64) -> DbResult<FormDefinition> {
    let sql = "SELECT definition_json FROM form_versions WHERE track_id = $1 AND version = $2";
    let json: String = run!(db, |pool| sqlx::query_scalar(sql)
        .bind(track_id)
        .bind(version)
        .fetch_one(pool)
        .await)?;
    serde_json::from_str(&json)
        .map_err(|e| DbError::Corrupt(format!("form {track_id} v{version}: {e}")))
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EditionRow {
    pub id: i64,
    pub slug: String,
    pub year: i64,
    pub ref_prefix: String,
    pub theme_fr: String,
    pub theme_en: String,
    pub venue: String,
    pub starts_on: String,
    pub ends_on: String,
    #[sqlx(try_from = "String")]
    pub timezone: Zone,
    pub call_title_fr: String,
    pub call_title_en: String,
    pub event_name_fr: String,
    pub event_name_en: String,
}

impl EditionRow {
    /// "Semaine du Numérique 2026": the event's name in `lang` and the year.
    pub fn name(&self, lang: Lang) -> String {
        let event = match lang {
            Lang::En => &self.event_name_en,
            Lang::Fr => &self.event_name_fr,
        };
        format!("{event} {}", self.year)
    }
}

const EDITION_SELECT: &str =
    "SELECT e.id, e.slug, e.year, e.ref_prefix, e.theme_fr, e.theme_en, e.venue, \
    e.starts_on, e.ends_on, e.timezone, e.call_title_fr, e.call_title_en, \
    ev.name_fr AS event_name_fr, ev.name_en AS event_name_en \
    FROM editions e JOIN events ev ON ev.id = e.event_id";

pub async fn editions(db: &Db) -> DbResult<Vec<EditionRow>> {
    let sql = format!("{EDITION_SELECT} ORDER BY e.year DESC, e.id DESC");
    Ok(run!(db, |pool| sqlx::query_as::<_, EditionRow>(&sql)
        .fetch_all(pool)
        .await)?)
}

pub async fn edition_by_slug(db: &Db, slug: &str) -> DbResult<Option<EditionRow>> {
    let sql = format!("{EDITION_SELECT} WHERE e.slug = $1");
    Ok(run!(db, |pool| sqlx::query_as::<_, EditionRow>(&sql)
        .bind(slug)
        .fetch_optional(pool)
        .await)?)
}

pub async fn edition_by_id(db: &Db, id: i64) -> DbResult<Option<EditionRow>> {
    let sql = format!("{EDITION_SELECT} WHERE e.id = $1");
    Ok(run!(db, |pool| sqlx::query_as::<_, EditionRow>(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await)?)
}

pub struct NewEvent<'a> {
    pub slug: &'a str,
    pub code: &'a str,
    pub name_fr: &'a str,
    pub name_en: &'a str,
}

pub async fn insert_event(tx: &mut Tx, event: &NewEvent<'_>) -> DbResult<i64> {
    let sql =
        "INSERT INTO events (slug, code, name_fr, name_en) VALUES ($1, $2, $3, $4) RETURNING id";
    Ok(run_tx!(tx, |conn| sqlx::query_scalar(sql)
        .bind(event.slug)
        .bind(event.code)
        .bind(event.name_fr)
        .bind(event.name_en)
        .fetch_one(conn)
        .await)?)
}

pub struct NewEdition<'a> {
    pub event_id: i64,
    pub slug: &'a str,
    pub year: i64,
    pub ref_prefix: &'a str,
    pub theme_fr: &'a str,
    pub theme_en: &'a str,
    pub venue: &'a str,
    pub starts_on: &'a str,
    pub ends_on: &'a str,
    pub timezone: &'a str,
    pub call_title_fr: &'a str,
    pub call_title_en: &'a str,
    pub criteria_json: &'a str,
}

pub async fn insert_edition(tx: &mut Tx, e: &NewEdition<'_>, now_ms: i64) -> DbResult<i64> {
    let sql = "INSERT INTO editions (event_id, slug, year, ref_prefix, theme_fr, theme_en, venue, \
               starts_on, ends_on, timezone, call_title_fr, call_title_en, criteria_json, created_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id";
    Ok(run_tx!(tx, |conn| sqlx::query_scalar(sql)
        .bind(e.event_id)
        .bind(e.slug)
        .bind(e.year)
        .bind(e.ref_prefix)
        .bind(e.theme_fr)
        .bind(e.theme_en)
        .bind(e.venue)
        .bind(e.starts_on)
        .bind(e.ends_on)
        .bind(e.timezone)
        .bind(e.call_title_fr)
        .bind(e.call_title_en)
        .bind(e.criteria_json)
        .bind(now_ms)
        .fetch_one(conn)
        .await)?)
}

/// Creates a track with version 1 of its form.
pub async fn insert_track(
    tx: &mut Tx,
    edition_id: i64,
    kind: TrackKind,
    settings: &TrackSettings,
    form: &FormDefinition,
    now_ms: i64,
) -> DbResult<i64> {
    let sql = "INSERT INTO tracks (edition_id, slug, code, position, name_fr, name_en, description_fr, \
               description_en, opens_at, closes_at, max_per_applicant, eligibility_json, form_version, kind, \
               conditions_fr, conditions_en, regulations_fr, regulations_en) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, $13, $14, $15, $16, $17) RETURNING id";
    let rules = to_json(&settings.rules)?;
    let id: i64 = run_tx!(tx, |conn| sqlx::query_scalar(sql)
        .bind(edition_id)
        .bind(&settings.slug)
        .bind(&settings.code)
        .bind(settings.position)
        .bind(&settings.name.fr)
        .bind(&settings.name.en)
        .bind(&settings.description.fr)
        .bind(&settings.description.en)
        .bind(settings.opens_at)
        .bind(settings.closes_at)
        .bind(settings.max_per_applicant)
        .bind(&rules)
        .bind(kind.as_str())
        .bind(&settings.conditions.fr)
        .bind(&settings.conditions.en)
        .bind(&settings.regulations.fr)
        .bind(&settings.regulations.en)
        .fetch_one(conn)
        .await)?;
    insert_form_version(tx, id, 1, form, now_ms).await?;
    Ok(id)
}

fn to_json<T: serde::Serialize>(value: &T) -> DbResult<String> {
    serde_json::to_string(value).map_err(|e| DbError::Corrupt(e.to_string()))
}

async fn insert_form_version(
    tx: &mut Tx,
    track_id: i64,
    version: i64,
    form: &FormDefinition,
    now_ms: i64,
) -> DbResult<()> {
    let sql = "INSERT INTO form_versions (track_id, version, definition_json, created_at) VALUES ($1, $2, $3, $4)";
    let json = to_json(form)?;
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(track_id)
        .bind(version)
        .bind(&json)
        .bind(now_ms)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Saves the track's settings if the track is still at `expected_version` (the version the
/// organiser's form was loaded from); a changed form becomes a new version (drafts answered
/// against the old one are migrated when next opened, submitted versions keep theirs).
/// Returns the form version, or `None` when someone saved the track in between: nothing is
/// written then.
pub async fn update_track(
    tx: &mut Tx,
    track: &TrackRow,
    expected_version: i64,
    settings: &TrackSettings,
    form: Option<&FormDefinition>,
    now_ms: i64,
) -> DbResult<Option<i64>> {
    let version = track.form_version + i64::from(form.is_some());
    // The guarded update first: a stale save must not reach the form version insert.
    let sql = "UPDATE tracks SET name_fr = $2, name_en = $3, description_fr = $4, description_en = $5, \
               opens_at = $6, closes_at = $7, max_per_applicant = $8, eligibility_json = $9, form_version = $10, \
               conditions_fr = $12, conditions_en = $13, regulations_fr = $14, regulations_en = $15, \
               version = version + 1 WHERE id = $1 AND version = $11";
    let rules = to_json(&settings.rules)?;
    let updated = run_tx!(tx, |conn| sqlx::query(sql)
        .bind(track.id)
        .bind(&settings.name.fr)
        .bind(&settings.name.en)
        .bind(&settings.description.fr)
        .bind(&settings.description.en)
        .bind(settings.opens_at)
        .bind(settings.closes_at)
        .bind(settings.max_per_applicant)
        .bind(&rules)
        .bind(version)
        .bind(expected_version)
        .bind(&settings.conditions.fr)
        .bind(&settings.conditions.en)
        .bind(&settings.regulations.fr)
        .bind(&settings.regulations.en)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    if updated == 0 {
        return Ok(None);
    }
    if let Some(form) = form {
        insert_form_version(tx, track.id, version, form, now_ms).await?;
    }
    Ok(Some(version))
}
