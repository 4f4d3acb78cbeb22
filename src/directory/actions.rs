//! The directory's writes, one use case each (the change, its audit entry and the message it
//! causes, in the caller's transaction): the pages, the demo and the imports go through them.

use super::import;
use super::queries::{self, ActorRow, ImportRow, Origin};
use super::rules::ActorProfile;
use super::taxonomy::{ImportStatus, Source, Status};
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

fn import_object(public_id: &str) -> String {
    format!("directory-import:{public_id}")
}

fn report_json(skipped: &[import::Skipped]) -> AppResult<String> {
    serde_json::to_string(skipped)
        .map_err(|e| crate::web::error::AppError::Internal(format!("import report: {e}")))
}

/// Profiles written per statement by an import, and between two steps of its progress bar.
pub const IMPORT_BATCH: usize = 1000;

/// An organiser's file, read (`reading`) and kept until they import or cancel it; returns the
/// import's public id.
pub async fn upload_import(
    tx: &mut Tx,
    (file_name, content): (&str, &[u8]),
    reading: &import::Reading,
    (by, now): (i64, i64),
) -> AppResult<String> {
    let public_id = crate::crypto::random_public_id();
    let report = report_json(&reading.skipped)?;
    let file_name: String = file_name.chars().take(200).collect();
    let new = queries::NewImport {
        public_id: &public_id,
        file_name: &file_name,
        format: reading.format.as_str(),
        content,
        rows_ready: reading.ready.len(),
        rows_skipped: reading.skipped.len(),
        empty_rows: reading.empty_rows,
        report_json: &report,
    };
    queries::insert_import(tx, &new, (by, now)).await?;
    let details = serde_json::json!({
        "file": file_name,
        "bytes": content.len(),
        "ready": reading.ready.len(),
        "skipped": reading.skipped.len(),
    });
    audit::Entry::by(
        by,
        audit::Action::DirectoryImportUploaded,
        &import_object(&public_id),
        details,
    )
    .append(tx, now)
    .await?;
    Ok(public_id)
}

/// Writes the ready rows of an import (read again from its file, against the directory as it
/// is now), published, and its report; `progress` hears how many are written after each
/// batch. All or nothing: it is one transaction.
pub async fn apply_import(
    tx: &mut Tx,
    row: &ImportRow,
    reading: &import::Reading,
    progress: &(dyn Fn(usize) + Sync),
    (by, now): (i64, i64),
) -> AppResult<usize> {
    let mut written = 0;
    for batch in reading.ready.chunks(IMPORT_BATCH) {
        let profiles: Vec<(String, &ActorProfile)> = batch
            .iter()
            .map(|r| (crate::crypto::random_public_id(), &r.profile))
            .collect();
        written += queries::insert_imported(tx, &profiles, (by, now)).await?;
        progress(written);
    }
    let report = report_json(&reading.skipped)?;
    let outcome = (written, reading.skipped.len(), report.as_str());
    queries::finish_import(tx, row.id, ImportStatus::Imported, outcome, now).await?;
    let details = serde_json::json!({
        "file": row.file_name,
        "imported": written,
        "skipped": reading.skipped.len(),
    });
    audit::Entry::by(
        by,
        audit::Action::DirectoryImportApplied,
        &import_object(&row.public_id),
        details,
    )
    .append(tx, now)
    .await?;
    Ok(written)
}

/// Records that an import could not be written (its transaction rolled back): the file
/// goes, the preview's report stays.
pub async fn fail_import(tx: &mut Tx, row: &ImportRow, now: i64) -> AppResult<()> {
    let outcome = (0, row.rows_skipped as usize, row.report_json.as_str());
    queries::finish_import(tx, row.id, ImportStatus::Failed, outcome, now).await?;
    Ok(())
}

/// Drops a previewed import and its file; `false` when it was no longer waiting.
pub async fn cancel_import(tx: &mut Tx, row: &ImportRow, (by, now): (i64, i64)) -> AppResult<bool> {
    if !queries::cancel_import(tx, row.id, now).await? {
        return Ok(false);
    }
    let details = serde_json::json!({ "file": row.file_name });
    audit::Entry::by(
        by,
        audit::Action::DirectoryImportCancelled,
        &import_object(&row.public_id),
        details,
    )
    .append(tx, now)
    .await?;
    Ok(true)
}

/// Why a merge was not made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MergeRefused {
    /// The profile kept, completed from the others, would not pass the checks.
    Invalid,
}

/// Merges duplicates into the profile an organiser keeps: its empty fields filled from
/// theirs (see `duplicates::merged`), their interests and owner moved to it, then they are
/// deleted.
pub async fn merge(
    tx: &mut Tx,
    kept: &ActorRow,
    others: &[ActorRow],
    this_year: i64,
    (by, now): (i64, i64),
) -> AppResult<Result<(), MergeRefused>> {
    let inputs: Vec<_> = others.iter().map(ActorRow::as_input).collect();
    let merged = super::duplicates::merged(&kept.as_input(), &inputs);
    let Ok(profile) = super::rules::check_actor(&merged, this_year) else {
        return Ok(Err(MergeRefused::Invalid));
    };
    queries::rewrite(tx, kept.id, &profile, now).await?;
    for other in others {
        queries::fold_into(tx, kept.id, other).await?;
    }
    let details = serde_json::json!({
        "kept": kept.name,
        "merged": others
            .iter()
            .map(|o| serde_json::json!({ "id": o.public_id, "name": o.name }))
            .collect::<Vec<_>>(),
    });
    audit::Entry::by(
        by,
        audit::Action::DirectoryProfilesMerged,
        &object(&kept.public_id),
        details,
    )
    .append(tx, now)
    .await?;
    Ok(Ok(()))
}

/// A new profile its applicant made from one of their applications (pre-filled with the
/// form's directory consent, then completed): waiting for an organiser like any other.
pub async fn register_from_application(
    tx: &mut Tx,
    profile: &ActorProfile,
    (owner, application_id): (i64, i64),
    now: i64,
) -> AppResult<String> {
    let origin = Origin {
        source: Source::Application,
        owner_id: Some(owner),
        status: Status::Pending,
    };
    let public_id = register(tx, profile, &origin, (Some(owner), now)).await?;
    queries::link_application(tx, &public_id, application_id).await?;
    Ok(public_id)
}

/// The owner's new logo (or, with `None`, none): the profile goes back to the organisers.
pub async fn set_logo(
    tx: &mut Tx,
    actor: &ActorRow,
    logo: Option<&super::logo::Logo>,
    (by, now): (i64, i64),
) -> AppResult<()> {
    queries::set_logo(
        tx,
        actor.id,
        logo.map(|l| (l.jpeg.as_slice(), l.sha256.as_str())),
    )
    .await?;
    let details = serde_json::json!({
        "name": actor.name,
        "logo": logo.map(|l| l.sha256.clone()),
        "was": actor.status.as_str(),
    });
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
