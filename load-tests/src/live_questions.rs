//! Live questions load test: N clients (default 1,000) follow one session's presenter stream
//! (`…/questions/live`, server-sent events); an organiser makes a moderation change over
//! HTTP (pins one question, then the other, round after round); the time from just before
//! that request until each client has the event is measured. With `--refetch`, each client
//! then fetches the presenter view again, as the page's script does, and the time counts
//! until it has read the new page. Prints max, p50 and p99 per round; a benchmark, not a
//! test: it always exits 0 once set up.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::Parser;
use reqwest::{redirect, Client, StatusCode};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};
use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};

#[derive(Parser)]
#[command(about = "Live questions: 1,000 presenter-view clients, one change, time to reach all")]
struct Args {
    /// The running kene (`kene demo`).
    #[arg(long)]
    base: String,
    /// Its SQLite database (read only): where the demo's questions are found.
    #[arg(long)]
    db: String,
    #[arg(long)]
    admin_login: String,
    #[arg(long)]
    admin_password: String,
    /// Clients following the presenter's stream.
    #[arg(long, default_value_t = 1000)]
    clients: usize,
    /// Moderation changes made, one after the other.
    #[arg(long, default_value_t = 5)]
    rounds: usize,
    /// Connections opened at once while connecting the clients.
    #[arg(long, default_value_t = 100)]
    connect_concurrency: usize,
    /// Each client fetches the presenter view after each event (what the page's script does).
    #[arg(long)]
    refetch: bool,
}

/// One client heard round `round`'s change (and, with `--refetch`, read the new page).
struct Heard {
    round: usize,
    at: Instant,
}

fn admin_client() -> Result<Client> {
    Ok(Client::builder()
        .cookie_store(true)
        .redirect(redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()?)
}

/// The value of `<input name="csrf" value="…">` in a page.
fn csrf_of(html: &str) -> Option<String> {
    let at = html.find("name=\"csrf\"")?;
    let tag_end = at + html[at..].find('>')?;
    let tag = &html[..tag_end];
    let start = tag.rfind("value=\"")? + "value=\"".len();
    let rest = &html[start..];
    Some(rest[..rest.find('"')?].to_owned())
}

async fn sign_in(args: &Args) -> Result<Client> {
    let client = admin_client()?;
    let page = client
        .get(format!("{}/login", args.base))
        .send()
        .await?
        .text()
        .await?;
    let csrf = csrf_of(&page).context("no CSRF token on /login")?;
    let resp = client
        .post(format!("{}/login", args.base))
        .form(&[
            ("csrf", csrf.as_str()),
            ("login", &args.admin_login),
            ("password", &args.admin_password),
            ("next", "/admin"),
        ])
        .send()
        .await?;
    if resp.status() != StatusCode::SEE_OTHER {
        bail!("admin login failed: HTTP {}", resp.status());
    }
    Ok(client)
}

/// One client: follows the stream, reports each event (after refetching the page, if asked).
async fn follow(
    http: Client,
    (stream, screen): (String, String),
    (refetch, permit): (bool, OwnedSemaphorePermit),
    connected: Arc<AtomicUsize>,
    heard: mpsc::UnboundedSender<Heard>,
    round: Arc<AtomicUsize>,
) -> Result<()> {
    let mut response = http.get(&stream).send().await?;
    if response.status() != StatusCode::OK {
        bail!("stream: HTTP {}", response.status());
    }
    connected.fetch_add(1, Ordering::SeqCst);
    drop(permit); // the next client may connect
    let mut buffer = String::new();
    while let Some(chunk) = response.chunk().await? {
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(at) = buffer.find("event: changed") {
            buffer.drain(..at + "event: changed".len());
            if refetch {
                http.get(&screen).send().await?.bytes().await?;
            }
            let _ = heard.send(Heard {
                round: round.load(Ordering::SeqCst),
                at: Instant::now(),
            });
        }
    }
    Ok(())
}

fn percentile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let db = SqlitePool::connect_with(
        SqliteConnectOptions::new()
            .filename(&args.db)
            .read_only(true),
    )
    .await?;
    // The demo's first session with questions, and two of its shown questions to pin in turn
    // (the one not pinned first).
    let (edition, session): (String, String) = sqlx::query_as(
        "SELECT e.slug, s.public_id FROM questions q \
         JOIN programme_sessions s ON s.id = q.session_id \
         JOIN editions e ON e.id = s.edition_id ORDER BY q.id LIMIT 1",
    )
    .fetch_one(&db)
    .await
    .context("the demo has no questions")?;
    let shown: Vec<String> = sqlx::query_scalar(
        "SELECT q.public_id FROM questions q JOIN programme_sessions s ON s.id = q.session_id \
         WHERE s.public_id = $1 AND q.state = 'approved' ORDER BY q.pinned, q.id",
    )
    .bind(&session)
    .fetch_all(&db)
    .await?;
    if shown.len() < 2 {
        bail!("the demo session has fewer than two shown questions");
    }
    let public = format!("{}/programme/{edition}/{session}/questions", args.base);
    let admin_page = format!(
        "{}/admin/editions/{edition}/programme/{session}/questions",
        args.base
    );
    let admin = sign_in(&args).await?;

    println!(
        "== {} clients on {public}/live{} ==",
        args.clients,
        if args.refetch {
            ", each refetching the presenter view"
        } else {
            ""
        }
    );
    // A stream holds its connection: one per client (as 1,000 browsers would have), opened
    // a batch at a time.
    let http = Client::builder()
        .timeout(Duration::from_secs(600))
        .tcp_nodelay(true)
        .build()?;
    let connected = Arc::new(AtomicUsize::new(0));
    let round = Arc::new(AtomicUsize::new(0));
    let (tx, mut rx) = mpsc::unbounded_channel();
    let gate = Arc::new(Semaphore::new(args.connect_concurrency));
    let started = Instant::now();
    let mut failed = 0usize;
    let mut tasks = Vec::new();
    for _ in 0..args.clients {
        let permit = gate.clone().acquire_owned().await?;
        let urls = (format!("{public}/live"), format!("{public}/screen"));
        let (http, connected, tx, round) =
            (http.clone(), connected.clone(), tx.clone(), round.clone());
        tasks.push(tokio::spawn(follow(
            http,
            urls,
            (args.refetch, permit),
            connected,
            tx,
            round,
        )));
    }
    drop(tx);
    let deadline = Instant::now() + Duration::from_secs(60);
    while connected.load(Ordering::SeqCst) + failed < args.clients && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
        failed = tasks.iter().filter(|t| t.is_finished()).count();
    }
    let n = connected.load(Ordering::SeqCst);
    println!(
        "connected: {n} of {} in {} ({failed} failed)",
        args.clients,
        ms(started.elapsed())
    );
    if n == 0 {
        bail!("no client connected");
    }
    tokio::time::sleep(Duration::from_secs(1)).await;

    for r in 1..=args.rounds {
        round.store(r, Ordering::SeqCst);
        let page = admin.get(&admin_page).send().await?.text().await?;
        let csrf = csrf_of(&page).context("no CSRF token on the moderation page")?;
        let question = &shown[(r - 1) % 2];
        let t0 = Instant::now();
        let resp = admin
            .post(format!("{admin_page}/{question}"))
            .form(&[("csrf", csrf.as_str()), ("action", "pin")])
            .send()
            .await?;
        let post = t0.elapsed();
        if resp.status() != StatusCode::SEE_OTHER {
            bail!("the moderation change failed: HTTP {}", resp.status());
        }
        let mut latencies = Vec::with_capacity(n);
        let wait_until = t0 + Duration::from_secs(30);
        while latencies.len() < n {
            let left = wait_until.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, rx.recv()).await {
                Ok(Some(h)) if h.round == r => latencies.push(h.at - t0),
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => break,
            }
        }
        latencies.sort();
        let max = latencies.last().copied().unwrap_or_default();
        println!(
            "round {r}: {} of {n} clients got it; moderation POST {}; p50 {}, p99 {}, max {}{}",
            latencies.len(),
            ms(post),
            ms(percentile(&latencies, 0.5)),
            ms(percentile(&latencies, 0.99)),
            ms(max),
            if latencies.len() == n && max < Duration::from_secs(1) {
                "  [under 1 s: met]"
            } else {
                "  [under 1 s: NOT met]"
            }
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    for task in tasks {
        task.abort();
    }
    Ok(())
}
