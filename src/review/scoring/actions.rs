//! Writing a score sheet: the draft or the submitted sheet and, once submitted, its audit
//! entry (points, a digest of the comments, the weighted total) — one use case for the score
//! form and the demo.

use std::collections::BTreeMap;

use crate::audit;
use crate::db::Tx;
use crate::review::queries::{self, RoundRow, RoundStatus, SheetWrite};
use crate::review::rules::ranking::format_score;
use crate::review::rules::rubric::{stored_sheet, Rubric};
use crate::web::error::AppResult;

/// Why a sheet was not written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The round is not open, or the dossier is no longer assigned to this reviewer.
    RoundNotOpen,
    /// The sheet was already submitted.
    Submitted,
}

impl Refused {
    /// The Fluent key of the message.
    pub fn key(self) -> &'static str {
        match self {
            Refused::RoundNotOpen => "review-round-not-open",
            Refused::Submitted => "review-sheet-locked",
        }
    }
}

/// One reviewer's sheet on one dossier of `round`, scored on `rubric`.
pub struct Sheet<'a> {
    pub round: &'a RoundRow,
    pub rubric: &'a Rubric,
    /// The dossier's id and public id (the audit entry names the latter).
    pub dossier: (i64, &'a str),
    pub reviewer_id: i64,
    pub points: &'a BTreeMap<String, u32>,
    pub comments: &'a BTreeMap<String, String>,
    /// A draft can be changed; a submitted sheet cannot.
    pub submit: bool,
}

/// Saves `sheet` in `tx`. Re-checked here, inside the transaction: the round may have closed,
/// or a conflict been declared, since the form was loaded.
pub async fn save(tx: &mut Tx, sheet: &Sheet<'_>, now: i64) -> AppResult<Result<(), Refused>> {
    let (dossier_id, public_id) = sheet.dossier;
    let round = queries::round_tx(tx, sheet.round.id).await?;
    let still_assigned = queries::is_assigned(tx, round.id, dossier_id, sheet.reviewer_id).await?;
    if round.status() != RoundStatus::Open || !still_assigned {
        return Ok(Err(Refused::RoundNotOpen));
    }
    let written = queries::save_sheet(
        tx,
        &SheetWrite {
            round_id: round.id,
            application_id: dossier_id,
            reviewer_id: sheet.reviewer_id,
            points: sheet.points,
            comments: sheet.comments,
            submit: sheet.submit,
        },
        now,
    )
    .await?;
    if !written {
        return Ok(Err(Refused::Submitted));
    }
    if sheet.submit {
        let total = sheet
            .rubric
            .weighted_total(&stored_sheet(sheet.rubric, sheet.points));
        audit::Entry::by(
            sheet.reviewer_id,
            audit::Action::ReviewScoreSubmitted,
            &format!("application:{public_id}"),
            serde_json::json!({
                "round": round.kind,
                "round_id": round.id,
                "points": sheet.points,
                "comments_sha256": audit::data::comments_digest(sheet.comments),
                "total": format_score(total.value()),
            }),
        )
        .append(tx, now)
        .await?;
    }
    Ok(Ok(()))
}
