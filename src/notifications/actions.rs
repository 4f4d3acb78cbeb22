//! The organisers' settings of their messages, one use case each (the change and its audit
//! entry, in the caller's transaction): an edition's wording of a message, and whether its SMS
//! may lose the accents GSM-7 cannot carry.

use super::templates::{MessageKind, Texts};
use crate::audit;
use crate::calls::queries::EditionRow;
use crate::db::Tx;
use crate::domain::types::Lang;
use crate::run_tx;
use crate::web::error::AppResult;

/// One message of an edition, named by kind and language.
pub type Message<'a> = (&'a EditionRow, MessageKind, Lang);

/// Saves the organisers' wording of a message (`Some`) or puts back the default translation
/// (`None`), as loaded at `expected_version` (0: never saved). `false` when nothing was written:
/// someone saved it in between, or (for a reset) it already was the default.
pub async fn change_texts(
    tx: &mut Tx,
    (edition, kind, lang): Message<'_>,
    texts: Option<&Texts>,
    expected_version: i64,
    actor_id: i64,
    now: i64,
) -> AppResult<bool> {
    let written = match texts {
        Some(texts) => {
            let sql = if expected_version == 0 {
                "INSERT INTO message_templates (edition_id, kind, lang, subject, body, sms, \
                 version, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8) \
                 ON CONFLICT (edition_id, kind, lang) DO NOTHING"
            } else {
                "UPDATE message_templates SET subject = $4, body = $5, sms = $6, \
                 version = version + 1, updated_at = $7, updated_by = $8 \
                 WHERE edition_id = $1 AND kind = $2 AND lang = $3 AND version = $9"
            };
            run_tx!(tx, |conn| {
                let query = sqlx::query(sql)
                    .bind(edition.id)
                    .bind(kind.as_str())
                    .bind(lang.as_str())
                    .bind(&texts.subject)
                    .bind(&texts.body)
                    .bind(&texts.sms)
                    .bind(now)
                    .bind(actor_id);
                // The insert has no $9: PostgreSQL refuses a parameter it cannot type.
                let query = if expected_version == 0 {
                    query
                } else {
                    query.bind(expected_version)
                };
                query.execute(conn).await.map(|r| r.rows_affected())
            })?
        }
        None => {
            let sql = "UPDATE message_templates SET subject = NULL, body = NULL, sms = NULL, \
                       version = version + 1, updated_at = $4, updated_by = $5 \
                       WHERE edition_id = $1 AND kind = $2 AND lang = $3 AND version = $6 \
                       AND subject IS NOT NULL";
            run_tx!(tx, |conn| sqlx::query(sql)
                .bind(edition.id)
                .bind(kind.as_str())
                .bind(lang.as_str())
                .bind(now)
                .bind(actor_id)
                .bind(expected_version)
                .execute(conn)
                .await
                .map(|r| r.rows_affected()))?
        }
    };
    if written != 1 {
        return Ok(false);
    }
    audit::Entry::by(
        actor_id,
        audit::Action::MessageTemplateChanged,
        &format!("edition:{}", edition.slug),
        serde_json::json!({
            "kind": kind.as_str(),
            "lang": lang.as_str(),
            "version": expected_version + 1,
            "reset": texts.is_none(),
            "subject": texts.map(|x| &x.subject),
            "body": texts.map(|x| &x.body),
            "sms": texts.map(|x| &x.sms),
        }),
    )
    .append(tx, now)
    .await?;
    Ok(true)
}

/// Sets whether the edition's SMS may lose the accents GSM-7 cannot carry.
pub async fn set_sms_accents(
    tx: &mut Tx,
    edition: &EditionRow,
    strip: bool,
    actor_id: i64,
    now: i64,
) -> AppResult<()> {
    crate::outbox::set_strip_accents_in_sms(tx, edition.id, strip).await?;
    audit::Entry::by(
        actor_id,
        audit::Action::EditionSmsStripAccents,
        &format!("edition:{}", edition.slug),
        serde_json::json!({ "strip_accents": strip }),
    )
    .append(tx, now)
    .await?;
    Ok(())
}
