//! The shortlist's rows: its settings and status, its entries, the log of changes, and the
//! applicants its publication writes to.

use std::collections::BTreeMap;

use crate::db::{Db, DbError, DbResult, Tx};
use crate::domain::types::UnknownValue;
use crate::{run, run_tx, run_write};

/// Where the shortlist stands: a draft organisers change, locked (final, not yet public),
/// then published (the finalists' page is up and every applicant told).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShortlistStatus {
    Draft,
    Locked,
    Published,
}

impl ShortlistStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ShortlistStatus::Draft => "draft",
            ShortlistStatus::Locked => "locked",
            ShortlistStatus::Published => "published",
        }
    }
}

impl std::fmt::Display for ShortlistStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for ShortlistStatus {
    type Error = UnknownValue;

    fn try_from(name: String) -> Result<ShortlistStatus, UnknownValue> {
        [
            ShortlistStatus::Draft,
            ShortlistStatus::Locked,
            ShortlistStatus::Published,
        ]
        .into_iter()
        .find(|s| s.as_str() == name)
        .ok_or(UnknownValue(name))
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ShortlistRow {
    pub size: i64,
    pub quotas_json: String,
    #[sqlx(try_from = "String")]
    pub status: ShortlistStatus,
    pub with_feedback: bool,
    pub published_at: Option<i64>,
    /// Bumped by every save of the settings form (no silent overwrite).
    pub version: i64,
}

impl ShortlistRow {
    pub(super) fn quotas(&self) -> BTreeMap<i64, usize> {
        serde_json::from_str(&self.quotas_json).unwrap_or_default()
    }
}

pub async fn ensure_shortlist(db: &Db, edition_id: i64) -> DbResult<ShortlistRow> {
    let insert = "INSERT INTO shortlists (edition_id) VALUES ($1) ON CONFLICT DO NOTHING";
    run_write!(db, |pool| sqlx::query(insert)
        .bind(edition_id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    let sql = "SELECT size, quotas_json, status, with_feedback, published_at, version FROM shortlists WHERE edition_id = $1";
    Ok(run_write!(db, |pool| sqlx::query_as::<_, ShortlistRow>(
        sql
    )
    .bind(edition_id)
    .fetch_one(pool)
    .await)?)
}

/// The status re-read inside the transaction that changes the shortlist.
pub(super) async fn status_tx(tx: &mut Tx, edition_id: i64) -> DbResult<ShortlistStatus> {
    let sql = "SELECT status FROM shortlists WHERE edition_id = $1";
    let name: String = run_tx!(tx, |conn| sqlx::query_scalar(sql)
        .bind(edition_id)
        .fetch_one(conn)
        .await)?;
    ShortlistStatus::try_from(name).map_err(|e| DbError::Corrupt(e.to_string()))
}

pub(super) async fn set_status(
    tx: &mut Tx,
    edition_id: i64,
    status: ShortlistStatus,
    now_ms: i64,
) -> DbResult<()> {
    let sql = "UPDATE shortlists SET status = $1, \
               locked_at = CASE WHEN $1 = 'locked' THEN $2 ELSE locked_at END, \
               published_at = CASE WHEN $1 = 'published' THEN $2 ELSE published_at END \
               WHERE edition_id = $3";
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(status.as_str())
        .bind(now_ms)
        .bind(edition_id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub(super) struct EntryRow {
    pub(super) application_id: i64,
    pub(super) source: String,
}

pub(super) async fn entries(db: &Db, edition_id: i64) -> DbResult<Vec<EntryRow>> {
    let sql = "SELECT application_id, source FROM shortlist_entries WHERE edition_id = $1 ORDER BY position";
    Ok(run!(db, |pool| sqlx::query_as::<_, EntryRow>(sql)
        .bind(edition_id)
        .fetch_all(pool)
        .await)?)
}

pub(super) async fn insert_entry(
    tx: &mut Tx,
    edition_id: i64,
    application_id: i64,
    position: i64,
    source: &str,
) -> DbResult<()> {
    let sql = "INSERT INTO shortlist_entries (edition_id, application_id, position, source) \
               VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(edition_id)
        .bind(application_id)
        .bind(position)
        .bind(source)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

pub(super) async fn delete_entries(
    tx: &mut Tx,
    edition_id: i64,
    application_id: Option<i64>,
) -> DbResult<u64> {
    let sql = "DELETE FROM shortlist_entries WHERE edition_id = $1 AND (application_id = $2 OR $2 IS NULL)";
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(edition_id)
        .bind(application_id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))
    .map_err(Into::into)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub(super) struct ChangeRow {
    pub(super) application_id: i64,
    pub(super) action: String,
    pub(super) justification: String,
    pub(super) actor_name: String,
}

/// Records an organiser's change (`in` or `out`) with its justification in the history.
pub(super) async fn insert_change(
    tx: &mut Tx,
    edition_id: i64,
    application_id: i64,
    (action, justification, actor_id): (&str, &str, i64),
    now_ms: i64,
) -> DbResult<()> {
    let sql = "INSERT INTO shortlist_changes (edition_id, application_id, action, justification, actor_id, at) \
               VALUES ($1, $2, $3, $4, $5, $6)";
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(edition_id)
        .bind(application_id)
        .bind(action)
        .bind(justification)
        .bind(actor_id)
        .bind(now_ms)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

pub(super) async fn changes(db: &Db, edition_id: i64) -> DbResult<Vec<ChangeRow>> {
    let sql = "SELECT c.application_id, c.action, c.justification, u.display_name AS actor_name \
               FROM shortlist_changes c JOIN users u ON u.id = c.actor_id \
               WHERE c.edition_id = $1 ORDER BY c.id";
    Ok(run!(db, |pool| sqlx::query_as::<_, ChangeRow>(sql)
        .bind(edition_id)
        .fetch_all(pool)
        .await)?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Applicant {
    pub application_id: i64,
    pub reference: Option<String>,
    pub title: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub locale: String,
}

/// Everyone who applied to the edition's call (drafts and withdrawals aside).
pub async fn applicants(db: &Db, edition_id: i64) -> DbResult<Vec<Applicant>> {
    let sql = "SELECT a.id AS application_id, a.reference, a.title, u.email, u.phone, u.locale \
               FROM applications a JOIN tracks t ON t.id = a.track_id JOIN users u ON u.id = a.applicant_id \
               WHERE t.edition_id = $1 AND a.status IN ('submitted', 'eligible', 'ineligible') ORDER BY a.id";
    Ok(run!(db, |pool| sqlx::query_as::<_, Applicant>(sql)
        .bind(edition_id)
        .fetch_all(pool)
        .await)?)
}
