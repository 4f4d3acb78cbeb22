//! Public pages served from memory: what an anonymous visitor can GET is rendered once per
//! language and content version, compressed once (brotli and gzip at their best levels) and
//! served with an `ETag`, so that results day costs a hash-map lookup per request.
//!
//! The content version is the `site_version` row, bumped by database triggers in the same
//! transaction as any write that changes a public page. Each instance re-reads it at most every
//! [`CHECK_EVERY_MS`], and right after any write request it served itself, so an edit shows at
//! once on the instance that made it and within a second on the others.
//!
//! It stands in front of the router ([`layer::CachedSite`]): a kept page skips routing,
//! request ids, tracing, metrics and compression (it adds the security headers itself). Signed-in visitors, queries and
//! other methods always go through the whole stack.

use std::collections::{HashMap, HashSet};
use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_SECURITY_POLICY, CONTENT_TYPE, ETAG,
    IF_NONE_MATCH, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY, VARY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use tower::{Layer, ServiceExt};
use tower_http::compression::{CompressionLayer, CompressionLevel};

use crate::db::{Db, DbResult};
use crate::run;
use crate::web::headers::CSP;

/// How stale another instance's edit may be seen here, at most.
pub mod layer;

const CHECK_EVERY_MS: u64 = 250;
/// Bounds memory: case and encoding variants of real URLs are pages too.
const MAX_ENTRIES: usize = 256;
/// A public page larger than this is served without being kept.
const MAX_PAGE_BYTES: usize = 4 * 1024 * 1024;

/// Set by a handler on a page anyone may see as an anonymous visitor would; `valid_until`
/// (application clock, milliseconds, exclusive) for pages that change with time.
#[derive(Debug, Clone, Copy)]
pub struct PublicPage {
    pub valid_until: Option<i64>,
}

/// Marks `response` as a public page (see [`PublicPage`]).
pub fn public_page(mut response: Response, valid_until: Option<i64>) -> Response {
    response.extensions_mut().insert(PublicPage { valid_until });
    response
}

/// Set by a handler on the answer to a write that changed nothing a public page shows (a
/// refused flag: only the attempts log, which no public page reads): this instance need not
/// read the content version again before serving from memory. Mislabelled, a public page
/// would lag at most [`CHECK_EVERY_MS`].
#[derive(Debug, Clone, Copy)]
pub struct PublicUnchanged;

type Key = (bool, String);

pub struct PublicCache {
    entries: RwLock<HashMap<Key, Arc<Entry>>>,
    /// URLs seen to be public pages: asked again, they are rendered for the cache.
    known: RwLock<HashSet<Key>>,
    /// One render per page at a time: after an edit, the crowd waits for the first render.
    building: Mutex<HashMap<Key, Arc<tokio::sync::Mutex<()>>>>,
    version: AtomicI64,
    /// Milliseconds since `started` of the last successful read of the version.
    checked_at: AtomicU64,
    /// A write request ended here: read the version before serving from memory again.
    stale: AtomicBool,
    refresh: tokio::sync::Mutex<()>,
    started: Instant,
}

impl Default for PublicCache {
    fn default() -> Self {
        PublicCache {
            entries: RwLock::default(),
            known: RwLock::default(),
            building: Mutex::default(),
            version: AtomicI64::new(0),
            checked_at: AtomicU64::new(0),
            stale: AtomicBool::new(true),
            refresh: tokio::sync::Mutex::new(()),
            started: Instant::now(),
        }
    }
}

async fn read_version(db: &Db) -> DbResult<i64> {
    let sql = "SELECT version FROM site_version WHERE id = 1";
    Ok(run!(db, |pool| sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(pool)
        .await)?)
}

impl PublicCache {
    fn elapsed_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    fn is_fresh(&self) -> bool {
        !self.stale.load(Ordering::Acquire)
            && self
                .elapsed_ms()
                .saturating_sub(self.checked_at.load(Ordering::Acquire))
                < CHECK_EVERY_MS
    }

    /// The content version when it need not be read again, without waiting.
    fn fresh_version(&self) -> Option<i64> {
        self.is_fresh()
            .then(|| self.version.load(Ordering::Acquire))
    }

    /// The content version, read again when due; `None` when the database cannot say.
    pub(crate) async fn current_version(&self, db: &Db) -> Option<i64> {
        if self.is_fresh() {
            return Some(self.version.load(Ordering::Acquire));
        }
        let _one_reader = self.refresh.lock().await;
        if self.is_fresh() {
            return Some(self.version.load(Ordering::Acquire));
        }
        // Cleared before reading: a write ending during the read marks it stale again.
        self.stale.store(false, Ordering::Release);
        match read_version(db).await {
            Ok(version) => {
                self.version.store(version, Ordering::Release);
                self.checked_at.store(self.elapsed_ms(), Ordering::Release);
                Some(version)
            }
            Err(error) => {
                self.stale.store(true, Ordering::Release);
                tracing::warn!(%error, "cannot read the public content version");
                None
            }
        }
    }

    fn get(&self, key: &Key, version: i64, now: i64) -> Option<Arc<Entry>> {
        let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
        entries
            .get(key)
            .filter(|e| e.version == version && e.valid_from <= now && now < e.valid_until)
            .cloned()
    }

    fn insert(&self, key: Key, entry: Arc<Entry>) {
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES && !entries.contains_key(&key) {
            entries.retain(|_, e| e.version == entry.version);
            if entries.len() >= MAX_ENTRIES {
                return;
            }
        }
        entries.insert(key, entry);
    }

    fn is_known(&self, key: &Key) -> bool {
        let known = self.known.read().unwrap_or_else(|e| e.into_inner());
        known.contains(key)
    }

    fn learn(&self, key: Key) {
        let mut known = self.known.write().unwrap_or_else(|e| e.into_inner());
        if known.len() < MAX_ENTRIES {
            known.insert(key);
        }
    }

    fn build_lock(&self, key: &Key) -> Arc<tokio::sync::Mutex<()>> {
        let mut building = self.building.lock().unwrap_or_else(|e| e.into_inner());
        building.entry(key.clone()).or_default().clone()
    }

    fn build_done(&self, key: &Key) {
        let mut building = self.building.lock().unwrap_or_else(|e| e.into_inner());
        building.remove(key);
    }
}

/// One representation: its bytes and the headers that name it.
struct Variant {
    body: Bytes,
    etag: HeaderValue,
    /// The `ETag` without quotes, to compare with `If-None-Match`.
    tag: String,
}

struct Entry {
    version: i64,
    valid_from: i64,
    valid_until: i64,
    content_type: HeaderValue,
    identity: Variant,
    gzip: Option<Variant>,
    br: Option<Variant>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Br,
    Gzip,
    Identity,
}

impl Encoding {
    fn header(self) -> &'static str {
        match self {
            Encoding::Br => "br",
            Encoding::Gzip => "gzip",
            Encoding::Identity => "identity",
        }
    }
}

/// Whether `Accept-Encoding` allows `coding` (a `q=0` refuses it).
fn accepts(headers: &HeaderMap, coding: &str) -> bool {
    headers
        .get_all(ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or("").trim();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            name.eq_ignore_ascii_case(coding) && !refused
        })
}

fn preferred_encoding(headers: &HeaderMap) -> Encoding {
    if accepts(headers, "br") {
        Encoding::Br
    } else if accepts(headers, "gzip") {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

/// `If-None-Match` names this tag (weak comparison, as for a GET).
fn matches_if_none_match(headers: &HeaderMap, tag: &str) -> bool {
    headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim())
        .any(|t| t == "*" || t.trim_start_matches("W/").trim_matches('"') == tag)
}

/// `bytes` compressed by tower-http with only `coding` acceptable, at its best level.
async fn compress(bytes: &Bytes, content_type: &HeaderValue, coding: Encoding) -> Option<Bytes> {
    let (body, content_type) = (bytes.clone(), content_type.clone());
    let page = tower::service_fn(move |_: Request| {
        let mut response = Response::new(Body::from(body.clone()));
        response
            .headers_mut()
            .insert(CONTENT_TYPE, content_type.clone());
        async move { Ok::<_, Infallible>(response) }
    });
    let service = CompressionLayer::new()
        .quality(CompressionLevel::Best)
        .layer(page);
    let mut request = Request::new(Body::empty());
    request
        .headers_mut()
        .insert(ACCEPT_ENCODING, HeaderValue::from_static(coding.header()));
    let response = service.oneshot(request).await.ok()?;
    if response.headers().get(CONTENT_ENCODING)?.as_bytes() != coding.header().as_bytes() {
        return None;
    }
    axum::body::to_bytes(Body::new(response.into_body()), usize::MAX)
        .await
        .ok()
}

fn variant(body: Bytes, tag: String) -> Option<Variant> {
    let etag = HeaderValue::from_str(&format!("\"{tag}\"")).ok()?;
    Some(Variant { body, etag, tag })
}

impl Entry {
    async fn build(
        identity: Bytes,
        content_type: HeaderValue,
        version: i64,
        valid_from: i64,
        valid_until: i64,
    ) -> Option<Entry> {
        let hash = hex::encode(&Sha256::digest(&identity)[..12]);
        let br = compress(&identity, &content_type, Encoding::Br).await;
        let gzip = compress(&identity, &content_type, Encoding::Gzip).await;
        Some(Entry {
            version,
            valid_from,
            valid_until,
            br: br.and_then(|b| variant(b, format!("{hash}-br"))),
            gzip: gzip.and_then(|b| variant(b, format!("{hash}-gz"))),
            identity: variant(identity, hash)?,
            content_type,
        })
    }

    fn respond(&self, request: &HeaderMap, secure: bool) -> Response {
        let (variant, encoding) = match (preferred_encoding(request), &self.br, &self.gzip) {
            (Encoding::Br, Some(br), _) => (br, Some("br")),
            (Encoding::Br | Encoding::Gzip, _, Some(gzip)) if accepts(request, "gzip") => {
                (gzip, Some("gzip"))
            }
            _ => (&self.identity, None),
        };
        let mut response = if matches_if_none_match(request, &variant.tag) {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            let mut response = Response::new(Body::from(variant.body.clone()));
            let headers = response.headers_mut();
            headers.insert(CONTENT_TYPE, self.content_type.clone());
            if let Some(encoding) = encoding {
                headers.insert(CONTENT_ENCODING, HeaderValue::from_static(encoding));
            }
            response
        };
        let headers = response.headers_mut();
        headers.insert(ETAG, variant.etag.clone());
        // Anyone may keep it, but must ask again (a cheap 304) before showing it.
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("public, no-cache"));
        headers.insert(VARY, HeaderValue::from_static("accept-encoding, cookie"));
        // Served before the layers that add these to every other response.
        headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
        headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
        if secure {
            headers.insert(
                STRICT_TRANSPORT_SECURITY,
                HeaderValue::from_static("max-age=31536000"),
            );
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(name: axum::http::HeaderName, value: &'static str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(name, HeaderValue::from_static(value));
        map
    }

    #[test]
    fn accept_encoding_is_read_with_its_weights() {
        let browser = headers(ACCEPT_ENCODING, "gzip, deflate, br, zstd");
        assert!(preferred_encoding(&browser) == Encoding::Br);
        let no_br = headers(ACCEPT_ENCODING, "br;q=0, gzip;q=0.5");
        assert!(preferred_encoding(&no_br) == Encoding::Gzip);
        let none = headers(ACCEPT_ENCODING, "identity");
        assert!(preferred_encoding(&none) == Encoding::Identity);
        assert!(preferred_encoding(&HeaderMap::new()) == Encoding::Identity);
    }

    #[test]
    fn if_none_match_compares_tags_weakly() {
        assert!(matches_if_none_match(
            &headers(IF_NONE_MATCH, "\"old\", W/\"abc-br\""),
            "abc-br"
        ));
        assert!(matches_if_none_match(&headers(IF_NONE_MATCH, "*"), "x"));
        assert!(!matches_if_none_match(
            &headers(IF_NONE_MATCH, "\"abc\""),
            "abc-br"
        ));
        assert!(!matches_if_none_match(
            &headers(IF_NONE_MATCH, "garbage"),
            "abc"
        ));
    }

    #[tokio::test]
    async fn compressed_variants_are_made_once_and_named_apart() {
        let page = Bytes::from("<p>Résultats</p>".repeat(200));
        let html = HeaderValue::from_static("text/html; charset=utf-8");
        let entry = Entry::build(page.clone(), html, 1, 0, i64::MAX)
            .await
            .expect("entry");
        let gzip = entry.gzip.expect("gzip variant");
        assert!(gzip.body.len() < page.len() / 10);
        let br = entry.br.expect("br variant");
        assert!(br.body.len() < page.len() / 10);
        assert_ne!(gzip.tag, br.tag);
    }
}
