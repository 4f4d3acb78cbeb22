//! Storage of coaching: sessions, invitations with attendance, and coaches' notes.

use crate::db::{Db, DbResult, Tx};
use crate::domain::types::Zone;
use crate::{run, run_tx};

use super::Attendance;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub id: i64,
    pub public_id: String,
    pub edition_id: i64,
    pub title: String,
    pub starts_at: i64,
    pub duration_minutes: i64,
    pub place: String,
    pub coach_id: i64,
    pub coach_name: String,
    pub coach_email: Option<String>,
    pub coach_phone: Option<String>,
    /// The edition's time zone, in which the start is shown.
    #[sqlx(try_from = "String")]
    pub timezone: Zone,
    pub edition_slug: String,
    pub edition_year: i64,
    /// Bumped by every edit of the session (no silent overwrite).
    pub version: i64,
    /// Set once cancelled: the session stays listed, marked cancelled, and is frozen.
    pub cancelled_at: Option<i64>,
    pub cancel_reason: Option<String>,
}

impl SessionRow {
    pub fn time_zone(&self) -> jiff::tz::TimeZone {
        self.timezone.tz().clone()
    }

    pub fn coach_login(&self) -> String {
        self.coach_email
            .clone()
            .or_else(|| self.coach_phone.clone())
            .unwrap_or_default()
    }
}

const SESSION_SELECT: &str = "SELECT s.id, s.public_id, s.edition_id, s.title, s.starts_at, \
    s.duration_minutes, s.place, s.coach_id, u.display_name AS coach_name, \
    u.email AS coach_email, u.phone AS coach_phone, e.timezone, e.slug AS edition_slug, \
    e.year AS edition_year, s.version, s.cancelled_at, s.cancel_reason \
    FROM coaching_sessions s JOIN users u ON u.id = s.coach_id \
    JOIN editions e ON e.id = s.edition_id";

pub struct NewSession<'a> {
    pub edition_id: i64,
    pub title: &'a str,
    pub starts_at: i64,
    pub duration_minutes: i64,
    pub place: &'a str,
    pub coach_id: i64,
    pub created_by: i64,
}

/// Inserts a session and returns its (internal id, public id).
pub async fn insert_session(
    tx: &mut Tx,
    s: &NewSession<'_>,
    now_ms: i64,
) -> DbResult<(i64, String)> {
    let public_id = crate::crypto::random_public_id();
    let sql = "INSERT INTO coaching_sessions (public_id, edition_id, title, starts_at, \
               duration_minutes, place, coach_id, created_by, created_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";
    let id: i64 = run_tx!(tx, |conn| sqlx::query_scalar(sql)
        .bind(&public_id)
        .bind(s.edition_id)
        .bind(s.title)
        .bind(s.starts_at)
        .bind(s.duration_minutes)
        .bind(s.place)
        .bind(s.coach_id)
        .bind(s.created_by)
        .bind(now_ms)
        .fetch_one(conn)
        .await)?;
    Ok((id, public_id))
}

/// What an organiser's edit of a session sets.
pub struct SessionChange<'a> {
    pub title: &'a str,
    pub starts_at: i64,
    pub duration_minutes: i64,
    pub place: &'a str,
    pub coach_id: i64,
}

/// Saves an edit if the session is still at `expected_version` and not cancelled; false
/// (nothing written) otherwise.
pub async fn update_session(
    tx: &mut Tx,
    id: i64,
    expected_version: i64,
    c: &SessionChange<'_>,
) -> DbResult<bool> {
    let sql = "UPDATE coaching_sessions SET title = $1, starts_at = $2, duration_minutes = $3, \
               place = $4, coach_id = $5, version = version + 1 \
               WHERE id = $6 AND version = $7 AND cancelled_at IS NULL";
    let n = run_tx!(tx, |conn| sqlx::query(sql)
        .bind(c.title)
        .bind(c.starts_at)
        .bind(c.duration_minutes)
        .bind(c.place)
        .bind(c.coach_id)
        .bind(id)
        .bind(expected_version)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Cancels a session (kept, marked cancelled); false when it already was.
pub async fn cancel_session(
    tx: &mut Tx,
    id: i64,
    reason: Option<&str>,
    now_ms: i64,
) -> DbResult<bool> {
    let sql = "UPDATE coaching_sessions SET cancelled_at = $1, cancel_reason = $2, \
               version = version + 1 WHERE id = $3 AND cancelled_at IS NULL";
    let n = run_tx!(tx, |conn| sqlx::query(sql)
        .bind(now_ms)
        .bind(reason)
        .bind(id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Withdraws one dossier's invitation (kept, marked withdrawn); false when it was not
/// invited or already withdrawn.
pub async fn withdraw(
    tx: &mut Tx,
    session_id: i64,
    application_id: i64,
    now_ms: i64,
) -> DbResult<bool> {
    let sql = "UPDATE coaching_invitations SET withdrawn_at = $1 \
               WHERE session_id = $2 AND application_id = $3 AND withdrawn_at IS NULL";
    let n = run_tx!(tx, |conn| sqlx::query(sql)
        .bind(now_ms)
        .bind(session_id)
        .bind(application_id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// A session of the edition, by its public id.
pub async fn session_of_edition(
    db: &Db,
    edition_id: i64,
    public_id: &str,
) -> DbResult<Option<SessionRow>> {
    let sql = format!("{SESSION_SELECT} WHERE s.edition_id = $1 AND s.public_id = $2");
    Ok(run!(db, |pool| sqlx::query_as::<_, SessionRow>(&sql)
        .bind(edition_id)
        .bind(public_id)
        .fetch_optional(pool)
        .await)?)
}

/// A session, by its public id, only if `coach_id` coaches it.
pub async fn session_of_coach(
    db: &Db,
    coach_id: i64,
    public_id: &str,
) -> DbResult<Option<SessionRow>> {
    let sql = format!("{SESSION_SELECT} WHERE s.coach_id = $1 AND s.public_id = $2");
    Ok(run!(db, |pool| sqlx::query_as::<_, SessionRow>(&sql)
        .bind(coach_id)
        .bind(public_id)
        .fetch_optional(pool)
        .await)?)
}

/// Every session a user coaches, soonest first.
pub async fn sessions_of_coach(db: &Db, coach_id: i64) -> DbResult<Vec<SessionRow>> {
    let sql = format!("{SESSION_SELECT} WHERE s.coach_id = $1 ORDER BY s.starts_at, s.id");
    Ok(run!(db, |pool| sqlx::query_as::<_, SessionRow>(&sql)
        .bind(coach_id)
        .fetch_all(pool)
        .await)?)
}

/// Whether the user was named coach in any edition.
pub async fn is_coach_anywhere(db: &Db, user_id: i64) -> DbResult<bool> {
    let sql = "SELECT COUNT(*) FROM role_grants WHERE user_id = $1 AND role = 'coach'";
    let n: i64 = run!(db, |pool| sqlx::query_scalar(sql)
        .bind(user_id)
        .fetch_one(pool)
        .await)?;
    Ok(n > 0)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionSummary {
    pub public_id: String,
    pub title: String,
    pub starts_at: i64,
    pub duration_minutes: i64,
    pub place: String,
    pub coach_name: String,
    pub invited: i64,
    pub present: i64,
    pub absent: i64,
    pub excused: i64,
    pub notes: i64,
    pub cancelled_at: Option<i64>,
}

/// The edition's sessions with their attendance counts, in date order.
pub async fn sessions_of_edition(db: &Db, edition_id: i64) -> DbResult<Vec<SessionSummary>> {
    let sql = "SELECT s.public_id, s.title, s.starts_at, s.duration_minutes, s.place, \
               u.display_name AS coach_name, \
               (SELECT COUNT(*) FROM coaching_invitations i WHERE i.session_id = s.id \
                AND i.withdrawn_at IS NULL) AS invited, \
               (SELECT COUNT(*) FROM coaching_invitations i WHERE i.session_id = s.id \
                AND i.attendance = 'present') AS present, \
               (SELECT COUNT(*) FROM coaching_invitations i WHERE i.session_id = s.id \
                AND i.attendance = 'absent') AS absent, \
               (SELECT COUNT(*) FROM coaching_invitations i WHERE i.session_id = s.id \
                AND i.attendance = 'excused') AS excused, \
               (SELECT COUNT(*) FROM coaching_notes n WHERE n.session_id = s.id \
                AND n.body <> '') AS notes, s.cancelled_at \
               FROM coaching_sessions s JOIN users u ON u.id = s.coach_id \
               WHERE s.edition_id = $1 ORDER BY s.starts_at, s.id";
    Ok(run!(db, |pool| sqlx::query_as::<_, SessionSummary>(sql)
        .bind(edition_id)
        .fetch_all(pool)
        .await)?)
}

/// An invited finalist with what a coach or organiser needs to reach them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InviteeRow {
    pub application_id: i64,
    pub public_id: String,
    pub reference: Option<String>,
    pub title: String,
    pub track_name_fr: String,
    pub track_name_en: String,
    pub applicant_name: String,
    pub applicant_email: Option<String>,
    pub applicant_phone: Option<String>,
    pub attendance: Option<String>,
    /// Bumped by every attendance record (no silent overwrite).
    pub version: i64,
    /// Set once the organisers withdrew the invitation.
    pub withdrawn_at: Option<i64>,
}

impl InviteeRow {
    pub fn attendance(&self) -> Option<Attendance> {
        self.attendance.as_deref().and_then(Attendance::parse)
    }
}

pub async fn invitees(db: &Db, session_id: i64) -> DbResult<Vec<InviteeRow>> {
    let sql = "SELECT a.id AS application_id, a.public_id, a.reference, a.title, \
               t.name_fr AS track_name_fr, t.name_en AS track_name_en, \
               u.display_name AS applicant_name, u.email AS applicant_email, \
               u.phone AS applicant_phone, i.attendance, i.version, i.withdrawn_at \
               FROM coaching_invitations i JOIN applications a ON a.id = i.application_id \
               JOIN tracks t ON t.id = a.track_id JOIN users u ON u.id = a.applicant_id \
               WHERE i.session_id = $1 ORDER BY t.position, a.reference, a.id";
    Ok(run!(db, |pool| sqlx::query_as::<_, InviteeRow>(sql)
        .bind(session_id)
        .fetch_all(pool)
        .await)?)
}

/// Whom an invitation is sent to: the applicant's login and language.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApplicantContact {
    pub application_id: i64,
    pub public_id: String,
    pub reference: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub locale: String,
}

pub async fn applicant_contacts(db: &Db, edition_id: i64) -> DbResult<Vec<ApplicantContact>> {
    let sql = "SELECT a.id AS application_id, a.public_id, a.reference, u.email, u.phone, \
               u.locale FROM applications a JOIN tracks t ON t.id = a.track_id \
               JOIN users u ON u.id = a.applicant_id WHERE t.edition_id = $1 \
               AND a.status <> 'draft'";
    Ok(run!(db, |pool| sqlx::query_as::<_, ApplicantContact>(sql)
        .bind(edition_id)
        .fetch_all(pool)
        .await)?)
}

/// Invites a dossier; `false` when it already was (nothing changes then).
pub async fn invite(
    tx: &mut Tx,
    session_id: i64,
    application_id: i64,
    invited_by: i64,
    now_ms: i64,
) -> DbResult<bool> {
    let sql = "INSERT INTO coaching_invitations (session_id, application_id, invited_by, \
               invited_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";
    let n = run_tx!(tx, |conn| sqlx::query(sql)
        .bind(session_id)
        .bind(application_id)
        .bind(invited_by)
        .bind(now_ms)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n > 0)
}

/// What recording an attendance did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttendanceSaved {
    /// The dossier is not invited to the session: nothing written.
    NotInvited,
    /// Someone recorded another value since the form was loaded: nothing written. Holds the
    /// stored value and version.
    Stale(Option<String>, i64),
    /// Recorded; holds the previous value.
    Saved(Option<String>),
}

/// Records attendance of an invited dossier if its record is still at `expected_version`
/// (the version the form was loaded from).
pub async fn set_attendance(
    tx: &mut Tx,
    session_id: i64,
    application_id: i64,
    expected_version: i64,
    value: Attendance,
    by: i64,
    now_ms: i64,
) -> DbResult<AttendanceSaved> {
    // A withdrawn invitation is no longer one: nobody is expected there.
    let current = "SELECT attendance, version FROM coaching_invitations \
                   WHERE session_id = $1 AND application_id = $2 AND withdrawn_at IS NULL";
    let Some((previous, version)): Option<(Option<String>, i64)> =
        run_tx!(tx, |conn| sqlx::query_as(current)
            .bind(session_id)
            .bind(application_id)
            .fetch_optional(conn)
            .await)?
    else {
        return Ok(AttendanceSaved::NotInvited);
    };
    let sql = "UPDATE coaching_invitations SET attendance = $3, attendance_by = $4, \
               attendance_at = $5, version = version + 1 \
               WHERE session_id = $1 AND application_id = $2 AND version = $6";
    let updated = run_tx!(tx, |conn| sqlx::query(sql)
        .bind(session_id)
        .bind(application_id)
        .bind(value.as_str())
        .bind(by)
        .bind(now_ms)
        .bind(expected_version)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(if updated == 1 {
        AttendanceSaved::Saved(previous)
    } else {
        AttendanceSaved::Stale(previous, version)
    })
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NoteRow {
    pub application_id: i64,
    pub author_id: i64,
    pub author_name: String,
    pub body: String,
    pub updated_at: i64,
}

/// Every non-empty note of a session (for organisers).
pub async fn notes_of_session(db: &Db, session_id: i64) -> DbResult<Vec<NoteRow>> {
    let sql = "SELECT n.application_id, n.author_id, u.display_name AS author_name, n.body, \
               n.updated_at FROM coaching_notes n JOIN users u ON u.id = n.author_id \
               WHERE n.session_id = $1 AND n.body <> '' ORDER BY n.updated_at, n.author_id";
    Ok(run!(db, |pool| sqlx::query_as::<_, NoteRow>(sql)
        .bind(session_id)
        .fetch_all(pool)
        .await)?)
}

/// The notes one author wrote in a session (for that coach only).
pub async fn notes_by_author(db: &Db, session_id: i64, author_id: i64) -> DbResult<Vec<NoteRow>> {
    let sql = "SELECT n.application_id, n.author_id, u.display_name AS author_name, n.body, \
               n.updated_at FROM coaching_notes n JOIN users u ON u.id = n.author_id \
               WHERE n.session_id = $1 AND n.author_id = $2";
    Ok(run!(db, |pool| sqlx::query_as::<_, NoteRow>(sql)
        .bind(session_id)
        .bind(author_id)
        .fetch_all(pool)
        .await)?)
}

/// Writes (or replaces) an author's note on an invited dossier. Returns `false` when the
/// dossier is not invited to the session (nothing written).
pub async fn save_note(
    tx: &mut Tx,
    session_id: i64,
    application_id: i64,
    author_id: i64,
    body: &str,
    now_ms: i64,
) -> DbResult<bool> {
    let invited = "SELECT COUNT(*) FROM coaching_invitations \
                   WHERE session_id = $1 AND application_id = $2";
    let n: i64 = run_tx!(tx, |conn| sqlx::query_scalar(invited)
        .bind(session_id)
        .bind(application_id)
        .fetch_one(conn)
        .await)?;
    if n == 0 {
        return Ok(false);
    }
    let sql = "INSERT INTO coaching_notes (session_id, application_id, author_id, body, \
               updated_at) VALUES ($1, $2, $3, $4, $5) \
               ON CONFLICT (session_id, application_id, author_id) \
               DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at";
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(session_id)
        .bind(application_id)
        .bind(author_id)
        .bind(body)
        .bind(now_ms)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(true)
}

/// A session an applicant's dossier is invited to, as the applicant sees it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InvitationRow {
    pub title: String,
    pub starts_at: i64,
    pub duration_minutes: i64,
    pub place: String,
    pub coach_name: String,
    #[sqlx(try_from = "String")]
    pub timezone: Zone,
    pub cancelled_at: Option<i64>,
    pub cancel_reason: Option<String>,
}

/// The sessions a dossier is invited to (withdrawn invitations left out, cancelled sessions
/// kept: the finalist sees that they no longer take place).
pub async fn invitations_of_application(
    db: &Db,
    application_id: i64,
) -> DbResult<Vec<InvitationRow>> {
    let sql = "SELECT s.title, s.starts_at, s.duration_minutes, s.place, \
               u.display_name AS coach_name, e.timezone, s.cancelled_at, s.cancel_reason \
               FROM coaching_invitations i JOIN coaching_sessions s ON s.id = i.session_id \
               JOIN users u ON u.id = s.coach_id JOIN editions e ON e.id = s.edition_id \
               WHERE i.application_id = $1 AND i.withdrawn_at IS NULL \
               ORDER BY s.starts_at, s.id";
    Ok(run!(db, |pool| sqlx::query_as::<_, InvitationRow>(sql)
        .bind(application_id)
        .fetch_all(pool)
        .await)?)
}
