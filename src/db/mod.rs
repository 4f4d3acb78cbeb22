//! Database access: one code path over SQLite and PostgreSQL.
//!
//! Queries are written once with `$N` placeholders and run through [`run!`] (pool) or
//! [`run_tx!`] (transaction), which expand the same expression once per native driver.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database error: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database URL: {0}")]
    UnsupportedUrl(String),
    #[error("corrupt stored data: {0}")]
    Corrupt(String),
}

pub type DbResult<T> = Result<T, DbError>;

/// A pool over whichever backend this instance uses.
///
/// SQLite has one writer at a time. Rather than letting writers collide and sleep in SQLite's
/// busy handler (polling with back-off, which makes the latency tail of a deadline rush), every
/// write goes through `writer`, a pool of exactly one connection: writers wait their turn in the
/// pool's first-come-first-served queue and start the moment the previous commit ends. Reads use
/// `pool` and never wait for writers (WAL).
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite {
        pool: SqlitePool,
        writer: SqlitePool,
    },
    Postgres(PgPool),
}

/// A transaction over whichever backend this instance uses.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Runs `$body` with `$conn` bound to the pool of the active backend, for statements that only
/// read. A statement that writes outside a transaction uses [`run_write!`].
#[macro_export]
macro_rules! run {
    ($db:expr, |$conn:ident| $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite { pool: $conn, .. } => $body,
            $crate::db::Db::Postgres($conn) => $body,
        }
    };
}

/// Runs `$body` with `$conn` bound to the pool of the active backend that takes writes: on
/// SQLite the single writer connection (see [`Db`]), on PostgreSQL the one pool.
#[macro_export]
macro_rules! run_write {
    ($db:expr, |$conn:ident| $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite { writer: $conn, .. } => $body,
            $crate::db::Db::Postgres($conn) => $body,
        }
    };
}

/// Runs `$body` with `$conn` bound to the connection of an open transaction.
#[macro_export]
macro_rules! run_tx {
    ($tx:expr, |$conn:ident| $body:expr) => {
        match $tx {
            $crate::db::Tx::Sqlite(tx) => {
                let $conn = &mut **tx;
                $body
            }
            $crate::db::Tx::Postgres(tx) => {
                let $conn = &mut **tx;
                $body
            }
        }
    };
}

impl Db {
    /// Connects to `url` (`sqlite://path` or `postgres://…`) and applies migrations.
    pub async fn connect(url: &str, max_connections: u32) -> DbResult<Db> {
        let db = if url.starts_with("sqlite:") {
            // `synchronous=FULL`: in WAL mode every commit waits for the log to reach the disk,
            // so what a user was told is saved (a receipt above all) survives a power cut, not
            // only a crash of the process. NORMAL could lose the last commits.
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .pragma("cache_size", "-8000");
            let writer = SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                // Writers queue here during a rush; the wait is bounded like any request.
                .acquire_timeout(Duration::from_secs(20))
                .connect_with(options.clone())
                .await?;
            let pool = SqlitePoolOptions::new()
                .max_connections(max_connections)
                .acquire_timeout(Duration::from_secs(10))
                .min_connections(1)
                .connect_with(options)
                .await?;
            Db::Sqlite { pool, writer }
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(max_connections)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            Db::Postgres(pool)
        } else {
            return Err(DbError::UnsupportedUrl(url.to_owned()));
        };
        db.migrate().await?;
        Ok(db)
    }

    pub async fn migrate(&self) -> DbResult<()> {
        match self {
            Db::Sqlite { writer, .. } => sqlx::migrate!("./migrations/sqlite").run(writer).await?,
            Db::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    pub async fn begin(&self) -> DbResult<Tx> {
        Ok(match self {
            // Transactions run on the writer connection (see [`Db`]). IMMEDIATE takes the write
            // lock up front, so a transaction that reads and then writes cannot fail with
            // SQLITE_BUSY should another process (the CLI) write at the same moment.
            Db::Sqlite { writer, .. } => Tx::Sqlite(writer.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, Db::Postgres(_))
    }

    /// Cheap liveness probe for `/readyz`.
    pub async fn ping(&self) -> DbResult<()> {
        run!(self, |pool| sqlx::query("SELECT 1")
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite { pool, writer } => {
                pool.close().await;
                writer.close().await;
            }
            Db::Postgres(pool) => pool.close().await,
        }
    }
}

impl Tx {
    pub async fn commit(self) -> DbResult<()> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }

    /// Serialises writers of a shared sequence (the audit chain, reference numbers) on
    /// PostgreSQL; SQLite already has a single writer.
    pub async fn lock(&mut self, key: i64) -> DbResult<()> {
        if let Tx::Postgres(tx) = self {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(key)
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }
}
