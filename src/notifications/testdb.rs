//! Test databases: a SQLite file in a temporary directory, and a fresh PostgreSQL database
//! per test (created through `KENE_TEST_POSTGRES_URL`, default
//! `postgres://postgres@127.0.0.1:5432/test`, and dropped when the test passes).

use crate::db::Db;

pub(crate) struct TestDb {
    pub db: Db,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

fn admin_url() -> String {
    std::env::var("KENE_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}", dir.path().join("kene.db").display());
        let db = Db::connect(&url, 4)
            .await
            .expect("sqlite connect + migrate");
        TestDb {
            db,
            _dir: Some(dir),
            pg: None,
        }
    }

    pub async fn postgres() -> TestDb {
        let admin = admin_url();
        let name = format!("kene_t_{:016x}", rand::random::<u64>());
        let admin_conn = sqlx::PgPool::connect(&admin)
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL at {admin} is needed for this test: {e}"));
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&admin_conn)
            .await
            .expect("create test database");
        admin_conn.close().await;
        let base = admin.split('?').next().unwrap_or(&admin);
        let (server, _) = base.rsplit_once('/').expect("database URL with a path");
        let db = Db::connect(&format!("{server}/{name}"), 4)
            .await
            .expect("postgres connect + migrate");
        TestDb {
            db,
            _dir: None,
            pg: Some((admin, name)),
        }
    }

    pub async fn cleanup(self) {
        self.db.close().await;
        if let Some((admin, name)) = &self.pg {
            if let Ok(conn) = sqlx::PgPool::connect(admin).await {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&conn)
                    .await;
                conn.close().await;
            }
        }
    }
}

/// `both_engines!(case)` runs `async fn case(db: Db)` once on SQLite and once on PostgreSQL,
/// as tests `case::sqlite` and `case::postgres`.
macro_rules! both_engines {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let t = $crate::notifications::testdb::TestDb::sqlite().await;
                super::$name(t.db.clone()).await;
                t.cleanup().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let t = $crate::notifications::testdb::TestDb::postgres().await;
                super::$name(t.db.clone()).await;
                t.cleanup().await;
            }
        }
    };
}
pub(crate) use both_engines;
