//! Headless Chromium (Debian's `chromium` + `chromium-driver`) driven through WebDriver, on a
//! phone-sized window: a new user signs up, verifies the code, applies to the open track and
//! gets the receipt; once with JavaScript on, once with it off. SQLite only.

use std::process::Stdio;
use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use tokio::process::{Child, Command};

use crate::support::{fr, small_pdf, Backend, TestApp};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// One browser at a time: two Chromium instances on a 2-core machine slow everything down.
static ONE_BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

struct Browser {
    client: Client,
    _driver: Child,
    _profile: tempfile::TempDir,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

async fn launch(javascript: bool) -> Browser {
    assert!(
        std::path::Path::new(CHROMEDRIVER).exists() && std::path::Path::new(CHROMIUM).exists(),
        "browser tests need Debian's Chromium: apt-get install -y chromium chromium-driver (scripts/test does it)"
    );
    let port = free_port();
    let driver = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start chromedriver");
    let profile = tempfile::tempdir().expect("browser profile directory");
    let mut args = vec![
        "--headless".to_owned(),
        "--no-sandbox".to_owned(),
        "--disable-gpu".to_owned(),
        "--disable-quic".to_owned(),
        "--no-first-run".to_owned(),
        "--disable-background-networking".to_owned(),
        "--disable-component-update".to_owned(),
        "--disable-sync".to_owned(),
        "--disable-dev-shm-usage".to_owned(),
        "--window-size=390,844".to_owned(),
        "--lang=en-US".to_owned(),
        format!("--user-data-dir={}", profile.path().display()),
    ];
    if !javascript {
        args.push("--blink-settings=scriptEnabled=false".to_owned());
    }
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".to_owned(),
        json!({ "binary": CHROMIUM, "args": args }),
    );
    // Both rustls back ends are compiled in (through different crates): pick one.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let url = format!("http://127.0.0.1:{port}");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let client = loop {
        match ClientBuilder::rustls()
            .expect("TLS roots for the WebDriver client")
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            Ok(client) => break client,
            Err(e) if tokio::time::Instant::now() < deadline => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("cannot start a Chromium session through chromedriver: {e}"),
        }
    };
    Browser {
        client,
        _driver: driver,
        _profile: profile,
    }
}

async fn find(client: &Client, css: &str) -> Element {
    client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no element {css}: {e}"))
}

async fn type_into(client: &Client, name: &str, value: &str) {
    let element = find(client, &format!("[name='{name}']")).await;
    element
        .clear()
        .await
        .unwrap_or_else(|e| panic!("clear {name}: {e}"));
    element
        .send_keys(value)
        .await
        .unwrap_or_else(|e| panic!("type into {name}: {e}"));
}

async fn choose(client: &Client, name: &str, value: &str) {
    find(client, &format!("input[name='{name}'][value='{value}']"))
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("choose {name}={value}: {e}"));
}

async fn select(client: &Client, name: &str, value: &str) {
    find(client, &format!("select[name='{name}']"))
        .await
        .select_by_value(value)
        .await
        .unwrap_or_else(|e| panic!("select {name}={value}: {e}"));
}

async fn click(client: &Client, css: &str) {
    find(client, css)
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

async fn wait_path(client: &Client, what: &str, accept: impl Fn(&str) -> bool) -> String {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let url = client.current_url().await.expect("current URL");
        let path = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        };
        if accept(&path) {
            return path;
        }
        if tokio::time::Instant::now() >= deadline {
            let source = client.source().await.unwrap_or_default();
            panic!("expected {what}, still at {path}:\n{source}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn wait_source(client: &Client, what: &str, needle: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let source = client.source().await.unwrap_or_default();
        if source.contains(needle) {
            return;
        }
        if tokio::time::Instant::now() >= deadline {
            panic!("expected {what} ({needle:?}):\n{source}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn new_user_applies(javascript: bool) {
    let _one = ONE_BROWSER.lock().await;
    let app = TestApp::start(Backend::Sqlite).await;
    app.seed_demo().await;
    let browser = launch(javascript).await;
    let c = &browser.client;
    let email = if javascript {
        "js@exemple.ml"
    } else {
        "nojs@exemple.ml"
    };

    // From the call to the sign-up form.
    c.goto(&app.url("/calls/sdn-2027/startups"))
        .await
        .expect("open the track page");
    click(c, "a.button[href^='/signup']").await;
    wait_path(c, "the sign-up page", |p| p.starts_with("/signup")).await;
    type_into(c, "display_name", "Oumou Sangaré").await;
    type_into(c, "login", email).await;
    type_into(c, "password", "mot-de-passe-solide").await;
    click(c, "form[action='/signup'] button").await;
    wait_path(c, "the verification page", |p| p.starts_with("/verify")).await;

    // The code arrives by e-mail.
    let code = app.wait_code(email, 0).await;
    type_into(c, "code", &code).await;
    click(c, "form[action='/verify'] button").await;
    wait_path(c, "back on the track page", |p| {
        p.starts_with("/calls/sdn-2027/startups")
    })
    .await;

    click(c, "form[action='/calls/sdn-2027/startups/apply'] button").await;
    let first = wait_path(c, "the first section", |p| p.ends_with("/edit/0")).await;
    let base = first.trim_end_matches("/edit/0").to_owned();

    // Section 1: the company.
    choose(c, "applicant_kind", "company").await;
    type_into(c, "company_name", "Sanu Archives SARL").await;
    select(c, "country", "ML").await;
    // Chromium's date input takes the digits in the locale's order (en-US: month, day, year).
    type_into(c, "founded_on", "03152021").await;
    type_into(c, "contact_email", email).await;
    type_into(c, "contact_phone", "70 11 22 33").await;
    click(c, "button[value='next']").await;
    wait_path(c, "the project section", |p| p.ends_with("/edit/1")).await;

    // Section 2: the project.
    type_into(c, "project_title", "Sanu Archives").await;
    type_into(c, "summary", "Numériser les archives des mairies.").await;
    select(c, "domain", "e_culture").await;
    type_into(
        c,
        "innovation",
        "Un scanner à bas coût et une recherche en bambara.",
    )
    .await;
    type_into(c, "growth_potential", "703 communes au Mali.").await;
    click(c, "button[value='next']").await;
    wait_path(c, "the team section", |p| p.ends_with("/edit/2")).await;

    // Section 3: the team (one member without JavaScript: the form offers one blank row).
    type_into(c, "team[0][name]", "Oumou Sangaré").await;
    type_into(c, "team[0][role]", "Fondatrice").await;
    choose(c, "team[0][gender]", "f").await;
    select(c, "team[0][nationality]", "ML").await;
    choose(c, "leader_gender", "f").await;
    click(c, "button[value='next']").await;
    wait_path(c, "the documents section", |p| p.ends_with("/edit/3")).await;

    // Section 4: tick the consent, choose the technical sheet and press the step's main
    // button: the file travels with the answers (no separate upload button to miss).
    let dir = tempfile::tempdir().expect("upload directory");
    let pdf = dir.path().join("fiche-technique.pdf");
    std::fs::write(&pdf, small_pdf("Sanu Archives")).expect("write the PDF");
    if javascript {
        // Over the field's 10 MB: refused in the browser, before a byte is sent.
        let heavy = dir.path().join("scan-20-mo.pdf");
        let mut bytes = small_pdf("Trop lourd");
        bytes.resize(20 * 1024 * 1024, b' ');
        std::fs::write(&heavy, bytes).expect("write the heavy PDF");
        let input = find(c, "input[name='file:technical_sheet']").await;
        input
            .send_keys(&heavy.display().to_string())
            .await
            .expect("choose the heavy file");
        // The visible text of the note beside the field (hidden, it reads as empty).
        let note = find(c, "#f-technical_sheet-check").await;
        let mut shown = String::new();
        for _ in 0..50 {
            shown = note.text().await.unwrap_or_default();
            if !shown.is_empty() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(
            shown.contains("10 Mo") && shown.contains("n'a pas été envoyé"),
            "the size refusal beside the field: {shown:?}"
        );
        let kept = input.prop("value").await.expect("the input's value");
        assert_eq!(
            kept.as_deref(),
            Some(""),
            "the heavy file is not kept for sending"
        );
    }
    click(c, "input[name='consent']").await;
    find(c, "input[name='file:technical_sheet']")
        .await
        .send_keys(&pdf.display().to_string())
        .await
        .expect("choose the file");
    click(c, "button[value='next']").await;
    wait_path(c, "the review page", |p| p.ends_with("/review")).await;
    wait_source(
        c,
        "the chosen file listed on the review page",
        "fiche-technique.pdf",
    )
    .await;

    if javascript {
        // Signed in, on a phone: the header keeps to two short lines (name, then menu).
        let height = c
            .execute(
                "return document.querySelector('header.top').getBoundingClientRect().height",
                vec![],
            )
            .await
            .expect("measure the header");
        let height = height.as_f64().unwrap_or(f64::MAX);
        let parts = c
            .execute(
                "var t=document.querySelector('header.top');return [t.querySelector('.brand').getBoundingClientRect().height, t.querySelector('nav').getBoundingClientRect().height, window.innerWidth, t.querySelector('nav').outerHTML]",
                vec![],
            )
            .await
            .expect("measure the header's parts");
        assert!(height < 90.0, "header {height} px high on a phone: {parts}");
    }
    click(c, &format!("form[action='{base}/submit'] button")).await;
    wait_path(c, "the receipt", |p| p.ends_with("/receipt")).await;
    let source = c.source().await.expect("receipt source");
    assert!(
        source.contains("SDN27-STA-0001"),
        "the receipt shows the reference:\n{source}"
    );
    app.wait_mail(email, "SDN27-STA-0001").await;

    let _ = browser.client.close().await;
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_user_signs_up_applies_and_gets_a_receipt_with_javascript() {
    new_user_applies(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_user_signs_up_applies_and_gets_a_receipt_without_javascript() {
    new_user_applies(false).await;
}

/// The hackathon's ID document step on a 360 px phone, with an 8 MB photo of a NINA card.
/// With JavaScript only the chosen kind's box is shown and the photo is sent as soon as it is
/// picked ("✓ envoyé"); without, every box is there and the step's button carries the photo.
/// Either way the choice and the photo are kept.
async fn id_document_step_on_a_phone(javascript: bool) {
    let _one = ONE_BROWSER.lock().await;
    let app = TestApp::start(Backend::Sqlite).await;
    let email = if javascript {
        "id.js@exemple.ml"
    } else {
        "id.nojs@exemple.ml"
    };
    let (_, id) = crate::uploads::hackathon_at_id_step(&app, email).await;
    let dir = tempfile::tempdir().expect("upload directory");
    let photo = dir.path().join("carte-nina.jpg");
    std::fs::write(&photo, crate::uploads::phone_photo(8 * 1024 * 1024)).expect("write the photo");

    let browser = launch(javascript).await;
    let c = &browser.client;
    c.set_window_size(360, 740)
        .await
        .expect("phone-sized window");
    c.goto(&app.url("/login"))
        .await
        .expect("open the login page");
    type_into(c, "login", email).await;
    type_into(c, "password", crate::applications::PASSWORD).await;
    click(c, "form[action='/login'] button").await;
    wait_path(c, "signed in", |p| !p.starts_with("/login")).await;
    c.goto(&app.url(&format!("/applications/{id}/edit/1")))
        .await
        .expect("open the ID document step");
    let shown = |css: &'static str| async move {
        find(c, css)
            .await
            .is_displayed()
            .await
            .unwrap_or_else(|e| panic!("is {css} displayed: {e}"))
    };
    assert_eq!(
        shown("#f-nina_card-wrap").await,
        !javascript,
        "before a choice, the boxes are there only without JavaScript"
    );
    choose(c, "id_document_kind", "nina").await;
    assert!(shown("#f-nina_card-wrap").await, "the NINA card's box");
    assert_eq!(
        shown("#f-passport-wrap").await,
        !javascript,
        "the passport box follows the choice with JavaScript"
    );
    find(c, "input[name='file:nina_card']")
        .await
        .send_keys(&photo.display().to_string())
        .await
        .expect("choose the photo");
    if javascript {
        let current = find(c, "#f-nina_card-current").await;
        let mut text = String::new();
        for _ in 0..200 {
            text = current.text().await.unwrap_or_default();
            if text.contains('✓') {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let note = find(c, "#f-nina_card-check")
            .await
            .text()
            .await
            .unwrap_or_default();
        assert!(
            text.contains("✓") && text.contains("carte-nina.jpg"),
            "the photo marked as sent: {text:?} (note beside the field: {note:?})"
        );
    }
    click(c, "button[value='next']").await;
    wait_path(c, "the motivation step", |p| p.ends_with("/edit/2")).await;
    let answers = app
        .strings_with(
            "SELECT COALESCE(draft_answers_json, answers_json) FROM applications WHERE public_id = $1",
            &id,
        )
        .await
        .remove(0);
    assert!(
        answers.contains("\"nina\"") && answers.contains("\"nina_card\""),
        "the choice and the photo are kept: {answers}"
    );
    let _ = browser.client.close().await;
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_id_document_step_follows_the_choice_and_keeps_the_photo_with_javascript() {
    id_document_step_on_a_phone(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_id_document_step_follows_the_choice_and_keeps_the_photo_without_javascript() {
    id_document_step_on_a_phone(false).await;
}

/// A juror signs in on a phone-sized screen, opens their queue and scores a pitch whose
/// timing criterion the organisers' timer pre-filled, then submits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn juror_scores_a_pitch_on_a_phone() {
    let _one = ONE_BROWSER.lock().await;
    let app = TestApp::start(Backend::Sqlite).await;
    let admin = app.admin_client().await;
    let setup = crate::jury::prepare_final(&app, &admin, 1).await;
    let first = &setup.startups[0];
    let sta = app
        .strings(
            "SELECT CAST(t.id AS TEXT) FROM tracks t JOIN editions e ON e.id = t.edition_id \
             WHERE e.slug = 'sdn-2026' AND t.code = 'STA'",
        )
        .await
        .remove(0);
    for (path, fields) in [
        (format!("{}/assign", crate::jury::FINAL), vec![]),
        (
            format!("{}/schedule", crate::jury::JURY),
            vec![
                ("track", sta.as_str()),
                ("start", "2026-01-29T09:00"),
                ("minutes", "10"),
                ("room", "Salle 1"),
            ],
        ),
        (
            format!("{}/status", crate::jury::FINAL),
            vec![("status", "open")],
        ),
        (
            format!("{}/pitches/{}/start", crate::jury::JURY, first.reference),
            vec![],
        ),
    ] {
        let page = admin.post_form(&path, &fields).await;
        assert!(page.status.is_redirection(), "{path}: {}", page.text());
    }
    app.clock.advance(jiff::SignedDuration::from_secs(335));
    let page = admin
        .post_form(
            &format!("{}/pitches/{}/stop", crate::jury::JURY, first.reference),
            &[],
        )
        .await;
    assert!(page.status.is_redirection());

    let browser = launch(true).await;
    let c = &browser.client;
    c.set_window_size(360, 740)
        .await
        .expect("phone-sized window");
    c.goto(&app.url("/login"))
        .await
        .expect("open the login page");
    type_into(c, "login", "jure1@jury.ml").await;
    type_into(c, "password", crate::jury::PASSWORD).await;
    click(c, "form[action='/login'] button").await;
    wait_path(c, "signed in", |p| !p.starts_with("/login")).await;
    click(c, "nav a[href='/review']").await;
    wait_path(c, "the queue", |p| p == "/review").await;
    click(c, &format!("a[href$='/{}']", first.public_id)).await;
    wait_path(c, "the score form", |p| p.ends_with(&first.public_id)).await;
    // 35 s over the allowed 5 minutes: 2 points off.
    let timing = find(c, "[name='timing']")
        .await
        .prop("value")
        .await
        .expect("timing value");
    assert_eq!(timing.as_deref(), Some("8"), "pre-filled from the timer");
    for (name, value) in [
        ("innovation", "8"),
        ("growth", "7"),
        ("team", "9"),
        ("presentation", "8"),
        ("demo", "7"),
    ] {
        type_into(c, name, value).await;
    }
    click(c, "button[value='submit']").await;
    wait_path(c, "the saved sheet", |p| p.ends_with("?saved=1")).await;
    wait_source(
        c,
        "the submitted badge",
        &crate::support::fr("review-sheet-submitted"),
    )
    .await;
    let stored = app
        .strings("SELECT points_json FROM score_sheets WHERE status = 'submitted' AND reviewer_id = (SELECT id FROM users WHERE email = 'jure1@jury.ml')")
        .await;
    assert_eq!(stored.len(), 1);
    assert!(stored[0].contains("\"timing\":8"), "{}", stored[0]);

    let _ = browser.client.close().await;
    app.finish().await;
}

/// The message the door page shows for `name`, in the page's language.
async fn door_message(client: &Client, name: &str) -> String {
    find(client, &format!("#messages li[data-name='{name}']"))
        .await
        .prop("textContent")
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("door message {name}"))
}

/// Types `code` into the door page's field and waits for the verdict `expected`.
async fn check_at_door(client: &Client, code: &str, expected: &str) {
    type_into(client, "code", code).await;
    click(client, "#check").await;
    let message = door_message(client, expected).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let shown = find(client, "#result")
            .await
            .text()
            .await
            .unwrap_or_default();
        if shown.contains(&message) {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "expected {expected} ({message:?}) at the door, the page shows {shown:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Runs `script` (which calls `done(value)`) in the page and returns the value.
async fn run_async(client: &Client, script: &str) -> serde_json::Value {
    let wrapped = format!("const done = arguments[arguments.length - 1]; {script}");
    client
        .execute_async(&wrapped, vec![])
        .await
        .unwrap_or_else(|e| panic!("script {script}: {e}"))
}

/// A door phone loses the network: the page, kept by its service worker, opens again and
/// checks badges itself (a good one, an altered one, a cancelled one, the good one again);
/// when the server answers again, the queued scans reach it with their verdicts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_door_page_checks_badges_offline_then_syncs() {
    let _one = ONE_BROWSER.lock().await;
    let mut app = TestApp::start(Backend::Sqlite).await;
    let (email, password) = app.seed_demo().await;
    let admin = app.client();
    admin.login(&email, &password).await;
    crate::registration::open_registration(&admin).await;
    let (_, code, _) =
        crate::registration::badge_holder(&app, "Awa Diallo", "awa@exemple.ml").await;
    let (leaver, revoked, leaver_id) =
        crate::registration::badge_holder(&app, "Modibo Keïta", "modibo@exemple.ml").await;
    leaver
        .post_form(
            "/registration/sdn-2027/mine/cancel",
            &[("registration", &leaver_id)],
        )
        .await;
    let mut altered = code.clone().into_bytes();
    altered[30] = if altered[30] == b'Z' { b'Y' } else { b'Z' };
    let altered = String::from_utf8(altered).expect("ascii");

    let browser = launch(true).await;
    let c = &browser.client;
    c.goto(&app.url("/login"))
        .await
        .expect("open the login page");
    type_into(c, "login", &email).await;
    type_into(c, "password", &password).await;
    click(c, "form[action='/login'] button").await;
    wait_path(c, "signed in", |p| !p.starts_with("/login")).await;
    c.goto(&app.url("/checkin/sdn-2027"))
        .await
        .expect("open the door page");
    find(c, "#door[data-ready='1']").await;
    // Wait until the service worker keeps the page, its scripts and its data.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let kept = run_async(
            c,
            "caches.open('kene-checkin-v1').then(c => c.keys()).then(k => done(k.length)).catch(() => done(0));",
        )
        .await;
        if kept.as_u64().unwrap_or(0) >= 5 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the page was not kept for offline use"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // The page's QR reader reads the badge's QR code as printed (drawn from its SVG).
    let token = app
        .strings("SELECT badge_token FROM registrations WHERE display_name = 'Awa Diallo'")
        .await
        .remove(0);
    let read = run_async(
        c,
        &format!(
            "fetch('/badge/{token}').then(r => r.text()).then(html => {{
               const svg = new DOMParser().parseFromString(html, 'text/html').querySelector('.badge-qr svg');
               const img = new Image();
               img.onload = () => {{
                 const canvas = document.createElement('canvas');
                 canvas.width = 480; canvas.height = 480;
                 const g = canvas.getContext('2d');
                 g.fillStyle = '#fff'; g.fillRect(0, 0, 480, 480);
                 g.drawImage(img, 40, 40, 400, 400);
                 const frame = g.getImageData(0, 0, 480, 480);
                 try {{ done(window.kenedecodeQR({{ width: 480, height: 480, data: frame.data }})); }} catch (e) {{ done('error: ' + e); }}
               }};
               img.onerror = () => done('image error');
               img.src = 'data:image/svg+xml;base64,' + btoa(svg.outerHTML);
             }});"
        ),
    )
    .await;
    assert_eq!(read.as_str(), Some(code.as_str()), "the QR code read back");

    app.stop_server().await;
    c.refresh().await.expect("reload the page offline");
    find(c, "#door[data-ready='1']").await;
    check_at_door(c, &code, "admitted").await;
    check_at_door(c, &altered, "forged").await;
    check_at_door(c, &revoked, "revoked").await;
    check_at_door(c, &code, "duplicate").await;
    let queued = run_async(
        c,
        "done(JSON.parse(localStorage.getItem('kene-checkin-queue-sdn-2027')).length);",
    )
    .await;
    assert_eq!(queued.as_u64(), Some(3), "the forged code is not queued");

    app.start_server().await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while app.count("checkin_scans").await < 3 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the queued scans never arrived"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let verdicts = app
        .strings("SELECT verdict FROM checkin_scans ORDER BY scanned_at")
        .await;
    assert_eq!(verdicts, ["admitted", "revoked", "duplicate"]);
    let _ = browser.client.close().await;
    app.finish().await;
}

/// Runs Chromium headless on `url` with `args` (what to make of the page), in its own profile.
async fn headless_chromium(profile: &std::path::Path, args: &[&str], url: &str) {
    let status = tokio::time::timeout(
        Duration::from_secs(90),
        Command::new(CHROMIUM)
            .args(["--headless", "--no-sandbox", "--disable-gpu"])
            .arg(format!("--user-data-dir={}", profile.display()))
            .args(args)
            .arg(url)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .status(),
    )
    .await
    .expect("Chromium renders the page within 90 s")
    .expect("run Chromium");
    assert!(status.success(), "{status}");
}

/// A certificate printed by Chromium (as "Print → Save as PDF" does, with the page's own
/// size) is one A4 landscape page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_prints_on_one_a4_landscape_page() {
    assert!(
        std::path::Path::new(CHROMIUM).exists(),
        "browser tests need Debian's Chromium: apt-get install -y chromium chromium-driver (scripts/test does it)"
    );
    let _one = ONE_BROWSER.lock().await;
    let app = TestApp::start(Backend::Sqlite).await;
    kene::demo::seed(&app.state)
        .await
        .expect("the full demo, results published");
    let results = app.client().get("/results/sdn-2026").await;
    let certificate = results
        .tag_attr("<a href=\"/results/sdn-2026/certificates/", "href")
        .expect("a laureate's certificate");
    let dir = tempfile::tempdir().expect("output directory");
    let pdf = dir.path().join("certificate.pdf");
    headless_chromium(
        &dir.path().join("profile"),
        &[
            "--no-pdf-header-footer",
            &format!("--print-to-pdf={}", pdf.display()),
        ],
        &app.url(&certificate),
    )
    .await;
    let bytes = std::fs::read(&pdf).expect("the PDF");
    let text = String::from_utf8_lossy(&bytes);
    let pages = text
        .match_indices("/Type /Page")
        .filter(|(at, _)| !text[at + "/Type /Page".len()..].starts_with('s'))
        .count();
    assert_eq!(pages, 1, "one page");
    let media_box = text
        .split("/MediaBox [")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .expect("the page size");
    let size: Vec<f64> = media_box
        .split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect();
    assert!(
        size.len() == 4 && (size[2] - 842.0).abs() < 2.0 && (size[3] - 595.0).abs() < 2.0,
        "A4 landscape (842 × 595 points): {media_box}"
    );

    // It names the laureates, and the QR code printed on it opens this certificate's
    // verification page: Chromium draws the page, the code is read from the picture.
    let page = app.client().get(&certificate).await;
    assert!(
        page.element_text("certificate-people")
            .is_some_and(|names| !names.trim().is_empty()),
        "the laureates' names"
    );
    let shot = dir.path().join("certificate.png");
    headless_chromium(
        &dir.path().join("profile-shot"),
        &[
            "--hide-scrollbars",
            "--force-device-scale-factor=3",
            "--window-size=800,1600",
            &format!("--screenshot={}", shot.display()),
        ],
        &app.url(&certificate),
    )
    .await;
    let picture = image::open(&shot).expect("the screenshot").to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(
        picture.width() as usize,
        picture.height() as usize,
        |x, y| picture.get_pixel(x as u32, y as u32).0[0],
    );
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code on the certificate");
    let (_, link) = grids[0].decode().expect("a readable QR code");
    let base = app.url("/");
    let path = link
        .strip_prefix(base.trim_end_matches('/'))
        .unwrap_or_else(|| panic!("the QR code leads to this site ({base}), not to {link}"));
    assert!(path.starts_with("/results/sdn-2026/verify/"), "{path}");
    let check = app.client().get(path).await;
    assert_eq!(
        check.element_text("verify-verdict").as_deref(),
        Some(crate::support::fr("certificate-check-matches").as_str())
    );
    app.finish().await;
}

/// The presenter's view on the big screen follows moderation: with JavaScript it shows a
/// question once approved without reloading (the live stream and `static/live.js`, under the
/// strict CSP); without, it reloads itself.
async fn presenter_view_follows_moderation(javascript: bool) {
    use crate::questions::{a_session, ask, moderate, participant, question_id};
    let _one = ONE_BROWSER.lock().await;
    let app = TestApp::start(Backend::Sqlite).await;
    let (admin, page_url, admin_url) = a_session(&app).await;
    let alice = participant(&app, "Alice").await;
    ask(&alice, &page_url, "Qui finance le cloud ?", false).await;
    let q = question_id(&app, "Qui finance le cloud ?").await;

    let browser = launch(javascript).await;
    let client = &browser.client;
    let screen = app.url(&format!("{page_url}/screen"));
    client.goto(&screen).await.expect("open the presenter view");
    wait_source(client, "the empty screen", "id=\"no-questions\"").await;
    if javascript {
        // Gone if the page reloads.
        client
            .execute("window.kept = 1; return 1;", vec![])
            .await
            .expect("mark the page");
    }
    moderate(&admin, &admin_url, &q, "approve", "").await;
    wait_source(client, "the approved question", "Qui finance le cloud ?").await;
    if javascript {
        let kept = client
            .execute("return window.kept || 0;", vec![])
            .await
            .expect("read the mark");
        assert_eq!(kept, json!(1), "updated in place, not reloaded");
    }
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_presenter_view_follows_moderation_live_with_javascript() {
    presenter_view_follows_moderation(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_presenter_view_reloads_itself_without_javascript() {
    presenter_view_follows_moderation(false).await;
}

/// On a phone without JavaScript: a new user registers a start-up in the directory with the
/// checkboxes and selects of the plain form; once an organiser published it, anyone finds it
/// by searching without accents, and its owner reaches the opportunity it matches.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_start_up_registers_in_the_directory_and_is_found_without_javascript() {
    let _one = ONE_BROWSER.lock().await;
    let app = TestApp::start(Backend::Sqlite).await;
    let admin = app.admin_client().await;
    let grant = [
        ("kind", "grant"),
        ("title", "Subvention agritech"),
        ("offered_by", "Fonds Djoliba"),
        ("description", "Pour les producteurs"),
        ("deadline", "2026-12-15"),
        ("sector", "e_agriculture"),
    ];
    let page = admin.post_form("/opportunities/new", &grant).await;
    assert!(page.status.is_redirection(), "{}", page.text());
    app.signup_and_verify(
        "Fanta Diarra",
        "fanta@exemple.ml",
        "fanta@exemple.ml",
        "mot-de-passe-solide",
    )
    .await;

    let browser = launch(false).await;
    let c = &browser.client;
    c.set_window_size(360, 740)
        .await
        .expect("phone-sized window");
    c.goto(&app.url("/login")).await.expect("the login page");
    type_into(c, "login", "fanta@exemple.ml").await;
    type_into(c, "password", "mot-de-passe-solide").await;
    click(c, "form[action='/login'] button").await;
    wait_path(c, "signed in", |p| !p.starts_with("/login")).await;
    click(c, "nav a[href='/directory']").await;
    wait_path(c, "the directory", |p| p == "/directory").await;
    click(c, "#register-link").await;
    wait_path(c, "the registration form", |p| p == "/directory/new").await;
    select(c, "kind", "startup").await;
    type_into(c, "name", "Coopérative Numérique de Ségou").await;
    type_into(
        c,
        "description_fr",
        "Prix des céréales par SMS pour les producteurs.",
    )
    .await;
    choose(c, "sector", "e_agriculture").await;
    select(c, "region", "segou").await;
    select(c, "stage", "launch").await;
    choose(c, "women_led", "yes").await;
    click(c, "button#submit").await;
    let profile = wait_path(c, "the profile", |p| {
        p.starts_with("/directory/") && p != "/directory/new"
    })
    .await;
    wait_source(
        c,
        "waiting for the organisers",
        &fr("directory-status-pending"),
    )
    .await;

    let id = profile.trim_start_matches("/directory/");
    let page = admin
        .post_form(
            &format!("/admin/directory/{id}"),
            &[("decision", "publish")],
        )
        .await;
    assert!(page.status.is_redirection(), "{}", page.text());

    c.goto(&app.url("/directory")).await.expect("the directory");
    type_into(c, "q", "cooperative segou").await;
    click(c, "button#search").await;
    wait_source(c, "found without accents", "Coopérative Numérique de Ségou").await;
    c.goto(&app.url("/opportunities"))
        .await
        .expect("the opportunities");
    click(c, "#matches a.match").await;
    wait_source(c, "the matching opportunity", "Subvention agritech").await;
    let _ = browser.client.close().await;
    app.finish().await;
}
