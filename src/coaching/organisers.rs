//! The organisers' coaching pages: an edition's sessions, one session with its invitations,
//! edits, cancellation and attendance, and the messages they send.

use super::shared::{
    admin_base, cancelled_line, edition_zone, invitee_view, kept_choice, minutes,
    record_attendance, AttendanceForm, InviteeView, KeptAttendance, Recorded,
};
use super::when;
use crate::review::queries::shortlist_locked;
use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::actions::{self, By, SessionEdit};
use super::queries::{self, SessionRow};
use super::SessionForm;
use crate::accounts::users;
use crate::calls::queries::{self as calls, EditionRow};
use crate::domain::types::Lang;
use crate::editions::access::OrganisedEdition;
use crate::i18n::{tr, tr_args};
use crate::web::ctx::{CsrfForm, Ctx};
use crate::web::edit::{posted_version, StaleEdit};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::FieldErrors;
use crate::web::state::AppState;
use crate::web::templates::render_with_status;

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

pub(super) async fn render_admin_sessions(
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
    // Finalists can be invited once the shortlist is frozen.
    let locked = shortlist_locked(&app.db, edition.id).await?;
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
            edition: edition.name(lang),
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

pub(super) async fn admin_sessions(
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

pub(super) async fn create_session(
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
    let by = By {
        actor_id: user.id,
        now,
    };
    let public_id =
        actions::create_session(&mut tx, &ctx.site, &edition, &session, &coach, by).await?;
    tx.commit().await?;
    app.outbox_wake.notify_one();
    Ok(Redirect::to(&format!("{}/{public_id}", admin_base(&edition))).into_response())
}

// ---------------------------------------------------------------------------------------
// Organisers: one session, invitations, attendance

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
pub(super) async fn session_of(
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
pub(super) async fn back_to_session(
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
pub(super) struct SessionPage {
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

pub(super) async fn render_admin_session(
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
    // Finalists can be invited once the shortlist is frozen.
    let locked = shortlist_locked(&app.db, edition.id).await?;
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
            edition: edition.name(lang),
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
pub(super) fn stored_form(session: &SessionRow) -> SessionForm {
    SessionForm {
        title: session.title.clone(),
        starts_at: crate::calls::format_civil_input(session.starts_at, &session.time_zone()),
        duration: session.duration_minutes.to_string(),
        place: session.place.clone(),
        coach: session.coach_login(),
        version: session.version.to_string(),
    }
}

pub(super) async fn admin_session(
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
pub(super) async fn expected_contacts(
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

/// Organisers edit a session (title, start, duration, place, coach), based on the version
/// they loaded. The finalists still invited are told when the time or the place changes.
pub(super) async fn edit_session(
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
    let contacts = expected_contacts(&app, &edition, &session).await?;
    let mut tx = app.db.begin().await?;
    let by = By {
        actor_id: user.id,
        now,
    };
    let about = (&edition, &session);
    let edit = SessionEdit {
        expected_version: posted_version(&typed.version),
        changed: &valid,
        coach_id: coach.id,
    };
    let saved = actions::change_session(&mut tx, &ctx.site, about, edit, &contacts, by).await?;
    if !saved {
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
pub(super) async fn cancel_session(
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
    let by = By {
        actor_id: user.id,
        now,
    };
    let contacts = expected_contacts(&app, &edition, &session).await?;
    let mut tx = app.db.begin().await?;
    let reason = (!reason.is_empty()).then_some(reason);
    let about = (&edition, &session);
    if errors.is_empty()
        && !actions::cancel_session(&mut tx, &ctx.site, about, reason.as_deref(), &contacts, by)
            .await?
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
    back_to_session(&app, tx, &edition, &session).await
}

#[derive(Deserialize, Default, Clone)]
pub struct WithdrawForm {
    #[serde(default)]
    pub application: String,
}

/// Organisers withdraw one finalist's invitation: kept, marked withdrawn, the finalist told.
pub(super) async fn withdraw_invitation(
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
    let contact = queries::applicant_contacts(&app.db, edition.id)
        .await?
        .into_iter()
        .find(|c| c.application_id == invitee.application_id);
    let by = By {
        actor_id: user.id,
        now: app.now_ms(),
    };
    let mut tx = app.db.begin().await?;
    let about = (&edition, &session);
    let refusal = if session.cancelled_at.is_some() {
        Some("followups-session-is-cancelled")
    } else if !actions::withdraw_invitation(
        &mut tx,
        &ctx.site,
        about,
        &invitee,
        contact.as_ref(),
        by,
    )
    .await?
    {
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
    back_to_session(&app, tx, &edition, &session).await
}

pub(super) async fn invite(
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
    let locked = shortlist_locked(&app.db, edition.id).await?;
    let refusal = if session.cancelled_at.is_some() {
        Some("followups-session-is-cancelled")
    } else if !locked {
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
    let by = By {
        actor_id: user.id,
        now: app.now_ms(),
    };
    let mut tx = app.db.begin().await?;
    let about = (&edition, &session);
    actions::invite(&mut tx, &ctx.site, about, &selected, &contacts, by).await?;
    back_to_session(&app, tx, &edition, &session).await
}

pub(super) async fn admin_attendance(
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
