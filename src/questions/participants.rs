//! The participants' pages: a session's questions (anyone reads the shown ones; signed-in
//! people ask and upvote with plain forms) and the presenter's view for the big screen.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::actions::{self, Asked};
use super::queries::{self, QuestionRow};
use super::rules::{self, State as QState};
use super::{line, public_base, session_of, session_ref, stream_url, Line};
use crate::calls::queries::EditionRow;
use crate::domain::types::Lang;
use crate::i18n::tr_args;
use crate::programme::queries::SessionRow;
use crate::web::ctx::{CsrfForm, Ctx, SignedIn};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::FieldErrors;
use crate::web::live::Topic;
use crate::web::state::AppState;
use crate::web::templates::render_with_status;

/// A shown question with what this reader may do with it.
pub struct Listed {
    pub line: Line,
    pub vote_action: String,
    pub votable: bool,
    pub voted: bool,
}

#[derive(Template)]
#[template(path = "questions/session.html")]
pub struct SessionTemplate {
    pub ctx: Ctx,
    pub title: String,
    pub session_url: String,
    pub action: String,
    pub screen_url: String,
    pub stream_url: String,
    pub live_js: &'static str,
    pub premoderated: bool,
    pub text_max: usize,
    pub pinned: Option<Line>,
    pub open: Vec<Listed>,
    pub answered: Vec<Line>,
    pub mine_pending: Vec<Line>,
    pub form: AskForm,
    pub errors: FieldErrors,
    pub notice: Option<String>,
}

#[derive(Template)]
#[template(path = "questions/screen.html")]
pub struct ScreenTemplate {
    pub ctx: Ctx,
    pub title: String,
    pub stream_url: String,
    pub live_js: &'static str,
    pub ask_url: String,
    pub reload_secs: u32,
    pub pinned: Option<Line>,
    pub top: Vec<Line>,
}

/// How many questions the big screen shows besides the pinned one.
const ON_SCREEN: usize = 5;
/// Seconds between reloads of the presenter view without JavaScript.
const SCREEN_RELOAD_SECS: u32 = 10;

/// A question as typed (kept as typed when refused).
#[derive(Debug, Deserialize, Default, Clone)]
pub struct AskForm {
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub anonymous: Option<String>,
}

/// What the session page shows besides the stored questions.
#[derive(Default)]
struct Typed {
    form: AskForm,
    errors: FieldErrors,
    notice: Option<String>,
}

async fn render_page(
    app: &AppState,
    ctx: Ctx,
    (edition, session): (&EditionRow, &SessionRow),
    typed: Typed,
    status: StatusCode,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let board = queries::board(&app.db, session.id).await?;
    let questions = queries::questions(&app.db, session.id).await?;
    let (user_id, voted) = match &ctx.user {
        Some(user) => (
            Some(user.id),
            queries::voted(&app.db, session.id, user.id).await?,
        ),
        None => (None, Vec::new()),
    };
    let base = public_base(edition, session);
    let mut pinned = None;
    let mut open = Vec::new();
    let mut answered = Vec::new();
    let mut mine_pending = Vec::new();
    for q in &questions {
        let mine = Some(q.author_id) == user_id;
        match q.state {
            QState::Approved if q.pinned => pinned = Some(line(lang, q, false)),
            QState::Approved => open.push(Listed {
                line: line(lang, q, false),
                vote_action: format!("{base}/{}/vote", q.public_id),
                votable: user_id.is_some(),
                voted: voted.contains(&q.id),
            }),
            QState::Answered => answered.push(line(lang, q, false)),
            QState::Pending if mine => mine_pending.push(line(lang, q, true)),
            _ => {}
        }
    }
    render_with_status(
        status,
        &SessionTemplate {
            title: session.title(lang).to_owned(),
            session_url: format!("/programme/{}/{}", edition.slug, session.public_id),
            screen_url: format!("{base}/screen"),
            stream_url: stream_url(edition, session, board.version),
            action: base,
            live_js: crate::web::assets::live_js_url(),
            premoderated: board.premoderated,
            text_max: rules::TEXT_MAX,
            pinned,
            open,
            answered,
            mine_pending,
            form: typed.form,
            errors: typed.errors,
            notice: typed.notice,
            ctx,
        },
    )
}

/// The session's questions.
pub(super) async fn page(
    State(app): State<AppState>,
    ctx: Ctx,
    Path((slug, session)): Path<(String, String)>,
) -> AppResult<Response> {
    let (edition, session) = session_of(&app, &slug, &session).await?;
    let shown = (&edition, &session);
    render_page(&app, ctx, shown, Typed::default(), StatusCode::OK).await
}

/// A participant asks a question: refused with the reason (and the text kept) when empty,
/// too long or past their limits.
pub(super) async fn ask(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path((slug, session)): Path<(String, String)>,
    form: CsrfForm<AskForm>,
) -> AppResult<Response> {
    let (edition, session) = session_of(&app, &slug, &session).await?;
    let lang = ctx.lang;
    let typed = form.value;
    let shown = (&edition, &session);
    let body = match rules::question_text(&typed.text) {
        Ok(body) => body,
        Err(e) => {
            let mut errors = FieldErrors::default();
            let (key, args) = e.message();
            errors.add("text", tr_args(lang, key, &args));
            let typed = Typed {
                form: typed,
                errors,
                notice: None,
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return render_page(&app, ctx, shown, typed, status).await;
        }
    };
    let now = app.now_ms();
    let since = now - rules::POST_WINDOW_MS;
    let (recent, total) = queries::posts_by(&app.db, session.id, user.id, since).await?;
    let board = queries::board(&app.db, session.id).await?;
    let mut refused = rules::may_post(recent, total).err();
    if refused.is_none() {
        let asked = Asked {
            author_id: user.id,
            body: &body,
            anonymous: typed.anonymous.is_some(),
        };
        let mut tx = app.db.begin().await?;
        let posted = actions::post_question(
            &mut tx,
            session_ref(&session),
            &asked,
            board.premoderated,
            now,
        )
        .await?;
        match posted {
            Ok((_, version)) => {
                tx.commit().await?;
                app.live.publish(Topic::Questions(session.id), version);
                let to = format!("{}#questions", public_base(&edition, &session));
                return Ok(Redirect::to(&to).into_response());
            }
            Err(limit) => refused = Some(limit),
        }
    }
    let typed = Typed {
        form: typed,
        errors: FieldErrors::default(),
        notice: refused.map(|limit| say(lang, limit)),
    };
    render_page(&app, ctx, shown, typed, StatusCode::TOO_MANY_REQUESTS).await
}

/// A limit's message.
fn say(lang: Lang, limit: rules::Limit) -> String {
    let (key, args) = limit.message();
    tr_args(lang, key, &args)
}

/// The question `public_id` of the session if it is open to votes; 404 for any other (hidden,
/// pending, merged, answered, unknown), as for anything a reader may not act on.
fn votable<'a>(questions: &'a [QuestionRow], public_id: &str) -> AppResult<&'a QuestionRow> {
    questions
        .iter()
        .find(|q| q.public_id == public_id && q.state.is_votable())
        .ok_or(AppError::NotFound)
}

#[derive(Debug, Deserialize)]
pub struct VoteForm {}

/// A participant upvotes a question: once per question (a second vote changes nothing),
/// refused past their limit.
pub(super) async fn vote(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path((slug, session, question)): Path<(String, String, String)>,
    _form: CsrfForm<VoteForm>,
) -> AppResult<Response> {
    let (edition, session) = session_of(&app, &slug, &session).await?;
    let questions = queries::questions(&app.db, session.id).await?;
    let question = votable(&questions, &question)?;
    let now = app.now_ms();
    let recent =
        queries::votes_by(&app.db, session.id, user.id, now - rules::VOTE_WINDOW_MS).await?;
    let mut refused = rules::may_vote(recent).err();
    if refused.is_none() {
        let mut tx = app.db.begin().await?;
        match actions::vote(&mut tx, session_ref(&session), question, user.id, now).await? {
            Ok(version) => {
                tx.commit().await?;
                if let Some(version) = version {
                    app.live.publish(Topic::Questions(session.id), version);
                }
                let base = public_base(&edition, &session);
                let to = format!("{base}#q-{}", question.public_id);
                return Ok(Redirect::to(&to).into_response());
            }
            Err(limit) => refused = Some(limit),
        }
    }
    let typed = Typed {
        notice: refused.map(|limit| say(ctx.lang, limit)),
        ..Typed::default()
    };
    let shown = (&edition, &session);
    render_page(&app, ctx, shown, typed, StatusCode::TOO_MANY_REQUESTS).await
}

/// The presenter's view for the big screen: the pinned question and the most voted ones.
/// Without JavaScript it reloads itself; with it, it follows the live stream.
pub(super) async fn screen(
    State(app): State<AppState>,
    ctx: Ctx,
    Path((slug, session)): Path<(String, String)>,
) -> AppResult<Response> {
    let (edition, session) = session_of(&app, &slug, &session).await?;
    let lang = ctx.lang;
    let version = queries::version(&app.db, session.id).await?;
    let questions = queries::questions(&app.db, session.id).await?;
    let pinned = questions
        .iter()
        .find(|q| q.pinned && q.state == QState::Approved)
        .map(|q| line(lang, q, false));
    let top = questions
        .iter()
        .filter(|q| !q.pinned && q.state == QState::Approved)
        .take(ON_SCREEN)
        .map(|q| line(lang, q, false))
        .collect();
    let base = public_base(&edition, &session);
    render_with_status(
        StatusCode::OK,
        &ScreenTemplate {
            title: session.title(lang).to_owned(),
            stream_url: stream_url(&edition, &session, version),
            live_js: crate::web::assets::live_js_url(),
            ask_url: ctx.link(&base),
            reload_secs: SCREEN_RELOAD_SECS,
            pinned,
            top,
            ctx,
        },
    )
}
