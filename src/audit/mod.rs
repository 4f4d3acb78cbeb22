//! The audit log: append-only, hash-chained. Each entry's hash covers its content and the
//! previous entry's hash, so rewriting any row breaks every later link.

pub mod data;
pub mod page;

use crate::db::{Db, DbResult, Tx};
use crate::{run, run_tx};

/// Advisory lock key that serialises appends on PostgreSQL.
const AUDIT_LOCK: i64 = 0x4b45_4e45_0001;
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

pub struct Entry<'a> {
    pub actor_id: Option<i64>,
    pub action: &'a str,
    pub object: &'a str,
    pub details: serde_json::Value,
}

fn entry_hash(
    prev: &str,
    at: i64,
    actor: Option<i64>,
    action: &str,
    object: &str,
    details: &str,
) -> String {
    let actor = actor.map(|a| a.to_string()).unwrap_or_default();
    let line = format!("{prev}\n{at}\n{actor}\n{action}\n{object}\n{details}");
    crate::crypto::sha256_hex(line.as_bytes())
}

/// Appends an entry inside the caller's transaction (the audited change and its record commit
/// together or not at all).
pub async fn append(tx: &mut Tx, entry: &Entry<'_>, now_ms: i64) -> DbResult<String> {
    tx.lock(AUDIT_LOCK).await?;
    let details = entry.details.to_string();
    let hash_after = |prev: &str| {
        entry_hash(
            prev,
            now_ms,
            entry.actor_id,
            entry.action,
            entry.object,
            &details,
        )
    };
    // The single SQLite writer knows the head it last wrote: appended in one statement that
    // checks that guess, instead of a read and then a write.
    if let Some(prev) = tx.audit_head_guess() {
        let hash = hash_after(&prev);
        let sql = "INSERT INTO audit_log (at, actor_id, action, object, details, prev_hash, hash) \
                   SELECT $1, $2, $3, $4, $5, $6, $7 \
                   WHERE $6 = (SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1)";
        if insert(tx, sql, entry, now_ms, &details, &prev, &hash).await? == 1 {
            tx.set_audit_head(&hash);
            return Ok(hash);
        }
    }
    let prev: Option<String> = run_tx!(tx, |conn| sqlx::query_scalar(
        "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1"
    )
    .fetch_optional(conn)
    .await)?;
    let prev = prev.unwrap_or_else(|| GENESIS.to_owned());
    let hash = hash_after(&prev);
    let sql = "INSERT INTO audit_log (at, actor_id, action, object, details, prev_hash, hash) \
               VALUES ($1, $2, $3, $4, $5, $6, $7)";
    insert(tx, sql, entry, now_ms, &details, &prev, &hash).await?;
    tx.set_audit_head(&hash);
    Ok(hash)
}

/// Runs one of `append`'s inserts; returns the number of rows written.
async fn insert(
    tx: &mut Tx,
    sql: &str,
    entry: &Entry<'_>,
    now_ms: i64,
    details: &str,
    prev: &str,
    hash: &str,
) -> DbResult<u64> {
    Ok(run_tx!(tx, |conn| sqlx::query(sql)
        .bind(now_ms)
        .bind(entry.actor_id)
        .bind(entry.action)
        .bind(entry.object)
        .bind(details)
        .bind(prev)
        .bind(hash)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?)
}

#[derive(Debug, PartialEq, Eq)]
pub enum ChainCheck {
    Intact { entries: u64 },
    Broken { id: i64, reason: String },
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    at: i64,
    actor_id: Option<i64>,
    action: String,
    object: String,
    details: String,
    prev_hash: String,
    hash: String,
}

/// Re-walks the whole chain and reports the first entry that does not match.
pub async fn verify(db: &Db) -> DbResult<ChainCheck> {
    let sql = "SELECT id, at, actor_id, action, object, details, prev_hash, hash FROM audit_log ORDER BY id";
    let rows: Vec<Row> = run!(db, |pool| sqlx::query_as(sql).fetch_all(pool).await)?;
    let mut prev = GENESIS.to_owned();
    for row in &rows {
        if row.prev_hash != prev {
            return Ok(ChainCheck::Broken {
                id: row.id,
                reason: "previous-hash link does not match the preceding entry".into(),
            });
        }
        let expected = entry_hash(
            &prev,
            row.at,
            row.actor_id,
            &row.action,
            &row.object,
            &row.details,
        );
        if expected != row.hash {
            return Ok(ChainCheck::Broken {
                id: row.id,
                reason: "content does not match its hash (entry altered)".into(),
            });
        }
        prev = row.hash.clone();
    }
    Ok(ChainCheck::Intact {
        entries: rows.len() as u64,
    })
}

#[derive(sqlx::FromRow)]
struct JudgedEntry {
    id: i64,
    at: i64,
    actor_id: Option<i64>,
    action: String,
    object: String,
    details: String,
    hash: String,
}

/// The entries from which the judged data is re-derived (see `data::compare`).
const JUDGED_ACTIONS: &str =
    "'review.score_submitted', 'review.score_reopened', 'application.status', 'application.submit', \
     'application.withdraw', 'shortlist.locked', 'shortlist.published', 'results.published', \
     'results.corrected', 'jury.settings_changed', 'jury.pitch_started', 'jury.pitch_timed'";

async fn load<T>(db: &Db, sql: &str) -> DbResult<Vec<T>>
where
    T: Send + Unpin,
    T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>,
    T: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
{
    Ok(run!(db, |pool| sqlx::query_as::<_, T>(sql)
        .fetch_all(pool)
        .await)?)
}

/// Compares the judged data stored now (score sheets, eligibility decisions, shortlists,
/// results publications, the final's settings and timings) with what the audit log says it
/// must be. Read-only; an empty list means they agree.
pub async fn check_data(db: &Db) -> DbResult<Vec<data::Mismatch>> {
    let sql = format!(
        "SELECT id, at, actor_id, action, object, details, hash FROM audit_log \
         WHERE action IN ({JUDGED_ACTIONS}) ORDER BY id"
    );
    let log: Vec<data::Logged> = load::<JudgedEntry>(db, &sql)
        .await?
        .into_iter()
        .map(|e| data::Logged {
            // Unreadable details are reported by `compare` as an unreadable entry.
            details: serde_json::from_str(&e.details).unwrap_or_default(),
            id: e.id,
            at: e.at,
            actor_id: e.actor_id,
            action: e.action,
            object: e.object,
            hash: e.hash,
        })
        .collect();
    let stored = data::Stored {
        sheets: load(
            db,
            "SELECT s.id, s.round_id, a.public_id AS application, s.reviewer_id, s.points_json, \
             s.comments_json, s.status, s.submitted_at \
             FROM score_sheets s JOIN applications a ON a.id = s.application_id ORDER BY s.id",
        )
        .await?,
        applications: load(
            db,
            "SELECT id, public_id, reference, status, status_reason FROM applications ORDER BY id",
        )
        .await?,
        shortlists: load(
            db,
            "SELECT l.edition_id, e.slug AS edition, l.status, l.locked_at, l.published_at \
             FROM shortlists l JOIN editions e ON e.id = l.edition_id ORDER BY l.edition_id",
        )
        .await?,
        shortlist_entries: load(
            db,
            "SELECT edition_id, application_id FROM shortlist_entries \
             ORDER BY edition_id, position, application_id",
        )
        .await?,
        publications: load(
            db,
            "SELECT p.id, e.slug AS edition, p.version, p.laureates_json, p.reason, \
             p.chain_head, p.published_at, p.actor_id \
             FROM results_publications p JOIN editions e ON e.id = p.edition_id ORDER BY p.id",
        )
        .await?,
        jury_settings: load(
            db,
            "SELECT round_id, allowed_secs, cumulate FROM jury_settings ORDER BY round_id",
        )
        .await?,
        pitches: load(
            db,
            "SELECT p.id, a.public_id AS application, p.timer_started_at, p.timer_stopped_at, \
             p.measured_secs FROM pitch_slots p JOIN applications a ON a.id = p.application_id \
             ORDER BY p.id",
        )
        .await?,
    };
    Ok(data::compare(&log, &stored))
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub action: String,
    pub object: String,
    pub details: String,
}

pub async fn recent(db: &Db, limit: i64) -> DbResult<Vec<AuditRow>> {
    let sql =
        "SELECT id, at, actor_id, action, object, details FROM audit_log ORDER BY id DESC LIMIT $1";
    Ok(run!(db, |pool| sqlx::query_as(sql)
        .bind(limit)
        .fetch_all(pool)
        .await)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn append_one(db: &Db, action: &str) {
        let mut tx = db.begin().await.expect("begin");
        let entry = Entry {
            actor_id: None,
            action,
            object: "test",
            details: serde_json::json!({}),
        };
        append(&mut tx, &entry, 1).await.expect("append");
        tx.commit().await.expect("commit");
    }

    /// The server's writer remembers the head it wrote; an entry appended in between by
    /// another process (the CLI's ID-document purge runs beside the server) must still be
    /// chained to, not skipped.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_entry_appended_by_another_process_is_chained_to() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("kene.db").display());
        let server = Db::connect(&url, 2).await.expect("server connection");
        let cli = Db::connect(&url, 2)
            .await
            .expect("second process's connection");

        append_one(&server, "server.first").await;
        append_one(&cli, "cli.between").await;
        append_one(&server, "server.after").await;

        assert_eq!(
            verify(&server).await.expect("verify"),
            ChainCheck::Intact { entries: 3 }
        );
        let prevs: Vec<(String, String)> = run!(&server, |pool| sqlx::query_as(
            "SELECT action, prev_hash FROM audit_log ORDER BY id"
        )
        .fetch_all(pool)
        .await)
        .expect("read the log");
        let hashes: Vec<String> = run!(&server, |pool| sqlx::query_scalar(
            "SELECT hash FROM audit_log ORDER BY id"
        )
        .fetch_all(pool)
        .await)
        .expect("read the hashes");
        assert_eq!(prevs[2].0, "server.after");
        assert_eq!(
            prevs[2].1, hashes[1],
            "chained to the other process's entry"
        );
        server.close().await;
        cli.close().await;
    }
}
