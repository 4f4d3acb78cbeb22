//! Per-request context: language, signed-in user, CSRF token, the event's identity; and the
//! extractors built on it.

use askama::Template;
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::header::{CACHE_CONTROL, COOKIE, HOST, ORIGIN, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use serde::de::DeserializeOwned;
use std::sync::Arc;

use crate::domain::identity::Identity;
use crate::i18n::{self, Lang};
use crate::web::error::{AppError, ErrorPage};
use crate::web::sessions::{self, SessionUser};
use crate::web::state::AppState;

pub const SESSION_COOKIE: &str = "kene_session";
pub const CSRF_COOKIE: &str = "kene_csrf";
pub const LANG_COOKIE: &str = "kene_lang";
/// Url-encoded forms carry text only; files go through multipart uploads.
const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;

/// What every page knows about the request.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub lang: Lang,
    pub user: Option<SessionUser>,
    pub csrf: String,
    /// Path and query of the current page, for the language switch and login redirects.
    pub path: String,
    /// Whose platform this is: header, footer, titles, link previews.
    pub identity: Arc<Identity>,
    /// The logo as an absolute URL for link previews (only with a configured public URL).
    pub og_image: Option<String>,
    /// The site's address, for links read outside it (messages, QR codes).
    pub site: SiteAddress,
}

/// The address links read outside the site start with: a phone opening an e-mail, an SMS or a
/// printed QR code needs it whole. The configured public URL, else the one the request was
/// made on (`Host`, and `X-Forwarded-Proto` behind a proxy).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteAddress {
    base: String,
    /// From the configuration: the same for everyone, so a page showing it may be cached.
    /// One taken from a request's `Host` never is (a forged `Host` must reach nobody else).
    pub configured: bool,
}

impl SiteAddress {
    fn of_request(app: &AppState, headers: &HeaderMap) -> SiteAddress {
        if let Some(public) = &app.config.public_url {
            return SiteAddress {
                base: public.trim_end_matches('/').to_owned(),
                configured: true,
            };
        }
        let host = headers.get(HOST).and_then(|v| v.to_str().ok()).filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        });
        let scheme = match headers.get("x-forwarded-proto").map(|v| v.as_bytes()) {
            Some(b"https") => "https",
            _ => "http",
        };
        SiteAddress {
            base: host
                .map(|host| format!("{scheme}://{host}"))
                .unwrap_or_default(),
            configured: false,
        }
    }

    /// The configured public URL, else the address the server listens on: for messages
    /// written outside any request (the demo).
    pub fn of_config(app: &AppState) -> SiteAddress {
        match app.config.public_url.as_deref() {
            Some(url) => SiteAddress {
                base: url.trim_end_matches('/').to_owned(),
                configured: true,
            },
            None => SiteAddress {
                base: format!("http://{}", app.config.addr),
                configured: false,
            },
        }
    }

    /// `path` (starting with `/`) as a full address.
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Ctx {
    pub fn t(&self, key: &str) -> String {
        i18n::tr(self.lang, key)
    }

    /// The translation of `key` with one argument.
    pub fn t_args(&self, key: &str, name: &'static str, value: String) -> String {
        i18n::tr_args(self.lang, key, &[(name, value)])
    }

    pub fn lang_code(&self) -> &'static str {
        match self.lang {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    pub fn other_lang_code(&self) -> &'static str {
        match self.lang {
            Lang::Fr => "en",
            Lang::En => "fr",
        }
    }

    pub fn favicon_url(&self) -> &'static str {
        crate::web::assets::favicon_url()
    }

    pub fn css_url(&self) -> &'static str {
        crate::web::assets::css_url()
    }

    pub fn js_url(&self) -> &'static str {
        crate::web::assets::js_url()
    }

    /// Live pages' script (follows a page's event stream).
    pub fn live_js_url(&self) -> &'static str {
        crate::web::assets::live_js_url()
    }

    /// The event's name in the visitor's language.
    pub fn site_name(&self) -> &str {
        self.identity.name(self.lang)
    }

    pub fn organiser(&self) -> &str {
        self.identity.organiser(self.lang)
    }

    /// The certificates' signature blocks in the visitor's language.
    pub fn motto(&self) -> &str {
        self.identity.motto(self.lang)
    }

    pub fn signatories(&self) -> Vec<&str> {
        self.identity.signatories(self.lang)
    }

    /// What a page says of itself when it says nothing more precise (link previews).
    pub fn default_description(&self) -> String {
        self.t_args("meta-description", "name", self.site_name().to_owned())
    }

    pub fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.is_admin)
    }

    /// Shows `identity` on this page (and in its link preview).
    fn show_identity(&mut self, app: &AppState, identity: Arc<Identity>) {
        self.og_image = app
            .config
            .public_url
            .as_deref()
            .zip(identity.logo_url())
            .map(|(base, logo)| format!("{}{logo}", base.trim_end_matches('/')));
        self.identity = identity;
    }

    /// The page belongs to an edition not named in its address (an application's pages): it
    /// shows that edition's identity.
    pub async fn in_edition(mut self, app: &AppState, edition_id: i64) -> Ctx {
        let identity = app.identities().await.for_edition(edition_id);
        if !Arc::ptr_eq(&identity, &self.identity) {
            self.show_identity(app, identity);
        }
        self
    }

    /// `path` of this site as a link for a message or a QR code (see [`SiteAddress`]).
    pub fn link(&self, path: &str) -> String {
        self.site.link(path)
    }

    /// `path` made safe to put in a `next=` query parameter.
    pub fn path_encoded(&self) -> String {
        url::form_urlencoded::byte_serialize(self.path.as_bytes()).collect()
    }
}

/// The edition whose slug a page's address carries (`/calls/<edition>/…`, `/results/<edition>`,
/// the edition's back-office pages…): those pages show its identity.
fn edition_in_path(path: &str) -> Option<&str> {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let mut segments = path.trim_start_matches('/').split('/');
    let slug = match segments.next()? {
        "calls" | "results" | "finalists" | "pitches" => segments.next(),
        "admin" if segments.next() == Some("editions") => segments.next(),
        _ => None,
    };
    slug.filter(|s| !s.is_empty())
}

pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

pub fn set_cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let text =
        format!("{name}={value}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite=Lax{secure}");
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Builds the [`Ctx`], enforces the `Origin` check, and renders error pages in the visitor's
/// language.
pub async fn context_middleware(
    State(app): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let headers = request.headers();
    let lang = match cookie_value(headers, LANG_COOKIE) {
        Some("en") => Lang::En,
        _ => Lang::Fr,
    };
    let path = request
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str().to_owned())
        .unwrap_or_else(|| "/".into());
    let existing_csrf = cookie_value(headers, CSRF_COOKIE)
        .filter(|v| v.len() >= 32)
        .map(str::to_owned);
    let new_csrf = existing_csrf.is_none();
    let csrf = existing_csrf.unwrap_or_else(crate::crypto::random_token);
    let session_token = cookie_value(headers, SESSION_COOKIE).map(str::to_owned);
    let origin_ok = origin_matches(&app, request.method(), headers);

    let user = match session_token {
        Some(token) => match sessions::load(&app.db, &token, app.now_ms()).await {
            Ok(user) => user,
            Err(error) => {
                tracing::error!(%error, "session lookup failed");
                None
            }
        },
        None => None,
    };
    let identities = app.identities().await;
    let identity = match edition_in_path(&path) {
        Some(slug) => identities.for_slug(slug),
        None => identities.installation(),
    };
    let site = SiteAddress::of_request(&app, request.headers());
    let mut ctx = Ctx {
        lang,
        user,
        csrf: csrf.clone(),
        path,
        identity: identity.clone(),
        og_image: None,
        site,
    };
    ctx.show_identity(&app, identity);
    request.extensions_mut().insert(ctx.clone());

    let mut response = if origin_ok {
        next.run(request).await
    } else {
        AppError::Csrf.into_response()
    };
    if let Some(page) = response.extensions().get::<ErrorPage>().copied() {
        response = render_error(&ctx, response.status(), page);
    }
    // A public page has no form for an anonymous visitor, an asset none at all: no cookie,
    // so that any cache may keep them.
    let shared = response
        .headers()
        .get(CACHE_CONTROL)
        .is_some_and(|v| v.as_bytes().starts_with(b"public"));
    let public = ctx.user.is_none()
        && (shared
            || response
                .extensions()
                .get::<crate::web::public_cache::PublicPage>()
                .is_some());
    if new_csrf && !public {
        let cookie = set_cookie(
            CSRF_COOKIE,
            &csrf,
            60 * 60 * 24 * 30,
            app.config.secure_cookies,
        );
        response.headers_mut().append(SET_COOKIE, cookie);
    }
    response
}

fn render_error(ctx: &Ctx, status: axum::http::StatusCode, page: ErrorPage) -> Response {
    let template = ErrorTemplate {
        ctx: ctx.clone(),
        title: ctx.t(page.title_key),
        message: ctx.t(page.message_key),
    };
    match askama::Template::render(&template) {
        Ok(html) => (status, axum::response::Html(html)).into_response(),
        Err(_) => status.into_response(),
    }
}

/// A state-changing request whose `Origin` names another site is refused. Requests without
/// `Origin` (old browsers, scripts) still need the CSRF token.
fn origin_matches(app: &AppState, method: &Method, headers: &HeaderMap) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    let Some(origin) = headers.get(ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    if let Some(public) = &app.config.public_url {
        if origin.trim_end_matches('/') == public.trim_end_matches('/') {
            return true;
        }
    }
    let host = headers
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let origin_host = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .unwrap_or("");
    !host.is_empty() && origin_host == host
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or_else(|| AppError::Internal("context middleware missing".into()))
    }
}

/// A signed-in user; anonymous visitors are sent to the login page and brought back.
pub struct SignedIn(pub SessionUser);

pub struct LoginRedirect(String);

impl IntoResponse for LoginRedirect {
    fn into_response(self) -> Response {
        Redirect::to(&format!("/login?next={}", self.0)).into_response()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ctx = Ctx::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        match ctx.user {
            Some(user) => Ok(SignedIn(user)),
            None => Err(LoginRedirect(ctx.path_encoded()).into_response()),
        }
    }
}

/// An url-encoded form whose `csrf` field matched the visitor's token. The raw pairs are kept
/// so that forms with dynamic fields can be parsed by domain code.
pub struct CsrfForm<T> {
    pub value: T,
    pub pairs: Vec<(String, String)>,
}

impl<S, T> FromRequest<S> for CsrfForm<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let ctx = Ctx::from_request_parts(&mut parts, state).await?;
        let bytes = axum::body::to_bytes(body, MAX_FORM_BYTES)
            .await
            .map_err(|_| AppError::PayloadTooLarge)?;
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes)
            .map_err(|_| AppError::BadRequest("error-bad-form"))?;
        let token = pairs
            .iter()
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.as_str())
            .unwrap_or("");
        if !crate::crypto::constant_time_eq(token.as_bytes(), ctx.csrf.as_bytes()) {
            return Err(AppError::Csrf);
        }
        let value = serde_urlencoded::from_bytes(&bytes)
            .map_err(|_| AppError::BadRequest("error-bad-form"))?;
        Ok(CsrfForm { value, pairs })
    }
}

/// The page that says what went wrong, in the visitor's language.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorTemplate {
    pub ctx: Ctx,
    pub title: String,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::edition_in_path;

    #[test]
    fn pages_of_an_edition_are_found_by_their_address() {
        for (path, slug) in [
            ("/calls/sdn-2027/startups", Some("sdn-2027")),
            ("/calls/sdn-2027/startups/apply?x=1", Some("sdn-2027")),
            ("/results/sdn-2026", Some("sdn-2026")),
            ("/results/sdn-2026/certificates/SDN-1/pdf", Some("sdn-2026")),
            ("/finalists/cyber-2027?lang=en", Some("cyber-2027")),
            ("/pitches/sdn-2026", Some("sdn-2026")),
            ("/admin/editions/sdn-2027/identity", Some("sdn-2027")),
            ("/calls", None),
            ("/calls/", None),
            ("/", None),
            ("/admin/identity", None),
            ("/applications/12/receipt", None),
            ("/resultsx/sdn-2026", None),
        ] {
            assert_eq!(edition_in_path(path), slug, "{path}");
        }
    }
}
