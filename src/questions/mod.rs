//! Live questions of a programme session: signed-in participants (in the room or online)
//! post questions, optionally anonymously, and upvote others'; the edition's organisers
//! moderate them (approve, hide, fold a duplicate into another, mark answered, pin the one
//! being answered); a presenter view shows the pinned question and the most voted ones on the
//! big screen. Every page works by reload; with JavaScript, live pages follow a server-sent
//! event stream (`live`).
//!
//! Choices: sessions are pre-moderated by default — a question shown on the room's screen
//! before anyone read it is the risk that matters at a public event with officials on stage —
//! and organisers may turn it off per session. An anonymous question hides its author from
//! participants and the screen; organisers still see who asked (abuse handling).
//!
//! Layout: `rules` (pure: states and moves, limits, order), `queries`, `actions` (the
//! writes), `participants` (the session's questions page, the presenter view), `moderation`
//! (the organisers' page), `live` (the event stream), `demo`.

pub mod actions;
pub mod demo;
mod live;
mod moderation;
mod participants;
pub mod queries;
pub mod rules;

use axum::routing::{get, post};
use axum::Router;

use crate::calls::queries::EditionRow;
use crate::domain::types::Lang;
use crate::i18n::{tr, tr_args};
use crate::programme::queries::SessionRow;
use crate::web::error::{AppError, AppResult};
use crate::web::state::AppState;

pub fn router() -> Router<AppState> {
    const PUBLIC: &str = "/programme/{edition}/{session}/questions";
    const ADMIN: &str = "/admin/editions/{edition}/programme/{session}/questions";
    Router::new()
        .route(PUBLIC, get(participants::page).post(participants::ask))
        .route(&format!("{PUBLIC}/live"), get(live::stream))
        .route(&format!("{PUBLIC}/screen"), get(participants::screen))
        .route(
            &format!("{PUBLIC}/{{question}}/vote"),
            post(participants::vote),
        )
        .route(ADMIN, get(moderation::page))
        .route(&format!("{ADMIN}/settings"), post(moderation::settings))
        .route(&format!("{ADMIN}/{{question}}"), post(moderation::moderate))
}

/// The edition and session named in the address; 404 for an unknown one.
async fn session_of(
    app: &AppState,
    slug: &str,
    session: &str,
) -> AppResult<(EditionRow, SessionRow)> {
    let edition = crate::calls::queries::edition_by_slug(&app.db, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let session = crate::programme::queries::session(&app.db, edition.id, session)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((edition, session))
}

fn session_ref(session: &SessionRow) -> actions::SessionRef<'_> {
    actions::SessionRef {
        id: session.id,
        public_id: &session.public_id,
    }
}

/// Where participants see the session's questions.
fn public_base(edition: &EditionRow, session: &SessionRow) -> String {
    format!(
        "/programme/{}/{}/questions",
        edition.slug, session.public_id
    )
}

/// A page's live stream: `since` is the version the page was read at (read before its
/// questions), so that a change made before the stream connects is told at once.
fn stream_url(edition: &EditionRow, session: &SessionRow, since: i64) -> String {
    format!("{}/live?since={since}", public_base(edition, session))
}

/// Where organisers moderate them.
fn admin_base(edition: &EditionRow, session: &SessionRow) -> String {
    format!(
        "/admin/editions/{}/programme/{}/questions",
        edition.slug, session.public_id
    )
}

/// A question as a page shows it.
pub struct Line {
    pub public_id: String,
    pub body: String,
    /// The author as this reader may see them (a name, or "anonymous").
    pub author: String,
    pub votes: String,
    pub pinned: bool,
    pub state: String,
}

fn line(lang: Lang, q: &queries::QuestionRow, show_name: bool) -> Line {
    let author = if q.anonymous && !show_name {
        tr(lang, "questions-anonymous")
    } else if q.anonymous {
        tr_args(
            lang,
            "questions-anonymous-to-others",
            &[("name", q.author_name.clone())],
        )
    } else {
        q.author_name.clone()
    };
    Line {
        public_id: q.public_id.clone(),
        body: q.body.clone(),
        author,
        votes: tr_args(lang, "questions-votes", &[("count", q.votes.to_string())]),
        pinned: q.pinned,
        state: tr(lang, &format!("questions-state-{}", q.state.as_str())),
    }
}
