//! Operations: metrics are served only to a scraper holding the configured token.

use reqwest::StatusCode;

use crate::support::{Backend, TestApp};

both_dbs!(metrics_need_the_configured_token);

async fn metrics_need_the_configured_token(backend: Backend) {
    let app = TestApp::start_with(backend, |config| {
        config.metrics_token = Some("scrape-me-0123456789".into());
    })
    .await;
    app.client().get("/calls").await;
    let http = reqwest::Client::new();
    let scrape = |token: Option<&'static str>| {
        let mut request = http.get(app.url("/metrics"));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send()
    };

    let anonymous = scrape(None).await.expect("GET /metrics");
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let wrong = scrape(Some("scrape-me-012345678"))
        .await
        .expect("GET /metrics");
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let wrong_body = wrong.text().await.unwrap_or_default();
    assert!(!wrong_body.contains("kene_http_requests"), "{wrong_body}");

    let scraped = scrape(Some("scrape-me-0123456789"))
        .await
        .expect("GET /metrics");
    assert_eq!(scraped.status(), StatusCode::OK);
    let body = scraped.text().await.expect("metrics text");
    assert!(
        body.contains("kene_http_requests") && body.contains("kene_outbox_backlog"),
        "request counts and the outbox backlog:\n{body}"
    );
    app.finish().await;
}

both_dbs!(robots_and_the_icon_are_served_and_pages_describe_themselves);

/// A shared link shows a description, the browser tab an icon (no 404 in the console), and
/// search engines are kept out of personal pages.
async fn robots_and_the_icon_are_served_and_pages_describe_themselves(backend: Backend) {
    let app = TestApp::start(backend).await;
    let client = app.client();

    let robots = client.get("/robots.txt").await;
    assert_eq!(robots.status, StatusCode::OK);
    assert!(robots.headers["content-type"]
        .to_str()
        .unwrap_or_default()
        .starts_with("text/plain"));
    for private in ["/admin", "/applications", "/account", "/review"] {
        assert!(
            robots.body.contains(&format!("Disallow: {private}\n")),
            "{}",
            robots.body
        );
    }
    assert!(!robots.body.contains("Disallow: /calls"), "{}", robots.body);

    let home = client.get("/").await;
    assert_eq!(
        home.tag_attr("<meta name=\"description\"", "content")
            .as_deref(),
        Some(
            kene::i18n::tr_args(
                kene::i18n::Lang::Fr,
                "meta-description",
                &[("name", "Kènè".to_owned())]
            )
            .as_str()
        )
    );
    let icon = home
        .tag_attr("<link rel=\"icon\"", "href")
        .expect("the page names its icon");
    let served = client.get(&icon).await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(served.headers["content-type"], "image/svg+xml");
    assert!(served.body.starts_with("<svg"), "{}", served.body);
    let ico = client.get("/favicon.ico").await;
    assert_eq!(ico.redirect_target().as_deref(), Some(icon.as_str()));
    app.finish().await;
}
