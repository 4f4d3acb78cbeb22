//! The round's ranking with its documented arithmetic, and its exports (CSV, XLSX).

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

use super::pages::base_url;
use crate::applications::export::{self, Cell, Table};
use crate::applications::queries::ListedApplication;
use crate::domain::types::Lang;
use crate::i18n::{tr, tr_args};

use crate::review::queries::{self, RoundStatus};
use crate::review::round::{round_ranking, OrganisedRound, RoundContext, RoundRanking};
use crate::review::rules::ranking::format_score;
use crate::review::rules::ranking::{self};
use crate::review::rules::rubric::Round;
use crate::review::ties;
use crate::web::ctx::Ctx;
use crate::web::error::{AppError, AppResult};
use crate::web::state::AppState;
use crate::web::templates::render;

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
    let tz = crate::review::names::edition_tz(&c.edition);
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
        tracks.push((t.name(lang), lines));
    }
    let panel = queries::panel(&app.db, c.round.id).await?;
    let names: BTreeMap<i64, String> = panel
        .into_iter()
        .map(|m| (m.user_id, m.display_name))
        .collect();
    let track_names: BTreeMap<i64, String> =
        c.tracks.iter().map(|t| (t.id, t.name(lang))).collect();
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
#[template(path = "review/committee/ranking.html")]
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

pub(super) async fn ranking_page(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedRound { round: c, .. }: OrganisedRound,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let data = compute_ranking(&app, &c, lang).await?;
    let panel = queries::panel(&app.db, c.round.id).await?;
    let names: BTreeMap<i64, String> = panel
        .into_iter()
        .map(|m| (m.user_id, m.display_name))
        .collect();
    let track_names: BTreeMap<i64, String> =
        c.tracks.iter().map(|t| (t.id, t.name(lang))).collect();
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
fn closed_round(c: RoundContext) -> AppResult<RoundContext> {
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
    c: RoundContext,
    what: Export,
    format: Format,
) -> AppResult<Response> {
    let c = closed_round(c)?;
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

pub(super) async fn ranking_csv(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedRound { round, .. }: OrganisedRound,
) -> AppResult<Response> {
    export_file(&app, ctx.lang, round, Export::Ranking, Format::Csv).await
}

pub(super) async fn ranking_xlsx(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedRound { round, .. }: OrganisedRound,
) -> AppResult<Response> {
    export_file(&app, ctx.lang, round, Export::Ranking, Format::Xlsx).await
}

pub(super) async fn scores_csv(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedRound { round, .. }: OrganisedRound,
) -> AppResult<Response> {
    export_file(&app, ctx.lang, round, Export::Scores, Format::Csv).await
}

pub(super) async fn scores_xlsx(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedRound { round, .. }: OrganisedRound,
) -> AppResult<Response> {
    export_file(&app, ctx.lang, round, Export::Scores, Format::Xlsx).await
}
