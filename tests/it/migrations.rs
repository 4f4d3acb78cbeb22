//! The two migration folders must hold the same file names (one schema, two dialects).

use std::collections::BTreeSet;
use std::path::Path;

fn names(dir: &str) -> BTreeSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    std::fs::read_dir(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
        .map(|entry| {
            entry
                .expect("directory entry")
                .file_name()
                .into_string()
                .expect("UTF-8 file name")
        })
        .collect()
}

#[test]
fn sqlite_and_postgres_migrations_have_the_same_files() {
    let sqlite = names("migrations/sqlite");
    let postgres = names("migrations/postgres");
    assert!(!sqlite.is_empty(), "no SQLite migrations");
    let only_sqlite: Vec<_> = sqlite.difference(&postgres).collect();
    let only_postgres: Vec<_> = postgres.difference(&sqlite).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "migration folders differ: only in sqlite {only_sqlite:?}, only in postgres {only_postgres:?}"
    );
    for name in &sqlite {
        assert!(
            name.ends_with(".sql"),
            "unexpected file in migrations: {name}"
        );
    }
}
