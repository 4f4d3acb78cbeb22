//! Rate limits kept in the database, so that they hold across instances: fixed windows per
//! key, and a growing wait after failed password logins.

use crate::db::{Db, DbResult};
use crate::{run, run_write};

/// Counts one hit on `key` and tells whether it is still within `max` per `window_ms`.
pub async fn hit(db: &Db, key: &str, max: i64, window_ms: i64, now_ms: i64) -> DbResult<bool> {
    let window_start = now_ms - now_ms.rem_euclid(window_ms);
    let sql = "INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, $2, 1) \
               ON CONFLICT (key) DO UPDATE SET \
                 hits = CASE WHEN rate_limits.window_start = $2 THEN rate_limits.hits + 1 ELSE 1 END, \
                 window_start = $2 \
               RETURNING hits";
    let hits: i64 = run_write!(db, |pool| sqlx::query_scalar(sql)
        .bind(key)
        .bind(window_start)
        .fetch_one(pool)
        .await)?;
    Ok(hits <= max)
}

pub const FIFTEEN_MINUTES: i64 = 15 * 60 * 1000;
pub const ONE_HOUR: i64 = 60 * 60 * 1000;

/// The wait after the first failure that is not free; each further failure doubles it.
pub const FIRST_LOGIN_WAIT_MS: i64 = 5 * 1000;
/// The longest wait between two password attempts on one account.
pub const MAX_LOGIN_WAIT_MS: i64 = 15 * 60 * 1000;
/// Failures older than this (counted from the latest one) are forgotten.
pub const LOGIN_FAILURES_FORGOTTEN_MS: i64 = ONE_HOUR;

/// How long an account waits after its `failures`-th consecutive failed login, when the first
/// `free` failures impose no wait: 0, …, 0, 5 s, 10 s, 20 s… up to 15 minutes. A slowdown, not
/// a lock: the owner can still sign in, and at any time with a code (see the login routes).
pub fn login_wait_ms(failures: i64, free: i64) -> i64 {
    if failures < free.max(1) {
        return 0;
    }
    let doublings = u32::try_from((failures - free.max(1)).min(20)).unwrap_or(20);
    FIRST_LOGIN_WAIT_MS
        .saturating_mul(1_i64 << doublings)
        .min(MAX_LOGIN_WAIT_MS)
}

/// Milliseconds `account` must still wait before its password is checked again, if any.
pub async fn login_wait(db: &Db, account: &str, free: i64, now_ms: i64) -> DbResult<Option<i64>> {
    let row: Option<(i64, i64)> = run!(db, |pool| sqlx::query_as(
        "SELECT failures, last_failure_at FROM login_failures WHERE account = $1"
    )
    .bind(account)
    .fetch_optional(pool)
    .await)?;
    Ok(row.and_then(|(failures, last)| {
        if now_ms - last > LOGIN_FAILURES_FORGOTTEN_MS {
            return None;
        }
        let until = last.saturating_add(login_wait_ms(failures, free));
        (until > now_ms).then_some(until - now_ms)
    }))
}

/// Counts one failed password login on `account` (a typed login, existing or not).
pub async fn record_login_failure(db: &Db, account: &str, now_ms: i64) -> DbResult<()> {
    let sql = "INSERT INTO login_failures (account, failures, last_failure_at) VALUES ($1, 1, $2) \
               ON CONFLICT (account) DO UPDATE SET \
                 failures = CASE WHEN login_failures.last_failure_at < $3 THEN 1 \
                                 ELSE login_failures.failures + 1 END, \
                 last_failure_at = $2";
    run_write!(db, |pool| sqlx::query(sql)
        .bind(account)
        .bind(now_ms)
        .bind(now_ms - LOGIN_FAILURES_FORGOTTEN_MS)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// A successful sign-in forgets the account's failures.
pub async fn clear_login_failures(db: &Db, account: &str) -> DbResult<()> {
    run_write!(db, |pool| sqlx::query(
        "DELETE FROM login_failures WHERE account = $1"
    )
    .bind(account)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn waits_start_after_the_free_failures_and_double() {
        let waits: Vec<i64> = (1..=8).map(|f| login_wait_ms(f, 3)).collect();
        assert_eq!(
            waits,
            [0, 0, 5_000, 10_000, 20_000, 40_000, 80_000, 160_000]
        );
        assert_eq!(login_wait_ms(100, 3), MAX_LOGIN_WAIT_MS);
        assert_eq!(login_wait_ms(i64::MAX, 3), MAX_LOGIN_WAIT_MS);
    }

    proptest! {
        #[test]
        fn waits_grow_and_stay_bounded(failures in 0_i64..10_000, free in 0_i64..50) {
            let now = login_wait_ms(failures, free);
            let next = login_wait_ms(failures + 1, free);
            prop_assert!(now <= next);
            prop_assert!((0..=MAX_LOGIN_WAIT_MS).contains(&next));
            if now > 0 && next < MAX_LOGIN_WAIT_MS {
                prop_assert_eq!(next, 2 * now);
            }
        }
    }
}
