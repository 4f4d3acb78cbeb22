//! The coach's pages: their sessions, attendance and notes.

use super::shared::{
    cancelled_line, invitee_view, kept_choice, minutes, record_attendance, AttendanceForm,
    InviteeView, KeptAttendance, Recorded,
};
use super::when;
use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::actions::{self, By};
use super::queries::{self, SessionRow};
use crate::web::ctx::{CsrfForm, Ctx, SignedIn};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::FieldErrors;
use crate::web::sessions::SessionUser;
use crate::web::state::AppState;
use crate::web::templates::{render, render_with_status};

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

pub(super) async fn coach_home(
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

pub(super) async fn coached_session(
    app: &AppState,
    user: &SessionUser,
    session: &str,
) -> AppResult<SessionRow> {
    queries::session_of_coach(&app.db, user.id, session)
        .await?
        .ok_or(AppError::NotFound)
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn render_coach_session(
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

pub(super) async fn coach_session(
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

pub(super) async fn coach_attendance(
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

pub(super) async fn coach_note(
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
    let by = By {
        actor_id: user.id,
        now: app.now_ms(),
    };
    let mut tx = app.db.begin().await?;
    if !actions::save_note(&mut tx, &session, &invitee, &note, by).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/coaching/{}#f-{}",
        session.public_id, invitee.public_id
    ))
    .into_response())
}
