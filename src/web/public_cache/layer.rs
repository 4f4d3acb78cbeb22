//! The public cache in front of the router: a kept page is served without routing nor
//! running any layer; a public page seen twice is kept.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::extract::Request;
use axum::http::header::{ACCEPT_ENCODING, CONTENT_TYPE, SET_COOKIE};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower::{Service, ServiceExt};

use super::*;
use crate::web::ctx::{cookie_value, LANG_COOKIE, SESSION_COOKIE};
use crate::web::state::AppState;

/// The cache key of an anonymous GET without a query string; `None` for anything else
/// (signed-in visitors get their own page, never a shared one).
fn cache_key(request: &Request) -> Option<Key> {
    if request.method() != Method::GET || request.uri().query().is_some() {
        return None;
    }
    let headers = request.headers();
    if cookie_value(headers, SESSION_COOKIE).is_some() {
        return None;
    }
    let english = cookie_value(headers, LANG_COOKIE) == Some("en");
    Some((english, request.uri().path().to_owned()))
}

/// The whole site behind its public cache: a kept page is answered before routing, so that
/// it costs a lookup and not a pass through the router and its layers; anything else goes
/// to the router.
#[derive(Clone)]
pub struct CachedSite {
    app: AppState,
    router: Router,
}

impl CachedSite {
    pub fn new(app: AppState, router: Router) -> CachedSite {
        CachedSite { app, router }
    }
}

impl Service<Request> for CachedSite {
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        // A router is always ready; each request is served by its own clone of it.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let key = cache_key(&request);
        // The common case, a kept page while the content version is known to be current,
        // is answered here without cloning anything.
        if let Some(key) = &key {
            let cache = &self.app.public_cache;
            if let Some(version) = cache.fresh_version() {
                if let Some(entry) = cache.get(key, version, self.app.now_ms()) {
                    let response = entry.respond(request.headers(), self.app.config.secure_cookies);
                    return Box::pin(std::future::ready(Ok(response)));
                }
            }
        }
        let (app, router) = (self.app.clone(), self.router.clone());
        Box::pin(async move { Ok(serve(app, key, request, router).await) })
    }
}

async fn serve(app: AppState, key: Option<Key>, request: Request, router: Router) -> Response {
    let cache = app.public_cache.clone();
    let Some(key) = key else {
        let writes = !matches!(
            *request.method(),
            Method::GET | Method::HEAD | Method::OPTIONS
        );
        let response = route(router, request).await;
        if writes && response.extensions().get::<PublicUnchanged>().is_none() {
            cache.stale.store(true, Ordering::Release);
        }
        return response;
    };
    let Some(version) = cache.current_version(&app.db).await else {
        return route(router, request).await;
    };
    let secure = app.config.secure_cookies;
    if let Some(entry) = cache.get(&key, version, app.now_ms()) {
        return entry.respond(request.headers(), secure);
    }
    if !cache.is_known(&key) {
        // Served like any page the first time; kept from the next one if it is public.
        let response = route(router, request).await;
        if response.status() == StatusCode::OK
            && response.extensions().get::<PublicPage>().is_some()
        {
            cache.learn(key);
        }
        return response;
    }
    let lock = cache.build_lock(&key);
    let _building = lock.lock().await;
    let now = app.now_ms();
    let response = match cache.get(&key, version, now) {
        Some(entry) => entry.respond(request.headers(), secure),
        None => {
            let headers = request.headers().clone();
            let mut request = request;
            // Rendered in clear: the cache compresses once, at the best level.
            request.headers_mut().remove(ACCEPT_ENCODING);
            let kept = Kept {
                key: key.clone(),
                version,
                now,
                secure,
            };
            render_and_keep(&cache, kept, &headers, request, router).await
        }
    };
    cache.build_done(&key);
    response
}

async fn route(router: Router, request: Request) -> Response {
    match router.oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// What a render is kept under.
struct Kept {
    key: Key,
    version: i64,
    now: i64,
    secure: bool,
}

async fn render_and_keep(
    cache: &PublicCache,
    kept: Kept,
    headers: &HeaderMap,
    request: Request,
    router: Router,
) -> Response {
    let response = route(router, request).await;
    let Some(page) = response.extensions().get::<PublicPage>().copied() else {
        return response;
    };
    let content_type = response.headers().get(CONTENT_TYPE).cloned();
    let (Some(content_type), StatusCode::OK, false) = (
        content_type,
        response.status(),
        response.headers().contains_key(SET_COOKIE),
    ) else {
        return response;
    };
    let bytes = match axum::body::to_bytes(response.into_body(), MAX_PAGE_BYTES).await {
        Ok(bytes) => bytes,
        Err(error) => {
            tracing::error!(%error, "cannot read a public page to keep it");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let valid_until = page.valid_until.unwrap_or(i64::MAX);
    let Some(entry) = Entry::build(bytes, content_type, kept.version, kept.now, valid_until).await
    else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let entry = Arc::new(entry);
    cache.insert(kept.key, entry.clone());
    entry.respond(headers, kept.secure)
}
