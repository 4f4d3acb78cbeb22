//! The shortlist's writes, one use case each: the change, its audit entry and, for the
//! publication, the message to every applicant — in the caller's transaction. The pages and
//! the demo both go through them, so demo data are made as real data are.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::queries::{
    delete_entries, insert_change, insert_entry, set_status, status_tx, Applicant, ShortlistStatus,
};
use crate::applications::queries::ListedApplication;
use crate::audit;
use crate::calls::queries::EditionRow;
use crate::db::Tx;
use crate::i18n::tr;
use crate::notifications::letters::{self, Letter, Reader};
use crate::notifications::templates::{MessageKind, Values};
use crate::review::queries::SheetRow;
use crate::review::rules::shortlist::Justification;
use crate::run_tx;
use crate::web::error::AppResult;

/// Why the shortlist refused a write (the page names it to the organiser).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Only a draft is changed; a locked or published shortlist is not.
    NotDraft,
    /// The settings were saved by someone else since the form was loaded.
    Stale,
    /// Locking an empty shortlist.
    Empty,
    /// Publishing before locking.
    NotLocked,
    AlreadyPublished,
}

impl Refused {
    /// The Fluent key of the message.
    pub fn key(self) -> &'static str {
        match self {
            Refused::NotDraft | Refused::Stale => "shortlist-not-draft",
            Refused::Empty => "shortlist-empty",
            Refused::NotLocked => "shortlist-lock-first",
            Refused::AlreadyPublished => "shortlist-already-published",
        }
    }
}

/// The settings form: how many finalists, places reserved per track, comments in the letters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub size: i64,
    pub quotas: BTreeMap<i64, usize>,
    pub with_feedback: bool,
}

fn object(edition: &EditionRow) -> String {
    format!("edition:{}", edition.slug)
}

/// Saves the settings over version `expected` of a draft shortlist.
pub async fn save_settings(
    tx: &mut Tx,
    edition: &EditionRow,
    settings: &Settings,
    expected: i64,
    actor_id: i64,
    now: i64,
) -> AppResult<Result<(), Refused>> {
    let quotas_json = serde_json::to_string(&settings.quotas)
        .map_err(|e| crate::web::error::AppError::Internal(e.to_string()))?;
    let sql = "UPDATE shortlists SET size = $1, quotas_json = $2, with_feedback = $3, \
               version = version + 1 WHERE edition_id = $4 AND status = 'draft' AND version = $5";
    let updated = run_tx!(tx, |conn| sqlx::query(sql)
        .bind(settings.size)
        .bind(&quotas_json)
        .bind(settings.with_feedback)
        .bind(edition.id)
        .bind(expected)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    if updated == 0 {
        return Ok(Err(Refused::Stale));
    }
    audit::Entry::by(
        actor_id,
        audit::Action::ShortlistSettingsChanged,
        &object(edition),
        serde_json::json!({
            "size": settings.size,
            "quotas": settings.quotas,
            "with_feedback": settings.with_feedback,
        }),
    )
    .append(tx, now)
    .await?;
    Ok(Ok(()))
}

/// Replaces a draft's entries by `dossiers` (in the order shown), as proposed from the ranking.
pub async fn propose(
    tx: &mut Tx,
    edition: &EditionRow,
    dossiers: &[i64],
    size: usize,
    actor_id: i64,
    now: i64,
) -> AppResult<Result<(), Refused>> {
    if status_tx(tx, edition.id).await? != ShortlistStatus::Draft {
        return Ok(Err(Refused::NotDraft));
    }
    delete_entries(tx, edition.id, None).await?;
    for (i, id) in dossiers.iter().enumerate() {
        insert_entry(tx, edition.id, *id, i as i64 + 1, "proposed").await?;
    }
    audit::Entry::by(
        actor_id,
        audit::Action::ShortlistProposed,
        &object(edition),
        serde_json::json!({ "size": size, "dossiers": dossiers }),
    )
    .append(tx, now)
    .await?;
    Ok(Ok(()))
}

/// Puts a dossier in (after the `entries` already there) or takes it out of a draft, with the
/// organiser's justification, kept in the shortlist's history and the audit log.
pub async fn change_entry(
    tx: &mut Tx,
    (edition, dossier): (&EditionRow, &ListedApplication),
    change: EntryChange,
    justification: &Justification,
    actor_id: i64,
    now: i64,
) -> AppResult<Result<(), Refused>> {
    if status_tx(tx, edition.id).await? != ShortlistStatus::Draft {
        return Ok(Err(Refused::NotDraft));
    }
    let action = match change {
        EntryChange::In { after } => {
            insert_entry(tx, edition.id, dossier.id, after as i64 + 1, "added").await?;
            audit::Action::ShortlistOverrideIn
        }
        EntryChange::Out => {
            delete_entries(tx, edition.id, Some(dossier.id)).await?;
            audit::Action::ShortlistOverrideOut
        }
    };
    let direction = match change {
        EntryChange::In { .. } => "in",
        EntryChange::Out => "out",
    };
    let recorded = (direction, justification.as_str(), actor_id);
    insert_change(tx, edition.id, dossier.id, recorded, now).await?;
    audit::Entry::by(
        actor_id,
        action,
        &format!("application:{}", dossier.public_id),
        serde_json::json!({ "justification": justification.as_str() }),
    )
    .append(tx, now)
    .await?;
    Ok(Ok(()))
}

/// A dossier put in a draft shortlist (after `after` entries) or taken out of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryChange {
    In { after: usize },
    Out,
}

/// Locks a draft holding `finalists`; `cut_ties` are the ties at the cut the organiser saw,
/// `arbitrary_ties_confirmed` whether they confirmed those decided by time or number.
pub async fn lock(
    tx: &mut Tx,
    edition: &EditionRow,
    finalists: &[i64],
    cut_ties: &impl Serialize,
    arbitrary_ties_confirmed: bool,
    actor_id: i64,
    now: i64,
) -> AppResult<Result<(), Refused>> {
    if status_tx(tx, edition.id).await? != ShortlistStatus::Draft {
        return Ok(Err(Refused::NotDraft));
    }
    if finalists.is_empty() {
        return Ok(Err(Refused::Empty));
    }
    set_status(tx, edition.id, ShortlistStatus::Locked, now).await?;
    audit::Entry::by(
        actor_id,
        audit::Action::ShortlistLocked,
        &object(edition),
        serde_json::json!({
            "finalists": finalists,
            "cut_ties": cut_ties,
            "arbitrary_ties_confirmed": arbitrary_ties_confirmed,
        }),
    )
    .append(tx, now)
    .await?;
    Ok(Ok(()))
}

/// What the publication tells applicants: who is in, the page that lists them, and the
/// committee's comments when the settings say so.
pub struct Publication<'a> {
    pub finalists: &'a BTreeSet<i64>,
    pub applicants: &'a [Applicant],
    /// The finalists' page, as a full address (read from a phone's mail or SMS app).
    pub link: &'a str,
    pub with_feedback: bool,
    pub sheets: &'a [SheetRow],
}

/// Publishes a locked shortlist and tells every applicant of the call, in their language.
pub async fn publish(
    tx: &mut Tx,
    edition: &EditionRow,
    publication: &Publication<'_>,
    actor_id: i64,
    now: i64,
) -> AppResult<Result<(), Refused>> {
    match status_tx(tx, edition.id).await? {
        ShortlistStatus::Locked => {}
        ShortlistStatus::Published => return Ok(Err(Refused::AlreadyPublished)),
        ShortlistStatus::Draft => return Ok(Err(Refused::NotLocked)),
    }
    set_status(tx, edition.id, ShortlistStatus::Published, now).await?;
    for a in publication.applicants {
        tell_applicant(tx, edition, publication, a, now).await?;
    }
    audit::Entry::by(
        actor_id,
        audit::Action::ShortlistPublished,
        &object(edition),
        serde_json::json!({
            "finalists": publication.finalists,
            "notified": publication.applicants.len(),
        }),
    )
    .append(tx, now)
    .await?;
    Ok(Ok(()))
}

/// The outcome's message to one applicant, by e-mail or SMS (their login), with the
/// committee's comments by e-mail when the settings say so.
async fn tell_applicant(
    tx: &mut Tx,
    edition: &EditionRow,
    publication: &Publication<'_>,
    a: &Applicant,
    now: i64,
) -> AppResult<()> {
    let kind = if publication.finalists.contains(&a.application_id) {
        MessageKind::ShortlistSelected
    } else {
        MessageKind::ShortlistNotSelected
    };
    let letter = Letter {
        edition_id: edition.id,
        kind,
        to: Reader {
            email: a.email.as_deref(),
            phone: a.phone.as_deref(),
            locale: &a.locale,
        },
        values: Values::new(vec![
            ("reference", a.reference.clone().unwrap_or_default()),
            ("title", a.title.clone()),
            ("year", edition.year.to_string()),
            ("link", publication.link.to_owned()),
        ]),
        idempotency_key: format!("shortlist:{}:{}", edition.id, a.application_id),
    };
    let comments = if publication.with_feedback {
        feedback(publication.sheets, a.application_id)
    } else {
        Vec::new()
    };
    let postscript = |lang| {
        (!comments.is_empty()).then(|| {
            let mut text = tr(lang, "shortlist-mail-feedback");
            for comment in &comments {
                text.push_str("\n- ");
                text.push_str(comment);
            }
            text
        })
    };
    letters::send(tx, letter, postscript, now).await?;
    Ok(())
}

/// The committee's comments on a dossier, without the reviewers' names.
fn feedback(stored: &[SheetRow], application_id: i64) -> Vec<String> {
    stored
        .iter()
        .filter(|s| s.application_id == application_id)
        .flat_map(|s| s.comments().into_values())
        .collect()
}
