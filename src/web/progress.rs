//! The progress of work that outlives its request (a bulk import), in memory: a page that
//! refreshes itself shows it as a progress bar, without JavaScript. Per instance, like the
//! work itself; a job whose instance stopped is simply no longer running.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

#[derive(Debug, Default)]
pub struct Progress {
    /// Job → (done, total).
    jobs: Mutex<HashMap<String, (usize, usize)>>,
}

impl Progress {
    fn jobs(&self) -> MutexGuard<'_, HashMap<String, (usize, usize)>> {
        match self.jobs.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Starts `job` of `total` steps; `false` when it is already running (a second click).
    pub fn start(&self, job: &str, total: usize) -> bool {
        let mut jobs = self.jobs();
        if jobs.contains_key(job) {
            return false;
        }
        jobs.insert(job.to_owned(), (0, total));
        true
    }

    pub fn advance(&self, job: &str, done: usize) {
        if let Some(entry) = self.jobs().get_mut(job) {
            entry.0 = done.min(entry.1);
        }
    }

    pub fn finish(&self, job: &str) {
        self.jobs().remove(job);
    }

    /// (done, total) of a running job.
    pub fn of(&self, job: &str) -> Option<(usize, usize)> {
        self.jobs().get(job).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_runs_once_at_a_time_and_its_progress_is_bounded() {
        let p = Progress::default();
        assert!(p.start("a", 10));
        assert!(!p.start("a", 10));
        p.advance("a", 4);
        assert_eq!(p.of("a"), Some((4, 10)));
        p.advance("a", 40);
        assert_eq!(p.of("a"), Some((10, 10)));
        p.finish("a");
        assert_eq!(p.of("a"), None);
        assert!(p.start("a", 1));
    }
}
