//! The final's pitch slots and timers, one use case each (the change and its audit entry, in
//! the caller's transaction): the jury's page and the demo both go through them.

use super::queries::{
    current_settings_tx, set_timer, store_settings, submitted_sheets_of_dossier_tx, upsert_slot,
    NewSlot,
};
use crate::audit;
use crate::calls::queries::EditionRow;
use crate::db::Tx;
use crate::review::queries::{self, slot_tx, RoundStatus};
use crate::web::error::AppResult;

/// A finalist of the final: its dossier's id, public id and track.
#[derive(Debug, Clone, Copy)]
pub struct Finalist<'a> {
    pub id: i64,
    pub public_id: &'a str,
    pub track_id: i64,
}

/// Where and when a finalist pitches.
#[derive(Debug, Clone, Copy)]
pub struct Slot<'a> {
    pub position: i64,
    pub starts_at: i64,
    pub minutes: i64,
    pub room: &'a str,
}

/// Creates or moves a finalist's slot (a measured time already recorded is kept).
pub async fn set_slot(
    tx: &mut Tx,
    edition_id: i64,
    finalist: Finalist<'_>,
    slot: Slot<'_>,
    actor_id: i64,
    now: i64,
) -> AppResult<()> {
    upsert_slot(
        tx,
        &NewSlot {
            edition_id,
            track_id: finalist.track_id,
            application_id: finalist.id,
            position: slot.position,
            starts_at: slot.starts_at,
            minutes: slot.minutes,
            room: slot.room,
        },
    )
    .await?;
    audit::Entry::by(
        actor_id,
        audit::Action::JurySlotChanged,
        &format!("application:{}", finalist.public_id),
        serde_json::json!({
            "position": slot.position, "starts_at": slot.starts_at,
            "minutes": slot.minutes, "room": slot.room,
        }),
    )
    .append(tx, now)
    .await?;
    Ok(())
}

/// A track's pitches one after the other, in the finalists' order, from `starts_at`.
pub struct Schedule<'a> {
    pub track_id: i64,
    pub dossiers: &'a [i64],
    pub starts_at: i64,
    pub minutes: i64,
    pub room: &'a str,
}

/// Lays out a track's pitch slots (measured times already recorded are kept).
pub async fn generate_schedule(
    tx: &mut Tx,
    edition: &EditionRow,
    schedule: &Schedule<'_>,
    actor_id: i64,
    now: i64,
) -> AppResult<()> {
    for (i, dossier) in (0i64..).zip(schedule.dossiers) {
        upsert_slot(
            tx,
            &NewSlot {
                edition_id: edition.id,
                track_id: schedule.track_id,
                application_id: *dossier,
                position: i + 1,
                starts_at: schedule.starts_at + i * schedule.minutes * 60_000,
                minutes: schedule.minutes,
                room: schedule.room,
            },
        )
        .await?;
    }
    audit::Entry::by(
        actor_id,
        audit::Action::JuryScheduleGenerated,
        &format!("edition:{}:track:{}", edition.slug, schedule.track_id),
        serde_json::json!({
            "starts_at": schedule.starts_at, "minutes": schedule.minutes,
            "room": schedule.room, "pitches": schedule.dossiers.len(),
        }),
    )
    .append(tx, now)
    .await?;
    Ok(())
}

/// The pitch timer's two buttons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timer {
    Start,
    Stop,
}

/// Start records the server's instant; stop records the second instant and the measured
/// presentation time. Restarting re-measures, until a juror has submitted a sheet for the
/// pitch: from then on the measurement is part of a score and stays. `Err` holds the Fluent
/// key of the refusal.
pub async fn time_pitch(
    tx: &mut Tx,
    (edition_id, round_id): (i64, i64),
    finalist: Finalist<'_>,
    timer: Timer,
    actor_id: i64,
    now: i64,
) -> AppResult<Result<(), &'static str>> {
    let slot = slot_tx(tx, edition_id, finalist.id).await?;
    let round = queries::round_tx(tx, round_id).await?;
    let refused = match (&slot, timer) {
        (None, _) => Some("pitch-no-slot"),
        _ if round.status() == RoundStatus::Closed => Some("review-round-closed"),
        (Some(s), Timer::Start) if s.running() => Some("pitch-timer-running"),
        (Some(s), Timer::Stop) if !s.running() => Some("pitch-timer-not-running"),
        (Some(_), Timer::Start)
            if submitted_sheets_of_dossier_tx(tx, round_id, finalist.id).await? > 0 =>
        {
            Some("pitch-timer-frozen")
        }
        _ => None,
    };
    let (Some(slot), None) = (slot, refused) else {
        return Ok(Err(refused.unwrap_or("pitch-no-slot")));
    };
    let object = format!("application:{}", finalist.public_id);
    let (action, details) = match timer {
        Timer::Start => {
            set_timer(tx, edition_id, finalist.id, Some(now), None, None).await?;
            let details = serde_json::json!({ "started_at": now });
            (audit::Action::JuryPitchStarted, details)
        }
        Timer::Stop => {
            let started = slot.timer_started_at.unwrap_or(now);
            // Whole seconds, rounded to the nearest.
            let measured = ((now - started).max(0) + 500) / 1000;
            let (started, stopped) = (Some(started), Some(now));
            set_timer(
                tx,
                edition_id,
                finalist.id,
                started,
                stopped,
                Some(measured),
            )
            .await?;
            let details = serde_json::json!({
                "started_at": started, "stopped_at": now, "measured_secs": measured,
            });
            (audit::Action::JuryPitchTimed, details)
        }
    };
    audit::Entry::by(actor_id, action, &object, details)
        .append(tx, now)
        .await?;
    Ok(Ok(()))
}

/// One change to the final's settings.
#[derive(Debug, Clone, Copy)]
pub enum SettingsChange {
    /// The time a pitch is allowed, in seconds.
    AllowedSecs(i64),
    /// Whether the preselection's scores count in the final.
    Cumulate(bool),
}

/// Saves a change to the final's settings as loaded at `expected_version`; `false` (nothing
/// written) when someone saved them in between. Choosing what is already stored writes nothing.
pub async fn change_settings(
    tx: &mut Tx,
    round_id: i64,
    expected_version: i64,
    change: SettingsChange,
    actor_id: i64,
    now: i64,
) -> AppResult<bool> {
    let mut settings = current_settings_tx(tx, round_id).await?;
    let details = match change {
        SettingsChange::AllowedSecs(secs) => {
            settings.allowed_secs = secs;
            serde_json::json!({ "allowed_secs": secs })
        }
        SettingsChange::Cumulate(cumulate) if cumulate == settings.cumulate => return Ok(true),
        SettingsChange::Cumulate(cumulate) => {
            settings.cumulate = cumulate;
            serde_json::json!({ "cumulate": cumulate })
        }
    };
    if !store_settings(tx, round_id, expected_version, &settings).await? {
        return Ok(false);
    }
    audit::Entry::by(
        actor_id,
        audit::Action::JurySettingsChanged,
        &format!("round:{round_id}"),
        details,
    )
    .append(tx, now)
    .await?;
    Ok(true)
}
