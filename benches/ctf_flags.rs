//! Flag submissions as contestants send them, against the real server in-process on loopback
//! (fresh SQLite database, the demo's running contest): `cargo bench --bench ctf_flags`.
//!
//! The demo's contestants (signed in) submit flags, 64 requests in flight, one in twenty right,
//! the rest wrong; the per-minute limit is switched off (0: the bench measures the check, not
//! the lock-out). Twice: through the challenge page's form (every answer a whole page), then
//! through the JSON API (`…/attempt`, as scripts submit). Target: at least 2,000 submissions
//! per second accepted or refused, no server error.
//!
//! `CTF_BENCH_SECS=600 cargo bench --bench ctf_flags` runs for that long instead, printing the
//! process's resident memory every 30 s: it must stay flat (no growth with the attempts).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use kene::app::RunningServer;
use kene::clock::SystemClock;
use kene::config::Config;
use kene::ctf::{actions, queries, rules};
use reqwest::header::COOKIE;

const SUBMISSIONS: usize = 20_000;
const IN_FLIGHT: usize = 64;
const CSRF: &str = "bench-csrf-token-0123456789-abcdefghijklmnopqrstuvwxyz";

/// The process's resident memory, in MiB (Linux).
fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

async fn run() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let config = Config {
        data_dir: dir.path().to_path_buf(),
        ..Config::default()
    };
    let state = kene::app::prepare(config, Arc::new(SystemClock)).await?;
    let login = kene::demo::seed(&state).await?;
    let admin = kene::accounts::users::find_by_login(
        &state.db,
        &kene::domain::types::Login::parse(&login.email).map_err(|e| anyhow::anyhow!("{e:?}"))?,
    )
    .await?
    .ok_or_else(|| anyhow::anyhow!("no demo admin"))?;
    let edition = kene::calls::queries::edition_by_slug(&state.db, "sdn-2026")
        .await?
        .ok_or_else(|| anyhow::anyhow!("no 2026 edition"))?;
    let contest = queries::contest(&state.db, edition.id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no demo contest"))?;
    // The lock-out out of the way: the bench measures the check itself.
    let settings = rules::Settings {
        window: contest.window(),
        mode: contest.mode,
        first_blood_bonus: contest.first_blood_bonus,
        board_public: contest.board_public,
        team_size_max: contest.team_size_max,
        attempts_per_minute: 0,
        flag_prefix: contest.flag_prefix.clone(),
        standings_use: contest.standings_use,
    };
    let mut tx = state.db.begin().await?;
    actions::save_settings(
        &mut tx,
        &edition,
        contest.track_id,
        &settings,
        (admin.id, state.now_ms()),
    )
    .await?;
    tx.commit().await?;

    // The contestants, signed in.
    let mut cookies = Vec::new();
    for team in queries::teams(&state.db, contest.id).await? {
        for member in queries::members(&state.db, team.id).await? {
            let mut tx = state.db.begin().await?;
            let token =
                kene::web::sessions::create(&mut tx, member.account_id, state.now_ms()).await?;
            tx.commit().await?;
            cookies.push(format!("kene_session={token}; kene_csrf={CSRF}"));
        }
    }
    let challenges: Vec<String> = queries::challenges(&state.db, contest.id)
        .await?
        .into_iter()
        .map(|c| c.public_id)
        .collect();
    anyhow::ensure!(
        !cookies.is_empty() && !challenges.is_empty(),
        "no demo contest to play"
    );

    let server = RunningServer::start(state.clone(), "127.0.0.1:0".parse()?).await?;
    let base = format!("http://{}", server.addr);
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(IN_FLIGHT)
        .build()?;
    let duration = std::env::var("CTF_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .map(Duration::from_secs);
    println!(
        "== flag submissions: {} contestants, {} challenges, {IN_FLIGHT} in flight, {} ==",
        cookies.len(),
        challenges.len(),
        match duration {
            Some(d) => format!("for {} s", d.as_secs()),
            None => format!("{SUBMISSIONS} submissions"),
        }
    );
    let rss_before = rss_mib();
    let (cookies, challenges) = (Arc::new(cookies), Arc::new(challenges));
    for json in [false, true] {
        let next = Arc::new(AtomicUsize::new(0));
        let (answered, failed) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let started = Instant::now();
        let mut workers = Vec::new();
        for _ in 0..IN_FLIGHT {
            let (client, base, next) = (client.clone(), base.clone(), next.clone());
            let (answered, failed) = (answered.clone(), failed.clone());
            let (cookies, challenges) = (cookies.clone(), challenges.clone());
            workers.push(tokio::spawn(async move {
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    let more = match duration {
                        Some(d) => started.elapsed() < d,
                        None => n < SUBMISSIONS,
                    };
                    if !more {
                        break;
                    }
                    let cookie = &cookies[n % cookies.len()];
                    let challenge = &challenges[(n / cookies.len()) % challenges.len()];
                    // One in twenty is the welcome challenge's flag (right once per team).
                    let flag = if n % 20 == 0 {
                        "SDN{bienvenue_au_ctf}".to_owned()
                    } else {
                        format!("SDN{{essai_{n}}}")
                    };
                    let url = format!("{base}/ctf/sdn-2026/challenges/{challenge}");
                    let request = if json {
                        client
                            .post(format!("{url}/attempt"))
                            .header("x-csrf-token", CSRF)
                            .json(&serde_json::json!({ "flag": flag }))
                    } else {
                        client
                            .post(url)
                            .form(&[("csrf", CSRF), ("flag", flag.as_str())])
                    };
                    match request.header(COOKIE, cookie).send().await {
                        Ok(r) if !r.status().is_server_error() => {
                            let _ = r.bytes().await;
                            answered.fetch_add(1, Ordering::Relaxed);
                        }
                        _ => {
                            failed.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            }));
        }
        let sampler = duration.map(|_| {
            tokio::spawn(async move {
                let t0 = Instant::now();
                loop {
                    tokio::time::sleep(Duration::from_secs(30)).await;
                    println!(
                        "  {:>4} s: resident {:.1} MiB",
                        t0.elapsed().as_secs(),
                        rss_mib()
                    );
                }
            })
        });
        for w in workers {
            w.await?;
        }
        if let Some(s) = sampler {
            s.abort();
        }
        let secs = started.elapsed().as_secs_f64();
        let (answered, failed) = (
            answered.load(Ordering::Relaxed),
            failed.load(Ordering::Relaxed),
        );
        let rate = answered as f64 / secs;
        println!(
            "  {}: {answered} submissions answered in {secs:.2} s: {rate:.0}/s, {failed} failed → {}",
            if json { "JSON API" } else { "page form" },
            if rate >= 2_000.0 && failed == 0 { "target met" } else { "TARGET MISSED" }
        );
    }
    let attempts = queries::attempt_count(&state.db, contest.id).await?;
    println!(
        "  {attempts} attempts recorded; resident memory {rss_before:.1} MiB before, {:.1} MiB after",
        rss_mib()
    );
    server.stop().await;
    Ok(())
}

fn main() -> anyhow::Result<()> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run())
}
