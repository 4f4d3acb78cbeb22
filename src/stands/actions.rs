//! The stands' writes, one use case each (the change and its audit entry, in the caller's
//! transaction): the organisers' page and the demo go through them.

use super::queries;
use super::rules::{Allocation, NewStand};
use crate::audit;
use crate::calls::queries::EditionRow;
use crate::db::Tx;
use crate::web::error::AppResult;

/// Why a write was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The edition already has a stand of that number.
    NumberTaken,
    /// No stand of that number.
    UnknownStand,
}

impl Refused {
    pub fn key(self) -> &'static str {
        match self {
            Refused::NumberTaken => "stands-number-taken",
            Refused::UnknownStand => "stands-unknown",
        }
    }
}

fn object(edition: &EditionRow, number: &str) -> String {
    format!("stand:{}:{number}", edition.slug)
}

pub async fn add_stand(
    tx: &mut Tx,
    edition: &EditionRow,
    stand: &NewStand,
    (actor_id, now): (i64, i64),
) -> AppResult<Result<(), Refused>> {
    if !queries::insert(tx, edition.id, stand).await? {
        return Ok(Err(Refused::NumberTaken));
    }
    let details = serde_json::json!({ "zone": stand.zone, "size_m2": stand.size_m2 });
    audit::Entry::by(
        actor_id,
        audit::Action::StandAdded,
        &object(edition, &stand.number),
        details,
    )
    .append(tx, now)
    .await?;
    Ok(Ok(()))
}

/// Gives the stand to an exhibitor, or frees it (`None`).
pub async fn allocate(
    tx: &mut Tx,
    edition: &EditionRow,
    number: &str,
    to: Option<&Allocation>,
    (actor_id, now): (i64, i64),
) -> AppResult<Result<(), Refused>> {
    if !queries::allocate(tx, edition.id, number, to).await? {
        return Ok(Err(Refused::UnknownStand));
    }
    let details = match to {
        Some(a) => serde_json::json!({ "kind": a.kind.as_str(), "exhibitor": a.exhibitor }),
        None => serde_json::json!({ "freed": true }),
    };
    audit::Entry::by(
        actor_id,
        audit::Action::StandAllocated,
        &object(edition, number),
        details,
    )
    .append(tx, now)
    .await?;
    Ok(Ok(()))
}
