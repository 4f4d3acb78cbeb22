//! The statistics page of an edition of about 5,000 applications, against the real server
//! in-process on loopback: `cargo bench --bench stats` (SQLite), or with
//! `KENE_BENCH_DATABASE_URL=postgres://…` for PostgreSQL. Target (issue 13): under 100 ms.
//!
//! Setup (not measured, its time printed): the full demo (the 2026 selection done: eligibility,
//! published shortlist, pitches, results), then its 60 applications copied row for row until
//! the 2026 edition holds 5,040 of them; the copies keep their answers and their leaders'
//! gender and age, as real dossiers would.
//!
//! Measured: the organisers' page (`/admin/editions/sdn-2026/statistics`), 200 requests one
//! after the other as a browser asks (`Accept-Encoding: br, gzip`), and the public page
//! (`/statistics/sdn-2026`) as a signed-out visitor's first request after each change
//! would (the public cache bypassed with a query string).

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::ACCEPT_ENCODING;

use kene::app::RunningServer;
use kene::clock::SystemClock;
use kene::config::Config;

const COPIES: i64 = 83;
const REQUESTS: usize = 200;
const TARGET_MS: f64 = 100.0;

const COPY: &str = "INSERT INTO applications (public_id, track_id, applicant_id, reference, \
     status, status_reason, form_version, answers_json, has_changes, title, country, domain, \
     women_led, leader_gender, leader_birth_date, leader_age, search_text, created_at, \
     updated_at, submitted_at, last_submitted_at) \
     SELECT public_id || $1, track_id, applicant_id, reference || $1, status, status_reason, \
     form_version, answers_json, has_changes, title, country, domain, women_led, leader_gender, \
     leader_birth_date, leader_age, search_text, created_at, updated_at, submitted_at, \
     last_submitted_at FROM applications WHERE id <= $2";

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at].as_secs_f64() * 1000.0
}

fn attribute_value(html: &str, marker: &str) -> Option<String> {
    html.split(marker)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .map(str::to_owned)
}

async fn run() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let config = Config {
        data_dir: dir.path().to_path_buf(),
        database_url: std::env::var("KENE_BENCH_DATABASE_URL").ok(),
        ..Config::default()
    };
    let state = kene::app::prepare(config, Arc::new(SystemClock)).await?;
    let backend = if state.db.is_postgres() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let started = Instant::now();
    let login = kene::demo::seed(&state).await?;
    let last: i64 = kene::run!(&state.db, |pool| sqlx::query_scalar(
        "SELECT MAX(id) FROM applications"
    )
    .fetch_one(pool)
    .await)?;
    for copy in 1..=COPIES {
        let suffix = format!("-c{copy}");
        kene::run_write!(&state.db, |conn| sqlx::query(COPY)
            .bind(&suffix)
            .bind(last)
            .execute(conn)
            .await
            .map(|r| r.rows_affected()))?;
    }
    let total: i64 = kene::run!(&state.db, |pool| sqlx::query_scalar(
        "SELECT COUNT(*) FROM applications"
    )
    .fetch_one(pool)
    .await)?;
    println!("== statistics: an edition of {total} applications on {backend} ==");
    println!(
        "  setup: full demo and copies in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    // The tables alone (query, decoding, counting), without HTTP nor rendering.
    let edition = kene::calls::queries::edition_by_slug(&state.db, "sdn-2026")
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo has no 2026 edition"))?;
    let mut times = Vec::new();
    for _ in 0..50 {
        let started = Instant::now();
        kene::stats::pages::edition_tables(&state, &edition)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        times.push(started.elapsed());
    }
    times.sort();
    println!(
        "  the edition's tables alone: p50 {:.2} ms · p99 {:.2} ms",
        percentile(&times, 0.5),
        percentile(&times, 0.99)
    );

    let server = RunningServer::start(state.clone(), "127.0.0.1:0".parse()?).await?;
    let base = format!("http://{}", server.addr);
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let page = client
        .get(format!("{base}/login"))
        .send()
        .await?
        .text()
        .await?;
    let csrf = attribute_value(&page, "name=\"csrf\" value=\"")
        .ok_or_else(|| anyhow::anyhow!("no CSRF token on /login"))?;
    let response = client
        .post(format!("{base}/login"))
        .header("origin", &base)
        .form(&[
            ("csrf", csrf.as_str()),
            ("login", login.email.as_str()),
            ("password", login.password.as_str()),
            ("next", "/"),
        ])
        .send()
        .await?;
    anyhow::ensure!(
        response.status().is_redirection(),
        "login refused: {}",
        response.status()
    );
    let anonymous = reqwest::Client::builder().build()?;

    for (name, client, path) in [
        (
            "organisers' page",
            &client,
            "/admin/editions/sdn-2026/statistics",
        ),
        (
            "public page (not from the cache)",
            &anonymous,
            "/statistics/sdn-2026?uncached",
        ),
    ] {
        let url = format!("{base}{path}");
        let get = || async {
            let started = Instant::now();
            let response = client
                .get(&url)
                .header(ACCEPT_ENCODING, "br, gzip")
                .send()
                .await?;
            let status = response.status();
            let bytes = response.bytes().await?.len();
            anyhow::ensure!(status.is_success(), "{url}: {status}");
            Ok::<_, anyhow::Error>((started.elapsed(), bytes))
        };
        for _ in 0..10 {
            get().await?;
        }
        let mut times = Vec::with_capacity(REQUESTS);
        let mut bytes = 0;
        for _ in 0..REQUESTS {
            let (took, size) = get().await?;
            times.push(took);
            bytes = size;
        }
        times.sort();
        let p99 = percentile(&times, 0.99);
        println!("\n== {name}: {REQUESTS} requests, one at a time ==");
        println!(
            "  p50 {:.2} ms · p90 {:.2} ms · p99 {p99:.2} ms · max {:.2} ms · {:.1} KB transferred",
            percentile(&times, 0.5),
            percentile(&times, 0.9),
            percentile(&times, 1.0),
            bytes as f64 / 1024.0
        );
        let verdict = if p99 < TARGET_MS { "PASS" } else { "FAIL" };
        println!("  target p99 < {TARGET_MS} ms: {verdict}");
    }
    server.stop().await;
    Ok(())
}

fn main() -> anyhow::Result<()> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run())
}
