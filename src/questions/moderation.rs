//! The organisers' moderation page of a session's questions: every question with its author
//! (anonymous ones too), the moves each allows, and the session's pre-moderation setting.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::queries::{self, QuestionRow};
use super::rules::{self, Move};
use super::{actions, admin_base, line, public_base, session_ref, stream_url, Line};
use crate::calls::queries::EditionRow;
use crate::editions::access::OrganisedEdition;
use crate::i18n::tr;
use crate::programme::queries::SessionRow;
use crate::web::ctx::{CsrfForm, Ctx};
use crate::web::error::{AppError, AppResult};
use crate::web::live::Topic;
use crate::web::state::AppState;
use crate::web::templates::render_with_status;

/// A move offered on a question: the button's value and label.
pub struct Offer {
    pub value: &'static str,
    pub label: String,
}

/// A question with the moves it allows and the questions it may be folded into.
pub struct Moderated {
    pub line: Line,
    pub action: String,
    pub moves: Vec<Offer>,
    pub merge_into: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "questions/moderation.html")]
pub struct ModerationTemplate {
    pub ctx: Ctx,
    pub title: String,
    pub session_url: String,
    pub public_url: String,
    pub screen_url: String,
    pub stream_url: String,
    pub settings_action: String,
    pub live_js: &'static str,
    pub premoderated: bool,
    pub questions: Vec<Moderated>,
    pub notice: Option<String>,
}

/// The session of the organised edition named in the address; 404 for any other.
async fn organised_session(
    app: &AppState,
    edition: &EditionRow,
    public_id: &str,
) -> AppResult<SessionRow> {
    crate::programme::queries::session(&app.db, edition.id, public_id)
        .await?
        .ok_or(AppError::NotFound)
}

/// A short extract of a question, to name it in the merge list.
fn extract(body: &str) -> String {
    const SHOWN: usize = 60;
    match body.char_indices().nth(SHOWN) {
        Some((at, _)) => format!("{}…", &body[..at]),
        None => body.to_owned(),
    }
}

async fn render_page(
    app: &AppState,
    ctx: Ctx,
    (edition, session): (&EditionRow, &SessionRow),
    notice: Option<String>,
    status: StatusCode,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let board = queries::board(&app.db, session.id).await?;
    let mut stored = queries::questions(&app.db, session.id).await?;
    // Waiting questions first: they are the moderators' work.
    stored.sort_by_key(|q| q.state != rules::State::Pending);
    let base = admin_base(edition, session);
    let questions = stored
        .iter()
        .map(|q| {
            let moves = Move::ALL
                .into_iter()
                .filter(|m| *m != Move::Merge && rules::apply(q.standing(), *m).is_ok())
                .map(|m| Offer {
                    value: m.as_str(),
                    label: tr(lang, &format!("questions-move-{}", m.as_str())),
                })
                .collect();
            let merge_into = stored
                .iter()
                .filter(|t| t.id != q.id && rules::may_merge_into(t.standing()))
                .map(|t| (t.public_id.clone(), extract(&t.body)))
                .collect();
            Moderated {
                line: line(lang, q, true),
                action: format!("{base}/{}", q.public_id),
                moves,
                merge_into,
            }
        })
        .collect();
    let public = public_base(edition, session);
    render_with_status(
        status,
        &ModerationTemplate {
            title: session.title(lang).to_owned(),
            session_url: format!(
                "/admin/editions/{}/programme/{}",
                edition.slug, session.public_id
            ),
            screen_url: format!("{public}/screen"),
            stream_url: stream_url(edition, session, board.version),
            public_url: public,
            settings_action: format!("{base}/settings"),
            live_js: crate::web::assets::live_js_url(),
            premoderated: board.premoderated,
            questions,
            notice,
            ctx,
        },
    )
}

pub(super) async fn page(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, .. }: OrganisedEdition,
    Path((_, session)): Path<(String, String)>,
) -> AppResult<Response> {
    let session = organised_session(&app, &edition, &session).await?;
    render_page(&app, ctx, (&edition, &session), None, StatusCode::OK).await
}

#[derive(Debug, Deserialize, Default)]
pub struct MoveForm {
    #[serde(default)]
    pub action: String,
    /// The question a duplicate is folded into (merge).
    #[serde(default)]
    pub into: String,
}

/// A moderator's move on one question; a refused one is shown with its reason.
pub(super) async fn moderate(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, user }: OrganisedEdition,
    Path((_, session, question)): Path<(String, String, String)>,
    form: CsrfForm<MoveForm>,
) -> AppResult<Response> {
    let session = organised_session(&app, &edition, &session).await?;
    let mv = Move::parse(form.value.action.trim()).ok_or(AppError::BadRequest("error-bad-form"))?;
    let questions = queries::questions(&app.db, session.id).await?;
    let find = |public_id: &str| -> Option<&QuestionRow> {
        questions.iter().find(|q| q.public_id == public_id)
    };
    let question = find(&question).ok_or(AppError::NotFound)?;
    let into = find(form.value.into.trim());
    let mut tx = app.db.begin().await?;
    let done = actions::moderate(
        &mut tx,
        session_ref(&session),
        question,
        (mv, into),
        user.id,
        app.now_ms(),
    )
    .await?;
    match done {
        Ok(version) => {
            tx.commit().await?;
            app.live.publish(Topic::Questions(session.id), version);
            let to = format!(
                "{}#q-{}",
                admin_base(&edition, &session),
                question.public_id
            );
            Ok(Redirect::to(&to).into_response())
        }
        Err(why) => {
            drop(tx);
            let notice = Some(tr(ctx.lang, why.key()));
            let shown = (&edition, &session);
            render_page(&app, ctx, shown, notice, StatusCode::CONFLICT).await
        }
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct SettingsForm {
    /// Present when the box is ticked.
    #[serde(default)]
    pub premoderated: Option<String>,
}

/// Turns the session's pre-moderation on or off.
pub(super) async fn settings(
    State(app): State<AppState>,
    OrganisedEdition { edition, user }: OrganisedEdition,
    Path((_, session)): Path<(String, String)>,
    form: CsrfForm<SettingsForm>,
) -> AppResult<Response> {
    let session = organised_session(&app, &edition, &session).await?;
    let on = form.value.premoderated.is_some();
    let mut tx = app.db.begin().await?;
    let version =
        actions::set_premoderation(&mut tx, session_ref(&session), on, user.id, app.now_ms())
            .await?;
    tx.commit().await?;
    app.live.publish(Topic::Questions(session.id), version);
    Ok(Redirect::to(&admin_base(&edition, &session)).into_response())
}
