//! Per-test databases, the one harness of every test (integration tests through `TestApp`,
//! the library's unit tests through `both_engines!`): a fresh PostgreSQL database per test on
//! 127.0.0.1:5432 (trust authentication), dropped after it, and the leftovers of test
//! processes that died cleaned at the next start. SQLite needs only a temporary file.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Where the per-test PostgreSQL databases are created (trust authentication).
pub const PG_HOST: &str = "127.0.0.1:5432";
const PG_ADMIN_DB: &str = "test";
const PG_PREFIX: &str = "kene_t_";

static DB_COUNTER: AtomicUsize = AtomicUsize::new(0);
static PG_USER: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();

/// The first PostgreSQL role that can connect: `postgres`, else `root`. Also drops
/// databases left behind by earlier test processes that are no longer running.
async fn pg_user() -> String {
    PG_USER
        .get_or_init(|| async {
            let mut last_error = String::new();
            for user in ["postgres", "root"] {
                let url = format!("postgres://{user}@{PG_HOST}/{PG_ADMIN_DB}");
                match sqlx::PgPool::connect(&url).await {
                    Ok(pool) => {
                        drop_stale_databases(&pool).await;
                        pool.close().await;
                        return user.to_owned();
                    }
                    Err(e) => last_error = format!("{user}: {e}"),
                }
            }
            panic!(
                "PostgreSQL is not reachable on {PG_HOST} (database `{PG_ADMIN_DB}`, trust auth): \
                 {last_error}. Start it with `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`."
            );
        })
        .await
        .clone()
}

async fn drop_stale_databases(pool: &sqlx::PgPool) {
    let names: Vec<String> =
        sqlx::query_scalar("SELECT datname FROM pg_database WHERE datname LIKE $1")
            .bind(format!("{PG_PREFIX}%"))
            .fetch_all(pool)
            .await
            .unwrap_or_default();
    for name in names {
        let pid = name
            .strip_prefix(PG_PREFIX)
            .and_then(|rest| rest.split('_').next())
            .and_then(|p| p.parse::<u32>().ok());
        let alive = pid.is_some_and(|p| Path::new(&format!("/proc/{p}")).exists());
        if !alive {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .execute(pool)
                .await;
        }
    }
}

pub async fn create_pg_database() -> (String, String) {
    let user = pg_user().await;
    let name = format!(
        "{PG_PREFIX}{}_{}",
        std::process::id(),
        DB_COUNTER.fetch_add(1, Ordering::SeqCst)
    );
    let admin_url = format!("postgres://{user}@{PG_HOST}/{PG_ADMIN_DB}");
    let pool = sqlx::PgPool::connect(&admin_url)
        .await
        .expect("connect to PostgreSQL");
    sqlx::query(&format!("CREATE DATABASE \"{name}\""))
        .execute(&pool)
        .await
        .expect("create test database");
    pool.close().await;
    (format!("postgres://{user}@{PG_HOST}/{name}"), name)
}

pub async fn drop_pg_database(name: &str) {
    let user = pg_user().await;
    let admin_url = format!("postgres://{user}@{PG_HOST}/{PG_ADMIN_DB}");
    if let Ok(pool) = sqlx::PgPool::connect(&admin_url).await {
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
            .execute(&pool)
            .await;
        pool.close().await;
    }
}
