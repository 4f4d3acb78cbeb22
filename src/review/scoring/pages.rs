//! The reviewer's and juror's side: their queue, the score form (draft, then submit), and
//! declaring a conflict of interest. Works without JavaScript on a phone.

use super::actions;
use crate::i18n::Say;
use crate::review::round;
use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use crate::applications::panel_access::{openable_files, OpenableFile};
use crate::applications::queries::{self as applications, ApplicationRow};
use crate::calls::queries as calls;
use crate::domain::form;
use crate::domain::types::Lang;
use crate::i18n::tr;
use crate::review::queries::{self, RoundRow, RoundStatus};
use crate::review::round::rubric_of;
use crate::review::rules::ranking::format_score;
use crate::review::rules::rubric::{stored_sheet, Points, Round, Rubric};
use crate::web::ctx::{CsrfForm, Ctx, SignedIn};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::FieldErrors;
use crate::web::sessions::SessionUser;
use crate::web::state::AppState;
use crate::web::templates::{render, render_with_status};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/review", get(queue))
        .route(
            "/review/panel/{round}",
            get(panel_page).post(panel_conflict),
        )
        .route(
            "/review/{round}/{dossier}",
            get(score_page).post(save_scores),
        )
        .route("/review/{round}/{dossier}/conflict", post(declare_conflict))
}

pub struct QueueItem {
    pub url: String,
    pub reference: String,
    pub track: String,
    pub round: String,
    pub done: bool,
    pub draft: bool,
}

#[derive(Template)]
#[template(path = "review/scoring/queue.html")]
pub struct QueueTemplate {
    pub ctx: Ctx,
    pub items: Vec<QueueItem>,
    pub done: usize,
    /// Links to the panel pages where conflicts of interest are declared.
    pub panels: Vec<String>,
}

fn round_label(lang: Lang, round: Round, year: i64) -> String {
    format!("{} {year}", tr(lang, &format!("round-{}", round.as_str())))
}

async fn queue(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
) -> AppResult<Response> {
    let rows = queries::queue(&app.db, user.id).await?;
    let mut track_names: BTreeMap<i64, String> = BTreeMap::new();
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        if let std::collections::btree_map::Entry::Vacant(slot) = track_names.entry(row.track_id) {
            let name = calls::track_by_id(&app.db, row.track_id)
                .await?
                .map(|t| {
                    if ctx.lang == Lang::En {
                        t.name_en
                    } else {
                        t.name_fr
                    }
                })
                .unwrap_or_default();
            slot.insert(name);
        }
        let round = Round::parse(&row.round_kind).unwrap_or(Round::Preselection);
        items.push(QueueItem {
            url: format!("/review/{}/{}", row.round_id, row.public_id),
            reference: row.reference.unwrap_or_default(),
            track: track_names.get(&row.track_id).cloned().unwrap_or_default(),
            round: round_label(ctx.lang, round, row.edition_year),
            done: row.sheet_status.as_deref() == Some("submitted"),
            draft: row.sheet_status.as_deref() == Some("draft"),
        });
    }
    let done = items.iter().filter(|i| i.done).count();
    let mut panels: Vec<String> = queries::panels_of(&app.db, user.id)
        .await?
        .into_iter()
        .map(|(round, _)| format!("/review/panel/{round}"))
        .collect();
    panels.dedup();
    render(&QueueTemplate {
        ctx,
        items,
        done,
        panels,
    })
}

/// One criterion on the score form, with what was typed and its error.
pub struct CriterionView {
    pub key: String,
    pub label: String,
    pub guidance: String,
    pub max_points: u32,
    pub weight: u32,
    pub bonus: bool,
    pub value: String,
    pub comment: String,
    pub error: Option<String>,
    /// What the organisers' timer measured (final round, timing criterion).
    pub hint: Option<String>,
}

/// Another panel member's sheet, shown only once the round is closed.
pub struct OtherSheet {
    pub reviewer: String,
    pub total: String,
    pub points: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "review/scoring/score.html")]
pub struct ScoreTemplate {
    pub ctx: Ctx,
    pub action: String,
    pub reference: String,
    pub title: String,
    pub track: String,
    pub round: String,
    pub sections: Vec<(String, Vec<(String, String)>)>,
    pub files: Vec<OpenableFile>,
    pub blind: bool,
    pub criteria: Vec<CriterionView>,
    pub submitted: bool,
    pub editable: bool,
    pub total: String,
    pub errors: FieldErrors,
    pub others: Vec<OtherSheet>,
    pub saved: bool,
    /// Why the organisers reopened this (draft again) sheet, if they did.
    pub reopened_because: Option<String>,
}

/// What a panel member may open: a dossier assigned to them in a round that is not in setup.
struct Scoring {
    round: RoundRow,
    dossier: ApplicationRow,
    rubric: Rubric,
    track_name: crate::domain::types::Localized,
    edition_year: i64,
}

async fn load(
    app: &AppState,
    user: &SessionUser,
    round_id: &str,
    public_id: &str,
) -> AppResult<Scoring> {
    let round_id: i64 = round_id.parse().map_err(|_| AppError::NotFound)?;
    let round = queries::round_by_id(&app.db, round_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let dossier = applications::find(&app.db, public_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = app.db.begin().await?;
    let assigned = queries::is_assigned(&mut tx, round.id, dossier.id, user.id).await?;
    drop(tx);
    // Someone not assigned (or no longer, after a conflict) learns nothing about the dossier.
    if !assigned || round.status() == RoundStatus::Setup {
        return Err(AppError::NotFound);
    }
    let track = calls::track_by_id(&app.db, dossier.track_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (rubric, _) = rubric_of(app, &round, &track).await?;
    let edition_year = calls::editions(&app.db)
        .await?
        .into_iter()
        .find(|e| e.id == round.edition_id)
        .map(|e| e.year)
        .unwrap_or_default();
    Ok(Scoring {
        round,
        dossier,
        rubric,
        track_name: crate::domain::types::Localized {
            fr: track.name_fr.clone(),
            en: track.name_en.clone(),
        },
        edition_year,
    })
}

/// The dossier as a reviewer sees it: in blind mode, what the form marks personal (names,
/// contacts, ID documents) is left out at any depth, team members' names included.
/// Files are listed apart, as links, and only those a panel member may open.
async fn dossier_sections(
    app: &AppState,
    s: &Scoring,
    lang: Lang,
) -> AppResult<(Vec<(String, Vec<(String, String)>)>, Vec<OpenableFile>)> {
    let definition =
        calls::form_definition(&app.db, s.dossier.track_id, s.dossier.form_version).await?;
    let blind = s.round.blind;
    let answers = if blind {
        form::without_personal(&definition, &s.dossier.answers()?)
    } else {
        s.dossier.answers()?
    };
    let files = openable_files(&definition, &answers, blind, lang);
    let sections = definition
        .sections
        .iter()
        .map(|section| {
            let rows = section
                .fields
                .iter()
                .filter(|f| !(blind && f.personal))
                .filter(|f| !matches!(f.kind, form::FieldKind::File { .. }))
                .map(|f| {
                    let value = answers
                        .0
                        .get(&f.key)
                        .map(|a| crate::applications::form_view::answer_display(a, f, lang))
                        .unwrap_or_default();
                    (f.label.get(lang).to_owned(), value)
                })
                .collect::<Vec<_>>();
            (section.title.get(lang).to_owned(), rows)
        })
        .filter(|(_, rows)| !rows.is_empty())
        .collect();
    Ok((sections, files))
}

#[allow(clippy::too_many_arguments)]
async fn render_score_page(
    app: &AppState,
    ctx: Ctx,
    user: &SessionUser,
    s: &Scoring,
    typed: &BTreeMap<String, String>,
    errors: FieldErrors,
    status: StatusCode,
    saved: bool,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let mut tx = app.db.begin().await?;
    let stored = queries::sheet_tx(&mut tx, s.round.id, s.dossier.id, user.id).await?;
    drop(tx);
    let submitted = stored.as_ref().is_some_and(|sh| sh.is_submitted());
    let stored_points = stored.as_ref().map(|sh| sh.points()).unwrap_or_default();
    let stored_comments = stored.as_ref().map(|sh| sh.comments()).unwrap_or_default();
    // In the final, the measured pitch time and the CTF's standings pre-fill their criteria.
    let hints = round::criterion_hints(app, &s.round, &s.dossier, &s.rubric, lang).await?;
    let hint_of = |key: &str| hints.iter().find(|h| h.criterion == key);
    let criteria = s
        .rubric
        .criteria()
        .iter()
        .map(|c| CriterionView {
            key: c.key.clone(),
            label: c.label.get(lang).to_owned(),
            guidance: c.guidance.get(lang).to_owned(),
            max_points: c.max_points,
            weight: c.weight,
            bonus: c.bonus,
            value: typed
                .get(&c.key)
                .cloned()
                .or_else(|| stored_points.get(&c.key).map(|v| v.to_string()))
                .or_else(|| hint_of(&c.key).map(|t| t.points.to_string()))
                .unwrap_or_default(),
            comment: typed
                .get(&format!("comment_{}", c.key))
                .cloned()
                .or_else(|| stored_comments.get(&c.key).cloned())
                .unwrap_or_default(),
            error: errors.get(&c.key).map(str::to_owned),
            hint: hint_of(&c.key).map(|t| t.text.clone()),
        })
        .collect();
    let total = if stored.is_some() {
        format_score(
            s.rubric
                .weighted_total(&stored_sheet(&s.rubric, &stored_points))
                .value(),
        )
    } else {
        String::new()
    };
    // Nobody sees another panel member's scores before the round is closed.
    let mut others = Vec::new();
    if s.round.status() == RoundStatus::Closed {
        for sheet in queries::sheets_of_dossier(&app.db, s.round.id, s.dossier.id).await? {
            if sheet.reviewer_id == user.id {
                continue;
            }
            let name = crate::accounts::users::find_by_id(&app.db, sheet.reviewer_id)
                .await?
                .map(|u| u.display_name)
                .unwrap_or_default();
            let points = sheet.points();
            others.push(OtherSheet {
                reviewer: name,
                total: format_score(
                    s.rubric
                        .weighted_total(&stored_sheet(&s.rubric, &points))
                        .value(),
                ),
                points: s
                    .rubric
                    .criteria()
                    .iter()
                    .map(|c| {
                        (
                            c.label.get(lang).to_owned(),
                            points
                                .get(&c.key)
                                .map(|v| v.to_string())
                                .unwrap_or_else(|| "—".into()),
                        )
                    })
                    .collect(),
            });
        }
    }
    let (sections, files) = dossier_sections(app, s, lang).await?;
    let reopened_because = match stored {
        Some(_) if !submitted => {
            queries::reopen_reason(&app.db, s.round.id, &s.dossier.public_id, user.id).await?
        }
        _ => None,
    };
    render_with_status(
        status,
        &ScoreTemplate {
            action: format!("/review/{}/{}", s.round.id, s.dossier.public_id),
            reference: s.dossier.reference.clone().unwrap_or_default(),
            title: if s.round.blind {
                String::new()
            } else {
                s.dossier.title.clone()
            },
            track: s.track_name.get(lang).to_owned(),
            round: round_label(lang, s.round.round(), s.edition_year),
            sections,
            files,
            blind: s.round.blind,
            criteria,
            submitted,
            editable: !submitted && s.round.status() == RoundStatus::Open,
            total,
            errors,
            others,
            saved,
            reopened_because,
            ctx,
        },
    )
}

async fn score_page(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path((round, dossier)): Path<(String, String)>,
    axum::extract::Query(q): axum::extract::Query<SavedQuery>,
) -> AppResult<Response> {
    let s = load(&app, &user, &round, &dossier).await?;
    render_score_page(
        &app,
        ctx,
        &user,
        &s,
        &BTreeMap::new(),
        FieldErrors::default(),
        StatusCode::OK,
        q.saved.is_some(),
    )
    .await
}

#[derive(Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

async fn save_scores(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path((round, dossier)): Path<(String, String)>,
    form: CsrfForm<serde::de::IgnoredAny>,
) -> AppResult<Response> {
    let s = load(&app, &user, &round, &dossier).await?;
    let lang = ctx.lang;
    let typed: BTreeMap<String, String> = form.pairs.into_iter().collect();
    let submit = typed.get("action").map(String::as_str) == Some("submit");
    let mut errors = FieldErrors::default();
    if s.round.status() != RoundStatus::Open {
        errors.add("form", tr(lang, "review-round-not-open"));
        return render_score_page(
            &app,
            ctx,
            &user,
            &s,
            &typed,
            errors,
            StatusCode::CONFLICT,
            false,
        )
        .await;
    }
    // A draft may be partial, but every number typed must be valid; a submission needs all.
    let mut points = BTreeMap::new();
    for c in s.rubric.criteria() {
        let input = typed.get(&c.key).map(|v| v.trim()).unwrap_or("");
        if input.is_empty() {
            if submit && !c.bonus {
                errors.add(c.key.clone(), tr(lang, "review-score-required"));
            }
            continue;
        }
        match Points::parse(input, c) {
            Ok(p) => {
                points.insert(c.key.clone(), p.value());
            }
            Err(e) => errors.add(c.key.clone(), e.message(lang)),
        }
    }
    let mut comments = BTreeMap::new();
    for c in s.rubric.criteria() {
        if let Some(text) = typed.get(&format!("comment_{}", c.key)) {
            let text = text.trim();
            if text.chars().count() > 2000 {
                errors.add(c.key.clone(), tr(lang, "review-comment-too-long"));
            } else if !text.is_empty() {
                comments.insert(c.key.clone(), text.to_owned());
            }
        }
    }
    if !errors.is_empty() {
        return render_score_page(
            &app,
            ctx,
            &user,
            &s,
            &typed,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
            false,
        )
        .await;
    }
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    let sheet = actions::Sheet {
        round: &s.round,
        rubric: &s.rubric,
        dossier: (s.dossier.id, &s.dossier.public_id),
        reviewer_id: user.id,
        points: &points,
        comments: &comments,
        submit,
    };
    if let Err(refused) = actions::save(&mut tx, &sheet, now).await? {
        drop(tx);
        let mut errors = FieldErrors::default();
        errors.add("form", tr(lang, refused.key()));
        return render_score_page(
            &app,
            ctx,
            &user,
            &s,
            &typed,
            errors,
            StatusCode::CONFLICT,
            false,
        )
        .await;
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/review/{}/{}?saved=1",
        s.round.id, s.dossier.public_id
    ))
    .into_response())
}

#[derive(Deserialize, Default)]
pub struct ConflictForm {
    #[serde(default)]
    reason: String,
}

async fn declare_conflict(
    State(app): State<AppState>,
    SignedIn(user): SignedIn,
    Path((round, dossier)): Path<(String, String)>,
    form: CsrfForm<ConflictForm>,
) -> AppResult<Response> {
    let s = load(&app, &user, &round, &dossier).await?;
    let reason = form
        .value
        .reason
        .trim()
        .chars()
        .take(2000)
        .collect::<String>();
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    if queries::sheet_tx(&mut tx, s.round.id, s.dossier.id, user.id)
        .await?
        .is_some_and(|sh| sh.is_submitted())
    {
        // A submitted sheet stays: withdrawing after scoring would let a reviewer erase it.
        return Err(AppError::BadRequest("review-conflict-after-submit"));
    }
    round::record_conflict(
        &mut tx,
        (s.dossier.id, &s.dossier.public_id),
        user.id,
        user.id,
        &reason,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/review").into_response())
}

/// A dossier of the reviewer's panels, as the conflict page names it.
pub struct PanelDossier {
    pub reference: String,
    pub name: String,
    pub track: String,
    pub conflict: bool,
}

#[derive(Template)]
#[template(path = "review/scoring/panel.html")]
pub struct PanelTemplate {
    pub ctx: Ctx,
    pub action: String,
    pub round: String,
    pub dossiers: Vec<PanelDossier>,
    pub error: Option<String>,
    pub reference: String,
    pub reason: String,
}

/// What identifies a dossier to someone who may know its authors: its project, service,
/// company or team name — never a field the form marks personal when the round is blind.
fn identifying_name(form: &form::FormDefinition, answers: &form::Answers, blind: bool) -> String {
    const NAME_FIELDS: [&str; 4] = ["project_title", "service_name", "company_name", "team_name"];
    NAME_FIELDS
        .iter()
        .filter_map(|key| {
            let field = form
                .sections
                .iter()
                .flat_map(|s| s.fields.iter())
                .find(|f| f.key == *key)?;
            if blind && field.personal {
                return None;
            }
            answers
                .0
                .get(*key)
                .and_then(|a| a.as_text())
                .map(str::to_owned)
        })
        .find(|name| !name.trim().is_empty())
        .unwrap_or_default()
}

/// The round and the tracks whose panel this person sits on; 404 for anyone else, and once
/// the round is closed.
async fn my_panel(
    app: &AppState,
    user: &SessionUser,
    round: &str,
) -> AppResult<(RoundRow, Vec<i64>)> {
    let round_id: i64 = round.parse().map_err(|_| AppError::NotFound)?;
    let tracks: Vec<i64> = queries::panels_of(&app.db, user.id)
        .await?
        .into_iter()
        .filter(|(r, _)| *r == round_id)
        .map(|(_, t)| t)
        .collect();
    let round = queries::round_by_id(&app.db, round_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if tracks.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok((round, tracks))
}

async fn render_panel(
    app: &AppState,
    ctx: Ctx,
    user: &SessionUser,
    round: &RoundRow,
    tracks: &[i64],
    refused: Option<(String, String, String)>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let conflicts = queries::conflicts_of(&app.db, user.id).await?;
    let mut forms = BTreeMap::new();
    let mut track_names = BTreeMap::new();
    for t in tracks {
        if let Some(track) = calls::track_by_id(&app.db, *t).await? {
            track_names.insert(
                *t,
                if lang == Lang::En {
                    track.name_en
                } else {
                    track.name_fr
                },
            );
        }
    }
    let mut dossiers = Vec::new();
    for d in crate::review::round::dossiers_of_round(app, round).await? {
        if !tracks.contains(&d.track_id) {
            continue;
        }
        let key = (d.track_id, d.form_version);
        if let std::collections::btree_map::Entry::Vacant(slot) = forms.entry(key) {
            slot.insert(calls::form_definition(&app.db, d.track_id, d.form_version).await?);
        }
        let answers: form::Answers = serde_json::from_str(&d.answers_json).unwrap_or_default();
        let name = forms
            .get(&key)
            .map(|f| identifying_name(f, &answers, round.blind))
            .unwrap_or_default();
        dossiers.push(PanelDossier {
            reference: d.reference.clone().unwrap_or_default(),
            name,
            track: track_names.get(&d.track_id).cloned().unwrap_or_default(),
            conflict: conflicts.contains(&d.id),
        });
    }
    let year = calls::editions(&app.db)
        .await?
        .into_iter()
        .find(|e| e.id == round.edition_id)
        .map(|e| e.year)
        .unwrap_or_default();
    let (error, reference, reason) = match refused {
        Some((e, r, why)) => (Some(e), r, why),
        None => (None, String::new(), String::new()),
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render_with_status(
        status,
        &PanelTemplate {
            action: format!("/review/panel/{}", round.id),
            round: round_label(lang, round.round(), year),
            dossiers,
            error,
            reference,
            reason,
            ctx,
        },
    )
}

async fn panel_page(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(round): Path<String>,
) -> AppResult<Response> {
    let (round, tracks) = my_panel(&app, &user, &round).await?;
    render_panel(&app, ctx, &user, &round, &tracks, None).await
}

#[derive(Deserialize, Default)]
pub struct PanelConflictForm {
    #[serde(default)]
    reference: String,
    #[serde(default)]
    reason: String,
}

/// A conflict declared from the panel page, before or after the assignment: the dossier will
/// never be (or is no longer) assigned to this person.
async fn panel_conflict(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(round): Path<String>,
    form: CsrfForm<PanelConflictForm>,
) -> AppResult<Response> {
    let (round, tracks) = my_panel(&app, &user, &round).await?;
    let values = form.value;
    let reference = values.reference.trim().to_uppercase();
    let reason = values.reason.trim().to_owned();
    let dossier = crate::review::round::dossiers_of_round(&app, &round)
        .await?
        .into_iter()
        .find(|d| {
            tracks.contains(&d.track_id) && d.reference.as_deref() == Some(reference.as_str())
        });
    let refusal = if dossier.is_none() {
        Some("review-unknown-reference")
    } else if reason.is_empty() {
        Some("field-required")
    } else if reason.chars().count() > 2000 {
        Some("review-comment-too-long")
    } else {
        None
    };
    let (Some(dossier), None) = (dossier, refusal) else {
        let message = tr(ctx.lang, refusal.unwrap_or("review-unknown-reference"));
        return render_panel(
            &app,
            ctx,
            &user,
            &round,
            &tracks,
            Some((message, values.reference, values.reason)),
        )
        .await;
    };
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    if queries::sheet_tx(&mut tx, round.id, dossier.id, user.id)
        .await?
        .is_some_and(|sh| sh.is_submitted())
    {
        return Err(AppError::BadRequest("review-conflict-after-submit"));
    }
    round::record_conflict(
        &mut tx,
        (dossier.id, &dossier.public_id),
        user.id,
        user.id,
        &reason,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/review/panel/{}", round.id)).into_response())
}
