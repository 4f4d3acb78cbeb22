//! Test databases for the library's unit tests: a SQLite file in a temporary directory, and
//! a fresh PostgreSQL database per test, created and dropped by the same harness as the
//! integration tests' (`tests/support/databases.rs`).

use crate::db::Db;

#[path = "../../tests/support/databases.rs"]
mod databases;

pub(crate) struct TestDb {
    pub db: Db,
    _dir: Option<tempfile::TempDir>,
    pg: Option<String>,
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
        let (url, name) = databases::create_pg_database().await;
        let db = Db::connect(&url, 4)
            .await
            .expect("postgres connect + migrate");
        TestDb {
            db,
            _dir: None,
            pg: Some(name),
        }
    }

    pub async fn cleanup(self) {
        self.db.close().await;
        if let Some(name) = &self.pg {
            databases::drop_pg_database(name).await;
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
                let t = $crate::db::testing::TestDb::sqlite().await;
                super::$name(t.db.clone()).await;
                t.cleanup().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let t = $crate::db::testing::TestDb::postgres().await;
                super::$name(t.db.clone()).await;
                t.cleanup().await;
            }
        }
    };
}
pub(crate) use both_engines;
