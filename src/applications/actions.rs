//! An applicant's writes on a dossier, one use case each (the change, its audit entry and its
//! receipt, in the caller's transaction): the applicant's pages, the start-up repair and the
//! demo all go through them.

use super::queries::{self, ApplicationRow, Summary};
use super::Status;
use crate::audit;
use crate::calls::queries::TrackRow;
use crate::db::DbResult;
use crate::db::Tx;
use crate::domain::form::FormDefinition;
use crate::domain::types::{Lang, Login};
use crate::i18n;
use crate::notifications::template_admin;
use crate::notifications::templates::{MessageKind, Texts, Values};
use crate::outbox::{self, Channel, NewMessage};
use crate::web::state::AppState;

/// A dossier's submission as recorded: its reference and the version submitted.
#[derive(Debug, Clone)]
pub struct Submitted {
    pub reference: String,
    pub version: i64,
}

/// Submits the dossier's working answers as a new version (`current` read for update in `tx`):
/// gives it its reference on the first submission, queues the receipt, audits.
pub async fn submit(
    tx: &mut Tx,
    (current, track, form): (&ApplicationRow, &TrackRow, &FormDefinition),
    summary: &Summary,
    receipt: Option<Receipt>,
    actor_id: i64,
    now: i64,
) -> DbResult<Submitted> {
    let reference = match &current.reference {
        Some(r) => r.clone(),
        None => queries::next_reference(tx, current.track_id).await?,
    };
    let version = queries::record_submission(tx, current, form, &reference, summary, now).await?;
    if let Some(receipt) = receipt {
        receipt
            .send(tx, (current, track), &reference, version, now)
            .await?;
    }
    let details = serde_json::json!({
        "version": version, "form_version": current.working_form_version(),
    });
    let action = audit::Action::ApplicationSubmit;
    audit::Entry::by(actor_id, action, &reference, details)
        .append(tx, now)
        .await?;
    Ok(Submitted { reference, version })
}

/// The applicant withdraws a dossier that is still editable.
pub async fn withdraw(
    tx: &mut Tx,
    application: &ApplicationRow,
    actor_id: i64,
    now: i64,
) -> DbResult<()> {
    let withdrawn = Status::Withdrawn.as_str();
    queries::set_status(tx, application.id, withdrawn, None, now).await?;
    let object = application.reference.as_deref();
    let object = object.unwrap_or(&application.public_id);
    let action = audit::Action::ApplicationWithdraw;
    audit::Entry::by(actor_id, action, object, serde_json::json!({}))
        .append(tx, now)
        .await?;
    Ok(())
}

/// Restores the latest submitted version (`json`, of `form_version`) of a dossier whose edits
/// were written over it by an older Kènè; `false` when there was nothing to restore.
pub async fn restore_submitted(
    tx: &mut Tx,
    row: &ApplicationRow,
    (version, form_version, json): (i64, i64, &str),
    summary: &Summary,
    now: i64,
) -> DbResult<bool> {
    if !queries::restore_submitted(tx, row.id, json, form_version, summary).await? {
        return Ok(false);
    }
    let entry = audit::Entry {
        actor_id: None,
        action: audit::Action::ApplicationRestoreSubmitted,
        object: row.reference.as_deref().unwrap_or(&row.public_id),
        details: serde_json::json!({ "version": version }),
    };
    entry.append(tx, now).await?;
    Ok(true)
}

/// Whom a submission's receipt goes to and its wording: an account's login and language.
pub struct Recipient<'a> {
    pub locale: &'a str,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
}

/// The receipt a submission sends: to whom, in which language and wording. Prepared before
/// the submission's transaction, so that the single SQLite writer does not wait for the read
/// of the wording (an organiser's edit landing in between applies from the next receipt).
pub struct Receipt {
    lang: Lang,
    channel: Channel,
    recipient: String,
    texts: Texts,
    /// Who sends it and how to reach them, at the foot of an e-mail.
    signature: String,
}

impl Receipt {
    /// `None` for an account with neither e-mail nor phone (a receipt cannot be sent).
    pub async fn prepare(
        app: &AppState,
        to: Recipient<'_>,
        edition_id: i64,
    ) -> DbResult<Option<Receipt>> {
        let lang = if to.locale == "en" {
            Lang::En
        } else {
            Lang::Fr
        };
        let login = to.email.or(to.phone).and_then(|l| Login::parse(l).ok());
        let Some(login) = login else {
            return Ok(None);
        };
        let (channel, recipient) = match &login {
            Login::Email(e) => (Channel::Email, e.as_str().to_owned()),
            Login::Phone(p) => (Channel::Sms, p.as_str().to_owned()),
        };
        let texts = template_admin::texts(&app.db, edition_id, MessageKind::Receipt, lang).await?;
        let signature = app
            .identities()
            .await
            .for_edition(edition_id)
            .signature(lang);
        Ok(Some(Receipt {
            lang,
            channel,
            recipient,
            texts,
            signature,
        }))
    }

    /// Queues the receipt of `version`, in the submission's transaction.
    async fn send(
        self,
        tx: &mut Tx,
        (application, track): (&ApplicationRow, &TrackRow),
        reference: &str,
        version: i64,
        now: i64,
    ) -> DbResult<()> {
        let when = jiff::Timestamp::from_millisecond(now)
            .map(|t| i18n::format_instant(self.lang, t, &track.time_zone()))
            .unwrap_or_default();
        let values = Values::new(vec![
            ("reference", reference.to_owned()),
            ("track", track.name(self.lang)),
            ("when", when),
        ]);
        let (subject, mut body) = template_admin::fill(
            &self.texts,
            track.edition_id,
            MessageKind::Receipt,
            self.lang,
            self.channel,
            &values,
        );
        // An SMS stays short (and cheap): only an e-mail carries the signature.
        if self.channel == Channel::Email {
            body.push_str("\n\n— ");
            body.push_str(&self.signature);
        }
        let message = NewMessage {
            idempotency_key: format!("receipt:{}:{version}", application.id),
            channel: self.channel,
            recipient: self.recipient,
            subject,
            body,
            edition_id: Some(track.edition_id),
        };
        outbox::enqueue(tx, &message, now).await?;
        Ok(())
    }
}
