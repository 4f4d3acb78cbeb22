//! Storage of the selection: rounds, rubrics, panels, conflicts of interest, assignments and
//! score sheets.

use std::collections::BTreeMap;

use crate::db::{Db, DbError, DbResult, Tx};
use crate::domain::types::UnknownValue;
use crate::{run, run_tx, run_write};

use super::rules::ranking::Pooling;
use super::rules::rubric::{Round, Rubric};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RoundRow {
    pub id: i64,
    pub edition_id: i64,
    /// Read as stored; a name the code does not know fails the read (a corrupt row).
    #[sqlx(try_from = "String")]
    pub kind: Round,
    #[sqlx(try_from = "String")]
    pub status: RoundStatus,
    pub reviewers_per_dossier: i64,
    pub blind: bool,
    pub min_sheets: i64,
    pub dispute_threshold: i64,
    pub opened_at: Option<i64>,
    pub closed_at: Option<i64>,
    /// Bumped by every save of the round's settings form (no silent overwrite).
    pub version: i64,
    /// Over which dossiers the normalisation's mean and spread are taken (`round`, `track`).
    #[sqlx(try_from = "String")]
    pub pooling: Pooling,
}

/// Where a round stands: organisers set it up, reviewers score while it is open, and once it
/// is closed the scores are final and visible to the whole panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundStatus {
    Setup,
    Open,
    Closed,
}

impl RoundStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RoundStatus::Setup => "setup",
            RoundStatus::Open => "open",
            RoundStatus::Closed => "closed",
        }
    }
}

/// Its stored name, which addresses and keys use too.
impl std::fmt::Display for RoundStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for RoundStatus {
    type Error = UnknownValue;

    fn try_from(name: String) -> Result<RoundStatus, UnknownValue> {
        [RoundStatus::Setup, RoundStatus::Open, RoundStatus::Closed]
            .into_iter()
            .find(|s| s.as_str() == name)
            .ok_or(UnknownValue(name))
    }
}

impl RoundRow {
    pub fn round(&self) -> Round {
        self.kind
    }

    pub fn pooling(&self) -> Pooling {
        self.pooling
    }

    pub fn status(&self) -> RoundStatus {
        self.status
    }
}

const ROUND_COLUMNS: &str = "id, edition_id, kind, status, reviewers_per_dossier, blind, \
                             min_sheets, dispute_threshold, opened_at, closed_at, version, pooling";

/// The edition's round of this kind, created in `setup` the first time it is asked for.
pub async fn ensure_round(db: &Db, edition_id: i64, round: Round) -> DbResult<RoundRow> {
    // A written dossier is judged blind; a pitch cannot be: the jury sees who presents.
    let insert = "INSERT INTO review_rounds (edition_id, kind, blind) VALUES ($1, $2, $3) \
                  ON CONFLICT DO NOTHING";
    run_write!(db, |pool| sqlx::query(insert)
        .bind(edition_id)
        .bind(round.as_str())
        .bind(round == Round::Preselection)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    let sql =
        format!("SELECT {ROUND_COLUMNS} FROM review_rounds WHERE edition_id = $1 AND kind = $2");
    Ok(run_write!(db, |pool| sqlx::query_as::<_, RoundRow>(&sql)
        .bind(edition_id)
        .bind(round.as_str())
        .fetch_one(pool)
        .await)?)
}

pub async fn round_by_id(db: &Db, id: i64) -> DbResult<Option<RoundRow>> {
    let sql = format!("SELECT {ROUND_COLUMNS} FROM review_rounds WHERE id = $1");
    Ok(run!(db, |pool| sqlx::query_as::<_, RoundRow>(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await)?)
}

/// Re-reads the round inside a transaction, so a status check and the write it guards see
/// the same state.
pub async fn round_tx(tx: &mut Tx, id: i64) -> DbResult<RoundRow> {
    let sql = format!("SELECT {ROUND_COLUMNS} FROM review_rounds WHERE id = $1");
    Ok(run_tx!(tx, |conn| sqlx::query_as::<_, RoundRow>(&sql)
        .bind(id)
        .fetch_one(conn)
        .await)?)
}

pub async fn set_round_status(
    tx: &mut Tx,
    id: i64,
    status: RoundStatus,
    now_ms: i64,
) -> DbResult<()> {
    let sql = "UPDATE review_rounds SET status = $1, \
               opened_at = CASE WHEN $1 = 'open' THEN $2 ELSE opened_at END, \
               closed_at = CASE WHEN $1 = 'closed' THEN $2 ELSE closed_at END WHERE id = $3";
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(status.as_str())
        .bind(now_ms)
        .bind(id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

pub struct RoundSettings {
    pub reviewers_per_dossier: i64,
    pub blind: bool,
    pub min_sheets: i64,
    pub dispute_threshold: i64,
    pub pooling: Pooling,
}

/// Saves the settings if the round is still at `expected_version`; false (nothing written)
/// when someone saved them in between.
pub async fn update_round_settings(
    tx: &mut Tx,
    id: i64,
    expected_version: i64,
    s: &RoundSettings,
) -> DbResult<bool> {
    let sql = "UPDATE review_rounds SET reviewers_per_dossier = $1, blind = $2, min_sheets = $3, \
               dispute_threshold = $4, pooling = $7, version = version + 1 \
               WHERE id = $5 AND version = $6";
    let updated = run_tx!(tx, |conn| sqlx::query(sql)
        .bind(s.reviewers_per_dossier)
        .bind(s.blind)
        .bind(s.min_sheets)
        .bind(s.dispute_threshold)
        .bind(id)
        .bind(expected_version)
        .bind(s.pooling.as_str())
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(updated == 1)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RubricRow {
    pub criteria_json: String,
    pub tie_break_json: String,
    /// Bumped by every save of the rubric form (no silent overwrite).
    pub version: i64,
}

impl RubricRow {
    pub fn rubric(&self) -> DbResult<Rubric> {
        Rubric::parse_json(&self.criteria_json).map_err(|e| DbError::Corrupt(e.to_string()))
    }

    pub fn tie_break(&self) -> Vec<String> {
        serde_json::from_str(&self.tie_break_json).unwrap_or_default()
    }
}

pub async fn rubric(db: &Db, round_id: i64, track_id: i64) -> DbResult<Option<RubricRow>> {
    let sql =
        "SELECT criteria_json, tie_break_json, version FROM rubrics WHERE round_id = $1 AND track_id = $2";
    Ok(run!(db, |pool| sqlx::query_as::<_, RubricRow>(sql)
        .bind(round_id)
        .bind(track_id)
        .fetch_optional(pool)
        .await)?)
}

pub async fn rubric_tx(tx: &mut Tx, round_id: i64, track_id: i64) -> DbResult<Option<RubricRow>> {
    let sql =
        "SELECT criteria_json, tie_break_json, version FROM rubrics WHERE round_id = $1 AND track_id = $2";
    Ok(run_tx!(tx, |conn| sqlx::query_as::<_, RubricRow>(sql)
        .bind(round_id)
        .bind(track_id)
        .fetch_optional(conn)
        .await)?)
}

/// Saves the rubric if the stored one is still at `expected_version` (0: none stored yet);
/// false (nothing written) when someone saved it in between.
pub async fn save_rubric(
    tx: &mut Tx,
    round_id: i64,
    track_id: i64,
    expected_version: i64,
    rubric: &Rubric,
    tie_break: &[String],
    now_ms: i64,
) -> DbResult<bool> {
    let tie_break =
        serde_json::to_string(tie_break).map_err(|e| DbError::Corrupt(e.to_string()))?;
    let sql =
        "INSERT INTO rubrics (round_id, track_id, criteria_json, tie_break_json, updated_at) \
               VALUES ($1, $2, $3, $4, $5) ON CONFLICT (round_id, track_id) DO UPDATE SET \
               criteria_json = excluded.criteria_json, tie_break_json = excluded.tie_break_json, \
               updated_at = excluded.updated_at, version = rubrics.version + 1 \
               WHERE rubrics.version = $6";
    let written = run_tx!(tx, |conn| sqlx::query(sql)
        .bind(round_id)
        .bind(track_id)
        .bind(rubric.to_json())
        .bind(&tie_break)
        .bind(now_ms)
        .bind(expected_version)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(written == 1)
}

/// A rubric is frozen once any score (even a draft) exists for its track in its round.
pub async fn track_has_scores(tx: &mut Tx, round_id: i64, track_id: i64) -> DbResult<bool> {
    let sql = "SELECT COUNT(*) FROM score_sheets s JOIN applications a ON a.id = s.application_id \
               WHERE s.round_id = $1 AND a.track_id = $2";
    let n: i64 = run_tx!(tx, |conn| sqlx::query_scalar(sql)
        .bind(round_id)
        .bind(track_id)
        .fetch_one(conn)
        .await)?;
    Ok(n > 0)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Member {
    pub track_id: i64,
    pub user_id: i64,
    pub display_name: String,
    pub login: String,
}

pub async fn panel(db: &Db, round_id: i64) -> DbResult<Vec<Member>> {
    let sql =
        "SELECT p.track_id, p.user_id, u.display_name, COALESCE(u.email, u.phone, '') AS login \
               FROM panel_members p JOIN users u ON u.id = p.user_id WHERE p.round_id = $1 \
               ORDER BY p.track_id, u.display_name, u.id";
    Ok(run!(db, |pool| sqlx::query_as::<_, Member>(sql)
        .bind(round_id)
        .fetch_all(pool)
        .await)?)
}

pub async fn add_panel_member(
    tx: &mut Tx,
    round_id: i64,
    track_id: i64,
    user_id: i64,
) -> DbResult<bool> {
    let sql = "INSERT INTO panel_members (round_id, track_id, user_id) VALUES ($1, $2, $3) \
               ON CONFLICT DO NOTHING";
    let n = run_tx!(tx, |conn| sqlx::query(sql)
        .bind(round_id)
        .bind(track_id)
        .bind(user_id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n > 0)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ConflictRow {
    pub application_id: i64,
    pub user_id: i64,
    pub declared_by: i64,
    pub reason: String,
}

pub async fn conflicts_of_edition(db: &Db, edition_id: i64) -> DbResult<Vec<ConflictRow>> {
    let sql = "SELECT c.application_id, c.user_id, c.declared_by, c.reason FROM conflicts c \
               JOIN applications a ON a.id = c.application_id JOIN tracks t ON t.id = a.track_id \
               WHERE t.edition_id = $1 ORDER BY c.application_id, c.user_id";
    Ok(run!(db, |pool| sqlx::query_as::<_, ConflictRow>(sql)
        .bind(edition_id)
        .fetch_all(pool)
        .await)?)
}

pub async fn has_conflict(db: &Db, application_id: i64, user_id: i64) -> DbResult<bool> {
    let sql = "SELECT COUNT(*) FROM conflicts WHERE application_id = $1 AND user_id = $2";
    let n: i64 = run!(db, |pool| sqlx::query_scalar(sql)
        .bind(application_id)
        .bind(user_id)
        .fetch_one(pool)
        .await)?;
    Ok(n > 0)
}

/// Records a conflict of interest and withdraws the person from the dossier in every round
/// still being scored: their assignment and any unsubmitted sheet go.
pub async fn declare_conflict(
    tx: &mut Tx,
    application_id: i64,
    user_id: i64,
    declared_by: i64,
    reason: &str,
    now_ms: i64,
) -> DbResult<()> {
    let insert =
        "INSERT INTO conflicts (application_id, user_id, declared_by, reason, created_at) \
                  VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING";
    run_tx!(tx, |conn| sqlx::query(insert)
        .bind(application_id)
        .bind(user_id)
        .bind(declared_by)
        .bind(reason)
        .bind(now_ms)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    let open_rounds = "SELECT id FROM review_rounds WHERE status <> 'closed'";
    let rounds: Vec<i64> = run_tx!(tx, |conn| sqlx::query_scalar(open_rounds)
        .fetch_all(conn)
        .await)?;
    for round_id in rounds {
        unassign(tx, round_id, application_id, user_id).await?;
        let sheets = "DELETE FROM score_sheets WHERE round_id = $1 AND application_id = $2 \
                      AND reviewer_id = $3 AND status = 'draft'";
        run_tx!(tx, |conn| sqlx::query(sheets)
            .bind(round_id)
            .bind(application_id)
            .bind(user_id)
            .execute(conn)
            .await
            .map(|r| r.rows_affected()))?;
    }
    Ok(())
}

pub async fn assignments(db: &Db, round_id: i64) -> DbResult<Vec<(i64, i64)>> {
    let sql = "SELECT reviewer_id, application_id FROM assignments WHERE round_id = $1 \
               ORDER BY application_id, reviewer_id";
    Ok(run!(db, |pool| sqlx::query_as::<_, (i64, i64)>(sql)
        .bind(round_id)
        .fetch_all(pool)
        .await)?)
}

pub async fn assign(
    tx: &mut Tx,
    round_id: i64,
    application_id: i64,
    reviewer_id: i64,
    now_ms: i64,
) -> DbResult<bool> {
    let sql = "INSERT INTO assignments (round_id, application_id, reviewer_id, created_at) \
               VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";
    let n = run_tx!(tx, |conn| sqlx::query(sql)
        .bind(round_id)
        .bind(application_id)
        .bind(reviewer_id)
        .bind(now_ms)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n > 0)
}

pub async fn unassign(
    tx: &mut Tx,
    round_id: i64,
    application_id: i64,
    reviewer_id: i64,
) -> DbResult<bool> {
    let sql =
        "DELETE FROM assignments WHERE round_id = $1 AND application_id = $2 AND reviewer_id = $3";
    let n = run_tx!(tx, |conn| sqlx::query(sql)
        .bind(round_id)
        .bind(application_id)
        .bind(reviewer_id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n > 0)
}

pub async fn is_assigned(
    tx: &mut Tx,
    round_id: i64,
    application_id: i64,
    reviewer_id: i64,
) -> DbResult<bool> {
    let sql = "SELECT COUNT(*) FROM assignments WHERE round_id = $1 AND application_id = $2 AND reviewer_id = $3";
    let n: i64 = run_tx!(tx, |conn| sqlx::query_scalar(sql)
        .bind(round_id)
        .bind(application_id)
        .bind(reviewer_id)
        .fetch_one(conn)
        .await)?;
    Ok(n > 0)
}

/// One line of a reviewer's queue.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QueueRow {
    pub round_id: i64,
    pub round_kind: String,
    pub round_status: String,
    pub edition_year: i64,
    pub public_id: String,
    pub reference: Option<String>,
    pub title: String,
    pub track_id: i64,
    pub sheet_status: Option<String>,
}

pub async fn queue(db: &Db, reviewer_id: i64) -> DbResult<Vec<QueueRow>> {
    let sql = "SELECT r.id AS round_id, r.kind AS round_kind, r.status AS round_status, \
               e.year AS edition_year, a.public_id, a.reference, a.title, a.track_id, \
               s.status AS sheet_status \
               FROM assignments x JOIN review_rounds r ON r.id = x.round_id \
               JOIN editions e ON e.id = r.edition_id JOIN applications a ON a.id = x.application_id \
               LEFT JOIN score_sheets s ON s.round_id = x.round_id AND s.application_id = x.application_id \
                    AND s.reviewer_id = x.reviewer_id \
               WHERE x.reviewer_id = $1 AND r.status <> 'setup' \
               ORDER BY e.year DESC, r.id, a.track_id, a.reference, a.id";
    Ok(run!(db, |pool| sqlx::query_as::<_, QueueRow>(sql)
        .bind(reviewer_id)
        .fetch_all(pool)
        .await)?)
}

/// A score sheet is a draft its author may change, until submitted (then final, unless an
/// organiser reopens it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetStatus {
    Draft,
    Submitted,
}

impl SheetStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SheetStatus::Draft => "draft",
            SheetStatus::Submitted => "submitted",
        }
    }
}

impl TryFrom<String> for SheetStatus {
    type Error = UnknownValue;

    fn try_from(name: String) -> Result<SheetStatus, UnknownValue> {
        [SheetStatus::Draft, SheetStatus::Submitted]
            .into_iter()
            .find(|s| s.as_str() == name)
            .ok_or(UnknownValue(name))
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SheetRow {
    pub application_id: i64,
    pub reviewer_id: i64,
    pub points_json: String,
    pub comments_json: String,
    #[sqlx(try_from = "String")]
    pub status: SheetStatus,
    pub submitted_at: Option<i64>,
}

impl SheetRow {
    pub fn points(&self) -> BTreeMap<String, u32> {
        serde_json::from_str(&self.points_json).unwrap_or_default()
    }

    pub fn comments(&self) -> BTreeMap<String, String> {
        serde_json::from_str(&self.comments_json).unwrap_or_default()
    }

    pub fn is_submitted(&self) -> bool {
        self.status == SheetStatus::Submitted
    }
}

const SHEET_COLUMNS: &str =
    "application_id, reviewer_id, points_json, comments_json, status, submitted_at";

pub async fn sheet_tx(
    tx: &mut Tx,
    round_id: i64,
    application_id: i64,
    reviewer_id: i64,
) -> DbResult<Option<SheetRow>> {
    let sql = format!(
        "SELECT {SHEET_COLUMNS} FROM score_sheets WHERE round_id = $1 AND application_id = $2 AND reviewer_id = $3"
    );
    Ok(run_tx!(tx, |conn| sqlx::query_as::<_, SheetRow>(&sql)
        .bind(round_id)
        .bind(application_id)
        .bind(reviewer_id)
        .fetch_optional(conn)
        .await)?)
}

pub async fn sheet(
    db: &Db,
    round_id: i64,
    application_id: i64,
    reviewer_id: i64,
) -> DbResult<Option<SheetRow>> {
    let sql = format!(
        "SELECT {SHEET_COLUMNS} FROM score_sheets WHERE round_id = $1 AND application_id = $2 AND reviewer_id = $3"
    );
    Ok(run!(db, |pool| sqlx::query_as::<_, SheetRow>(&sql)
        .bind(round_id)
        .bind(application_id)
        .bind(reviewer_id)
        .fetch_optional(pool)
        .await)?)
}

/// Every sheet of a dossier in a round (shown only once the round is closed).
pub async fn sheets_of_dossier(
    db: &Db,
    round_id: i64,
    application_id: i64,
) -> DbResult<Vec<SheetRow>> {
    let sql = format!(
        "SELECT {SHEET_COLUMNS} FROM score_sheets WHERE round_id = $1 AND application_id = $2 \
         AND status = 'submitted' ORDER BY reviewer_id"
    );
    Ok(run!(db, |pool| sqlx::query_as::<_, SheetRow>(&sql)
        .bind(round_id)
        .bind(application_id)
        .fetch_all(pool)
        .await)?)
}

pub async fn submitted_sheets(db: &Db, round_id: i64) -> DbResult<Vec<SheetRow>> {
    let sql = format!(
        "SELECT {SHEET_COLUMNS} FROM score_sheets WHERE round_id = $1 AND status = 'submitted' \
         ORDER BY application_id, reviewer_id"
    );
    Ok(run!(db, |pool| sqlx::query_as::<_, SheetRow>(&sql)
        .bind(round_id)
        .fetch_all(pool)
        .await)?)
}

pub struct SheetWrite<'a> {
    pub round_id: i64,
    pub application_id: i64,
    pub reviewer_id: i64,
    pub points: &'a BTreeMap<String, u32>,
    pub comments: &'a BTreeMap<String, String>,
    pub submit: bool,
}

/// Saves a draft or submits; a submitted sheet is never overwritten (the WHERE clause keeps
/// it), so the caller learns from the return value whether anything was written.
pub async fn save_sheet(tx: &mut Tx, w: &SheetWrite<'_>, now_ms: i64) -> DbResult<bool> {
    let points = serde_json::to_string(w.points).map_err(|e| DbError::Corrupt(e.to_string()))?;
    let comments =
        serde_json::to_string(w.comments).map_err(|e| DbError::Corrupt(e.to_string()))?;
    let status = if w.submit {
        SheetStatus::Submitted
    } else {
        SheetStatus::Draft
    };
    let submitted_at = w.submit.then_some(now_ms);
    let sql = "INSERT INTO score_sheets (round_id, application_id, reviewer_id, points_json, \
               comments_json, status, updated_at, submitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
               ON CONFLICT (round_id, application_id, reviewer_id) DO UPDATE SET \
               points_json = excluded.points_json, comments_json = excluded.comments_json, \
               status = excluded.status, updated_at = excluded.updated_at, \
               submitted_at = excluded.submitted_at WHERE score_sheets.status = 'draft'";
    let n = run_tx!(tx, |conn| sqlx::query(sql)
        .bind(w.round_id)
        .bind(w.application_id)
        .bind(w.reviewer_id)
        .bind(&points)
        .bind(&comments)
        .bind(status.as_str())
        .bind(now_ms)
        .bind(submitted_at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n > 0)
}

/// Returns a submitted sheet to draft, so its reviewer can change and submit it again (an
/// organiser's reopen). False when no such submitted sheet exists (never submitted, or
/// already reopened).
pub async fn reopen_sheet(
    tx: &mut Tx,
    round_id: i64,
    application_id: i64,
    reviewer_id: i64,
    now_ms: i64,
) -> DbResult<bool> {
    let sql = "UPDATE score_sheets SET status = 'draft', submitted_at = NULL, updated_at = $1 \
               WHERE round_id = $2 AND application_id = $3 AND reviewer_id = $4 \
               AND status = 'submitted'";
    let n = run_tx!(tx, |conn| sqlx::query(sql)
        .bind(now_ms)
        .bind(round_id)
        .bind(application_id)
        .bind(reviewer_id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Whether the edition's shortlist is locked or published, read inside the transaction that
/// must not change what it was built from.
pub async fn shortlist_locked_tx(tx: &mut Tx, edition_id: i64) -> DbResult<bool> {
    let sql = "SELECT COUNT(*) FROM shortlists WHERE edition_id = $1 \
               AND status IN ('locked', 'published')";
    let n: i64 = run_tx!(tx, |conn| sqlx::query_scalar(sql)
        .bind(edition_id)
        .fetch_one(conn)
        .await)?;
    Ok(n > 0)
}

/// Scoring progress of a round: assignments and submitted sheets.
pub async fn progress(db: &Db, round_id: i64) -> DbResult<(i64, i64)> {
    let assigned = "SELECT COUNT(*) FROM assignments WHERE round_id = $1";
    let done = "SELECT COUNT(*) FROM score_sheets WHERE round_id = $1 AND status = 'submitted'";
    let a: i64 = run!(db, |pool| sqlx::query_scalar(assigned)
        .bind(round_id)
        .fetch_one(pool)
        .await)?;
    let d: i64 = run!(db, |pool| sqlx::query_scalar(done)
        .bind(round_id)
        .fetch_one(pool)
        .await)?;
    Ok((a, d))
}

/// The finalists of an edition: the shortlist's dossiers once it is locked (before that the
/// list may still change, so nothing downstream — coaching, pitches, jury — may use it).
pub async fn finalists(
    db: &Db,
    edition_id: i64,
) -> DbResult<Vec<crate::applications::queries::ListedApplication>> {
    let sql = "SELECT a.id, a.public_id, a.reference, a.status, a.title, a.country, a.domain, \
               a.women_led, a.track_id, t.code AS track_code, a.form_version, a.answers_json, \
               u.display_name AS applicant_name, a.submitted_at \
               FROM shortlist_entries s JOIN shortlists l ON l.edition_id = s.edition_id \
               JOIN applications a ON a.id = s.application_id JOIN tracks t ON t.id = a.track_id \
               JOIN users u ON u.id = a.applicant_id \
               WHERE s.edition_id = $1 AND l.status IN ('locked', 'published') \
               ORDER BY t.position, s.position";
    Ok(crate::applications::queries::titled(run!(db, |pool| {
        sqlx::query_as::<_, crate::applications::queries::ListedApplication>(sql)
            .bind(edition_id)
            .fetch_all(pool)
            .await
    })?))
}

/// The rounds not yet closed where this person sits on a panel, with their tracks.
pub async fn panels_of(db: &Db, user_id: i64) -> DbResult<Vec<(i64, i64)>> {
    let sql = "SELECT p.round_id, p.track_id FROM panel_members p \
               JOIN review_rounds r ON r.id = p.round_id \
               WHERE p.user_id = $1 AND r.status <> 'closed' ORDER BY p.round_id, p.track_id";
    Ok(run!(db, |pool| sqlx::query_as::<_, (i64, i64)>(sql)
        .bind(user_id)
        .fetch_all(pool)
        .await)?)
}

/// The dossiers on which this person has declared or been given a conflict of interest.
pub async fn conflicts_of(db: &Db, user_id: i64) -> DbResult<Vec<i64>> {
    let sql = "SELECT application_id FROM conflicts WHERE user_id = $1";
    Ok(run!(db, |pool| sqlx::query_scalar(sql)
        .bind(user_id)
        .fetch_all(pool)
        .await)?)
}

/// The reason an organiser gave when they last reopened this reviewer's sheet for this dossier
/// in this round, if they did (read from the audit log, which holds it).
pub async fn reopen_reason(
    db: &Db,
    round_id: i64,
    dossier_public_id: &str,
    reviewer_id: i64,
) -> DbResult<Option<String>> {
    let details: Vec<String> = run!(db, |pool| sqlx::query_scalar(
        "SELECT details FROM audit_log WHERE action = 'review.score_reopened' AND object = $1 \
         ORDER BY id DESC"
    )
    .bind(format!("application:{dossier_public_id}"))
    .fetch_all(pool)
    .await)?;
    Ok(details.iter().find_map(|d| {
        let d: serde_json::Value = serde_json::from_str(d).ok()?;
        (d["round_id"].as_i64() == Some(round_id) && d["reviewer_id"].as_i64() == Some(reviewer_id))
            .then(|| d["reason"].as_str().map(str::to_owned))
            .flatten()
    }))
}

/// The shortlist is locked (or published): its finalists may go to the final.
pub async fn shortlist_locked(db: &Db, edition_id: i64) -> DbResult<bool> {
    let sql = "SELECT COUNT(*) FROM shortlists WHERE edition_id = $1 \
               AND status IN ('locked', 'published')";
    let n: i64 = run!(db, |pool| sqlx::query_scalar(sql)
        .bind(edition_id)
        .fetch_one(pool)
        .await)?;
    Ok(n > 0)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SlotRow {
    pub application_id: i64,
    pub track_id: i64,
    pub position: i64,
    pub starts_at: i64,
    pub minutes: i64,
    pub room: String,
    pub timer_started_at: Option<i64>,
    pub timer_stopped_at: Option<i64>,
    pub measured_secs: Option<i64>,
}

impl SlotRow {
    pub fn running(&self) -> bool {
        self.timer_started_at.is_some() && self.timer_stopped_at.is_none()
    }
}

const SLOT_COLUMNS: &str = "application_id, track_id, position, starts_at, minutes, room, \
                            timer_started_at, timer_stopped_at, measured_secs";

pub async fn slots(db: &Db, edition_id: i64) -> DbResult<Vec<SlotRow>> {
    let sql = format!(
        "SELECT {SLOT_COLUMNS} FROM pitch_slots WHERE edition_id = $1 \
         ORDER BY track_id, position, starts_at, application_id"
    );
    Ok(run!(db, |pool| sqlx::query_as::<_, SlotRow>(&sql)
        .bind(edition_id)
        .fetch_all(pool)
        .await)?)
}

pub async fn slot_tx(
    tx: &mut Tx,
    edition_id: i64,
    application_id: i64,
) -> DbResult<Option<SlotRow>> {
    let sql = format!(
        "SELECT {SLOT_COLUMNS} FROM pitch_slots WHERE edition_id = $1 AND application_id = $2"
    );
    Ok(run_tx!(tx, |conn| sqlx::query_as::<_, SlotRow>(&sql)
        .bind(edition_id)
        .bind(application_id)
        .fetch_optional(conn)
        .await)?)
}

/// The presentation time measured by the organisers' timer, in seconds.
pub async fn measured_secs(db: &Db, edition_id: i64, application_id: i64) -> DbResult<Option<i64>> {
    let sql = "SELECT measured_secs FROM pitch_slots WHERE edition_id = $1 AND application_id = $2";
    let row: Option<Option<i64>> = run!(db, |pool| sqlx::query_scalar(sql)
        .bind(edition_id)
        .bind(application_id)
        .fetch_optional(pool)
        .await)?;
    Ok(row.flatten())
}

/// Allowed presentation time when the organisers did not set one: 5 minutes.
pub const DEFAULT_ALLOWED_SECS: i64 = 300;
/// Key of the rubric criterion the timer pre-fills.
pub const TIMING_CRITERION: &str = "timing";

/// The final's criterion the hackathon's rubric calls "challenges solved" (the start-ups'
/// demonstration, adapted): the capture-the-flag's final standings may pre-fill it.
pub const STANDINGS_CRITERION: &str = "demo";

/// The final's settings: allowed presentation time, cumulated scores.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct JurySettings {
    pub allowed_secs: i64,
    pub cumulate: bool,
    /// Bumped by every save of the settings (0: none stored yet); no silent overwrite.
    pub version: i64,
}

impl Default for JurySettings {
    fn default() -> Self {
        JurySettings {
            allowed_secs: DEFAULT_ALLOWED_SECS,
            cumulate: false,
            version: 0,
        }
    }
}

pub async fn settings(db: &Db, round_id: i64) -> DbResult<JurySettings> {
    let sql = "SELECT allowed_secs, cumulate, version FROM jury_settings WHERE round_id = $1";
    let row = run!(db, |pool| sqlx::query_as::<_, JurySettings>(sql)
        .bind(round_id)
        .fetch_optional(pool)
        .await)?;
    Ok(row.unwrap_or_default())
}
