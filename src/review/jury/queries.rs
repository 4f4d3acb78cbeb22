//! What the final stores besides the review tables: its settings, the pitch slots and their
//! timers, and the juror sheets the progress page counts.

use crate::db::{Db, DbResult, Tx};
use crate::review::queries::JurySettings;
use crate::{run, run_tx};

/// Stores the settings if the stored ones are still at `expected_version` (0: none stored
/// yet); false (nothing written) when someone saved them in between.
pub(super) async fn store_settings(
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

pub(super) struct NewSlot<'a> {
    pub(super) edition_id: i64,
    pub(super) track_id: i64,
    pub(super) application_id: i64,
    pub(super) position: i64,
    pub(super) starts_at: i64,
    pub(super) minutes: i64,
    pub(super) room: &'a str,
}

/// Creates or moves a slot; a measured time already recorded is kept.
pub(super) async fn upsert_slot(tx: &mut Tx, s: &NewSlot<'_>) -> DbResult<()> {
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

pub(super) async fn set_timer(
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

pub(super) async fn submitted_sheets_of_dossier_tx(
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
pub(super) async fn sheet_statuses(db: &Db, round_id: i64) -> DbResult<Vec<(i64, i64, String)>> {
    let sql = "SELECT application_id, reviewer_id, status FROM score_sheets WHERE round_id = $1";
    Ok(run!(db, |pool| sqlx::query_as::<_, (i64, i64, String)>(
        sql
    )
    .bind(round_id)
    .fetch_all(pool)
    .await)?)
}

/// The final's settings as stored (the defaults before the first save), read in `tx`.
pub(super) async fn current_settings_tx(tx: &mut Tx, round_id: i64) -> DbResult<JurySettings> {
    let sql = "SELECT allowed_secs, cumulate, version FROM jury_settings WHERE round_id = $1";
    let row = run_tx!(tx, |conn| sqlx::query_as::<_, JurySettings>(sql)
        .bind(round_id)
        .fetch_optional(conn)
        .await)?;
    Ok(row.unwrap_or_default())
}
