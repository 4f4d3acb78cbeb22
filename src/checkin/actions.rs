//! Recording the scans a door phone sends, in the caller's transaction. The scans themselves
//! are the record (who scanned, where, when, the verdict): they are not copied to the audit
//! log, which would add a chained hash per person entering.

use jiff::tz::TimeZone;
use serde::Serialize;

use super::queries::{self, NewScan};
use super::rules::{believable_instant, verdict, Direction};
use crate::db::Tx;
use crate::web::error::AppResult;

/// Which badge a scan names: a verified code, or a number typed by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Badge {
    Verified(u32),
    Typed(u32),
}

/// A scan as the phone sent it, its badge already checked.
#[derive(Debug, Clone)]
pub struct Scan {
    pub scan_id: String,
    pub badge: Result<Badge, &'static str>,
    pub room_id: Option<i64>,
    pub direction: Direction,
    pub scanned_at: i64,
    pub device: String,
}

/// What the server made of one scan, sent back to the phone.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Outcome {
    pub scan_id: String,
    /// `admitted`, `duplicate`, `revoked`, or why the code is no badge (`forged`,
    /// `malformed`, `unknown-key`, `unknown-badge`).
    pub result: String,
    pub badge: Option<u32>,
}

/// Records `scans` made for the edition by `staff_id`'s phone. A scan sent again (same id) is
/// answered with its first verdict and not counted twice.
pub async fn record_scans(
    tx: &mut Tx,
    (edition_id, tz): (i64, &TimeZone),
    scans: &[Scan],
    (staff_id, now): (i64, i64),
) -> AppResult<Vec<Outcome>> {
    let mut outcomes = Vec::with_capacity(scans.len());
    for scan in scans {
        let outcome = |result: &str, badge: Option<u32>| Outcome {
            scan_id: scan.scan_id.clone(),
            result: result.to_owned(),
            badge,
        };
        let number = match scan.badge {
            Ok(Badge::Verified(n) | Badge::Typed(n)) => n,
            Err(why) => {
                outcomes.push(outcome(why, None));
                continue;
            }
        };
        if let Some(recorded) = queries::recorded_verdict(tx, edition_id, &scan.scan_id).await? {
            outcomes.push(outcome(&recorded, Some(number)));
            continue;
        }
        let Some(valid) = queries::badge_is_valid(tx, edition_id, i64::from(number)).await? else {
            outcomes.push(outcome("unknown-badge", Some(number)));
            continue;
        };
        let at = believable_instant(scan.scanned_at, now);
        let day = jiff::Timestamp::from_millisecond(at)
            .map(|t| t.to_zoned(tz.clone()).date().to_string())
            .unwrap_or_default();
        let badge = i64::from(number);
        let before = queries::entered_before(tx, badge, &day, scan.room_id).await?;
        let v = verdict(!valid, scan.direction, before);
        let new = NewScan {
            scan_id: &scan.scan_id,
            edition_id,
            badge,
            room_id: scan.room_id,
            direction: scan.direction.as_str(),
            day: &day,
            verdict: v.as_str(),
            device: &scan.device,
            staff_id,
            scanned_at: at,
        };
        queries::insert_scan(tx, &new, now).await?;
        outcomes.push(outcome(v.as_str(), Some(number)));
    }
    Ok(outcomes)
}
