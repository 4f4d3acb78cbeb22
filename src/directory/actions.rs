//! The directory's writes, one use case each (the change, its audit entry and the message it
//! causes, in the caller's transaction): the pages, the demo and the imports go through them.

use super::queries::{self, ActorRow, Origin};
use super::rules::ActorProfile;
use super::taxonomy::{Source, Status};
use crate::audit;
use crate::db::Tx;
use crate::domain::types::Lang;
use crate::i18n::tr_args;
use crate::outbox::{self, NewMessage};
use crate::web::ctx::SiteAddress;
use crate::web::error::AppResult;

fn object(public_id: &str) -> String {
    format!("actor:{public_id}")
}

/// A new profile, registered by `origin`'s owner (or written by the demo or an import) and
/// waiting for an organiser unless `origin` says otherwise; returns its public id.
pub async fn register(
    tx: &mut Tx,
    profile: &ActorProfile,
    origin: &Origin,
    (by, now): (Option<i64>, i64),
) -> AppResult<String> {
    let public_id = crate::crypto::random_public_id();
    queries::insert(tx, &public_id, profile, origin, now).await?;
    let details = serde_json::json!({
        "name": profile.name,
        "kind": profile.kind.as_str(),
        "source": origin.source.as_str(),
        "status": origin.status.as_str(),
    });
    let entry = audit::Entry {
        actor_id: by,
        action: audit::Action::DirectoryProfileSubmitted,
        object: &object(&public_id),
        details,
    };
    // The demo writes hundreds of made-up profiles: one entry says so (see `demo`).
    if origin.source != Source::Demo {
        entry.append(tx, now).await?;
    }
    Ok(public_id)
}

/// The owner's new version of their profile: it goes back to the organisers.
pub async fn edit(
    tx: &mut Tx,
    actor: &ActorRow,
    profile: &ActorProfile,
    (by, now): (i64, i64),
) -> AppResult<()> {
    queries::update(tx, actor.id, profile, now).await?;
    let details = serde_json::json!({ "name": profile.name, "was": actor.status.as_str() });
    audit::Entry::by(
        by,
        audit::Action::DirectoryProfileEdited,
        &object(&actor.public_id),
        details,
    )
    .append(tx, now)
    .await?;
    Ok(())
}

/// An organiser's decision on a pending profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Publish,
    Reject { reason: String },
}

/// Why a decision was not recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Another organiser decided first.
    NotPending,
}

impl Refused {
    pub fn key(self) -> &'static str {
        match self {
            Refused::NotPending => "directory-error-not-pending",
        }
    }
}

/// Publishes or rejects a pending profile and tells its owner.
pub async fn moderate(
    tx: &mut Tx,
    site: &SiteAddress,
    actor: &ActorRow,
    decision: &Decision,
    (by, now): (i64, i64),
) -> AppResult<Result<(), Refused>> {
    let (status, reason, action) = match decision {
        Decision::Publish => (
            Status::Published,
            "",
            audit::Action::DirectoryProfilePublished,
        ),
        Decision::Reject { reason } => (
            Status::Rejected,
            reason.as_str(),
            audit::Action::DirectoryProfileRejected,
        ),
    };
    if !queries::decide(tx, actor.id, status, reason, (by, now)).await? {
        return Ok(Err(Refused::NotPending));
    }
    let details = serde_json::json!({ "name": actor.name, "reason": reason });
    audit::Entry::by(by, action, &object(&actor.public_id), details)
        .append(tx, now)
        .await?;
    if let Some(owner) = actor.owner_id {
        tell_owner(tx, site, actor, (owner, status, reason), now).await?;
    }
    Ok(Ok(()))
}

async fn tell_owner(
    tx: &mut Tx,
    site: &SiteAddress,
    actor: &ActorRow,
    (owner, status, reason): (i64, Status, &str),
    now: i64,
) -> AppResult<()> {
    let Some(crate::accounts::users::Reach {
        channel,
        recipient,
        lang,
    }) = crate::accounts::users::reach(tx, owner).await?
    else {
        return Ok(());
    };
    let args = [
        ("name", actor.name.clone()),
        ("reason", reason.to_owned()),
        (
            "link",
            site.link(&format!("/directory/{}", actor.public_id)),
        ),
    ];
    let key = match status {
        Status::Published => "directory-message-published",
        _ => "directory-message-rejected",
    };
    let message = NewMessage {
        idempotency_key: format!(
            "actor:{}:{}:{}:{}",
            actor.public_id,
            status.as_str(),
            now,
            channel.as_str()
        ),
        channel,
        recipient,
        subject: tr_args(lang, "directory-message-subject", &args),
        body: tr_args(lang, key, &args),
        edition_id: None,
    };
    outbox::enqueue(tx, &message, now).await?;
    Ok(())
}

/// Who writes through a profile's contact form: their answer goes to these addresses, which
/// the form says are passed on.
pub struct Sender<'a> {
    pub name: &'a str,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
}

/// Passes a visitor's message to the actor's contact address (never shown to them); `false`
/// when the actor gave none.
pub async fn contact(
    tx: &mut Tx,
    site: &SiteAddress,
    actor: &ActorRow,
    (sender, message): (&Sender<'_>, &str),
    (by, now): (i64, i64),
) -> AppResult<bool> {
    if actor.contact_email.is_empty() {
        return Ok(false);
    }
    let reply = [sender.email, sender.phone]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    let args = [
        ("name", actor.name.clone()),
        ("sender", sender.name.to_owned()),
        ("reply", reply),
        ("message", message.to_owned()),
        (
            "link",
            site.link(&format!("/directory/{}", actor.public_id)),
        ),
    ];
    // The actor reads it in French unless its profile is written in English only.
    let lang = if actor.description_fr.is_empty() {
        Lang::En
    } else {
        Lang::Fr
    };
    let message = NewMessage {
        idempotency_key: format!("actor-contact:{}:{by}:{now}", actor.public_id),
        channel: outbox::Channel::Email,
        recipient: actor.contact_email.clone(),
        subject: tr_args(lang, "directory-contact-subject", &args),
        body: tr_args(lang, "directory-contact-body", &args),
        edition_id: None,
    };
    outbox::enqueue(tx, &message, now).await?;
    Ok(true)
}
