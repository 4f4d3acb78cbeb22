//! The stands of an edition.

use super::rules::{Allocation, NewStand};
use crate::db::{Db, DbResult, Tx};
use crate::{run, run_tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StandRow {
    pub id: i64,
    pub number: String,
    pub zone: String,
    pub size_m2: i64,
    /// '' while the stand is free.
    pub exhibitor_kind: String,
    pub exhibitor: String,
    pub description: String,
}

impl StandRow {
    pub fn is_free(&self) -> bool {
        self.exhibitor_kind.is_empty()
    }
}

/// The edition's stands, by zone then number.
pub async fn stands(db: &Db, edition_id: i64) -> DbResult<Vec<StandRow>> {
    let sql = "SELECT id, number, zone, size_m2, exhibitor_kind, exhibitor, description \
               FROM stands WHERE edition_id = $1 ORDER BY zone, number";
    Ok(run!(db, |pool| sqlx::query_as::<_, StandRow>(sql)
        .bind(edition_id)
        .fetch_all(pool)
        .await)?)
}

/// Adds a stand; `false` when the edition already has one of that number.
pub async fn insert(tx: &mut Tx, edition_id: i64, s: &NewStand) -> DbResult<bool> {
    let sql = "INSERT INTO stands (edition_id, number, zone, size_m2) VALUES ($1, $2, $3, $4) \
               ON CONFLICT (edition_id, number) DO NOTHING";
    let n = run_tx!(tx, |conn| sqlx::query(sql)
        .bind(edition_id)
        .bind(&s.number)
        .bind(&s.zone)
        .bind(s.size_m2)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Gives stand `number` to an exhibitor (`None`: frees it); `false` for an unknown stand.
pub async fn allocate(
    tx: &mut Tx,
    edition_id: i64,
    number: &str,
    to: Option<&Allocation>,
) -> DbResult<bool> {
    let sql = "UPDATE stands SET exhibitor_kind = $3, exhibitor = $4, description = $5 \
               WHERE edition_id = $1 AND number = $2";
    let (kind, exhibitor, description) = match to {
        Some(a) => (
            a.kind.as_str(),
            a.exhibitor.as_str(),
            a.description.as_str(),
        ),
        None => ("", "", ""),
    };
    let n = run_tx!(tx, |conn| sqlx::query(sql)
        .bind(edition_id)
        .bind(number)
        .bind(kind)
        .bind(exhibitor)
        .bind(description)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}
