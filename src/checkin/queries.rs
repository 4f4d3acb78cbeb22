//! The scans recorded at the doors, and what door phones need to know of the badges.

use crate::db::{Db, DbResult, Tx};
use crate::{run, run_tx};

/// The numbers of the badges that let people in (confirmed, in person), in order.
pub async fn valid_badges(db: &Db, edition_id: i64) -> DbResult<Vec<i64>> {
    let sql = "SELECT id FROM registrations WHERE edition_id = $1 AND status = 'confirmed' \
               AND attendance = 'in_person' ORDER BY id";
    Ok(run!(db, |pool| sqlx::query_scalar::<_, i64>(sql)
        .bind(edition_id)
        .fetch_all(pool)
        .await)?)
}

/// Whether badge `badge` of the edition still lets its holder in; `None` for a number the
/// edition never gave.
pub async fn badge_is_valid(tx: &mut Tx, edition_id: i64, badge: i64) -> DbResult<Option<bool>> {
    let sql = "SELECT status = 'confirmed' AND attendance = 'in_person' FROM registrations \
               WHERE id = $1 AND edition_id = $2";
    Ok(run_tx!(tx, |conn| sqlx::query_scalar::<_, bool>(sql)
        .bind(badge)
        .bind(edition_id)
        .fetch_optional(conn)
        .await)?)
}

/// Whether the badge already entered door `room` (`None`: the main entrance) on `day`.
pub async fn entered_before(
    tx: &mut Tx,
    badge: i64,
    day: &str,
    room: Option<i64>,
) -> DbResult<bool> {
    let sql = "SELECT COUNT(*) FROM checkin_scans WHERE registration_id = $1 AND day = $2 \
               AND direction = 'in' AND verdict = 'admitted' \
               AND COALESCE(room_id, 0) = COALESCE(CAST($3 AS BIGINT), 0)";
    let n: i64 = run_tx!(tx, |conn| sqlx::query_scalar(sql)
        .bind(badge)
        .bind(day)
        .bind(room)
        .fetch_one(conn)
        .await)?;
    Ok(n > 0)
}

/// A scan to record.
pub struct NewScan<'a> {
    pub scan_id: &'a str,
    pub edition_id: i64,
    pub badge: i64,
    pub room_id: Option<i64>,
    pub direction: &'a str,
    pub day: &'a str,
    pub verdict: &'a str,
    pub device: &'a str,
    pub staff_id: i64,
    pub scanned_at: i64,
}

/// Records a scan; `false` when a scan with that id was already recorded (a batch sent again).
pub async fn insert_scan(tx: &mut Tx, s: &NewScan<'_>, now_ms: i64) -> DbResult<bool> {
    let sql = "INSERT INTO checkin_scans (scan_id, edition_id, registration_id, room_id, \
               direction, day, verdict, device, staff_id, scanned_at, received_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
               ON CONFLICT (scan_id) DO NOTHING";
    let added = run_tx!(tx, |conn| sqlx::query(sql)
        .bind(s.scan_id)
        .bind(s.edition_id)
        .bind(s.badge)
        .bind(s.room_id)
        .bind(s.direction)
        .bind(s.day)
        .bind(s.verdict)
        .bind(s.device)
        .bind(s.staff_id)
        .bind(s.scanned_at)
        .bind(now_ms)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(added == 1)
}

/// The verdict recorded for a scan id of the edition, if any.
pub async fn recorded_verdict(
    tx: &mut Tx,
    edition_id: i64,
    scan_id: &str,
) -> DbResult<Option<String>> {
    let sql = "SELECT verdict FROM checkin_scans WHERE scan_id = $1 AND edition_id = $2";
    Ok(run_tx!(tx, |conn| sqlx::query_scalar::<_, String>(sql)
        .bind(scan_id)
        .bind(edition_id)
        .fetch_optional(conn)
        .await)?)
}

/// Scans of a day by door, direction and verdict: `(room id, direction, verdict, count)`.
pub async fn day_counts(
    db: &Db,
    edition_id: i64,
    day: &str,
) -> DbResult<Vec<(Option<i64>, String, String, i64)>> {
    let sql = "SELECT room_id, direction, verdict, COUNT(*) FROM checkin_scans \
               WHERE edition_id = $1 AND day = $2 GROUP BY room_id, direction, verdict";
    Ok(run!(db, |pool| sqlx::query_as(sql)
        .bind(edition_id)
        .bind(day)
        .fetch_all(pool)
        .await)?)
}

/// A scan organisers should look at (a duplicate or a revoked badge).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FlaggedScan {
    pub badge: i64,
    pub name: String,
    pub room: Option<String>,
    pub verdict: String,
    pub device: String,
    pub scanned_at: i64,
}

/// The day's duplicates and revoked badges, newest first.
pub async fn flagged(db: &Db, edition_id: i64, day: &str) -> DbResult<Vec<FlaggedScan>> {
    let sql = "SELECT s.registration_id AS badge, r.display_name AS name, p.name AS room, \
               s.verdict, s.device, s.scanned_at FROM checkin_scans s \
               JOIN registrations r ON r.id = s.registration_id \
               LEFT JOIN programme_rooms p ON p.id = s.room_id \
               WHERE s.edition_id = $1 AND s.day = $2 AND s.verdict <> 'admitted' \
               ORDER BY s.scanned_at DESC, s.id DESC LIMIT 200";
    Ok(run!(db, |pool| sqlx::query_as::<_, FlaggedScan>(sql)
        .bind(edition_id)
        .bind(day)
        .fetch_all(pool)
        .await)?)
}
