//! The final, on the organisers' side: jury settings, the pitch schedule per category, the
//! timer that measures each presentation (server timestamps from the injected clock), the
//! jury's progress, and the deliberation (ranking per category, top 3, special prize).
//!
//! The jury itself scores through the generic review pages (`/review`); the final round is
//! set up on the round page (`/admin/editions/{e}/review/final`).

use super::actions::{self, SettingsChange, Timer};
use super::context::{base_url, round_title, Final, OrganisedFinal};
use super::deliberation::{render_deliberation, DeliberationState};
use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::applications::queries::ListedApplication;
use crate::domain::types::Lang;
use crate::i18n::{tr, tr_args};
use crate::review::names::{format_at, format_duration};
use crate::review::queries::{self, RoundStatus};
use crate::review::queries::{settings, shortlist_locked, slots, JurySettings, TIMING_CRITERION};
use crate::review::round::rubric_of;
use crate::review::rules::rubric::Rubric;
use crate::web::ctx::{CsrfForm, Ctx};
use crate::web::edit::{posted_version, StaleEdit};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::FieldErrors;
use crate::web::sessions::SessionUser;
use crate::web::state::AppState;
use crate::web::templates::render_with_status;

// ---------------------------------------------------------------------------------------
// Storage
// ---------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

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
#[template(path = "review/jury/jury.html")]
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
            let (rubric, _) = rubric_of(app, &f.round, t).await?;
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
            name: t.name(lang),
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
            timezone: f.edition.timezone.name().to_owned(),
            allowed_label: format_duration(lang, settings.allowed_secs),
            categories,
            track_options: f.tracks.iter().map(|t| (t.id, t.name(lang))).collect(),
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

pub(super) async fn jury_page(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedFinal { final_round: f, .. }: OrganisedFinal,
) -> AppResult<Response> {
    render_jury(&app, ctx, &f, JuryState::default(), StatusCode::OK).await
}

pub(super) async fn save_settings(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedFinal {
        final_round: f,
        user,
    }: OrganisedFinal,
    form: CsrfForm<SettingsForm>,
) -> AppResult<Response> {
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
    let mut tx = app.db.begin().await?;
    let (round_id, expected) = (f.round.id, posted_version(&values.version));
    let change = SettingsChange::AllowedSecs(allowed);
    let now = app.now_ms();
    if !actions::change_settings(&mut tx, round_id, expected, change, user.id, now).await? {
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
    tx.commit().await?;
    Ok(Redirect::to(&base_url(&f)).into_response())
}

#[derive(Deserialize, Default)]
pub struct CumulateForm {
    #[serde(default)]
    cumulate: String,
    /// The settings' version the form was loaded from.
    #[serde(default)]
    version: String,
}

pub(super) async fn save_cumulate(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedFinal {
        final_round: f,
        user,
    }: OrganisedFinal,
    form: CsrfForm<CumulateForm>,
) -> AppResult<Response> {
    let cumulate = match form.value.cumulate.as_str() {
        "yes" => true,
        "no" => false,
        _ => return Err(AppError::BadRequest("error-bad-form")),
    };
    let mut tx = app.db.begin().await?;
    let (round_id, expected) = (f.round.id, posted_version(&form.value.version));
    let change = SettingsChange::Cumulate(cumulate);
    let now = app.now_ms();
    if !actions::change_settings(&mut tx, round_id, expected, change, user.id, now).await? {
        drop(tx);
        let stored = settings(&app.db, f.round.id).await?;
        let state = DeliberationState {
            stale: Some(stale_settings(ctx.lang, &stored)),
            cumulate: Some(cumulate),
            ..DeliberationState::default()
        };
        return render_deliberation(&app, ctx, &f.edition, state, StatusCode::CONFLICT).await;
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}/deliberation", base_url(&f))).into_response())
}

pub(super) async fn generate_schedule(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedFinal {
        final_round: f,
        user,
    }: OrganisedFinal,
    form: CsrfForm<ScheduleForm>,
) -> AppResult<Response> {
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
    let dossiers: Vec<i64> = finalists.iter().map(|d| d.id).collect();
    let schedule = actions::Schedule {
        track_id: track.id,
        dossiers: &dossiers,
        starts_at: start,
        minutes,
        room: &room,
    };
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    actions::generate_schedule(&mut tx, &f.edition, &schedule, user.id, now).await?;
    tx.commit().await?;
    Ok(Redirect::to(&base_url(&f)).into_response())
}

pub(super) async fn save_slot(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedFinal {
        final_round: f,
        user,
    }: OrganisedFinal,
    form: CsrfForm<SlotForm>,
) -> AppResult<Response> {
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
    let who = actions::Finalist {
        id: finalist.id,
        public_id: &finalist.public_id,
        track_id: finalist.track_id,
    };
    let slot = actions::Slot {
        position,
        starts_at: start,
        minutes,
        room: &room,
    };
    actions::set_slot(&mut tx, f.edition.id, who, slot, user.id, now).await?;
    tx.commit().await?;
    Ok(Redirect::to(&base_url(&f)).into_response())
}

pub(super) async fn start_timer(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedFinal { final_round, user }: OrganisedFinal,
    Path((_, reference)): Path<(String, String)>,
    _form: CsrfForm<serde::de::IgnoredAny>,
) -> AppResult<Response> {
    timer(&app, ctx, &user, final_round, &reference, Timer::Start).await
}

pub(super) async fn stop_timer(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedFinal { final_round, user }: OrganisedFinal,
    Path((_, reference)): Path<(String, String)>,
    _form: CsrfForm<serde::de::IgnoredAny>,
) -> AppResult<Response> {
    timer(&app, ctx, &user, final_round, &reference, Timer::Stop).await
}

/// The timer's buttons on the jury's page (see [`actions::time_pitch`]).
async fn timer(
    app: &AppState,
    ctx: Ctx,
    user: &SessionUser,
    f: Final,
    reference: &str,
    timer: Timer,
) -> AppResult<Response> {
    let finalist = finalist_by_reference(app, f.edition.id, reference)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    let who = actions::Finalist {
        id: finalist.id,
        public_id: &finalist.public_id,
        track_id: finalist.track_id,
    };
    let timed = actions::time_pitch(
        &mut tx,
        (f.edition.id, f.round.id),
        who,
        timer,
        user.id,
        now,
    )
    .await?;
    if let Err(key) = timed {
        drop(tx);
        let mut errors = FieldErrors::default();
        errors.add("timer", tr(ctx.lang, key));
        let state = JuryState {
            errors,
            ..JuryState::default()
        };
        return render_jury(app, ctx, &f, state, StatusCode::CONFLICT).await;
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "{}#pitch-{}",
        base_url(&f),
        finalist.reference.unwrap_or_default()
    ))
    .into_response())
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
}
