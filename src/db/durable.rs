//! Group commit for SQLite: a commit is acknowledged only once SQLite's write-ahead log is on
//! disk, and commits that end while the log is being flushed share the next flush.
//!
//! The connections run `synchronous=NORMAL`: a commit writes its frames to the log (a
//! `write`, no flush) and returns, so the single writer moves on at once. The committer then
//! waits here for an `fdatasync` of the log that *started after* its commit. That is what
//! `synchronous=FULL` does, but FULL flushes inside the write lock, once per commit: in a
//! deadline rush every writer then queued behind every flush. Here the flush happens outside
//! the lock, and one flush covers every commit that ended before it began. Frames later moved
//! into the database file by a checkpoint are flushed by SQLite itself before the log restarts
//! (NORMAL syncs around every checkpoint), so a flush of the log covers them either way.

use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::Mutex;

/// Requests for a flush, numbered in order, and how many of them a flush has served.
#[derive(Debug)]
pub struct WalSync {
    /// The log file, or `None` for an in-memory database (nothing to flush).
    wal: Option<PathBuf>,
    requested: AtomicU64,
    flushed: AtomicU64,
    flushes: AtomicU64,
    /// Held by the committer that flushes; the others wait their turn here, then usually
    /// find their commit already covered.
    flushing: Mutex<()>,
}

impl WalSync {
    pub fn new(database: &std::path::Path) -> Self {
        let name = database.as_os_str();
        let in_memory = name.is_empty() || name == ":memory:";
        let wal = (!in_memory).then(|| {
            let mut wal = name.to_owned();
            wal.push("-wal");
            PathBuf::from(wal)
        });
        WalSync {
            wal,
            requested: AtomicU64::new(0),
            flushed: AtomicU64::new(0),
            flushes: AtomicU64::new(0),
            flushing: Mutex::new(()),
        }
    }

    /// Returns once everything committed before this call is on disk: called right after a
    /// commit returned, that commit; called by the outbox before sending, every message it
    /// has read (a power cut cannot take back what was sent).
    pub async fn flushed(&self) -> io::Result<()> {
        let ticket = self.requested.fetch_add(1, Ordering::SeqCst) + 1;
        self.flushed_through(ticket).await
    }

    /// How many flushes of the log were made: fewer than requests when commits share them.
    pub fn flushes(&self) -> u64 {
        self.flushes.load(Ordering::Relaxed)
    }

    async fn flushed_through(&self, ticket: u64) -> io::Result<()> {
        let Some(wal) = &self.wal else {
            return Ok(());
        };
        if self.flushed.load(Ordering::SeqCst) >= ticket {
            return Ok(());
        }
        let _turn = self.flushing.lock().await;
        if self.flushed.load(Ordering::SeqCst) >= ticket {
            return Ok(()); // the flush before ours covered this commit
        }
        // Every request counted so far was made before this flush starts.
        let target = self.requested.load(Ordering::SeqCst);
        let wal = wal.clone();
        tokio::task::spawn_blocking(move || match std::fs::File::open(&wal) {
            Ok(file) => file.sync_data(),
            // No log: SQLite checkpointed it into the database file, flushed, and removed it.
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e),
        })
        .await
        .map_err(io::Error::other)??;
        self.flushes.fetch_add(1, Ordering::Relaxed);
        self.flushed.fetch_max(target, Ordering::SeqCst);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn log_in(dir: &tempfile::TempDir) -> WalSync {
        let database = dir.path().join("kene.db");
        std::fs::write(dir.path().join("kene.db-wal"), [0u8; 4096]).expect("write a log");
        WalSync::new(&database)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn commits_ending_together_share_flushes() {
        let dir = tempfile::tempdir().expect("temp dir");
        let sync = Arc::new(log_in(&dir));
        let waiting: Vec<_> = (0..64)
            .map(|_| {
                let sync = sync.clone();
                tokio::spawn(async move { sync.flushed().await })
            })
            .collect();
        for w in waiting {
            w.await.expect("join").expect("flushed");
        }
        let flushes = sync.flushes();
        assert!(
            (1..32).contains(&flushes),
            "{flushes} flushes for 64 commits"
        );
    }

    #[tokio::test]
    async fn a_commit_after_a_flush_gets_a_flush_of_its_own() {
        let dir = tempfile::tempdir().expect("temp dir");
        let sync = log_in(&dir);
        sync.flushed().await.expect("first");
        sync.flushed().await.expect("second");
        assert_eq!(sync.flushes(), 2);
    }

    #[tokio::test]
    async fn an_in_memory_database_has_nothing_to_flush() {
        let sync = WalSync::new(std::path::Path::new(":memory:"));
        sync.flushed().await.expect("flushed");
        assert_eq!(sync.flushes(), 0);
    }
}
