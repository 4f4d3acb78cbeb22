//! Static assets embedded in the binary, served under content-hashed names with a long cache
//! lifetime.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

use crate::web::error::AppError;

struct Asset {
    url: String,
    body: &'static str,
    content_type: &'static str,
}

fn asset(stem: &str, ext: &str, body: &'static str, content_type: &'static str) -> Asset {
    let hash = &crate::crypto::sha256_hex(body.as_bytes())[..12];
    Asset {
        url: format!("/static/{stem}.{hash}.{ext}"),
        body,
        content_type,
    }
}

static CSS: LazyLock<Asset> = LazyLock::new(|| {
    asset(
        "app",
        "css",
        include_str!("../../static/app.css"),
        "text/css; charset=utf-8",
    )
});
static JS: LazyLock<Asset> = LazyLock::new(|| {
    asset(
        "app",
        "js",
        include_str!("../../static/app.js"),
        "text/javascript; charset=utf-8",
    )
});
/// Live pages' script (questions): loaded by those pages only.
static LIVE_JS: LazyLock<Asset> = LazyLock::new(|| {
    asset(
        "live",
        "js",
        include_str!("../../static/live.js"),
        "text/javascript; charset=utf-8",
    )
});

/// The door page's script (see `checkin`).
static CHECKIN_JS: LazyLock<Asset> = LazyLock::new(|| {
    asset(
        "checkin",
        "js",
        include_str!("../../static/checkin.js"),
        "text/javascript; charset=utf-8",
    )
});
/// The QR code reader the door page uses: `qr` 0.7.0 by Paul Miller (MIT), its decoder
/// bundled and minified (see static/qr-decode.js).
static QR_JS: LazyLock<Asset> = LazyLock::new(|| {
    asset(
        "qr-decode",
        "js",
        include_str!("../../static/qr-decode.js"),
        "text/javascript; charset=utf-8",
    )
});

static FAVICON: LazyLock<Asset> = LazyLock::new(|| {
    asset(
        "favicon",
        "svg",
        include_str!("../../static/favicon.svg"),
        "image/svg+xml",
    )
});

pub fn favicon_url() -> &'static str {
    &FAVICON.url
}

pub fn css_url() -> &'static str {
    &CSS.url
}

pub fn js_url() -> &'static str {
    &JS.url
}

pub fn checkin_js_url() -> &'static str {
    &CHECKIN_JS.url
}

pub fn qr_js_url() -> &'static str {
    &QR_JS.url
}

pub fn live_js_url() -> &'static str {
    &LIVE_JS.url
}

pub async fn serve(Path(file): Path<String>) -> Result<Response, AppError> {
    let path = format!("/static/{file}");
    for asset in [&*CSS, &*JS, &*CHECKIN_JS, &*QR_JS, &*LIVE_JS, &*FAVICON] {
        if asset.url == path {
            return Ok((
                [
                    (CONTENT_TYPE, asset.content_type),
                    (CACHE_CONTROL, "public, max-age=31536000, immutable"),
                ],
                asset.body,
            )
                .into_response());
        }
    }
    Err(AppError::NotFound)
}

/// Browsers and link previewers that ask for `/favicon.ico` get the icon the pages name.
pub async fn favicon_ico() -> Response {
    axum::response::Redirect::permanent(favicon_url()).into_response()
}

/// Search engines index the public record (calls, shortlists, results), not personal pages.
pub async fn robots_txt() -> Response {
    (
        [
            (CONTENT_TYPE, "text/plain; charset=utf-8"),
            (CACHE_CONTROL, "public, max-age=86400"),
        ],
        "User-agent: *\nDisallow: /admin\nDisallow: /applications\nDisallow: /review\n\
         Disallow: /coaching\nDisallow: /jury\nDisallow: /account\nDisallow: /login\n\
         Disallow: /signup\nDisallow: /lang/\nAllow: /\n",
    )
        .into_response()
}
