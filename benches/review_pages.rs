//! Weight of the reviewer's pages as a phone on a slow connection receives them: the queue
//! and the score form, each with the CSS and JavaScript it links, compressed (brotli or gzip,
//! as the server negotiates), headers included. Target (issue 3): under 20 KB each.
//!
//! Runs the real server in-process on loopback over a fresh SQLite database seeded with the
//! full demo (whose 2026 preselection is closed, so the score form also shows the other
//! reviewers' sheets: the heaviest case). `cargo bench --bench review_pages`.

use std::sync::Arc;

use kene::accounts::users;
use kene::app::RunningServer;
use kene::clock::SystemClock;
use kene::config::Config;
use kene::domain::types::Login;
use reqwest::header::{ACCEPT_ENCODING, CONTENT_ENCODING};

const TARGET_BYTES: usize = 20 * 1024;
const REVIEWER: &str = "evaluatrice1@kene.demo";
const PASSWORD: &str = "banc d'essai des pages";

struct Transfer {
    bytes: usize,
    encoding: String,
    body: String,
}

async fn fetch(client: &reqwest::Client, url: &str, compressed: bool) -> anyhow::Result<Transfer> {
    let mut request = client.get(url);
    if compressed {
        request = request.header(ACCEPT_ENCODING, "br, gzip");
    }
    let response = request.send().await?;
    anyhow::ensure!(
        response.status().is_success(),
        "GET {url}: {}",
        response.status()
    );
    let headers: usize = response
        .headers()
        .iter()
        .map(|(k, v)| k.as_str().len() + v.len() + 4)
        .sum::<usize>()
        + 17;
    let encoding = response
        .headers()
        .get(CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("identity")
        .to_owned();
    let body = response.bytes().await?;
    Ok(Transfer {
        bytes: headers + body.len(),
        encoding,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

fn attribute_values<'a>(html: &'a str, attribute: &str) -> Vec<&'a str> {
    html.split(attribute)
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect()
}

/// The page plus every stylesheet and script it links, compressed.
async fn page_weight(client: &reqwest::Client, base: &str, path: &str) -> anyhow::Result<()> {
    let plain = fetch(client, &format!("{base}{path}"), false).await?;
    let page = fetch(client, &format!("{base}{path}"), true).await?;
    let mut total = page.bytes;
    println!(
        "  {path}: {} B ({}, {} B uncompressed)",
        page.bytes, page.encoding, plain.bytes
    );
    let assets: Vec<&str> = attribute_values(&plain.body, "href=\"")
        .into_iter()
        .filter(|h| h.ends_with(".css"))
        .chain(
            attribute_values(&plain.body, "src=\"")
                .into_iter()
                .filter(|s| s.ends_with(".js")),
        )
        .collect();
    for asset in assets {
        let t = fetch(client, &format!("{base}{asset}"), true).await?;
        println!("  {asset}: {} B ({})", t.bytes, t.encoding);
        total += t.bytes;
    }
    let verdict = if total < TARGET_BYTES {
        "MET"
    } else {
        "NOT MET"
    };
    println!(
        "  total {:.1} KB transferred (target < 20 KB): {verdict}\n",
        total as f64 / 1024.0
    );
    Ok(())
}

async fn run() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let config = Config {
        data_dir: dir.path().to_path_buf(),
        ..Config::default()
    };
    let state = kene::app::prepare(config, Arc::new(SystemClock)).await?;
    kene::demo::seed(&state).await?;
    let login = Login::parse(REVIEWER).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let reviewer = users::find_by_login(&state.db, &login)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo has no {REVIEWER}"))?;
    let hash = kene::accounts::hash_password(PASSWORD).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut tx = state.db.begin().await?;
    users::set_password(&mut tx, reviewer.id, &hash).await?;
    tx.commit().await?;

    let server = RunningServer::start(state, "127.0.0.1:0".parse()?).await?;
    let base = format!("http://{}", server.addr);
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let login_page = fetch(&client, &format!("{base}/login"), false).await?;
    let csrf = attribute_values(&login_page.body, "name=\"csrf\" value=\"")
        .first()
        .map(|s| s.to_string())
        .ok_or_else(|| anyhow::anyhow!("no CSRF token on /login"))?;
    let response = client
        .post(format!("{base}/login"))
        .header("origin", &base)
        .form(&[
            ("csrf", csrf.as_str()),
            ("login", REVIEWER),
            ("password", PASSWORD),
            ("next", "/"),
        ])
        .send()
        .await?;
    anyhow::ensure!(
        response.status().is_redirection(),
        "login: {}",
        response.status()
    );

    let queue = fetch(&client, &format!("{base}/review"), false).await?;
    let first = attribute_values(&queue.body, "href=\"")
        .into_iter()
        .find(|h| h.starts_with("/review/") && !h.starts_with("/review/panel/"))
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("the queue lists no dossier"))?;
    println!("== reviewer pages, compressed, with their CSS and JS ==");
    page_weight(&client, &base, "/review").await?;
    page_weight(&client, &base, &first).await?;
    server.stop().await;
    Ok(())
}

fn main() -> anyhow::Result<()> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(run())
}
