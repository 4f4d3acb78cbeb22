//! The retention purge of ID documents: a configured number of months after an edition's
//! results are first published, its applicants' ID documents are deleted from storage. The
//! file rows stay (that a document existed, its size and hash), marked purged, so pages say
//! "deleted on … (retention)" instead of showing a broken link.
//!
//! Each file goes through three idempotent steps — mark the row, delete the object (already
//! gone counts as done), record the purge with its audit entry — so a run stopped at any point
//! is finished by the next one, and only files that were due are ever touched.

use std::time::Duration;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use object_store::path::Path as StorePath;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::accounts::roles;
use crate::audit;
use crate::db::{Db, DbResult};
use crate::i18n;
use crate::web::ctx::{Ctx, SignedIn};
use crate::web::error::{AppError, AppResult};
use crate::web::state::AppState;
use crate::web::templates::render;
use crate::{run, run_tx, run_write};

/// How often the server looks for due ID documents (the period is months: an hour late is
/// nothing, and the first run waits so that start-up stays quick).
const PERIOD: Duration = Duration::from_secs(3600);
const FIRST_RUN: Duration = Duration::from_secs(60);

/// The instant `months` calendar months after `published_ms` (UTC), when ID documents of
/// that edition are due for deletion.
pub fn due_at(published_ms: i64, months: u32) -> i64 {
    jiff::Timestamp::from_millisecond(published_ms)
        .ok()
        .and_then(|t| {
            t.to_zoned(jiff::tz::TimeZone::UTC)
                .checked_add(jiff::Span::new().months(i64::from(months)))
                .ok()
        })
        .map(|z| z.timestamp().as_millisecond())
        .unwrap_or(i64::MAX)
}

/// An ID document not yet purged.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct IdDocument {
    pub id: i64,
    pub public_id: String,
    pub storage_key: String,
    pub field_key: String,
    pub application: String,
    pub reference: Option<String>,
    pub edition_id: i64,
    pub edition: String,
    pub purge_started_at: Option<i64>,
    pub results_at: Option<i64>,
}

impl IdDocument {
    /// When it is due (`None`: the edition's results are not published yet).
    pub fn due(&self, months: u32) -> Option<i64> {
        self.results_at.map(|r| due_at(r, months))
    }
}

pub async fn pending(db: &Db) -> DbResult<Vec<IdDocument>> {
    let sql = "SELECT f.id, f.public_id, f.storage_key, f.field_key, a.public_id AS application, a.reference, \
               e.id AS edition_id, e.slug AS edition, f.purge_started_at, \
               (SELECT MIN(r.published_at) FROM results_publications r WHERE r.edition_id = e.id) AS results_at \
               FROM files f JOIN applications a ON a.id = f.application_id JOIN tracks t ON t.id = a.track_id \
               JOIN editions e ON e.id = t.edition_id \
               WHERE f.id_document = TRUE AND f.purged_at IS NULL ORDER BY f.id";
    Ok(run!(db, |pool| sqlx::query_as(sql).fetch_all(pool).await)?)
}

/// The ID documents due at `now_ms`, oldest first.
pub async fn due(db: &Db, now_ms: i64, months: u32) -> DbResult<Vec<IdDocument>> {
    Ok(pending(db)
        .await?
        .into_iter()
        .filter(|d| d.due(months).is_some_and(|due| due <= now_ms))
        .collect())
}

#[derive(Debug, thiserror::Error)]
pub enum PurgeError {
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
    #[error("storage: {0}")]
    Storage(#[from] object_store::Error),
}

/// Purges at most `limit` due ID documents (all of them without a limit); returns the
/// public ids of the files purged by this run.
pub async fn purge(app: &AppState, limit: Option<usize>) -> Result<Vec<String>, PurgeError> {
    let months = app.config.retention.id_document_months;
    let due = due(&app.db, app.now_ms(), months).await?;
    let mut purged = Vec::new();
    for doc in due.into_iter().take(limit.unwrap_or(usize::MAX)) {
        if purge_one(app, &doc, months).await? {
            purged.push(doc.public_id);
        }
    }
    Ok(purged)
}

async fn purge_one(app: &AppState, doc: &IdDocument, months: u32) -> Result<bool, PurgeError> {
    let now = app.now_ms();
    // 1. Mark: a run stopped after this shows which file it was working on.
    run_write!(&app.db, |pool| sqlx::query(
        "UPDATE files SET purge_started_at = $1 WHERE id = $2 AND purge_started_at IS NULL"
    )
    .bind(now)
    .bind(doc.id)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))
    .map_err(crate::db::DbError::from)?;
    // 2. Delete the object; one already gone was deleted by an interrupted run.
    match app
        .store
        .delete(&StorePath::from(doc.storage_key.as_str()))
        .await
    {
        Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
        Err(e) => return Err(e.into()),
    }
    // 3. Record, with its audit entry; a concurrent run that recorded it first wins.
    let mut tx = app.db.begin().await?;
    let recorded = run_tx!(&mut tx, |conn| sqlx::query(
        "UPDATE files SET purged_at = $1 WHERE id = $2 AND purged_at IS NULL"
    )
    .bind(now)
    .bind(doc.id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))
    .map_err(crate::db::DbError::from)?;
    if recorded == 0 {
        return Ok(false);
    }
    audit::append(
        &mut tx,
        &audit::Entry {
            actor_id: None,
            action: audit::Action::UploadPurged,
            object: doc.reference.as_deref().unwrap_or(&doc.application),
            details: serde_json::json!({
                "file": doc.public_id,
                "field": doc.field_key,
                "due": doc.due(months),
                "retention_months": months,
            }),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// The server's periodic purge, stopped with the server.
pub fn spawn(app: AppState, shutdown: CancellationToken) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut wait = FIRST_RUN;
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = tokio::time::sleep(wait) => {}
            }
            wait = PERIOD;
            match purge(&app, None).await {
                Ok(purged) if !purged.is_empty() => {
                    tracing::info!(count = purged.len(), "ID documents purged (retention)");
                }
                Ok(_) => {}
                Err(error) => tracing::error!(%error, "ID-document purge failed; next run retries"),
            }
        }
    })
}

pub struct DryRunLine {
    pub edition: String,
    pub dossier: String,
    pub url: String,
    pub field: String,
    /// When it will be deleted, or why it is not scheduled.
    pub when: String,
    pub due_now: bool,
}

#[derive(Template)]
#[template(path = "personal_data/retention.html")]
pub struct DryRunTemplate {
    pub ctx: Ctx,
    pub months: u32,
    pub lines: Vec<DryRunLine>,
}

/// What the purge would delete, and when, for the editions the user organises.
pub async fn dry_run_page(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
) -> AppResult<Response> {
    let organised = roles::organised_editions(&app.db, user.id).await?;
    if organised.is_empty() && !user.is_admin {
        return Err(AppError::NotFound);
    }
    let months = app.config.retention.id_document_months;
    let now = app.now_ms();
    let lines = pending(&app.db)
        .await?
        .into_iter()
        .filter(|d| user.is_admin || organised.contains(&d.edition_id))
        .map(|d| {
            let due = d.due(months);
            let when = match due {
                Some(due) => jiff::Timestamp::from_millisecond(due)
                    .map(|t| {
                        i18n::format_date(ctx.lang, t.to_zoned(jiff::tz::TimeZone::UTC).date())
                    })
                    .unwrap_or_default(),
                None => ctx.t("pd-retention-not-scheduled"),
            };
            DryRunLine {
                url: format!("/admin/applications/{}", d.application),
                dossier: d.reference.clone().unwrap_or_else(|| d.application.clone()),
                edition: d.edition,
                field: d.field_key,
                when,
                due_now: due.is_some_and(|due| due <= now),
            }
        })
        .collect();
    render(&DryRunTemplate { ctx, months, lines })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_months_after_the_results_are_calendar_months() {
        let published: jiff::Timestamp = "2026-01-31T18:00:00Z".parse().expect("instant");
        let due: jiff::Timestamp = "2026-07-31T18:00:00Z".parse().expect("instant");
        assert_eq!(due_at(published.as_millisecond(), 6), due.as_millisecond());
        let end_of_month: jiff::Timestamp = "2026-08-31T00:00:00Z".parse().expect("instant");
        let clamped: jiff::Timestamp = "2027-02-28T00:00:00Z".parse().expect("instant");
        assert_eq!(
            due_at(end_of_month.as_millisecond(), 6),
            clamped.as_millisecond()
        );
        assert_eq!(
            due_at(published.as_millisecond(), 0),
            published.as_millisecond()
        );
    }
}
