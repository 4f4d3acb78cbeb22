//! User rows and verification codes.

use rand::Rng;

use crate::db::{Db, DbResult, Tx};
use crate::domain::types::Login;
use crate::{run, run_tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub public_id: String,
    pub display_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub password_hash: String,
    pub locale: String,
    pub verified_at: Option<i64>,
    pub is_admin: bool,
}

const USER_COLUMNS: &str =
    "id, public_id, display_name, email, phone, password_hash, locale, verified_at, is_admin";

pub async fn find_by_login(db: &Db, login: &Login) -> DbResult<Option<UserRow>> {
    // One whole statement per column, so that each is prepared by the SQL check.
    let (sql, value) = match login {
        Login::Email(email) => (
            format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1"),
            email.as_str(),
        ),
        Login::Phone(phone) => (
            format!("SELECT {USER_COLUMNS} FROM users WHERE phone = $1"),
            phone.as_str(),
        ),
    };
    Ok(run!(db, |pool| sqlx::query_as::<_, UserRow>(&sql)
        .bind(value)
        .fetch_optional(pool)
        .await)?)
}

pub async fn find_by_public_id(db: &Db, public_id: &str) -> DbResult<Option<UserRow>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE public_id = $1");
    Ok(run!(db, |pool| sqlx::query_as::<_, UserRow>(&sql)
        .bind(public_id)
        .fetch_optional(pool)
        .await)?)
}

pub async fn find_by_id(db: &Db, id: i64) -> DbResult<Option<UserRow>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
    Ok(run!(db, |pool| sqlx::query_as::<_, UserRow>(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await)?)
}

pub struct NewUser<'a> {
    pub login: &'a Login,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub locale: &'a str,
    pub verified: bool,
    pub is_admin: bool,
}

pub async fn insert(tx: &mut Tx, user: &NewUser<'_>, now_ms: i64) -> DbResult<i64> {
    let (email, phone) = match user.login {
        Login::Email(e) => (Some(e.as_str()), None),
        Login::Phone(p) => (None, Some(p.as_str())),
    };
    let sql = "INSERT INTO users (public_id, email, phone, display_name, password_hash, locale, \
               verified_at, is_admin, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";
    let verified_at = user.verified.then_some(now_ms);
    Ok(run_tx!(tx, |conn| sqlx::query_scalar(sql)
        .bind(crate::crypto::random_public_id())
        .bind(email)
        .bind(phone)
        .bind(user.display_name)
        .bind(user.password_hash)
        .bind(user.locale)
        .bind(verified_at)
        .bind(user.is_admin)
        .bind(now_ms)
        .fetch_one(conn)
        .await)?)
}

pub async fn mark_verified(tx: &mut Tx, user_id: i64, now_ms: i64) -> DbResult<()> {
    run_tx!(tx, |conn| sqlx::query(
        "UPDATE users SET verified_at = COALESCE(verified_at, $2) WHERE id = $1"
    )
    .bind(user_id)
    .bind(now_ms)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn set_password(tx: &mut Tx, user_id: i64, password_hash: &str) -> DbResult<()> {
    run_tx!(tx, |conn| sqlx::query(
        "UPDATE users SET password_hash = $2 WHERE id = $1"
    )
    .bind(user_id)
    .bind(password_hash)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodePurpose {
    Verify,
    Reset,
    /// Signing in without the password (an account slowed down by failed logins).
    Login,
}

impl CodePurpose {
    fn as_str(self) -> &'static str {
        match self {
            CodePurpose::Verify => "verify",
            CodePurpose::Reset => "reset",
            CodePurpose::Login => "login",
        }
    }
}

pub const CODE_LIFETIME_MS: i64 = 15 * 60 * 1000;
pub const CODE_MAX_ATTEMPTS: i64 = 5;

/// Issues a fresh 6-digit code (earlier unused ones stop working) and returns it with the
/// row id, which makes the notification's idempotency key.
pub async fn issue_code(
    tx: &mut Tx,
    user_id: i64,
    purpose: CodePurpose,
    now_ms: i64,
) -> DbResult<(i64, String)> {
    let code = format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000));
    run_tx!(tx, |conn| {
        sqlx::query(
        "UPDATE verification_codes SET used_at = $3 WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL"
    )
    .bind(user_id)
    .bind(purpose.as_str())
    .bind(now_ms)
    .execute(conn)
    .await
    .map(|r| r.rows_affected())
    })?;
    let sql =
        "INSERT INTO verification_codes (user_id, purpose, code_hash, expires_at, created_at) \
               VALUES ($1, $2, $3, $4, $5) RETURNING id";
    let id = run_tx!(tx, |conn| sqlx::query_scalar(sql)
        .bind(user_id)
        .bind(purpose.as_str())
        .bind(code_hash(user_id, &code))
        .bind(now_ms + CODE_LIFETIME_MS)
        .bind(now_ms)
        .fetch_one(conn)
        .await)?;
    Ok((id, code))
}

fn code_hash(user_id: i64, code: &str) -> String {
    crate::crypto::sha256_hex(format!("{user_id}:{code}").as_bytes())
}

/// Counts a wrong guess and checks the expiry and the try limit in one statement, so that
/// parallel guesses cannot get more than `CODE_MAX_ATTEMPTS` tries on either engine (the row
/// is locked by the UPDATE; PostgreSQL re-checks the conditions on the locked row).
const CHECK_CODE_SQL: &str = "UPDATE verification_codes \
     SET attempts = attempts + CASE WHEN code_hash = $3 THEN 0 ELSE 1 END \
     WHERE id = (SELECT id FROM verification_codes \
                 WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL ORDER BY id DESC LIMIT 1) \
       AND used_at IS NULL AND expires_at > $4 AND attempts < $5 \
     RETURNING id, code_hash";

/// Checks a code, counting a wrong attempt. Returns the code's id when it is right, still
/// valid and not tried too often; the code is not used up until [`consume_code`].
pub async fn check_code(
    tx: &mut Tx,
    user_id: i64,
    purpose: CodePurpose,
    code: &str,
    now_ms: i64,
) -> DbResult<Option<i64>> {
    let typed_hash = code_hash(user_id, code.trim());
    let row: Option<(i64, String)> = run_tx!(tx, |conn| sqlx::query_as(CHECK_CODE_SQL)
        .bind(user_id)
        .bind(purpose.as_str())
        .bind(&typed_hash)
        .bind(now_ms)
        .bind(CODE_MAX_ATTEMPTS)
        .fetch_optional(conn)
        .await)?;
    Ok(row
        .filter(|(_, hash)| crate::crypto::constant_time_eq(typed_hash.as_bytes(), hash.as_bytes()))
        .map(|(id, _)| id))
}

/// Uses a checked code up; false when a parallel request used it first.
pub async fn consume_code(tx: &mut Tx, code_id: i64, now_ms: i64) -> DbResult<bool> {
    let done = run_tx!(tx, |conn| sqlx::query(
        "UPDATE verification_codes SET used_at = $2 WHERE id = $1 AND used_at IS NULL"
    )
    .bind(code_id)
    .bind(now_ms)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(done == 1)
}

/// How to reach an account with a message: the channel and address (its e-mail, else its
/// phone) and the language it reads.
pub struct Reach {
    pub channel: crate::outbox::Channel,
    pub recipient: String,
    pub lang: crate::domain::types::Lang,
}

#[derive(sqlx::FromRow)]
struct ContactRow {
    email: Option<String>,
    phone: Option<String>,
    locale: String,
}

/// `None` for an account without an address (or no longer there).
pub async fn reach(tx: &mut Tx, account_id: i64) -> DbResult<Option<Reach>> {
    let sql = "SELECT email, phone, locale FROM users WHERE id = $1";
    let row = run_tx!(tx, |conn| sqlx::query_as::<_, ContactRow>(sql)
        .bind(account_id)
        .fetch_optional(conn)
        .await)?;
    Ok(row.and_then(|c| {
        let (channel, recipient) =
            crate::outbox::channel_for(c.email.as_deref(), c.phone.as_deref())?;
        let lang =
            crate::domain::types::Lang::parse(&c.locale).unwrap_or(crate::domain::types::Lang::Fr);
        Some(Reach {
            channel,
            recipient,
            lang,
        })
    }))
}
