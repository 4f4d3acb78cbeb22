//! The organisers' side of a review round: settings, rubrics (frozen once scored), panels,
//! automatic and manual assignment, conflicts of interest, opening and closing, the ranking
//! with its documented arithmetic, and the exports.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::actions;
use crate::accounts::users;
use crate::i18n::tr;

use crate::review::queries::{self, RoundSettings, RoundStatus};
use crate::review::round;
use crate::review::round::{round_context, round_dossiers, OrganisedRound, RoundContext};
use crate::review::rules::ranking::{self};
use crate::review::rules::rubric::Round;
use crate::web::ctx::{CsrfForm, Ctx};
use crate::web::edit::{posted_version, StaleEdit};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::FieldErrors;
use crate::web::state::AppState;
use crate::web::templates::render_with_status;

pub(super) fn base_url(c: &RoundContext) -> String {
    format!("/admin/editions/{}/review/{}", c.edition.slug, c.round.kind)
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
#[template(path = "review/committee/round.html")]
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
pub(super) struct PageState {
    pub(super) errors: FieldErrors,
    pub(super) stale: Option<StaleEdit>,
    pub(super) notice: Option<String>,
    pub(super) settings: Option<SettingsForm>,
    pub(super) panel: PanelForm,
    pub(super) reassign: ReassignForm,
    pub(super) conflict: DossierPersonForm,
    pub(super) reopen: DossierPersonForm,
}

pub(super) async fn render_round(
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
            name: t.name(lang),
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
        pooling: c.round.pooling.to_string(),
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

pub(super) async fn round_page(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedRound { round: c, .. }: OrganisedRound,
) -> AppResult<Response> {
    render_round(&app, ctx, &c, PageState::default(), StatusCode::OK).await
}

fn parse_bounded(input: &str, range: std::ops::RangeInclusive<i64>) -> Option<i64> {
    input
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|v| range.contains(v))
}

pub(super) async fn save_settings(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedRound { round: c, user }: OrganisedRound,
    form: CsrfForm<SettingsForm>,
) -> AppResult<Response> {
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
    if !actions::save_settings(&mut tx, &c.round, expected, &settings, user.id, now).await? {
        drop(tx);
        // Shown against the round as stored now, the typed values kept in the form.
        let c = round_context(&app, c.edition, c.round.round()).await?;
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
    tx.commit().await?;
    Ok(Redirect::to(&base_url(&c)).into_response())
}

#[derive(Deserialize, Default)]
pub struct StatusForm {
    #[serde(default)]
    status: String,
}

pub(super) async fn change_status(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedRound { round: c, user }: OrganisedRound,
    form: CsrfForm<StatusForm>,
) -> AppResult<Response> {
    let target = match form.value.status.as_str() {
        "open" => RoundStatus::Open,
        "closed" => RoundStatus::Closed,
        _ => return Err(AppError::BadRequest("review-bad-status")),
    };
    // The jury scores the finalists: no final before the shortlist is locked.
    if c.round.round() == Round::Final
        && target == RoundStatus::Open
        && !crate::review::queries::shortlist_locked(&app.db, c.edition.id).await?
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
    round::set_status(&mut tx, &c.round, target, user.id, now).await?;
    tx.commit().await?;
    Ok(Redirect::to(&base_url(&c)).into_response())
}
