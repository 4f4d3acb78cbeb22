//! Coaching pages: the organisers' sessions and invitations, the coach's sessions with
//! attendance and notes, and the applicant's list of sessions. See the module docs for who
//! sees what.

use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use jiff::tz::TimeZone;
use serde::Deserialize;

use super::queries::{self, InviteeRow, SessionRow};
use super::{Attendance, SessionForm};
use crate::accounts::roles::{self, Role};
use crate::accounts::sessions::SessionUser;
use crate::accounts::users;
use crate::audit;
use crate::calls::queries::{self as calls, EditionRow};
use crate::db::Tx;
use crate::domain::types::Lang;
use crate::editions::access::OrganisedEdition;
use crate::i18n::{self, tr, tr_args};
use crate::notifications::{self, NewMessage};
use crate::web::ctx::{CsrfForm, Ctx, SignedIn, SiteAddress};
use crate::web::edit::{posted_version, StaleEdit};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::FieldErrors;
use crate::web::state::AppState;
use crate::web::templates::{render, render_with_status};

pub fn router() -> Router<AppState> {
    const ADMIN: &str = "/admin/editions/{edition}/coaching";
    Router::new()
        .route(ADMIN, get(admin_sessions).post(create_session))
        .route(&format!("{ADMIN}/{{session}}"), get(admin_session))
        .route(&format!("{ADMIN}/{{session}}/invite"), post(invite))
        .route(&format!("{ADMIN}/{{session}}/edit"), post(edit_session))
        .route(&format!("{ADMIN}/{{session}}/cancel"), post(cancel_session))
        .route(
            &format!("{ADMIN}/{{session}}/withdraw"),
            post(withdraw_invitation),
        )
        .route(
            &format!("{ADMIN}/{{session}}/attendance"),
            post(admin_attendance),
        )
        .route("/coaching", get(coach_home))
        .route("/coaching/{session}", get(coach_session))
        .route("/coaching/{session}/attendance", post(coach_attendance))
        .route("/coaching/{session}/note", post(coach_note))
        .route("/applications/{id}/coaching", get(applicant_sessions))
}

fn lang_of(locale: &str) -> Lang {
    Lang::parse(locale).unwrap_or_default()
}

fn edition_zone(edition: &EditionRow) -> TimeZone {
    edition.timezone.tz().clone()
}

/// "27 janvier 2026 à 10:00" in the edition's zone.
fn when(lang: Lang, at_ms: i64, tz: &TimeZone) -> String {
    jiff::Timestamp::from_millisecond(at_ms)
        .map(|t| i18n::format_instant(lang, t, tz))
        .unwrap_or_default()
}

fn minutes(lang: Lang, n: i64) -> String {
    tr_args(lang, "coaching-minutes", &[("n", n.to_string())])
}

fn edition_name(edition: &EditionRow, lang: Lang) -> String {
    let event = if lang == Lang::En {
        &edition.event_name_en
    } else {
        &edition.event_name_fr
    };
    format!("{event} {}", edition.year)
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

fn admin_base(edition: &EditionRow) -> String {
    format!("/admin/editions/{}/coaching", edition.slug)
}

fn session_object(session_public_id: &str) -> String {
    format!("coaching_session:{session_public_id}")
}

// ---------------------------------------------------------------------------------------
// Organisers: sessions of an edition

pub struct SessionLine {
    pub url: String,
    pub title: String,
    pub when: String,
    pub duration: String,
    pub place: String,
    pub coach: String,
    pub invited: i64,
    pub present: i64,
    pub absent: i64,
    pub excused: i64,
    pub notes: i64,
    pub cancelled: bool,
}

#[derive(Template)]
#[template(path = "coaching/admin_sessions.html")]
pub struct AdminSessionsTemplate {
    pub ctx: Ctx,
    pub edition: String,
    pub action: String,
    pub shortlist: String,
    pub shortlist_locked: bool,
    pub zone_help: String,
    pub sessions: Vec<SessionLine>,
    pub form: SessionForm,
    pub errors: FieldErrors,
}

async fn render_admin_sessions(
    app: &AppState,
    ctx: Ctx,
    edition: &EditionRow,
    form: SessionForm,
    errors: FieldErrors,
    status: StatusCode,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let tz = edition_zone(edition);
    let base = admin_base(edition);
    let locked = queries::shortlist_is_locked(
        queries::shortlist_status(&app.db, edition.id)
            .await?
            .as_deref(),
    );
    let shortlist = if locked {
        let n = crate::review::queries::finalists(&app.db, edition.id)
            .await?
            .len();
        tr_args(lang, "coaching-shortlist-locked", &[("n", n.to_string())])
    } else {
        tr(lang, "coaching-shortlist-not-locked")
    };
    let sessions = queries::sessions_of_edition(&app.db, edition.id)
        .await?
        .into_iter()
        .map(|s| SessionLine {
            url: format!("{base}/{}", s.public_id),
            when: when(lang, s.starts_at, &tz),
            duration: minutes(lang, s.duration_minutes),
            title: s.title,
            place: s.place,
            coach: s.coach_name,
            invited: s.invited,
            present: s.present,
            absent: s.absent,
            excused: s.excused,
            notes: s.notes,
            cancelled: s.cancelled_at.is_some(),
        })
        .collect();
    render_with_status(
        status,
        &AdminSessionsTemplate {
            edition: edition_name(edition, lang),
            action: base,
            shortlist,
            shortlist_locked: locked,
            zone_help: tr_args(
                lang,
                "coaching-zone-help",
                &[("zone", edition.timezone.name().to_owned())],
            ),
            sessions,
            form,
            errors,
            ctx,
        },
    )
}

async fn admin_sessions(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, .. }: OrganisedEdition,
) -> AppResult<Response> {
    render_admin_sessions(
        &app,
        ctx,
        &edition,
        SessionForm::blank(),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

async fn create_session(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, user }: OrganisedEdition,
    form: CsrfForm<SessionForm>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let typed = form.value;
    let tz = edition_zone(&edition);
    let now = app.now_ms();
    let parsed = super::parse_session(&typed, &tz, now, lang);
    // The coach's account is looked up even when another field is wrong, so every message
    // shows at once.
    let login = crate::domain::types::Login::parse(typed.coach.trim()).ok();
    let coach = match &login {
        Some(login) => users::find_by_login(&app.db, login)
            .await?
            .filter(|u| u.verified_at.is_some()),
        None => None,
    };
    let mut errors = match &parsed {
        Ok(_) => FieldErrors::default(),
        Err(errors) => errors.clone(),
    };
    if login.is_some() && coach.is_none() {
        errors.add("coach", tr(lang, "coaching-unknown-coach"));
    }
    let (Ok(session), Some(coach), true) = (parsed, coach, errors.is_empty()) else {
        return render_admin_sessions(
            &app,
            ctx,
            &edition,
            typed,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let mut tx = app.db.begin().await?;
    let (session_id, public_id) = queries::insert_session(
        &mut tx,
        &queries::NewSession {
            edition_id: edition.id,
            title: &session.title,
            starts_at: session.starts_at,
            duration_minutes: session.duration_minutes,
            place: &session.place,
            coach_id: coach.id,
            created_by: user.id,
        },
        now,
    )
    .await?;
    roles::grant_tx(&mut tx, coach.id, edition.id, Role::Coach).await?;
    audit::append(
        &mut tx,
        &audit::Entry {
            actor_id: Some(user.id),
            action: "coaching.session_created",
            object: &session_object(&public_id),
            details: serde_json::json!({
                "edition": edition.slug, "title": session.title,
                "starts_at": session.starts_at, "duration_minutes": session.duration_minutes,
                "place": session.place, "coach_id": coach.id,
            }),
        },
        now,
    )
    .await?;
    // The coach learns of the session (and where to find it) by e-mail or SMS.
    if let Some((channel, recipient)) =
        notifications::channel_for(coach.email.as_deref(), coach.phone.as_deref())
    {
        let coach_lang = lang_of(&coach.locale);
        let args = [
            ("title", session.title.clone()),
            ("when", when(coach_lang, session.starts_at, &tz)),
            ("zone", edition.timezone.name().to_owned()),
            ("place", session.place.clone()),
            ("link", ctx.link(&format!("/coaching/{public_id}"))),
        ];
        notifications::enqueue(
            &mut tx,
            &NewMessage {
                idempotency_key: format!("coaching-coach:{session_id}:{}", coach.id),
                channel,
                recipient,
                subject: tr_args(coach_lang, "coaching-coach-subject", &args),
                body: tr_args(coach_lang, "coaching-coach-body", &args),
                edition_id: Some(edition.id),
            },
            now,
        )
        .await?;
    }
    tx.commit().await?;
    app.outbox_wake.notify_one();
    Ok(Redirect::to(&format!("{}/{public_id}", admin_base(&edition))).into_response())
}

// ---------------------------------------------------------------------------------------
// Organisers: one session, invitations, attendance

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

fn invitee_view(row: &InviteeRow, lang: Lang) -> InviteeView {
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

pub struct FinalistChoice {
    pub public_id: String,
    pub label: String,
    pub checked: bool,
}

pub struct TrackChoice {
    pub id: String,
    pub name: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "coaching/admin_session.html")]
pub struct AdminSessionTemplate {
    pub ctx: Ctx,
    pub back: String,
    pub base: String,
    pub edition: String,
    pub title: String,
    pub when: String,
    pub duration: String,
    pub place: String,
    pub coach: String,
    pub shortlist_locked: bool,
    pub invitees: Vec<InviteeView>,
    pub choices: Vec<FinalistChoice>,
    pub tracks: Vec<TrackChoice>,
    pub errors: FieldErrors,
    /// "Cancelled on …" (with the reason), once cancelled.
    pub cancelled: Option<String>,
    /// The edit form: the session as stored, or what was typed in a refused edit.
    pub edit: SessionForm,
    pub zone_help: String,
    /// Set when an edit was refused because the session changed since it was loaded.
    pub stale: Option<StaleEdit>,
}

/// An edit to show again after a refusal: what was typed and, when someone saved in
/// between, what is stored now.
pub struct EditState {
    pub form: SessionForm,
    pub stale: Option<StaleEdit>,
}

#[derive(Deserialize, Default, Clone)]
pub struct InviteForm {
    #[serde(default)]
    pub track: String,
}

/// A session of the edition, named by the address.
async fn session_of(
    app: &AppState,
    edition: EditionRow,
    session: &str,
) -> AppResult<(EditionRow, SessionRow)> {
    let session = queries::session_of_edition(&app.db, edition.id, session)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((edition, session))
}

/// Commits an organiser's change, wakes the outbox for the messages it queued, and shows the
/// session again.
async fn back_to_session(
    app: &AppState,
    tx: crate::db::Tx,
    edition: &EditionRow,
    session: &SessionRow,
) -> AppResult<Response> {
    tx.commit().await?;
    app.outbox_wake.notify_one();
    Ok(Redirect::to(&format!("{}/{}", admin_base(edition), session.public_id)).into_response())
}

/// What an organiser's session page shows besides the stored session: the values typed in a
/// refused form, kept, and why it was refused.
#[derive(Default)]
struct SessionPage {
    invite: (InviteForm, BTreeSet<String>),
    kept: Option<KeptAttendance>,
    edit: Option<EditState>,
    errors: FieldErrors,
}

impl SessionPage {
    fn refused(errors: FieldErrors) -> Self {
        Self {
            errors,
            ..Self::default()
        }
    }

    /// A refused invitation, with the finalists and track that were chosen kept.
    fn invitation_refused(
        typed: InviteForm,
        chosen: BTreeSet<String>,
        errors: FieldErrors,
    ) -> Self {
        Self {
            invite: (typed, chosen),
            errors,
            ..Self::default()
        }
    }
}

async fn render_admin_session(
    app: &AppState,
    ctx: Ctx,
    edition: &EditionRow,
    session: &SessionRow,
    page: SessionPage,
    status: StatusCode,
) -> AppResult<Response> {
    let SessionPage {
        invite: typed,
        kept,
        edit,
        errors,
    } = page;
    let kept = kept.as_ref();
    let lang = ctx.lang;
    let tz = session.time_zone();
    let rows = queries::invitees(&app.db, session.id).await?;
    let edit = edit.unwrap_or_else(|| EditState {
        form: stored_form(session),
        stale: None,
    });
    let mut notes: BTreeMap<i64, Vec<(String, String)>> = BTreeMap::new();
    for n in queries::notes_of_session(&app.db, session.id).await? {
        notes
            .entry(n.application_id)
            .or_default()
            .push((n.author_name, n.body));
    }
    let invited: BTreeSet<i64> = rows.iter().map(|r| r.application_id).collect();
    let invitees = rows
        .iter()
        .map(|r| InviteeView {
            notes: notes.remove(&r.application_id).unwrap_or_default(),
            ..kept_choice(invitee_view(r, lang), kept, lang)
        })
        .collect();
    let locked = queries::shortlist_is_locked(
        queries::shortlist_status(&app.db, edition.id)
            .await?
            .as_deref(),
    );
    let finalists = if locked {
        crate::review::queries::finalists(&app.db, edition.id).await?
    } else {
        Vec::new()
    };
    let tracks_of_edition = calls::tracks_of_edition(&app.db, edition.id).await?;
    let track_names: BTreeMap<i64, String> = tracks_of_edition
        .iter()
        .map(|t| {
            (
                t.id,
                if lang == Lang::En {
                    t.name_en.clone()
                } else {
                    t.name_fr.clone()
                },
            )
        })
        .collect();
    let (form, checked) = typed;
    let choices = finalists
        .iter()
        .filter(|f| !invited.contains(&f.id))
        .map(|f| FinalistChoice {
            label: format!(
                "{} — {} ({})",
                f.reference.clone().unwrap_or_default(),
                f.title,
                track_names.get(&f.track_id).cloned().unwrap_or_default()
            ),
            checked: checked.contains(&f.public_id),
            public_id: f.public_id.clone(),
        })
        .collect();
    let tracks = tracks_of_edition
        .iter()
        .filter(|t| finalists.iter().any(|f| f.track_id == t.id))
        .map(|t| TrackChoice {
            id: t.id.to_string(),
            name: track_names.get(&t.id).cloned().unwrap_or_default(),
            selected: form.track == t.id.to_string(),
        })
        .collect();
    render_with_status(
        status,
        &AdminSessionTemplate {
            back: admin_base(edition),
            base: format!("{}/{}", admin_base(edition), session.public_id),
            edition: edition_name(edition, lang),
            title: session.title.clone(),
            when: when(lang, session.starts_at, &tz),
            duration: minutes(lang, session.duration_minutes),
            place: session.place.clone(),
            coach: format!("{} ({})", session.coach_name, session.coach_login()),
            shortlist_locked: locked,
            invitees,
            choices,
            tracks,
            errors,
            cancelled: cancelled_line(session, lang),
            edit: edit.form,
            zone_help: tr_args(
                lang,
                "coaching-zone-help",
                &[("zone", edition.timezone.name().to_owned())],
            ),
            stale: edit.stale,
            ctx,
        },
    )
}

/// The edit form filled with the session as stored.
fn stored_form(session: &SessionRow) -> SessionForm {
    SessionForm {
        title: session.title.clone(),
        starts_at: crate::calls::format_civil_input(session.starts_at, &session.time_zone()),
        duration: session.duration_minutes.to_string(),
        place: session.place.clone(),
        coach: session.coach_login(),
        version: session.version.to_string(),
    }
}

/// "Séance annulée le … Motif : …" for a cancelled session.
fn cancelled_line(session: &SessionRow, lang: Lang) -> Option<String> {
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

async fn admin_session(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, .. }: OrganisedEdition,
    Path((_, session)): Path<(String, String)>,
) -> AppResult<Response> {
    let (edition, session) = session_of(&app, edition, &session).await?;
    render_admin_session(
        &app,
        ctx,
        &edition,
        &session,
        SessionPage::default(),
        StatusCode::OK,
    )
    .await
}

/// The invitees still expected at a session, with how to reach each one.
async fn expected_contacts(
    app: &AppState,
    edition: &EditionRow,
    session: &SessionRow,
) -> AppResult<Vec<queries::ApplicantContact>> {
    let expected: BTreeSet<i64> = queries::invitees(&app.db, session.id)
        .await?
        .into_iter()
        .filter(|r| r.withdrawn_at.is_none())
        .map(|r| r.application_id)
        .collect();
    Ok(queries::applicant_contacts(&app.db, edition.id)
        .await?
        .into_iter()
        .filter(|c| expected.contains(&c.application_id))
        .collect())
}

/// A message about a session to its invited finalists: the Fluent keys of its subject and
/// body, arguments beyond the session's own, and the event it tells of (`coaching-<event>:…`),
/// so each change is sent once and distinct changes each get their own message.
struct InviteeNotice<'a> {
    subject: &'a str,
    body: &'a str,
    extra: Vec<(&'static str, String)>,
    event: String,
}

/// Queues `notice` about `session` to an invited finalist, in their language, by e-mail or SMS.
async fn tell_invitee(
    site: &SiteAddress,
    tx: &mut Tx,
    (edition, session): (&EditionRow, &SessionRow),
    contact: &queries::ApplicantContact,
    notice: &InviteeNotice<'_>,
    now: i64,
) -> AppResult<()> {
    let Some((channel, recipient)) =
        notifications::channel_for(contact.email.as_deref(), contact.phone.as_deref())
    else {
        return Ok(());
    };
    let lang = lang_of(&contact.locale);
    let tz = session.time_zone();
    let mut args = vec![
        ("reference", contact.reference.clone().unwrap_or_default()),
        ("title", session.title.clone()),
        ("when", when(lang, session.starts_at, &tz)),
        ("zone", edition.timezone.name().to_owned()),
        ("minutes", session.duration_minutes.to_string()),
        ("place", session.place.clone()),
        (
            "link",
            site.link(&format!("/applications/{}/coaching", contact.public_id)),
        ),
    ];
    args.extend_from_slice(&notice.extra);
    notifications::enqueue(
        tx,
        &NewMessage {
            idempotency_key: format!("{}:{}", notice.event, contact.application_id),
            channel,
            recipient,
            subject: tr_args(lang, notice.subject, &args),
            body: tr_args(lang, notice.body, &args),
            edition_id: Some(edition.id),
        },
        now,
    )
    .await?;
    Ok(())
}

/// Organisers edit a session (title, start, duration, place, coach), based on the version
/// they loaded. The finalists still invited are told when the time or the place changes.
async fn edit_session(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, user }: OrganisedEdition,
    Path((_, session)): Path<(String, String)>,
    form: CsrfForm<SessionForm>,
) -> AppResult<Response> {
    let (edition, session) = session_of(&app, edition, &session).await?;
    let lang = ctx.lang;
    let typed = form.value;
    let now = app.now_ms();
    let parsed = super::parse_session(&typed, &session.time_zone(), now, lang);
    let login = crate::domain::types::Login::parse(typed.coach.trim()).ok();
    let coach = match &login {
        Some(login) => users::find_by_login(&app.db, login)
            .await?
            .filter(|u| u.verified_at.is_some()),
        None => None,
    };
    let mut errors = match &parsed {
        Ok(_) => FieldErrors::default(),
        Err(errors) => errors.clone(),
    };
    if login.is_some() && coach.is_none() {
        errors.add("coach", tr(lang, "coaching-unknown-coach"));
    }
    if session.cancelled_at.is_some() {
        errors.add("edit", tr(lang, "followups-session-is-cancelled"));
    }
    let (Ok(valid), Some(coach), true) = (parsed, coach, errors.is_empty()) else {
        let status = if session.cancelled_at.is_some() {
            StatusCode::CONFLICT
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        let edit = EditState {
            form: typed,
            stale: None,
        };
        return render_admin_session(
            &app,
            ctx,
            &edition,
            &session,
            SessionPage {
                edit: Some(edit),
                errors,
                ..SessionPage::default()
            },
            status,
        )
        .await;
    };
    let mut tx = app.db.begin().await?;
    let change = queries::SessionChange {
        title: &valid.title,
        starts_at: valid.starts_at,
        duration_minutes: valid.duration_minutes,
        place: &valid.place,
        coach_id: coach.id,
    };
    let expected = posted_version(&typed.version);
    if !queries::update_session(&mut tx, session.id, expected, &change).await? {
        drop(tx);
        // Shown against the session as stored now (perhaps cancelled), typed values kept.
        let stored = queries::session_of_edition(&app.db, edition.id, &session.public_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let mut errors = FieldErrors::default();
        if stored.cancelled_at.is_some() {
            errors.add("edit", tr(lang, "followups-session-is-cancelled"));
        }
        let now_stored = stored_form(&stored);
        let stale = StaleEdit {
            version: stored.version,
            stored: vec![
                (tr(lang, "coaching-field-title"), now_stored.title),
                (tr(lang, "coaching-field-starts-at"), now_stored.starts_at),
                (tr(lang, "coaching-field-duration"), now_stored.duration),
                (tr(lang, "coaching-field-place"), now_stored.place),
                (tr(lang, "coaching-col-coach"), now_stored.coach),
            ],
        };
        let edit = EditState {
            form: SessionForm {
                version: stored.version.to_string(),
                ..typed
            },
            stale: Some(stale),
        };
        return render_admin_session(
            &app,
            ctx,
            &edition,
            &stored,
            SessionPage {
                edit: Some(edit),
                errors,
                ..SessionPage::default()
            },
            StatusCode::CONFLICT,
        )
        .await;
    }
    roles::grant_tx(&mut tx, coach.id, edition.id, Role::Coach).await?;
    let version = session.version + 1;
    audit::append(
        &mut tx,
        &audit::Entry {
            actor_id: Some(user.id),
            action: "coaching.session_changed",
            object: &session_object(&session.public_id),
            details: serde_json::json!({
                "version": version, "title": valid.title, "starts_at": valid.starts_at,
                "duration_minutes": valid.duration_minutes, "place": valid.place,
                "coach_id": coach.id,
            }),
        },
        now,
    )
    .await?;
    let moved = valid.starts_at != session.starts_at
        || valid.duration_minutes != session.duration_minutes
        || valid.place != session.place;
    if moved {
        let changed = SessionRow {
            title: valid.title.clone(),
            starts_at: valid.starts_at,
            duration_minutes: valid.duration_minutes,
            place: valid.place.clone(),
            ..session.clone()
        };
        let notice = InviteeNotice {
            subject: "followups-changed-subject",
            body: "followups-changed-body",
            extra: Vec::new(),
            event: format!("coaching-changed:{}:{version}", session.id),
        };
        for contact in expected_contacts(&app, &edition, &session).await? {
            let about = (&edition, &changed);
            tell_invitee(&ctx.site, &mut tx, about, &contact, &notice, now).await?;
        }
    }
    back_to_session(&app, tx, &edition, &session).await
}

#[derive(Deserialize, Default, Clone)]
pub struct CancelForm {
    /// Optional: told to the finalists when given.
    #[serde(default)]
    pub reason: String,
}

/// Organisers cancel a session: it stays listed, marked cancelled, and the finalists still
/// invited are told (with the reason, if one was given).
async fn cancel_session(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, user }: OrganisedEdition,
    Path((_, session)): Path<(String, String)>,
    form: CsrfForm<CancelForm>,
) -> AppResult<Response> {
    let (edition, session) = session_of(&app, edition, &session).await?;
    let lang = ctx.lang;
    let reason = form.value.reason.trim().to_owned();
    let mut errors = FieldErrors::default();
    if reason.chars().count() > super::PLACE_MAX_CHARS {
        errors.add(
            "cancel_reason",
            tr_args(
                lang,
                "coaching-too-long",
                &[("max", super::PLACE_MAX_CHARS.to_string())],
            ),
        );
    }
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    let reason = (!reason.is_empty()).then_some(reason);
    if errors.is_empty()
        && !queries::cancel_session(&mut tx, session.id, reason.as_deref(), now).await?
    {
        errors.add("cancel", tr(lang, "followups-session-is-cancelled"));
    }
    if !errors.is_empty() {
        drop(tx);
        let status = if errors.get("cancel").is_some() {
            StatusCode::CONFLICT
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        return render_admin_session(
            &app,
            ctx,
            &edition,
            &session,
            SessionPage::refused(errors),
            status,
        )
        .await;
    }
    audit::append(
        &mut tx,
        &audit::Entry {
            actor_id: Some(user.id),
            action: "coaching.session_cancelled",
            object: &session_object(&session.public_id),
            details: serde_json::json!({ "reason": reason }),
        },
        now,
    )
    .await?;
    let notice = InviteeNotice {
        subject: "followups-cancelled-subject",
        body: if reason.is_some() {
            "followups-cancelled-body-reason"
        } else {
            "followups-cancelled-body"
        },
        extra: reason.iter().map(|r| ("reason", r.clone())).collect(),
        event: format!("coaching-cancelled:{}", session.id),
    };
    for contact in expected_contacts(&app, &edition, &session).await? {
        tell_invitee(
            &ctx.site,
            &mut tx,
            (&edition, &session),
            &contact,
            &notice,
            now,
        )
        .await?;
    }
    back_to_session(&app, tx, &edition, &session).await
}

#[derive(Deserialize, Default, Clone)]
pub struct WithdrawForm {
    #[serde(default)]
    pub application: String,
}

/// Organisers withdraw one finalist's invitation: kept, marked withdrawn, the finalist told.
async fn withdraw_invitation(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, user }: OrganisedEdition,
    Path((_, session)): Path<(String, String)>,
    form: CsrfForm<WithdrawForm>,
) -> AppResult<Response> {
    let (edition, session) = session_of(&app, edition, &session).await?;
    let lang = ctx.lang;
    let invitee = queries::invitees(&app.db, session.id)
        .await?
        .into_iter()
        .find(|r| r.public_id == form.value.application.trim())
        .ok_or(AppError::NotFound)?;
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    let refusal = if session.cancelled_at.is_some() {
        Some("followups-session-is-cancelled")
    } else if !queries::withdraw(&mut tx, session.id, invitee.application_id, now).await? {
        Some("followups-already-withdrawn")
    } else {
        None
    };
    if let Some(key) = refusal {
        drop(tx);
        let mut errors = FieldErrors::default();
        errors.add(format!("withdraw-{}", invitee.public_id), tr(lang, key));
        return render_admin_session(
            &app,
            ctx,
            &edition,
            &session,
            SessionPage::refused(errors),
            StatusCode::CONFLICT,
        )
        .await;
    }
    audit::append(
        &mut tx,
        &audit::Entry {
            actor_id: Some(user.id),
            action: "coaching.invitation_withdrawn",
            object: &session_object(&session.public_id),
            details: serde_json::json!({ "reference": invitee.reference }),
        },
        now,
    )
    .await?;
    let contact = queries::applicant_contacts(&app.db, edition.id)
        .await?
        .into_iter()
        .find(|c| c.application_id == invitee.application_id);
    if let Some(contact) = contact {
        let notice = InviteeNotice {
            subject: "followups-withdrawn-subject",
            body: "followups-withdrawn-body",
            extra: Vec::new(),
            event: format!("coaching-withdrawn:{}", session.id),
        };
        tell_invitee(
            &ctx.site,
            &mut tx,
            (&edition, &session),
            &contact,
            &notice,
            now,
        )
        .await?;
    }
    back_to_session(&app, tx, &edition, &session).await
}

async fn invite(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, user }: OrganisedEdition,
    Path((_, session)): Path<(String, String)>,
    form: CsrfForm<InviteForm>,
) -> AppResult<Response> {
    let (edition, session) = session_of(&app, edition, &session).await?;
    let lang = ctx.lang;
    let chosen: BTreeSet<String> = form
        .pairs
        .iter()
        .filter(|(k, v)| k == "application" && !v.trim().is_empty())
        .map(|(_, v)| v.trim().to_owned())
        .collect();
    let typed = form.value;
    let status = queries::shortlist_status(&app.db, edition.id).await?;
    let refusal = if session.cancelled_at.is_some() {
        Some("followups-session-is-cancelled")
    } else if !queries::shortlist_is_locked(status.as_deref()) {
        Some("coaching-shortlist-not-locked")
    } else {
        None
    };
    if let Some(key) = refusal {
        let mut errors = FieldErrors::default();
        errors.add("invite", tr(lang, key));
        let page = SessionPage::invitation_refused(typed, chosen, errors);
        return render_admin_session(&app, ctx, &edition, &session, page, StatusCode::CONFLICT)
            .await;
    }
    let finalists = crate::review::queries::finalists(&app.db, edition.id).await?;
    let mut selected: Vec<&crate::applications::queries::ListedApplication> = Vec::new();
    let mut errors = FieldErrors::default();
    if !typed.track.trim().is_empty() {
        match typed.track.trim().parse::<i64>() {
            Ok(track) if finalists.iter().any(|f| f.track_id == track) => {
                selected.extend(finalists.iter().filter(|f| f.track_id == track));
            }
            _ => errors.add("invite_track", tr(lang, "coaching-no-finalist-in-track")),
        }
    }
    for public_id in &chosen {
        match finalists.iter().find(|f| &f.public_id == public_id) {
            Some(f) => selected.push(f),
            None => errors.add("invite", tr(lang, "coaching-not-a-finalist")),
        }
    }
    if errors.is_empty() && selected.is_empty() {
        errors.add("invite", tr(lang, "coaching-choose-finalists"));
    }
    if !errors.is_empty() {
        let page = SessionPage::invitation_refused(typed, chosen, errors);
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return render_admin_session(&app, ctx, &edition, &session, page, status).await;
    }
    let contacts: BTreeMap<i64, queries::ApplicantContact> =
        queries::applicant_contacts(&app.db, edition.id)
            .await?
            .into_iter()
            .map(|c| (c.application_id, c))
            .collect();
    let tz = session.time_zone();
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    let mut invited = Vec::new();
    let mut seen = BTreeSet::new();
    for f in selected {
        if !seen.insert(f.id) {
            continue;
        }
        if !queries::invite(&mut tx, session.id, f.id, user.id, now).await? {
            continue; // already invited: no second message
        }
        invited.push(f.reference.clone().unwrap_or_default());
        if let Some(contact) = contacts.get(&f.id) {
            notify_invitation(&ctx.site, &mut tx, &edition, &session, contact, &tz, now).await?;
        }
    }
    if !invited.is_empty() {
        audit::append(
            &mut tx,
            &audit::Entry {
                actor_id: Some(user.id),
                action: "coaching.invited",
                object: &session_object(&session.public_id),
                details: serde_json::json!({ "references": invited }),
            },
            now,
        )
        .await?;
    }
    back_to_session(&app, tx, &edition, &session).await
}

/// Queues the invitation for the applicant, in their language, by e-mail or SMS depending on
/// the login of their account. One message per session and dossier (idempotency key).
async fn notify_invitation(
    site: &SiteAddress,
    tx: &mut Tx,
    edition: &EditionRow,
    session: &SessionRow,
    contact: &queries::ApplicantContact,
    tz: &TimeZone,
    now: i64,
) -> AppResult<()> {
    let Some((channel, recipient)) =
        notifications::channel_for(contact.email.as_deref(), contact.phone.as_deref())
    else {
        return Ok(());
    };
    let lang = lang_of(&contact.locale);
    let args = [
        ("reference", contact.reference.clone().unwrap_or_default()),
        ("title", session.title.clone()),
        ("when", when(lang, session.starts_at, tz)),
        ("zone", edition.timezone.name().to_owned()),
        ("minutes", session.duration_minutes.to_string()),
        ("place", session.place.clone()),
        ("coach", session.coach_name.clone()),
        (
            "link",
            site.link(&format!("/applications/{}/coaching", contact.public_id)),
        ),
    ];
    notifications::enqueue(
        tx,
        &NewMessage {
            idempotency_key: format!(
                "coaching-invitation:{}:{}",
                session.id, contact.application_id
            ),
            channel,
            recipient,
            subject: tr_args(lang, "coaching-invite-subject", &args),
            body: tr_args(lang, "coaching-invite-body", &args),
            edition_id: Some(edition.id),
        },
        now,
    )
    .await?;
    Ok(())
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
struct KeptAttendance {
    public_id: String,
    value: Attendance,
}

/// The invitee's attendance select showing the refused choice, if it is theirs.
fn kept_choice(view: InviteeView, kept: Option<&KeptAttendance>, lang: Lang) -> InviteeView {
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
enum Recorded {
    Saved(String),
    Stale(FieldErrors, KeptAttendance),
}

/// Records attendance (coach or organiser): 404 for a dossier not invited to the session.
async fn record_attendance(
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
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    let previous = match queries::set_attendance(
        &mut tx,
        session.id,
        invitee.application_id,
        posted_version(&form.version),
        value,
        user.id,
        now,
    )
    .await?
    {
        queries::AttendanceSaved::Saved(previous) => previous,
        queries::AttendanceSaved::NotInvited => return Err(AppError::NotFound),
        queries::AttendanceSaved::Stale(stored, version) => {
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
    if previous.as_deref() != Some(value.as_str()) {
        audit::append(
            &mut tx,
            &audit::Entry {
                actor_id: Some(user.id),
                action: "coaching.attendance_recorded",
                object: &session_object(&session.public_id),
                details: serde_json::json!({
                    "reference": invitee.reference, "attendance": value.as_str(),
                    "previous": previous,
                }),
            },
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Recorded::Saved(invitee.public_id))
}

async fn admin_attendance(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, user }: OrganisedEdition,
    Path((_, session)): Path<(String, String)>,
    form: CsrfForm<AttendanceForm>,
) -> AppResult<Response> {
    let (edition, session) = session_of(&app, edition, &session).await?;
    let anchor = match record_attendance(&app, ctx.lang, &user, &session, &form.value).await? {
        Recorded::Saved(anchor) => anchor,
        Recorded::Stale(errors, kept) => {
            return render_admin_session(
                &app,
                ctx,
                &edition,
                &session,
                SessionPage {
                    kept: Some(kept),
                    errors,
                    ..SessionPage::default()
                },
                StatusCode::CONFLICT,
            )
            .await
        }
    };
    Ok(Redirect::to(&format!(
        "{}/{}#f-{anchor}",
        admin_base(&edition),
        session.public_id
    ))
    .into_response())
}

// ---------------------------------------------------------------------------------------
// Coaches

pub struct CoachSessionLine {
    pub url: String,
    pub title: String,
    pub when: String,
    pub duration: String,
    pub place: String,
    pub edition: i64,
    pub cancelled: bool,
}

#[derive(Template)]
#[template(path = "coaching/coach_sessions.html")]
pub struct CoachSessionsTemplate {
    pub ctx: Ctx,
    pub sessions: Vec<CoachSessionLine>,
}

async fn coach_home(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
) -> AppResult<Response> {
    let rows = queries::sessions_of_coach(&app.db, user.id).await?;
    if rows.is_empty() && !queries::is_coach_anywhere(&app.db, user.id).await? {
        return Err(AppError::NotFound);
    }
    let lang = ctx.lang;
    let sessions = rows
        .into_iter()
        .map(|s| CoachSessionLine {
            url: format!("/coaching/{}", s.public_id),
            when: when(lang, s.starts_at, &s.time_zone()),
            duration: minutes(lang, s.duration_minutes),
            edition: s.edition_year,
            cancelled: s.cancelled_at.is_some(),
            title: s.title,
            place: s.place,
        })
        .collect();
    render(&CoachSessionsTemplate { ctx, sessions })
}

#[derive(Template)]
#[template(path = "coaching/coach_session.html")]
pub struct CoachSessionTemplate {
    pub ctx: Ctx,
    pub base: String,
    pub title: String,
    pub when: String,
    pub duration: String,
    pub place: String,
    pub invitees: Vec<InviteeView>,
    pub errors: FieldErrors,
    pub cancelled: Option<String>,
}

async fn coached_session(
    app: &AppState,
    user: &SessionUser,
    session: &str,
) -> AppResult<SessionRow> {
    queries::session_of_coach(&app.db, user.id, session)
        .await?
        .ok_or(AppError::NotFound)
}

#[allow(clippy::too_many_arguments)]
async fn render_coach_session(
    app: &AppState,
    ctx: Ctx,
    user: &SessionUser,
    session: &SessionRow,
    typed: Option<(String, String)>,
    kept: Option<&KeptAttendance>,
    errors: FieldErrors,
    status: StatusCode,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let mine: BTreeMap<i64, String> = queries::notes_by_author(&app.db, session.id, user.id)
        .await?
        .into_iter()
        .map(|n| (n.application_id, n.body))
        .collect();
    let invitees = queries::invitees(&app.db, session.id)
        .await?
        .iter()
        .map(|r| {
            let note = match &typed {
                Some((public_id, text)) if *public_id == r.public_id => text.clone(),
                _ => mine.get(&r.application_id).cloned().unwrap_or_default(),
            };
            InviteeView {
                note,
                ..kept_choice(invitee_view(r, lang), kept, lang)
            }
        })
        .collect();
    render_with_status(
        status,
        &CoachSessionTemplate {
            base: format!("/coaching/{}", session.public_id),
            title: session.title.clone(),
            when: when(lang, session.starts_at, &session.time_zone()),
            duration: minutes(lang, session.duration_minutes),
            place: session.place.clone(),
            invitees,
            errors,
            cancelled: cancelled_line(session, lang),
            ctx,
        },
    )
}

async fn coach_session(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(session): Path<String>,
) -> AppResult<Response> {
    let session = coached_session(&app, &user, &session).await?;
    render_coach_session(
        &app,
        ctx,
        &user,
        &session,
        None,
        None,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

async fn coach_attendance(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(session): Path<String>,
    form: CsrfForm<AttendanceForm>,
) -> AppResult<Response> {
    let session = coached_session(&app, &user, &session).await?;
    let anchor = match record_attendance(&app, ctx.lang, &user, &session, &form.value).await? {
        Recorded::Saved(anchor) => anchor,
        Recorded::Stale(errors, kept) => {
            return render_coach_session(
                &app,
                ctx,
                &user,
                &session,
                None,
                Some(&kept),
                errors,
                StatusCode::CONFLICT,
            )
            .await
        }
    };
    Ok(Redirect::to(&format!("/coaching/{}#f-{anchor}", session.public_id)).into_response())
}

#[derive(Deserialize, Default, Clone)]
pub struct NoteForm {
    #[serde(default)]
    pub application: String,
    #[serde(default)]
    pub note: String,
}

async fn coach_note(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(session): Path<String>,
    form: CsrfForm<NoteForm>,
) -> AppResult<Response> {
    let session = coached_session(&app, &user, &session).await?;
    let typed = form.value;
    let invitee = queries::invitees(&app.db, session.id)
        .await?
        .into_iter()
        .find(|r| r.public_id == typed.application.trim())
        .ok_or(AppError::NotFound)?;
    let note = match super::parse_note(&typed.note, ctx.lang) {
        Ok(note) => note,
        Err(message) => {
            let mut errors = FieldErrors::default();
            errors.add(format!("note-{}", invitee.public_id), message);
            return render_coach_session(
                &app,
                ctx,
                &user,
                &session,
                Some((invitee.public_id, typed.note)),
                None,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    if !queries::save_note(
        &mut tx,
        session.id,
        invitee.application_id,
        user.id,
        &note,
        now,
    )
    .await?
    {
        return Err(AppError::NotFound);
    }
    // The note's text stays out of the audit log, which other organisers' tools may show.
    audit::append(
        &mut tx,
        &audit::Entry {
            actor_id: Some(user.id),
            action: "coaching.note_saved",
            object: &session_object(&session.public_id),
            details: serde_json::json!({
                "reference": invitee.reference, "chars": note.chars().count(),
            }),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/coaching/{}#f-{}",
        session.public_id, invitee.public_id
    ))
    .into_response())
}

// ---------------------------------------------------------------------------------------
// Applicants

pub struct ApplicantSession {
    pub title: String,
    pub when: String,
    pub duration: String,
    pub place: String,
    /// The place as a link, for an online session.
    pub place_url: Option<String>,
    pub coach: String,
    /// "Cancelled on …", once cancelled.
    pub cancelled: Option<String>,
}

fn as_link(place: &str) -> Option<String> {
    let place = place.trim();
    let is_link = (place.starts_with("https://") || place.starts_with("http://"))
        && !place.contains(char::is_whitespace);
    is_link.then(|| place.to_owned())
}

#[derive(Template)]
#[template(path = "coaching/applicant.html")]
pub struct ApplicantTemplate {
    pub ctx: Ctx,
    pub back: String,
    pub project: String,
    pub reference: String,
    pub sessions: Vec<ApplicantSession>,
}

/// The sessions the applicant's own dossier is invited to; someone else's dossier is 404.
async fn applicant_sessions(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let row = crate::applications::queries::find_owned(&app.db, &id, user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let lang = ctx.lang;
    let sessions = queries::invitations_of_application(&app.db, row.id)
        .await?
        .into_iter()
        .map(|s| {
            let tz = s.timezone.tz().clone();
            let cancelled = s.cancelled_at.map(|at| {
                let when = when(lang, at, &tz);
                match &s.cancel_reason {
                    Some(reason) => tr_args(
                        lang,
                        "followups-session-cancelled-because",
                        &[("when", when), ("reason", reason.clone())],
                    ),
                    None => tr_args(lang, "followups-session-cancelled", &[("when", when)]),
                }
            });
            ApplicantSession {
                cancelled,
                when: when(lang, s.starts_at, &tz),
                duration: minutes(lang, s.duration_minutes),
                title: s.title,
                place_url: as_link(&s.place),
                place: s.place,
                coach: s.coach_name,
            }
        })
        .collect();
    render(&ApplicantTemplate {
        back: format!("/applications/{}", row.public_id),
        project: row.title.clone(),
        reference: row.reference.clone().unwrap_or_default(),
        sessions,
        ctx,
    })
}
