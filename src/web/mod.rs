//! Shared web plumbing: state, extractors, errors, templates, static assets, and the layers
//! every request goes through (the site's router itself is `crate::site`).

pub mod assets;
pub mod ctx;
pub mod edit;
pub mod error;
pub mod forms;
pub mod headers;
pub mod identities;
pub mod live;
pub mod metrics;
pub mod progress;
pub mod public_cache;
pub mod rate;
pub mod sessions;
pub mod state;
pub mod templates;

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, Query, State};
use axum::http::header::{self, HeaderValue, SET_COOKIE};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};

use self::ctx::{set_cookie, LANG_COOKIE};
use self::error::AppError;
use self::state::AppState;

/// Pages, exports and files may hold personal data: no browser or proxy keeps a response
/// unless its handler chose a cache policy itself (content-hashed assets do). Behind TLS,
/// browsers are told to come back over HTTPS only.
pub async fn cache_and_transport_headers(
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

pub async fn readyz(State(app): State<AppState>) -> Response {
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
pub struct NextParam {
    next: Option<String>,
}

/// A plain link (no form, no JavaScript) that sets the language cookie and goes back.
pub async fn switch_language(
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
