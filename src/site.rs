//! The site: every area's pages under one router, and the layers every request goes
//! through (public cache, security headers, request ids, compression, limits, the request
//! context). It sits above the areas, so that none of them — `web` included — has to know
//! the others.

use std::time::Duration;

use axum::http::header::{self, HeaderName, HeaderValue};
use axum::routing::get;
use axum::Router;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;

use crate::web::{self, state::AppState};

pub fn router(state: AppState) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    let max_body = state.config.limits.max_request_bytes;
    Router::new()
        .route("/", get(crate::calls::routes::home))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(web::readyz))
        .route("/metrics", get(metrics))
        .route("/lang/{code}", get(web::switch_language))
        .route("/static/{file}", get(web::assets::serve))
        .route("/favicon.ico", get(web::assets::favicon_ico))
        .route("/robots.txt", get(web::assets::robots_txt))
        .merge(crate::accounts::routes::router())
        .merge(crate::calls::routes::router())
        .merge(crate::applications::router())
        .merge(crate::applications::admin::router())
        .merge(crate::editions::router())
        .merge(crate::review::scoring::router())
        .merge(crate::review::committee::router())
        .merge(crate::review::jury::router())
        .merge(crate::review::results::router())
        .merge(crate::coaching::router())
        .merge(crate::programme::router())
        .merge(crate::registration::router())
        .merge(crate::checkin::router())
        .merge(crate::stands::router())
        .merge(crate::questions::router())
        .merge(crate::networking::router())
        .merge(crate::ctf::router())
        .merge(crate::directory::router())
        .merge(crate::opportunities::router())
        .merge(crate::opendata::router())
        .merge(crate::stats::router())
        .merge(crate::review::shortlist::router())
        .merge(crate::personal_data::router())
        .merge(crate::notifications::template_admin::router())
        .merge(crate::notifications::outbox_page::router())
        .merge(crate::audit::page::router())
        .merge(crate::identity::routes::router())
        .fallback(|| async { web::error::AppError::NotFound })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            web::ctx::context_middleware,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            web::cache_and_transport_headers,
        ))
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), web::metrics::layer::record))
        .layer(axum::extract::DefaultBodyLimit::max(max_body))
        .layer(RequestBodyLimitLayer::new(max_body))
        // Pages kept by the public cache are compressed once at the best level; everything
        // else is compressed per response, so at the fastest level: from quality 4 on (the
        // default here), brotli sets up megabytes of hash tables for every response.
        .layer(CompressionLayer::new().quality(CompressionLevel::Fastest))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(web::headers::CSP),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
                let id = request
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                tracing::info_span!("request", id = %id, method = %request.method(), path = %request.uri().path())
            }),
        )
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(axum::http::StatusCode::REQUEST_TIMEOUT, Duration::from_secs(120)))
        .with_state(state)
}

/// `/metrics`: the request counts, and the outbox's backlog counted when scraped.
async fn metrics(State(app): State<AppState>, headers: HeaderMap) -> Response {
    let db = app.db.clone();
    let backlog = async move { crate::outbox::backlog(&db).await.ok() };
    web::metrics::layer::serve(&app, &headers, backlog).await
}
