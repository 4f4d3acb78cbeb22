//! "Download all my data": one ZIP archive with `data.json` (the account, every dossier with
//! all its submitted versions, statuses and decisions, the messages sent to the person with
//! codes masked, the list of uploads, the capture-the-flag teams joined and flags submitted —
//! when and with what outcome, their text was never kept) and the uploaded files themselves.
//!
//! The archive is written to its own temporary file (a random name: two exports at once never
//! share one), files are copied from storage chunk by chunk, and the finished archive is
//! streamed back from disk, so memory stays bounded whatever the uploads weigh. ID documents
//! are listed but not included: they are readable only by organisers (a stolen session must
//! not yield an identity card).

use std::io::Write;
use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use object_store::path::Path as StorePath;
use tokio::io::AsyncReadExt;
use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

use super::iso;
use crate::audit;
use crate::db::{Db, DbResult};
use crate::run;
use crate::web::ctx::{CsrfForm, SignedIn};
use crate::web::error::{AppError, AppResult};
use crate::web::state::AppState;

#[derive(sqlx::FromRow)]
struct Account {
    public_id: String,
    display_name: String,
    email: Option<String>,
    phone: Option<String>,
    locale: String,
    verified_at: Option<i64>,
    created_at: i64,
}

#[derive(sqlx::FromRow)]
struct ApplicationRow {
    id: i64,
    public_id: String,
    reference: Option<String>,
    status: String,
    status_reason: Option<String>,
    form_version: i64,
    answers_json: String,
    draft_answers_json: Option<String>,
    title: String,
    created_at: i64,
    submitted_at: Option<i64>,
    edition: String,
    track_code: String,
    track_name_fr: String,
    track_name_en: String,
}

#[derive(sqlx::FromRow)]
struct VersionRow {
    application_id: i64,
    version: i64,
    form_version: i64,
    answers_json: String,
    submitted_at: i64,
}

#[derive(sqlx::FromRow)]
struct MessageRow {
    channel: String,
    recipient: String,
    subject: String,
    body: String,
    status: String,
    created_at: i64,
    sent_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct FileRow {
    public_id: String,
    application: String,
    field_key: String,
    display_name: String,
    mime: String,
    size_bytes: i64,
    sha256: String,
    storage_key: String,
    id_document: bool,
    created_at: i64,
    purged_at: Option<i64>,
}

impl FileRow {
    /// Its path in the archive, if its bytes are included.
    fn archive_path(&self) -> Option<String> {
        (!self.id_document && self.purged_at.is_none())
            .then(|| format!("files/{}-{}", self.public_id, self.display_name))
    }
}

#[derive(sqlx::FromRow)]
struct CtfMembershipRow {
    edition: String,
    team: String,
    joined_at: i64,
}

/// A flag the person submitted: its text was never kept, only when and what it gave.
#[derive(sqlx::FromRow)]
struct CtfAttemptRow {
    edition: String,
    challenge: String,
    at: i64,
    outcome: String,
}

/// A directory profile the person registered, private fields included.
#[derive(sqlx::FromRow, serde::Serialize)]
struct ActorRow {
    public_id: String,
    kind: String,
    name: String,
    description_fr: String,
    description_en: String,
    country: String,
    region: String,
    town: String,
    stage: String,
    founded_year: Option<i64>,
    team_size: Option<i64>,
    women_led: bool,
    young_founders: bool,
    website: String,
    social_links: String,
    contact_email: String,
    funding_sought: String,
    funding_offered: String,
    sectors: String,
    hidden_fields: String,
    status: String,
    rejection_reason: String,
}

/// Interest the person expressed in a funding opportunity.
#[derive(sqlx::FromRow, serde::Serialize)]
struct InterestRow {
    opportunity: String,
    actor: String,
    message: String,
    created_at: i64,
}

/// Everything the archive holds, read before anything is written.
struct Collected {
    account: Account,
    applications: Vec<ApplicationRow>,
    versions: Vec<VersionRow>,
    messages: Vec<MessageRow>,
    files: Vec<FileRow>,
    ctf_teams: Vec<CtfMembershipRow>,
    ctf_attempts: Vec<CtfAttemptRow>,
    actors: Vec<ActorRow>,
    interests: Vec<InterestRow>,
}

async fn collect(db: &Db, user_id: i64) -> DbResult<Collected> {
    let account = run!(db, |pool| {
        sqlx::query_as(
        "SELECT public_id, display_name, email, phone, locale, verified_at, created_at FROM users WHERE id = $1"
    )
    .bind(user_id)
    .fetch_one(pool)
    .await
    })?;
    let applications = run!(db, |pool| {
        sqlx::query_as(
        "SELECT a.id, a.public_id, a.reference, a.status, a.status_reason, a.form_version, a.answers_json, \
         a.draft_answers_json, a.title, a.created_at, a.submitted_at, e.slug AS edition, t.code AS track_code, \
         t.name_fr AS track_name_fr, t.name_en AS track_name_en \
         FROM applications a JOIN tracks t ON t.id = a.track_id JOIN editions e ON e.id = t.edition_id \
         WHERE a.applicant_id = $1 ORDER BY a.id"
    )
    .bind(user_id)
    .fetch_all(pool)
    .await
    })?;
    let versions = run!(db, |pool| sqlx::query_as(
        "SELECT v.application_id, v.version, v.form_version, v.answers_json, v.submitted_at \
         FROM application_versions v JOIN applications a ON a.id = v.application_id \
         WHERE a.applicant_id = $1 ORDER BY v.application_id, v.version"
    )
    .bind(user_id)
    .fetch_all(pool)
    .await)?;
    // Codes and other secrets are stored with a masked body: only that one leaves.
    let messages = run!(db, |pool| {
        sqlx::query_as(
        "SELECT channel, recipient, subject, COALESCE(masked_body, body) AS body, status, created_at, sent_at \
         FROM outbox WHERE recipient IN (SELECT email FROM users WHERE id = $1 AND email IS NOT NULL \
         UNION SELECT phone FROM users WHERE id = $1 AND phone IS NOT NULL) ORDER BY id"
    )
    .bind(user_id)
    .fetch_all(pool)
    .await
    })?;
    let files = run!(db, |pool| {
        sqlx::query_as(
        "SELECT f.public_id, a.public_id AS application, f.field_key, f.display_name, f.mime, f.size_bytes, \
         f.sha256, f.storage_key, f.id_document, f.created_at, f.purged_at \
         FROM files f JOIN applications a ON a.id = f.application_id WHERE f.owner_id = $1 ORDER BY f.id"
    )
    .bind(user_id)
    .fetch_all(pool)
    .await
    })?;
    let ctf_teams = run!(db, |pool| sqlx::query_as(
        "SELECT e.slug AS edition, t.name AS team, m.joined_at FROM ctf_members m \
         JOIN ctf_teams t ON t.id = m.team_id JOIN ctf_contests c ON c.id = m.contest_id \
         JOIN editions e ON e.id = c.edition_id WHERE m.account_id = $1 ORDER BY m.id"
    )
    .bind(user_id)
    .fetch_all(pool)
    .await)?;
    let ctf_attempts = run!(db, |pool| sqlx::query_as(
        "SELECT e.slug AS edition, ch.name AS challenge, a.at, a.outcome FROM ctf_attempts a \
         JOIN ctf_challenges ch ON ch.id = a.challenge_id \
         JOIN ctf_contests c ON c.id = a.contest_id JOIN editions e ON e.id = c.edition_id \
         WHERE a.account_id = $1 ORDER BY a.id"
    )
    .bind(user_id)
    .fetch_all(pool)
    .await)?;
    let actors = run!(db, |pool| sqlx::query_as(
        "SELECT public_id, kind, name, description_fr, description_en, country, region, town, \
         stage, founded_year, team_size, women_led, young_founders, website, social_links, \
         contact_email, funding_sought, funding_offered, sectors, hidden_fields, status, \
         rejection_reason FROM actors WHERE owner_id = $1 ORDER BY id"
    )
    .bind(user_id)
    .fetch_all(pool)
    .await)?;
    let interests = run!(db, |pool| sqlx::query_as(
        "SELECT o.title AS opportunity, a.name AS actor, i.message, i.created_at \
         FROM opportunity_interests i JOIN opportunities o ON o.id = i.opportunity_id \
         JOIN actors a ON a.id = i.actor_id WHERE i.account_id = $1 ORDER BY i.id"
    )
    .bind(user_id)
    .fetch_all(pool)
    .await)?;
    Ok(Collected {
        account,
        applications,
        versions,
        messages,
        files,
        ctf_teams,
        ctf_attempts,
        actors,
        interests,
    })
}

/// Stored JSON as JSON (text if it somehow is not).
fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|_| serde_json::Value::String(text.to_owned()))
}

fn document(c: &Collected, exported_at: i64) -> serde_json::Value {
    use serde_json::json;
    let applications: Vec<_> = c
        .applications
        .iter()
        .map(|a| {
            let versions: Vec<_> = c
                .versions
                .iter()
                .filter(|v| v.application_id == a.id)
                .map(|v| {
                    json!({
                        "version": v.version,
                        "form_version": v.form_version,
                        "submitted_at": iso(v.submitted_at),
                        "answers": json(&v.answers_json),
                    })
                })
                .collect();
            json!({
                "id": a.public_id,
                "reference": a.reference,
                "edition": a.edition,
                "track": { "code": a.track_code, "name_fr": a.track_name_fr, "name_en": a.track_name_en },
                "title": a.title,
                "status": a.status,
                "decision_reason": a.status_reason,
                "created_at": iso(a.created_at),
                "submitted_at": a.submitted_at.map(iso),
                "form_version": a.form_version,
                "answers": json(&a.answers_json),
                "unsubmitted_changes": a.draft_answers_json.as_deref().map(json),
                "submitted_versions": versions,
            })
        })
        .collect();
    let messages: Vec<_> = c
        .messages
        .iter()
        .map(|m| {
            json!({
                "channel": m.channel,
                "to": m.recipient,
                "subject": m.subject,
                "body": m.body,
                "status": m.status,
                "created_at": iso(m.created_at),
                "sent_at": m.sent_at.map(iso),
            })
        })
        .collect();
    let files: Vec<_> = c
        .files
        .iter()
        .map(|f| {
            json!({
                "id": f.public_id,
                "application": f.application,
                "field": f.field_key,
                "name": f.display_name,
                "type": f.mime,
                "size_bytes": f.size_bytes,
                "sha256": f.sha256,
                "uploaded_at": iso(f.created_at),
                "id_document": f.id_document,
                "deleted_at": f.purged_at.map(iso),
                "in_archive": f.archive_path(),
            })
        })
        .collect();
    json!({
        "exported_at": iso(exported_at),
        "account": {
            "id": c.account.public_id,
            "name": c.account.display_name,
            "email": c.account.email,
            "phone": c.account.phone,
            "language": c.account.locale,
            "created_at": iso(c.account.created_at),
            "verified_at": c.account.verified_at.map(iso),
        },
        "applications": applications,
        "messages": messages,
        "files": files,
        "ctf": {
            "teams": c.ctf_teams.iter().map(|m| json!({
                "edition": m.edition,
                "team": m.team,
                "joined_at": iso(m.joined_at),
            })).collect::<Vec<_>>(),
            "flag_submissions": c.ctf_attempts.iter().map(|a| json!({
                "edition": a.edition,
                "challenge": a.challenge,
                "at": iso(a.at),
                "outcome": a.outcome,
            })).collect::<Vec<_>>(),
        },
        "directory": {
            "profiles": c.actors,
            "opportunity_interests": c.interests.iter().map(|i| json!({
                "opportunity": i.opportunity,
                "on_behalf_of": i.actor,
                "message": i.message,
                "at": iso(i.created_at),
            })).collect::<Vec<_>>(),
        },
    })
}

/// Deletes the temporary archive however the request ends.
struct TempArchive(PathBuf);

impl Drop for TempArchive {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[derive(Debug, thiserror::Error)]
enum ExportError {
    #[error("archive: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("archive file: {0}")]
    Io(#[from] std::io::Error),
    #[error("storage: {0}")]
    Store(#[from] object_store::Error),
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
}

impl From<ExportError> for AppError {
    fn from(e: ExportError) -> Self {
        AppError::Internal(format!("export: {e}"))
    }
}

/// Writes the archive to `path`. Writes are small (one storage chunk at a time) on a local
/// file, so they are made from the async task directly.
async fn write_archive(
    app: &AppState,
    path: &Path,
    collected: &Collected,
    exported_at: i64,
) -> Result<(), ExportError> {
    let mut zip = zip::ZipWriter::new(std::fs::File::create_new(path)?);
    let deflated = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    // Uploads are PDFs and images, compressed already.
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .large_file(true);
    zip.start_file("data.json", deflated)?;
    serde_json::to_writer_pretty(&mut zip, &document(collected, exported_at))?;
    for file in &collected.files {
        let Some(name) = file.archive_path() else {
            continue;
        };
        zip.start_file(name, stored)?;
        let stream = app
            .store
            .get(&StorePath::from(file.storage_key.as_str()))
            .await?
            .into_stream();
        let mut reader = tokio_util::io::StreamReader::new(stream);
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            let read = reader.read(&mut buffer).await?;
            if read == 0 {
                break;
            }
            zip.write_all(&buffer[..read])?;
        }
    }
    zip.finish()?.sync_all()?;
    Ok(())
}

pub async fn download(
    State(app): State<AppState>,
    SignedIn(user): SignedIn,
    _form: CsrfForm<serde::de::IgnoredAny>,
) -> AppResult<Response> {
    let collected = collect(&app.db, user.id).await?;
    let now = app.now_ms();
    let dir = app.config.data_dir.join("exports");
    std::fs::create_dir_all(&dir).map_err(|e| AppError::Internal(format!("export dir: {e}")))?;
    let temp = TempArchive(dir.join(format!("{}.zip", crate::crypto::random_public_id())));
    write_archive(&app, &temp.0, &collected, now).await?;
    let file = tokio::fs::File::open(&temp.0)
        .await
        .map_err(ExportError::from)?;
    let size = file.metadata().await.map_err(ExportError::from)?.len();
    // The open handle keeps the bytes readable; the name goes now (Unix semantics), so no
    // archive outlives its request.
    drop(temp);
    let mut tx = app.db.begin().await?;
    audit::Entry::by(
        user.id,
        audit::Action::AccountDataExported,
        &user.public_id,
        serde_json::json!({
            "applications": collected.applications.len(),
            "files": collected.files.iter().filter(|f| f.archive_path().is_some()).count(),
        }),
    )
    .append(&mut tx, now)
    .await?;
    tx.commit().await?;
    Ok((
        [
            (CONTENT_TYPE, "application/zip".to_owned()),
            (CONTENT_LENGTH, size.to_string()),
            (
                CONTENT_DISPOSITION,
                "attachment; filename=\"kene-mes-donnees.zip\"".to_owned(),
            ),
        ],
        Body::from_stream(tokio_util::io::ReaderStream::new(file)),
    )
        .into_response())
}
