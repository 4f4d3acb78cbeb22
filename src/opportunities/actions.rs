//! The opportunities' writes, one use case each (the change, its audit entry and the message
//! it causes, in the caller's transaction).

use super::queries::{self, Closing, OpportunityRow};
use super::rules::Opportunity;
use crate::audit;
use crate::db::Tx;
use crate::directory::queries::ActorRow;
use crate::directory::taxonomy::Status;
use crate::i18n::tr_args;
use crate::outbox::{self, NewMessage};
use crate::web::ctx::SiteAddress;
use crate::web::error::AppResult;

/// Posts an opportunity; returns its public id. The demo's (`poster` `None`) are not audited.
pub async fn post(
    tx: &mut Tx,
    opportunity: &Opportunity,
    closing: &Closing<'_>,
    (poster, is_demo, now): (Option<i64>, bool, i64),
) -> AppResult<String> {
    let public_id = crate::crypto::random_public_id();
    queries::insert(tx, &public_id, opportunity, closing, (poster, is_demo, now)).await?;
    if let Some(poster) = poster {
        let details = serde_json::json!({
            "title": opportunity.title,
            "kind": opportunity.kind.as_str(),
            "deadline": opportunity.deadline.to_string(),
        });
        audit::Entry::by(
            poster,
            audit::Action::OpportunityPosted,
            &format!("opportunity:{public_id}"),
            details,
        )
        .append(tx, now)
        .await?;
    }
    Ok(public_id)
}

/// Why an interest was not recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    Closed,
    /// Only a published profile may speak for its actor.
    NotPublished,
    AlreadyInterested,
}

impl Refused {
    pub fn key(self) -> &'static str {
        match self {
            Refused::Closed => "opportunities-error-closed",
            Refused::NotPublished => "opportunities-error-not-published",
            Refused::AlreadyInterested => "opportunities-error-already",
        }
    }
}

/// The actor's interest in the opportunity, told to whoever posted it.
pub async fn express_interest(
    tx: &mut Tx,
    site: &SiteAddress,
    (opportunity, actor): (&OpportunityRow, &ActorRow),
    message: &str,
    (by, now): (i64, i64),
) -> AppResult<Result<(), Refused>> {
    if now >= opportunity.closes_at {
        return Ok(Err(Refused::Closed));
    }
    if actor.status != Status::Published {
        return Ok(Err(Refused::NotPublished));
    }
    let ids = (opportunity.id, actor.id, by);
    if !queries::insert_interest(tx, ids, message, now).await? {
        return Ok(Err(Refused::AlreadyInterested));
    }
    let details = serde_json::json!({ "actor": actor.public_id, "name": actor.name });
    audit::Entry::by(
        by,
        audit::Action::OpportunityInterest,
        &format!("opportunity:{}", opportunity.public_id),
        details,
    )
    .append(tx, now)
    .await?;
    if let Some(poster) = opportunity.poster_id {
        tell_poster(tx, site, (opportunity, actor), (poster, message), now).await?;
    }
    Ok(Ok(()))
}

async fn tell_poster(
    tx: &mut Tx,
    site: &SiteAddress,
    (opportunity, actor): (&OpportunityRow, &ActorRow),
    (poster, message): (i64, &str),
    now: i64,
) -> AppResult<()> {
    let Some(crate::accounts::users::Reach {
        channel,
        recipient,
        lang,
    }) = crate::accounts::users::reach(tx, poster).await?
    else {
        return Ok(());
    };
    let args = [
        ("actor", actor.name.clone()),
        ("title", opportunity.title.clone()),
        ("message", message.to_owned()),
        (
            "profile",
            site.link(&format!("/directory/{}", actor.public_id)),
        ),
        (
            "link",
            site.link(&format!("/opportunities/{}", opportunity.public_id)),
        ),
    ];
    let message = NewMessage {
        idempotency_key: format!(
            "interest:{}:{}:{}",
            opportunity.public_id,
            actor.public_id,
            channel.as_str()
        ),
        channel,
        recipient,
        subject: tr_args(lang, "opportunities-message-subject", &args),
        body: tr_args(lang, "opportunities-message-interest", &args),
        edition_id: None,
    };
    outbox::enqueue(tx, &message, now).await?;
    Ok(())
}
