//! Server-side sessions: the cookie holds a random token, the database only its SHA-256, so a
//! leaked database does not yield usable sessions. Sessions live in the database, so they
//! survive restarts and are shared by every instance.

use crate::db::{Db, DbResult, Tx};
use crate::{run, run_tx, run_write};

pub const SESSION_LIFETIME_MS: i64 = 30 * 24 * 3600 * 1000;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionUser {
    pub id: i64,
    pub public_id: String,
    pub display_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub locale: String,
    pub is_admin: bool,
    /// Has dossiers to review or to judge (the navigation shows the queue).
    pub is_reviewer: bool,
    /// Coaches at least one session (the navigation shows their sessions).
    pub is_coach: bool,
}

pub async fn load(db: &Db, token: &str, now_ms: i64) -> DbResult<Option<SessionUser>> {
    let hash = crate::crypto::sha256_hex(token.as_bytes());
    let sql = "SELECT u.id, u.public_id, u.display_name, u.email, u.phone, u.locale, u.is_admin, \
               (EXISTS (SELECT 1 FROM assignments x WHERE x.reviewer_id = u.id) \
                OR EXISTS (SELECT 1 FROM panel_members p WHERE p.user_id = u.id)) AS is_reviewer, \
               EXISTS (SELECT 1 FROM coaching_sessions c WHERE c.coach_id = u.id) AS is_coach \
               FROM sessions s JOIN users u ON u.id = s.user_id \
               WHERE s.id_hash = $1 AND s.expires_at > $2 AND u.verified_at IS NOT NULL";
    Ok(run!(db, |pool| sqlx::query_as::<_, SessionUser>(sql)
        .bind(&hash)
        .bind(now_ms)
        .fetch_optional(pool)
        .await)?)
}

/// Creates a fresh session (never reusing an earlier token: rotation at login) and returns
/// the token for the cookie.
pub async fn create(tx: &mut Tx, user_id: i64, now_ms: i64) -> DbResult<String> {
    let token = crate::crypto::random_token();
    let hash = crate::crypto::sha256_hex(token.as_bytes());
    let sql =
        "INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)";
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(&hash)
        .bind(user_id)
        .bind(now_ms)
        .bind(now_ms + SESSION_LIFETIME_MS)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(token)
}

pub async fn delete(db: &Db, token: &str) -> DbResult<()> {
    let hash = crate::crypto::sha256_hex(token.as_bytes());
    run_write!(db, |pool| sqlx::query(
        "DELETE FROM sessions WHERE id_hash = $1"
    )
    .bind(&hash)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// After a password reset every other session of the account ends.
pub async fn delete_all_for_user(tx: &mut Tx, user_id: i64) -> DbResult<()> {
    run_tx!(tx, |conn| sqlx::query(
        "DELETE FROM sessions WHERE user_id = $1"
    )
    .bind(user_id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}
