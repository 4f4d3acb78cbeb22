//! DESIGN.md: every SQL statement is prepared on both engines, so a statement that only one
//! of them accepts is caught here rather than in production. Statements are read from the
//! source: string literals that start with SELECT/INSERT/UPDATE/DELETE, with `{CONST}` pieces
//! of `format!` replaced by the constants of the same file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sqlx::Executor;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir)
        .expect("readable source dir")
        .flatten()
    {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The string literals of a Rust file, with `\`-newline continuations joined.
fn string_literals(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '\'' => {
                // A char literal or a lifetime: skip a quoted char like '"'.
                let mut ahead = chars.clone();
                if let (Some(a), Some('\'')) = (ahead.next(), ahead.next()) {
                    if a == '"' {
                        chars.next();
                        chars.next();
                    }
                }
            }
            '"' => {
                let mut s = String::new();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => match chars.next() {
                            Some('\n') => {
                                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                                    chars.next();
                                }
                            }
                            Some('n') => s.push('\n'),
                            Some(other) => s.push(other),
                            None => break,
                        },
                        '"' => break,
                        other => s.push(other),
                    }
                }
                out.push(s);
            }
            _ => {}
        }
    }
    out
}

fn statements() -> Vec<(String, String)> {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut out = Vec::new();
    for file in files {
        let source = std::fs::read_to_string(&file).expect("readable source");
        let mut consts = BTreeMap::new();
        for line_start in source.match_indices("const ") {
            let rest = &source[line_start.0 + 6..];
            let Some((name, tail)) = rest.split_once(": &str =") else {
                continue;
            };
            if name.contains(char::is_whitespace) {
                continue;
            }
            if let Some(value) = string_literals(tail).into_iter().next() {
                consts.insert(name.trim().to_owned(), value);
            }
        }
        for literal in string_literals(&source) {
            let mut sql = literal.clone();
            for (name, value) in &consts {
                sql = sql.replace(&format!("{{{name}}}"), value);
            }
            let head = sql.trim_start().to_uppercase();
            let is_sql = ["SELECT ", "INSERT ", "UPDATE ", "DELETE ", "WITH "]
                .iter()
                .any(|k| head.starts_with(k));
            if is_sql {
                out.push((file.display().to_string(), sql));
            }
        }
    }
    out
}

/// `sql` without its quoted strings (a JSON literal like `'{}'` is data, not a placeholder).
fn outside_quotes(sql: &str) -> String {
    sql.split('\'').step_by(2).collect()
}

#[test]
fn statements_are_found() {
    let found = statements();
    assert!(
        found.len() > 40,
        "only {} statements found: the extractor broke",
        found.len()
    );
}

#[tokio::test]
async fn every_statement_prepares_on_sqlite_and_postgres() {
    let statements = statements();
    let dir = tempfile::tempdir().expect("tempdir");
    let sqlite_url = format!("sqlite://{}", dir.path().join("prepare.db").display());
    let sqlite = kene::db::Db::connect(&sqlite_url, 1).await.expect("sqlite");
    let (pg_url, name) = crate::support::create_pg_database().await;
    let postgres = kene::db::Db::connect(&pg_url, 1).await.expect("postgres");
    let mut failures = Vec::new();
    for (file, sql) in &statements {
        // A piece left unresolved (a value spliced in at run time, a constant of another
        // file) would hide the statement from this check: every statement is whole text.
        if outside_quotes(sql).contains('{') {
            failures.push(format!("not checkable, {file}: {{…}} left in\n  {sql}"));
            continue;
        }
        // Row locks and advisory locks exist only on PostgreSQL; the code takes those paths
        // only there (SQLite has a single writer).
        let postgres_only = sql.contains("FOR UPDATE")
            || sql.contains("pg_advisory")
            || sql.contains("to_tsquery")
            || sql.contains("jsonb_array_elements")
            || sql.starts_with("ANALYZE ");
        // Full-text search is each engine's own (FTS5 here, tsvector there): the directory
        // picks the statement by backend, and so does its import (a JSON array of rows).
        let sqlite_only =
            sql.contains(" MATCH ") || sql.contains("json_each(") || sql.contains("json_extract(");
        let sqlite_result = match &sqlite {
            _ if postgres_only => Ok(()),
            kene::db::Db::Sqlite { pool, .. } => pool.prepare(sql.as_str()).await.map(|_| ()),
            kene::db::Db::Postgres(_) => unreachable!("sqlite url"),
        };
        if let Err(e) = sqlite_result {
            failures.push(format!("SQLite, {file}: {e}\n  {sql}"));
        }
        let pg_result = match &postgres {
            _ if sqlite_only => Ok(()),
            kene::db::Db::Postgres(pool) => pool.prepare(sql.as_str()).await.map(|_| ()),
            kene::db::Db::Sqlite { .. } => unreachable!("postgres url"),
        };
        if let Err(e) = pg_result {
            failures.push(format!("PostgreSQL, {file}: {e}\n  {sql}"));
        }
    }
    postgres.close().await;
    crate::support::drop_pg_database(&name).await;
    assert!(
        failures.is_empty(),
        "{} statements failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
