//! Counting requests (a layer) and showing the counts (`/metrics`, behind a token).

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::RequestLabels;
use crate::web::state::AppState;

/// Counts every request by route, method and status, and times it.
pub async fn record(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    let response = next.run(request).await;
    let labels = RequestLabels {
        method,
        route,
        status: response.status().as_u16(),
    };
    app.metrics.requests.get_or_create(&labels).inc();
    app.metrics
        .latency
        .get_or_create(&labels)
        .observe(started.elapsed().as_secs_f64());
    response
}

/// The metrics, for a scraper that presents the configured token (`Authorization: Bearer …`).
/// They tell outsiders what runs and how busy it is, so without a token they are not served.
/// `backlog` counts the outbox's waiting messages; it is awaited only for an accepted scraper.
pub async fn serve(
    app: &AppState,
    headers: &HeaderMap,
    backlog: impl std::future::Future<Output = Option<i64>>,
) -> Response {
    let Some(expected) = app.config.metrics_token.as_deref() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let presented = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    // Digests of equal length: the comparison's time says nothing about the token.
    if Sha256::digest(presented.as_bytes()) != Sha256::digest(expected.as_bytes()) {
        return (StatusCode::UNAUTHORIZED, [(WWW_AUTHENTICATE, "Bearer")]).into_response();
    }
    if let Some(backlog) = backlog.await {
        app.metrics.outbox_backlog.set(backlog);
    }
    let mut text = String::new();
    if prometheus_client::encoding::text::encode(&mut text, &app.metrics.registry).is_err() {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    (
        [(
            CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        text,
    )
        .into_response()
}
