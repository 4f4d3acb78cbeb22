//! Applications, their submitted versions and files.

use crate::db::{Db, DbError, DbResult, Tx};
use crate::domain::form::{Answers, FormDefinition};
use crate::{run, run_tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApplicationRow {
    pub id: i64,
    pub public_id: String,
    pub track_id: i64,
    pub applicant_id: i64,
    pub reference: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: super::Status,
    pub status_reason: Option<String>,
    pub form_version: i64,
    pub answers_json: String,
    pub has_changes: bool,
    pub title: String,
    pub country: Option<String>,
    pub domain: Option<String>,
    pub women_led: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub submitted_at: Option<i64>,
    pub last_submitted_at: Option<i64>,
    /// Edits saved after a submission and not re-submitted (never judged).
    pub draft_answers_json: Option<String>,
    pub draft_form_version: Option<i64>,
    pub draft_saved_at: Option<i64>,
    /// The number of the latest submitted version, if any (what reviewers judge).
    pub submitted_version: Option<i64>,
}

const APPLICATION_COLUMNS: &str =
    "a.id, a.public_id, a.track_id, a.applicant_id, a.reference, a.status, \
    a.status_reason, a.form_version, a.answers_json, a.has_changes, a.title, a.country, a.domain, \
    a.women_led, a.created_at, a.updated_at, a.submitted_at, a.last_submitted_at, \
    a.draft_answers_json, a.draft_form_version, a.draft_saved_at, \
    (SELECT MAX(v.version) FROM application_versions v WHERE v.application_id = a.id) AS submitted_version";

impl ApplicationRow {
    /// What is judged: the latest submitted version (before any submission, the draft, which
    /// nobody judges since only submitted dossiers reach reviewers).
    pub fn answers(&self) -> DbResult<Answers> {
        self.parse(&self.answers_json)
    }

    fn parse(&self, json: &str) -> DbResult<Answers> {
        serde_json::from_str(json)
            .map_err(|e| DbError::Corrupt(format!("answers of application {}: {e}", self.id)))
    }

    /// The unsubmitted draft saved after a submission: its answers, form version and when
    /// it was last saved.
    pub fn pending_draft(&self) -> DbResult<Option<(Answers, i64, i64)>> {
        match (&self.draft_answers_json, self.draft_form_version) {
            (Some(json), Some(version)) => Ok(Some((
                self.parse(json)?,
                version,
                self.draft_saved_at.unwrap_or(self.updated_at),
            ))),
            _ => Ok(None),
        }
    }

    /// What the applicant works on: the pending draft if any, else the answers.
    pub fn working_answers_json(&self) -> &str {
        self.draft_answers_json
            .as_deref()
            .unwrap_or(&self.answers_json)
    }

    pub fn working_answers(&self) -> DbResult<Answers> {
        self.parse(self.working_answers_json())
    }

    pub fn working_form_version(&self) -> i64 {
        match &self.draft_answers_json {
            Some(_) => self.draft_form_version.unwrap_or(self.form_version),
            None => self.form_version,
        }
    }

    pub fn status(&self) -> super::Status {
        self.status
    }
}

/// The application only if it belongs to `applicant_id`: anyone else gets `None` (→ 404).
pub async fn find_owned(
    db: &Db,
    public_id: &str,
    applicant_id: i64,
) -> DbResult<Option<ApplicationRow>> {
    let sql = format!("SELECT {APPLICATION_COLUMNS} FROM applications a WHERE a.public_id = $1 AND a.applicant_id = $2");
    Ok(run!(db, |pool| sqlx::query_as::<_, ApplicationRow>(&sql)
        .bind(public_id)
        .bind(applicant_id)
        .fetch_optional(pool)
        .await)?)
}

pub async fn find(db: &Db, public_id: &str) -> DbResult<Option<ApplicationRow>> {
    let sql = format!("SELECT {APPLICATION_COLUMNS} FROM applications a WHERE a.public_id = $1");
    Ok(run!(db, |pool| sqlx::query_as::<_, ApplicationRow>(&sql)
        .bind(public_id)
        .fetch_optional(pool)
        .await)?)
}

pub async fn find_by_id(db: &Db, id: i64) -> DbResult<Option<ApplicationRow>> {
    let sql = format!("SELECT {APPLICATION_COLUMNS} FROM applications a WHERE a.id = $1");
    Ok(run!(db, |pool| sqlx::query_as::<_, ApplicationRow>(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await)?)
}

pub async fn find_by_reference(db: &Db, reference: &str) -> DbResult<Option<ApplicationRow>> {
    let sql = format!("SELECT {APPLICATION_COLUMNS} FROM applications a WHERE a.reference = $1");
    Ok(run!(db, |pool| sqlx::query_as::<_, ApplicationRow>(&sql)
        .bind(reference)
        .fetch_optional(pool)
        .await)?)
}

pub async fn find_by_public_id_tx(tx: &mut Tx, public_id: &str) -> DbResult<ApplicationRow> {
    let sql = format!("SELECT {APPLICATION_COLUMNS} FROM applications a WHERE a.public_id = $1");
    Ok(run_tx!(tx, |conn| sqlx::query_as::<_, ApplicationRow>(
        &sql
    )
    .bind(public_id)
    .fetch_one(conn)
    .await)?)
}

pub async fn find_for_update(tx: &mut Tx, id: i64) -> DbResult<ApplicationRow> {
    let sql = format!("SELECT {APPLICATION_COLUMNS} FROM applications a WHERE a.id = $1");
    // On PostgreSQL the row lock serialises two submits of one application (two tabs).
    let sql = match tx {
        Tx::Postgres(_) => format!("{sql} FOR UPDATE"),
        Tx::Sqlite(_) => sql,
    };
    Ok(run_tx!(tx, |conn| sqlx::query_as::<_, ApplicationRow>(
        &sql
    )
    .bind(id)
    .fetch_one(conn)
    .await)?)
}

pub async fn list_for_applicant(db: &Db, applicant_id: i64) -> DbResult<Vec<ApplicationRow>> {
    let sql = format!(
        "SELECT {APPLICATION_COLUMNS} FROM applications a WHERE a.applicant_id = $1 ORDER BY a.created_at DESC"
    );
    Ok(run!(db, |pool| sqlx::query_as::<_, ApplicationRow>(&sql)
        .bind(applicant_id)
        .fetch_all(pool)
        .await)?)
}

/// Namespace of the per-applicant advisory locks (the audit chain uses small keys).
const APPLICANT_LOCK_NAMESPACE: i64 = 0x4b45_4e45 << 32;

/// Serialises one applicant's draft creation, so two tabs (or a retried POST) cannot both
/// pass the per-track maximum on PostgreSQL; SQLite's single writer already does.
pub async fn lock_applicant(tx: &mut Tx, applicant_id: i64) -> DbResult<()> {
    tx.lock(APPLICANT_LOCK_NAMESPACE | (applicant_id & 0xffff_ffff))
        .await
}

/// A new application: its first answers, on the track's form version.
pub struct NewDraft<'a> {
    pub track_id: i64,
    pub applicant_id: i64,
    pub form_version: i64,
    pub answers: &'a Answers,
}

/// Creates a draft unless the applicant already has `max` applications in this track that
/// count against the maximum (all but withdrawn ones); returns its public id, or `None` at the
/// maximum. Counted and inserted in one statement, after `lock_applicant`.
pub async fn insert_draft_within_limit(
    tx: &mut Tx,
    draft: &NewDraft<'_>,
    max: i64,
    now_ms: i64,
) -> DbResult<Option<String>> {
    let public_id = crate::crypto::random_public_id();
    let json = serde_json::to_string(draft.answers).map_err(|e| DbError::Corrupt(e.to_string()))?;
    let sql = "INSERT INTO applications (public_id, track_id, applicant_id, status, form_version, answers_json, \
               created_at, updated_at) SELECT $1, $2, $3, 'draft', $4, $7, $5, $5 \
               WHERE (SELECT COUNT(*) FROM applications WHERE track_id = $2 AND applicant_id = $3 \
               AND status <> 'withdrawn') < $6";
    let inserted = run_tx!(tx, |conn| sqlx::query(sql)
        .bind(&public_id)
        .bind(draft.track_id)
        .bind(draft.applicant_id)
        .bind(draft.form_version)
        .bind(now_ms)
        .bind(max)
        .bind(&json)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok((inserted == 1).then_some(public_id))
}

/// Fields copied out of the answers so that lists, filters and statistics need no JSON.
pub struct Summary {
    pub title: String,
    pub country: Option<String>,
    pub domain: Option<String>,
    pub women_led: bool,
    pub leader: super::Leader,
    pub search_text: String,
}

/// Saves the applicant's answers. Before the first submission they are the application's
/// answers; after it, they go to the pending draft and the submitted version stays what is
/// judged. The status is tested in SQL, so a submission from another tab that commits first
/// turns this save into a pending draft rather than overwriting what was just submitted.
/// Only one of its two statements ever changes a row: it may run in a single write
/// ([`crate::db::Db::begin_single_write`]).
pub async fn save_answers(
    tx: &mut Tx,
    id: i64,
    answers: &Answers,
    form_version: i64,
    summary: &Summary,
    now_ms: i64,
) -> DbResult<()> {
    let json = serde_json::to_string(answers).map_err(|e| DbError::Corrupt(e.to_string()))?;
    let sql =
        "UPDATE applications SET answers_json = $2, form_version = $3, title = $4, country = $5, \
               domain = $6, women_led = $7, search_text = $8, updated_at = $9, \
               leader_gender = $10, leader_birth_date = $11, leader_age = $12 \
               WHERE id = $1 AND status = 'draft'";
    let saved_as_draft = run_tx!(tx, |conn| sqlx::query(sql)
        .bind(id)
        .bind(&json)
        .bind(form_version)
        .bind(&summary.title)
        .bind(&summary.country)
        .bind(&summary.domain)
        .bind(summary.women_led)
        .bind(&summary.search_text)
        .bind(now_ms)
        .bind(&summary.leader.gender)
        .bind(&summary.leader.birth_date)
        .bind(summary.leader.age)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    if saved_as_draft > 0 {
        return Ok(()); // one statement in the common case: the single SQLite writer waits less
    }
    let sql = "UPDATE applications SET draft_answers_json = $2, draft_form_version = $3, \
               draft_saved_at = $4, has_changes = TRUE, updated_at = $4 \
               WHERE id = $1 AND status <> 'draft'";
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(id)
        .bind(&json)
        .bind(form_version)
        .bind(now_ms)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Applications whose answers were edited after their last submission by a version of Kènè
/// that had no pending draft: `has_changes` set but no draft, so the edits sit where the
/// submitted version belongs. The current code never leaves that state.
pub async fn with_edits_in_place_of_submission(db: &Db) -> DbResult<Vec<ApplicationRow>> {
    let sql = format!(
        "SELECT {APPLICATION_COLUMNS} FROM applications a WHERE a.has_changes = TRUE \
         AND a.draft_answers_json IS NULL AND a.status <> 'draft' ORDER BY a.id"
    );
    Ok(run!(db, |pool| sqlx::query_as::<_, ApplicationRow>(&sql)
        .fetch_all(pool)
        .await)?)
}

/// The latest submitted version: its number, form version and answers.
pub async fn latest_version(db: &Db, application_id: i64) -> DbResult<Option<(i64, i64, String)>> {
    let sql = "SELECT version, form_version, answers_json FROM application_versions \
               WHERE application_id = $1 ORDER BY version DESC LIMIT 1";
    Ok(run!(db, |pool| sqlx::query_as(sql)
        .bind(application_id)
        .fetch_optional(pool)
        .await)?)
}

/// Moves the answers in place to the pending draft and puts the given submitted version
/// back, if the application is still in the state [`with_edits_in_place_of_submission`]
/// finds. Returns whether it was.
pub async fn restore_submitted(
    tx: &mut Tx,
    id: i64,
    answers_json: &str,
    form_version: i64,
    summary: &Summary,
) -> DbResult<bool> {
    let sql = "UPDATE applications SET draft_answers_json = answers_json, \
               draft_form_version = form_version, draft_saved_at = updated_at, \
               answers_json = $2, form_version = $3, title = $4, country = $5, domain = $6, \
               women_led = $7, search_text = $8, leader_gender = $9, leader_birth_date = $10, \
               leader_age = $11 \
               WHERE id = $1 AND has_changes = TRUE AND draft_answers_json IS NULL AND status <> 'draft'";
    let changed = run_tx!(tx, |conn| sqlx::query(sql)
        .bind(id)
        .bind(answers_json)
        .bind(form_version)
        .bind(&summary.title)
        .bind(&summary.country)
        .bind(&summary.domain)
        .bind(summary.women_led)
        .bind(&summary.search_text)
        .bind(&summary.leader.gender)
        .bind(&summary.leader.birth_date)
        .bind(summary.leader.age)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(changed == 1)
}

/// Takes the next reference number of a track (e.g. `SDN26-STA-0042`).
pub async fn next_reference(tx: &mut Tx, track_id: i64) -> DbResult<String> {
    let sql = "UPDATE tracks SET ref_seq = ref_seq + 1 WHERE id = $1 RETURNING ref_seq, code, \
               (SELECT ref_prefix FROM editions WHERE editions.id = tracks.edition_id)";
    let (seq, code, prefix): (i64, String, String) = run_tx!(tx, |conn| sqlx::query_as(sql)
        .bind(track_id)
        .fetch_one(conn)
        .await)?;
    Ok(format!("{prefix}-{code}-{seq:04}"))
}

/// Records a submission of what the applicant works on (`app`, read in this transaction):
/// a new version, the reference on first submission; the submitted columns then hold it and
/// the pending draft is gone. `summary` is computed from those same answers.
pub async fn record_submission(
    tx: &mut Tx,
    app: &ApplicationRow,
    form: &FormDefinition,
    reference: &str,
    summary: &Summary,
    now_ms: i64,
) -> DbResult<i64> {
    // The dossier holds only what was asked given the answers: a passport uploaded before
    // the applicant chose "NINA card" stays in the draft, not in what is judged.
    let working = app.working_answers()?;
    let asked = crate::domain::form::asked_answers(form, &working);
    let reduced_json;
    let answers_json = if asked == working {
        app.working_answers_json()
    } else {
        reduced_json = serde_json::to_string(&asked)
            .map_err(|e| DbError::Corrupt(format!("answers of application {}: {e}", app.id)))?;
        &reduced_json
    };
    let form_version = app.working_form_version();
    let sql = "INSERT INTO application_versions (application_id, version, form_version, answers_json, submitted_at) \
               SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3, $4 FROM application_versions \
               WHERE application_id = $1 RETURNING version";
    let version: i64 = run_tx!(tx, |conn| sqlx::query_scalar(sql)
        .bind(app.id)
        .bind(form_version)
        .bind(answers_json)
        .bind(now_ms)
        .fetch_one(conn)
        .await)?;
    let sql = "UPDATE applications SET status = 'submitted', reference = $2, has_changes = FALSE, \
               submitted_at = COALESCE(submitted_at, $3), last_submitted_at = $3, updated_at = $3, \
               answers_json = $4, form_version = $5, title = $6, country = $7, domain = $8, \
               women_led = $9, search_text = $10, draft_answers_json = NULL, draft_form_version = NULL, \
               draft_saved_at = NULL, leader_gender = $11, leader_birth_date = $12, leader_age = $13 \
               WHERE id = $1";
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(app.id)
        .bind(reference)
        .bind(now_ms)
        .bind(answers_json)
        .bind(form_version)
        .bind(&summary.title)
        .bind(&summary.country)
        .bind(&summary.domain)
        .bind(summary.women_led)
        .bind(&summary.search_text)
        .bind(&summary.leader.gender)
        .bind(&summary.leader.birth_date)
        .bind(summary.leader.age)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(version)
}

pub async fn set_status(
    tx: &mut Tx,
    id: i64,
    status: &str,
    reason: Option<&str>,
    now_ms: i64,
) -> DbResult<()> {
    let sql =
        "UPDATE applications SET status = $2, status_reason = $3, updated_at = $4 WHERE id = $1";
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(id)
        .bind(status)
        .bind(reason)
        .bind(now_ms)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Sets the status only if it is still `from` (what the deciding organiser saw), so that a
/// decision committed meanwhile by someone else is never silently overwritten. Returns
/// whether the row changed.
pub async fn set_status_from(
    tx: &mut Tx,
    id: i64,
    from: &str,
    status: &str,
    reason: Option<&str>,
    now_ms: i64,
) -> DbResult<bool> {
    let sql = "UPDATE applications SET status = $2, status_reason = $3, updated_at = $4 \
               WHERE id = $1 AND status = $5";
    let changed = run_tx!(tx, |conn| sqlx::query(sql)
        .bind(id)
        .bind(status)
        .bind(reason)
        .bind(now_ms)
        .bind(from)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(changed == 1)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VersionRow {
    pub version: i64,
    pub form_version: i64,
    pub submitted_at: i64,
}

pub async fn versions(db: &Db, application_id: i64) -> DbResult<Vec<VersionRow>> {
    let sql = "SELECT version, form_version, submitted_at FROM application_versions WHERE application_id = $1 ORDER BY version DESC";
    Ok(run!(db, |pool| sqlx::query_as(sql)
        .bind(application_id)
        .fetch_all(pool)
        .await)?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FileRow {
    pub id: i64,
    pub public_id: String,
    pub application_id: i64,
    pub field_key: String,
    pub owner_id: i64,
    pub display_name: String,
    pub mime: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_key: String,
    pub id_document: bool,
    /// Deleted from storage (retention or account deletion); the row remains.
    pub purged_at: Option<i64>,
}

pub struct NewFile<'a> {
    pub public_id: &'a str,
    pub application_id: i64,
    pub field_key: &'a str,
    pub owner_id: i64,
    pub display_name: &'a str,
    pub mime: &'a str,
    pub size_bytes: i64,
    pub sha256: &'a str,
    pub storage_key: &'a str,
    pub id_document: bool,
}

pub async fn insert_file(tx: &mut Tx, f: &NewFile<'_>, now_ms: i64) -> DbResult<()> {
    let sql = "INSERT INTO files (public_id, application_id, field_key, owner_id, display_name, mime, size_bytes, \
               sha256, storage_key, id_document, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(f.public_id)
        .bind(f.application_id)
        .bind(f.field_key)
        .bind(f.owner_id)
        .bind(f.display_name)
        .bind(f.mime)
        .bind(f.size_bytes)
        .bind(f.sha256)
        .bind(f.storage_key)
        .bind(f.id_document)
        .bind(now_ms)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn find_file(db: &Db, public_id: &str) -> DbResult<Option<FileRow>> {
    let sql = "SELECT id, public_id, application_id, field_key, owner_id, display_name, mime, size_bytes, sha256, \
               storage_key, id_document, purged_at FROM files WHERE public_id = $1";
    Ok(run!(db, |pool| sqlx::query_as(sql)
        .bind(public_id)
        .fetch_optional(pool)
        .await)?)
}

/// The files of an application deleted from storage, with when (public id, instant).
pub async fn purged_files(db: &Db, application_id: i64) -> DbResult<Vec<(String, i64)>> {
    let sql = "SELECT public_id, purged_at FROM files WHERE application_id = $1 AND purged_at IS NOT NULL";
    Ok(run!(db, |pool| sqlx::query_as(sql)
        .bind(application_id)
        .fetch_all(pool)
        .await)?)
}

/// Filters of the organisers' list; every one is optional.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct ListFilter {
    #[serde(default)]
    pub track: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub domain: Option<String>,
    #[serde(default)]
    pub women_led: Option<String>,
    #[serde(default)]
    pub q: Option<String>,
}

impl ListFilter {
    fn non_empty(v: &Option<String>) -> Option<&str> {
        v.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ListedApplication {
    pub id: i64,
    pub public_id: String,
    pub reference: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: super::Status,
    pub title: String,
    pub country: Option<String>,
    pub domain: Option<String>,
    pub women_led: bool,
    pub track_id: i64,
    pub track_code: String,
    pub form_version: i64,
    pub answers_json: String,
    pub applicant_name: String,
    pub submitted_at: Option<i64>,
}

/// A dossier without a title of its own is shown by its reference number, never by the name
/// of the person behind it.
pub fn titled(mut rows: Vec<ListedApplication>) -> Vec<ListedApplication> {
    for row in &mut rows {
        if row.title.trim().is_empty() {
            row.title = row.reference.clone().unwrap_or_default();
        }
    }
    rows
}

/// Applications of an edition matching the filter. Drafts are the applicants' own business
/// and are listed only when asked for by status.
pub async fn list_for_edition(
    db: &Db,
    edition_id: i64,
    filter: &ListFilter,
) -> DbResult<Vec<ListedApplication>> {
    let sql = "SELECT a.id, a.public_id, a.reference, a.status, a.title, a.country, a.domain, a.women_led, \
               a.track_id, t.code AS track_code, a.form_version, a.answers_json, u.display_name AS applicant_name, \
               a.submitted_at \
               FROM applications a JOIN tracks t ON t.id = a.track_id JOIN users u ON u.id = a.applicant_id \
               WHERE t.edition_id = $1 \
               AND (t.slug = $2 OR $2 IS NULL) \
               AND (a.status = $3 OR ($3 IS NULL AND a.status <> 'draft')) \
               AND (a.country = $4 OR $4 IS NULL) \
               AND (a.domain = $5 OR $5 IS NULL) \
               AND (a.women_led = $6 OR $6 IS NULL) \
               AND (a.search_text LIKE $7 OR LOWER(COALESCE(a.reference, '')) LIKE $7 OR $7 IS NULL) \
               ORDER BY a.submitted_at, a.id";
    let women_led = ListFilter::non_empty(&filter.women_led).map(|v| v == "yes");
    let q = ListFilter::non_empty(&filter.q).map(|q| {
        let escaped = q.to_lowercase().replace(['%', '_'], "");
        format!("%{escaped}%")
    });
    Ok(titled(run!(db, |pool| sqlx::query_as::<
        _,
        ListedApplication,
    >(sql)
    .bind(edition_id)
    .bind(ListFilter::non_empty(&filter.track))
    .bind(ListFilter::non_empty(&filter.status))
    .bind(ListFilter::non_empty(&filter.country))
    .bind(ListFilter::non_empty(&filter.domain))
    .bind(women_led)
    .bind(q.as_deref())
    .fetch_all(pool)
    .await)?))
}

/// How many applications of an edition share a track, status, country and women-led flag.
/// The columns hold the latest submitted version once there is one (edits after it live in
/// the pending draft), so submitted dossiers are counted on what was submitted.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CountRow {
    pub track_id: i64,
    #[sqlx(try_from = "String")]
    pub status: super::Status,
    pub country: Option<String>,
    pub women_led: bool,
    pub n: i64,
}

pub async fn counts_for_edition(db: &Db, edition_id: i64) -> DbResult<Vec<CountRow>> {
    let sql = "SELECT a.track_id, a.status, a.country, a.women_led, COUNT(*) AS n \
               FROM applications a JOIN tracks t ON t.id = a.track_id WHERE t.edition_id = $1 \
               GROUP BY a.track_id, a.status, a.country, a.women_led";
    Ok(run!(db, |pool| sqlx::query_as::<_, CountRow>(sql)
        .bind(edition_id)
        .fetch_all(pool)
        .await)?)
}
