//! Database access: one code path over SQLite and PostgreSQL.
//!
//! Queries are written once with `$N` placeholders and run through [`run!`] (pool) or
//! [`run_tx!`] (transaction), which expand the same expression once per native driver.

use std::ops::{Deref, DerefMut};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{ConnectOptions, Executor, PgPool, Postgres, SqlitePool, Transaction};
use tokio::sync::{Mutex, OwnedMutexGuard};

pub mod durable;
#[cfg(test)]
pub(crate) mod testing;
use durable::WalSync;

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
    #[error("could not flush the database log to disk: {0}")]
    Flush(#[from] std::io::Error),
}

pub type DbResult<T> = Result<T, DbError>;

/// A pool over whichever backend this instance uses.
///
/// SQLite has one writer at a time. Rather than letting writers collide and sleep in SQLite's
/// busy handler (polling with back-off, which makes the latency tail of a deadline rush), every
/// write goes through `writer`, one connection behind a first-come-first-served lock: writers
/// wait their turn and start the moment the previous commit ends. The connection is held, not
/// pooled: a pool tests a connection on every return and hands it over through a spawned task,
/// and those round trips to SQLite's thread made each write ~0.3 ms longer, in a queue where
/// every write waits for all those before it. Reads use `pool` and never wait for writers (WAL).
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite {
        pool: SqlitePool,
        writer: Arc<Mutex<Writer>>,
        wal: Arc<WalSync>,
    },
    Postgres(PgPool),
}

/// SQLite's write connection, whether a transaction left on it must still be rolled back, and
/// the audit chain's head as this connection last committed it (see [`Tx::audit_head_guess`]).
#[derive(Debug)]
pub struct Writer {
    conn: SqliteConnection,
    in_transaction: bool,
    audit_head: Option<String>,
}

/// The write connection, held by one writer at a time; no transaction is open on it when it is
/// handed out.
pub struct WriteConn(OwnedMutexGuard<Writer>);

impl Deref for WriteConn {
    type Target = SqliteConnection;
    fn deref(&self) -> &SqliteConnection {
        &self.0.conn
    }
}

impl DerefMut for WriteConn {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.0.conn
    }
}

/// A transaction on SQLite's write connection. Dropped without a commit, it is rolled back
/// before anyone else writes. Its commit returns once on disk (see [`durable`]).
pub struct SqliteTx {
    conn: Option<WriteConn>,
    wal: Arc<WalSync>,
    /// False for a single-statement write ([`Db::begin_single_write`]): no BEGIN was sent, the
    /// statement committed by itself.
    explicit: bool,
    /// The audit chain's head after this transaction's appends, the writer's guess once committed.
    audit_head: Option<String>,
}

impl Deref for SqliteTx {
    type Target = SqliteConnection;
    fn deref(&self) -> &SqliteConnection {
        self.conn.as_deref().expect("transaction still open")
    }
}

impl DerefMut for SqliteTx {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        self.conn.as_deref_mut().expect("transaction still open")
    }
}

impl Drop for SqliteTx {
    fn drop(&mut self) {
        // Roll back now, still holding the connection so that no other writer slips in first.
        // Outside a runtime, the next writer rolls back (`in_transaction` stays set).
        if !self.explicit {
            return;
        }
        if let (Some(conn), Ok(runtime)) = (self.conn.take(), tokio::runtime::Handle::try_current())
        {
            runtime.spawn(async move {
                let mut conn = conn;
                if conn.execute("ROLLBACK").await.is_ok() {
                    conn.0.in_transaction = false;
                }
            });
        }
    }
}

/// A transaction over whichever backend this instance uses.
pub enum Tx {
    Sqlite(SqliteTx),
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

/// Runs `$body` with `$conn` bound to what takes writes on the active backend: on SQLite the
/// single write connection (see [`Db`]), waiting for its turn, on PostgreSQL the one pool.
#[macro_export]
macro_rules! run_write {
    ($db:expr, |$conn:ident| $body:expr) => {
        match $db {
            db @ $crate::db::Db::Sqlite { .. } => {
                let mut write = db.write_conn().await;
                let $conn = &mut *write;
                $body
            }
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
            // `synchronous=NORMAL`, and every transaction's commit waits for a flush of the log
            // shared with the commits around it (see [`durable`]): what a user was told is
            // saved (a receipt above all) survives a power cut, as with FULL, without one
            // flush per commit inside the write lock.
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .pragma("cache_size", "-8000");
            let writer = Writer {
                conn: options.connect().await?,
                in_transaction: false,
                audit_head: None,
            };
            let wal = Arc::new(WalSync::new(options.get_filename()));
            let pool = SqlitePoolOptions::new()
                .max_connections(max_connections)
                .acquire_timeout(Duration::from_secs(10))
                .min_connections(1)
                .connect_with(options)
                .await?;
            Db::Sqlite {
                pool,
                writer: Arc::new(Mutex::new(writer)),
                wal,
            }
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
            Db::Sqlite { .. } => {
                let mut conn = self.write_conn().await;
                sqlx::migrate!("./migrations/sqlite")
                    .run(&mut *conn)
                    .await?
            }
            Db::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    pub async fn begin(&self) -> DbResult<Tx> {
        Ok(match self {
            // Transactions run on the writer connection (see [`Db`]). IMMEDIATE takes the write
            // lock up front, so a transaction that reads and then writes cannot fail with
            // SQLITE_BUSY should another process (the CLI) write at the same moment.
            Db::Sqlite { wal, .. } => {
                let mut conn = self.write_conn().await;
                conn.execute("BEGIN IMMEDIATE").await?;
                conn.0.in_transaction = true;
                Tx::Sqlite(SqliteTx {
                    conn: Some(conn),
                    wal: wal.clone(),
                    explicit: true,
                    audit_head: None,
                })
            }
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// A transaction for a write made of one statement (or of statements of which at most one
    /// changes anything). On SQLite no BEGIN or COMMIT is sent — a statement is atomic by
    /// itself and the writer is held throughout — which spares the single writer two of the
    /// three round trips such a write would cost; the commit still waits for the flush. On
    /// PostgreSQL it is an ordinary transaction (an advisory lock needs one).
    pub async fn begin_single_write(&self) -> DbResult<Tx> {
        Ok(match self {
            Db::Sqlite { wal, .. } => Tx::Sqlite(SqliteTx {
                conn: Some(self.write_conn().await),
                wal: wal.clone(),
                explicit: false,
                audit_head: None,
            }),
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// SQLite's write connection once every writer before has finished (first come, first
    /// served), with no transaction open. Panics on PostgreSQL, which has no such connection.
    pub async fn write_conn(&self) -> WriteConn {
        let Db::Sqlite { writer, .. } = self else {
            unreachable!("only SQLite has a single write connection")
        };
        let mut conn = WriteConn(writer.clone().lock_owned().await);
        if conn.0.in_transaction {
            // Left by a transaction dropped outside the runtime; errors if already ended.
            let _ = conn.execute("ROLLBACK").await;
            conn.0.in_transaction = false;
        }
        conn
    }

    /// Returns once everything committed before this call is on disk (at once on PostgreSQL,
    /// whose commits are flushed before they return).
    pub async fn flushed(&self) -> DbResult<()> {
        if let Db::Sqlite { wal, .. } = self {
            wal.flushed().await?;
        }
        Ok(())
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
            // The write connection closes with the last handle on it.
            Db::Sqlite { pool, .. } => pool.close().await,
            Db::Postgres(pool) => pool.close().await,
        }
    }
}

impl Tx {
    pub async fn commit(self) -> DbResult<()> {
        match self {
            Tx::Sqlite(mut tx) => {
                if let Some(mut conn) = tx.conn.take() {
                    if tx.explicit {
                        // A failed COMMIT leaves the transaction open: rolled back when dropped.
                        if let Err(e) = conn.execute("COMMIT").await {
                            tx.conn = Some(conn);
                            return Err(e.into());
                        }
                        conn.0.in_transaction = false;
                    }
                    if let Some(head) = tx.audit_head.take() {
                        conn.0.audit_head = Some(head);
                    }
                    drop(conn); // the next writer goes on while this commit is flushed
                    tx.wal.flushed().await?;
                }
            }
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

    /// What the audit chain's head most likely is, known without a read: on SQLite, the head
    /// this transaction or the writer's last commit wrote. A guess only (another process may
    /// have appended since): the append that uses it checks it in the same statement.
    pub fn audit_head_guess(&self) -> Option<String> {
        match self {
            Tx::Sqlite(tx) => tx
                .audit_head
                .clone()
                .or_else(|| tx.conn.as_ref().and_then(|c| c.0.audit_head.clone())),
            Tx::Postgres(_) => None,
        }
    }

    /// Records the chain's head after an append in this transaction.
    pub fn set_audit_head(&mut self, hash: &str) {
        if let Tx::Sqlite(tx) = self {
            tx.audit_head = Some(hash.to_owned());
        }
    }
}
