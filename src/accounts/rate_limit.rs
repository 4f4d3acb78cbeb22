//! Fixed-window rate limits kept in the database, so that they hold across instances.

use crate::db::{Db, DbResult};
use crate::run;

/// Counts one hit on `key` and tells whether it is still within `max` per `window_ms`.
pub async fn hit(db: &Db, key: &str, max: i64, window_ms: i64, now_ms: i64) -> DbResult<bool> {
    let window_start = now_ms - now_ms.rem_euclid(window_ms);
    let sql = "INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, $2, 1) \
               ON CONFLICT (key) DO UPDATE SET \
                 hits = CASE WHEN rate_limits.window_start = $2 THEN rate_limits.hits + 1 ELSE 1 END, \
                 window_start = $2 \
               RETURNING hits";
    let hits: i64 = run!(db, |pool| sqlx::query_scalar(sql)
        .bind(key)
        .bind(window_start)
        .fetch_one(pool)
        .await)?;
    Ok(hits <= max)
}

pub const FIFTEEN_MINUTES: i64 = 15 * 60 * 1000;
pub const ONE_HOUR: i64 = 60 * 60 * 1000;
