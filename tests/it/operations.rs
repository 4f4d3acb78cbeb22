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
