//! An in-memory limit of requests per client and per minute, for read-only endpoints that
//! other programs call (the open-data API): counting them in the database would turn every
//! read into a write. Per instance: behind several instances a client gets that many per
//! instance.

use std::collections::HashMap;
use std::sync::Mutex;

const MINUTE_MS: i64 = 60_000;
/// Past this many clients in one minute, the oldest minute's counts are dropped first.
const MAX_CLIENTS: usize = 100_000;

#[derive(Debug, Default)]
pub struct PerMinute {
    /// Client → (the minute counted, requests in it).
    counts: Mutex<HashMap<String, (i64, u32)>>,
}

impl PerMinute {
    /// Counts a request of `client` at `now_ms`; `Err(seconds to wait)` past `max` in its
    /// current minute.
    pub fn hit(&self, client: &str, max: u32, now_ms: i64) -> Result<(), i64> {
        let minute = now_ms.div_euclid(MINUTE_MS);
        let mut counts = match self.counts.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        if counts.len() >= MAX_CLIENTS {
            counts.retain(|_, (m, _)| *m == minute);
        }
        let entry = counts.entry(client.to_owned()).or_insert((minute, 0));
        if entry.0 != minute {
            *entry = (minute, 0);
        }
        if entry.1 >= max {
            return Err((minute + 1) * MINUTE_MS / 1000 - now_ms.div_euclid(1000));
        }
        entry.1 += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_gets_max_requests_a_minute_then_waits_for_the_next() {
        let limit = PerMinute::default();
        let t = 10 * MINUTE_MS + 15_000;
        for _ in 0..3 {
            assert_eq!(limit.hit("a", 3, t), Ok(()));
        }
        assert_eq!(limit.hit("a", 3, t + 1_000), Err(44));
        assert_eq!(
            limit.hit("b", 3, t),
            Ok(()),
            "another client is counted apart"
        );
        assert_eq!(limit.hit("a", 3, 11 * MINUTE_MS), Ok(()));
    }
}
