//! Who scores what, written as use cases (the change, its audit entry and its message, in the
//! caller's transaction): the round's pages and the demo both go through them.

use crate::accounts::roles::{self, Role};
use crate::accounts::users::UserRow;
use crate::applications::queries::ListedApplication;
use crate::audit;
use crate::db::Tx;
use crate::domain::types::Lang;
use crate::i18n::tr_args;
use crate::outbox;
use crate::review::queries::{self, RoundRow, RoundSettings, RoundStatus};
use crate::review::rules::rubric::{Round, Rubric};
use crate::web::ctx::SiteAddress;
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
        audit::Entry::by(
            actor_id,
            audit::Action::ReviewPanelMemberAdded,
            &format!("round:{}:track:{track_id}", round.id),
            serde_json::json!({ "user_id": member_id }),
        )
        .append(tx, now)
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
    audit::Entry::by(
        actor_id,
        audit::Action::ReviewAssigned,
        &format!("round:{}", round.id),
        serde_json::json!({
            "created": created,
            "reviewers_per_dossier": assignment.reviewers_per_dossier,
            "short": assignment.short,
        }),
    )
    .append(tx, now)
    .await?;
    Ok(created)
}

/// Moves a dossier between reviewers of `round`: `removed` loses it, `added` gets it.
pub async fn reassign(
    tx: &mut Tx,
    round: &RoundRow,
    dossier: &ListedApplication,
    (removed, added): (Option<i64>, Option<i64>),
    actor_id: i64,
    now: i64,
) -> AppResult<()> {
    if let Some(r) = removed {
        queries::unassign(tx, round.id, dossier.id, r).await?;
    }
    if let Some(a) = added {
        queries::assign(tx, round.id, dossier.id, a, now).await?;
    }
    audit::Entry::by(
        actor_id,
        audit::Action::ReviewReassigned,
        &format!("application:{}", dossier.public_id),
        serde_json::json!({
            "round_id": round.id, "removed": removed, "added": added,
        }),
    )
    .append(tx, now)
    .await?;
    Ok(())
}

/// Why a submitted sheet could not be reopened: a Fluent key.
pub type Refusal = &'static str;

/// Reopens a reviewer's submitted sheet (back to draft), audited with the reason, and tells
/// the reviewer. Checked here, in the transaction: the round must still be open and, in the
/// preselection, the shortlist built from its ranking not yet locked.
pub async fn reopen_sheet(
    tx: &mut Tx,
    site: &SiteAddress,
    (round, dossier, reviewer): (&RoundRow, &ListedApplication, &UserRow),
    reason: &str,
    actor_id: i64,
    now: i64,
) -> AppResult<Result<(), Refusal>> {
    let current = queries::round_tx(tx, round.id).await?;
    if current.status() != RoundStatus::Open {
        return Ok(Err("followups-reopen-round-not-open"));
    }
    if current.round() == Round::Preselection
        && queries::shortlist_locked_tx(tx, round.edition_id).await?
    {
        return Ok(Err("followups-reopen-shortlist-locked"));
    }
    if !queries::reopen_sheet(tx, round.id, dossier.id, reviewer.id, now).await? {
        return Ok(Err("followups-reopen-not-submitted"));
    }
    let hash = audit::Entry::by(
        actor_id,
        audit::Action::ReviewScoreReopened,
        &format!("application:{}", dossier.public_id),
        serde_json::json!({
            "round": round.kind, "round_id": round.id,
            "reviewer_id": reviewer.id, "reason": reason,
        }),
    )
    .append(tx, now)
    .await?;
    if let Some((channel, recipient)) =
        outbox::channel_for(reviewer.email.as_deref(), reviewer.phone.as_deref())
    {
        let lang = Lang::parse(&reviewer.locale).unwrap_or_default();
        let link = site.link(&format!("/review/{}/{}", round.id, dossier.public_id));
        let args = [
            ("reference", dossier.reference.clone().unwrap_or_default()),
            ("reason", reason.to_owned()),
            ("link", link),
        ];
        let message = outbox::NewMessage {
            // One message per reopening: the same sheet may be reopened again later.
            idempotency_key: format!("score-reopened:{hash}"),
            channel,
            recipient,
            subject: tr_args(lang, "followups-reopened-subject", &args),
            body: tr_args(lang, "followups-reopened-body", &args),
            edition_id: Some(round.edition_id),
        };
        outbox::enqueue(tx, &message, now).await?;
    }
    Ok(Ok(()))
}

/// Saves the round's settings as loaded at `expected_version`; `false` (nothing written) when
/// someone saved them in between.
pub async fn save_settings(
    tx: &mut Tx,
    round: &RoundRow,
    expected_version: i64,
    settings: &RoundSettings,
    actor_id: i64,
    now: i64,
) -> AppResult<bool> {
    if !queries::update_round_settings(tx, round.id, expected_version, settings).await? {
        return Ok(false);
    }
    audit::Entry::by(
        actor_id,
        audit::Action::ReviewSettingsChanged,
        &format!("round:{}", round.id),
        serde_json::json!({
            "reviewers_per_dossier": settings.reviewers_per_dossier, "blind": settings.blind,
            "min_sheets": settings.min_sheets, "dispute_threshold": settings.dispute_threshold,
            "pooling": settings.pooling.as_str(),
        }),
    )
    .append(tx, now)
    .await?;
    Ok(true)
}

/// Saves a track's rubric and tie-break order as loaded at `expected_version`; `false`
/// (nothing written) when someone saved them in between.
pub async fn save_rubric(
    tx: &mut Tx,
    (round, track_id): (&RoundRow, i64),
    expected_version: i64,
    (rubric, tie_break): (&Rubric, &[String]),
    actor_id: i64,
    now: i64,
) -> AppResult<bool> {
    let (round_id, v) = (round.id, expected_version);
    if !queries::save_rubric(tx, round_id, track_id, v, rubric, tie_break, now).await? {
        return Ok(false);
    }
    audit::Entry::by(
        actor_id,
        audit::Action::ReviewRubricChanged,
        &format!("round:{round_id}:track:{track_id}"),
        serde_json::json!({ "criteria": rubric.to_json(), "tie_break": tie_break }),
    )
    .append(tx, now)
    .await?;
    Ok(true)
}
