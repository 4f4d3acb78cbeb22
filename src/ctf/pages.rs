//! The contestants' pages: the contest (team, challenges), a challenge (flag, hints, files),
//! and everyone's scoreboard with its live stream.

use std::collections::{HashMap, HashSet};

use askama::Template;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::actions::{self, Outcome, Refused};
use super::flags::{Checker, Submission};
use super::markdown::to_safe_html;
use super::queries::{self, ChallengeRow, ContestRow, TeamChallenge, TeamRow};
use super::rules::{self, Phase};
use super::scoring;
use crate::calls::queries::EditionRow;
use crate::domain::types::Lang;
use crate::i18n::{format_instant_in_zone, tr, tr_args};
use crate::web::ctx::{CsrfForm, Ctx, SignedIn};
use crate::web::error::{AppError, AppResult};
use crate::web::public_cache::{public_page, PublicUnchanged};
use crate::web::state::AppState;
use crate::web::templates::{render, render_with_status};

/// The edition and its contest named in the address; 404 when it has none.
pub(super) async fn contest_of(app: &AppState, slug: &str) -> AppResult<(EditionRow, ContestRow)> {
    let edition = crate::calls::queries::edition_by_slug(&app.db, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let contest = queries::contest(&app.db, edition.id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((edition, contest))
}

/// A signed-in member of a team of the edition's contest: the contestants' pages take it in
/// their signature; anyone else gets 404 (a sign-in page when signed out).
pub struct Contestant {
    pub edition: EditionRow,
    pub contest: ContestRow,
    pub team: TeamRow,
    pub user: crate::web::sessions::SessionUser,
}

impl axum::extract::FromRequestParts<AppState> for Contestant {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        app: &AppState,
    ) -> Result<Self, Response> {
        let SignedIn(user) =
            <SignedIn as axum::extract::FromRequestParts<AppState>>::from_request_parts(parts, app)
                .await?;
        let slug = crate::editions::access::path_param(parts, app, "edition")
            .await
            .ok_or_else(|| AppError::NotFound.into_response())?;
        let not_found = || AppError::NotFound.into_response();
        let internal = |e: crate::db::DbError| AppError::from(e).into_response();
        let (edition, contest, team) = queries::contestant(&app.db, &slug, user.id)
            .await
            .map_err(internal)?
            .ok_or_else(not_found)?;
        let team = team.ok_or_else(not_found)?;
        Ok(Contestant {
            edition,
            contest,
            team,
            user,
        })
    }
}

fn base(edition: &EditionRow) -> String {
    format!("/ctf/{}", edition.slug)
}

fn instant(lang: Lang, edition: &EditionRow, at: i64) -> String {
    match jiff::Timestamp::from_millisecond(at) {
        Ok(t) => format_instant_in_zone(lang, t, edition.timezone.tz()),
        Err(_) => String::new(),
    }
}

/// A challenge as the contest page lists it.
pub struct ChallengeLine {
    pub public_id: String,
    pub name: String,
    pub value: i64,
    pub solves: u64,
    pub solved: bool,
}

pub struct CategoryGroup {
    pub name: String,
    pub challenges: Vec<ChallengeLine>,
}

/// What the signed-in person is to the contest.
enum Player {
    /// Not signed in, or without an eligible application in the hackathon track.
    Outsider,
    /// May play, has no team yet.
    Free {
        application_id: i64,
    },
    Member {
        team: TeamRow,
    },
}

async fn player(app: &AppState, contest: &ContestRow, ctx: &Ctx) -> AppResult<Player> {
    let Some(user) = &ctx.user else {
        return Ok(Player::Outsider);
    };
    if let Some(team) = queries::team_of(&app.db, contest.id, user.id).await? {
        return Ok(Player::Member { team });
    }
    Ok(
        match queries::entry_application(&app.db, contest.track_id, user.id).await? {
            Some(application_id) => Player::Free { application_id },
            None => Player::Outsider,
        },
    )
}

/// The challenges a team sees now: open, with their prerequisite solved; organisers see all.
fn shown<'a>(
    challenges: &'a [ChallengeRow],
    solved: &'a HashSet<i64>,
    phase: Phase,
    now: i64,
) -> impl Iterator<Item = &'a ChallengeRow> {
    challenges.iter().filter(move |c| {
        phase != Phase::Before
            && c.open_at(now)
            && c.requires_id.is_none_or(|r| solved.contains(&r))
    })
}

/// The values and solve counts contestants see: those of the public board (frozen ones while
/// it is frozen — later solves must not show through the values either).
async fn public_values(
    app: &AppState,
    contest: &ContestRow,
    challenges: &[ChallengeRow],
    now: i64,
) -> AppResult<HashMap<i64, (i64, u64)>> {
    // One challenge's page reads that challenge's solves only.
    let solves = match challenges {
        [one] => queries::solves_of(&app.db, one.id).await?,
        _ => queries::board_data(&app.db, contest.id).await?.solves,
    };
    let until = contest
        .window()
        .public_board_until(now, contest.revealed_at.is_some());
    let rules = super::results::rules_of(challenges)?;
    Ok(scoring::current_values(&rules, &solves, until)
        .into_iter()
        .map(|(id, value, solves)| (id, (value, solves)))
        .collect())
}

#[derive(Template)]
#[template(path = "ctf/home.html")]
pub struct HomeTemplate {
    pub ctx: Ctx,
    pub edition: String,
    pub base: String,
    pub phase: &'static str,
    pub window: String,
    pub can_join: bool,
    pub outsider: bool,
    pub team: Option<TeamView>,
    pub groups: Vec<CategoryGroup>,
    pub message: Option<String>,
    pub error: Option<String>,
    /// As typed, kept when refused.
    pub typed_name: String,
    pub typed_code: String,
    /// A code to pass on, shown once (only its hash is kept).
    pub new_code: Option<String>,
}

pub struct TeamView {
    pub name: String,
    pub members: Vec<String>,
    pub size_max: i64,
    pub score_line: String,
    pub may_leave: bool,
}

fn phase_key(phase: Phase) -> &'static str {
    match phase {
        Phase::Before => "ctf-phase-before",
        Phase::Running => "ctf-phase-running",
        Phase::Frozen => "ctf-phase-frozen",
        Phase::Ended => "ctf-phase-ended",
    }
}

/// What a page render adds to the contest page: a message, a refusal, what was typed.
#[derive(Default)]
struct Said {
    message: Option<String>,
    error: Option<String>,
    typed_name: String,
    typed_code: String,
    new_code: Option<String>,
}

async fn render_home(
    app: &AppState,
    ctx: Ctx,
    edition: &EditionRow,
    contest: &ContestRow,
    said: Said,
    status: StatusCode,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let now = app.now_ms();
    let phase = contest.window().phase(now);
    let player = player(app, contest, &ctx).await?;
    let challenges = queries::challenges(&app.db, contest.id).await?;
    let (team, groups) = match &player {
        Player::Member { team } => {
            let solved: HashSet<i64> = queries::solved_by(&app.db, team.id)
                .await?
                .into_iter()
                .collect();
            let values = public_values(app, contest, &challenges, now).await?;
            let mut groups: Vec<CategoryGroup> = Vec::new();
            let mut listed: Vec<&ChallengeRow> = shown(&challenges, &solved, phase, now).collect();
            listed.sort_by_key(|c| (c.category.as_str(), c.position, c.id));
            for c in listed {
                let (value, solves) = values.get(&c.id).copied().unwrap_or((0, 0));
                let line = ChallengeLine {
                    public_id: c.public_id.clone(),
                    name: c.name.clone(),
                    value,
                    solves,
                    solved: solved.contains(&c.id),
                };
                let name = tr(lang, &format!("ctf-category-{}", c.category.as_str()));
                match groups.last_mut() {
                    Some(g) if g.name == name => g.challenges.push(line),
                    _ => groups.push(CategoryGroup {
                        name,
                        challenges: vec![line],
                    }),
                }
            }
            let members = queries::members(&app.db, team.id)
                .await?
                .into_iter()
                .map(|m| m.display_name)
                .collect();
            let view = TeamView {
                name: team.name.clone(),
                members,
                size_max: contest.team_size_max,
                score_line: tr_args(
                    lang,
                    "ctf-team-solved",
                    &[("count", solved.len().to_string())],
                ),
                may_leave: phase == Phase::Before,
            };
            (Some(view), groups)
        }
        _ => (None, Vec::new()),
    };
    let window = tr_args(
        lang,
        "ctf-window",
        &[
            ("start", instant(lang, edition, contest.starts_at)),
            ("end", instant(lang, edition, contest.ends_at)),
        ],
    );
    render_with_status(
        status,
        &HomeTemplate {
            edition: edition.name(lang),
            base: base(edition),
            phase: phase_key(phase),
            window,
            can_join: matches!(player, Player::Free { .. }) && phase != Phase::Ended,
            outsider: matches!(player, Player::Outsider),
            team,
            groups,
            message: said.message,
            error: said.error,
            typed_name: said.typed_name,
            typed_code: said.typed_code,
            new_code: said.new_code,
            ctx,
        },
    )
}

pub(super) async fn home(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let (edition, contest) = contest_of(&app, &slug).await?;
    render_home(
        &app,
        ctx,
        &edition,
        &contest,
        Said::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Debug, Deserialize, Default)]
pub struct TeamForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub code: String,
}

/// The contestant's application, or a 404 for anyone who may not play.
async fn free_player(
    app: &AppState,
    contest: &ContestRow,
    ctx: &Ctx,
) -> AppResult<Result<i64, Refused>> {
    match player(app, contest, ctx).await? {
        Player::Free { application_id } => Ok(Ok(application_id)),
        Player::Member { .. } => Ok(Err(Refused::AlreadyInTeam)),
        Player::Outsider => Err(AppError::NotFound),
    }
}

pub(super) async fn create_team(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
    form: CsrfForm<TeamForm>,
) -> AppResult<Response> {
    let (edition, contest) = contest_of(&app, &slug).await?;
    let lang = ctx.lang;
    let refuse = |key: &str, typed: String| Said {
        error: Some(tr(lang, key)),
        typed_name: typed,
        ..Said::default()
    };
    let application_id = match free_player(&app, &contest, &ctx).await? {
        Ok(id) => id,
        Err(r) => {
            let said = refuse(r.key(), form.value.name);
            return render_home(&app, ctx, &edition, &contest, said, StatusCode::CONFLICT).await;
        }
    };
    let name = match rules::team_name(&form.value.name) {
        Ok(name) => name,
        Err(key) => {
            let said = refuse(key, form.value.name);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return render_home(&app, ctx, &edition, &contest, said, status).await;
        }
    };
    let mut tx = app.db.begin().await?;
    let by = (user.id, app.now_ms());
    match actions::create_team(&mut tx, &contest, &name, application_id, by).await? {
        Ok(code) => {
            tx.commit().await?;
            let said = Said {
                message: Some(tr(lang, "ctf-team-created")),
                new_code: Some(code),
                ..Said::default()
            };
            render_home(&app, ctx, &edition, &contest, said, StatusCode::OK).await
        }
        Err(refused) => {
            drop(tx);
            let said = refuse(refused.key(), form.value.name);
            render_home(&app, ctx, &edition, &contest, said, StatusCode::CONFLICT).await
        }
    }
}

pub(super) async fn join_team(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
    form: CsrfForm<TeamForm>,
) -> AppResult<Response> {
    let (edition, contest) = contest_of(&app, &slug).await?;
    let lang = ctx.lang;
    let refused = match free_player(&app, &contest, &ctx).await? {
        Err(r) => Err(r),
        Ok(application_id) => {
            let mut tx = app.db.begin().await?;
            let by = (user.id, app.now_ms());
            match actions::join_team(&mut tx, &contest, &form.value.code, application_id, by)
                .await?
            {
                Ok(()) => {
                    tx.commit().await?;
                    Ok(())
                }
                Err(r) => Err(r),
            }
        }
    };
    match refused {
        Ok(()) => Ok(Redirect::to(&base(&edition)).into_response()),
        Err(r) => {
            let said = Said {
                error: Some(tr(lang, r.key())),
                typed_code: form.value.code,
                ..Said::default()
            };
            render_home(&app, ctx, &edition, &contest, said, StatusCode::CONFLICT).await
        }
    }
}

pub(super) async fn leave_team(
    State(app): State<AppState>,
    ctx: Ctx,
    Contestant {
        edition,
        contest,
        team,
        user,
    }: Contestant,
    _form: CsrfForm<TeamForm>,
) -> AppResult<Response> {
    let mut tx = app.db.begin().await?;
    match actions::leave_team(&mut tx, &contest, &team, (user.id, app.now_ms())).await? {
        Ok(()) => {
            tx.commit().await?;
            Ok(Redirect::to(&base(&edition)).into_response())
        }
        Err(r) => {
            drop(tx);
            let said = Said {
                error: Some(tr(ctx.lang, r.key())),
                ..Said::default()
            };
            render_home(&app, ctx, &edition, &contest, said, StatusCode::CONFLICT).await
        }
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct CodeForm {
    /// `single`: a single-use code; else the team's code is renewed.
    #[serde(default)]
    pub kind: String,
}

pub(super) async fn new_code(
    State(app): State<AppState>,
    ctx: Ctx,
    Contestant {
        edition,
        contest,
        team,
        ..
    }: Contestant,
    form: CsrfForm<CodeForm>,
) -> AppResult<Response> {
    let mut tx = app.db.begin().await?;
    let (code, key) = if form.value.kind == "single" {
        let code = actions::single_use_code(&mut tx, &team, app.now_ms()).await?;
        (code, "ctf-code-single")
    } else {
        (
            actions::renew_invite(&mut tx, &team).await?,
            "ctf-code-renewed",
        )
    };
    tx.commit().await?;
    let said = Said {
        message: Some(tr(ctx.lang, key)),
        new_code: Some(code),
        ..Said::default()
    };
    render_home(&app, ctx, &edition, &contest, said, StatusCode::OK).await
}

// ---- A challenge ----

#[derive(Template)]
#[template(path = "ctf/challenge.html")]
pub struct ChallengeTemplate {
    pub ctx: Ctx,
    pub base: String,
    pub public_id: String,
    pub name: String,
    pub category: String,
    pub author: String,
    pub value: i64,
    pub solves: u64,
    pub description_html: String,
    pub connection_info: String,
    pub files: Vec<(String, String, i64)>,
    pub hints: Vec<HintView>,
    pub solved: bool,
    pub open: bool,
    pub outcome: Option<(bool, String)>,
    pub typed: String,
}

pub struct HintView {
    pub id: i64,
    pub cost: i64,
    /// Its text once unlocked (free hints are open to all).
    pub content_html: Option<String>,
}

/// A challenge the team may see now, or 404 (hidden, outside its window, locked behind
/// another, before the start): the same answer as for a challenge that does not exist.
async fn playable(
    app: &AppState,
    contest: &ContestRow,
    team: &TeamRow,
    public_id: &str,
) -> AppResult<TeamChallenge> {
    let now = app.now_ms();
    let found = queries::team_challenge(&app.db, contest.id, team.id, public_id).await?;
    found
        .filter(|t| {
            contest.window().phase(now) != Phase::Before && t.challenge.open_at(now) && t.unlocked
        })
        .ok_or(AppError::NotFound)
}

struct Shown {
    outcome: Option<(bool, String)>,
    typed: String,
}

async fn render_challenge(
    app: &AppState,
    ctx: Ctx,
    (edition, contest, team): (&EditionRow, &ContestRow, &TeamRow),
    (c, solved): (&ChallengeRow, bool),
    shown: Shown,
    status: StatusCode,
) -> AppResult<Response> {
    let now = app.now_ms();
    let lang = ctx.lang;
    let values = public_values(app, contest, std::slice::from_ref(c), now).await?;
    let (value, solves) = values.get(&c.id).copied().unwrap_or((0, 0));
    let hints = queries::hints_for_team(&app.db, c.id, team.id)
        .await?
        .into_iter()
        .map(|(h, unlocked)| HintView {
            id: h.id,
            cost: h.cost,
            content_html: (h.cost == 0 || unlocked).then(|| to_safe_html(&h.content)),
        })
        .collect();
    let files = queries::files(&app.db, c.id)
        .await?
        .into_iter()
        .map(|f| (f.public_id, f.name, f.size_bytes))
        .collect();
    let phase = contest.window().phase(now);
    render_with_status(
        status,
        &ChallengeTemplate {
            base: base(edition),
            public_id: c.public_id.clone(),
            name: c.name.clone(),
            category: tr(lang, &format!("ctf-category-{}", c.category.as_str())),
            author: c.author.clone(),
            value,
            solves,
            description_html: to_safe_html(&c.description),
            connection_info: c.connection_info.clone(),
            files,
            hints,
            solved,
            open: matches!(phase, Phase::Running | Phase::Frozen),
            outcome: shown.outcome,
            typed: shown.typed,
            ctx,
        },
    )
}

pub(super) async fn challenge(
    State(app): State<AppState>,
    ctx: Ctx,
    Contestant {
        edition,
        contest,
        team,
        ..
    }: Contestant,
    Path((_, public_id)): Path<(String, String)>,
) -> AppResult<Response> {
    let t = playable(&app, &contest, &team, &public_id).await?;
    let shown = Shown {
        outcome: None,
        typed: String::new(),
    };
    let at = (&edition, &contest, &team);
    let c = (&t.challenge, t.solved);
    render_challenge(&app, ctx, at, c, shown, StatusCode::OK).await
}

#[derive(Debug, Deserialize, Default)]
pub struct FlagForm {
    #[serde(default)]
    pub flag: String,
}

/// Judges and records a submission of the signed-in contestant's team; what the page or the
/// API says of it: the outcome, its status and its sentence.
async fn check_flag(
    app: &AppState,
    lang: Lang,
    (edition, contest, team): (&EditionRow, &ContestRow, &TeamRow),
    t: &TeamChallenge,
    submission: &Submission,
    user_id: i64,
) -> AppResult<(Outcome, StatusCode, String)> {
    let c = &t.challenge;
    let checker = Checker::new(&t.flags).map_err(|e| AppError::Internal(format!("{e:?}")))?;
    let teams: Vec<(i64, String)> = if c.per_team_flag {
        queries::teams(&app.db, contest.id)
            .await?
            .into_iter()
            .map(|t| (t.id, t.public_id))
            .collect()
    } else {
        Vec::new()
    };
    let target = actions::Target {
        contest,
        challenge: c,
        checker: &checker,
        team,
        teams: &teams,
    };
    let now = app.now_ms();
    let judged = actions::judge(
        &app.db,
        &app.server_key,
        &target,
        submission,
        (user_id, now),
    )
    .await?;
    let outcome = actions::record(&app.db, &target, judged, (user_id, now)).await?;
    if outcome == Outcome::Correct {
        if let Ok(version) = queries::version(&app.db, contest.id).await {
            app.live
                .publish(crate::web::live::Topic::Scoreboard(contest.id), version);
        }
    }
    let (status, text) = match outcome {
        Outcome::Correct => (StatusCode::OK, tr(lang, outcome.key())),
        Outcome::Limited { until } => (
            StatusCode::TOO_MANY_REQUESTS,
            tr_args(
                lang,
                outcome.key(),
                &[("until", instant(lang, edition, until))],
            ),
        ),
        Outcome::Closed => (StatusCode::CONFLICT, tr(lang, outcome.key())),
        _ => (StatusCode::UNPROCESSABLE_ENTITY, tr(lang, outcome.key())),
    };
    Ok((outcome, status, text))
}

pub(super) async fn submit(
    State(app): State<AppState>,
    ctx: Ctx,
    Contestant {
        edition,
        contest,
        team,
        user,
    }: Contestant,
    Path((_, public_id)): Path<(String, String)>,
    form: CsrfForm<FlagForm>,
) -> AppResult<Response> {
    let t = playable(&app, &contest, &team, &public_id).await?;
    let lang = ctx.lang;
    let at = (&edition, &contest, &team);
    let submission = match Submission::parse(&form.value.flag) {
        Ok(s) => s,
        Err(e) => {
            let shown = Shown {
                outcome: Some((false, tr(lang, e.key()))),
                typed: form.value.flag,
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            let c = (&t.challenge, t.solved);
            let page = render_challenge(&app, ctx, at, c, shown, status).await?;
            return Ok(public_unchanged(page));
        }
    };
    let (outcome, status, text) = check_flag(&app, lang, at, &t, &submission, user.id).await?;
    // A wrong flag stays in the field, to be corrected; a right one is done with.
    let typed = if outcome == Outcome::Correct {
        String::new()
    } else {
        form.value.flag
    };
    let shown = Shown {
        outcome: Some((outcome == Outcome::Correct, text)),
        typed,
    };
    let solved = t.solved || matches!(outcome, Outcome::Correct | Outcome::Again);
    let page = render_challenge(&app, ctx, at, (&t.challenge, solved), shown, status).await?;
    Ok(public_unless_solved(outcome, page))
}

/// Anything but a solve wrote only the attempts log, which no public page shows: the public
/// page cache need not check for a change.
fn public_unless_solved(outcome: Outcome, response: Response) -> Response {
    if outcome == Outcome::Correct {
        response
    } else {
        public_unchanged(response)
    }
}

fn public_unchanged(mut response: Response) -> Response {
    response.extensions_mut().insert(PublicUnchanged);
    response
}

#[derive(Debug, Deserialize)]
pub struct FlagJson {
    pub flag: String,
}

/// The same check for scripts and the page's own script: JSON in (`{"flag": …}`, the page's
/// CSRF token in the `x-csrf-token` header), JSON out (`{"outcome": …, "message": …}`), with
/// the form's status codes.
pub(super) async fn submit_json(
    State(app): State<AppState>,
    ctx: Ctx,
    Contestant {
        edition,
        contest,
        team,
        user,
    }: Contestant,
    Path((_, public_id)): Path<(String, String)>,
    headers: axum::http::HeaderMap,
    axum::Json(body): axum::Json<FlagJson>,
) -> AppResult<Response> {
    let token = headers
        .get("x-csrf-token")
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    if !crate::crypto::constant_time_eq(token, ctx.csrf.as_bytes()) {
        return Err(AppError::Csrf);
    }
    let t = playable(&app, &contest, &team, &public_id).await?;
    let lang = ctx.lang;
    let answer = |status: StatusCode, outcome: &str, message: String| {
        let body = serde_json::json!({ "outcome": outcome, "message": message });
        (status, axum::Json(body)).into_response()
    };
    let submission = match Submission::parse(&body.flag) {
        Ok(submission) => submission,
        Err(e) => {
            let refused = answer(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                tr(lang, e.key()),
            );
            return Ok(public_unchanged(refused));
        }
    };
    let at = (&edition, &contest, &team);
    let (outcome, status, message) = check_flag(&app, lang, at, &t, &submission, user.id).await?;
    let answer = answer(status, outcome.name(), message);
    Ok(public_unless_solved(outcome, answer))
}

pub(super) async fn unlock_hint(
    State(app): State<AppState>,
    Contestant {
        edition,
        contest,
        team,
        user,
    }: Contestant,
    Path((_, public_id, hint_id)): Path<(String, String, i64)>,
    _form: CsrfForm<FlagForm>,
) -> AppResult<Response> {
    let c = playable(&app, &contest, &team, &public_id).await?.challenge;
    let hint = queries::hints(&app.db, c.id)
        .await?
        .into_iter()
        .find(|h| h.id == hint_id)
        .ok_or(AppError::NotFound)?;
    let mut tx = app.db.begin().await?;
    let now = app.now_ms();
    if actions::unlock_hint(&mut tx, &contest, &hint, &team, (user.id, now)).await? {
        tx.commit().await?;
        if let Ok(version) = queries::version(&app.db, contest.id).await {
            app.live
                .publish(crate::web::live::Topic::Scoreboard(contest.id), version);
        }
    }
    let to = format!("{}/challenges/{public_id}#hint-{hint_id}", base(&edition));
    Ok(Redirect::to(&to).into_response())
}

/// An attached file, for the team that may see its challenge (counted).
pub(super) async fn file(
    State(app): State<AppState>,
    Contestant { contest, team, .. }: Contestant,
    Path((_, public_id, file_id)): Path<(String, String, String)>,
) -> AppResult<Response> {
    let c = playable(&app, &contest, &team, &public_id).await?.challenge;
    let f = queries::file(&app.db, &file_id)
        .await?
        .filter(|f| f.challenge_id == c.id)
        .ok_or(AppError::NotFound)?;
    let path = object_store::path::Path::from(f.object_key.as_str());
    let bytes = app
        .store
        .get(&path)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .bytes()
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    queries::count_download(&app.db, f.id).await?;
    let disposition = format!(
        "attachment; filename=\"{}\"",
        f.name.replace(['"', '\\', '\r', '\n'], "_")
    );
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        Body::from(bytes),
    )
        .into_response())
}

// ---- The scoreboard ----

pub struct BoardLine {
    pub rank: u32,
    pub team: String,
    pub score: i64,
    pub solves: u32,
    pub women_led: bool,
}

#[derive(Template)]
#[template(path = "ctf/board.html")]
pub struct BoardTemplate {
    pub ctx: Ctx,
    pub edition: String,
    pub base: String,
    pub phase: &'static str,
    pub frozen_at: Option<String>,
    pub lines: Vec<BoardLine>,
    pub values: Vec<(String, i64, u64)>,
    pub stream: String,
}

/// The standings and values as `until` (the freeze) left them, `None`: as they are now.
pub(super) async fn board_lines(
    app: &AppState,
    contest: &ContestRow,
    until: Option<i64>,
    now: i64,
) -> AppResult<(Vec<BoardLine>, Vec<(String, i64, u64)>)> {
    let super::results::Computed {
        challenges,
        rules,
        teams,
        data,
        standings,
    } = super::results::compute(&app.db, contest, until).await?;
    let by_id: HashMap<i64, &TeamRow> = teams.iter().map(|t| (t.id, t)).collect();
    let women_led: HashSet<i64> = queries::women_led_teams(&app.db, contest.id)
        .await?
        .into_iter()
        .collect();
    let lines = standings
        .iter()
        .filter_map(|s| {
            by_id.get(&s.team).map(|t| BoardLine {
                rank: s.rank,
                team: t.name.clone(),
                score: s.score,
                solves: s.solves,
                women_led: women_led.contains(&t.id),
            })
        })
        .collect();
    // Names of challenges contestants can see, not of those still hidden.
    let at = until.unwrap_or(now);
    let names: HashMap<i64, &str> = challenges
        .iter()
        .filter(|c| c.open_at(at))
        .map(|c| (c.id, c.name.as_str()))
        .collect();
    let values = scoring::current_values(&rules, &data.solves, until)
        .into_iter()
        .filter_map(|(id, value, solves)| names.get(&id).map(|n| (n.to_string(), value, solves)))
        .collect();
    Ok((lines, values))
}

pub(super) async fn board(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let (edition, contest) = contest_of(&app, &slug).await?;
    let lang = ctx.lang;
    let anonymous = ctx.user.is_none();
    if !contest.board_public {
        // A private board: its contestants and the edition's organisers only.
        let Some(user) = &ctx.user else {
            return Err(AppError::NotFound);
        };
        let member = queries::team_of(&app.db, contest.id, user.id)
            .await?
            .is_some();
        let organiser = crate::editions::access::organised_editions(&app, user)
            .await?
            .contains(&edition.id);
        if !member && !organiser {
            return Err(AppError::NotFound);
        }
    }
    let now = app.now_ms();
    let window = contest.window();
    let until = window.public_board_until(now, contest.revealed_at.is_some());
    let (lines, values) = board_lines(&app, &contest, until, now).await?;
    let since = queries::version(&app.db, contest.id).await?;
    let page = render(&BoardTemplate {
        edition: edition.name(lang),
        base: base(&edition),
        phase: phase_key(window.phase(now)),
        frozen_at: until.map(|t| instant(lang, &edition, t)),
        lines,
        values,
        stream: format!("{}/scoreboard/live?since={since}", base(&edition)),
        ctx,
    })?;
    if anonymous && contest.board_public {
        Ok(public_page(page, window.next_change(now)))
    } else {
        Ok(page)
    }
}
