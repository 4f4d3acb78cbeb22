//! The deliberation (ranking per category, top 3, special prize) and the publication of the
//! results it decides, with the message to every finalist.

use super::context::{distinct_team, round_title};
use crate::editions::access::OrganisedEdition;
use crate::review::round::rubric_of;
use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::podium::CtfPodium;
use crate::applications::queries::ListedApplication;
use crate::audit;
use crate::calls::queries::{self as calls, EditionRow, TrackRow};
use crate::ctf::results;
use crate::ctf::rules::StandingsUse;
use crate::db::{DbError, Tx};
use crate::domain::types::Lang;
use crate::i18n::{tr, tr_args};
use crate::notifications::letters::{self, Letter, Reader};
use crate::notifications::templates::{MessageKind, Values};
use crate::review::names::{edition_tz, format_at, people_names, place_label};
use crate::review::publication::{
    self, insert_publication, latest_tx, NewPublication, PublicDossier, PublicTrack, Snapshot,
};
use crate::review::queries::settings;
use crate::review::queries::{self, RoundRow, RoundStatus};
use crate::review::rules::prizes::Change;
use crate::review::rules::prizes::{self, Laureates};
use crate::review::rules::ranking::format_score;
use crate::review::rules::ranking::{self, DossierScore};
use crate::review::rules::rubric::Round;
use crate::review::ties;
use crate::run_tx;
use crate::web::ctx::{CsrfForm, Ctx};
use crate::web::edit::StaleEdit;
use crate::web::error::{AppError, AppResult};
use crate::web::forms::FieldErrors;
use crate::web::state::AppState;
use crate::web::templates::render_with_status;

// ---------------------------------------------------------------------------------------
// Deliberation
// ---------------------------------------------------------------------------------------

pub struct RankLine {
    pub position: usize,
    pub reference: String,
    pub title: String,
    pub team: String,
    pub women_led: bool,
    pub sheets: usize,
    pub score: String,
    pub spread: String,
    pub disputed: bool,
    pub prize: Option<String>,
    pub special: bool,
    /// An exact tie with the line above, and how the chain broke it.
    pub tie: Option<String>,
    /// That tie was broken by an arbitrary rule.
    pub arbitrary: bool,
}

pub struct TrackRanking {
    pub name: String,
    pub lines: Vec<RankLine>,
    /// How the category is decided when not by the jury's sheets (the CTF's standings).
    pub note: Option<String>,
}

/// The outcome of the deliberation as it stands: rankings per category and the snapshot
/// that a publication would store.
pub struct Deliberation {
    pub round: RoundRow,
    pub cumulate: bool,
    pub tracks: Vec<TrackRanking>,
    pub snapshot: Snapshot,
    pub missing_sheets: i64,
    /// Finalists left out because they were declared ineligible or withdrew.
    pub excluded: Vec<String>,
    /// Every exact tie that decides a prize, as the page says it.
    pub ties: Vec<String>,
    /// The jury settings' version (for the cumulation form).
    pub settings_version: i64,
}

/// Computes the deliberation from the submitted sheets of the final round: for each
/// category the plain weighted mean of the jurors' totals, ranked with the tie-break chain;
/// the first three of each category; then the special prize ([`prizes::laureates`]).
pub async fn deliberate(
    app: &AppState,
    edition: &EditionRow,
    lang: Lang,
) -> AppResult<Deliberation> {
    let round = queries::ensure_round(&app.db, edition.id, Round::Final).await?;
    let jury = settings(&app.db, round.id).await?;
    let tracks = calls::tracks_of_edition(&app.db, edition.id).await?;
    let (finalists, left_out): (Vec<ListedApplication>, Vec<ListedApplication>) =
        queries::finalists(&app.db, edition.id)
            .await?
            .into_iter()
            .partition(|d| !matches!(d.status.as_str(), "ineligible" | "withdrawn"));
    let by_id: BTreeMap<i64, &ListedApplication> = finalists.iter().map(|d| (d.id, d)).collect();
    let mut rubrics = BTreeMap::new();
    for t in &tracks {
        rubrics.insert(t.id, rubric_of(app, &round, t).await?);
    }
    let stored = queries::submitted_sheets(&app.db, round.id).await?;
    let (totals, sheets) = crate::review::round::totals_and_sheets(&stored, &by_id, &rubrics);
    // The final uses raw totals: nobody is rescaled.
    let normalised = ranking::normalise(&totals, usize::MAX);
    let submitted_at: BTreeMap<i64, i64> = finalists
        .iter()
        .map(|d| (d.id, d.submitted_at.unwrap_or(i64::MAX)))
        .collect();
    let scores = ranking::aggregate(
        &normalised,
        Round::Final,
        &sheets,
        &submitted_at,
        round.dispute_threshold as f64,
    );
    let mut finals = BTreeMap::new();
    for t in &tracks {
        if !finalists.iter().any(|d| d.track_id == t.id) {
            continue;
        }
        let tie_break = rubrics
            .get(&t.id)
            .map(|(_, tb)| tb.clone())
            .unwrap_or_default();
        let of_track: Vec<DossierScore> = scores
            .iter()
            .filter(|s| by_id.get(&s.dossier).is_some_and(|d| d.track_id == t.id))
            .cloned()
            .collect();
        finals.insert(t.id, ranking::rank(&of_track, &tie_break));
    }
    let mut women_led: BTreeSet<i64> = finalists
        .iter()
        .filter(|d| d.women_led)
        .map(|d| d.id)
        .collect();
    let podium = results::contest_results(&app.db, edition.id, app.now_ms())
        .await?
        .filter(|c| c.standings_use == StandingsUse::Podium)
        .map(|c| CtfPodium::of(&c));
    // The ties the jury must see: the CTF's standings order their own.
    let mut jury_finals = finals.clone();
    if let Some(p) = &podium {
        jury_finals.remove(&p.track_id);
        finals.remove(&p.track_id);
        if let Some(teams) = &p.teams {
            finals.insert(p.track_id, teams.ranking.clone());
            women_led.extend(&teams.women_led);
        }
    }
    let team_dossiers = podium.as_ref().and_then(|p| p.teams.as_ref());
    let laureates = prizes::laureates(&finals, &women_led, prizes::DEFAULT_TOP_N, jury.cumulate);
    let keys: BTreeMap<i64, Vec<String>> = rubrics
        .iter()
        .map(|(track, (_, tie_break))| (*track, tie_break.clone()))
        .collect();
    let prize_ties = prizes::prize_ties(
        &jury_finals,
        &keys,
        &women_led,
        prizes::DEFAULT_TOP_N,
        jury.cumulate,
    );
    let tz = edition_tz(edition);
    let track_of: BTreeMap<i64, i64> = finalists.iter().map(|d| (d.id, d.track_id)).collect();
    let criterion_label = |track: i64| {
        let rubric = rubrics.get(&track).map(|(r, _)| r);
        move |key: &str| {
            rubric
                .and_then(|r| r.criterion(key))
                .map_or_else(|| key.to_owned(), |c| c.label.get(lang).to_owned())
        }
    };
    let reference = |id: i64| {
        by_id
            .get(&id)
            .and_then(|d| d.reference.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let describe = |between: ties::Between, track: i64, score: f64, steps: &[ranking::TieStep]| {
        let label = criterion_label(track);
        ties::describe(
            lang,
            between,
            score,
            steps,
            &ties::Names {
                criterion: &label,
                dossier: &reference,
                tz: &tz,
            },
        )
    };
    let scores_of: BTreeMap<i64, f64> = scores.iter().map(|s| (s.dossier, s.score)).collect();
    let tie_lines: Vec<String> = prize_ties
        .iter()
        .map(|t| {
            let track = t
                .track
                .or_else(|| track_of.get(&t.ahead).copied())
                .unwrap_or_default();
            let score = scores_of.get(&t.ahead).copied().unwrap_or_default();
            tr_args(
                lang,
                "tie-podium-line",
                &[
                    (
                        "prize",
                        match t.track {
                            Some(track) => format!(
                                "{} · {}",
                                tracks
                                    .iter()
                                    .find(|x| x.id == track)
                                    .map(|x| x.name(lang))
                                    .unwrap_or_default(),
                                place_label(lang, t.place)
                            ),
                            None => tr(lang, "tie-special-prize"),
                        },
                    ),
                    ("ahead", reference(t.ahead)),
                    ("behind", reference(t.behind)),
                    (
                        "how",
                        describe(ties::Between::Named, track, score, &t.steps),
                    ),
                ],
            )
        })
        .collect();
    let snapshot = snapshot(
        &tracks,
        &by_id,
        team_dossiers.map(|t| &t.dossiers),
        &laureates,
        jury.cumulate,
        prize_ties,
    );
    let mut rankings = Vec::new();
    for t in &tracks {
        if let Some(p) = podium.as_ref().filter(|p| p.track_id == t.id) {
            rankings.push(podium_ranking(lang, t, p, &laureates));
            continue;
        }
        let Some(ranked) = finals.get(&t.id) else {
            continue;
        };
        let places: BTreeMap<i64, usize> = laureates
            .categories
            .get(&t.id)
            .map(|v| v.iter().map(|(p, d)| (*d, *p)).collect())
            .unwrap_or_default();
        let tie_break = keys.get(&t.id).cloned().unwrap_or_default();
        let lines = ranked
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                let d = by_id.get(&r.dossier)?;
                let steps = i
                    .checked_sub(1)
                    .and_then(|above| ranking::tie_steps(&ranked[above], r, &tie_break));
                Some(RankLine {
                    position: r.position,
                    reference: d.reference.clone().unwrap_or_default(),
                    title: d.title.clone(),
                    team: distinct_team(d),
                    women_led: d.women_led,
                    sheets: r.sheets,
                    score: format_score(r.score),
                    spread: format_score(r.spread),
                    disputed: r.disputed,
                    prize: places.get(&r.dossier).map(|p| place_label(lang, *p)),
                    special: laureates.special_prize == Some(r.dossier),
                    arbitrary: steps.as_deref().is_some_and(ranking::decided_arbitrarily),
                    tie: steps
                        .map(|steps| describe(ties::Between::LineAbove, t.id, r.score, &steps)),
                })
            })
            .collect();
        rankings.push(TrackRanking {
            name: t.name(lang),
            lines,
            note: None,
        });
    }
    let (assigned, submitted) = queries::progress(&app.db, round.id).await?;
    Ok(Deliberation {
        round,
        cumulate: jury.cumulate,
        tracks: rankings,
        snapshot,
        missing_sheets: (assigned - submitted).max(0),
        excluded: left_out
            .iter()
            .map(|d| format!("{} · {}", d.reference.clone().unwrap_or_default(), d.title))
            .collect(),
        ties: tie_lines,
        settings_version: jury.version,
    })
}

/// The category the CTF's standings decide, as the deliberation page shows it.
fn podium_ranking(
    lang: Lang,
    track: &TrackRow,
    podium: &CtfPodium,
    laureates: &Laureates,
) -> TrackRanking {
    let Some(teams) = &podium.teams else {
        return TrackRanking {
            name: track.name(lang),
            lines: Vec::new(),
            note: Some(tr(lang, "jury-podium-pending")),
        };
    };
    let places: BTreeMap<i64, usize> = laureates
        .categories
        .get(&track.id)
        .map(|v| v.iter().map(|(p, d)| (*d, *p)).collect())
        .unwrap_or_default();
    let lines = teams
        .ranking
        .iter()
        .filter_map(|r| {
            let d = teams.dossiers.get(&r.dossier)?;
            let points = teams.points.get(&r.dossier).copied().unwrap_or_default();
            Some(RankLine {
                position: r.position,
                reference: d.reference.clone(),
                title: d.title.clone(),
                team: d.team.clone(),
                women_led: teams.women_led.contains(&r.dossier),
                sheets: 0,
                score: tr_args(
                    lang,
                    "jury-podium-score",
                    &[
                        ("points", points.to_string()),
                        ("share", format_score(r.score)),
                    ],
                ),
                spread: String::new(),
                disputed: false,
                prize: places.get(&r.dossier).map(|p| place_label(lang, *p)),
                special: laureates.special_prize == Some(r.dossier),
                arbitrary: false,
                tie: None,
            })
        })
        .collect();
    TrackRanking {
        name: track.name(lang),
        lines,
        note: Some(tr(lang, "jury-podium-note")),
    }
}

fn snapshot(
    tracks: &[TrackRow],
    by_id: &BTreeMap<i64, &ListedApplication>,
    teams: Option<&BTreeMap<i64, PublicDossier>>,
    laureates: &Laureates,
    cumulate: bool,
    ties: Vec<prizes::PrizeTie>,
) -> Snapshot {
    let mut named: BTreeSet<i64> = laureates
        .categories
        .values()
        .flatten()
        .map(|(_, d)| *d)
        .collect();
    named.extend(laureates.special_prize);
    let dossiers = named
        .into_iter()
        .filter_map(|id| {
            if let Some(team) = teams.and_then(|t| t.get(&id)) {
                return Some((id, team.clone()));
            }
            let d = by_id.get(&id)?;
            Some((
                id,
                PublicDossier {
                    reference: d.reference.clone().unwrap_or_default(),
                    title: d.title.clone(),
                    team: distinct_team(d),
                    people: people_names(&d.answers_json),
                    track_id: d.track_id,
                },
            ))
        })
        .collect();
    Snapshot {
        laureates: laureates.clone(),
        tracks: tracks
            .iter()
            .filter(|t| laureates.categories.contains_key(&t.id))
            .map(|t| PublicTrack {
                id: t.id,
                name_fr: t.name_fr.clone(),
                name_en: t.name_en.clone(),
            })
            .collect(),
        dossiers,
        cumulate,
        ties,
    }
}

pub struct PublishedLine {
    pub version: i64,
    pub at: String,
    pub reason: String,
    pub head: String,
}

#[derive(Template)]
#[template(path = "review/jury/deliberation.html")]
pub struct DeliberationTemplate {
    pub ctx: Ctx,
    pub back: String,
    pub title: String,
    pub closed: bool,
    pub missing: i64,
    pub cumulate: bool,
    pub cumulate_action: String,
    pub ranking_url: String,
    pub results_url: String,
    pub publish_action: String,
    pub tracks: Vec<TrackRanking>,
    pub special: Option<String>,
    pub excluded: Vec<String>,
    pub published: Vec<PublishedLine>,
    pub reason: String,
    pub errors: FieldErrors,
    /// Exact ties deciding prizes, as the page says them.
    pub ties: Vec<String>,
    /// Some prize tie was broken by an arbitrary rule: publishing needs the jury's confirmation.
    pub arbitrary_ties: bool,
    /// The confirmation box as the organiser left it.
    pub confirm_ties: bool,
    pub settings_version: i64,
    pub stale: Option<StaleEdit>,
}

/// What the deliberation page's forms show again after a refused action.
#[derive(Default)]
pub struct DeliberationState {
    pub reason: String,
    pub confirm_ties: bool,
    /// The cumulation choice as typed, when its save was refused.
    pub cumulate: Option<bool>,
    pub errors: FieldErrors,
    pub stale: Option<StaleEdit>,
}

/// The deliberation page, with the publication form (and what was typed in it when a
/// publication was refused).
pub async fn render_deliberation(
    app: &AppState,
    ctx: Ctx,
    edition: &EditionRow,
    state: DeliberationState,
    status: StatusCode,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let d = deliberate(app, edition, lang).await?;
    let closed = d.round.status() == RoundStatus::Closed;
    let tz = edition_tz(edition);
    let special = d.snapshot.laureates.special_prize.and_then(|id| {
        d.snapshot
            .dossiers
            .get(&id)
            .map(|p| format!("{} · {}", p.reference, p.title))
    });
    let published = publication::publications(&app.db, edition.id)
        .await?
        .into_iter()
        .map(|p| PublishedLine {
            version: p.version,
            at: format_at(lang, p.published_at, &tz),
            reason: p.reason,
            head: p.chain_head,
        })
        .collect();
    let base = format!("/admin/editions/{}/jury", edition.slug);
    render_with_status(
        status,
        &DeliberationTemplate {
            back: base.clone(),
            title: round_title(lang, edition),
            closed,
            missing: d.missing_sheets,
            cumulate: state.cumulate.unwrap_or(d.cumulate),
            cumulate_action: format!("{base}/cumulate"),
            ranking_url: format!("/admin/editions/{}/review/final/ranking", edition.slug),
            results_url: format!("/results/{}", edition.slug),
            publish_action: format!("/admin/editions/{}/results/publish", edition.slug),
            // Scores stay hidden until the jury's sheets are locked.
            tracks: if closed { d.tracks } else { Vec::new() },
            special: if closed { special } else { None },
            excluded: d.excluded,
            published,
            reason: state.reason,
            errors: state.errors,
            arbitrary_ties: closed && d.snapshot.ties.iter().any(prizes::PrizeTie::is_arbitrary),
            ties: if closed { d.ties } else { Vec::new() },
            confirm_ties: state.confirm_ties,
            settings_version: d.settings_version,
            stale: state.stale,
            ctx,
        },
    )
}

pub(super) async fn deliberation_page(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, .. }: OrganisedEdition,
) -> AppResult<Response> {
    render_deliberation(
        &app,
        ctx,
        &edition,
        DeliberationState::default(),
        StatusCode::OK,
    )
    .await
}

// ---------------------------------------------------------------------------------------
// Publication of the results
// ---------------------------------------------------------------------------------------

/// Advisory lock key that serialises publications on PostgreSQL.
const RESULTS_LOCK: i64 = 0x4b45_4e45_0004;
/// A correction must say what was wrong: a few words at least.
const MIN_REASON_CHARS: usize = 10;
const MAX_REASON_CHARS: usize = 2000;

#[derive(Deserialize, Default)]
pub struct PublishForm {
    #[serde(default)]
    reason: String,
    /// The jury confirms prize ties broken by an arbitrary rule.
    #[serde(default)]
    confirm_ties: Option<String>,
}

pub(super) async fn publish(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, user }: OrganisedEdition,
    form: CsrfForm<PublishForm>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let typed = form.value.reason;
    let confirmed = form.value.confirm_ties.is_some();
    let reason = typed.trim().to_owned();
    let d = deliberate(&app, &edition, lang).await?;
    let refuse_field = |field: &'static str, key: &str, status: StatusCode, ctx: Ctx, typed| {
        let mut errors = FieldErrors::default();
        errors.add(field, tr(lang, key));
        let app = app.clone();
        let edition = edition.clone();
        let state = DeliberationState {
            reason: typed,
            confirm_ties: confirmed,
            errors,
            ..DeliberationState::default()
        };
        async move { render_deliberation(&app, ctx, &edition, state, status).await }
    };
    let refuse = |key: &str, status: StatusCode, ctx: Ctx, typed: String| {
        refuse_field("reason", key, status, ctx, typed)
    };
    if d.round.status() != RoundStatus::Closed {
        return refuse("results-round-not-closed", StatusCode::CONFLICT, ctx, typed).await;
    }
    if reason.chars().count() > MAX_REASON_CHARS {
        return refuse(
            "review-comment-too-long",
            StatusCode::UNPROCESSABLE_ENTITY,
            ctx,
            typed,
        )
        .await;
    }
    // A prize decided by submission time or dossier number is the jury's call, not the code's.
    let arbitrary_ties = d.snapshot.ties.iter().any(prizes::PrizeTie::is_arbitrary);
    if arbitrary_ties && !confirmed {
        return refuse_field(
            "confirm_ties",
            "tie-confirm-required",
            StatusCode::UNPROCESSABLE_ENTITY,
            ctx,
            typed,
        )
        .await;
    }
    let now = app.now_ms();
    let link = ctx.link(&format!("/results/{}", edition.slug));
    let publication = Publication {
        snapshot: &d.snapshot,
        reason: &reason,
        arbitrary_ties_confirmed: arbitrary_ties && confirmed,
        link: &link,
    };
    let mut tx = app.db.begin().await?;
    if let Err(refused) = publish_results(&mut tx, &edition, &publication, user.id, now).await? {
        drop(tx);
        let status = if refused.is_conflict() {
            StatusCode::CONFLICT
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        return refuse(refused.key(), status, ctx, typed).await;
    }
    tx.commit().await?;
    app.outbox_wake.notify_one();
    Ok(Redirect::to(&format!("/results/{}", edition.slug)).into_response())
}

/// Why a publication was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    NothingToPublish,
    AlreadyPublished,
    NothingChanged,
    /// A correction must say why.
    ReasonRequired,
    ReasonTooShort,
}

impl Refused {
    /// The Fluent key of the message.
    pub fn key(self) -> &'static str {
        match self {
            Refused::NothingToPublish => "results-nothing-to-publish",
            Refused::AlreadyPublished => "results-already-published",
            Refused::NothingChanged => "results-nothing-changed",
            Refused::ReasonRequired => "results-reason-required",
            Refused::ReasonTooShort => "results-reason-too-short",
        }
    }

    /// Refused because of what is already published (not because of what was typed).
    pub fn is_conflict(self) -> bool {
        matches!(
            self,
            Refused::NothingToPublish | Refused::AlreadyPublished | Refused::NothingChanged
        )
    }
}

/// What the jury publishes: the deliberation's snapshot, and for a correction its reason.
pub struct Publication<'a> {
    pub snapshot: &'a Snapshot,
    pub reason: &'a str,
    /// Ties decided by time or number, confirmed by the organiser.
    pub arbitrary_ties_confirmed: bool,
    /// The public results page, as a full address (read from the finalists' messages).
    pub link: &'a str,
}

/// Publishes the results (version 1) or a correction: the audit entry whose hash the
/// publication keeps, the publication, and for the first version the finalists' messages.
/// Checked inside the transaction that writes: two organisers publishing at once get one
/// publication, and the other a refusal.
pub async fn publish_results(
    tx: &mut Tx,
    edition: &EditionRow,
    publication: &Publication<'_>,
    actor_id: i64,
    now: i64,
) -> AppResult<Result<i64, Refused>> {
    let (snapshot, reason) = (publication.snapshot, publication.reason);
    let json = serde_json::to_string(snapshot).map_err(|e| AppError::Internal(e.to_string()))?;
    tx.lock(RESULTS_LOCK).await?;
    let previous = latest_tx(tx, edition.id).await?;
    let previous_snapshot = previous.as_ref().map(|p| p.snapshot()).transpose()?;
    let refused = match &previous_snapshot {
        None if snapshot.is_empty() => Some(Refused::NothingToPublish),
        None => None,
        Some(prev) if prev == snapshot && reason.is_empty() => Some(Refused::AlreadyPublished),
        Some(prev) if prev == snapshot => Some(Refused::NothingChanged),
        Some(_) if reason.is_empty() => Some(Refused::ReasonRequired),
        Some(_) if reason.chars().count() < MIN_REASON_CHARS => Some(Refused::ReasonTooShort),
        Some(_) => None,
    };
    if let Some(refused) = refused {
        return Ok(Err(refused));
    }
    let version = previous.as_ref().map_or(1, |p| p.version + 1);
    let changes: Vec<Change> = previous_snapshot
        .as_ref()
        .map(|prev| prizes::diff(&prev.laureates, &snapshot.laureates))
        .unwrap_or_default();
    let head = audit::Entry::by(
        actor_id,
        if version == 1 {
            audit::Action::ResultsPublished
        } else {
            audit::Action::ResultsCorrected
        },
        &format!("edition:{}", edition.slug),
        serde_json::json!({
            "version": version,
            "reason": reason,
            "laureates": snapshot.laureates,
            "snapshot_sha256": crate::crypto::sha256_hex(json.as_bytes()),
            "changes": changes,
            "ties": snapshot.ties,
            "arbitrary_ties_confirmed": publication.arbitrary_ties_confirmed,
        }),
    )
    .append(tx, now)
    .await?;
    insert_publication(
        tx,
        &NewPublication {
            edition_id: edition.id,
            version,
            json: &json,
            reason,
            chain_head: &head,
            at: now,
            actor_id,
        },
    )
    .await?;
    // Finalists hear of the results once; a correction is explained on the public page.
    if version == 1 {
        notify_finalists(tx, edition, publication.link, now).await?;
    }
    Ok(Ok(version))
}

#[derive(Debug, sqlx::FromRow)]
struct Finalist {
    application_id: i64,
    reference: Option<String>,
    title: String,
    email: Option<String>,
    phone: Option<String>,
    locale: String,
}

/// Queues the "results are published" message to every finalist, laureate or not, with the
/// public results link, in the publication's transaction.
async fn notify_finalists(
    tx: &mut Tx,
    edition: &EditionRow,
    link: &str,
    now: i64,
) -> AppResult<()> {
    let sql = "SELECT a.id AS application_id, a.reference, a.title, u.email, u.phone, u.locale \
               FROM shortlist_entries s JOIN applications a ON a.id = s.application_id \
               JOIN users u ON u.id = a.applicant_id WHERE s.edition_id = $1 ORDER BY a.id";
    let finalists = run_tx!(tx, |conn| sqlx::query_as::<_, Finalist>(sql)
        .bind(edition.id)
        .fetch_all(conn)
        .await)
    .map_err(DbError::from)?;
    for f in finalists {
        let letter = Letter {
            edition_id: edition.id,
            kind: MessageKind::Results,
            to: Reader {
                email: f.email.as_deref(),
                phone: f.phone.as_deref(),
                locale: &f.locale,
            },
            values: Values::new(vec![
                ("reference", f.reference.clone().unwrap_or_default()),
                ("title", f.title.clone()),
                ("year", edition.year.to_string()),
                ("link", link.to_owned()),
            ]),
            idempotency_key: format!("results:{}:{}", edition.id, f.application_id),
        };
        letters::send(tx, letter, |_| None, now).await?;
    }
    Ok(())
}
