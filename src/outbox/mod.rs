//! The outbox: the messages a change causes, written in the change's own transaction.
//!
//! * [`enqueue`] writes an outbox row inside the caller's transaction, so the message exists
//!   if and only if the change that causes it commits. Nothing is sent from a request.
//! * The row's UNIQUE `idempotency_key` makes enqueueing idempotent: a second enqueue with the
//!   same key is a no-op, so one event never produces two messages.
//!
//! Like the audit log, it sits below every area: each use case writes its change, its audit
//! entry and its outbox row; `notifications` delivers the rows and shows them to organisers.

pub mod sms_text;

use std::fmt;

use crate::db::{Db, DbError, Tx};
use crate::domain::types::UnknownValue;

/// Outbox row statuses as stored.
pub(crate) const STATUS_PENDING: &str = "pending";
pub(crate) const STATUS_SENT: &str = "sent";
pub(crate) const STATUS_FAILED: &str = "failed";
pub(crate) const STATUS_UNCERTAIN: &str = "uncertain";

/// How a message reaches its recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    Email,
    Sms,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        match s {
            "email" => Some(Channel::Email),
            "sms" => Some(Channel::Sms),
            _ => None,
        }
    }
}

impl TryFrom<String> for Channel {
    type Error = UnknownValue;

    fn try_from(name: String) -> Result<Channel, UnknownValue> {
        Channel::parse(&name).ok_or(UnknownValue(name))
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where an outbox row stands. A row being delivered stays `Pending` with a lease.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutboxStatus {
    Pending,
    Sent,
    /// Gave up (permanent error or attempts exhausted); `last_error` says why.
    Failed,
    /// The delivery was interrupted (the server died while sending): it may have arrived or
    /// not. Never re-sent automatically.
    Uncertain,
}

impl OutboxStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxStatus::Pending => STATUS_PENDING,
            OutboxStatus::Sent => STATUS_SENT,
            OutboxStatus::Failed => STATUS_FAILED,
            OutboxStatus::Uncertain => STATUS_UNCERTAIN,
        }
    }

    pub fn parse(s: &str) -> Option<OutboxStatus> {
        match s {
            STATUS_PENDING => Some(OutboxStatus::Pending),
            STATUS_SENT => Some(OutboxStatus::Sent),
            STATUS_FAILED => Some(OutboxStatus::Failed),
            STATUS_UNCERTAIN => Some(OutboxStatus::Uncertain),
            _ => None,
        }
    }
}

impl TryFrom<String> for OutboxStatus {
    type Error = UnknownValue;

    fn try_from(name: String) -> Result<OutboxStatus, UnknownValue> {
        OutboxStatus::parse(&name).ok_or(UnknownValue(name))
    }
}

impl fmt::Display for OutboxStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A message to queue. `idempotency_key` names the event that causes it, e.g.
/// `application-submitted:APP-2025-0042:email`; enqueueing the same key twice queues once.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub idempotency_key: String,
    pub channel: Channel,
    /// An e-mail address, or a phone number in E.164 form (`+223…`).
    pub recipient: String,
    /// E-mail subject; ignored by the SMS transport.
    pub subject: String,
    /// Plain-text UTF-8 body.
    pub body: String,
    /// The edition the message is about: its organisers see it. `None` for account messages
    /// (codes), which only administrators see.
    pub edition_id: Option<i64>,
}

/// How to reach an account: its e-mail address, else its phone number, with the channel.
pub fn channel_for(email: Option<&str>, phone: Option<&str>) -> Option<(Channel, String)> {
    match (email, phone) {
        (Some(e), _) if !e.is_empty() => Some((Channel::Email, e.to_owned())),
        (_, Some(p)) if !p.is_empty() => Some((Channel::Sms, p.to_owned())),
        _ => None,
    }
}

/// What pages show in place of a secret (a code) held in a message body.
pub const SECRET_MASK: &str = "••••••";

/// Queues `msg` inside `tx`; it is delivered after the transaction commits.
///
/// A no-op when a message with the same idempotency key already exists (whatever its status).
/// Call `wake.notify_one()` on the worker's `Notify` after committing for prompt delivery;
/// otherwise the worker's poll picks it up within a second. An SMS body is prepared for the
/// network here (see [`sms_text::prepare`]) and its part count recorded.
pub async fn enqueue(tx: &mut Tx, msg: &NewMessage, now_ms: i64) -> Result<(), DbError> {
    insert(tx, msg, None, now_ms).await
}

/// Queues a message that carries `secret` (a code): pages only ever show it masked.
pub async fn enqueue_with_secret(
    tx: &mut Tx,
    msg: &NewMessage,
    secret: &str,
    now_ms: i64,
) -> Result<(), DbError> {
    insert(tx, msg, Some(secret), now_ms).await
}

async fn insert(
    tx: &mut Tx,
    msg: &NewMessage,
    secret: Option<&str>,
    now_ms: i64,
) -> Result<(), DbError> {
    let (body, sms_parts) = match msg.channel {
        Channel::Email => (msg.body.clone(), None),
        Channel::Sms => {
            let strip = match msg.edition_id {
                Some(edition_id) => strip_accents_in_sms(tx, edition_id).await?,
                None => false,
            };
            let (text, length) = sms_text::prepare(&msg.body, strip);
            if length.parts > 1 {
                tracing::info!(
                    idempotency_key = %msg.idempotency_key,
                    parts = length.parts,
                    encoding = ?length.encoding,
                    "SMS longer than one part"
                );
            }
            (text, i64::try_from(length.parts).ok())
        }
    };
    let masked_body = secret
        .filter(|s| !s.is_empty())
        .map(|s| body.replace(s, SECRET_MASK));
    crate::run_tx!(tx, |conn| {
        sqlx::query(
        "INSERT INTO outbox (idempotency_key, channel, recipient, subject, body, status, \
                             attempts, next_attempt_at, created_at, edition_id, masked_body, sms_parts) \
         VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $6, $7, $8, $9) \
         ON CONFLICT (idempotency_key) DO NOTHING"
    )
    .bind(&msg.idempotency_key)
    .bind(msg.channel.as_str())
    .bind(&msg.recipient)
    .bind(&msg.subject)
    .bind(&body)
    .bind(now_ms)
    .bind(msg.edition_id)
    .bind(&masked_body)
    .bind(sms_parts)
    .execute(conn)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// The organisers' setting: may SMS texts of this edition lose the accents GSM-7 cannot carry?
pub async fn strip_accents_in_sms(tx: &mut Tx, edition_id: i64) -> Result<bool, DbError> {
    let strip: Option<bool> = crate::run_tx!(tx, |conn| sqlx::query_scalar(
        "SELECT sms_strip_accents FROM editions WHERE id = $1"
    )
    .bind(edition_id)
    .fetch_optional(conn)
    .await)?;
    Ok(strip.unwrap_or(false))
}

/// The editions whose SMS may lose the accents GSM-7 cannot carry.
pub async fn editions_stripping_accents(db: &Db) -> Result<Vec<i64>, DbError> {
    let ids: Vec<i64> = crate::run!(db, |pool| sqlx::query_scalar(
        "SELECT id FROM editions WHERE sms_strip_accents"
    )
    .fetch_all(pool)
    .await)?;
    Ok(ids)
}

/// Sets the organisers' SMS accent setting of an edition.
pub async fn set_strip_accents_in_sms(
    tx: &mut Tx,
    edition_id: i64,
    strip: bool,
) -> Result<(), DbError> {
    crate::run_tx!(tx, |conn| sqlx::query(
        "UPDATE editions SET sms_strip_accents = $2 WHERE id = $1"
    )
    .bind(edition_id)
    .bind(strip)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// One outbox row, for the organisers' page; channel and status decoded when read.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OutboxEntry {
    pub id: i64,
    pub idempotency_key: String,
    #[sqlx(try_from = "String")]
    pub channel: Channel,
    pub recipient: String,
    pub subject: String,
    /// The body as pages may show it: a secret it carries (a code) is masked.
    pub body: String,
    #[sqlx(try_from = "String")]
    pub status: OutboxStatus,
    /// Delivery attempts started so far (incremented when a worker claims the row).
    pub attempts: i64,
    pub next_attempt_at: i64,
    /// Lease of the worker delivering it right now, if any.
    pub locked_until: Option<i64>,
    /// Error of the latest failed attempt (kept after a later success, for the record).
    pub last_error: Option<String>,
    /// `smtp`, `sms_http` or `log`: the transport of the latest attempt.
    pub transport: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    /// `None` for account messages.
    pub edition_id: Option<i64>,
    /// Parts of an SMS as counted before sending.
    pub sms_parts: Option<i64>,
}

impl OutboxEntry {
    /// Given up or interrupted: an organiser may [`resend`] it.
    pub fn needs_organiser(&self) -> bool {
        matches!(self.status, OutboxStatus::Failed | OutboxStatus::Uncertain)
    }
}

// The stored body of a message with a secret never leaves the database for a page.
const ENTRY_COLUMNS: &str = "id, idempotency_key, channel, recipient, subject, \
     COALESCE(masked_body, body) AS body, status, attempts, next_attempt_at, locked_until, \
     last_error, transport, created_at, sent_at, edition_id, sms_parts";

/// Who looks at the outbox: administrators see every message; organisers see the messages
/// of the editions they organise, never account messages.
#[derive(Debug, Clone, Copy)]
pub struct Viewer {
    pub user_id: i64,
    pub is_admin: bool,
}

const VISIBLE_TO: &str = "($2 OR edition_id IN (SELECT g.edition_id FROM role_grants g \
     WHERE g.user_id = $3 AND g.role = 'organiser'))";

/// The `limit` most recent messages, newest first, whoever they concern.
#[cfg(test)]
pub(crate) async fn recent(db: &Db, limit: i64) -> Result<Vec<OutboxEntry>, DbError> {
    let sql = format!("SELECT {ENTRY_COLUMNS} FROM outbox ORDER BY id DESC LIMIT $1");
    let rows: Vec<OutboxEntry> = crate::run!(db, |pool| sqlx::query_as(&sql)
        .bind(limit)
        .fetch_all(pool)
        .await)?;
    Ok(rows)
}

/// The `limit` most recent messages `viewer` may see, newest first.
pub async fn recent_visible(
    db: &Db,
    viewer: Viewer,
    limit: i64,
) -> Result<Vec<OutboxEntry>, DbError> {
    let sql =
        format!("SELECT {ENTRY_COLUMNS} FROM outbox WHERE {VISIBLE_TO} ORDER BY id DESC LIMIT $1");
    let rows: Vec<OutboxEntry> = crate::run!(db, |pool| sqlx::query_as(&sql)
        .bind(limit)
        .bind(viewer.is_admin)
        .bind(viewer.user_id)
        .fetch_all(pool)
        .await)?;
    Ok(rows)
}

/// The message with this id, if any.
pub async fn get(db: &Db, id: i64) -> Result<Option<OutboxEntry>, DbError> {
    let sql = format!("SELECT {ENTRY_COLUMNS} FROM outbox WHERE id = $1");
    let row: Option<OutboxEntry> = crate::run!(db, |pool| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await)?;
    Ok(row)
}

/// The message queued under this idempotency key, if any.
pub async fn find_by_key(db: &Db, idempotency_key: &str) -> Result<Option<OutboxEntry>, DbError> {
    let sql = format!("SELECT {ENTRY_COLUMNS} FROM outbox WHERE idempotency_key = $1");
    let row: Option<OutboxEntry> = crate::run!(db, |pool| sqlx::query_as(&sql)
        .bind(idempotency_key)
        .fetch_optional(pool)
        .await)?;
    Ok(row)
}

/// Number of messages not yet delivered nor given up (for metrics).
pub async fn backlog(db: &Db) -> Result<i64, DbError> {
    let n: i64 = crate::run!(db, |pool| sqlx::query_scalar(
        "SELECT COUNT(*) FROM outbox WHERE status = 'pending'"
    )
    .fetch_one(pool)
    .await)?;
    Ok(n)
}

/// Puts a failed or uncertain message `viewer` may see back in the queue, due now, with a
/// fresh set of attempts (an organiser clicked "retry" or "send again"). `last_error` is kept
/// until the next attempt. Returns false when no such message is visible to `viewer`.
pub async fn resend(db: &Db, id: i64, viewer: Viewer, now_ms: i64) -> Result<bool, DbError> {
    let sql = format!(
        "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = $1, \
                locked_until = NULL \
         WHERE id = $4 AND status IN ('failed', 'uncertain') AND {VISIBLE_TO}"
    );
    let done = crate::run_write!(db, |pool| sqlx::query(&sql)
        .bind(now_ms)
        .bind(viewer.is_admin)
        .bind(viewer.user_id)
        .bind(id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(done > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::both_engines;

    fn msg(key: &str) -> NewMessage {
        NewMessage {
            idempotency_key: key.to_owned(),
            channel: Channel::Email,
            recipient: "awa@example.ml".to_owned(),
            subject: "Candidature reçue".to_owned(),
            body: "Bonjour Awa, votre dossier est bien arrivé.".to_owned(),
            edition_id: None,
        }
    }

    const ADMIN: Viewer = Viewer {
        user_id: 0,
        is_admin: true,
    };

    async fn enqueue_is_idempotent(db: Db) {
        let mut tx = db.begin().await.expect("begin");
        enqueue(&mut tx, &msg("k1"), 1_000).await.expect("enqueue");
        enqueue(&mut tx, &msg("k1"), 1_001)
            .await
            .expect("enqueue again, same tx");
        tx.commit().await.expect("commit");
        let mut tx = db.begin().await.expect("begin");
        let mut other = msg("k1");
        other.body = "changed".into();
        enqueue(&mut tx, &other, 2_000)
            .await
            .expect("enqueue again, other tx");
        tx.commit().await.expect("commit");

        let rows = recent(&db, 10).await.expect("recent");
        assert_eq!(rows.len(), 1);
        let e = &rows[0];
        assert_eq!(e.idempotency_key, "k1");
        assert_eq!(e.channel, Channel::Email);
        assert_eq!(e.channel, Channel::Email);
        assert_eq!(e.status, OutboxStatus::Pending);
        assert!(!e.needs_organiser());
        assert_eq!(e.body, "Bonjour Awa, votre dossier est bien arrivé.");
        assert_eq!(
            (e.attempts, e.next_attempt_at, e.created_at),
            (0, 1_000, 1_000)
        );
        assert_eq!(backlog(&db).await.expect("backlog"), 1);
        assert_eq!(get(&db, e.id).await.expect("get").as_ref(), Some(e));
    }
    both_engines!(enqueue_is_idempotent);

    async fn rolled_back_enqueue_leaves_nothing(db: Db) {
        let mut tx = db.begin().await.expect("begin");
        enqueue(&mut tx, &msg("k-rollback"), 1_000)
            .await
            .expect("enqueue");
        drop(tx); // rolled back, as when the causing change fails
        assert!(recent(&db, 10).await.expect("recent").is_empty());
        assert_eq!(backlog(&db).await.expect("backlog"), 0);
    }
    both_engines!(rolled_back_enqueue_leaves_nothing);

    async fn resend_only_touches_failed_or_uncertain(db: Db) {
        let mut tx = db.begin().await.expect("begin");
        enqueue(&mut tx, &msg("k-retry"), 1_000)
            .await
            .expect("enqueue");
        tx.commit().await.expect("commit");
        let e = find_by_key(&db, "k-retry")
            .await
            .expect("find")
            .expect("row");
        assert!(!resend(&db, e.id, ADMIN, 5_000)
            .await
            .expect("retry pending"));
        crate::run_write!(&db, |pool| sqlx::query(
            "UPDATE outbox SET status = 'failed', attempts = 8, last_error = 'boom' WHERE id = $1"
        )
        .bind(e.id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))
        .expect("fail it");
        assert_eq!(backlog(&db).await.expect("backlog"), 0);
        assert!(get(&db, e.id)
            .await
            .expect("get")
            .expect("row")
            .needs_organiser());
        let organiser = Viewer {
            user_id: 1,
            is_admin: false,
        };
        assert!(
            !resend(&db, e.id, organiser, 5_000)
                .await
                .expect("retry by an organiser"),
            "an account message is not an organiser's to retry"
        );
        assert!(resend(&db, e.id, ADMIN, 5_000).await.expect("retry failed"));
        let e = get(&db, e.id).await.expect("get").expect("row");
        assert_eq!(e.status, OutboxStatus::Pending);
        assert_eq!((e.attempts, e.next_attempt_at), (0, 5_000));
        assert_eq!(e.last_error.as_deref(), Some("boom"));
        assert_eq!(backlog(&db).await.expect("backlog"), 1);
    }
    both_engines!(resend_only_touches_failed_or_uncertain);

    async fn a_secret_is_delivered_but_never_shown(db: Db) {
        let mut m = msg("code:1");
        m.channel = Channel::Sms;
        m.recipient = "+22370000001".into();
        m.body = "Kènè : votre code est 042917 (15 min).".into();
        let mut tx = db.begin().await.expect("begin");
        enqueue_with_secret(&mut tx, &m, "042917", 1_000)
            .await
            .expect("enqueue");
        tx.commit().await.expect("commit");
        let shown = find_by_key(&db, "code:1")
            .await
            .expect("find")
            .expect("row");
        assert_eq!(shown.body, "Kènè : votre code est •••••• (15 min).");
        assert_eq!(shown.sms_parts, Some(1));
        let listed = recent_visible(&db, ADMIN, 10).await.expect("recent");
        assert!(listed.iter().all(|e| !e.body.contains("042917")));
        let claimed = crate::notifications::worker::claim(&db, 1_000, 1_000)
            .await
            .expect("claim")
            .expect("due");
        assert_eq!(claimed.body, m.body, "the recipient gets the code");
    }
    both_engines!(a_secret_is_delivered_but_never_shown);
}
