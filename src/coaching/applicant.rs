//! The applicant's page: the coaching sessions their dossier is invited to.

use super::shared::minutes;
use super::when;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;

use super::queries;
use crate::i18n::tr_args;
use crate::web::ctx::{Ctx, SignedIn};
use crate::web::error::{AppError, AppResult};
use crate::web::state::AppState;
use crate::web::templates::render;

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

pub(super) fn as_link(place: &str) -> Option<String> {
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
pub(super) async fn applicant_sessions(
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
