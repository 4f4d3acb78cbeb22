//! The event's busiest moments, against the real server in-process on loopback (fresh SQLite
//! database, the demo's calls): `cargo bench --bench event`.
//!
//! 1. Registration rush: 2,000 signed-in people register at once for one category of 1,500
//!    seats, 64 requests in flight, over HTTP with the browser's form. Targets: within a
//!    minute, no error, confirmed registrations = seats exactly, the rest waitlisted.
//! 2. Door scans: door phones send their queued scans (100 per request, 4 phones at once);
//!    the server verifies every signature and records every scan. Target: ≥ 5,000 scans/s.
//! 3. The offline door page for 5,000 badges: its page, style sheet, scripts, service worker
//!    and offline data, as stored and as transferred (`Accept-Encoding: br, gzip`). Target:
//!    under 200 KB.
//!
//! Accounts and their sessions are made directly in the database (setup, not measured); the
//! people then act over HTTP as browsers would.

use std::sync::Arc;
use std::time::{Duration, Instant};

use kene::accounts::users::{self, NewUser};
use kene::app::RunningServer;
use kene::clock::SystemClock;
use kene::config::Config;
use kene::domain::types::Login;
use kene::registration::{actions, queries};
use reqwest::header::{ACCEPT_ENCODING, COOKIE};

const PEOPLE: usize = 2_000;
const SEATS: i64 = 1_500;
const IN_FLIGHT: usize = 64;
const SCANS: usize = 40_000;
const PER_REQUEST: usize = 100;
const PHONES: usize = 4;
const BADGES_OFFLINE: usize = 5_000;
const CSRF: &str = "bench-csrf-token-0123456789-abcdefghijklmnopqrstuvwxyz";

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at].as_secs_f64() * 1000.0
}

/// Accounts with a session each: the cookies their browser sends.
async fn people(
    state: &kene::web::state::AppState,
    prefix: &str,
    n: usize,
) -> anyhow::Result<Vec<(i64, String)>> {
    let now = state.now_ms();
    let mut out = Vec::with_capacity(n);
    let mut tx = state.db.begin().await?;
    for i in 0..n {
        let login =
            Login::parse(&format!("{prefix}{i}@banc.ml")).map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let name = format!("Participant {prefix}{i}");
        let id = users::insert(
            &mut tx,
            &NewUser {
                login: &login,
                display_name: &name,
                password_hash: "!bench",
                locale: "fr",
                verified: true,
                is_admin: false,
            },
            now,
        )
        .await?;
        let token = kene::web::sessions::create(&mut tx, id, now).await?;
        out.push((id, format!("kene_session={token}; kene_csrf={CSRF}")));
    }
    tx.commit().await?;
    Ok(out)
}

async fn run() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let config = Config {
        data_dir: dir.path().to_path_buf(),
        ..Config::default()
    };
    let state = kene::app::prepare(config, Arc::new(SystemClock)).await?;
    let login = kene::demo::seed_with(&state, kene::demo::Scope::Calls).await?;
    let admin = users::find_by_login(
        &state.db,
        &Login::parse(&login.email).map_err(|e| anyhow::anyhow!("{e:?}"))?,
    )
    .await?
    .ok_or_else(|| anyhow::anyhow!("no demo admin"))?;
    let edition = kene::calls::queries::edition_by_slug(&state.db, "sdn-2027")
        .await?
        .ok_or_else(|| anyhow::anyhow!("no 2027 edition"))?;
    let site = kene::web::ctx::SiteAddress::of_config(&state);
    let mut tx = state.db.begin().await?;
    actions::open_registration(&mut tx, &edition, admin.id, state.now_ms()).await?;
    tx.commit().await?;
    let visitors = queries::category(&state.db, edition.id, "visitor")
        .await?
        .ok_or_else(|| anyhow::anyhow!("no visitor category"))?;
    let seats = queries::CategorySettings {
        capacity: Some(SEATS),
        needs_approval: false,
        open_to_public: true,
    };
    let mut tx = state.db.begin().await?;
    actions::change_category(
        &mut tx,
        (&site, &edition),
        &visitors,
        seats,
        (admin.id, state.now_ms()),
    )
    .await?
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    tx.commit().await?;
    let crowd = people(&state, "rush", PEOPLE).await?;
    let staff_cookie = {
        let mut tx = state.db.begin().await?;
        let token = kene::web::sessions::create(&mut tx, admin.id, state.now_ms()).await?;
        tx.commit().await?;
        format!("kene_session={token}; kene_csrf={CSRF}")
    };

    let server = RunningServer::start(state.clone(), "127.0.0.1:0".parse()?).await?;
    let base = format!("http://{}", server.addr);
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(IN_FLIGHT)
        .build()?;

    // 1. The rush.
    println!("== registration rush: {PEOPLE} people, one category of {SEATS} seats, {IN_FLIGHT} in flight ==");
    let gate = Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (i, (_, cookie)) in crowd.iter().enumerate() {
        let (client, gate, cookie) = (client.clone(), gate.clone(), cookie.clone());
        let url = format!("{base}/registration/sdn-2027/visitor");
        tasks.push(tokio::spawn(async move {
            let _permit = gate.acquire_owned().await.ok()?;
            let name = format!("Participant {i}");
            let t = Instant::now();
            let response = client
                .post(&url)
                .header(COOKIE, cookie)
                .form(&[
                    ("csrf", CSRF),
                    ("display_name", name.as_str()),
                    ("attendance", "in_person"),
                    ("consent", "yes"),
                ])
                .send()
                .await
                .ok()?;
            (response.status() == reqwest::StatusCode::SEE_OTHER).then(|| t.elapsed())
        }));
    }
    let mut latencies = Vec::new();
    let mut errors = 0;
    for task in tasks {
        match task.await? {
            Some(latency) => latencies.push(latency),
            None => errors += 1,
        }
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let confirmed = queries::counts(&state.db, edition.id)
        .await?
        .into_iter()
        .filter(|(c, _, _)| *c == visitors.id)
        .map(|(_, status, n)| (status, n))
        .collect::<Vec<_>>();
    let count = |s: &str| {
        confirmed
            .iter()
            .filter(|(st, _)| st == s)
            .map(|(_, n)| *n)
            .sum::<i64>()
    };
    let taken = queries::category(&state.db, edition.id, "visitor")
        .await?
        .map(|c| c.taken)
        .unwrap_or_default();
    println!(
        "  {} registrations in {:.2} s ({:.0}/s), errors {errors}, latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        latencies.len(),
        elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        percentile(&latencies, 1.0),
    );
    println!(
        "  confirmed {} (seats {SEATS}, counter {taken}), waitlisted {} → {}",
        count("confirmed"),
        count("waitlisted"),
        if errors == 0
            && count("confirmed") == SEATS
            && taken == SEATS
            && count("waitlisted") == PEOPLE as i64 - SEATS
            && elapsed < Duration::from_secs(60)
        {
            "target met"
        } else {
            "TARGET MISSED"
        }
    );

    // 2. Door scans.
    let registrations = queries::registrations(&state.db, edition.id).await?;
    let mut codes = Vec::new();
    for r in registrations.iter().filter(|r| r.has_badge()) {
        if let Some(code) = kene::registration::badge_code(&state.db, r).await? {
            codes.push(code);
        }
    }
    let keys = kene::checkin::verifying_keys(&state, edition.id).await?;
    let verify_started = Instant::now();
    let mut verified = 0;
    for code in codes.iter().cycle().take(20_000) {
        if kene::checkin::read_badge(code, edition.id, &keys).is_ok() {
            verified += 1;
        }
    }
    let verify_secs = verify_started.elapsed().as_secs_f64();
    println!("== door scans: {SCANS} scans of {} badges, {PER_REQUEST} per request, {PHONES} phones at once ==", codes.len());
    println!(
        "  signature checks alone (one core): {:.0}/s",
        f64::from(verified) / verify_secs
    );
    let codes = Arc::new(codes);
    let started = Instant::now();
    let mut phones = Vec::new();
    for phone in 0..PHONES {
        let (client, codes, cookie) = (client.clone(), codes.clone(), staff_cookie.clone());
        let url = format!("{base}/checkin/sdn-2027/scans");
        phones.push(tokio::spawn(async move {
            let mut outcomes = (0usize, 0usize);
            let batches = SCANS / PER_REQUEST / PHONES;
            for b in 0..batches {
                let scans: Vec<serde_json::Value> = (0..PER_REQUEST)
                    .map(|i| {
                        let n = (phone * batches + b) * PER_REQUEST + i;
                        serde_json::json!({
                            "id": format!("p{phone}-{n}"),
                            "code": codes[n % codes.len()],
                            "room": null,
                            "direction": "in",
                            "at": 1_769_680_800_000_i64 + n as i64,
                        })
                    })
                    .collect();
                let response = client
                    .post(&url)
                    .header(COOKIE, &cookie)
                    .header("x-csrf-token", CSRF)
                    .json(
                        &serde_json::json!({ "device": format!("phone-{phone}"), "scans": scans }),
                    )
                    .send()
                    .await;
                let Ok(response) = response else {
                    outcomes.1 += PER_REQUEST;
                    continue;
                };
                let Ok(answer) = response.json::<serde_json::Value>().await else {
                    outcomes.1 += PER_REQUEST;
                    continue;
                };
                for o in answer["outcomes"].as_array().into_iter().flatten() {
                    match o["result"].as_str() {
                        Some("admitted" | "duplicate") => outcomes.0 += 1,
                        _ => outcomes.1 += 1,
                    }
                }
            }
            outcomes
        }));
    }
    let (mut recorded, mut refused) = (0, 0);
    for phone in phones {
        let (ok, bad) = phone.await?;
        recorded += ok;
        refused += bad;
    }
    let secs = started.elapsed().as_secs_f64();
    let rate = recorded as f64 / secs;
    println!(
        "  {recorded} scans verified and recorded in {secs:.2} s: {rate:.0} scans/s, {refused} refused → {}",
        if rate >= 5_000.0 && refused == 0 { "target met" } else { "TARGET MISSED" }
    );

    // 3. The offline door page for 5,000 badges.
    let more = people(&state, "door", BADGES_OFFLINE - codes.len()).await?;
    let unlimited = queries::CategorySettings {
        capacity: None,
        ..seats
    };
    let visitors = queries::category(&state.db, edition.id, "visitor")
        .await?
        .ok_or_else(|| anyhow::anyhow!("no visitor category"))?;
    let mut tx = state.db.begin().await?;
    actions::change_category(
        &mut tx,
        (&site, &edition),
        &visitors,
        unlimited,
        (admin.id, state.now_ms()),
    )
    .await?
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    tx.commit().await?;
    let visitors = queries::category(&state.db, edition.id, "visitor")
        .await?
        .ok_or_else(|| anyhow::anyhow!("no visitor category"))?;
    let mut tx = state.db.begin().await?;
    for (id, _) in &more {
        let r = actions::Registration {
            category: &visitors,
            attendance: kene::registration::rules::Attendance::InPerson,
            display_name: "Participant",
            organisation: "",
            answers: "{}",
            notify: false,
        };
        let _ =
            actions::register(&mut tx, (&site, &edition), *id, &r, (*id, state.now_ms())).await?;
    }
    tx.commit().await?;
    let valid = kene::checkin::queries::valid_badges(&state.db, edition.id).await?;
    println!("== the offline door page, {} valid badges ==", valid.len());
    let fetch = |path: String, compressed: bool| {
        let client = client.clone();
        let cookie = staff_cookie.clone();
        async move {
            let mut request = client.get(&path).header(COOKIE, cookie);
            if compressed {
                request = request.header(ACCEPT_ENCODING, "br, gzip");
            }
            let response = request.send().await?;
            anyhow::ensure!(
                response.status().is_success(),
                "GET {path}: {}",
                response.status()
            );
            let headers: usize = response
                .headers()
                .iter()
                .map(|(k, v)| k.as_str().len() + v.len() + 4)
                .sum::<usize>()
                + 17;
            let body = response.bytes().await?;
            Ok::<_, anyhow::Error>((
                headers + body.len(),
                String::from_utf8_lossy(&body).into_owned(),
            ))
        }
    };
    let (_, page) = fetch(format!("{base}/checkin/sdn-2027"), false).await?;
    let mut parts: Vec<String> = vec![
        "/checkin/sdn-2027".into(),
        "/checkin/sdn-2027/offline.json".into(),
        "/checkin/sw.js".into(),
    ];
    for marker in ["src=\"", "href=\""] {
        for piece in page.split(marker).skip(1) {
            let url = piece.split('"').next().unwrap_or_default();
            if url.starts_with("/static/") && (url.ends_with(".js") || url.ends_with(".css")) {
                parts.push(url.to_owned());
            }
        }
    }
    let (mut stored, mut sent) = (0, 0);
    for part in &parts {
        let (plain, _) = fetch(format!("{base}{part}"), false).await?;
        let (compressed, _) = fetch(format!("{base}{part}"), true).await?;
        println!("  {part}: {plain} B stored, {compressed} B transferred");
        stored += plain;
        sent += compressed;
    }
    println!(
        "  total: {:.1} KB stored, {:.1} KB transferred (target under 200 KB) → {}",
        stored as f64 / 1024.0,
        sent as f64 / 1024.0,
        if stored < 200 * 1024 {
            "target met"
        } else {
            "TARGET MISSED"
        }
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
