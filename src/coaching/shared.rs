//! What the coaching pages of every audience share: languages, instants in the edition's
//! zone, names and links.

use jiff::tz::TimeZone;
use serde::Deserialize;

use super::actions::{self, AttendanceOutcome, By};
use super::queries::{self, InviteeRow, SessionRow};
use super::{when, Attendance};
use crate::calls::queries::EditionRow;
use crate::domain::types::Lang;
use crate::i18n::tr_args;
use crate::web::edit::posted_version;
use crate::web::error::{AppError, AppResult};
use crate::web::forms::FieldErrors;
use crate::web::sessions::SessionUser;
use crate::web::state::AppState;

pub(super) fn edition_zone(edition: &EditionRow) -> TimeZone {
    edition.timezone.tz().clone()
}

pub(super) fn minutes(lang: Lang, n: i64) -> String {
    tr_args(lang, "coaching-minutes", &[("n", n.to_string())])
}

fn track_name(row: &InviteeRow, lang: Lang) -> String {
    if lang == Lang::En {
        row.track_name_en.clone()
    } else {
        row.track_name_fr.clone()
    }
}

fn contact_line(email: Option<&str>, phone: Option<&str>) -> String {
    [email, phone]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
}

pub(super) fn admin_base(edition: &EditionRow) -> String {
    format!("/admin/editions/{}/coaching", edition.slug)
}

// Attendance, recorded by organisers and coaches alike.

pub struct AttendanceOption {
    pub value: &'static str,
    pub label: String,
    pub selected: bool,
}

fn attendance_options(current: Option<Attendance>, lang: Lang) -> Vec<AttendanceOption> {
    Attendance::ALL
        .into_iter()
        .map(|a| AttendanceOption {
            value: a.as_str(),
            label: Attendance::label(Some(a), lang),
            selected: current == Some(a),
        })
        .collect()
}

/// An invited finalist as organisers and the coach see them.
pub struct InviteeView {
    pub public_id: String,
    pub reference: String,
    pub title: String,
    pub track: String,
    pub applicant: String,
    pub contact: String,
    pub attendance: String,
    pub options: Vec<AttendanceOption>,
    /// Organisers: every author's note. The coach: empty (their own note is in `note`).
    pub notes: Vec<(String, String)>,
    /// The coach's own note, or what they just typed.
    pub note: String,
    /// Form field id of the note (errors are shown next to it).
    pub note_field: String,
    /// The attendance record's version (no silent overwrite) and where its error goes.
    pub version: i64,
    pub attendance_field: String,
    /// The organisers withdrew the invitation: shown as such, no attendance expected.
    pub withdrawn: bool,
}

pub(super) fn invitee_view(row: &InviteeRow, lang: Lang) -> InviteeView {
    InviteeView {
        public_id: row.public_id.clone(),
        reference: row.reference.clone().unwrap_or_default(),
        title: row.title.clone(),
        track: track_name(row, lang),
        applicant: row.applicant_name.clone(),
        contact: contact_line(
            row.applicant_email.as_deref(),
            row.applicant_phone.as_deref(),
        ),
        attendance: Attendance::label(row.attendance(), lang),
        options: attendance_options(row.attendance(), lang),
        notes: Vec::new(),
        note: String::new(),
        note_field: format!("note-{}", row.public_id),
        version: row.version,
        attendance_field: format!("attendance-{}", row.public_id),
        withdrawn: row.withdrawn_at.is_some(),
    }
}

/// "Séance annulée le … Motif : …" for a cancelled session.
pub(super) fn cancelled_line(session: &SessionRow, lang: Lang) -> Option<String> {
    let at = session.cancelled_at?;
    let when = when(lang, at, &session.time_zone());
    Some(match session.cancel_reason.as_deref() {
        Some(reason) => tr_args(
            lang,
            "followups-session-cancelled-because",
            &[("when", when), ("reason", reason.to_owned())],
        ),
        None => tr_args(lang, "followups-session-cancelled", &[("when", when)]),
    })
}

#[derive(Deserialize, Default, Clone)]
pub struct AttendanceForm {
    #[serde(default)]
    pub application: String,
    #[serde(default)]
    pub attendance: String,
    /// The record's version the form was loaded from.
    #[serde(default)]
    pub version: String,
}

/// An attendance choice refused because the record changed since the page was loaded: shown
/// again as chosen, next to the stored one.
pub(super) struct KeptAttendance {
    pub(super) public_id: String,
    pub(super) value: Attendance,
}

/// The invitee's attendance select showing the refused choice, if it is theirs.
pub(super) fn kept_choice(
    view: InviteeView,
    kept: Option<&KeptAttendance>,
    lang: Lang,
) -> InviteeView {
    match kept {
        Some(k) if k.public_id == view.public_id => InviteeView {
            options: attendance_options(Some(k.value), lang),
            ..view
        },
        _ => view,
    }
}

/// An attendance saved (the dossier's anchor on the page), or refused because someone
/// recorded another value since the page was loaded (the message names both values).
pub(super) enum Recorded {
    Saved(String),
    Stale(FieldErrors, KeptAttendance),
}

/// Records attendance (coach or organiser): 404 for a dossier not invited to the session.
pub(super) async fn record_attendance(
    app: &AppState,
    lang: Lang,
    user: &SessionUser,
    session: &SessionRow,
    form: &AttendanceForm,
) -> AppResult<Recorded> {
    // A cancelled session took no place: nobody attended it.
    if session.cancelled_at.is_some() {
        return Err(AppError::BadRequest("followups-attendance-cancelled"));
    }
    let value = Attendance::parse(&form.attendance)
        .ok_or(AppError::BadRequest("coaching-bad-attendance"))?;
    let invitee = queries::invitees(&app.db, session.id)
        .await?
        .into_iter()
        .find(|r| r.public_id == form.application.trim())
        .ok_or(AppError::NotFound)?;
    let by = By {
        actor_id: user.id,
        now: app.now_ms(),
    };
    let mut tx = app.db.begin().await?;
    let expected = posted_version(&form.version);
    match actions::record_attendance(&mut tx, session, &invitee, expected, value, by).await? {
        AttendanceOutcome::Saved => {}
        AttendanceOutcome::NotInvited => return Err(AppError::NotFound),
        AttendanceOutcome::Stale(stored, version) => {
            drop(tx);
            let mut errors = FieldErrors::default();
            errors.add(
                format!("attendance-{}", invitee.public_id),
                tr_args(
                    lang,
                    "edit-conflict-attendance",
                    &[
                        (
                            "stored",
                            Attendance::label(stored.as_deref().and_then(Attendance::parse), lang),
                        ),
                        ("version", version.to_string()),
                        ("typed", Attendance::label(Some(value), lang)),
                    ],
                ),
            );
            let kept = KeptAttendance {
                public_id: invitee.public_id,
                value,
            };
            return Ok(Recorded::Stale(errors, kept));
        }
    };
    tx.commit().await?;
    Ok(Recorded::Saved(invitee.public_id))
}
