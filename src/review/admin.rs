//! The organisers' side of a review round: settings, rubrics (frozen once scored), panels,
//! automatic and manual assignment, conflicts of interest, opening and closing, the ranking
//! with its documented arithmetic, and the exports.

use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use super::assignment;
use super::queries::{self, RoundRow, RoundSettings, RoundStatus};
use super::ranking::{self, ReviewSheet, SheetTotal};
use super::routes::{format_score, stored_sheet};
use super::rubric::{Round, Rubric};
use super::ties;
use crate::accounts::roles::{self, Role};
use crate::accounts::users;
use crate::applications::admin::organised_edition;
use crate::applications::export::{self, Cell, Table};
use crate::applications::queries::{self as applications, ListFilter, ListedApplication};
use crate::audit;
use crate::calls::queries::{self as calls, EditionRow, TrackRow};
use crate::domain::types::{Lang, Login};
use crate::i18n::{tr, tr_args};
use crate::notifications;
use crate::web::ctx::{CsrfForm, Ctx, SignedIn};
use crate::web::edit::{posted_version, StaleEdit};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::FieldErrors;
use crate::web::state::AppState;
use crate::web::templates::{render, render_with_status};

pub fn router() -> Router<AppState> {
    const BASE: &str = "/admin/editions/{edition}/review/{round}";
    Router::new()
        .route(BASE, get(round_page))
        .route(&format!("{BASE}/settings"), post(save_settings))
        .route(
            &format!("{BASE}/rubric/{{track}}"),
            get(rubric_page).post(save_rubric),
        )
        .route(&format!("{BASE}/panel"), post(add_panel_member))
        .route(&format!("{BASE}/assign"), post(auto_assign))
        .route(&format!("{BASE}/reassign"), post(reassign))
        .route(&format!("{BASE}/conflict"), post(set_conflict))
        .route(&format!("{BASE}/reopen"), post(reopen_sheet))
        .route(&format!("{BASE}/status"), post(change_status))
        .route(&format!("{BASE}/ranking"), get(ranking_page))
        .route(&format!("{BASE}/ranking.csv"), get(ranking_csv))
        .route(&format!("{BASE}/ranking.xlsx"), get(ranking_xlsx))
        .route(&format!("{BASE}/scores.csv"), get(scores_csv))
        .route(&format!("{BASE}/scores.xlsx"), get(scores_xlsx))
}

/// The preselection is scored by the committee on the eligible dossiers; the final by the
/// jury on the finalists of the locked shortlist.
fn parse_round(s: &str) -> AppResult<Round> {
    Round::parse(s).ok_or(AppError::NotFound)
}

pub struct RoundContext {
    pub edition: EditionRow,
    pub round: RoundRow,
    pub tracks: Vec<TrackRow>,
}

pub async fn round_context(
    app: &AppState,
    user: &crate::accounts::sessions::SessionUser,
    edition: &str,
    round: &str,
) -> AppResult<RoundContext> {
    let kind = parse_round(round)?;
    let edition = organised_edition(app, user, edition).await?;
    let round = queries::ensure_round(&app.db, edition.id, kind).await?;
    let tracks = calls::tracks_of_edition(&app.db, edition.id).await?;
    Ok(RoundContext {
        edition,
        round,
        tracks,
    })
}

fn base_url(c: &RoundContext) -> String {
    format!("/admin/editions/{}/review/{}", c.edition.slug, c.round.kind)
}

fn track_name(t: &TrackRow, lang: Lang) -> String {
    if lang == Lang::En {
        t.name_en.clone()
    } else {
        t.name_fr.clone()
    }
}

/// The dossiers a round scores: for the preselection, those declared eligible; for the
/// final, the finalists (none until the shortlist is locked).
async fn round_dossiers(app: &AppState, c: &RoundContext) -> AppResult<Vec<ListedApplication>> {
    dossiers_of_round(app, &c.round).await
}

/// The dossiers a round scores: the eligible ones in the preselection, the finalists of the
/// locked shortlist in the final.
pub async fn dossiers_of_round(
    app: &AppState,
    round: &RoundRow,
) -> AppResult<Vec<ListedApplication>> {
    if round.round() == Round::Final {
        return Ok(queries::finalists(&app.db, round.edition_id).await?);
    }
    let filter = ListFilter {
        status: Some("eligible".into()),
        ..ListFilter::default()
    };
    Ok(applications::list_for_edition(&app.db, round.edition_id, &filter).await?)
}

async fn rubric_of(
    app: &AppState,
    round: &RoundRow,
    track: &TrackRow,
) -> AppResult<(Rubric, Vec<String>)> {
    Ok(match queries::rubric(&app.db, round.id, track.id).await? {
        Some(row) => (row.rubric()?, row.tie_break()),
        None => {
            let rubric = round.round().default_rubric(track.kind()?);
            let tie_break = rubric.default_tie_break();
            (rubric, tie_break)
        }
    })
}

pub struct TrackPanel {
    pub id: i64,
    pub name: String,
    pub rubric_url: String,
    pub members: Vec<String>,
    pub dossiers: usize,
}

pub struct AssignmentLine {
    pub reference: String,
    pub title: String,
    pub reviewers: Vec<String>,
}

#[derive(Template)]
#[template(path = "review/round.html")]
pub struct RoundTemplate {
    pub ctx: Ctx,
    pub base: String,
    pub title: String,
    pub status: String,
    pub is_setup: bool,
    pub is_open: bool,
    pub is_closed: bool,
    /// "eligible dossiers" in the preselection, "finalists" in the final.
    pub dossiers_label: &'static str,
    pub settings: SettingsForm,
    pub tracks: Vec<TrackPanel>,
    pub assigned: i64,
    pub submitted: i64,
    pub lines: Vec<AssignmentLine>,
    pub short: Vec<String>,
    pub conflicts: Vec<String>,
    pub errors: FieldErrors,
    /// Set when a settings save was refused because the settings changed since loaded.
    pub stale: Option<StaleEdit>,
    pub notice: Option<String>,
    pub panel_form: PanelForm,
    pub reassign_form: ReassignForm,
    pub conflict_form: DossierPersonForm,
    pub reopen_form: DossierPersonForm,
}

/// One dossier, one person and a written reason: an organiser declares a conflict of
/// interest, or returns a reviewer's submitted sheet to draft.
#[derive(Deserialize, Default, Clone)]
pub struct DossierPersonForm {
    #[serde(default)]
    pub reference: String,
    #[serde(default)]
    pub login: String,
    #[serde(default)]
    pub reason: String,
}

#[derive(Deserialize, Default, Clone)]
pub struct SettingsForm {
    #[serde(default)]
    pub reviewers_per_dossier: String,
    #[serde(default)]
    pub min_sheets: String,
    #[serde(default)]
    pub dispute_threshold: String,
    #[serde(default)]
    pub blind: Option<String>,
    /// `round` or `track` (see `ranking::Pooling`); empty keeps the stored choice.
    #[serde(default)]
    pub pooling: String,
    /// The round's version the form was loaded from.
    #[serde(default)]
    pub version: String,
}

#[derive(Deserialize, Default, Clone)]
pub struct PanelForm {
    #[serde(default)]
    pub track: String,
    #[serde(default)]
    pub login: String,
}

#[derive(Deserialize, Default, Clone)]
pub struct ReassignForm {
    #[serde(default)]
    pub reference: String,
    #[serde(default)]
    pub remove: String,
    #[serde(default)]
    pub add: String,
}

/// Forms and messages to show again on the round page after a refused action.
#[derive(Default)]
struct PageState {
    errors: FieldErrors,
    stale: Option<StaleEdit>,
    notice: Option<String>,
    settings: Option<SettingsForm>,
    panel: PanelForm,
    reassign: ReassignForm,
    conflict: DossierPersonForm,
    reopen: DossierPersonForm,
}

async fn render_round(
    app: &AppState,
    ctx: Ctx,
    c: &RoundContext,
    state: PageState,
    status: StatusCode,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let dossiers = round_dossiers(app, c).await?;
    let panel = queries::panel(&app.db, c.round.id).await?;
    let names: BTreeMap<i64, String> = panel
        .iter()
        .map(|m| (m.user_id, m.display_name.clone()))
        .collect();
    let tracks = c
        .tracks
        .iter()
        .map(|t| TrackPanel {
            id: t.id,
            name: track_name(t, lang),
            rubric_url: format!("{}/rubric/{}", base_url(c), t.id),
            members: panel
                .iter()
                .filter(|m| m.track_id == t.id)
                .map(|m| format!("{} ({})", m.display_name, m.login))
                .collect(),
            dossiers: dossiers.iter().filter(|d| d.track_id == t.id).count(),
        })
        .collect();
    let pairs = queries::assignments(&app.db, c.round.id).await?;
    let mut by_dossier: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for (reviewer, dossier) in &pairs {
        by_dossier.entry(*dossier).or_default().push(
            names
                .get(reviewer)
                .cloned()
                .unwrap_or_else(|| reviewer.to_string()),
        );
    }
    let k = usize::try_from(c.round.reviewers_per_dossier).unwrap_or(3);
    let lines: Vec<AssignmentLine> = dossiers
        .iter()
        .map(|d| AssignmentLine {
            reference: d.reference.clone().unwrap_or_default(),
            title: d.title.clone(),
            reviewers: by_dossier.get(&d.id).cloned().unwrap_or_default(),
        })
        .collect();
    // In the final, a finalist expects every juror of its track.
    let expected = |track_id: i64| match c.round.round() {
        Round::Final => panel.iter().filter(|m| m.track_id == track_id).count(),
        Round::Preselection => k,
    };
    let short = if pairs.is_empty() {
        Vec::new()
    } else {
        lines
            .iter()
            .zip(&dossiers)
            .filter(|(l, d)| l.reviewers.len() < expected(d.track_id))
            .map(|(l, _)| l.reference.clone())
            .collect()
    };
    let references: BTreeMap<i64, String> = dossiers
        .iter()
        .map(|d| (d.id, d.reference.clone().unwrap_or_default()))
        .collect();
    let mut conflicts = Vec::new();
    for conflict in queries::conflicts_of_edition(&app.db, c.edition.id).await? {
        let who = users::find_by_id(&app.db, conflict.user_id)
            .await?
            .map(|u| u.display_name)
            .unwrap_or_default();
        let reference = references
            .get(&conflict.application_id)
            .cloned()
            .unwrap_or_else(|| conflict.application_id.to_string());
        let by = if conflict.declared_by == conflict.user_id {
            tr(lang, "review-conflict-by-self")
        } else {
            tr(lang, "review-conflict-by-organiser")
        };
        conflicts.push(format!("{reference} · {who} · {by} — {}", conflict.reason));
    }
    let (assigned, submitted) = queries::progress(&app.db, c.round.id).await?;
    let settings = state.settings.unwrap_or_else(|| SettingsForm {
        reviewers_per_dossier: c.round.reviewers_per_dossier.to_string(),
        min_sheets: c.round.min_sheets.to_string(),
        dispute_threshold: c.round.dispute_threshold.to_string(),
        blind: c.round.blind.then(|| "on".to_owned()),
        pooling: c.round.pooling.clone(),
        version: c.round.version.to_string(),
    });
    render_with_status(
        status,
        &RoundTemplate {
            base: base_url(c),
            title: format!(
                "{} {}",
                tr(lang, &format!("round-{}", c.round.kind)),
                c.edition.year
            ),
            status: tr(lang, &format!("round-status-{}", c.round.status)),
            is_setup: c.round.status() == RoundStatus::Setup,
            is_open: c.round.status() == RoundStatus::Open,
            is_closed: c.round.status() == RoundStatus::Closed,
            dossiers_label: match c.round.round() {
                Round::Preselection => "review-eligible-dossiers",
                Round::Final => "review-finalist-dossiers",
            },
            settings,
            tracks,
            assigned,
            submitted,
            lines,
            short,
            conflicts,
            errors: state.errors,
            stale: state.stale,
            notice: state.notice,
            panel_form: state.panel,
            reassign_form: state.reassign,
            conflict_form: state.conflict,
            reopen_form: state.reopen,
            ctx,
        },
    )
}

async fn round_page(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path((edition, round)): Path<(String, String)>,
) -> AppResult<Response> {
    let c = round_context(&app, &user, &edition, &round).await?;
    render_round(&app, ctx, &c, PageState::default(), StatusCode::OK).await
}

fn parse_bounded(input: &str, range: std::ops::RangeInclusive<i64>) -> Option<i64> {
    input
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|v| range.contains(v))
}

async fn save_settings(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path((edition, round)): Path<(String, String)>,
    form: CsrfForm<SettingsForm>,
) -> AppResult<Response> {
    let c = round_context(&app, &user, &edition, &round).await?;
    let lang = ctx.lang;
    let values = form.value;
    let mut errors = FieldErrors::default();
    // The pooling only changes how the ranking is computed, so it may change while the
    // reviewers score; the other settings shape the assignment and are fixed once open.
    // A closed round's ranking is final.
    let status = c.round.status();
    if status == RoundStatus::Closed {
        errors.add("settings", tr(lang, "followups-settings-closed"));
    }
    let pooling = match values.pooling.trim() {
        "" => Some(c.round.pooling()),
        typed => ranking::Pooling::parse(typed),
    };
    if pooling.is_none() {
        errors.add("pooling", tr(lang, "followups-bad-pooling"));
    }
    let (k, min_sheets, threshold, blind) = if status == RoundStatus::Setup {
        let k = parse_bounded(&values.reviewers_per_dossier, 1..=10);
        if k.is_none() {
            errors.add("reviewers_per_dossier", tr(lang, "review-bad-number-1-10"));
        }
        let min_sheets = parse_bounded(&values.min_sheets, 2..=100);
        if min_sheets.is_none() {
            errors.add("min_sheets", tr(lang, "review-bad-min-sheets"));
        }
        let threshold = parse_bounded(&values.dispute_threshold, 1..=100);
        if threshold.is_none() {
            errors.add("dispute_threshold", tr(lang, "review-bad-threshold"));
        }
        (k, min_sheets, threshold, values.blind.is_some())
    } else {
        // Shown read-only once open: the stored values stand whatever is posted.
        (
            Some(c.round.reviewers_per_dossier),
            Some(c.round.min_sheets),
            Some(c.round.dispute_threshold),
            c.round.blind,
        )
    };
    let (Some(k), Some(min_sheets), Some(threshold), Some(pooling), true) =
        (k, min_sheets, threshold, pooling, errors.is_empty())
    else {
        let state = PageState {
            errors,
            settings: Some(values),
            ..PageState::default()
        };
        return render_round(&app, ctx, &c, state, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let settings = RoundSettings {
        reviewers_per_dossier: k,
        blind,
        min_sheets,
        dispute_threshold: threshold,
        pooling,
    };
    let now = app.now_ms();
    let expected = posted_version(&values.version);
    let mut tx = app.db.begin().await?;
    if !queries::update_round_settings(&mut tx, c.round.id, expected, &settings).await? {
        drop(tx);
        // Shown against the round as stored now, the typed values kept in the form.
        let c = round_context(&app, &user, &edition, &round).await?;
        let yes_no = |b: bool| tr(lang, if b { "yes" } else { "no" });
        let stale = StaleEdit {
            version: c.round.version,
            stored: vec![
                (
                    tr(lang, "review-k"),
                    c.round.reviewers_per_dossier.to_string(),
                ),
                (
                    tr(lang, "review-min-sheets"),
                    c.round.min_sheets.to_string(),
                ),
                (
                    tr(lang, "review-threshold"),
                    c.round.dispute_threshold.to_string(),
                ),
                (tr(lang, "review-blind-help"), yes_no(c.round.blind)),
                (
                    tr(lang, "followups-pooling"),
                    tr(lang, &format!("followups-pooling-{}", c.round.pooling)),
                ),
            ],
        };
        let state = PageState {
            stale: Some(stale),
            settings: Some(SettingsForm {
                version: c.round.version.to_string(),
                ..values
            }),
            ..PageState::default()
        };
        return render_round(&app, ctx, &c, state, StatusCode::CONFLICT).await;
    }
    audit::append(
        &mut tx,
        &audit::Entry {
            actor_id: Some(user.id),
            action: "review.settings_changed",
            object: &format!("round:{}", c.round.id),
            details: serde_json::json!({
                "reviewers_per_dossier": k, "blind": settings.blind,
                "min_sheets": min_sheets, "dispute_threshold": threshold,
                "pooling": pooling.as_str(),
            }),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&base_url(&c)).into_response())
}

#[derive(Template)]
#[template(path = "review/rubric.html")]
pub struct RubricTemplate {
    pub ctx: Ctx,
    pub back: String,
    pub action: String,
    pub track: String,
    pub frozen: bool,
    pub criteria_json: String,
    pub tie_break: String,
    pub criteria: Vec<(String, u32, u32, bool)>,
    pub errors: FieldErrors,
    /// The stored rubric's version (0: none stored yet, the default applies).
    pub version: i64,
    /// Set when a save was refused because the rubric changed since it was loaded.
    pub stale: Option<StaleEdit>,
}

/// The stored rubric's version, 0 when the default applies.
async fn rubric_version(app: &AppState, round: &RoundRow, track_id: i64) -> AppResult<i64> {
    Ok(queries::rubric(&app.db, round.id, track_id)
        .await?
        .map_or(0, |r| r.version))
}

fn track_of(c: &RoundContext, track: &str) -> AppResult<TrackRow> {
    let id: i64 = track.parse().map_err(|_| AppError::NotFound)?;
    c.tracks
        .iter()
        .find(|t| t.id == id)
        .cloned()
        .ok_or(AppError::NotFound)
}

async fn rubric_page(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path((edition, round, track)): Path<(String, String, String)>,
) -> AppResult<Response> {
    let c = round_context(&app, &user, &edition, &round).await?;
    let track = track_of(&c, &track)?;
    let (rubric, tie_break) = rubric_of(&app, &c.round, &track).await?;
    let version = rubric_version(&app, &c.round, track.id).await?;
    let mut tx = app.db.begin().await?;
    let frozen = queries::track_has_scores(&mut tx, c.round.id, track.id).await?;
    drop(tx);
    let lang = ctx.lang;
    render(&RubricTemplate {
        back: base_url(&c),
        action: format!("{}/rubric/{}", base_url(&c), track.id),
        track: track_name(&track, lang),
        frozen,
        criteria_json: pretty(&rubric),
        tie_break: tie_break.join(", "),
        criteria: rubric
            .criteria()
            .iter()
            .map(|cr| {
                (
                    cr.label.get(lang).to_owned(),
                    cr.weight,
                    cr.max_points,
                    cr.bonus,
                )
            })
            .collect(),
        errors: FieldErrors::default(),
        version,
        stale: None,
        ctx,
    })
}

fn pretty(rubric: &Rubric) -> String {
    serde_json::from_str::<serde_json::Value>(&rubric.to_json())
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_else(|_| rubric.to_json())
}

#[derive(Deserialize, Default)]
pub struct RubricForm {
    #[serde(default)]
    criteria_json: String,
    #[serde(default)]
    tie_break: String,
    /// The rubric's version the form was loaded from.
    #[serde(default)]
    version: String,
}

async fn save_rubric(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path((edition, round, track)): Path<(String, String, String)>,
    form: CsrfForm<RubricForm>,
) -> AppResult<Response> {
    let c = round_context(&app, &user, &edition, &round).await?;
    let track = track_of(&c, &track)?;
    let lang = ctx.lang;
    let values = form.value;
    let mut errors = FieldErrors::default();
    let parsed = Rubric::parse_json(&values.criteria_json);
    let tie_break: Vec<String> = values
        .tie_break
        .split(',')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    match &parsed {
        Err(e) => errors.add("criteria_json", e.message(lang)),
        Ok(rubric) => {
            if let Some(unknown) = tie_break.iter().find(|k| rubric.criterion(k).is_none()) {
                errors.add(
                    "tie_break",
                    crate::i18n::tr_args(
                        lang,
                        "review-unknown-criterion",
                        &[("key", unknown.clone())],
                    ),
                );
            }
        }
    }
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    // Checked inside the transaction that writes: a first score racing this edit wins.
    let frozen = queries::track_has_scores(&mut tx, c.round.id, track.id).await?;
    if frozen {
        errors.add("criteria_json", tr(lang, "review-rubric-frozen"));
    }
    let rubric = match parsed {
        Ok(rubric) if errors.is_empty() => rubric,
        _ => {
            drop(tx);
            return render_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &RubricTemplate {
                    back: base_url(&c),
                    action: format!("{}/rubric/{}", base_url(&c), track.id),
                    track: track_name(&track, lang),
                    frozen,
                    criteria_json: values.criteria_json,
                    tie_break: values.tie_break,
                    criteria: Vec::new(),
                    errors,
                    version: posted_version(&values.version),
                    stale: None,
                    ctx,
                },
            );
        }
    };
    let expected = posted_version(&values.version);
    if !queries::save_rubric(
        &mut tx, c.round.id, track.id, expected, &rubric, &tie_break, now,
    )
    .await?
    {
        drop(tx);
        let (stored, stored_tie_break) = rubric_of(&app, &c.round, &track).await?;
        let version = rubric_version(&app, &c.round, track.id).await?;
        let stale = StaleEdit {
            version,
            stored: vec![
                (tr(lang, "review-rubric-json"), pretty(&stored)),
                (tr(lang, "review-tie-break"), stored_tie_break.join(", ")),
            ],
        };
        return render_with_status(
            StatusCode::CONFLICT,
            &RubricTemplate {
                back: base_url(&c),
                action: format!("{}/rubric/{}", base_url(&c), track.id),
                track: track_name(&track, lang),
                frozen: false,
                criteria_json: values.criteria_json,
                tie_break: values.tie_break,
                criteria: Vec::new(),
                errors: FieldErrors::default(),
                version,
                stale: Some(stale),
                ctx,
            },
        );
    }
    audit::append(
        &mut tx,
        &audit::Entry {
            actor_id: Some(user.id),
            action: "review.rubric_changed",
            object: &format!("round:{}:track:{}", c.round.id, track.id),
            details: serde_json::json!({ "criteria": rubric.to_json(), "tie_break": tie_break }),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&base_url(&c)).into_response())
}

async fn user_by_login(app: &AppState, login: &str) -> AppResult<Option<users::UserRow>> {
    match Login::parse(login) {
        Ok(login) => Ok(users::find_by_login(&app.db, &login).await?),
        Err(_) => Ok(None),
    }
}

async fn add_panel_member(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path((edition, round)): Path<(String, String)>,
    form: CsrfForm<PanelForm>,
) -> AppResult<Response> {
    let c = round_context(&app, &user, &edition, &round).await?;
    let lang = ctx.lang;
    let values = form.value;
    let mut errors = FieldErrors::default();
    let track = track_of(&c, &values.track).ok();
    if track.is_none() {
        errors.add("panel_track", tr(lang, "field-required"));
    }
    let member = user_by_login(&app, &values.login).await?;
    if member.is_none() {
        errors.add("panel_login", tr(lang, "team-no-account"));
    }
    let (Some(track), Some(member), true) = (track, member, errors.is_empty()) else {
        let state = PageState {
            errors,
            panel: values,
            ..PageState::default()
        };
        return render_round(&app, ctx, &c, state, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let role = match c.round.round() {
        Round::Preselection => Role::Reviewer,
        Round::Final => Role::Juror,
    };
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    roles::grant_tx(&mut tx, member.id, c.edition.id, role).await?;
    if queries::add_panel_member(&mut tx, c.round.id, track.id, member.id).await? {
        audit::append(
            &mut tx,
            &audit::Entry {
                actor_id: Some(user.id),
                action: "review.panel_member_added",
                object: &format!("round:{}:track:{}", c.round.id, track.id),
                details: serde_json::json!({ "user_id": member.id }),
            },
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Redirect::to(&base_url(&c)).into_response())
}

async fn auto_assign(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path((edition, round)): Path<(String, String)>,
    _form: CsrfForm<serde::de::IgnoredAny>,
) -> AppResult<Response> {
    let c = round_context(&app, &user, &edition, &round).await?;
    if c.round.status() == RoundStatus::Closed {
        let mut errors = FieldErrors::default();
        errors.add("assign", tr(ctx.lang, "review-round-closed"));
        let state = PageState {
            errors,
            ..PageState::default()
        };
        return render_round(&app, ctx, &c, state, StatusCode::CONFLICT).await;
    }
    let is_final = c.round.round() == Round::Final;
    if is_final && !super::jury::shortlist_locked(&app.db, c.edition.id).await? {
        let mut errors = FieldErrors::default();
        errors.add("assign", tr(ctx.lang, "jury-shortlist-not-locked"));
        let state = PageState {
            errors,
            ..PageState::default()
        };
        return render_round(&app, ctx, &c, state, StatusCode::CONFLICT).await;
    }
    let dossiers = round_dossiers(&app, &c).await?;
    let panel = queries::panel(&app.db, c.round.id).await?;
    let conflicts: BTreeSet<(i64, i64)> = queries::conflicts_of_edition(&app.db, c.edition.id)
        .await?
        .into_iter()
        .map(|x| (x.user_id, x.application_id))
        .collect();
    let existing = queries::assignments(&app.db, c.round.id).await?;
    let k = usize::try_from(c.round.reviewers_per_dossier).unwrap_or(3);
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    let mut created = 0usize;
    let mut short = 0usize;
    // Reviewers are named per track: each track is assigned from its own panel.
    for track in &c.tracks {
        let ids: Vec<i64> = dossiers
            .iter()
            .filter(|d| d.track_id == track.id)
            .map(|d| d.id)
            .collect();
        let reviewers: Vec<i64> = panel
            .iter()
            .filter(|m| m.track_id == track.id)
            .map(|m| m.user_id)
            .collect();
        // In the final every juror of the track scores every finalist of the track.
        let k = if is_final { reviewers.len() } else { k };
        let result = assignment::assign(&ids, &reviewers, k, &conflicts, &existing);
        for (reviewer, dossier) in &result.pairs {
            if queries::assign(&mut tx, c.round.id, *dossier, *reviewer, now).await? {
                created += 1;
            }
        }
        short += result.short.len();
    }
    audit::append(
        &mut tx,
        &audit::Entry {
            actor_id: Some(user.id),
            action: "review.assigned",
            object: &format!("round:{}", c.round.id),
            details: serde_json::json!({ "created": created, "reviewers_per_dossier": k, "short": short }),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&base_url(&c)).into_response())
}

async fn dossier_by_reference(
    app: &AppState,
    c: &RoundContext,
    reference: &str,
) -> AppResult<Option<ListedApplication>> {
    let reference = reference.trim().to_uppercase();
    Ok(round_dossiers(app, c)
        .await?
        .into_iter()
        .find(|d| d.reference.as_deref() == Some(reference.as_str())))
}

async fn reassign(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path((edition, round)): Path<(String, String)>,
    form: CsrfForm<ReassignForm>,
) -> AppResult<Response> {
    let c = round_context(&app, &user, &edition, &round).await?;
    let lang = ctx.lang;
    let values = form.value;
    let mut errors = FieldErrors::default();
    let dossier = dossier_by_reference(&app, &c, &values.reference).await?;
    if dossier.is_none() {
        errors.add("reassign_reference", tr(lang, "review-unknown-reference"));
    }
    let remove = if values.remove.trim().is_empty() {
        None
    } else {
        let found = user_by_login(&app, &values.remove).await?;
        if found.is_none() {
            errors.add("reassign_remove", tr(lang, "team-no-account"));
        }
        found
    };
    let add = if values.add.trim().is_empty() {
        None
    } else {
        let found = user_by_login(&app, &values.add).await?;
        if found.is_none() {
            errors.add("reassign_add", tr(lang, "team-no-account"));
        }
        found
    };
    let panel = queries::panel(&app.db, c.round.id).await?;
    if let (Some(d), Some(a)) = (&dossier, &add) {
        if !panel
            .iter()
            .any(|m| m.user_id == a.id && m.track_id == d.track_id)
        {
            errors.add("reassign_add", tr(lang, "review-not-on-panel"));
        } else if queries::has_conflict(&app.db, d.id, a.id).await? {
            errors.add("reassign_add", tr(lang, "review-has-conflict"));
        }
    }
    if remove.is_none() && add.is_none() && errors.is_empty() {
        errors.add("reassign_add", tr(lang, "field-required"));
    }
    if c.round.status() == RoundStatus::Closed {
        errors.add("reassign_reference", tr(lang, "review-round-closed"));
    }
    let (Some(dossier), true) = (dossier, errors.is_empty()) else {
        let state = PageState {
            errors,
            reassign: values,
            ..PageState::default()
        };
        return render_round(&app, ctx, &c, state, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    if let Some(r) = &remove {
        queries::unassign(&mut tx, c.round.id, dossier.id, r.id).await?;
    }
    if let Some(a) = &add {
        queries::assign(&mut tx, c.round.id, dossier.id, a.id, now).await?;
    }
    audit::append(
        &mut tx,
        &audit::Entry {
            actor_id: Some(user.id),
            action: "review.reassigned",
            object: &format!("application:{}", dossier.public_id),
            details: serde_json::json!({
                "round_id": c.round.id,
                "removed": remove.as_ref().map(|u| u.id),
                "added": add.as_ref().map(|u| u.id),
            }),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&base_url(&c)).into_response())
}

/// Reads a dossier-person-reason form; errors are keyed `<action>_reference`, `_login` and
/// `_reason`, as the round page names its fields.
async fn read_dossier_person(
    app: &AppState,
    c: &RoundContext,
    lang: Lang,
    action: &str,
    values: &DossierPersonForm,
    reason_required: &str,
) -> AppResult<(
    Option<ListedApplication>,
    Option<users::UserRow>,
    String,
    FieldErrors,
)> {
    let mut errors = FieldErrors::default();
    let dossier = dossier_by_reference(app, c, &values.reference).await?;
    if dossier.is_none() {
        errors.add(
            format!("{action}_reference"),
            tr(lang, "review-unknown-reference"),
        );
    }
    let person = user_by_login(app, &values.login).await?;
    if person.is_none() {
        errors.add(format!("{action}_login"), tr(lang, "team-no-account"));
    }
    let reason = values.reason.trim().to_owned();
    if reason.is_empty() {
        errors.add(format!("{action}_reason"), tr(lang, reason_required));
    } else if reason.chars().count() > 2000 {
        errors.add(
            format!("{action}_reason"),
            tr(lang, "review-comment-too-long"),
        );
    }
    Ok((dossier, person, reason, errors))
}

async fn set_conflict(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path((edition, round)): Path<(String, String)>,
    form: CsrfForm<DossierPersonForm>,
) -> AppResult<Response> {
    let c = round_context(&app, &user, &edition, &round).await?;
    let lang = ctx.lang;
    let values = form.value;
    let (dossier, member, reason, errors) =
        read_dossier_person(&app, &c, lang, "conflict", &values, "field-required").await?;
    let (Some(dossier), Some(member), true) = (dossier, member, errors.is_empty()) else {
        let state = PageState {
            errors,
            conflict: values,
            ..PageState::default()
        };
        return render_round(&app, ctx, &c, state, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    queries::declare_conflict(&mut tx, dossier.id, member.id, user.id, &reason, now).await?;
    audit::append(
        &mut tx,
        &audit::Entry {
            actor_id: Some(user.id),
            action: "review.conflict_set",
            object: &format!("application:{}", dossier.public_id),
            details: serde_json::json!({ "user_id": member.id, "reason": reason }),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&base_url(&c)).into_response())
}

/// Reopens a reviewer's submitted sheet: it returns to draft so that they can change and
/// submit it again. Only while the round is open and, in the preselection, before the
/// shortlist built from its ranking is locked. Audited with the reason; the reviewer is told.
async fn reopen_sheet(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path((edition, round)): Path<(String, String)>,
    form: CsrfForm<DossierPersonForm>,
) -> AppResult<Response> {
    let c = round_context(&app, &user, &edition, &round).await?;
    let lang = ctx.lang;
    let values = form.value;
    let (dossier, reviewer, reason, errors) = read_dossier_person(
        &app,
        &c,
        lang,
        "reopen",
        &values,
        "followups-reopen-reason-required",
    )
    .await?;
    let (Some(dossier), Some(reviewer), true) = (dossier, reviewer, errors.is_empty()) else {
        let state = PageState {
            errors,
            reopen: values,
            ..PageState::default()
        };
        return render_round(&app, ctx, &c, state, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    // Checked inside the transaction: the round may have closed, or the shortlist been
    // locked, since the page was loaded.
    let current = queries::round_tx(&mut tx, c.round.id).await?;
    let refusal = if current.status() != RoundStatus::Open {
        Some("followups-reopen-round-not-open")
    } else if current.round() == Round::Preselection
        && queries::shortlist_locked_tx(&mut tx, c.edition.id).await?
    {
        Some("followups-reopen-shortlist-locked")
    } else if !queries::reopen_sheet(&mut tx, c.round.id, dossier.id, reviewer.id, now).await? {
        Some("followups-reopen-not-submitted")
    } else {
        None
    };
    if let Some(key) = refusal {
        drop(tx);
        let mut errors = FieldErrors::default();
        errors.add("reopen", tr(lang, key));
        let state = PageState {
            errors,
            reopen: values,
            ..PageState::default()
        };
        return render_round(&app, ctx, &c, state, StatusCode::CONFLICT).await;
    }
    let hash = audit::append(
        &mut tx,
        &audit::Entry {
            actor_id: Some(user.id),
            action: "review.score_reopened",
            object: &format!("application:{}", dossier.public_id),
            details: serde_json::json!({
                "round": c.round.kind, "round_id": c.round.id,
                "reviewer_id": reviewer.id, "reason": reason,
            }),
        },
        now,
    )
    .await?;
    if let Some((channel, recipient)) =
        notifications::channel_for(reviewer.email.as_deref(), reviewer.phone.as_deref())
    {
        let reviewer_lang = Lang::parse(&reviewer.locale).unwrap_or_default();
        let link = match &app.config.public_url {
            Some(base) => format!(
                "{}/review/{}/{}",
                base.trim_end_matches('/'),
                c.round.id,
                dossier.public_id
            ),
            None => format!("/review/{}/{}", c.round.id, dossier.public_id),
        };
        let args = [
            ("reference", dossier.reference.clone().unwrap_or_default()),
            ("reason", reason.clone()),
            ("link", link),
        ];
        notifications::enqueue(
            &mut tx,
            &notifications::NewMessage {
                // One message per reopening: the same sheet may be reopened again later.
                idempotency_key: format!("score-reopened:{hash}"),
                channel,
                recipient,
                subject: tr_args(reviewer_lang, "followups-reopened-subject", &args),
                body: tr_args(reviewer_lang, "followups-reopened-body", &args),
                edition_id: Some(c.edition.id),
            },
            now,
        )
        .await?;
    }
    tx.commit().await?;
    app.outbox_wake.notify_one();
    Ok(Redirect::to(&base_url(&c)).into_response())
}

#[derive(Deserialize, Default)]
pub struct StatusForm {
    #[serde(default)]
    status: String,
}

async fn change_status(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path((edition, round)): Path<(String, String)>,
    form: CsrfForm<StatusForm>,
) -> AppResult<Response> {
    let c = round_context(&app, &user, &edition, &round).await?;
    let target = match form.value.status.as_str() {
        "open" => RoundStatus::Open,
        "closed" => RoundStatus::Closed,
        _ => return Err(AppError::BadRequest("review-bad-status")),
    };
    // The jury scores the finalists: no final before the shortlist is locked.
    if c.round.round() == Round::Final
        && target == RoundStatus::Open
        && !super::jury::shortlist_locked(&app.db, c.edition.id).await?
    {
        let mut errors = FieldErrors::default();
        errors.add("status", tr(ctx.lang, "jury-shortlist-not-locked"));
        let state = PageState {
            errors,
            ..PageState::default()
        };
        return render_round(&app, ctx, &c, state, StatusCode::CONFLICT).await;
    }
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    let current = queries::round_tx(&mut tx, c.round.id).await?.status();
    // Setup → open → closed, never backwards: a closed round's scores are final.
    let allowed = matches!(
        (current, target),
        (RoundStatus::Setup, RoundStatus::Open) | (RoundStatus::Open, RoundStatus::Closed)
    );
    if !allowed {
        drop(tx);
        let mut errors = FieldErrors::default();
        errors.add("status", tr(ctx.lang, "review-status-not-allowed"));
        let state = PageState {
            errors,
            ..PageState::default()
        };
        return render_round(&app, ctx, &c, state, StatusCode::CONFLICT).await;
    }
    queries::set_round_status(&mut tx, c.round.id, target, now).await?;
    audit::append(
        &mut tx,
        &audit::Entry {
            actor_id: Some(user.id),
            action: if target == RoundStatus::Open {
                "review.round_opened"
            } else {
                "review.round_locked"
            },
            object: &format!("round:{}", c.round.id),
            details: serde_json::json!({ "kind": c.round.kind }),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&base_url(&c)).into_response())
}

/// Everything the ranking page and the exports show, computed by the pure ranking code.
pub struct RankingData {
    pub normalised: ranking::Normalised,
    pub pools: Vec<ranking::Pool>,
    /// Per track: its name and its ranked dossiers.
    pub tracks: Vec<(String, Vec<RankedLine>)>,
    /// Every submitted sheet, for the score matrix.
    pub matrix: Vec<MatrixLine>,
    /// Every criterion of the round's rubrics: key, and label in the export's language.
    pub criteria: Vec<(String, String)>,
}

pub struct RankedLine {
    pub position: usize,
    pub reference: String,
    pub title: String,
    pub women_led: bool,
    pub sheets: usize,
    pub raw_mean: String,
    pub score: String,
    pub spread: String,
    pub disputed: bool,
    /// An exact tie with the line above, and how the chain broke it.
    pub tie: Option<String>,
    /// That tie was broken by an arbitrary rule.
    pub arbitrary: bool,
}

pub struct MatrixLine {
    pub reference: String,
    pub track: String,
    pub reviewer: String,
    pub points: BTreeMap<String, u32>,
    pub raw: String,
    pub normalised: String,
}

/// A round's scores turned into rankings by the pure code: per track, the ranked dossiers.
pub struct RoundRanking {
    pub dossiers: Vec<ListedApplication>,
    pub normalised: ranking::Normalised,
    /// Over which dossiers the mean and spread were taken: the round, or each track.
    pub pools: Vec<ranking::Pool>,
    pub stored: Vec<queries::SheetRow>,
    /// Track id → its dossiers in ranking order (tracks in their display order).
    pub ranked: Vec<(i64, Vec<ranking::Ranked>)>,
    /// Dossier → (sum of raw totals, number of sheets).
    pub raw_sum: BTreeMap<i64, (f64, usize)>,
    pub criteria_keys: Vec<String>,
    /// Track id → its rubric and tie-break criteria.
    pub rubrics: BTreeMap<i64, (Rubric, Vec<String>)>,
}

/// Each stored sheet of a dossier still in the round, scored with its track's rubric: the
/// weighted totals and the points behind them, for the ranking code.
pub fn totals_and_sheets(
    stored: &[queries::SheetRow],
    dossiers: &BTreeMap<i64, &ListedApplication>,
    rubrics: &BTreeMap<i64, (Rubric, Vec<String>)>,
) -> (Vec<SheetTotal>, Vec<ReviewSheet>) {
    let mut totals = Vec::new();
    let mut sheets = Vec::new();
    for s in stored {
        let Some(d) = dossiers.get(&s.application_id) else {
            continue;
        };
        let Some((rubric, _)) = rubrics.get(&d.track_id) else {
            continue;
        };
        let points = stored_sheet(rubric, &s.points());
        totals.push(SheetTotal {
            reviewer: s.reviewer_id,
            dossier: s.application_id,
            total: rubric.weighted_total(&points).value(),
        });
        sheets.push(ReviewSheet {
            reviewer: s.reviewer_id,
            dossier: s.application_id,
            points,
        });
    }
    (totals, sheets)
}

pub async fn round_ranking(app: &AppState, c: &RoundContext) -> AppResult<RoundRanking> {
    let dossiers = round_dossiers(app, c).await?;
    let by_id: BTreeMap<i64, &ListedApplication> = dossiers.iter().map(|d| (d.id, d)).collect();
    let mut rubrics = BTreeMap::new();
    for t in &c.tracks {
        rubrics.insert(t.id, rubric_of(app, &c.round, t).await?);
    }
    let stored = queries::submitted_sheets(&app.db, c.round.id).await?;
    let (totals, sheets) = totals_and_sheets(&stored, &by_id, &rubrics);
    // The final is a plain weighted mean: every juror scores every finalist, nobody is
    // rescaled.
    let min_sheets = match c.round.round() {
        Round::Final => usize::MAX,
        Round::Preselection => usize::try_from(c.round.min_sheets).unwrap_or(5),
    };
    let track_of: BTreeMap<i64, i64> = dossiers.iter().map(|d| (d.id, d.track_id)).collect();
    let (normalised, pools) =
        ranking::normalise_pooled(&totals, &track_of, c.round.pooling(), min_sheets);
    let submitted_at: BTreeMap<i64, i64> = dossiers
        .iter()
        .map(|d| (d.id, d.submitted_at.unwrap_or(i64::MAX)))
        .collect();
    let scores = ranking::aggregate(
        &normalised,
        c.round.round(),
        &sheets,
        &submitted_at,
        c.round.dispute_threshold as f64,
    );
    let mut raw_sum: BTreeMap<i64, (f64, usize)> = BTreeMap::new();
    for t in &totals {
        let e = raw_sum.entry(t.dossier).or_insert((0.0, 0));
        e.0 += t.total;
        e.1 += 1;
    }
    let mut ranked = Vec::new();
    for t in &c.tracks {
        let tie_break = rubrics
            .get(&t.id)
            .map(|(_, tb)| tb.clone())
            .unwrap_or_default();
        let of_track: Vec<_> = scores
            .iter()
            .filter(|s| by_id.get(&s.dossier).is_some_and(|d| d.track_id == t.id))
            .cloned()
            .collect();
        ranked.push((t.id, ranking::rank(&of_track, &tie_break)));
    }
    let mut criteria_keys: Vec<String> = Vec::new();
    for (rubric, _) in rubrics.values() {
        for cr in rubric.criteria() {
            if !criteria_keys.contains(&cr.key) {
                criteria_keys.push(cr.key.clone());
            }
        }
    }
    drop(by_id);
    Ok(RoundRanking {
        dossiers,
        normalised,
        pools,
        stored,
        ranked,
        raw_sum,
        criteria_keys,
        rubrics,
    })
}

async fn compute_ranking(app: &AppState, c: &RoundContext, lang: Lang) -> AppResult<RankingData> {
    let RoundRanking {
        dossiers,
        normalised,
        pools,
        stored,
        ranked,
        raw_sum,
        criteria_keys,
        rubrics,
    } = round_ranking(app, c).await?;
    let by_id: BTreeMap<i64, &ListedApplication> = dossiers.iter().map(|d| (d.id, d)).collect();
    let tz = crate::review::jury::edition_tz(&c.edition);
    let reference = |id: i64| {
        by_id
            .get(&id)
            .and_then(|d| d.reference.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let mut tracks = Vec::new();
    for (t, (_, ranked)) in c.tracks.iter().zip(ranked) {
        let (rubric, tie_break) = rubrics
            .get(&t.id)
            .map(|(r, k)| (Some(r), k.clone()))
            .unwrap_or_default();
        let label = |key: &str| {
            rubric
                .and_then(|r| r.criterion(key))
                .map_or_else(|| key.to_owned(), |c| c.label.get(lang).to_owned())
        };
        let names = ties::Names {
            criterion: &label,
            dossier: &reference,
            tz: &tz,
        };
        let lines = ranked
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                let d = by_id.get(&r.dossier)?;
                let (sum, n) = raw_sum.get(&r.dossier).copied().unwrap_or((0.0, 1));
                let steps = i
                    .checked_sub(1)
                    .and_then(|above| ranking::tie_steps(&ranked[above], r, &tie_break));
                Some(RankedLine {
                    position: r.position,
                    reference: d.reference.clone().unwrap_or_default(),
                    title: d.title.clone(),
                    women_led: d.women_led,
                    sheets: r.sheets,
                    raw_mean: format_score(sum / n.max(1) as f64),
                    score: format_score(r.score),
                    spread: format_score(r.spread),
                    disputed: r.disputed,
                    arbitrary: steps.as_deref().is_some_and(ranking::decided_arbitrarily),
                    tie: steps.map(|steps| {
                        ties::describe(lang, ties::Between::LineAbove, r.score, &steps, &names)
                    }),
                })
            })
            .collect();
        tracks.push((track_name(t, lang), lines));
    }
    let panel = queries::panel(&app.db, c.round.id).await?;
    let names: BTreeMap<i64, String> = panel
        .into_iter()
        .map(|m| (m.user_id, m.display_name))
        .collect();
    let track_names: BTreeMap<i64, String> = c
        .tracks
        .iter()
        .map(|t| (t.id, track_name(t, lang)))
        .collect();
    // Normalised sheets follow the stored ones but skip any whose dossier left the round.
    let stored_by_pair: BTreeMap<(i64, i64), &queries::SheetRow> = stored
        .iter()
        .map(|s| ((s.reviewer_id, s.application_id), s))
        .collect();
    let matrix = normalised
        .sheets
        .iter()
        .filter_map(|n| {
            let d = by_id.get(&n.dossier)?;
            let s = stored_by_pair.get(&(n.reviewer, n.dossier))?;
            Some(MatrixLine {
                reference: d.reference.clone().unwrap_or_default(),
                track: track_names.get(&d.track_id).cloned().unwrap_or_default(),
                reviewer: names
                    .get(&n.reviewer)
                    .cloned()
                    .unwrap_or_else(|| n.reviewer.to_string()),
                points: s.points(),
                raw: format_score(n.raw),
                normalised: format_score(n.normalised),
            })
        })
        .collect();
    // Headers name criteria as reviewers saw them, from the first rubric that has each.
    let criteria = criteria_keys
        .into_iter()
        .map(|key| {
            let label = rubrics
                .values()
                .flat_map(|(rubric, _)| rubric.criteria())
                .find(|cr| cr.key == key)
                .map_or_else(|| key.clone(), |cr| cr.label.get(lang).to_owned());
            (key, label)
        })
        .collect();
    Ok(RankingData {
        normalised,
        pools,
        tracks,
        matrix,
        criteria,
    })
}

pub struct ReviewerLine {
    pub name: String,
    pub count: usize,
    pub mean: String,
    pub sd: String,
    pub rescaled: bool,
}

/// One pool of the normalisation as the ranking page states it: over which dossiers `m`
/// and `s` were taken, their values, and each reviewer's figures there.
pub struct PoolView {
    /// "Over the 52 dossiers of the round (all tracks)" or "Start-ups: over its 20 dossiers".
    pub scope: String,
    pub mean: String,
    pub sd: String,
    pub reviewers: Vec<ReviewerLine>,
}

#[derive(Template)]
#[template(path = "review/ranking.html")]
pub struct RankingTemplate {
    pub ctx: Ctx,
    pub back: String,
    pub base: String,
    pub title: String,
    pub closed: bool,
    pub is_final: bool,
    /// Says whether the mean and spread are taken over the whole round or per track.
    pub pooling: String,
    pub pools: Vec<PoolView>,
    pub min_sheets: usize,
    pub tracks: Vec<(String, Vec<RankedLine>)>,
}

async fn ranking_page(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path((edition, round)): Path<(String, String)>,
) -> AppResult<Response> {
    let c = round_context(&app, &user, &edition, &round).await?;
    let lang = ctx.lang;
    let data = compute_ranking(&app, &c, lang).await?;
    let panel = queries::panel(&app.db, c.round.id).await?;
    let names: BTreeMap<i64, String> = panel
        .into_iter()
        .map(|m| (m.user_id, m.display_name))
        .collect();
    let track_names: BTreeMap<i64, String> = c
        .tracks
        .iter()
        .map(|t| (t.id, track_name(t, lang)))
        .collect();
    let pools = data
        .pools
        .iter()
        .map(|p| {
            let n = ("n", p.dossiers.to_string());
            let scope = match p.track {
                None => tr_args(lang, "followups-pool-round", &[n]),
                Some(track) => tr_args(
                    lang,
                    "followups-pool-track",
                    &[
                        n,
                        (
                            "track",
                            track_names.get(&track).cloned().unwrap_or_default(),
                        ),
                    ],
                ),
            };
            PoolView {
                scope,
                mean: format_score(p.stats.mean),
                sd: format_score(p.stats.sd),
                reviewers: p
                    .reviewers
                    .iter()
                    .map(|(id, s)| ReviewerLine {
                        name: names.get(id).cloned().unwrap_or_else(|| id.to_string()),
                        count: s.count,
                        mean: format_score(s.mean),
                        sd: format_score(s.sd),
                        rescaled: s.rescaled,
                    })
                    .collect(),
            }
        })
        .collect();
    render(&RankingTemplate {
        back: base_url(&c),
        base: base_url(&c),
        title: format!(
            "{} {}",
            tr(lang, &format!("round-{}", c.round.kind)),
            c.edition.year
        ),
        closed: c.round.status() == RoundStatus::Closed,
        is_final: c.round.round() == Round::Final,
        pooling: tr(
            lang,
            &format!("followups-pooling-said-{}", c.round.pooling().as_str()),
        ),
        pools,
        min_sheets: data.normalised.min_sheets,
        tracks: data.tracks,
        ctx,
    })
}

fn ranking_table(data: &RankingData, lang: Lang) -> Table {
    let headers = [
        "review-col-track",
        "review-col-position",
        "review-col-reference",
        "admin-col-title",
        "admin-women-led",
        "review-col-sheets",
        "review-col-raw",
        "review-col-normalised",
        "review-col-spread",
        "review-col-disputed",
    ]
    .iter()
    .map(|k| tr(lang, k))
    .collect();
    let yes_no = |b: bool| Cell::Text(tr(lang, if b { "yes" } else { "no" }));
    let rows = data
        .tracks
        .iter()
        .flat_map(|(track, lines)| {
            lines.iter().map(move |l| {
                vec![
                    Cell::Text(track.clone()),
                    Cell::Number(l.position as f64),
                    Cell::Text(l.reference.clone()),
                    Cell::Text(l.title.clone()),
                    yes_no(l.women_led),
                    Cell::Number(l.sheets as f64),
                    Cell::number_or_text(&l.raw_mean),
                    Cell::number_or_text(&l.score),
                    Cell::number_or_text(&l.spread),
                    yes_no(l.disputed),
                ]
            })
        })
        .collect();
    Table { headers, rows }
}

fn matrix_table(data: &RankingData, lang: Lang) -> Table {
    let mut headers: Vec<String> = [
        "review-col-reference",
        "review-col-track",
        "review-col-reviewer",
    ]
    .iter()
    .map(|k| tr(lang, k))
    .collect();
    headers.extend(data.criteria.iter().map(|(_, label)| label.clone()));
    headers.push(tr(lang, "review-col-raw"));
    headers.push(tr(lang, "review-col-normalised"));
    let rows = data
        .matrix
        .iter()
        .map(|m| {
            let mut row = vec![
                Cell::Text(m.reference.clone()),
                Cell::Text(m.track.clone()),
                Cell::Text(m.reviewer.clone()),
            ];
            row.extend(data.criteria.iter().map(|(k, _)| {
                m.points.get(k).map_or_else(
                    || Cell::Text(String::new()),
                    |v| Cell::Number(f64::from(*v)),
                )
            }));
            row.push(Cell::number_or_text(&m.raw));
            row.push(Cell::number_or_text(&m.normalised));
            row
        })
        .collect();
    Table { headers, rows }
}

fn download(bytes: Vec<u8>, content_type: &str, filename: String) -> Response {
    (
        [
            (CONTENT_TYPE, content_type.to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const CSV: &str = "text/csv; charset=utf-8";

/// Scores are for organisers only, and only once the round is closed: until then a
/// ranking would leak partial results.
async fn closed_round(
    app: &AppState,
    user: &crate::accounts::sessions::SessionUser,
    edition: &str,
    round: &str,
) -> AppResult<RoundContext> {
    let c = round_context(app, user, edition, round).await?;
    if c.round.status() != RoundStatus::Closed {
        return Err(AppError::BadRequest("review-export-after-close"));
    }
    Ok(c)
}

/// What an export holds: the rankings, or the whole score matrix.
#[derive(Clone, Copy)]
enum Export {
    Ranking,
    Scores,
}

#[derive(Clone, Copy)]
enum Format {
    Csv,
    Xlsx,
}

async fn export_file(
    app: &AppState,
    lang: Lang,
    user: &crate::accounts::sessions::SessionUser,
    (edition, round): (String, String),
    what: Export,
    format: Format,
) -> AppResult<Response> {
    let c = closed_round(app, user, &edition, &round).await?;
    let data = compute_ranking(app, &c, lang).await?;
    let (table, name) = match what {
        Export::Ranking => (ranking_table(&data, lang), "ranking"),
        Export::Scores => (matrix_table(&data, lang), "scores"),
    };
    let internal = |e: &dyn std::fmt::Display| AppError::Internal(e.to_string());
    let (bytes, content_type, extension) = match format {
        Format::Csv => (
            export::to_csv(&table).map_err(|e| internal(&e))?,
            CSV,
            "csv",
        ),
        Format::Xlsx => (
            export::to_xlsx(&table, name).map_err(|e| internal(&e))?,
            XLSX,
            "xlsx",
        ),
    };
    Ok(download(
        bytes,
        content_type,
        format!("{}-{}-{name}.{extension}", c.edition.slug, c.round.kind),
    ))
}

async fn ranking_csv(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(path): Path<(String, String)>,
) -> AppResult<Response> {
    export_file(&app, ctx.lang, &user, path, Export::Ranking, Format::Csv).await
}

async fn ranking_xlsx(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(path): Path<(String, String)>,
) -> AppResult<Response> {
    export_file(&app, ctx.lang, &user, path, Export::Ranking, Format::Xlsx).await
}

async fn scores_csv(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(path): Path<(String, String)>,
) -> AppResult<Response> {
    export_file(&app, ctx.lang, &user, path, Export::Scores, Format::Csv).await
}

async fn scores_xlsx(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(path): Path<(String, String)>,
) -> AppResult<Response> {
    export_file(&app, ctx.lang, &user, path, Export::Scores, Format::Xlsx).await
}
