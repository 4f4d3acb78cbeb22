//! Who scores what, written as use cases (the change and its audit entry, in the caller's
//! transaction): the round's pages and the demo both go through them.

use crate::accounts::roles::{self, Role};
use crate::audit;
use crate::db::Tx;
use crate::review::queries::{self, RoundRow};
use crate::review::rules::rubric::Round;
use crate::web::error::AppResult;

/// Puts `member_id` on the panel of `track_id` in `round`, with the edition role that lets
/// them score it (reviewer in the preselection, juror in the final).
pub async fn add_panel_member(
    tx: &mut Tx,
    round: &RoundRow,
    track_id: i64,
    member_id: i64,
    actor_id: i64,
    now: i64,
) -> AppResult<()> {
    let role = match round.round() {
        Round::Preselection => Role::Reviewer,
        Round::Final => Role::Juror,
    };
    roles::grant_tx(tx, member_id, round.edition_id, role).await?;
    if queries::add_panel_member(tx, round.id, track_id, member_id).await? {
        audit::append(
            tx,
            &audit::Entry {
                actor_id: Some(actor_id),
                action: audit::Action::ReviewPanelMemberAdded,
                object: &format!("round:{}:track:{track_id}", round.id),
                details: serde_json::json!({ "user_id": member_id }),
            },
            now,
        )
        .await?;
    }
    Ok(())
}

/// An assignment computed by [`crate::review::rules::assignment`]: (reviewer, dossier) pairs,
/// how many reviewers each dossier was to get, and how many dossiers got fewer.
pub struct Assignment {
    pub pairs: Vec<(i64, i64)>,
    pub reviewers_per_dossier: usize,
    pub short: usize,
}

/// Records `assignment` in `round` (pairs already there are kept); returns how many are new.
pub async fn assign(
    tx: &mut Tx,
    round: &RoundRow,
    assignment: &Assignment,
    actor_id: i64,
    now: i64,
) -> AppResult<usize> {
    let mut created = 0usize;
    for (reviewer, dossier) in &assignment.pairs {
        if queries::assign(tx, round.id, *dossier, *reviewer, now).await? {
            created += 1;
        }
    }
    audit::append(
        tx,
        &audit::Entry {
            actor_id: Some(actor_id),
            action: audit::Action::ReviewAssigned,
            object: &format!("round:{}", round.id),
            details: serde_json::json!({
                "created": created,
                "reviewers_per_dossier": assignment.reviewers_per_dossier,
                "short": assignment.short,
            }),
        },
        now,
    )
    .await?;
    Ok(created)
}
