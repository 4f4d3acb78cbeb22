//! Funding opportunities and the interest actors express in them.

use super::rules::{self, Eligibility, Opportunity, OpportunityKind};
use crate::db::{Db, DbResult, Tx};
use crate::{run, run_tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OpportunityRow {
    pub id: i64,
    pub public_id: String,
    #[sqlx(try_from = "String")]
    pub kind: OpportunityKind,
    pub title: String,
    pub description: String,
    pub offered_by: String,
    pub sectors: String,
    pub stages: String,
    pub countries: String,
    pub deadline_on: String,
    pub closes_at: i64,
    pub poster_id: Option<i64>,
    pub is_demo: bool,
}

impl OpportunityRow {
    pub fn eligibility(&self) -> Eligibility {
        rules::eligibility_of(&self.sectors, &self.stages, &self.countries)
    }
}

const OPPORTUNITY: &str = "o.id, o.public_id, o.kind, o.title, o.description, o.offered_by, \
    o.sectors, o.stages, o.countries, o.deadline_on, o.closes_at, o.poster_id, o.is_demo";

/// The opportunities still open at `now`, closing soonest first.
pub async fn open(db: &Db, now: i64) -> DbResult<Vec<OpportunityRow>> {
    let sql = format!(
        "SELECT {OPPORTUNITY} FROM opportunities o WHERE o.closes_at > $1 \
         ORDER BY o.closes_at, o.id"
    );
    Ok(run!(db, |pool| sqlx::query_as::<_, OpportunityRow>(&sql)
        .bind(now)
        .fetch_all(pool)
        .await)?)
}

pub async fn by_public_id(db: &Db, public_id: &str) -> DbResult<Option<OpportunityRow>> {
    let sql = format!("SELECT {OPPORTUNITY} FROM opportunities o WHERE o.public_id = $1");
    Ok(run!(db, |pool| sqlx::query_as::<_, OpportunityRow>(&sql)
        .bind(public_id)
        .fetch_optional(pool)
        .await)?)
}

/// Where a posting's deadline falls.
pub struct Closing<'a> {
    pub timezone: &'a str,
    pub closes_at: i64,
}

pub async fn insert(
    tx: &mut Tx,
    public_id: &str,
    o: &Opportunity,
    closing: &Closing<'_>,
    (poster_id, is_demo, now): (Option<i64>, bool, i64),
) -> DbResult<i64> {
    let sql = "INSERT INTO opportunities (public_id, kind, title, description, offered_by, \
               sectors, stages, countries, deadline_on, timezone, closes_at, poster_id, \
               is_demo, created_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id";
    let e = &o.eligibility;
    Ok(run_tx!(tx, |conn| sqlx::query_scalar(sql)
        .bind(public_id)
        .bind(o.kind.as_str())
        .bind(&o.title)
        .bind(&o.description)
        .bind(&o.offered_by)
        .bind(rules::join(e.sectors.iter().map(|s| s.as_str())))
        .bind(rules::join(e.stages.iter().map(|s| s.as_str())))
        .bind(rules::join(e.countries.iter().map(|c| c.as_str())))
        .bind(o.deadline.to_string())
        .bind(closing.timezone)
        .bind(closing.closes_at)
        .bind(poster_id)
        .bind(is_demo)
        .bind(now)
        .fetch_one(conn)
        .await)?)
}

/// Records an actor's interest; `false` when it had already expressed it.
pub async fn insert_interest(
    tx: &mut Tx,
    (opportunity_id, actor_id, account_id): (i64, i64, i64),
    message: &str,
    now: i64,
) -> DbResult<bool> {
    let sql = "INSERT INTO opportunity_interests (opportunity_id, actor_id, account_id, message, \
               created_at) VALUES ($1, $2, $3, $4, $5) \
               ON CONFLICT (opportunity_id, actor_id) DO NOTHING";
    let n = run_tx!(tx, |conn| sqlx::query(sql)
        .bind(opportunity_id)
        .bind(actor_id)
        .bind(account_id)
        .bind(message)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// An actor's interest, as the poster sees it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InterestRow {
    pub actor_public_id: String,
    pub actor_name: String,
    pub message: String,
}

/// The interest expressed in an opportunity, in order of arrival.
pub async fn interests(db: &Db, opportunity_id: i64) -> DbResult<Vec<InterestRow>> {
    let sql = "SELECT a.public_id AS actor_public_id, a.name AS actor_name, i.message \
               FROM opportunity_interests i JOIN actors a ON a.id = i.actor_id \
               WHERE i.opportunity_id = $1 ORDER BY i.id";
    Ok(run!(db, |pool| sqlx::query_as::<_, InterestRow>(sql)
        .bind(opportunity_id)
        .fetch_all(pool)
        .await)?)
}

/// Whether the demo's opportunities are here.
pub async fn demo_count(db: &Db) -> DbResult<i64> {
    let sql = "SELECT COUNT(*) FROM opportunities WHERE is_demo";
    Ok(run!(db, |pool| sqlx::query_scalar(sql)
        .fetch_one(pool)
        .await)?)
}
