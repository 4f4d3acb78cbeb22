//! The delivery worker: claims due outbox rows with a lease and hands them to a transport.
//!
//! Claiming is one `UPDATE … RETURNING` that takes a lease (`locked_until`) and counts the
//! attempt; its WHERE clause re-checks status and lease, so two claimers (worker tasks or app
//! instances) never hold the same row. On PostgreSQL the candidate is picked with
//! `FOR UPDATE SKIP LOCKED`, so concurrent claimers take different rows instead of queueing
//! on one. The lease is short and renewed while the delivery runs.
//!
//! A row whose lease ran out belongs to a worker that died mid-delivery: the gateway may or
//! may not have taken the message, and nobody can tell. Such a row is never sent again by
//! itself (a second receipt or code is what applicants must never get); it is set aside as
//! `uncertain` for an organiser to resend from `/admin/outbox`. A process that holds the
//! SQLite data directory's lock knows every lease is a dead worker's, and sets them aside at
//! once when it starts.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::email::{self, EmailTransport};
use super::sms::{self, SmsTransport};
use super::{DeliveryError, TransportError};
use crate::clock::Clock;
use crate::config::notifications::NotifyConfig;
use crate::db::{Db, DbError};
use crate::outbox::{Channel, STATUS_FAILED, STATUS_PENDING, STATUS_UNCERTAIN};

/// After this many attempts a temporary failure becomes final (status `failed`).
pub const MAX_ATTEMPTS: i64 = 8;
/// How long a claim is held without renewal: a crashed worker's message is set aside as
/// uncertain after this. A live worker renews it every [`LEASE_RENEWAL`] while the transport
/// works (SMTP commands may take 30 s each), so it never loses its row.
pub const LEASE_MS: i64 = 45 * 1000;
/// How often a delivering worker renews its lease (a third of it: two renewals may be late).
pub const LEASE_RENEWAL: Duration = Duration::from_secs(15);
/// The worker looks for due messages at least this often (retries become due with time).
pub const POLL_INTERVAL: Duration = Duration::from_secs(1);

/// How often the running worker looks for deliveries whose lease ran out.
const SET_ASIDE_EVERY_MS: i64 = 15 * 1000;
/// Value of `outbox.transport` for messages written to the log.
pub const LOG_TRANSPORT: &str = "log";

const FIRST_BACKOFF_MS: i64 = 30 * 1000;
const MAX_BACKOFF_MS: i64 = 60 * 60 * 1000;
const MAX_ERROR_LEN: usize = 1000;

/// Delay before the next attempt after `attempts` failed ones: 30 s, 2 min, 8 min, 32 min,
/// then one hour.
pub fn backoff_ms(attempts: i64) -> i64 {
    let exponent = u32::try_from(attempts.saturating_sub(1).clamp(0, 16)).unwrap_or(16);
    FIRST_BACKOFF_MS
        .saturating_mul(4_i64.saturating_pow(exponent))
        .min(MAX_BACKOFF_MS)
}

/// The configured transports; a channel without one is written to the log.
#[derive(Debug, Clone, Default)]
pub struct Transports {
    pub email: Option<EmailTransport>,
    pub sms: Option<SmsTransport>,
}

impl Transports {
    /// Builds the transports of `config`. Call it at start-up to reject a bad configuration
    /// early; [`spawn_worker`] builds its own.
    pub fn from_config(config: &NotifyConfig) -> Result<Transports, TransportError> {
        Ok(Transports {
            email: config.smtp.as_ref().map(EmailTransport::new).transpose()?,
            sms: config.sms.as_ref().map(SmsTransport::new).transpose()?,
        })
    }

    /// Everything goes to the log (demo instances, tests).
    pub fn log_only() -> Transports {
        Transports::default()
    }

    async fn deliver(&self, m: &Claimed) -> (&'static str, Result<(), DeliveryError>) {
        match (Channel::parse(&m.channel), &self.email, &self.sms) {
            (Some(Channel::Email), Some(smtp), _) => (
                email::TRANSPORT,
                smtp.send(&m.idempotency_key, &m.recipient, &m.subject, &m.body)
                    .await,
            ),
            (Some(Channel::Sms), _, Some(gateway)) => (
                sms::TRANSPORT,
                gateway
                    .send(&m.idempotency_key, &m.recipient, &m.body)
                    .await,
            ),
            (Some(channel), _, _) => {
                tracing::info!(
                    transport = LOG_TRANSPORT,
                    outbox_id = m.id,
                    %channel,
                    recipient = %m.recipient,
                    subject = %m.subject,
                    idempotency_key = %m.idempotency_key,
                    body = %m.body,
                    "notification (no {channel} transport configured)"
                );
                (LOG_TRANSPORT, Ok(()))
            }
            (None, _, _) => (
                "none",
                Err(DeliveryError::Permanent(format!(
                    "unknown channel {:?}",
                    m.channel
                ))),
            ),
        }
    }
}

/// A row claimed for delivery; `attempts` already counts this attempt and fences the
/// outcome update against a later claimer of the same row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct Claimed {
    pub id: i64,
    pub idempotency_key: String,
    pub channel: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub attempts: i64,
}

const CLAIM_SQL: &str = "UPDATE outbox SET locked_until = $1, attempts = attempts + 1 \
     WHERE id = (SELECT id FROM outbox \
                 WHERE status = 'pending' AND next_attempt_at <= $2 AND locked_until IS NULL \
                 ORDER BY id LIMIT 1) \
       AND status = 'pending' AND locked_until IS NULL \
     RETURNING id, idempotency_key, channel, recipient, subject, body, attempts";

// Same statement; the candidate row is locked, skipping rows another claimer holds.
const CLAIM_SQL_PG: &str = "UPDATE outbox SET locked_until = $1, attempts = attempts + 1 \
     WHERE id = (SELECT id FROM outbox \
                 WHERE status = 'pending' AND next_attempt_at <= $2 AND locked_until IS NULL \
                 ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) \
       AND status = 'pending' AND locked_until IS NULL \
     RETURNING id, idempotency_key, channel, recipient, subject, body, attempts";

/// What `last_error` says of a message set aside after an interrupted delivery.
pub const INTERRUPTED: &str =
    "delivery interrupted (the server stopped while sending): it may or may not have arrived";

/// Sets aside as `uncertain` the rows whose lease ended before `lease_ended_before` (pass
/// `i64::MAX` when no other worker can be alive); returns how many.
pub(crate) async fn set_aside_interrupted(
    db: &Db,
    lease_ended_before: i64,
) -> Result<u64, DbError> {
    let n = crate::run_write!(db, |pool| sqlx::query(
        "UPDATE outbox SET status = $1, locked_until = NULL, last_error = $2 \
         WHERE status = 'pending' AND locked_until IS NOT NULL AND locked_until < $3"
    )
    .bind(STATUS_UNCERTAIN)
    .bind(INTERRUPTED)
    .bind(lease_ended_before)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    if n > 0 {
        tracing::warn!(
            messages = n,
            "interrupted deliveries set aside as uncertain; resend them from /admin/outbox"
        );
    }
    Ok(n)
}

/// Claims the oldest due message, if any, for `lease_ms`.
pub(crate) async fn claim(db: &Db, now_ms: i64, lease_ms: i64) -> Result<Option<Claimed>, DbError> {
    // Looked for with a read first: on SQLite a claim that finds nothing would still wait its
    // turn at the single writer, and in a rush every receipt wakes the worker.
    let due: Option<i64> = crate::run!(db, |pool| sqlx::query_scalar(
        "SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1 \
         AND locked_until IS NULL LIMIT 1"
    )
    .bind(now_ms)
    .fetch_optional(pool)
    .await)?;
    if due.is_none() {
        return Ok(None);
    }
    let sql = if db.is_postgres() {
        CLAIM_SQL_PG
    } else {
        CLAIM_SQL
    };
    let claimed: Option<Claimed> = crate::run_write!(db, |pool| sqlx::query_as(sql)
        .bind(now_ms.saturating_add(lease_ms))
        .bind(now_ms)
        .fetch_optional(pool)
        .await)?;
    Ok(claimed)
}

/// Extends the lease of a row this worker still holds (fenced on `attempts`).
async fn renew(db: &Db, m: &Claimed, locked_until: i64) -> Result<(), DbError> {
    crate::run_write!(db, |pool| {
        sqlx::query(
        "UPDATE outbox SET locked_until = $1 WHERE id = $2 AND attempts = $3 AND status = 'pending'"
    )
    .bind(locked_until)
    .bind(m.id)
    .bind(m.attempts)
    .execute(pool)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Records a delivery, also over an `uncertain` mark set while this worker was stalled: it
/// did arrive.
async fn mark_sent(db: &Db, m: &Claimed, now_ms: i64, transport: &str) -> Result<(), DbError> {
    crate::run_write!(db, |pool| sqlx::query(
        "UPDATE outbox SET status = 'sent', sent_at = $1, transport = $2, locked_until = NULL \
         WHERE id = $3 AND attempts = $4 AND status IN ('pending', 'uncertain')"
    )
    .bind(now_ms)
    .bind(transport)
    .bind(m.id)
    .bind(m.attempts)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Records a failed attempt: `status` is `pending` (retry at `next_attempt_at`) or `failed`.
/// Fenced on `attempts` so that a stale worker cannot overwrite a newer attempt's outcome.
async fn mark_failure(
    db: &Db,
    m: &Claimed,
    status: &str,
    next_attempt_at: i64,
    transport: &str,
    error: &str,
) -> Result<(), DbError> {
    let error = truncate(error, MAX_ERROR_LEN);
    crate::run_write!(db, |pool| sqlx::query(
        "UPDATE outbox SET status = $1, next_attempt_at = $2, last_error = $3, transport = $4, \
                locked_until = NULL \
         WHERE id = $5 AND status = 'pending' AND attempts = $6"
    )
    .bind(status)
    .bind(next_attempt_at)
    .bind(error)
    .bind(transport)
    .bind(m.id)
    .bind(m.attempts)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Claims and delivers one due message. Returns false when none is due.
pub async fn deliver_one(
    db: &Db,
    clock: &dyn Clock,
    transports: &Transports,
) -> Result<bool, DbError> {
    deliver_one_renewing(db, clock, transports, LEASE_RENEWAL).await
}

async fn deliver_one_renewing(
    db: &Db,
    clock: &dyn Clock,
    transports: &Transports,
    renew_every: Duration,
) -> Result<bool, DbError> {
    let Some(m) = claim(db, clock.now_ms(), LEASE_MS).await? else {
        return Ok(false);
    };
    // The message was committed with what it tells of (a receipt with its submission): on
    // disk before it leaves, so that a power cut cannot take back what the message says.
    db.flushed().await?;
    let (transport, result) = {
        let delivery = transports.deliver(&m);
        tokio::pin!(delivery);
        let mut renewals = tokio::time::interval(renew_every);
        renewals.tick().await; // the first tick is immediate; the claim just set the lease
        loop {
            tokio::select! {
                outcome = &mut delivery => break outcome,
                _ = renewals.tick() => {
                    if let Err(error) = renew(db, &m, clock.now_ms().saturating_add(LEASE_MS)).await {
                        tracing::warn!(outbox_id = m.id, %error, "could not renew the delivery lease");
                    }
                }
            }
        }
    };
    let now = clock.now_ms();
    match result {
        Ok(()) => {
            tracing::debug!(outbox_id = m.id, transport, "notification sent");
            mark_sent(db, &m, now, transport).await?;
        }
        Err(DeliveryError::Temporary(e)) if m.attempts < MAX_ATTEMPTS => {
            let next = now.saturating_add(backoff_ms(m.attempts));
            tracing::warn!(
                outbox_id = m.id,
                transport,
                attempts = m.attempts,
                retry_at_ms = next,
                error = %e,
                "notification delivery failed; will retry"
            );
            mark_failure(db, &m, STATUS_PENDING, next, transport, &e).await?;
        }
        Err(DeliveryError::Temporary(e) | DeliveryError::Permanent(e)) => {
            tracing::warn!(
                outbox_id = m.id,
                transport,
                attempts = m.attempts,
                error = %e,
                "notification delivery failed; giving up"
            );
            mark_failure(db, &m, STATUS_FAILED, now, transport, &e).await?;
        }
    }
    Ok(true)
}

/// Sets aside the deliveries whose lease ran out, then delivers every message due now, one
/// after the other; returns how many were attempted.
pub async fn deliver_due(
    db: &Db,
    clock: &dyn Clock,
    transports: &Transports,
) -> Result<usize, DbError> {
    set_aside_interrupted(db, clock.now_ms()).await?;
    let mut attempted = 0;
    while deliver_one(db, clock, transports).await? {
        attempted += 1;
    }
    Ok(attempted)
}

/// Runs the delivery loop until `shutdown` is cancelled: delivers due messages until none is
/// left, then sleeps until `wake` is notified (call `notify_one()` after committing an
/// enqueue), [`POLL_INTERVAL`] passes, or shutdown. An in-flight delivery is finished
/// before stopping. Several workers, in one process or many, may run against one database.
///
/// With an invalid transport configuration nothing is delivered (messages stay queued, an
/// error is logged); use [`Transports::from_config`] at start-up to refuse to start instead.
///
/// `sole_worker`: no other process can deliver from this database (the SQLite data
/// directory's lock is held), so every lease found at start is a dead worker's.
pub fn spawn_worker(
    db: Db,
    clock: Arc<dyn Clock>,
    config: NotifyConfig,
    wake: Arc<Notify>,
    shutdown: CancellationToken,
    sole_worker: bool,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let transports = match Transports::from_config(&config) {
            Ok(t) => t,
            Err(e) => {
                tracing::error!(error = %e, "notification worker not started; messages stay queued");
                shutdown.cancelled().await;
                return;
            }
        };
        tracing::info!(
            email = if transports.email.is_some() {
                email::TRANSPORT
            } else {
                LOG_TRANSPORT
            },
            sms = if transports.sms.is_some() {
                sms::TRANSPORT
            } else {
                LOG_TRANSPORT
            },
            "notification worker started"
        );
        if sole_worker {
            if let Err(e) = set_aside_interrupted(&db, i64::MAX).await {
                tracing::warn!(error = %e, "notification worker: database error");
            }
        }
        let mut set_aside_at = i64::MIN;
        while !shutdown.is_cancelled() {
            // A lease ends 45 s after its last renewal: looking every 15 s is soon enough,
            // and spares the single SQLite writer a statement per wake-up in a rush.
            let now = clock.now_ms();
            if now.saturating_sub(set_aside_at) >= SET_ASIDE_EVERY_MS {
                set_aside_at = now;
                if let Err(e) = set_aside_interrupted(&db, now).await {
                    tracing::warn!(error = %e, "notification worker: database error");
                }
            }
            loop {
                if shutdown.is_cancelled() {
                    break;
                }
                match deliver_one(&db, clock.as_ref(), &transports).await {
                    Ok(true) => {}
                    Ok(false) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "notification worker: database error");
                        break;
                    }
                }
            }
            tokio::select! {
                _ = shutdown.cancelled() => {}
                _ = wake.notified() => {}
                _ = tokio::time::sleep(POLL_INTERVAL) => {}
            }
        }
        tracing::info!("notification worker stopped");
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use jiff::{SignedDuration, Timestamp};

    use super::*;
    use crate::clock::ManualClock;
    use crate::config::notifications::{SmsConfig, SmtpConfig, SmtpTls};
    use crate::db::testing::both_engines;
    use crate::notifications::sinks::{start_sms_recorder, start_smtp_sink, SmsRecorder};
    use crate::outbox::{backlog, enqueue, find_by_key, recent, resend, NewMessage, OutboxStatus};

    const WAIT: Duration = Duration::from_secs(10);

    fn clock() -> ManualClock {
        ManualClock::new(Timestamp::from_second(1_760_000_000).expect("timestamp"))
    }

    fn sms_msg(key: &str) -> NewMessage {
        NewMessage {
            idempotency_key: key.to_owned(),
            channel: Channel::Sms,
            recipient: "+22370000001".to_owned(),
            subject: String::new(),
            body: "Kènè : votre code est 123456".to_owned(),
            edition_id: None,
        }
    }

    async fn put(db: &Db, msg: &NewMessage, now_ms: i64) {
        let mut tx = db.begin().await.expect("begin");
        enqueue(&mut tx, msg, now_ms).await.expect("enqueue");
        tx.commit().await.expect("commit");
    }

    async fn sms_transports() -> (Transports, SmsRecorder) {
        let (url, recorder) = start_sms_recorder().await;
        let transports = Transports::from_config(&NotifyConfig {
            smtp: None,
            sms: Some(SmsConfig {
                url,
                token: Some("gateway-token".into()),
                sender: Some("KENE".into()),
            }),
        })
        .expect("sms transport");
        (transports, recorder)
    }

    async fn entry(db: &Db, key: &str) -> crate::outbox::OutboxEntry {
        find_by_key(db, key)
            .await
            .expect("find")
            .expect("row exists")
    }

    #[test]
    fn backoff_schedule() {
        let mins: Vec<i64> = (1..=8).map(backoff_ms).collect();
        assert_eq!(
            mins,
            [30_000, 120_000, 480_000, 1_920_000, 3_600_000, 3_600_000, 3_600_000, 3_600_000]
        );
        assert_eq!(backoff_ms(0), 30_000);
        assert_eq!(backoff_ms(i64::MAX), MAX_BACKOFF_MS);
    }

    async fn same_key_twice_delivers_once(db: Db) {
        let clock = clock();
        let (transports, recorder) = sms_transports().await;
        put(&db, &sms_msg("otp:1"), clock.now_ms()).await;
        put(&db, &sms_msg("otp:1"), clock.now_ms()).await;
        assert_eq!(recent(&db, 10).await.expect("recent").len(), 1);
        assert_eq!(
            deliver_due(&db, &clock, &transports)
                .await
                .expect("deliver"),
            1
        );
        // After delivery too, the same event cannot queue a second message.
        put(&db, &sms_msg("otp:1"), clock.now_ms()).await;
        clock.advance(SignedDuration::from_hours(2));
        assert_eq!(
            deliver_due(&db, &clock, &transports)
                .await
                .expect("deliver"),
            0
        );
        assert_eq!(recorder.requests().len(), 1);
        let e = entry(&db, "otp:1").await;
        assert_eq!(e.status, OutboxStatus::Sent);
        assert_eq!(e.attempts, 1);
    }
    both_engines!(same_key_twice_delivers_once);

    async fn smtp_delivery(db: Db) {
        let clock = clock();
        let (port, sink) = start_smtp_sink().await;
        let transports = Transports::from_config(&NotifyConfig {
            smtp: Some(SmtpConfig {
                host: "127.0.0.1".into(),
                port,
                username: None,
                password: None,
                from: "Kènè <no-reply@example.org>".into(),
                tls: SmtpTls::None,
            }),
            sms: None,
        })
        .expect("smtp transport");
        let body = "Bonjour Aïssata,\n\nVotre candidature « Sènè numérique » a été reçue.\n\
                    Référence : SNM-2025-0042.\n\n— L’équipe Kènè\n";
        let subject = "Candidature reçue — Semaine du numérique à Bamako, édition 2025 (référence SNM-2025-0042)";
        let msg = NewMessage {
            idempotency_key: "application-submitted:SNM-2025-0042".into(),
            channel: Channel::Email,
            recipient: "Aïssata Traoré <aissata@example.ml>".into(),
            subject: subject.into(),
            body: body.into(),
            edition_id: None,
        };
        put(&db, &msg, clock.now_ms()).await;
        assert_eq!(
            deliver_due(&db, &clock, &transports)
                .await
                .expect("deliver"),
            1
        );

        let mails = sink.wait_for(1, WAIT).await;
        assert_eq!(mails.len(), 1);
        let m = &mails[0];
        assert_eq!(m.rcpt_to, ["aissata@example.ml"]);
        assert_eq!(m.mail_from, "no-reply@example.org");
        assert_eq!(m.subject, subject);
        assert_eq!(m.body, body);
        assert!(
            m.header("From").unwrap_or("").contains("Kènè"),
            "{:?}",
            m.header("From")
        );
        assert!(
            m.header("Content-Type")
                .unwrap_or("")
                .contains("charset=utf-8"),
            "{:?}",
            m.header("Content-Type")
        );
        let from = "Kènè <no-reply@example.org>".parse().expect("mailbox");
        assert_eq!(
            m.header("Message-ID"),
            Some(email::message_id(&msg.idempotency_key, &from).as_str())
        );
        let e = entry(&db, &msg.idempotency_key).await;
        assert_eq!(e.status, OutboxStatus::Sent);
        assert_eq!(e.transport.as_deref(), Some(email::TRANSPORT));
        assert_eq!(e.sent_at, Some(clock.now_ms()));
        assert_eq!(e.locked_until, None);

        // SMTP 5xx is permanent, 4xx is retried.
        let mut bad = msg.clone();
        bad.idempotency_key = "k-550".into();
        put(&db, &bad, clock.now_ms()).await;
        let mut later = msg.clone();
        later.idempotency_key = "k-451".into();
        put(&db, &later, clock.now_ms()).await;
        sink.set_rcpt_reply(Some("550 5.1.1 no such user"));
        assert!(deliver_one(&db, &clock, &transports)
            .await
            .expect("deliver"));
        sink.set_rcpt_reply(Some("451 4.3.0 try again later"));
        assert!(deliver_one(&db, &clock, &transports)
            .await
            .expect("deliver"));
        let e = entry(&db, "k-550").await;
        assert_eq!(e.status, OutboxStatus::Failed);
        assert!(
            e.last_error
                .as_deref()
                .unwrap_or("")
                .contains("no such user"),
            "{e:?}"
        );
        let e = entry(&db, "k-451").await;
        assert_eq!(e.status, OutboxStatus::Pending);
        assert_eq!(e.next_attempt_at, clock.now_ms() + 30_000);
        assert!(
            e.last_error.as_deref().unwrap_or("").contains("try again"),
            "{e:?}"
        );
        assert_eq!(sink.messages().len(), 1);
    }
    both_engines!(smtp_delivery);

    async fn sms_delivery(db: Db) {
        let clock = clock();
        let (transports, recorder) = sms_transports().await;
        put(&db, &sms_msg("otp:42"), clock.now_ms()).await;
        assert_eq!(
            deliver_due(&db, &clock, &transports)
                .await
                .expect("deliver"),
            1
        );
        let reqs = recorder.wait_for(1, WAIT).await;
        assert_eq!(reqs.len(), 1);
        let r = &reqs[0];
        assert_eq!(r.method, "POST");
        assert_eq!(r.path, "/send");
        assert_eq!(r.header("authorization"), Some("Bearer gateway-token"));
        assert_eq!(r.header("idempotency-key"), Some("otp:42"));
        assert!(r
            .header("content-type")
            .unwrap_or("")
            .starts_with("application/json"));
        assert_eq!(
            r.json,
            serde_json::json!({
                "to": "+22370000001",
                "from": "KENE",
                "text": "Kènè : votre code est 123456",
                "idempotency_key": "otp:42",
            })
        );
        let e = entry(&db, "otp:42").await;
        assert_eq!(e.status, OutboxStatus::Sent);
        assert_eq!(e.transport.as_deref(), Some(sms::TRANSPORT));
    }
    both_engines!(sms_delivery);

    async fn gateway_500_is_retried_with_backoff(db: Db) {
        let clock = clock();
        let (transports, recorder) = sms_transports().await;
        recorder.set_status(500);
        let t0 = clock.now_ms();
        put(&db, &sms_msg("otp:500"), t0).await;

        assert_eq!(
            deliver_due(&db, &clock, &transports)
                .await
                .expect("deliver"),
            1
        );
        let e = entry(&db, "otp:500").await;
        assert_eq!(e.status, OutboxStatus::Pending);
        assert_eq!(
            (e.attempts, e.next_attempt_at, e.locked_until),
            (1, t0 + 30_000, None)
        );
        assert!(
            e.last_error.as_deref().unwrap_or("").contains("500"),
            "{e:?}"
        );
        assert_eq!(e.transport.as_deref(), Some(sms::TRANSPORT));
        assert_eq!(backlog(&db).await.expect("backlog"), 1);

        // Not due before the backoff elapses.
        clock.advance(SignedDuration::from_secs(29));
        assert_eq!(
            deliver_due(&db, &clock, &transports)
                .await
                .expect("deliver"),
            0
        );
        clock.advance(SignedDuration::from_secs(1));
        assert_eq!(
            deliver_due(&db, &clock, &transports)
                .await
                .expect("deliver"),
            1
        );
        let e = entry(&db, "otp:500").await;
        assert_eq!((e.attempts, e.next_attempt_at), (2, t0 + 30_000 + 120_000));

        // 429 is retried too; then the gateway recovers.
        recorder.push_statuses(&[429]);
        recorder.set_status(200);
        clock.advance(SignedDuration::from_mins(2));
        assert_eq!(
            deliver_due(&db, &clock, &transports)
                .await
                .expect("deliver"),
            1
        );
        let e = entry(&db, "otp:500").await;
        assert_eq!((e.status.as_str(), e.attempts), ("pending", 3));
        clock.advance(SignedDuration::from_mins(8));
        assert_eq!(
            deliver_due(&db, &clock, &transports)
                .await
                .expect("deliver"),
            1
        );
        let e = entry(&db, "otp:500").await;
        assert_eq!((e.status.as_str(), e.attempts), ("sent", 4));
        assert_eq!(e.sent_at, Some(clock.now_ms()));
        let answered: Vec<u16> = recorder.requests().iter().map(|r| r.answered).collect();
        assert_eq!(answered, [500, 500, 429, 200]);
        assert_eq!(backlog(&db).await.expect("backlog"), 0);

        // Attempts run out: failed, with the error kept; an organiser retry starts afresh.
        recorder.set_status(503);
        put(&db, &sms_msg("otp:503"), clock.now_ms()).await;
        for _ in 0..MAX_ATTEMPTS {
            clock.advance(SignedDuration::from_hours(1));
            assert_eq!(
                deliver_due(&db, &clock, &transports)
                    .await
                    .expect("deliver"),
                1
            );
        }
        let e = entry(&db, "otp:503").await;
        assert_eq!((e.status.as_str(), e.attempts), ("failed", MAX_ATTEMPTS));
        assert!(
            e.last_error.as_deref().unwrap_or("").contains("503"),
            "{e:?}"
        );
        clock.advance(SignedDuration::from_hours(10));
        assert_eq!(
            deliver_due(&db, &clock, &transports)
                .await
                .expect("deliver"),
            0
        );
        recorder.set_status(200);
        let admin = crate::outbox::Viewer {
            user_id: 0,
            is_admin: true,
        };
        assert!(resend(&db, e.id, admin, clock.now_ms())
            .await
            .expect("retry"));
        assert_eq!(
            deliver_due(&db, &clock, &transports)
                .await
                .expect("deliver"),
            1
        );
        let e = entry(&db, "otp:503").await;
        assert_eq!((e.status.as_str(), e.attempts), ("sent", 1));
    }
    both_engines!(gateway_500_is_retried_with_backoff);

    async fn gateway_400_fails_at_once(db: Db) {
        let clock = clock();
        let (transports, recorder) = sms_transports().await;
        recorder.set_status(400);
        put(&db, &sms_msg("otp:400"), clock.now_ms()).await;
        assert_eq!(
            deliver_due(&db, &clock, &transports)
                .await
                .expect("deliver"),
            1
        );
        let e = entry(&db, "otp:400").await;
        assert_eq!((e.status.as_str(), e.attempts), ("failed", 1));
        let err = e.last_error.unwrap_or_default();
        assert!(
            err.contains("400") && err.contains("scripted status 400"),
            "{err}"
        );
        assert_eq!(e.sent_at, None);
        clock.advance(SignedDuration::from_hours(24));
        assert_eq!(
            deliver_due(&db, &clock, &transports)
                .await
                .expect("deliver"),
            0
        );
        assert_eq!(recorder.requests().len(), 1);
        assert_eq!(backlog(&db).await.expect("backlog"), 0);
    }
    both_engines!(gateway_400_fails_at_once);

    async fn interrupted_delivery_is_set_aside_never_resent(db: Db) {
        let clock = clock();
        let (transports, recorder) = sms_transports().await;
        put(&db, &sms_msg("otp:crash"), clock.now_ms()).await;
        // A worker claims the row, then dies: nobody knows whether the gateway got it.
        let claimed = claim(&db, clock.now_ms(), LEASE_MS).await.expect("claim");
        assert_eq!(claimed.map(|c| c.attempts), Some(1));
        let e = entry(&db, "otp:crash").await;
        assert_eq!(e.locked_until, Some(clock.now_ms() + LEASE_MS));

        // While the lease holds, nobody else takes it, and it is not set aside.
        clock.advance(SignedDuration::from_millis(LEASE_MS - 1));
        assert_eq!(
            deliver_due(&db, &clock, &transports)
                .await
                .expect("deliver"),
            0
        );
        assert_eq!(entry(&db, "otp:crash").await.status.as_str(), "pending");

        // Once the lease ran out, the message is uncertain and is never sent by itself.
        clock.advance(SignedDuration::from_millis(2));
        for _ in 0..3 {
            assert_eq!(
                deliver_due(&db, &clock, &transports)
                    .await
                    .expect("deliver"),
                0
            );
            clock.advance(SignedDuration::from_hours(1));
        }
        let e = entry(&db, "otp:crash").await;
        assert_eq!(e.status, OutboxStatus::Uncertain);
        assert_eq!((e.attempts, e.locked_until), (1, None));
        assert_eq!(e.last_error.as_deref(), Some(INTERRUPTED));
        assert!(e.needs_organiser());
        assert!(recorder.requests().is_empty());
        assert_eq!(backlog(&db).await.expect("backlog"), 0);

        // An organiser sends it again: it goes once.
        let admin = crate::outbox::Viewer {
            user_id: 0,
            is_admin: true,
        };
        assert!(resend(&db, e.id, admin, clock.now_ms())
            .await
            .expect("resend"));
        assert_eq!(
            deliver_due(&db, &clock, &transports)
                .await
                .expect("deliver"),
            1
        );
        let e = entry(&db, "otp:crash").await;
        assert_eq!((e.status.as_str(), e.attempts), ("sent", 1));
        assert_eq!(recorder.requests().len(), 1);
    }
    both_engines!(interrupted_delivery_is_set_aside_never_resent);

    async fn a_stalled_worker_still_records_its_delivery(db: Db) {
        let clock = clock();
        put(&db, &sms_msg("otp:stall"), clock.now_ms()).await;
        let claimed = claim(&db, clock.now_ms(), LEASE_MS)
            .await
            .expect("claim")
            .expect("a row");
        clock.advance(SignedDuration::from_millis(LEASE_MS + 1));
        assert_eq!(
            set_aside_interrupted(&db, clock.now_ms())
                .await
                .expect("set aside"),
            1
        );
        // The worker was only slow: the gateway took the message, and the row says so.
        mark_sent(&db, &claimed, clock.now_ms(), sms::TRANSPORT)
            .await
            .expect("mark sent");
        assert_eq!(entry(&db, "otp:stall").await.status.as_str(), "sent");
    }
    both_engines!(a_stalled_worker_still_records_its_delivery);

    async fn the_sole_worker_sets_aside_every_lease_at_start(db: Db) {
        let clock = Arc::new(clock());
        put(&db, &sms_msg("otp:before-crash"), clock.now_ms()).await;
        put(&db, &sms_msg("otp:queued"), clock.now_ms()).await;
        claim(&db, clock.now_ms(), LEASE_MS)
            .await
            .expect("claim")
            .expect("the first row");
        // The process restarts at once, long before the lease would end.
        let (url, recorder) = start_sms_recorder().await;
        let config = sms_only(url);
        let shutdown = CancellationToken::new();
        let handle = spawn_worker(
            db.clone(),
            clock.clone(),
            config,
            Arc::new(Notify::new()),
            shutdown.clone(),
            true,
        );
        let delivered = recorder.wait_for(1, Duration::from_secs(10)).await;
        shutdown.cancel();
        handle.await.expect("worker stops");
        assert_eq!(delivered.len(), 1);
        assert_eq!(
            delivered[0].header("idempotency-key"),
            Some("otp:queued"),
            "only the message nobody had started"
        );
        let e = entry(&db, "otp:before-crash").await;
        assert_eq!(e.status, OutboxStatus::Uncertain);
        assert_eq!(entry(&db, "otp:queued").await.status.as_str(), "sent");
    }
    both_engines!(the_sole_worker_sets_aside_every_lease_at_start);

    // A crashed worker's message is set aside within a minute; renewals come thrice a lease.
    const _: () = assert!(LEASE_MS <= 60_000);
    const _: () = assert!(LEASE_RENEWAL.as_millis() * 3 <= LEASE_MS as u128);

    /// An SMS gateway that answers 200 only when told to, and says when a request arrived.
    async fn start_slow_gateway() -> (String, Arc<Notify>, Arc<Notify>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}/send", listener.local_addr().expect("addr"));
        let (arrived, release) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
        let (a, r) = (arrived.clone(), release.clone());
        tokio::spawn(async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let (mut socket, _) = listener.accept().await.expect("accept");
            let mut buf = vec![0u8; 8192];
            let _ = socket.read(&mut buf).await;
            a.notify_one();
            r.notified().await;
            let _ = socket
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                .await;
        });
        (url, arrived, release)
    }

    async fn a_slow_delivery_keeps_its_lease(db: Db) {
        let clock = Arc::new(clock());
        let (url, arrived, release) = start_slow_gateway().await;
        let transports = Transports::from_config(&sms_only(url)).expect("sms transport");
        put(&db, &sms_msg("slow:1"), clock.now_ms()).await;
        let delivering = {
            let (db, clock) = (db.clone(), clock.clone());
            tokio::spawn(async move {
                deliver_one_renewing(&db, clock.as_ref(), &transports, Duration::from_millis(20))
                    .await
            })
        };
        tokio::time::timeout(WAIT, arrived.notified())
            .await
            .expect("the gateway got the request");
        // Longer than a lease passes while the gateway thinks; the live worker renews it.
        clock.advance(SignedDuration::from_millis(LEASE_MS + 1));
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(
            claim(&db, clock.now_ms(), LEASE_MS)
                .await
                .expect("claim")
                .is_none(),
            "a renewed lease keeps other workers off"
        );
        release.notify_one();
        assert!(delivering.await.expect("join").expect("deliver"));
        let e = entry(&db, "slow:1").await;
        assert_eq!((e.status.as_str(), e.attempts), ("sent", 1));
    }
    both_engines!(a_slow_delivery_keeps_its_lease);

    async fn concurrent_deliverers_send_once(db: Db) {
        let clock = Arc::new(clock());
        let (transports, recorder) = sms_transports().await;
        let n = 30;
        for i in 0..n {
            put(&db, &sms_msg(&format!("bulk:{i}")), clock.now_ms()).await;
        }
        let transports = Arc::new(transports);
        let mut tasks = Vec::new();
        for _ in 0..3 {
            let (db, clock, transports) = (db.clone(), clock.clone(), transports.clone());
            tasks.push(tokio::spawn(async move {
                deliver_due(&db, clock.as_ref(), &transports).await
            }));
        }
        let mut total = 0;
        for t in tasks {
            total += t.await.expect("join").expect("deliver");
        }
        assert_eq!(total, n);
        let mut per_key: HashMap<String, usize> = HashMap::new();
        for r in recorder.requests() {
            *per_key
                .entry(r.json["idempotency_key"].as_str().unwrap_or("").to_owned())
                .or_default() += 1;
        }
        assert_eq!(per_key.len(), n);
        assert!(per_key.values().all(|&c| c == 1), "{per_key:?}");
        for e in recent(&db, 100).await.expect("recent") {
            assert_eq!((e.status.as_str(), e.attempts), ("sent", 1));
        }
    }
    both_engines!(concurrent_deliverers_send_once);

    async fn no_transport_goes_to_log(db: Db) {
        let clock = clock();
        let transports = Transports::log_only();
        put(&db, &sms_msg("log:sms"), clock.now_ms()).await;
        let mut mail = sms_msg("log:email");
        mail.channel = Channel::Email;
        mail.recipient = "awa@example.ml".into();
        mail.subject = "Bienvenue".into();
        put(&db, &mail, clock.now_ms()).await;
        assert_eq!(
            deliver_due(&db, &clock, &transports)
                .await
                .expect("deliver"),
            2
        );
        for key in ["log:sms", "log:email"] {
            let e = entry(&db, key).await;
            assert_eq!(e.status, OutboxStatus::Sent);
            assert_eq!(e.transport.as_deref(), Some(LOG_TRANSPORT));
            assert_eq!(e.sent_at, Some(clock.now_ms()));
        }
    }
    both_engines!(no_transport_goes_to_log);

    fn sms_only(url: String) -> NotifyConfig {
        NotifyConfig {
            smtp: None,
            sms: Some(SmsConfig {
                url,
                token: None,
                sender: None,
            }),
        }
    }

    async fn worker_delivers_on_wake_and_stops(db: Db) {
        let clock = Arc::new(clock());
        let (url, recorder) = start_sms_recorder().await;
        let config = sms_only(url);
        let wake = Arc::new(Notify::new());
        let shutdown = CancellationToken::new();
        let handle = spawn_worker(
            db.clone(),
            clock.clone(),
            config,
            wake.clone(),
            shutdown.clone(),
            false,
        );
        put(&db, &sms_msg("worker:1"), clock.now_ms()).await;
        wake.notify_one();
        let reqs = recorder.wait_for(1, WAIT).await;
        assert_eq!(reqs[0].header("authorization"), None);
        assert_eq!(
            reqs[0].json,
            serde_json::json!({
                "to": "+22370000001",
                "text": "Kènè : votre code est 123456",
                "idempotency_key": "worker:1",
            })
        );
        shutdown.cancel();
        tokio::time::timeout(WAIT, handle)
            .await
            .expect("worker stops")
            .expect("worker task");
        let e = entry(&db, "worker:1").await;
        assert_eq!(e.status, OutboxStatus::Sent);
    }
    both_engines!(worker_delivers_on_wake_and_stops);
}
