//! A track's rubric in a round: shown, edited as JSON by organisers, frozen once scored.

use crate::i18n::Say;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::actions;
use super::pages::base_url;
use crate::calls::queries::TrackRow;
use crate::i18n::tr;

use crate::review::queries::{self, RoundRow};
use crate::review::round::{rubric_of, OrganisedRound, RoundContext};
use crate::review::rules::rubric::Rubric;
use crate::web::ctx::{CsrfForm, Ctx};
use crate::web::edit::{posted_version, StaleEdit};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::FieldErrors;
use crate::web::state::AppState;
use crate::web::templates::{render, render_with_status};

#[derive(Template)]
#[template(path = "review/committee/rubric.html")]
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

pub(super) fn track_of(c: &RoundContext, track: &str) -> AppResult<TrackRow> {
    let id: i64 = track.parse().map_err(|_| AppError::NotFound)?;
    c.tracks
        .iter()
        .find(|t| t.id == id)
        .cloned()
        .ok_or(AppError::NotFound)
}

pub(super) async fn rubric_page(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedRound { round: c, .. }: OrganisedRound,
    Path((_, _, track)): Path<(String, String, String)>,
) -> AppResult<Response> {
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
        track: track.name(lang),
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

pub(super) async fn save_rubric(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedRound { round: c, user }: OrganisedRound,
    Path((_, _, track)): Path<(String, String, String)>,
    form: CsrfForm<RubricForm>,
) -> AppResult<Response> {
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
                    track: track.name(lang),
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
    let about = (&c.round, track.id);
    let saved = (&rubric, tie_break.as_slice());
    if !actions::save_rubric(&mut tx, about, expected, saved, user.id, now).await? {
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
                track: track.name(lang),
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
    tx.commit().await?;
    Ok(Redirect::to(&base_url(&c)).into_response())
}
