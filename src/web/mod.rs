//! Shared web plumbing: state, router, extractors, errors, templates, static assets.

pub mod assets;
pub mod ctx;
pub mod edit;
pub mod error;
pub mod forms;
pub mod metrics;
pub mod public_cache;
pub mod state;
pub mod templates;

use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::{ConnectInfo, FromRequestParts, Query, State};
use axum::http::header::{self, HeaderName, HeaderValue, SET_COOKIE};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use self::ctx::{set_cookie, Ctx, LANG_COOKIE};
use self::error::{AppError, AppResult};
use self::public_cache::public_page;
use self::state::AppState;
use self::templates::{render, HomeTemplate};

pub(crate) const CSP: &str =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; \
                   form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

pub fn router(state: AppState) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    let max_body = state.config.limits.max_request_bytes;
    Router::new()
        .route("/", get(home))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics::serve))
        .route("/lang/{code}", get(switch_language))
        .route("/static/{file}", get(assets::serve))
        .route("/favicon.ico", get(assets::favicon_ico))
        .route("/robots.txt", get(assets::robots_txt))
        .merge(crate::accounts::routes::router())
        .merge(crate::calls::routes::router())
        .merge(crate::applications::routes::router())
        .merge(crate::applications::admin::router())
        .merge(crate::editions::router())
        .merge(crate::review::scoring::router())
        .merge(crate::review::committee::router())
        .merge(crate::review::jury::router())
        .merge(crate::review::results::router())
        .merge(crate::coaching::router())
        .merge(crate::review::shortlist::router())
        .merge(crate::personal_data::router())
        .merge(crate::notifications::template_admin::router())
        .merge(crate::identity::routes::router())
        .fallback(|| async { AppError::NotFound })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ctx::context_middleware,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            cache_and_transport_headers,
        ))
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), metrics::record))
        .layer(axum::extract::DefaultBodyLimit::max(max_body))
        .layer(RequestBodyLimitLayer::new(max_body))
        // Pages kept by the public cache are compressed once at the best level; everything
        // else is compressed per response, so at the fastest level: from quality 4 on (the
        // default here), brotli sets up megabytes of hash tables for every response.
        .layer(CompressionLayer::new().quality(CompressionLevel::Fastest))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
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
        // Outermost: a kept public page costs a lookup, not the whole stack (it carries the
        // security headers above itself).
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            public_cache::middleware,
        ))
        .with_state(state)
}

/// Pages, exports and files may hold personal data: no browser or proxy keeps a response
/// unless its handler chose a cache policy itself (content-hashed assets do). Behind TLS,
/// browsers are told to come back over HTTPS only.
async fn cache_and_transport_headers(
    State(app): State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if app.config.secure_cookies {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}

async fn home(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let tracks = crate::calls::queries::open_and_upcoming_tracks(&app.db, app.now_ms()).await?;
    let valid_until = crate::calls::routes::shown_until(&tracks, app.now_ms());
    let cards = crate::calls::routes::track_cards(&app, &ctx, tracks).await?;
    Ok(public_page(
        render(&HomeTemplate { ctx, tracks: cards })?,
        Some(valid_until),
    ))
}

async fn readyz(State(app): State<AppState>) -> Response {
    match app.db.ping().await {
        Ok(()) => "ready".into_response(),
        Err(error) => {
            tracing::error!(%error, "readiness check failed");
            (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "database unavailable",
            )
                .into_response()
        }
    }
}

#[derive(serde::Deserialize)]
struct NextParam {
    next: Option<String>,
}

/// A plain link (no form, no JavaScript) that sets the language cookie and goes back.
async fn switch_language(
    State(app): State<AppState>,
    axum::extract::Path(code): axum::extract::Path<String>,
    Query(q): Query<NextParam>,
) -> Response {
    let code = if code == "en" { "en" } else { "fr" };
    let mut response = Redirect::to(&forms::safe_next(q.next.as_deref())).into_response();
    response.headers_mut().append(
        SET_COOKIE,
        set_cookie(
            LANG_COOKIE,
            code,
            60 * 60 * 24 * 365,
            app.config.secure_cookies,
        ),
    );
    response
}

/// The client's address: the socket peer, or the first `X-Forwarded-For` hop when the
/// instance is configured to trust its reverse proxy.
pub struct ClientIp(pub String);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if state.config.trust_proxy {
            if let Some(forwarded) = parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
            {
                return Ok(ClientIp(forwarded.trim().to_owned()));
            }
        }
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip().to_string())
            .unwrap_or_else(|| "unknown".into());
        Ok(ClientIp(peer))
    }
}
