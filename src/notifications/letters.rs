//! A templated message to an applicant about their application — a decision, the shortlist's
//! outcome, the results: written once here for every stage that tells applicants something.

use super::template_admin;
use super::templates::{MessageKind, Values};
use crate::db::{DbResult, Tx};
use crate::domain::types::Lang;
use crate::outbox::{self, Channel, NewMessage};

/// Whom a letter goes to: the account's e-mail, else its phone, and its language.
pub struct Reader<'a> {
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub locale: &'a str,
}

/// One message of `kind` in the edition's wording in force, queued once per `idempotency_key`.
pub struct Letter<'a> {
    pub edition_id: i64,
    pub kind: MessageKind,
    pub to: Reader<'a>,
    pub values: Values,
    pub idempotency_key: String,
}

/// Composes `letter` in its reader's language and queues it in `tx` (nothing when the account
/// has no address). `postscript` may add to an e-mail's body; an SMS never gets one, as it
/// must stay short and cheap.
pub async fn send(
    tx: &mut Tx,
    letter: Letter<'_>,
    postscript: impl FnOnce(Lang) -> Option<String>,
    now: i64,
) -> DbResult<()> {
    let Some((channel, recipient)) = outbox::channel_for(letter.to.email, letter.to.phone) else {
        return Ok(());
    };
    let lang = Lang::parse(letter.to.locale).unwrap_or_default();
    let (subject, mut body) = template_admin::compose(
        tx,
        letter.edition_id,
        letter.kind,
        lang,
        channel,
        &letter.values,
    )
    .await?;
    if channel == Channel::Email {
        if let Some(postscript) = postscript(lang) {
            body.push_str("\n\n");
            body.push_str(&postscript);
        }
    }
    outbox::enqueue(
        tx,
        &NewMessage {
            idempotency_key: letter.idempotency_key,
            channel,
            recipient,
            subject,
            body,
            edition_id: Some(letter.edition_id),
        },
        now,
    )
    .await
}
