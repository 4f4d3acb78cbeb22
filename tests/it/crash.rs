//! A `kill -9` of the server in the middle of a deadline rush, on SQLite: after a restart every
//! acknowledged submission is there exactly once, and no message reaches anyone twice — the
//! one being handed to the SMS gateway when the server died is set aside for an organiser,
//! not sent again.

use std::collections::HashMap;
use std::time::Duration;

use reqwest::StatusCode;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};

use crate::applications::{fill_startup_application, start_application, PASSWORD};
use crate::support::process::KeneProcess;
use crate::support::sinks::{start_sms_recorder, start_smtp_sink};
use crate::support::{Inboxes, TestClient};

const APPLICANTS: usize = 16;

/// Submits; returns the reference the receipt page shows, or `None` when the server did not
/// acknowledge (it died first).
async fn submit(client: &TestClient, id: &str) -> Option<String> {
    let csrf = client.csrf().await;
    let page = client
        .try_post_form_raw(&format!("/applications/{id}/submit"), &[("csrf", &csrf)])
        .await
        .ok()?;
    let receipt = format!("/applications/{id}/receipt");
    if page.redirect_target().as_deref() != Some(receipt.as_str()) {
        return None;
    }
    let page = client.http.get(client.url(&receipt)).send().await.ok()?;
    let page = TestClient::read(page).await;
    if page.status != StatusCode::OK {
        return None;
    }
    let start = page.body.find("SDN27-STA-")?;
    Some(page.body[start..start + "SDN27-STA-0000".len()].to_owned())
}

async fn open_read_only(dir: &std::path::Path) -> SqlitePool {
    let options = SqliteConnectOptions::new()
        .filename(dir.join("kene.db"))
        .read_only(true);
    SqlitePool::connect_with(options)
        .await
        .expect("open the database read-only")
}

async fn outbox_statuses(db: &SqlitePool) -> HashMap<String, String> {
    sqlx::query_as::<_, (String, String)>("SELECT idempotency_key, status FROM outbox")
        .fetch_all(db)
        .await
        .expect("read the outbox")
        .into_iter()
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_during_the_rush_loses_nothing_and_sends_nothing_twice() {
    let dir = tempfile::tempdir().expect("data directory");
    let (smtp_port, smtp) = start_smtp_sink().await;
    let (sms_url, sms) = start_sms_recorder().await;
    let env = [
        ("KENE_SMTP_HOST", "127.0.0.1".to_owned()),
        ("KENE_SMTP_PORT", smtp_port.to_string()),
        ("KENE_SMS_URL", sms_url),
        // Every applicant comes from 127.0.0.1.
        ("KENE_LOGIN_PER_IP", "100000".to_owned()),
        ("KENE_CODES_PER_IP", "100000".to_owned()),
    ];
    let (mut server, _admin) = KeneProcess::demo(dir.path(), &env).await;
    let inboxes = Inboxes {
        smtp: &smtp,
        sms: &sms,
    };

    // Applicants with only a phone: their codes and receipts go by SMS. Each one prepares a
    // complete dossier, ready to submit.
    let mut applicants = Vec::new();
    for i in 0..APPLICANTS {
        let phone = format!("+2237600{i:04}");
        let client = inboxes
            .signup_and_verify(
                server.client(),
                &format!("Candidate {i}"),
                &phone,
                &phone,
                PASSWORD,
            )
            .await;
        let id = start_application(&client).await;
        fill_startup_application(&client, &id, &format!("Projet {i}")).await;
        applicants.push((client, id));
    }

    // The SMS gateway now takes messages but does not answer: the server is always in the
    // middle of handing one over.
    let before_rush = sms.requests().len();
    sms.hold();
    let (acks, mut acknowledged) = tokio::sync::mpsc::unbounded_channel();
    for (client, id) in applicants {
        let acks = acks.clone();
        tokio::spawn(async move {
            if let Some(reference) = submit(&client, &id).await {
                let _ = acks.send((client, id, reference));
            }
        });
    }
    drop(acks);
    let mut acked = Vec::new();
    while acked.len() < APPLICANTS / 4 {
        let ack = tokio::time::timeout(Duration::from_secs(60), acknowledged.recv())
            .await
            .expect("submissions are acknowledged")
            .expect("an acknowledged submission");
        acked.push(ack);
    }
    let in_flight = sms.wait_for(before_rush + 1, Duration::from_secs(30)).await;
    let held_key = in_flight[before_rush]
        .header("idempotency-key")
        .expect("the gateway gets the idempotency key")
        .to_owned();
    server.signal("KILL");
    server.wait(Duration::from_secs(10)).await;
    sms.release();
    while let Some(ack) = acknowledged.recv().await {
        acked.push(ack); // acknowledged just before the kill
    }

    let server = KeneProcess::serve(dir.path(), server.port, &env).await;
    let db = open_read_only(dir.path()).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while outbox_statuses(&db).await.values().any(|s| s == "pending") {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the outbox drains after the restart"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Every acknowledged submission is stored once, submitted, and its receipt page answers.
    for (client, id, reference) in &acked {
        let stored: Vec<(String, String)> =
            sqlx::query_as("SELECT public_id, status FROM applications WHERE reference = ?")
                .bind(reference)
                .fetch_all(&db)
                .await
                .expect("read applications");
        assert_eq!(
            stored,
            [(id.clone(), "submitted".to_owned())],
            "{reference} stored exactly once"
        );
        let receipt = client.get(&format!("/applications/{id}/receipt")).await;
        assert_eq!(receipt.status, StatusCode::OK);
        receipt.assert_contains(reference);
    }
    let duplicated: Vec<String> = sqlx::query_scalar(
        "SELECT reference FROM applications WHERE reference IS NOT NULL \
         GROUP BY reference HAVING COUNT(*) > 1",
    )
    .fetch_all(&db)
    .await
    .expect("read references");
    assert!(
        duplicated.is_empty(),
        "duplicated references: {duplicated:?}"
    );

    // No message reached anyone twice, by SMS or by e-mail.
    let mut per_key: HashMap<String, usize> = HashMap::new();
    for request in sms.requests() {
        let key = request.header("idempotency-key").unwrap_or("").to_owned();
        *per_key.entry(key).or_default() += 1;
    }
    for mail in smtp.messages() {
        let key = mail.header("message-id").unwrap_or("").to_owned();
        *per_key.entry(key).or_default() += 1;
    }
    let twice: Vec<_> = per_key.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "delivered more than once: {twice:?}");

    // The message the server was handing over when it died is set aside, not re-sent; every
    // other one went out.
    let statuses = outbox_statuses(&db).await;
    assert_eq!(
        statuses.get(&held_key).map(String::as_str),
        Some("uncertain")
    );
    let others: Vec<_> = statuses
        .iter()
        .filter(|(key, status)| **key != held_key && *status != "sent")
        .collect();
    assert!(others.is_empty(), "not sent: {others:?}");
    assert!(
        sms.requests().len() > before_rush + 1,
        "the rest of the queue went out after the restart"
    );
    db.close().await;

    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_kene"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["audit", "verify"])
        .env("RUST_LOG", "warn")
        .output()
        .await
        .expect("run kene audit verify");
    assert!(
        output.status.success(),
        "the audit log is intact after the crash: {}",
        String::from_utf8_lossy(&output.stdout)
    );
    let mut server = server;
    server.signal("TERM");
    server.wait(Duration::from_secs(20)).await;
}
