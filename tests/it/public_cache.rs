//! Public pages kept in memory: edits show at once (and on a second instance within a
//! second), ETags answer 304 only when they still name the page, signed-in visitors never
//! see a shared page nor leave theirs behind, anonymous pages set no cookie; and the public
//! record of every edition at `/editions`.

use std::time::{Duration, Instant};

use reqwest::StatusCode;

use crate::support::{Backend, Page, TestApp, TestClient};

const TRACK_PAGE: &str = "/calls/sdn-2027/startups";

/// A GET with the headers a browser sends, plus `If-None-Match` when given.
async fn browser_get(client: &TestClient, path: &str, if_none_match: Option<&str>) -> Page {
    let mut request = client
        .http
        .get(client.url(path))
        .header("accept-encoding", "br, gzip");
    if let Some(tag) = if_none_match {
        request = request.header("if-none-match", tag);
    }
    TestClient::read(request.send().await.expect("GET")).await
}

/// A page once kept: the first visit of a URL learns that it is public, the next one keeps it.
async fn kept_page(client: &TestClient, path: &str) -> Page {
    client.get(path).await;
    let page = browser_get(client, path, None).await;
    assert!(!header(&page, "etag").is_empty(), "{path} is kept");
    page
}

/// A GET without compression (bodies readable) that names a page it already holds.
async fn get_if_none_match(client: &TestClient, path: &str, tag: &str) -> Page {
    let request = client
        .http
        .get(client.url(path))
        .header("if-none-match", tag);
    TestClient::read(request.send().await.expect("GET")).await
}

fn header(page: &Page, name: &str) -> String {
    page.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

/// Changes the start-up track's French description and deadline through the back office.
async fn edit_track(admin: &TestClient, app: &TestApp, description: &str, closes_at: &str) {
    let track_id = app
        .scalar_i64(
            "SELECT CAST(t.id AS BIGINT) FROM tracks t JOIN editions e ON e.id = t.edition_id \
             WHERE e.slug = 'sdn-2027' AND t.slug = 'startups'",
        )
        .await;
    let path = format!("/admin/tracks/{track_id}");
    let page = admin.get(&path).await;
    assert_eq!(page.status, StatusCode::OK, "track editor");
    let value = |name: &str| {
        page.input_value(name)
            .or_else(|| page.element_text(name))
            .unwrap_or_else(|| panic!("no {name} in the track editor"))
    };
    let fields: Vec<(String, String)> = [
        "name_fr",
        "name_en",
        "description_en",
        "opens_at",
        "max_per_applicant",
        "form_json",
        "rules_json",
        "version",
    ]
    .iter()
    .map(|name| (name.to_string(), value(name)))
    .chain([
        ("description_fr".to_owned(), description.to_owned()),
        ("closes_at".to_owned(), closes_at.to_owned()),
    ])
    .collect();
    let page = admin.post_form_owned(&path, &fields).await;
    assert!(
        page.status.is_redirection(),
        "track saved: {} {}",
        page.status,
        page.text()
    );
}

async fn an_edited_call_shows_at_once_on_cached_pages(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let visitor = app.client();
    for path in ["/", "/calls", TRACK_PAGE] {
        let first = kept_page(&visitor, path).await;
        let again = browser_get(&visitor, path, None).await;
        assert_eq!(first.status, StatusCode::OK, "{path}");
        assert!(!header(&first, "etag").is_empty(), "{path} has an ETag");
        assert_eq!(
            header(&first, "etag"),
            header(&again, "etag"),
            "{path} kept"
        );
        assert_eq!(
            header(&again, "cache-control"),
            "public, no-cache",
            "{path}"
        );
        assert!(!again.text().contains("Pépinière vérifiable"));
    }

    edit_track(
        &admin,
        &app,
        "Pépinière vérifiable des start-up maliennes",
        "2026-12-24T18:30",
    )
    .await;

    for path in ["/", "/calls", TRACK_PAGE] {
        let page = visitor.get(path).await;
        page.assert_contains("Pépinière vérifiable des start-up maliennes");
        page.assert_contains("24 décembre 2026 à 18:30");
    }
    app.finish().await;
}

/// Two instances on one PostgreSQL database: an edit made through one shows on the other
/// within a second.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_through_one_instance_shows_on_the_other_within_a_second() {
    let app = TestApp::start(Backend::Postgres).await;
    let admin = app.admin_client().await;
    let peer = app.start_peer().await;
    let visitor = peer.client();
    let before = kept_page(&visitor, TRACK_PAGE).await;
    let kept = browser_get(&visitor, TRACK_PAGE, None).await;
    assert_eq!(before.status, StatusCode::OK);
    assert_eq!(header(&before, "etag"), header(&kept, "etag"));

    edit_track(
        &admin,
        &app,
        "Appel révisé sur l'autre serveur",
        "2026-12-24T18:30",
    )
    .await;
    let edited = Instant::now();
    loop {
        let page = visitor.get(TRACK_PAGE).await;
        if page.text().contains("Appel révisé sur l'autre serveur") {
            page.assert_contains("24 décembre 2026 à 18:30");
            break;
        }
        assert!(
            edited.elapsed() < Duration::from_secs(1),
            "the second instance still shows the old call after a second"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    peer.stop().await;
    app.finish().await;
}

async fn etags_answer_304_only_while_they_name_the_page(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let visitor = app.client();

    let page = kept_page(&visitor, TRACK_PAGE).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(header(&page, "content-encoding"), "br");
    let etag = header(&page, "etag");
    // A kept page carries the security headers of every other page.
    let login = visitor.get("/login").await;
    for name in [
        "content-security-policy",
        "x-content-type-options",
        "x-frame-options",
        "referrer-policy",
    ] {
        assert!(!header(&page, name).is_empty(), "{name}");
        assert_eq!(header(&page, name), header(&login, name), "{name}");
    }

    let not_modified = browser_get(&visitor, TRACK_PAGE, Some(&etag)).await;
    assert_eq!(not_modified.status, StatusCode::NOT_MODIFIED);
    assert!(not_modified.bytes.is_empty());
    assert_eq!(header(&not_modified, "etag"), etag);

    let garbage = browser_get(&visitor, TRACK_PAGE, Some("n'importe quoi")).await;
    assert_eq!(garbage.status, StatusCode::OK);
    assert_eq!(garbage.bytes, page.bytes, "the whole page, compressed");

    // Without compression, the same page in clear; its own tag.
    let plain = visitor.get(TRACK_PAGE).await;
    assert_eq!(header(&plain, "content-encoding"), "");
    assert_ne!(header(&plain, "etag"), etag);
    plain.assert_contains("Se connecter");

    edit_track(&admin, &app, "Description corrigée", "2026-12-24T18:30").await;
    let stale = browser_get(&visitor, TRACK_PAGE, Some(&etag)).await;
    assert_eq!(
        stale.status,
        StatusCode::OK,
        "a stale ETag gets the new page"
    );
    assert!(!stale.bytes.is_empty());
    assert_ne!(header(&stale, "etag"), etag);
    visitor
        .get(TRACK_PAGE)
        .await
        .assert_contains("Description corrigée");
    app.finish().await;
}

async fn signed_in_visitors_never_share_a_cached_page(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let visitor = app.client();
    let signed_in = |page: &Page| page.body.contains("action=\"/logout\"");

    // The anonymous page is kept first: the organiser still sees their own header.
    kept_page(&visitor, "/").await;
    let anonymous = visitor.get("/").await;
    assert!(!signed_in(&anonymous));
    anonymous.assert_contains("Se connecter");
    let mine = get_if_none_match(&admin, "/", &header(&anonymous, "etag")).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert!(
        signed_in(&mine),
        "the organiser's header, not the cached one"
    );
    assert!(!mine.text().contains("Se connecter"));
    assert_eq!(header(&mine, "cache-control"), "no-store");

    // After an edit, the organiser asks first: their page is not kept for others.
    edit_track(&admin, &app, "Texte après modification", "2026-12-24T18:30").await;
    for path in ["/", TRACK_PAGE] {
        let mine = admin.get(path).await;
        assert!(signed_in(&mine), "{path}");
        mine.assert_contains("Texte après modification");
        let theirs = visitor.get(path).await;
        assert!(!signed_in(&theirs), "{path}: no account of someone else");
        theirs.assert_contains("Se connecter");
        theirs.assert_contains("Texte après modification");
    }
    app.finish().await;
}

/// The full demo: the 2026 selection done, shortlist and results published.
async fn full_demo(backend: Backend) -> TestApp {
    let app = TestApp::start(backend).await;
    kene::demo::seed_with(&app.state, kene::demo::Scope::Full)
        .await
        .expect("seed the full demo");
    app
}

async fn anonymous_public_pages_set_no_cookie(backend: Backend) {
    let app = full_demo(backend).await;
    let visitor = app.client();
    for path in [
        "/",
        "/calls",
        TRACK_PAGE,
        "/editions",
        "/finalists/sdn-2026",
        "/results/sdn-2026",
    ] {
        let page = browser_get(&visitor, path, None).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert_eq!(
            page.headers.get_all("set-cookie").iter().count(),
            0,
            "{path} sets no cookie"
        );
    }
    let css = visitor.get(kene::web::assets::css_url()).await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(css.headers.get_all("set-cookie").iter().count(), 0, "css");
    // A page with a form still gets its CSRF cookie.
    let login = visitor.get("/login").await;
    assert!(login.headers.get_all("set-cookie").iter().count() > 0);
    assert!(visitor.cookie("kene_csrf").is_some());
    app.finish().await;
}

async fn the_public_record_lists_every_edition(backend: Backend) {
    let app = full_demo(backend).await;
    let visitor = app.client();
    let home = visitor.get("/").await;
    assert!(home.body.contains("href=\"/editions\""), "home links to it");

    let record = visitor.get("/editions").await;
    assert_eq!(record.status, StatusCode::OK);
    for needle in [
        "2026",
        "2027",
        "href=\"/finalists/sdn-2026\"",
        "href=\"/results/sdn-2026\"",
        "href=\"/calls/sdn-2026/startups\"",
        "href=\"/calls/sdn-2027/startups\"",
    ] {
        assert!(record.body.contains(needle), "{needle} in /editions");
    }
    // 2027 is not selected yet: said, not linked.
    assert!(!record.body.contains("/results/sdn-2027"));
    assert!(!record.body.contains("/finalists/sdn-2027"));
    record.assert_contains("Résultats : pas encore publiés");
    for path in ["/finalists/sdn-2026", "/results/sdn-2026"] {
        assert_eq!(visitor.get(path).await.status, StatusCode::OK, "{path}");
    }
    app.finish().await;
}

both_dbs!(
    an_edited_call_shows_at_once_on_cached_pages,
    etags_answer_304_only_while_they_name_the_page,
    signed_in_visitors_never_share_a_cached_page,
    anonymous_public_pages_set_no_cookie,
    the_public_record_lists_every_edition,
);
