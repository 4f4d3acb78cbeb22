//! What every stage of a round shares: the round of an edition as its organisers open it,
//! the dossiers it scores, each track's rubric, and its scores turned into rankings.

use std::collections::BTreeMap;

use super::names::format_duration;
use super::queries::{self, RoundRow};
use super::queries::{measured_secs, settings, STANDINGS_CRITERION, TIMING_CRITERION};
use super::rules::ranking::{self, ReviewSheet, SheetTotal};
use super::rules::rubric::{stored_sheet, Round, Rubric};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

use crate::applications::queries::{
    self as applications, ApplicationRow, ListFilter, ListedApplication,
};
use crate::audit;
use crate::calls::queries::{self as calls, EditionRow, TrackRow};
use crate::ctf::results;
use crate::ctf::rules::StandingsUse;
use crate::db::{DbResult, Tx};
use crate::domain::types::Lang;
use crate::editions::access::{path_param, OrganisedEdition};
use crate::i18n::tr_args;
use crate::review::queries::RoundStatus;
use crate::web::error::{AppError, AppResult};
use crate::web::sessions::SessionUser;
use crate::web::state::AppState;

pub struct RoundContext {
    pub edition: EditionRow,
    pub round: RoundRow,
    pub tracks: Vec<TrackRow>,
}

/// The round `kind` of an edition, created on first use, with the edition's tracks.
pub async fn round_context(
    app: &AppState,
    edition: EditionRow,
    kind: Round,
) -> AppResult<RoundContext> {
    let round = queries::ensure_round(&app.db, edition.id, kind).await?;
    let tracks = calls::tracks_of_edition(&app.db, edition.id).await?;
    Ok(RoundContext {
        edition,
        round,
        tracks,
    })
}

/// A round of an edition the signed-in user organises, named by the `{edition}` and
/// `{round}` segments of the address (`preselection` or `final`); "not found" otherwise.
pub struct OrganisedRound {
    pub round: RoundContext,
    pub user: SessionUser,
}

impl FromRequestParts<AppState> for OrganisedRound {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, Response> {
        let OrganisedEdition { edition, user } =
            OrganisedEdition::from_request_parts(parts, app).await?;
        let kind = path_param(parts, app, "round")
            .await
            .and_then(|round| Round::parse(&round))
            .ok_or_else(|| AppError::NotFound.into_response())?;
        let round = round_context(app, edition, kind)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(OrganisedRound { round, user })
    }
}

/// The dossiers a round scores: for the preselection, those declared eligible; for the
/// final, the finalists (none until the shortlist is locked).
pub async fn round_dossiers(app: &AppState, c: &RoundContext) -> AppResult<Vec<ListedApplication>> {
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

/// The rubric and tie-break criteria a round scores a track with (the default ones until
/// organisers set them).
pub async fn rubric_of(
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

/// What the score form of the final pre-fills on a criterion, and why (the juror may still
/// change the points).
pub struct CriterionHint {
    pub criterion: &'static str,
    pub points: u32,
    pub text: String,
}

/// The criteria the final's score form pre-fills for a dossier: the pitch's measured time on
/// the timing criterion, and the capture-the-flag's final standings on the hackathon's
/// "challenges solved" criterion when organisers chose that the standings count that way.
pub async fn criterion_hints(
    app: &AppState,
    round: &RoundRow,
    dossier: &ApplicationRow,
    rubric: &Rubric,
    lang: Lang,
) -> AppResult<Vec<CriterionHint>> {
    if round.round() != Round::Final {
        return Ok(Vec::new());
    }
    let mut hints = Vec::new();
    hints.extend(timing_hint(app, round, dossier.id, rubric, lang).await?);
    hints.extend(standings_hint(app, round, dossier, rubric, lang).await?);
    Ok(hints)
}

async fn timing_hint(
    app: &AppState,
    round: &RoundRow,
    application_id: i64,
    rubric: &Rubric,
    lang: Lang,
) -> AppResult<Option<CriterionHint>> {
    let Some(criterion) = rubric.criterion(TIMING_CRITERION) else {
        return Ok(None);
    };
    let Some(measured) = measured_secs(&app.db, round.edition_id, application_id).await? else {
        return Ok(None);
    };
    let allowed = settings(&app.db, round.id).await?.allowed_secs;
    let points = Rubric::timing_points(
        u32::try_from(measured).unwrap_or(u32::MAX),
        u32::try_from(allowed).unwrap_or(0),
        criterion.max_points,
    );
    let text = tr_args(
        lang,
        "pitch-timing-hint",
        &[
            ("measured", format_duration(lang, measured)),
            ("allowed", format_duration(lang, allowed)),
            ("points", points.to_string()),
            ("max", criterion.max_points.to_string()),
        ],
    );
    Ok(Some(CriterionHint {
        criterion: TIMING_CRITERION,
        points,
        text,
    }))
}

async fn standings_hint(
    app: &AppState,
    round: &RoundRow,
    dossier: &ApplicationRow,
    rubric: &Rubric,
    lang: Lang,
) -> AppResult<Option<CriterionHint>> {
    let Some(criterion) = rubric.criterion(STANDINGS_CRITERION) else {
        return Ok(None);
    };
    let Some(contest) = results::contest_results(&app.db, round.edition_id, app.now_ms()).await?
    else {
        return Ok(None);
    };
    if contest.standings_use != StandingsUse::Criterion || contest.track_id != dossier.track_id {
        return Ok(None);
    }
    let Some(team) = contest.team_of(dossier.id) else {
        return Ok(None);
    };
    let winner = contest.winner_points();
    let points = results::criterion_points(team.points, winner, criterion.max_points);
    let teams = contest.teams.as_ref().map_or(0, Vec::len);
    let text = tr_args(
        lang,
        "ctf-standings-hint",
        &[
            ("team", team.name.clone()),
            ("rank", team.rank.to_string()),
            ("teams", teams.to_string()),
            ("score", team.points.to_string()),
            ("winner", winner.to_string()),
            ("points", points.to_string()),
            ("max", criterion.max_points.to_string()),
        ],
    );
    Ok(Some(CriterionHint {
        criterion: STANDINGS_CRITERION,
        points,
        text,
    }))
}

/// Opens or closes a round — the status and its audit entry, in the caller's transaction —
/// as the organisers' round page and the demo both do.
pub async fn set_status(
    tx: &mut Tx,
    round: &RoundRow,
    target: RoundStatus,
    actor_id: i64,
    now_ms: i64,
) -> DbResult<()> {
    queries::set_round_status(tx, round.id, target, now_ms).await?;
    let action = match target {
        RoundStatus::Open => audit::Action::ReviewRoundOpened,
        RoundStatus::Closed | RoundStatus::Setup => audit::Action::ReviewRoundLocked,
    };
    audit::Entry::by(
        actor_id,
        action,
        &format!("round:{}", round.id),
        serde_json::json!({ "kind": round.kind }),
    )
    .append(tx, now_ms)
    .await?;
    Ok(())
}

/// A conflict of interest between a reviewer and a dossier — declared by the reviewer, or set
/// by an organiser (`actor_id` differs) — and its audit entry, in the caller's transaction.
pub async fn record_conflict(
    tx: &mut Tx,
    dossier: (i64, &str),
    reviewer_id: i64,
    actor_id: i64,
    reason: &str,
    now_ms: i64,
) -> DbResult<()> {
    let (dossier_id, dossier_public_id) = dossier;
    queries::declare_conflict(tx, dossier_id, reviewer_id, actor_id, reason, now_ms).await?;
    let action = if reviewer_id == actor_id {
        audit::Action::ReviewConflictDeclared
    } else {
        audit::Action::ReviewConflictSet
    };
    audit::Entry::by(
        actor_id,
        action,
        &format!("application:{dossier_public_id}"),
        serde_json::json!({ "user_id": reviewer_id, "reason": reason }),
    )
    .append(tx, now_ms)
    .await?;
    Ok(())
}
