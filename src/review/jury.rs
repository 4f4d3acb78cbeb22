//! The final, on the organisers' side: jury settings, the pitch schedule per category, the
//! timer that measures each presentation (server timestamps from the injected clock), the
//! jury's progress, and the deliberation (ranking per category, top 3, special prize).
//!
//! The jury itself scores through the generic review pages (`/review`); the final round is
//! set up on the round page (`/admin/editions/{e}/review/final`).

use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use jiff::tz::TimeZone;
use serde::Deserialize;

use super::prizes::{self, Laureates};
use super::queries::{self, RoundRow, RoundStatus};
use super::ranking::{self, DossierScore};
use super::results::{self, PublicDossier, PublicTrack, Snapshot};
use super::routes::format_score;
use super::rubric::{Round, Rubric};
use super::ties;
use crate::accounts::sessions::SessionUser;
use crate::applications::admin::organised_edition;
use crate::applications::queries::ListedApplication;
use crate::audit;
use crate::calls::queries::{self as calls, EditionRow, TrackRow};
use crate::db::{Db, DbResult, Tx};
use crate::domain::form::{Answer, Answers};
use crate::domain::types::Lang;
use crate::i18n::{tr, tr_args};
use crate::web::ctx::{CsrfForm, Ctx, SignedIn};
use crate::web::edit::{posted_version, StaleEdit};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::FieldErrors;
use crate::web::state::AppState;
use crate::web::templates::{render, render_with_status};
use crate::{run, run_tx};

/// Allowed presentation time when the organisers did not set one: 5 minutes.
pub const DEFAULT_ALLOWED_SECS: i64 = 300;
/// Key of the rubric criterion the timer pre-fills.
pub const TIMING_CRITERION: &str = "timing";
/// Seconds between two automatic reloads of the progress page (with JavaScript).
const PROGRESS_REFRESH_SECS: u32 = 15;
/// Fields that name the team or organisation behind a dossier (public on the results page);
/// never the personal contact fields.
const TEAM_FIELDS: [&str; 3] = ["company_name", "service_name", "team_name"];

pub fn router() -> Router<AppState> {
    const BASE: &str = "/admin/editions/{edition}/jury";
    Router::new()
        .route(BASE, get(jury_page))
        .route(&format!("{BASE}/settings"), post(save_settings))
        .route(&format!("{BASE}/cumulate"), post(save_cumulate))
        .route(&format!("{BASE}/schedule"), post(generate_schedule))
        .route(&format!("{BASE}/slot"), post(save_slot))
        .route(
            &format!("{BASE}/pitches/{{reference}}/start"),
            post(start_timer),
        )
        .route(
            &format!("{BASE}/pitches/{{reference}}/stop"),
            post(stop_timer),
        )
        .route(&format!("{BASE}/progress"), get(progress_page))
        .route(&format!("{BASE}/deliberation"), get(deliberation_page))
}

// ---------------------------------------------------------------------------------------
// Storage
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct JurySettings {
    pub allowed_secs: i64,
    pub cumulate: bool,
    /// Bumped by every save of the settings (0: none stored yet); no silent overwrite.
    pub version: i64,
}

impl Default for JurySettings {
    fn default() -> Self {
        JurySettings {
            allowed_secs: DEFAULT_ALLOWED_SECS,
            cumulate: false,
            version: 0,
        }
    }
}

pub async fn settings(db: &Db, round_id: i64) -> DbResult<JurySettings> {
    let sql = "SELECT allowed_secs, cumulate, version FROM jury_settings WHERE round_id = $1";
    let row = run!(db, |pool| sqlx::query_as::<_, JurySettings>(sql)
        .bind(round_id)
        .fetch_optional(pool)
        .await)?;
    Ok(row.unwrap_or_default())
}

/// Stores the settings if the stored ones are still at `expected_version` (0: none stored
/// yet); false (nothing written) when someone saved them in between.
async fn store_settings(
    tx: &mut Tx,
    round_id: i64,
    expected_version: i64,
    s: &JurySettings,
) -> DbResult<bool> {
    let sql = "INSERT INTO jury_settings (round_id, allowed_secs, cumulate) VALUES ($1, $2, $3) \
               ON CONFLICT (round_id) DO UPDATE SET allowed_secs = excluded.allowed_secs, \
               cumulate = excluded.cumulate, version = jury_settings.version + 1 \
               WHERE jury_settings.version = $4";
    let written = run_tx!(tx, |conn| sqlx::query(sql)
        .bind(round_id)
        .bind(s.allowed_secs)
        .bind(s.cumulate)
        .bind(expected_version)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(written == 1)
}

/// The stored settings, for a refused save.
fn stale_settings(lang: Lang, s: &JurySettings) -> StaleEdit {
    StaleEdit {
        version: s.version,
        stored: vec![
            (
                tr(lang, "pitch-allowed"),
                format_duration(lang, s.allowed_secs),
            ),
            (
                tr(lang, "jury-cumulate-title"),
                tr(
                    lang,
                    if s.cumulate {
                        "jury-cumulate-yes"
                    } else {
                        "jury-cumulate-no"
                    },
                ),
            ),
        ],
    }
}

/// The shortlist is locked (or published): its finalists may go to the final.
pub async fn shortlist_locked(db: &Db, edition_id: i64) -> DbResult<bool> {
    let sql = "SELECT COUNT(*) FROM shortlists WHERE edition_id = $1 \
               AND status IN ('locked', 'published')";
    let n: i64 = run!(db, |pool| sqlx::query_scalar(sql)
        .bind(edition_id)
        .fetch_one(pool)
        .await)?;
    Ok(n > 0)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SlotRow {
    pub application_id: i64,
    pub track_id: i64,
    pub position: i64,
    pub starts_at: i64,
    pub minutes: i64,
    pub room: String,
    pub timer_started_at: Option<i64>,
    pub timer_stopped_at: Option<i64>,
    pub measured_secs: Option<i64>,
}

impl SlotRow {
    pub fn running(&self) -> bool {
        self.timer_started_at.is_some() && self.timer_stopped_at.is_none()
    }
}

const SLOT_COLUMNS: &str = "application_id, track_id, position, starts_at, minutes, room, \
                            timer_started_at, timer_stopped_at, measured_secs";

pub async fn slots(db: &Db, edition_id: i64) -> DbResult<Vec<SlotRow>> {
    let sql = format!(
        "SELECT {SLOT_COLUMNS} FROM pitch_slots WHERE edition_id = $1 \
         ORDER BY track_id, position, starts_at, application_id"
    );
    Ok(run!(db, |pool| sqlx::query_as::<_, SlotRow>(&sql)
        .bind(edition_id)
        .fetch_all(pool)
        .await)?)
}

async fn slot_tx(tx: &mut Tx, edition_id: i64, application_id: i64) -> DbResult<Option<SlotRow>> {
    let sql = format!(
        "SELECT {SLOT_COLUMNS} FROM pitch_slots WHERE edition_id = $1 AND application_id = $2"
    );
    Ok(run_tx!(tx, |conn| sqlx::query_as::<_, SlotRow>(&sql)
        .bind(edition_id)
        .bind(application_id)
        .fetch_optional(conn)
        .await)?)
}

/// The presentation time measured by the organisers' timer, in seconds.
pub async fn measured_secs(db: &Db, edition_id: i64, application_id: i64) -> DbResult<Option<i64>> {
    let sql = "SELECT measured_secs FROM pitch_slots WHERE edition_id = $1 AND application_id = $2";
    let row: Option<Option<i64>> = run!(db, |pool| sqlx::query_scalar(sql)
        .bind(edition_id)
        .bind(application_id)
        .fetch_optional(pool)
        .await)?;
    Ok(row.flatten())
}

struct NewSlot<'a> {
    edition_id: i64,
    track_id: i64,
    application_id: i64,
    position: i64,
    starts_at: i64,
    minutes: i64,
    room: &'a str,
}

/// Creates or moves a slot; a measured time already recorded is kept.
async fn upsert_slot(tx: &mut Tx, s: &NewSlot<'_>) -> DbResult<()> {
    let sql = "INSERT INTO pitch_slots (edition_id, track_id, application_id, position, \
               starts_at, minutes, room) VALUES ($1, $2, $3, $4, $5, $6, $7) \
               ON CONFLICT (edition_id, application_id) DO UPDATE SET \
               track_id = excluded.track_id, position = excluded.position, \
               starts_at = excluded.starts_at, minutes = excluded.minutes, room = excluded.room";
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(s.edition_id)
        .bind(s.track_id)
        .bind(s.application_id)
        .bind(s.position)
        .bind(s.starts_at)
        .bind(s.minutes)
        .bind(s.room)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

async fn set_timer(
    tx: &mut Tx,
    edition_id: i64,
    application_id: i64,
    started: Option<i64>,
    stopped: Option<i64>,
    measured: Option<i64>,
) -> DbResult<()> {
    let sql = "UPDATE pitch_slots SET timer_started_at = $1, timer_stopped_at = $2, \
               measured_secs = $3 WHERE edition_id = $4 AND application_id = $5";
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(started)
        .bind(stopped)
        .bind(measured)
        .bind(edition_id)
        .bind(application_id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

async fn submitted_sheets_of_dossier_tx(
    tx: &mut Tx,
    round_id: i64,
    application_id: i64,
) -> DbResult<i64> {
    let sql = "SELECT COUNT(*) FROM score_sheets WHERE round_id = $1 AND application_id = $2 \
               AND status = 'submitted'";
    Ok(run_tx!(tx, |conn| sqlx::query_scalar(sql)
        .bind(round_id)
        .bind(application_id)
        .fetch_one(conn)
        .await)?)
}

/// Every sheet of the round, drafts included: (dossier, juror, status).
async fn sheet_statuses(db: &Db, round_id: i64) -> DbResult<Vec<(i64, i64, String)>> {
    let sql = "SELECT application_id, reviewer_id, status FROM score_sheets WHERE round_id = $1";
    Ok(run!(db, |pool| sqlx::query_as::<_, (i64, i64, String)>(
        sql
    )
    .bind(round_id)
    .fetch_all(pool)
    .await)?)
}

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

struct Final {
    edition: EditionRow,
    round: RoundRow,
    tracks: Vec<TrackRow>,
    tz: TimeZone,
}

async fn final_context(app: &AppState, user: &SessionUser, edition: &str) -> AppResult<Final> {
    let edition = organised_edition(app, user, edition).await?;
    let round = queries::ensure_round(&app.db, edition.id, Round::Final).await?;
    let tracks = calls::tracks_of_edition(&app.db, edition.id).await?;
    let tz = edition_tz(&edition);
    Ok(Final {
        edition,
        round,
        tracks,
        tz,
    })
}

pub fn edition_tz(edition: &EditionRow) -> TimeZone {
    TimeZone::get(&edition.timezone).unwrap_or(TimeZone::UTC)
}

fn base_url(f: &Final) -> String {
    format!("/admin/editions/{}/jury", f.edition.slug)
}

pub fn track_name(t: &TrackRow, lang: Lang) -> String {
    if lang == Lang::En {
        t.name_en.clone()
    } else {
        t.name_fr.clone()
    }
}

fn round_title(lang: Lang, edition: &EditionRow) -> String {
    format!("{} {}", tr(lang, "round-final"), edition.year)
}

/// "19 janvier 2026 à 09:30" in the edition's time zone.
pub fn format_at(lang: Lang, at_ms: i64, tz: &TimeZone) -> String {
    jiff::Timestamp::from_millisecond(at_ms)
        .map(|t| crate::i18n::format_instant(lang, t, tz))
        .unwrap_or_default()
}

/// "5 min 07 s".
pub fn format_duration(lang: Lang, secs: i64) -> String {
    let secs = secs.max(0);
    tr_args(
        lang,
        "pitch-duration",
        &[
            ("min", (secs / 60).to_string()),
            ("sec", format!("{:02}", secs % 60)),
        ],
    )
}

/// "5" (minutes) or "4:30" (minutes and seconds), 30 s to 1 h.
fn parse_allowed(input: &str) -> Option<i64> {
    let s = input.trim();
    let secs = match s.split_once(':') {
        Some((m, sec)) => {
            let sec = sec.trim();
            if !(1..=2).contains(&sec.len()) {
                return None;
            }
            let m: i64 = m.trim().parse().ok()?;
            let sec: i64 = sec.parse().ok()?;
            if !(0..60).contains(&sec) {
                return None;
            }
            m.checked_mul(60)?.checked_add(sec)?
        }
        None => s.parse::<i64>().ok()?.checked_mul(60)?,
    };
    (30..=3600).contains(&secs).then_some(secs)
}

fn format_allowed(secs: i64) -> String {
    if secs % 60 == 0 {
        (secs / 60).to_string()
    } else {
        format!("{}:{:02}", secs / 60, secs % 60)
    }
}

fn parse_bounded(input: &str, range: std::ops::RangeInclusive<i64>) -> Option<i64> {
    input
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|v| range.contains(v))
}

/// The team, company or public service behind a dossier (empty when the form has none).
pub fn team_name(answers_json: &str) -> String {
    let answers: Answers = serde_json::from_str(answers_json).unwrap_or_default();
    TEAM_FIELDS
        .iter()
        .find_map(|k| {
            answers
                .get(k)
                .and_then(|a| a.as_text())
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        })
        .unwrap_or_default()
}

/// The people a certificate names: the team members' names, the leader first (at most six),
/// or, on a personal form, the applicant's first name and initial.
pub fn people_names(answers_json: &str) -> Vec<String> {
    const MAX_NAMED: usize = 6;
    let answers: Answers = serde_json::from_str(answers_json).unwrap_or_default();
    let text = |a: Option<&Answer>| {
        a.and_then(Answer::as_text)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    if let Some(Answer::Group(rows)) = answers.get("team") {
        return rows
            .iter()
            .filter_map(|row| text(row.get("name")))
            .take(MAX_NAMED)
            .collect();
    }
    // A person applying alone (the hackathon's young participants): the first name and the
    // family name's initial, as public pages never show their family name.
    match (
        text(answers.get("first_name")),
        text(answers.get("last_name")),
    ) {
        (Some(first), Some(last)) => match last.chars().next() {
            Some(initial) => vec![format!("{first} {}.", initial.to_uppercase())],
            None => vec![first],
        },
        (Some(first), None) => vec![first],
        _ => Vec::new(),
    }
}

/// The team name when it says more than the project title (start-ups often share both).
fn distinct_team(d: &ListedApplication) -> String {
    let team = team_name(&d.answers_json);
    if team == d.title {
        String::new()
    } else {
        team
    }
}

async fn final_rubric(
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

async fn finalist_by_reference(
    app: &AppState,
    edition_id: i64,
    reference: &str,
) -> AppResult<Option<ListedApplication>> {
    let reference = reference.trim().to_uppercase();
    Ok(queries::finalists(&app.db, edition_id)
        .await?
        .into_iter()
        .find(|d| d.reference.as_deref() == Some(reference.as_str())))
}

/// What the score form of the final shows about the pitch's measured time, and the points
/// it gives on the timing criterion (the juror may still change them).
pub struct TimingHint {
    pub points: u32,
    pub text: String,
}

pub async fn timing_hint(
    app: &AppState,
    round: &RoundRow,
    application_id: i64,
    rubric: &Rubric,
    lang: Lang,
) -> AppResult<Option<TimingHint>> {
    if round.round() != Round::Final {
        return Ok(None);
    }
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
    Ok(Some(TimingHint { points, text }))
}

// ---------------------------------------------------------------------------------------
// Jury page: settings, pitch schedule, timers
// ---------------------------------------------------------------------------------------

#[derive(Deserialize, Default, Clone)]
pub struct SettingsForm {
    #[serde(default)]
    pub allowed: String,
    /// The settings' version the form was loaded from.
    #[serde(default)]
    pub version: String,
}

#[derive(Deserialize, Default, Clone)]
pub struct ScheduleForm {
    #[serde(default)]
    pub track: String,
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub minutes: String,
    #[serde(default)]
    pub room: String,
}

#[derive(Deserialize, Default, Clone)]
pub struct SlotForm {
    #[serde(default)]
    pub reference: String,
    #[serde(default)]
    pub position: String,
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub minutes: String,
    #[serde(default)]
    pub room: String,
}

pub struct PitchLine {
    pub reference: String,
    pub title: String,
    pub position: i64,
    pub starts: String,
    pub room: String,
    pub length: String,
    pub running: bool,
    pub started_at: i64,
    pub elapsed: String,
    pub measured: Option<String>,
    pub points: Option<String>,
}

pub struct PitchCategory {
    pub name: String,
    pub pitches: Vec<PitchLine>,
    pub unscheduled: Vec<String>,
}

#[derive(Template)]
#[template(path = "jury/jury.html")]
pub struct JuryTemplate {
    pub ctx: Ctx,
    pub base: String,
    pub title: String,
    pub round_url: String,
    pub round_status: String,
    pub locked: bool,
    /// Timers run until the round is closed.
    pub timing: bool,
    pub now_ms: i64,
    pub timezone: String,
    pub allowed_label: String,
    pub categories: Vec<PitchCategory>,
    pub track_options: Vec<(i64, String)>,
    pub settings: SettingsForm,
    pub schedule: ScheduleForm,
    pub slot: SlotForm,
    pub errors: FieldErrors,
    /// Set when a settings save was refused because they changed since loaded.
    pub stale: Option<StaleEdit>,
}

#[derive(Default)]
struct JuryState {
    errors: FieldErrors,
    stale: Option<StaleEdit>,
    settings: Option<SettingsForm>,
    schedule: Option<ScheduleForm>,
    slot: SlotForm,
}

async fn render_jury(
    app: &AppState,
    ctx: Ctx,
    f: &Final,
    state: JuryState,
    status: StatusCode,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let now = app.now_ms();
    let settings = settings(&app.db, f.round.id).await?;
    let finalists = queries::finalists(&app.db, f.edition.id).await?;
    let by_id: BTreeMap<i64, &ListedApplication> = finalists.iter().map(|d| (d.id, d)).collect();
    let slots = slots(&app.db, f.edition.id).await?;
    let timing_max = {
        let mut out = BTreeMap::new();
        for t in &f.tracks {
            let (rubric, _) = final_rubric(app, &f.round, t).await?;
            if let Some(c) = rubric.criterion(TIMING_CRITERION) {
                out.insert(t.id, c.max_points);
            }
        }
        out
    };
    let allowed = u32::try_from(settings.allowed_secs).unwrap_or(0);
    let mut categories = Vec::new();
    for t in &f.tracks {
        let scheduled: BTreeSet<i64> = slots
            .iter()
            .filter(|s| s.track_id == t.id)
            .map(|s| s.application_id)
            .collect();
        let pitches: Vec<PitchLine> = slots
            .iter()
            .filter(|s| s.track_id == t.id)
            .filter_map(|s| {
                let d = by_id.get(&s.application_id)?;
                let started_at = s.timer_started_at.unwrap_or(now);
                Some(PitchLine {
                    reference: d.reference.clone().unwrap_or_default(),
                    title: d.title.clone(),
                    position: s.position,
                    starts: format_at(lang, s.starts_at, &f.tz),
                    room: s.room.clone(),
                    length: tr_args(lang, "pitch-slot-length", &[("n", s.minutes.to_string())]),
                    running: s.running(),
                    started_at,
                    elapsed: {
                        let secs = (now - started_at).max(0) / 1000;
                        format!("{}:{:02}", secs / 60, secs % 60)
                    },
                    measured: s.measured_secs.map(|m| format_duration(lang, m)),
                    points: match (s.measured_secs, timing_max.get(&t.id)) {
                        (Some(m), Some(max)) => Some(format!(
                            "{} / {max}",
                            Rubric::timing_points(
                                u32::try_from(m).unwrap_or(u32::MAX),
                                allowed,
                                *max
                            )
                        )),
                        _ => None,
                    },
                })
            })
            .collect();
        let unscheduled: Vec<String> = finalists
            .iter()
            .filter(|d| d.track_id == t.id && !scheduled.contains(&d.id))
            .map(|d| format!("{} · {}", d.reference.clone().unwrap_or_default(), d.title))
            .collect();
        if pitches.is_empty() && unscheduled.is_empty() {
            continue;
        }
        categories.push(PitchCategory {
            name: track_name(t, lang),
            pitches,
            unscheduled,
        });
    }
    let locked = shortlist_locked(&app.db, f.edition.id).await?;
    render_with_status(
        status,
        &JuryTemplate {
            base: base_url(f),
            title: round_title(lang, &f.edition),
            round_url: format!("/admin/editions/{}/review/final", f.edition.slug),
            round_status: tr(lang, &format!("round-status-{}", f.round.status)),
            locked,
            timing: f.round.status() != RoundStatus::Closed,
            now_ms: now,
            timezone: f.edition.timezone.clone(),
            allowed_label: format_duration(lang, settings.allowed_secs),
            categories,
            track_options: f
                .tracks
                .iter()
                .map(|t| (t.id, track_name(t, lang)))
                .collect(),
            settings: state.settings.unwrap_or_else(|| SettingsForm {
                allowed: format_allowed(settings.allowed_secs),
                version: settings.version.to_string(),
            }),
            schedule: state.schedule.unwrap_or_else(|| ScheduleForm {
                minutes: "10".into(),
                ..ScheduleForm::default()
            }),
            slot: state.slot,
            errors: state.errors,
            stale: state.stale,
            ctx,
        },
    )
}

async fn jury_page(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(edition): Path<String>,
) -> AppResult<Response> {
    let f = final_context(&app, &user, &edition).await?;
    render_jury(&app, ctx, &f, JuryState::default(), StatusCode::OK).await
}

async fn save_settings(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(edition): Path<String>,
    form: CsrfForm<SettingsForm>,
) -> AppResult<Response> {
    let f = final_context(&app, &user, &edition).await?;
    let values = form.value;
    let mut errors = FieldErrors::default();
    let allowed = parse_allowed(&values.allowed);
    if allowed.is_none() {
        errors.add("allowed", tr(ctx.lang, "pitch-bad-allowed"));
    }
    if f.round.status() == RoundStatus::Closed {
        errors.add("allowed", tr(ctx.lang, "review-round-closed"));
    }
    let (Some(allowed), true) = (allowed, errors.is_empty()) else {
        let state = JuryState {
            errors,
            settings: Some(values),
            ..JuryState::default()
        };
        return render_jury(&app, ctx, &f, state, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    let mut s = current_settings_tx(&mut tx, f.round.id).await?;
    s.allowed_secs = allowed;
    if !store_settings(&mut tx, f.round.id, posted_version(&values.version), &s).await? {
        drop(tx);
        let stored = settings(&app.db, f.round.id).await?;
        let state = JuryState {
            stale: Some(stale_settings(ctx.lang, &stored)),
            settings: Some(SettingsForm {
                version: stored.version.to_string(),
                ..values
            }),
            ..JuryState::default()
        };
        return render_jury(&app, ctx, &f, state, StatusCode::CONFLICT).await;
    }
    audit::append(
        &mut tx,
        &audit::Entry {
            actor_id: Some(user.id),
            action: "jury.settings_changed",
            object: &format!("round:{}", f.round.id),
            details: serde_json::json!({ "allowed_secs": allowed }),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&base_url(&f)).into_response())
}

async fn current_settings_tx(tx: &mut Tx, round_id: i64) -> DbResult<JurySettings> {
    let sql = "SELECT allowed_secs, cumulate, version FROM jury_settings WHERE round_id = $1";
    let row = run_tx!(tx, |conn| sqlx::query_as::<_, JurySettings>(sql)
        .bind(round_id)
        .fetch_optional(conn)
        .await)?;
    Ok(row.unwrap_or_default())
}

#[derive(Deserialize, Default)]
pub struct CumulateForm {
    #[serde(default)]
    cumulate: String,
    /// The settings' version the form was loaded from.
    #[serde(default)]
    version: String,
}

async fn save_cumulate(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(edition): Path<String>,
    form: CsrfForm<CumulateForm>,
) -> AppResult<Response> {
    let f = final_context(&app, &user, &edition).await?;
    let cumulate = match form.value.cumulate.as_str() {
        "yes" => true,
        "no" => false,
        _ => return Err(AppError::BadRequest("error-bad-form")),
    };
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    let mut s = current_settings_tx(&mut tx, f.round.id).await?;
    if s.cumulate != cumulate {
        s.cumulate = cumulate;
        if !store_settings(&mut tx, f.round.id, posted_version(&form.value.version), &s).await? {
            drop(tx);
            let stored = settings(&app.db, f.round.id).await?;
            let state = DeliberationState {
                stale: Some(stale_settings(ctx.lang, &stored)),
                cumulate: Some(cumulate),
                ..DeliberationState::default()
            };
            return render_deliberation(&app, ctx, &f.edition, state, StatusCode::CONFLICT).await;
        }
        audit::append(
            &mut tx,
            &audit::Entry {
                actor_id: Some(user.id),
                action: "jury.settings_changed",
                object: &format!("round:{}", f.round.id),
                details: serde_json::json!({ "cumulate": cumulate }),
            },
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}/deliberation", base_url(&f))).into_response())
}

async fn generate_schedule(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(edition): Path<String>,
    form: CsrfForm<ScheduleForm>,
) -> AppResult<Response> {
    let f = final_context(&app, &user, &edition).await?;
    let lang = ctx.lang;
    let values = form.value;
    let mut errors = FieldErrors::default();
    let track = values
        .track
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|id| f.tracks.iter().find(|t| t.id == id));
    if track.is_none() {
        errors.add("schedule_track", tr(lang, "field-required"));
    }
    let start = crate::calls::parse_civil(&values.start, &f.tz);
    if start.is_none() {
        errors.add("schedule_start", tr(lang, "pitch-bad-start"));
    }
    let minutes = parse_bounded(&values.minutes, 1..=120);
    if minutes.is_none() {
        errors.add("schedule_minutes", tr(lang, "pitch-bad-minutes"));
    }
    let room = values.room.trim().to_owned();
    if room.chars().count() > 100 {
        errors.add("schedule_room", tr(lang, "pitch-room-too-long"));
    }
    let finalists: Vec<ListedApplication> = match track {
        Some(t) => queries::finalists(&app.db, f.edition.id)
            .await?
            .into_iter()
            .filter(|d| d.track_id == t.id)
            .collect(),
        None => Vec::new(),
    };
    if !shortlist_locked(&app.db, f.edition.id).await? {
        errors.add("schedule_track", tr(lang, "jury-shortlist-not-locked"));
    } else if track.is_some() && finalists.is_empty() {
        errors.add("schedule_track", tr(lang, "pitch-no-finalists"));
    }
    let (Some(track), Some(start), Some(minutes), true) =
        (track, start, minutes, errors.is_empty())
    else {
        let state = JuryState {
            errors,
            schedule: Some(values),
            ..JuryState::default()
        };
        return render_jury(&app, ctx, &f, state, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    for (i, d) in finalists.iter().enumerate() {
        let i = i as i64;
        upsert_slot(
            &mut tx,
            &NewSlot {
                edition_id: f.edition.id,
                track_id: track.id,
                application_id: d.id,
                position: i + 1,
                starts_at: start + i * minutes * 60_000,
                minutes,
                room: &room,
            },
        )
        .await?;
    }
    audit::append(
        &mut tx,
        &audit::Entry {
            actor_id: Some(user.id),
            action: "jury.schedule_generated",
            object: &format!("edition:{}:track:{}", f.edition.slug, track.id),
            details: serde_json::json!({
                "starts_at": start, "minutes": minutes, "room": room, "pitches": finalists.len(),
            }),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&base_url(&f)).into_response())
}

async fn save_slot(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(edition): Path<String>,
    form: CsrfForm<SlotForm>,
) -> AppResult<Response> {
    let f = final_context(&app, &user, &edition).await?;
    let lang = ctx.lang;
    let values = form.value;
    let mut errors = FieldErrors::default();
    let finalist = finalist_by_reference(&app, f.edition.id, &values.reference).await?;
    if finalist.is_none() {
        errors.add("slot_reference", tr(lang, "pitch-unknown-finalist"));
    }
    let position = parse_bounded(&values.position, 1..=999);
    if position.is_none() {
        errors.add("slot_position", tr(lang, "pitch-bad-position"));
    }
    let start = crate::calls::parse_civil(&values.start, &f.tz);
    if start.is_none() {
        errors.add("slot_start", tr(lang, "pitch-bad-start"));
    }
    let minutes = parse_bounded(&values.minutes, 1..=120);
    if minutes.is_none() {
        errors.add("slot_minutes", tr(lang, "pitch-bad-minutes"));
    }
    let room = values.room.trim().to_owned();
    if room.chars().count() > 100 {
        errors.add("slot_room", tr(lang, "pitch-room-too-long"));
    }
    let (Some(finalist), Some(position), Some(start), Some(minutes), true) =
        (finalist, position, start, minutes, errors.is_empty())
    else {
        let state = JuryState {
            errors,
            slot: values,
            ..JuryState::default()
        };
        return render_jury(&app, ctx, &f, state, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    upsert_slot(
        &mut tx,
        &NewSlot {
            edition_id: f.edition.id,
            track_id: finalist.track_id,
            application_id: finalist.id,
            position,
            starts_at: start,
            minutes,
            room: &room,
        },
    )
    .await?;
    audit::append(
        &mut tx,
        &audit::Entry {
            actor_id: Some(user.id),
            action: "jury.slot_changed",
            object: &format!("application:{}", finalist.public_id),
            details: serde_json::json!({
                "position": position, "starts_at": start, "minutes": minutes, "room": room,
            }),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&base_url(&f)).into_response())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum TimerAction {
    Start,
    Stop,
}

async fn start_timer(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path((edition, reference)): Path<(String, String)>,
    _form: CsrfForm<serde::de::IgnoredAny>,
) -> AppResult<Response> {
    timer(&app, ctx, &user, &edition, &reference, TimerAction::Start).await
}

async fn stop_timer(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path((edition, reference)): Path<(String, String)>,
    _form: CsrfForm<serde::de::IgnoredAny>,
) -> AppResult<Response> {
    timer(&app, ctx, &user, &edition, &reference, TimerAction::Stop).await
}

/// Start records the server's instant; stop records the second instant and the measured
/// presentation time. Restarting re-measures, until a juror has submitted a sheet for the
/// pitch: from then on the measurement is part of a score and stays.
async fn timer(
    app: &AppState,
    ctx: Ctx,
    user: &SessionUser,
    edition: &str,
    reference: &str,
    action: TimerAction,
) -> AppResult<Response> {
    let f = final_context(app, user, edition).await?;
    let finalist = finalist_by_reference(app, f.edition.id, reference)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    let slot = slot_tx(&mut tx, f.edition.id, finalist.id).await?;
    let round = queries::round_tx(&mut tx, f.round.id).await?;
    let refused = match (&slot, action) {
        (None, _) => Some("pitch-no-slot"),
        _ if round.status() == RoundStatus::Closed => Some("review-round-closed"),
        (Some(s), TimerAction::Start) if s.running() => Some("pitch-timer-running"),
        (Some(s), TimerAction::Stop) if !s.running() => Some("pitch-timer-not-running"),
        (Some(_), TimerAction::Start)
            if submitted_sheets_of_dossier_tx(&mut tx, f.round.id, finalist.id).await? > 0 =>
        {
            Some("pitch-timer-frozen")
        }
        _ => None,
    };
    let (Some(slot), None) = (slot, refused) else {
        drop(tx);
        let mut errors = FieldErrors::default();
        errors.add("timer", tr(ctx.lang, refused.unwrap_or("pitch-no-slot")));
        let state = JuryState {
            errors,
            ..JuryState::default()
        };
        return render_jury(app, ctx, &f, state, StatusCode::CONFLICT).await;
    };
    let object = format!("application:{}", finalist.public_id);
    match action {
        TimerAction::Start => {
            set_timer(&mut tx, f.edition.id, finalist.id, Some(now), None, None).await?;
            audit::append(
                &mut tx,
                &audit::Entry {
                    actor_id: Some(user.id),
                    action: "jury.pitch_started",
                    object: &object,
                    details: serde_json::json!({ "started_at": now }),
                },
                now,
            )
            .await?;
        }
        TimerAction::Stop => {
            let started = slot.timer_started_at.unwrap_or(now);
            // Whole seconds, rounded to the nearest.
            let measured = ((now - started).max(0) + 500) / 1000;
            set_timer(
                &mut tx,
                f.edition.id,
                finalist.id,
                Some(started),
                Some(now),
                Some(measured),
            )
            .await?;
            audit::append(
                &mut tx,
                &audit::Entry {
                    actor_id: Some(user.id),
                    action: "jury.pitch_timed",
                    object: &object,
                    details: serde_json::json!({
                        "started_at": started, "stopped_at": now, "measured_secs": measured,
                    }),
                },
                now,
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "{}#pitch-{}",
        base_url(&f),
        finalist.reference.unwrap_or_default()
    ))
    .into_response())
}

// ---------------------------------------------------------------------------------------
// Progress
// ---------------------------------------------------------------------------------------

pub struct ProgressCell {
    pub class: &'static str,
    pub label: String,
}

pub struct ProgressRow {
    pub reference: String,
    pub title: String,
    pub done: usize,
    pub expected: usize,
    pub cells: Vec<ProgressCell>,
}

pub struct ProgressTrack {
    pub name: String,
    pub jurors: Vec<String>,
    pub rows: Vec<ProgressRow>,
}

#[derive(Template)]
#[template(path = "jury/progress.html")]
pub struct ProgressTemplate {
    pub ctx: Ctx,
    pub back: String,
    pub title: String,
    pub status: String,
    pub assigned: i64,
    pub submitted: i64,
    pub refresh: u32,
    pub updated: String,
    pub tracks: Vec<ProgressTrack>,
}

async fn progress_page(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(edition): Path<String>,
) -> AppResult<Response> {
    let f = final_context(&app, &user, &edition).await?;
    let lang = ctx.lang;
    let finalists = queries::finalists(&app.db, f.edition.id).await?;
    let panel = queries::panel(&app.db, f.round.id).await?;
    let assigned: BTreeSet<(i64, i64)> = queries::assignments(&app.db, f.round.id)
        .await?
        .into_iter()
        .map(|(juror, dossier)| (dossier, juror))
        .collect();
    let conflicts: BTreeSet<(i64, i64)> = queries::conflicts_of_edition(&app.db, f.edition.id)
        .await?
        .into_iter()
        .map(|c| (c.application_id, c.user_id))
        .collect();
    let statuses: BTreeMap<(i64, i64), String> = sheet_statuses(&app.db, f.round.id)
        .await?
        .into_iter()
        .map(|(d, j, s)| ((d, j), s))
        .collect();
    let mut tracks = Vec::new();
    for t in &f.tracks {
        let jurors: Vec<&queries::Member> = panel.iter().filter(|m| m.track_id == t.id).collect();
        let rows: Vec<ProgressRow> = finalists
            .iter()
            .filter(|d| d.track_id == t.id)
            .map(|d| {
                let cells: Vec<ProgressCell> = jurors
                    .iter()
                    .map(|j| {
                        let key = (d.id, j.user_id);
                        let (class, label) = match statuses.get(&key).map(String::as_str) {
                            Some("submitted") => ("ok", "jury-cell-submitted"),
                            Some(_) => ("draft", "jury-cell-draft"),
                            None if conflicts.contains(&key) => ("conflict", "jury-cell-conflict"),
                            None if assigned.contains(&key) => ("todo", "jury-cell-todo"),
                            None => ("none", "jury-cell-none"),
                        };
                        ProgressCell {
                            class,
                            label: tr(lang, label),
                        }
                    })
                    .collect();
                ProgressRow {
                    reference: d.reference.clone().unwrap_or_default(),
                    title: d.title.clone(),
                    done: cells.iter().filter(|c| c.class == "ok").count(),
                    expected: jurors
                        .iter()
                        .filter(|j| assigned.contains(&(d.id, j.user_id)))
                        .count(),
                    cells,
                }
            })
            .collect();
        if rows.is_empty() {
            continue;
        }
        tracks.push(ProgressTrack {
            name: track_name(t, lang),
            jurors: jurors.iter().map(|j| j.display_name.clone()).collect(),
            rows,
        });
    }
    let (assigned, submitted) = queries::progress(&app.db, f.round.id).await?;
    render(&ProgressTemplate {
        back: base_url(&f),
        title: round_title(lang, &f.edition),
        status: tr(lang, &format!("round-status-{}", f.round.status)),
        assigned,
        submitted,
        refresh: if f.round.status() == RoundStatus::Open {
            PROGRESS_REFRESH_SECS
        } else {
            0
        },
        updated: format_at(lang, app.now_ms(), &f.tz),
        tracks,
        ctx,
    })
}

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
        rubrics.insert(t.id, final_rubric(app, &round, t).await?);
    }
    let stored = queries::submitted_sheets(&app.db, round.id).await?;
    let (totals, sheets) = super::admin::totals_and_sheets(&stored, &by_id, &rubrics);
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
    let women_led: BTreeSet<i64> = finalists
        .iter()
        .filter(|d| d.women_led)
        .map(|d| d.id)
        .collect();
    let laureates = prizes::laureates(&finals, &women_led, prizes::DEFAULT_TOP_N, jury.cumulate);
    let keys: BTreeMap<i64, Vec<String>> = rubrics
        .iter()
        .map(|(track, (_, tie_break))| (*track, tie_break.clone()))
        .collect();
    let prize_ties = prizes::prize_ties(
        &finals,
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
                                    .map(|x| track_name(x, lang))
                                    .unwrap_or_default(),
                                results::place_label(lang, t.place)
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
    let snapshot = snapshot(&tracks, &by_id, &laureates, jury.cumulate, prize_ties);
    let mut rankings = Vec::new();
    for t in &tracks {
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
                    prize: places
                        .get(&r.dossier)
                        .map(|p| results::place_label(lang, *p)),
                    special: laureates.special_prize == Some(r.dossier),
                    arbitrary: steps.as_deref().is_some_and(ranking::decided_arbitrarily),
                    tie: steps
                        .map(|steps| describe(ties::Between::LineAbove, t.id, r.score, &steps)),
                })
            })
            .collect();
        rankings.push(TrackRanking {
            name: track_name(t, lang),
            lines,
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

fn snapshot(
    tracks: &[TrackRow],
    by_id: &BTreeMap<i64, &ListedApplication>,
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
#[template(path = "jury/deliberation.html")]
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
    let published = results::publications(&app.db, edition.id)
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

async fn deliberation_page(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(edition): Path<String>,
) -> AppResult<Response> {
    let edition = organised_edition(&app, &user, &edition).await?;
    render_deliberation(
        &app,
        ctx,
        &edition,
        DeliberationState::default(),
        StatusCode::OK,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_time_is_minutes_or_minutes_and_seconds() {
        assert_eq!(parse_allowed("5"), Some(300));
        assert_eq!(parse_allowed(" 4:30 "), Some(270));
        assert_eq!(parse_allowed("0:30"), Some(30));
        assert_eq!(parse_allowed("60"), Some(3600));
        for bad in [
            "",
            "0",
            "0:10",
            "61",
            "4:60",
            "4:5x",
            "-1",
            "4.5",
            "4:005",
            "99999999999999",
        ] {
            assert_eq!(parse_allowed(bad), None, "{bad:?}");
        }
        assert_eq!(format_allowed(300), "5");
        assert_eq!(format_allowed(270), "4:30");
        assert_eq!(parse_allowed(&format_allowed(275)), Some(275));
    }

    #[test]
    fn certificates_name_team_members_or_a_first_name_and_initial() {
        let team = r#"{"team":{"group":[{"name":{"text":"Awa Traoré"}},{"name":{"text":" Moussa Diarra "}}]}}"#;
        assert_eq!(people_names(team), ["Awa Traoré", "Moussa Diarra"]);
        let alone = r#"{"first_name":{"text":"Aminata"},"last_name":{"text":"élise"}}"#;
        assert_eq!(people_names(alone), ["Aminata É."]);
        assert!(people_names(r#"{"contact_email":{"text":"a@b.ml"}}"#).is_empty());
        assert!(people_names("not json").is_empty());
    }

    #[test]
    fn team_name_never_reads_contacts() {
        let json = r#"{"contact_email":{"text":"a@b.ml"},"company_name":{"text":" Sanu SARL "}}"#;
        assert_eq!(team_name(json), "Sanu SARL");
        let json = r#"{"contact_email":{"text":"a@b.ml"},"team_name":{"text":"Les Gardiens"}}"#;
        assert_eq!(team_name(json), "Les Gardiens");
        assert_eq!(team_name(r#"{"contact_email":{"text":"a@b.ml"}}"#), "");
        assert_eq!(team_name("{}"), "");
        assert_eq!(team_name("not json"), "");
    }
}
