//! `deadline-rush`: the "deadline rush" load test of Kènè (see `load-tests/README.md`).
//!
//! Talks HTTP to a running `kene demo` on loopback, exactly as browsers with JavaScript off
//! would: real sessions (one cookie jar and one connection pool per virtual applicant), real
//! CSRF tokens read from the pages, real multipart uploads. Nothing is mocked.
//!
//! 1. Setup (not measured): the demo admin opens the 2027 tracks to a small bench form with
//!    up to 20 applications per applicant; N applicants sign up and verify their account
//!    (the code is read from the outbox table of the SQLite database).
//! 2. Page weight of the application form page (HTML + CSS + JS, compressed).
//! 3. Phase "rate" (open loop): applications are started at a fixed rate by whichever
//!    signed-in applicant is free; latencies count from the scheduled start, so a server that
//!    falls behind cannot hide it (no coordinated omission).
//! 4. Phase "max" (closed loop): every applicant goes through the flow again and again with
//!    no think time, for the server's maximum throughput.
//!
//! Prints figures and whether each target is met; always exits 0 unless the setup fails.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::Parser;
use hdrhistogram::Histogram;
use reqwest::header::{HeaderMap, ACCEPT_ENCODING, CONTENT_ENCODING, LOCATION};
use reqwest::{redirect, Client, RequestBuilder, StatusCode};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};

#[derive(Parser, Debug, Clone)]
#[command(
    name = "deadline-rush",
    about = "Deadline-rush load test against a running `kene demo`"
)]
struct Args {
    /// Base URL of the server (loopback).
    #[arg(long, default_value = "http://127.0.0.1:18080")]
    base: String,
    /// The server's SQLite database (`<data-dir>/kene.db`), read for verification codes and track ids.
    #[arg(long)]
    db: PathBuf,
    #[arg(long)]
    admin_login: String,
    #[arg(long)]
    admin_password: String,
    /// Slug of the edition whose call is open (the demo's 2027 edition).
    #[arg(long, default_value = "sdn-2027")]
    edition: String,
    /// How many of the edition's tracks get the bench form (each allows 20 applications per applicant).
    #[arg(long, default_value_t = 3)]
    tracks: usize,
    /// Pid of the `kene` process, for resident memory and CPU figures.
    #[arg(long)]
    server_pid: Option<u32>,
    /// Idle resident memory measured by the driver script before any request, in kB.
    #[arg(long)]
    idle_rss_kb: Option<u64>,
    /// Signed-in applicants (all sign up and verify before the measured phases).
    #[arg(long, default_value_t = 300)]
    users: usize,
    /// Sign-ups running at once during the setup.
    #[arg(long, default_value_t = 8)]
    signup_concurrency: usize,
    /// Open-loop phase: applications started per second (a little above the 300/s target, so
    /// that keeping up means sustaining at least the target).
    #[arg(long, default_value_t = 330.0)]
    rate: f64,
    /// Open-loop phase duration in seconds (0 skips it).
    #[arg(long, default_value_t = 20)]
    rate_secs: u64,
    /// Closed-loop phase duration in seconds (0 skips it).
    #[arg(long, default_value_t = 15)]
    max_secs: u64,
    /// Percentage of applications that upload the PDF before submitting.
    #[arg(long, default_value_t = 20)]
    upload_percent: u64,
    /// Size of the uploaded PDF in bytes.
    #[arg(long, default_value_t = 200 * 1024)]
    pdf_bytes: usize,
    /// After a phase, how long flows already started may still finish, in seconds.
    #[arg(long, default_value_t = 10)]
    grace_secs: u64,
}

// Targets (issue 2, "Benchmarks").
const TARGET_SUBMISSIONS_PER_SEC: f64 = 300.0;
const TARGET_P99_MS: f64 = 250.0;
const TARGET_IDLE_RSS_MB: f64 = 40.0;
const TARGET_PEAK_RSS_MB: f64 = 150.0;
const TARGET_PAGE_KB: f64 = 30.0;
/// Applications per applicant per track, set by the bench (the maximum the back office allows).
const MAX_PER_APPLICANT: u32 = 20;

/// Request kinds, in flow order. "flow" is one whole application (from its scheduled start in
/// the open-loop phase), "wait" the time an application waited for a free applicant.
const KINDS: [&str; 5] = ["apply", "form", "save", "upload", "submit"];

/// The form organisers give the bench tracks: one section, the usual field kinds, an optional
/// PDF, a required consent.
fn bench_form_json() -> String {
    let loc = |fr: &str, en: &str| serde_json::json!({ "fr": fr, "en": en });
    let domains: Vec<_> = [
        "e-administration",
        "fintech",
        "agritech",
        "e-sante",
        "e-learning",
        "cybersecurite",
    ]
    .iter()
    .map(|d| serde_json::json!({ "value": d, "label": loc(d, d) }))
    .collect();
    serde_json::json!({
        "sections": [{
            "key": "dossier",
            "title": loc("Votre dossier", "Your application"),
            "fields": [
                { "key": "project_title", "label": loc("Nom du projet", "Project name"), "required": true,
                  "kind": { "type": "text", "max_len": 200 } },
                { "key": "email", "label": loc("E-mail de contact", "Contact e-mail"), "required": true, "personal": true,
                  "kind": { "type": "email" } },
                { "key": "phone", "label": loc("Téléphone", "Phone"), "required": true, "personal": true,
                  "kind": { "type": "phone" } },
                { "key": "domain", "label": loc("Domaine", "Domain"), "required": true,
                  "kind": { "type": "single_choice", "options": domains } },
                { "key": "summary", "label": loc("Résumé du projet", "Project summary"), "required": true,
                  "kind": { "type": "long_text", "max_len": 2000 } },
                { "key": "pitch_deck", "label": loc("Présentation (PDF)", "Pitch deck (PDF)"), "required": false,
                  "kind": { "type": "file", "kinds": ["pdf"], "max_bytes": 1_048_576 } },
                { "key": "consent", "label": loc("J'accepte le règlement.", "I accept the rules."), "required": true,
                  "kind": { "type": "consent" } }
            ]
        }]
    })
    .to_string()
}

const FILE_FIELD: &str = "pitch_deck";

fn pdf(size: usize) -> &'static [u8] {
    let mut bytes = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n1 0 obj << /Type /Catalog >> endobj\n".to_vec();
    let tail = b"\n%%EOF\n";
    let mut i: u32 = 0;
    while bytes.len() + tail.len() < size {
        // Varied filler, so that nothing on the way can compress it to nothing.
        i = i.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        bytes.push(b' ' + u8::try_from((i >> 16) % 90).unwrap_or(0));
    }
    bytes.extend_from_slice(tail);
    bytes.truncate(size.max(16));
    Box::leak(bytes.into_boxed_slice())
}

// ---------------------------------------------------------------------------------------------
// HTML helpers (the pages are ours: simple string scanning is enough)
// ---------------------------------------------------------------------------------------------

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|&e| e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let ch = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            e if e.starts_with("#x") || e.starts_with("#X") => u32::from_str_radix(&e[2..], 16)
                .ok()
                .and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `value` of the `<input>` named `name`.
fn input_value(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\""))?;
    let tag_start = html[..at].rfind('<')?;
    let tag_end = at + html[at..].find('>')?;
    let tag = &html[tag_start..tag_end];
    let v = tag.find("value=\"")? + 7;
    let len = tag[v..].find('"')?;
    Some(unescape(&tag[v..v + len]))
}

/// The content of the `<textarea>` named `name`.
fn textarea_value(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\""))?;
    let start = at + html[at..].find('>')? + 1;
    let len = html[start..].find("</textarea>")?;
    Some(unescape(&html[start..start + len]))
}

fn csrf_of(html: &str) -> Option<String> {
    input_value(html, "csrf")
}

/// `href`/`src` of the page's stylesheet and scripts.
fn asset_urls(html: &str) -> Vec<String> {
    let mut urls = Vec::new();
    for (tag, attr) in [("<link", "href=\""), ("<script", "src=\"")] {
        let mut rest = html;
        while let Some(i) = rest.find(tag) {
            rest = &rest[i + tag.len()..];
            let end = rest.find('>').unwrap_or(rest.len());
            let t = &rest[..end];
            if tag == "<link" && !t.contains("stylesheet") {
                continue;
            }
            if let Some(a) = t.find(attr) {
                let v = &t[a + attr.len()..];
                if let Some(q) = v.find('"') {
                    urls.push(unescape(&v[..q]));
                }
            }
        }
    }
    urls
}

/// Readable text of an error page, for the first errors.
fn page_text(html: &str) -> String {
    let body = html.find("<main").map_or(html, |i| &html[i..]);
    let mut out = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let text = unescape(&out.split_whitespace().collect::<Vec<_>>().join(" "));
    text.chars().take(700).collect()
}

fn six_digit_code(body: &str) -> Option<String> {
    let b = body.as_bytes();
    (0..b.len().saturating_sub(5)).find_map(|i| {
        let run = &b[i..i + 6];
        let before = i.checked_sub(1).map(|j| b[j]);
        let after = b.get(i + 6).copied();
        (run.iter().all(u8::is_ascii_digit)
            && !before.is_some_and(|c| c.is_ascii_digit())
            && !after.is_some_and(|c| c.is_ascii_digit()))
        .then(|| String::from_utf8_lossy(run).into_owned())
    })
}

fn location(headers: &HeaderMap) -> String {
    headers
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

// ---------------------------------------------------------------------------------------------
// Statistics
// ---------------------------------------------------------------------------------------------

fn histogram() -> Histogram<u64> {
    // Microseconds, 1 µs to 5 min, 3 significant digits.
    Histogram::new_with_bounds(1, 300_000_000, 3)
        .unwrap_or_else(|_| Histogram::new(3).expect("histogram"))
}

#[derive(Clone)]
struct Stats {
    hist: BTreeMap<&'static str, Histogram<u64>>,
    errors: BTreeMap<&'static str, u64>,
    started: u64,
    completed: u64,
    completed_in_window: u64,
    uploads: u64,
    exhausted_users: u64,
    /// Scheduled applications taken but not run (applicant exhausted, or far past the window).
    dropped: u64,
}

impl Stats {
    fn new() -> Stats {
        let mut hist = BTreeMap::new();
        for k in KINDS.iter().chain(["flow", "wait"].iter()) {
            hist.insert(*k, histogram());
        }
        Stats {
            hist,
            errors: BTreeMap::new(),
            started: 0,
            completed: 0,
            completed_in_window: 0,
            uploads: 0,
            exhausted_users: 0,
            dropped: 0,
        }
    }

    fn record(&mut self, kind: &'static str, d: Duration) {
        let us = u64::try_from(d.as_micros()).unwrap_or(u64::MAX).max(1);
        if let Some(h) = self.hist.get_mut(kind) {
            h.saturating_record(us);
        }
    }

    fn merge(&mut self, other: &Stats) {
        for (k, h) in &other.hist {
            if let Some(mine) = self.hist.get_mut(k) {
                let _ = mine.add(h);
            }
        }
        for (k, n) in &other.errors {
            *self.errors.entry(k).or_default() += n;
        }
        self.started += other.started;
        self.completed += other.completed;
        self.completed_in_window += other.completed_in_window;
        self.uploads += other.uploads;
        self.exhausted_users += other.exhausted_users;
        self.dropped += other.dropped;
    }

    fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }

    fn p(&self, kind: &str, q: f64) -> f64 {
        self.hist
            .get(kind)
            .map_or(0.0, |h| h.value_at_quantile(q) as f64 / 1000.0)
    }
}

// ---------------------------------------------------------------------------------------------
// Virtual applicants
// ---------------------------------------------------------------------------------------------

struct User {
    client: Client,
    csrf: String,
    login: String,
    /// Applications started per bench track.
    used: Vec<u32>,
    /// Rotates the track an applicant applies to.
    next_track: usize,
}

struct Shared {
    base: String,
    edition: String,
    track_slugs: Vec<String>,
    pdf: &'static [u8],
    upload_percent: u64,
    flow_counter: AtomicU64,
    errors_shown: AtomicUsize,
}

fn client() -> Result<Client> {
    Ok(Client::builder()
        .cookie_store(true)
        .redirect(redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(2)
        .tcp_nodelay(true)
        .build()?)
}

struct Reply {
    status: StatusCode,
    location: String,
    body: String,
}

/// Sends one request, reading the whole body, and records its latency under `kind`.
async fn timed(
    stats: &mut Stats,
    kind: &'static str,
    req: RequestBuilder,
) -> Result<Reply, String> {
    let t = Instant::now();
    let result = async {
        let resp = req.send().await?;
        let status = resp.status();
        let location = location(resp.headers());
        let body = resp.text().await?;
        Ok::<_, reqwest::Error>(Reply {
            status,
            location,
            body,
        })
    }
    .await;
    stats.record(kind, t.elapsed());
    result.map_err(|e| format!("transport error: {e}"))
}

/// Counts an error and prints the first few with what the server said.
fn fail(sh: &Shared, stats: &mut Stats, kind: &'static str, what: &str, reply: Option<&Reply>) {
    *stats.errors.entry(kind).or_default() += 1;
    if sh.errors_shown.fetch_add(1, Ordering::Relaxed) < 5 {
        match reply {
            Some(r) => eprintln!(
                "  ! error on {kind}: {what}: HTTP {} location={:?}\n    page: {}",
                r.status.as_u16(),
                r.location,
                page_text(&r.body)
            ),
            None => eprintln!("  ! error on {kind}: {what}"),
        }
    }
}

enum FlowEnd {
    Submitted,
    Failed,
    /// The applicant used all their applications on every bench track.
    Exhausted,
}

fn field_values(user: &User, n: u64) -> Vec<(&'static str, String)> {
    let domains = [
        "e-administration",
        "fintech",
        "agritech",
        "e-sante",
        "e-learning",
        "cybersecurite",
    ];
    let domain = domains[usize::try_from(n % 6).unwrap_or(0)];
    vec![
        ("csrf", user.csrf.clone()),
        ("project_title", format!("Projet n°{n} — plateforme « Sahel Connect »")),
        ("email", user.login.clone()),
        ("phone", format!("76 {:02} {:02} {:02}", n % 100, (n / 100) % 100, (n / 10_000) % 100)),
        ("domain", domain.to_owned()),
        (
            "summary",
            format!(
                "Dossier {n}. Notre solution numérise les démarches des coopératives agricoles de Ségou, \
                 Sikasso et Mopti : inscription des membres, suivi des récoltes, paiement mobile des \
                 intrants et tableaux de bord pour les unions. Pilote avec 1 200 producteurs en 2026, \
                 équipe de 5 personnes dont 3 femmes, revenus par abonnement des unions et commissions \
                 sur les paiements. Besoin : accompagnement, mise en relation avec les opérateurs, \
                 financement d'amorçage pour couvrir deux nouvelles régions."
            ),
        ),
        ("consent", "yes".to_owned()),
        ("action", "next".to_owned()),
    ]
}

/// One application: apply → load the form → save the draft → (upload) → submit.
async fn flow(user: &mut User, sh: &Shared, stats: &mut Stats) -> FlowEnd {
    let tracks = sh.track_slugs.len();
    let Some(track) = (0..tracks)
        .map(|k| (user.next_track + k) % tracks)
        .find(|&t| user.used[t] < MAX_PER_APPLICANT)
    else {
        return FlowEnd::Exhausted;
    };
    user.next_track = (track + 1) % tracks;
    let n = sh.flow_counter.fetch_add(1, Ordering::Relaxed);
    let upload = n % 100 < sh.upload_percent;
    stats.started += 1;
    let base = &sh.base;

    // 1. Start an application on the track page.
    let url = format!(
        "{base}/calls/{}/{}/apply",
        sh.edition, sh.track_slugs[track]
    );
    let r = match timed(
        stats,
        "apply",
        user.client.post(&url).form(&[("csrf", &user.csrf)]),
    )
    .await
    {
        Ok(r) => r,
        Err(e) => return fail_flow(sh, stats, "apply", &e, None),
    };
    user.used[track] += 1;
    let id = match r
        .location
        .strip_prefix("/applications/")
        .and_then(|s| s.strip_suffix("/edit/0"))
    {
        Some(id) if r.status == StatusCode::SEE_OTHER => id.to_owned(),
        _ => {
            return fail_flow(
                sh,
                stats,
                "apply",
                "expected 303 to /applications/{id}/edit/0",
                Some(&r),
            )
        }
    };
    let app_url = format!("{base}/applications/{id}");

    // 2. The form page.
    let r = match timed(stats, "form", user.client.get(format!("{app_url}/edit/0"))).await {
        Ok(r) => r,
        Err(e) => return fail_flow(sh, stats, "form", &e, None),
    };
    let action = format!("action=\"/applications/{id}/edit/0\"");
    if r.status != StatusCode::OK || !r.body.contains(&action) {
        return fail_flow(
            sh,
            stats,
            "form",
            "expected 200 with the section form",
            Some(&r),
        );
    }
    match csrf_of(&r.body) {
        Some(token) => user.csrf = token,
        None => return fail_flow(sh, stats, "form", "no CSRF token in the form", Some(&r)),
    }

    // 3. Save the draft ("next" → review page).
    let fields = field_values(user, n);
    let r = match timed(
        stats,
        "save",
        user.client.post(format!("{app_url}/edit/0")).form(&fields),
    )
    .await
    {
        Ok(r) => r,
        Err(e) => return fail_flow(sh, stats, "save", &e, None),
    };
    if r.status != StatusCode::SEE_OTHER || r.location != format!("/applications/{id}/review") {
        return fail_flow(
            sh,
            stats,
            "save",
            "expected 303 to the review page",
            Some(&r),
        );
    }

    // 4. Some attach the 200 KB PDF (csrf part first, then the file).
    if upload {
        let form = reqwest::multipart::Form::new()
            .text("csrf", user.csrf.clone())
            .part(
                "file",
                reqwest::multipart::Part::bytes(sh.pdf)
                    .file_name(format!("dossier-{n}.pdf"))
                    .mime_str("application/pdf")
                    .unwrap_or_else(|_| reqwest::multipart::Part::bytes(sh.pdf)),
            );
        let req = user
            .client
            .post(format!("{app_url}/files/{FILE_FIELD}"))
            .multipart(form);
        let r = match timed(stats, "upload", req).await {
            Ok(r) => r,
            Err(e) => return fail_flow(sh, stats, "upload", &e, None),
        };
        if r.status != StatusCode::SEE_OTHER
            || !r
                .location
                .starts_with(&format!("/applications/{id}/edit/0"))
        {
            return fail_flow(
                sh,
                stats,
                "upload",
                "expected 303 back to the form",
                Some(&r),
            );
        }
        stats.uploads += 1;
    }

    // 5. Submit.
    let r = match timed(
        stats,
        "submit",
        user.client
            .post(format!("{app_url}/submit"))
            .form(&[("csrf", &user.csrf)]),
    )
    .await
    {
        Ok(r) => r,
        Err(e) => return fail_flow(sh, stats, "submit", &e, None),
    };
    if r.status != StatusCode::SEE_OTHER || r.location != format!("/applications/{id}/receipt") {
        return fail_flow(sh, stats, "submit", "expected 303 to the receipt", Some(&r));
    }
    FlowEnd::Submitted
}

fn fail_flow(
    sh: &Shared,
    stats: &mut Stats,
    kind: &'static str,
    what: &str,
    reply: Option<&Reply>,
) -> FlowEnd {
    fail(sh, stats, kind, what, reply);
    FlowEnd::Failed
}

// ---------------------------------------------------------------------------------------------
// Setup: organiser, sign-ups
// ---------------------------------------------------------------------------------------------

async fn get_csrf(client: &Client, url: &str) -> Result<String> {
    let resp = client.get(url).send().await?;
    let status = resp.status();
    let body = resp.text().await?;
    if status != StatusCode::OK {
        bail!("GET {url}: HTTP {status}: {}", page_text(&body));
    }
    csrf_of(&body).with_context(|| format!("no CSRF token on {url}"))
}

async fn admin_setup(args: &Args, db: &SqlitePool) -> Result<Vec<String>> {
    let base = &args.base;
    let client = client()?;
    let csrf = get_csrf(&client, &format!("{base}/login")).await?;
    let resp = client
        .post(format!("{base}/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("login", &args.admin_login),
            ("password", &args.admin_password),
            ("next", "/admin"),
        ])
        .send()
        .await?;
    if resp.status() != StatusCode::SEE_OTHER || location(resp.headers()) != "/admin" {
        let status = resp.status();
        bail!(
            "admin login failed: HTTP {status}: {}",
            page_text(&resp.text().await?)
        );
    }
    let tracks: Vec<(i64, String)> = sqlx::query_as(
        "SELECT t.id, t.slug FROM tracks t JOIN editions e ON e.id = t.edition_id \
         WHERE e.slug = $1 ORDER BY t.position, t.id",
    )
    .bind(&args.edition)
    .fetch_all(db)
    .await?;
    if tracks.is_empty() {
        bail!("edition {} has no track", args.edition);
    }
    let form_json = bench_form_json();
    let mut slugs = Vec::new();
    for (id, slug) in tracks.into_iter().take(args.tracks.max(1)) {
        let url = format!("{base}/admin/tracks/{id}");
        let resp = client.get(&url).send().await?;
        let status = resp.status();
        let page = resp.text().await?;
        if status != StatusCode::OK {
            bail!("GET {url}: HTTP {status}: {}", page_text(&page));
        }
        let v = |name: &str| input_value(&page, name).unwrap_or_default();
        let t = |name: &str| textarea_value(&page, name).unwrap_or_default();
        let fields = [
            ("csrf", csrf_of(&page).unwrap_or_default()),
            ("name_fr", v("name_fr")),
            ("name_en", v("name_en")),
            ("description_fr", t("description_fr")),
            ("description_en", t("description_en")),
            ("opens_at", v("opens_at")),
            ("closes_at", v("closes_at")),
            ("max_per_applicant", MAX_PER_APPLICANT.to_string()),
            ("form_json", form_json.clone()),
            ("rules_json", "[]".to_owned()),
            // The version the page was loaded from: a save over a newer one is refused.
            ("version", v("version")),
        ];
        let resp = client.post(&url).form(&fields).send().await?;
        if resp.status() != StatusCode::SEE_OTHER {
            let status = resp.status();
            bail!(
                "saving track {id} ({slug}) failed: HTTP {status}: {}",
                page_text(&resp.text().await?)
            );
        }
        println!(
            "  track {id} ({}/{slug}): bench form, {MAX_PER_APPLICANT} applications per applicant, open {} → {}",
            args.edition,
            v("opens_at"),
            v("closes_at")
        );
        slugs.push(slug);
    }
    Ok(slugs)
}

async fn sign_up(
    base: &str,
    db: &SqlitePool,
    i: usize,
    nonce: &str,
    tracks: usize,
) -> Result<User> {
    let client = client()?;
    let csrf = get_csrf(&client, &format!("{base}/signup")).await?;
    let login = format!("rush{i}.{nonce}@bench.example");
    let password = format!("bench-pass-{i}-{nonce}");
    let resp = client
        .post(format!("{base}/signup"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("display_name", &format!("Candidate {i}")),
            ("login", &login),
            ("password", &password),
            ("next", "/"),
        ])
        .send()
        .await?;
    let loc = location(resp.headers());
    if resp.status() != StatusCode::SEE_OTHER || !loc.starts_with("/verify?") {
        let status = resp.status();
        bail!(
            "sign-up {i}: HTTP {status}: {}",
            page_text(&resp.text().await?)
        );
    }
    let body: String =
        sqlx::query_scalar("SELECT body FROM outbox WHERE recipient = $1 ORDER BY id DESC LIMIT 1")
            .bind(&login)
            .fetch_one(db)
            .await
            .with_context(|| format!("no verification message for {login} in the outbox"))?;
    let code = six_digit_code(&body).with_context(|| format!("no 6-digit code in {body:?}"))?;
    let resp = client
        .post(format!("{base}/verify"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("login", &login),
            ("code", &code),
            ("next", "/"),
        ])
        .send()
        .await?;
    if resp.status() != StatusCode::SEE_OTHER {
        let status = resp.status();
        bail!(
            "verify {i}: HTTP {status}: {}",
            page_text(&resp.text().await?)
        );
    }
    // Signed in: the applicant's own page answers instead of redirecting to the login.
    let resp = client.get(format!("{base}/applications")).send().await?;
    if resp.status() != StatusCode::OK {
        bail!(
            "applicant {i} is not signed in after verification (HTTP {})",
            resp.status()
        );
    }
    let _ = resp.bytes().await;
    Ok(User {
        client,
        csrf,
        login,
        used: vec![0; tracks],
        next_track: i % tracks.max(1),
    })
}

async fn sign_up_all(args: &Args, db: &SqlitePool, tracks: usize) -> Result<Vec<User>> {
    let nonce = format!(
        "{}{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() % 100_000)
            .unwrap_or(0)
    );
    let sem = Arc::new(tokio::sync::Semaphore::new(args.signup_concurrency.max(1)));
    let mut set = tokio::task::JoinSet::new();
    for i in 0..args.users {
        let sem = sem.clone();
        let base = args.base.clone();
        let db = db.clone();
        let nonce = nonce.clone();
        set.spawn(async move {
            let _permit = sem.acquire_owned().await;
            sign_up(&base, &db, i, &nonce, tracks).await
        });
    }
    let mut users = Vec::with_capacity(args.users);
    while let Some(res) = set.join_next().await {
        users.push(res??);
    }
    Ok(users)
}

// ---------------------------------------------------------------------------------------------
// Page weight
// ---------------------------------------------------------------------------------------------

struct Transfer {
    url: String,
    encoding: String,
    body_bytes: usize,
    header_bytes: usize,
    identity_bytes: usize,
}

async fn fetch_size(
    client: &Client,
    url: &str,
    encoded: bool,
) -> Result<(usize, usize, String, String)> {
    let mut req = client.get(url);
    if encoded {
        req = req.header(ACCEPT_ENCODING, "gzip, br");
    }
    let resp = req.send().await?;
    if resp.status() != StatusCode::OK {
        bail!("GET {url}: HTTP {}", resp.status());
    }
    let header_bytes = resp
        .headers()
        .iter()
        .map(|(k, v)| k.as_str().len() + v.len() + 4)
        .sum::<usize>()
        + 17;
    let encoding = resp
        .headers()
        .get(CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("identity")
        .to_owned();
    let bytes = resp.bytes().await?;
    Ok((
        bytes.len(),
        header_bytes,
        encoding,
        String::from_utf8_lossy(&bytes).into_owned(),
    ))
}

async fn page_weight(user: &mut User, sh: &Shared) -> Result<Vec<Transfer>> {
    let url = format!(
        "{}/calls/{}/{}/apply",
        sh.base, sh.edition, sh.track_slugs[0]
    );
    let resp = user
        .client
        .post(&url)
        .form(&[("csrf", &user.csrf)])
        .send()
        .await?;
    user.used[0] += 1;
    let loc = location(resp.headers());
    if resp.status() != StatusCode::SEE_OTHER {
        bail!("apply for the page-weight check: HTTP {}", resp.status());
    }
    let page = format!("{}{loc}", sh.base);
    // Without Accept-Encoding first (reqwest here has no decompression), to read the asset URLs.
    let (plain, _, _, html) = fetch_size(&user.client, &page, false).await?;
    let mut out = Vec::new();
    let (body, headers, enc, _) = fetch_size(&user.client, &page, true).await?;
    out.push(Transfer {
        url: loc,
        encoding: enc,
        body_bytes: body,
        header_bytes: headers,
        identity_bytes: plain,
    });
    for asset in asset_urls(&html) {
        let full = if asset.starts_with("http") {
            asset.clone()
        } else {
            format!("{}{asset}", sh.base)
        };
        let (plain, _, _, _) = fetch_size(&user.client, &full, false).await?;
        let (body, headers, enc, _) = fetch_size(&user.client, &full, true).await?;
        out.push(Transfer {
            url: asset,
            encoding: enc,
            body_bytes: body,
            header_bytes: headers,
            identity_bytes: plain,
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Process figures
// ---------------------------------------------------------------------------------------------

fn status_kb(pid: u32, key: &str) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines()
        .find(|l| l.starts_with(key))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// utime + stime in seconds (USER_HZ = 100 on Linux).
fn cpu_secs(pid: &str) -> f64 {
    let Ok(s) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0.0;
    };
    let Some(after) = s.rfind(')').map(|i| &s[i + 1..]) else {
        return 0.0;
    };
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

/// Machine-wide (busy, total) jiffies from /proc/stat, to see whether something else ran.
fn machine_jiffies() -> (f64, f64) {
    let Ok(s) = std::fs::read_to_string("/proc/stat") else {
        return (0.0, 0.0);
    };
    let Some(line) = s.lines().find(|l| l.starts_with("cpu ")) else {
        return (0.0, 0.0);
    };
    let v: Vec<f64> = line
        .split_whitespace()
        .skip(1)
        .filter_map(|x| x.parse().ok())
        .collect();
    let total: f64 = v.iter().take(8).sum();
    let idle = v.get(3).copied().unwrap_or(0.0) + v.get(4).copied().unwrap_or(0.0);
    (total - idle, total)
}

fn cores() -> f64 {
    std::thread::available_parallelism().map_or(1.0, |n| n.get() as f64)
}

struct RssSampler {
    samples: Arc<Mutex<Vec<(Instant, u64)>>>,
}

impl RssSampler {
    fn start(pid: Option<u32>) -> RssSampler {
        let samples = Arc::new(Mutex::new(Vec::new()));
        if let Some(pid) = pid {
            let s = samples.clone();
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(Duration::from_millis(50));
                loop {
                    tick.tick().await;
                    match status_kb(pid, "VmRSS:") {
                        Some(kb) => s
                            .lock()
                            .map(|mut v| v.push((Instant::now(), kb)))
                            .unwrap_or(()),
                        None => break,
                    }
                }
            });
        }
        RssSampler { samples }
    }

    fn max_between(&self, from: Instant, to: Instant) -> Option<u64> {
        let v = self.samples.lock().ok()?;
        v.iter()
            .filter(|(t, _)| *t >= from && *t <= to)
            .map(|(_, kb)| *kb)
            .max()
    }
}

// ---------------------------------------------------------------------------------------------
// Phases
// ---------------------------------------------------------------------------------------------

struct PhaseResult {
    name: &'static str,
    secs: f64,
    stats: Stats,
    backlog: u64,
    peak_rss_kb: Option<u64>,
    server_cpu: f64,
    bench_cpu: f64,
    /// Machine-wide busy CPU seconds over the phase (all processes).
    machine_cpu: f64,
    wall: f64,
}

impl PhaseResult {
    fn rate(&self) -> f64 {
        self.stats.completed_in_window as f64 / self.secs
    }
}

/// Open loop: `rate` applications per second are scheduled; a free applicant takes each one.
async fn phase_rate(
    users: Vec<User>,
    sh: Arc<Shared>,
    rate: f64,
    secs: u64,
    grace: Duration,
) -> (Vec<User>, Stats, u64, Instant) {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<Instant>();
    let rx = Arc::new(tokio::sync::Mutex::new(rx));
    let t0 = Instant::now() + Duration::from_millis(100);
    let end = t0 + Duration::from_secs(secs);
    let total = (rate * secs as f64).round() as u64;
    let dispatcher = tokio::spawn(async move {
        for k in 0..total {
            let at = t0 + Duration::from_secs_f64(k as f64 / rate);
            tokio::time::sleep_until(at.into()).await;
            if tx.send(at).is_err() {
                break;
            }
        }
    });
    let mut set = tokio::task::JoinSet::new();
    for mut user in users {
        let rx = rx.clone();
        let sh = sh.clone();
        set.spawn(async move {
            let mut stats = Stats::new();
            loop {
                let scheduled = { rx.lock().await.recv().await };
                let Some(scheduled) = scheduled else { break };
                if Instant::now() > end + grace {
                    // Too far behind: leave the rest of the schedule as backlog.
                    stats.dropped += 1;
                    break;
                }
                stats.record("wait", Instant::now().saturating_duration_since(scheduled));
                match flow(&mut user, &sh, &mut stats).await {
                    FlowEnd::Submitted => {
                        stats.completed += 1;
                        if Instant::now() <= end {
                            stats.completed_in_window += 1;
                        }
                        stats.record("flow", scheduled.elapsed());
                    }
                    FlowEnd::Failed => stats.record("flow", scheduled.elapsed()),
                    FlowEnd::Exhausted => {
                        stats.exhausted_users += 1;
                        stats.dropped += 1;
                        break;
                    }
                }
            }
            (user, stats)
        });
    }
    let _ = dispatcher.await;
    let mut users = Vec::new();
    let mut stats = Stats::new();
    while let Some(Ok((user, s))) = set.join_next().await {
        stats.merge(&s);
        users.push(user);
    }
    let backlog = {
        let mut rx = rx.lock().await;
        let mut n = 0;
        while rx.try_recv().is_ok() {
            n += 1;
        }
        n + stats.dropped
    };
    (users, stats, backlog, t0)
}

/// Closed loop: every applicant applies again and again, no think time, until the end.
async fn phase_max(users: Vec<User>, sh: Arc<Shared>, secs: u64) -> (Vec<User>, Stats, Instant) {
    let t0 = Instant::now();
    let end = t0 + Duration::from_secs(secs);
    let mut set = tokio::task::JoinSet::new();
    for mut user in users {
        let sh = sh.clone();
        set.spawn(async move {
            let mut stats = Stats::new();
            while Instant::now() < end {
                let t = Instant::now();
                match flow(&mut user, &sh, &mut stats).await {
                    FlowEnd::Submitted => {
                        stats.completed += 1;
                        if Instant::now() <= end {
                            stats.completed_in_window += 1;
                        }
                        stats.record("flow", t.elapsed());
                    }
                    FlowEnd::Failed => stats.record("flow", t.elapsed()),
                    FlowEnd::Exhausted => {
                        stats.exhausted_users += 1;
                        break;
                    }
                }
            }
            (user, stats)
        });
    }
    let mut users = Vec::new();
    let mut stats = Stats::new();
    while let Some(Ok((user, s))) = set.join_next().await {
        stats.merge(&s);
        users.push(user);
    }
    (users, stats, t0)
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

fn yes(ok: bool) -> &'static str {
    if ok {
        "MET"
    } else {
        "NOT MET"
    }
}

fn print_phase(p: &PhaseResult, users: usize) {
    let s = &p.stats;
    println!();
    println!(
        "== phase {} ({:.0} s window, {} signed-in applicants) ==",
        p.name, p.secs, users
    );
    println!(
        "  applications started {}, submitted {} ({} within the window), with PDF upload {}, errors {}",
        s.started,
        s.completed,
        s.completed_in_window,
        s.uploads,
        s.error_count()
    );
    println!(
        "  completed submissions/s (within the window): {:.1}",
        p.rate()
    );
    if p.backlog > 0 {
        println!(
            "  scheduled applications never started (server too far behind): {}",
            p.backlog
        );
    }
    if s.exhausted_users > 0 {
        println!(
            "  applicants who used all their applications: {}",
            s.exhausted_users
        );
    }
    println!(
        "  {:<8} {:>8} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "request", "count", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors"
    );
    for kind in KINDS.iter().chain(["flow", "wait"].iter()) {
        let Some(h) = s.hist.get(kind) else { continue };
        if h.is_empty() {
            continue;
        }
        println!(
            "  {:<8} {:>8} {:>9.1} {:>9.1} {:>9.1} {:>9.1} {:>9}",
            kind,
            h.len(),
            s.p(kind, 0.50),
            s.p(kind, 0.95),
            s.p(kind, 0.99),
            h.max() as f64 / 1000.0,
            s.errors.get(kind).copied().unwrap_or(0)
        );
    }
    if p.name == "rate" {
        println!("  (flow = a whole application from its scheduled start; wait = time it waited for a free applicant)");
    } else {
        println!("  (flow = a whole application, apply → submit)");
    }
    let pct = |x: f64| x / p.wall * 100.0;
    println!(
        "  CPU over the phase ({:.1} s wall, {:.0} cores = {:.0}%): kene {:.0}%, load generator {:.0}%, \
         anything else {:.0}%, idle {:.0}%",
        p.wall,
        cores(),
        cores() * 100.0,
        pct(p.server_cpu),
        pct(p.bench_cpu),
        pct((p.machine_cpu - p.server_cpu - p.bench_cpu).max(0.0)),
        (cores() * 100.0 - pct(p.machine_cpu)).max(0.0)
    );
    if let Some(kb) = p.peak_rss_kb {
        println!("  kene peak VmRSS during the phase: {:.1} MB", mb(kb));
    }
}

async fn run_phase_rate(
    users: Vec<User>,
    sh: &Arc<Shared>,
    args: &Args,
    pid: Option<u32>,
    rss: &RssSampler,
) -> (Vec<User>, PhaseResult) {
    let spid = pid.map(|p| p.to_string()).unwrap_or_default();
    let (c0, b0, m0, w0) = (
        cpu_secs(&spid),
        cpu_secs("self"),
        machine_jiffies().0,
        Instant::now(),
    );
    let (users, stats, backlog, t0) = phase_rate(
        users,
        sh.clone(),
        args.rate,
        args.rate_secs,
        Duration::from_secs(args.grace_secs),
    )
    .await;
    let wall = w0.elapsed().as_secs_f64();
    let res = PhaseResult {
        name: "rate",
        secs: args.rate_secs as f64,
        stats,
        backlog,
        peak_rss_kb: rss.max_between(t0, Instant::now()),
        server_cpu: cpu_secs(&spid) - c0,
        bench_cpu: cpu_secs("self") - b0,
        machine_cpu: (machine_jiffies().0 - m0) / 100.0,
        wall,
    };
    (users, res)
}

async fn run_phase_max(
    users: Vec<User>,
    sh: &Arc<Shared>,
    args: &Args,
    pid: Option<u32>,
    rss: &RssSampler,
) -> (Vec<User>, PhaseResult) {
    let spid = pid.map(|p| p.to_string()).unwrap_or_default();
    let (c0, b0, m0, w0) = (
        cpu_secs(&spid),
        cpu_secs("self"),
        machine_jiffies().0,
        Instant::now(),
    );
    let (users, stats, t0) = phase_max(users, sh.clone(), args.max_secs).await;
    let wall = w0.elapsed().as_secs_f64();
    let res = PhaseResult {
        name: "max",
        secs: args.max_secs as f64,
        stats,
        backlog: 0,
        peak_rss_kb: rss.max_between(t0, Instant::now()),
        server_cpu: cpu_secs(&spid) - c0,
        bench_cpu: cpu_secs("self") - b0,
        machine_cpu: (machine_jiffies().0 - m0) / 100.0,
        wall,
    };
    (users, res)
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    if let Err(e) = run(args).await {
        eprintln!("deadline-rush: setup failed: {e:#}");
        std::process::exit(2);
    }
}

async fn run(args: Args) -> Result<()> {
    let started = Instant::now();
    let pid = args.server_pid;
    let rss = RssSampler::start(pid);
    let idle_kb = args
        .idle_rss_kb
        .or_else(|| pid.and_then(|p| status_kb(p, "VmRSS:")));

    let db = SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(
            SqliteConnectOptions::from_str(&format!("sqlite://{}", args.db.display()))?
                .read_only(true),
        )
        .await
        .with_context(|| format!("opening {}", args.db.display()))?;

    println!("== setup (not measured) ==");
    let slugs = admin_setup(&args, &db).await?;
    let t = Instant::now();
    let mut users = sign_up_all(&args, &db, slugs.len()).await?;
    println!(
        "  {} applicants signed up, verified (code read from the outbox) and signed in, in {:.1} s",
        users.len(),
        t.elapsed().as_secs_f64()
    );
    let after_setup_kb = pid.and_then(|p| status_kb(p, "VmRSS:"));
    let sh = Arc::new(Shared {
        base: args.base.clone(),
        edition: args.edition.clone(),
        track_slugs: slugs,
        pdf: pdf(args.pdf_bytes),
        upload_percent: args.upload_percent,
        flow_counter: AtomicU64::new(0),
        errors_shown: AtomicUsize::new(0),
    });
    println!(
        "  per application: apply, GET form, save draft, {}% upload a {} KB PDF, submit",
        args.upload_percent,
        sh.pdf.len() / 1024
    );

    println!();
    println!("== application form page weight (Accept-Encoding: gzip, br) ==");
    let weight = match users.first_mut() {
        Some(u) => page_weight(u, &sh).await,
        None => Err(anyhow::anyhow!("no user")),
    };
    let page_total = match &weight {
        Ok(items) => {
            for t in items {
                println!(
                    "  {:<44} {:>7} B {:<9} ({} B uncompressed, ~{} B headers)",
                    t.url, t.body_bytes, t.encoding, t.identity_bytes, t.header_bytes
                );
            }
            let body: usize = items.iter().map(|t| t.body_bytes).sum();
            let headers: usize = items.iter().map(|t| t.header_bytes).sum();
            println!(
                "  total: {:.1} KB compressed bodies ({:.1} KB with response headers)",
                body as f64 / 1024.0,
                (body + headers) as f64 / 1024.0
            );
            Some(body as f64 / 1024.0)
        }
        Err(e) => {
            println!("  could not measure: {e:#}");
            None
        }
    };

    let mut phases = Vec::new();
    if args.rate_secs > 0 {
        let (u, res) = run_phase_rate(users, &sh, &args, pid, &rss).await;
        users = u;
        print_phase(&res, users.len());
        phases.push(res);
    }
    if args.max_secs > 0 {
        let (u, res) = run_phase_max(users, &sh, &args, pid, &rss).await;
        users = u;
        print_phase(&res, users.len());
        phases.push(res);
    }
    drop(users);

    let hwm_kb = pid.and_then(|p| status_kb(p, "VmHWM:"));
    let peak_rush_kb = phases.iter().filter_map(|p| p.peak_rss_kb).max();

    println!();
    println!("== memory (kene VmRSS) ==");
    if let Some(kb) = idle_kb {
        println!(
            "  idle, after start-up and demo seeding, before any request: {:.1} MB",
            mb(kb)
        );
    }
    if let Some(kb) = after_setup_kb {
        println!(
            "  after the setup (admin + {} sign-ups, argon2): {:.1} MB",
            args.users,
            mb(kb)
        );
    }
    if let Some(kb) = peak_rush_kb {
        println!(
            "  peak during the measured phases (sampled every 50 ms): {:.1} MB",
            mb(kb)
        );
    }
    if let Some(kb) = hwm_kb {
        println!(
            "  VmHWM (high-water mark over the whole process life, setup included): {:.1} MB",
            mb(kb)
        );
    }

    // Verdict: throughput and latency at the offered rate (both at once), errors everywhere.
    println!();
    println!("== targets (issue 2) ==");
    let rate_phase = phases.iter().find(|p| p.name == "rate");
    let max_phase = phases.iter().find(|p| p.name == "max");
    let errors: u64 = phases.iter().map(|p| p.stats.error_count()).sum();
    if let Some(p) = rate_phase {
        let r = p.rate();
        println!(
            "  completed submissions/s ≥ {TARGET_SUBMISSIONS_PER_SEC:.0} (offered {:.0}/s, open loop): {r:.1}/s  {}",
            args.rate,
            yes(r >= TARGET_SUBMISSIONS_PER_SEC && p.backlog == 0)
        );
        let worst = KINDS
            .iter()
            .filter(|k| p.stats.hist.get(*k).is_some_and(|h| !h.is_empty()))
            .map(|k| (*k, p.stats.p(k, 0.99)))
            .fold(("-", 0.0_f64), |a, b| if b.1 > a.1 { b } else { a });
        println!(
            "  p99 latency < {TARGET_P99_MS:.0} ms for every request kind at that rate: worst {} {:.1} ms  {}",
            worst.0,
            worst.1,
            yes(worst.1 < TARGET_P99_MS)
        );
    }
    if let Some(p) = max_phase {
        println!(
            "  (capacity, closed loop with {} applicants: {:.1} submissions/s, {})",
            args.users,
            p.rate(),
            if p.rate() >= TARGET_SUBMISSIONS_PER_SEC {
                "≥ target"
            } else {
                "below target"
            }
        );
    }
    println!(
        "  errors = 0: {errors}  {}",
        yes(errors == 0 && !phases.is_empty())
    );
    if let Some(kb) = idle_kb {
        println!(
            "  idle RSS < {TARGET_IDLE_RSS_MB:.0} MB: {:.1} MB  {}",
            mb(kb),
            yes(mb(kb) < TARGET_IDLE_RSS_MB)
        );
    }
    if let Some(kb) = peak_rush_kb {
        println!(
            "  peak RSS during the rush < {TARGET_PEAK_RSS_MB:.0} MB: {:.1} MB  {}",
            mb(kb),
            yes(mb(kb) < TARGET_PEAK_RSS_MB)
        );
    }
    if let Some(kb) = page_total {
        println!("  form page transferred < {TARGET_PAGE_KB:.0} KB (HTML+CSS+JS, compressed): {kb:.1} KB  {}", yes(kb < TARGET_PAGE_KB));
    }
    println!();
    println!("bench finished in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}
