//! Roles are granted per edition; `admin` is global (a flag on the user).

use crate::db::{Db, DbResult, Tx};
use crate::{run, run_tx, run_write};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Organiser,
    Reviewer,
    Juror,
    Coach,
    CheckIn,
    Applicant,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Organiser,
        Role::Reviewer,
        Role::Juror,
        Role::Coach,
        Role::CheckIn,
        Role::Applicant,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Organiser => "organiser",
            Role::Reviewer => "reviewer",
            Role::Juror => "juror",
            Role::Coach => "coach",
            Role::CheckIn => "check_in",
            Role::Applicant => "applicant",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

const GRANT: &str = "INSERT INTO role_grants (user_id, edition_id, role) VALUES ($1, $2, $3) \
                     ON CONFLICT DO NOTHING";

pub async fn grant_tx(tx: &mut Tx, user_id: i64, edition_id: i64, role: Role) -> DbResult<()> {
    run_tx!(tx, |conn| sqlx::query(GRANT)
        .bind(user_id)
        .bind(edition_id)
        .bind(role.as_str())
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn grant(db: &Db, user_id: i64, edition_id: i64, role: Role) -> DbResult<()> {
    let sql = GRANT;
    run_write!(db, |pool| sqlx::query(sql)
        .bind(user_id)
        .bind(edition_id)
        .bind(role.as_str())
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Admins hold every role everywhere.
pub async fn has_role(db: &Db, user_id: i64, edition_id: i64, role: Role) -> DbResult<bool> {
    let sql = "SELECT COUNT(*) FROM users u WHERE u.id = $1 AND (u.is_admin OR EXISTS ( \
               SELECT 1 FROM role_grants g WHERE g.user_id = u.id AND g.edition_id = $2 AND g.role = $3))";
    let n: i64 = run!(db, |pool| sqlx::query_scalar(sql)
        .bind(user_id)
        .bind(edition_id)
        .bind(role.as_str())
        .fetch_one(pool)
        .await)?;
    Ok(n > 0)
}

/// Editions in which the user may act as organiser (all of them for an admin).
pub async fn organised_editions(db: &Db, user_id: i64) -> DbResult<Vec<i64>> {
    let sql = "SELECT e.id FROM editions e WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = $1 AND u.is_admin) \
               OR EXISTS (SELECT 1 FROM role_grants g WHERE g.user_id = $1 AND g.edition_id = e.id AND g.role = 'organiser') \
               ORDER BY e.year DESC";
    Ok(run!(db, |pool| sqlx::query_scalar(sql)
        .bind(user_id)
        .fetch_all(pool)
        .await)?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MemberRow {
    pub display_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub role: String,
}

/// Everyone holding a role in the edition, by role then name.
pub async fn members(db: &Db, edition_id: i64) -> DbResult<Vec<MemberRow>> {
    let sql = "SELECT u.display_name, u.email, u.phone, g.role FROM role_grants g JOIN users u ON u.id = g.user_id \
               WHERE g.edition_id = $1 ORDER BY g.role, u.display_name";
    Ok(run!(db, |pool| sqlx::query_as(sql)
        .bind(edition_id)
        .fetch_all(pool)
        .await)?)
}
