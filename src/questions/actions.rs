//! The questions' writes, one use case each, in the caller's transaction; each bumps the
//! session's version (returned, for the caller to tell live pages once committed). Moderation
//! is audited; posting and voting are not: the question and vote rows, with their author and
//! time, are the record, and the audit log stays the organisers' account of their decisions.

use super::queries::{self, NewQuestion, QuestionRow};
use super::rules::{self, Limit, Move, Refused};
use crate::audit;
use crate::db::Tx;
use crate::web::error::AppResult;

/// Serialises one person's posts and votes on PostgreSQL (`| user id`; SQLite has a single
/// writer), so that the count a limit is checked against includes their previous write.
const PERSON_LOCK: i64 = 0x4b51_0000_0000_0000;

/// The session questions are asked in.
#[derive(Debug, Clone, Copy)]
pub struct SessionRef<'a> {
    pub id: i64,
    pub public_id: &'a str,
}

/// A question as its author sends it (text already checked by [`rules::question_text`]).
pub struct Asked<'a> {
    pub author_id: i64,
    pub body: &'a str,
    pub anonymous: bool,
}

/// Posts a question, pending or shown as the session's pre-moderation says; refused past the
/// author's limits (checked in the statement that writes). Returns the question's public id
/// and the session's new version.
pub async fn post_question(
    tx: &mut Tx,
    session: SessionRef<'_>,
    asked: &Asked<'_>,
    premoderated: bool,
    now: i64,
) -> AppResult<Result<(String, i64), Limit>> {
    let new = NewQuestion {
        session_id: session.id,
        author_id: asked.author_id,
        anonymous: asked.anonymous,
        body: asked.body,
        state: rules::initial_state(premoderated),
    };
    let limits = (
        now - rules::POST_WINDOW_MS,
        rules::POSTS_PER_WINDOW,
        rules::POSTS_PER_SESSION,
    );
    tx.lock(PERSON_LOCK | (asked.author_id & 0xffff_ffff))
        .await?;
    let Some(public_id) = queries::insert_question(tx, &new, limits, now).await? else {
        // The caller checked the limits before: another post of theirs came in between.
        return Ok(Err(Limit::PostsTooFast));
    };
    let version = queries::bump(tx, session.id).await?;
    Ok(Ok((public_id, version)))
}

/// Upvotes a question open to votes. `Ok(Some(version))` when counted, `Ok(None)` when the
/// person had already voted for it (a vote counts once); refused past their limit.
pub async fn vote(
    tx: &mut Tx,
    session: SessionRef<'_>,
    question: &QuestionRow,
    user_id: i64,
    now: i64,
) -> AppResult<Result<Option<i64>, Limit>> {
    let ids = (question.id, session.id, user_id);
    let limit = (now - rules::VOTE_WINDOW_MS, rules::VOTES_PER_WINDOW);
    tx.lock(PERSON_LOCK | (user_id & 0xffff_ffff)).await?;
    match queries::insert_vote(tx, ids, limit, now).await? {
        Some(true) => Ok(Ok(Some(queries::bump(tx, session.id).await?))),
        Some(false) => Ok(Ok(None)),
        // The caller checked the question and the limit before: a vote came in between.
        None => Ok(Err(Limit::VotesTooFast)),
    }
}

fn audited(mv: Move) -> audit::Action {
    match mv {
        Move::Approve => audit::Action::QuestionApproved,
        Move::Hide => audit::Action::QuestionHidden,
        Move::Answer => audit::Action::QuestionAnswered,
        Move::Pin => audit::Action::QuestionPinned,
        Move::Unpin => audit::Action::QuestionUnpinned,
        Move::Merge => audit::Action::QuestionMerged,
    }
}

/// A moderator's move on `question` as loaded (refused as stale if it changed since);
/// `into` is the question a duplicate is folded into (merge only). Returns the new version.
pub async fn moderate(
    tx: &mut Tx,
    session: SessionRef<'_>,
    question: &QuestionRow,
    (mv, into): (Move, Option<&QuestionRow>),
    actor_id: i64,
    now: i64,
) -> AppResult<Result<i64, Refused>> {
    let from = question.standing();
    let to = match rules::apply(from, mv) {
        Ok(to) => to,
        Err(why) => return Ok(Err(why)),
    };
    let target = match (mv, into) {
        (Move::Merge, Some(t)) if t.id != question.id && rules::may_merge_into(t.standing()) => {
            Some(t)
        }
        (Move::Merge, _) => return Ok(Err(Refused::BadMergeTarget)),
        _ => None,
    };
    if to.pinned {
        queries::unpin_all(tx, session.id).await?;
    }
    if !queries::set_standing(tx, question.id, from, to).await? {
        return Ok(Err(Refused::Stale));
    }
    if let Some(target) = target {
        queries::fold_into(tx, question.id, target.id).await?;
    }
    let version = queries::bump(tx, session.id).await?;
    let details = serde_json::json!({
        "session": session.public_id,
        "from": from.state.as_str(), "to": to.state.as_str(), "pinned": to.pinned,
        "into": target.map(|t| &t.public_id),
    });
    let object = format!("question:{}", question.public_id);
    audit::Entry::by(actor_id, audited(mv), &object, details)
        .append(tx, now)
        .await?;
    Ok(Ok(version))
}

/// Turns the session's pre-moderation on or off (questions posted from then on wait for
/// approval, or are shown at once). Returns the new version.
pub async fn set_premoderation(
    tx: &mut Tx,
    session: SessionRef<'_>,
    on: bool,
    actor_id: i64,
    now: i64,
) -> AppResult<i64> {
    queries::set_premoderated(tx, session.id, on).await?;
    let version = queries::bump(tx, session.id).await?;
    let object = format!("session:{}", session.public_id);
    let details = serde_json::json!({ "premoderated": on });
    audit::Entry::by(
        actor_id,
        audit::Action::QuestionsPremoderation,
        &object,
        details,
    )
    .append(tx, now)
    .await?;
    Ok(version)
}
