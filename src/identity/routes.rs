//! The identity settings page (administrators), and the logo and colours served to every page.

use askama::Template;
use axum::extract::{FromRequestParts, Multipart, Path, Query, State};
use axum::http::header::{CACHE_CONTROL, CONNECTION, CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use super::{queries, Colour, Colours, Identity, IdentityError, Logo, Scope, Settings, SiteDomain};
use crate::domain::identity::MAX_LOGO_BYTES;
use crate::domain::types::{Email, Lang, Localized, PhoneNumber};
use crate::editions::access::{path_param, OrganisedEdition};
use crate::i18n::tr;
use crate::i18n::ParseErrorMessage;
use crate::i18n::Say;
use crate::web::ctx::{CsrfForm, Ctx, SignedIn};
use crate::web::edit::{posted_version, StaleEdit};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{csrf_first, read_file_part, FieldErrors};
use crate::web::sessions::SessionUser;
use crate::web::state::AppState;
use crate::web::templates::render_with_status;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/identity", get(page).post(save))
        .route("/admin/identity/logo", post(upload_logo))
        .route("/admin/identity/logo/remove", post(remove_logo))
        .route("/admin/editions/{edition}/identity", get(page).post(save))
        .route("/admin/editions/{edition}/identity/logo", post(upload_logo))
        .route(
            "/admin/editions/{edition}/identity/logo/remove",
            post(remove_logo),
        )
        .route("/admin/editions/{edition}/identity/reset", post(reset))
        .route("/identity/{file}", get(serve))
}

/// Whose identity a page edits, checked against who asks: the installation's for an
/// administrator (`/admin/identity`), an edition's for its organisers
/// (`/admin/editions/<edition>/identity`); anyone else gets "not found".
pub struct Editing {
    user: SessionUser,
    scope: Scope,
    /// The settings page's address (its forms post beside it).
    page: String,
    /// The edition's year, when editing an edition's.
    edition_year: Option<i64>,
}

impl FromRequestParts<AppState> for Editing {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, Response> {
        match path_param(parts, app, "edition").await {
            Some(_) => {
                let OrganisedEdition { edition, user } =
                    OrganisedEdition::from_request_parts(parts, app).await?;
                Ok(Editing {
                    user,
                    scope: Scope::Edition(edition.id),
                    page: format!("/admin/editions/{}/identity", edition.slug),
                    edition_year: Some(edition.year),
                })
            }
            None => {
                let SignedIn(user) = SignedIn::from_request_parts(parts, app).await?;
                if !user.is_admin {
                    return Err(AppError::NotFound.into_response());
                }
                Ok(Editing {
                    user,
                    scope: Scope::Installation,
                    page: "/admin/identity".into(),
                    edition_year: None,
                })
            }
        }
    }
}

impl Editing {
    fn saved(&self) -> Response {
        Redirect::to(&format!("{}?saved=1", self.page)).into_response()
    }

    /// The identity stored for the scope, or — for an edition without its own — the one it
    /// shows (the installation's), as version 0.
    async fn stored(&self, app: &AppState) -> AppResult<(Identity, bool)> {
        if let Some(identity) = queries::load(&app.db, self.scope).await? {
            return Ok((identity, true));
        }
        let mut inherited = queries::installation(&app.db).await?;
        inherited.version = 0;
        Ok((inherited, false))
    }
}

/// The form as typed: kept whole when something is refused.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct IdentityForm {
    #[serde(default)]
    name_fr: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    organiser_fr: String,
    #[serde(default)]
    organiser_en: String,
    #[serde(default)]
    motto_fr: String,
    #[serde(default)]
    motto_en: String,
    #[serde(default)]
    contact_phone: String,
    #[serde(default)]
    contact_whatsapp: String,
    #[serde(default)]
    contact_email: String,
    #[serde(default)]
    official_domain: String,
    #[serde(default)]
    signatory_1_fr: String,
    #[serde(default)]
    signatory_1_en: String,
    #[serde(default)]
    signatory_2_fr: String,
    #[serde(default)]
    signatory_2_en: String,
    #[serde(default)]
    brand_colour: String,
    #[serde(default)]
    on_brand_colour: String,
    #[serde(default)]
    version: String,
}

impl IdentityForm {
    fn from_identity(identity: &Identity) -> IdentityForm {
        let s = &identity.settings;
        IdentityForm {
            name_fr: s.name.fr.clone(),
            name_en: s.name.en.clone(),
            organiser_fr: s.organiser.fr.clone(),
            organiser_en: s.organiser.en.clone(),
            motto_fr: s.motto.fr.clone(),
            motto_en: s.motto.en.clone(),
            contact_phone: identity.phone().unwrap_or_default().to_owned(),
            contact_whatsapp: identity.whatsapp().unwrap_or_default().to_owned(),
            contact_email: identity.email().unwrap_or_default().to_owned(),
            official_domain: identity.domain().unwrap_or_default().to_owned(),
            signatory_1_fr: s.signatories[0].fr.clone(),
            signatory_1_en: s.signatories[0].en.clone(),
            signatory_2_fr: s.signatories[1].fr.clone(),
            signatory_2_en: s.signatories[1].en.clone(),
            brand_colour: s.colours.brand.to_string(),
            on_brand_colour: s.colours.on_brand.to_string(),
            version: identity.version.to_string(),
        }
    }

    /// The settings, or every refusal next to its field.
    fn parse(&self, lang: Lang) -> Result<Settings, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name_fr = self.name_fr.trim();
        if name_fr.is_empty() {
            errors.add("name_fr", tr(lang, "field-required"));
        }
        let mut phone = |field: &str, value: &str| -> Option<PhoneNumber> {
            let value = value.trim();
            if value.is_empty() {
                return None;
            }
            PhoneNumber::parse(value)
                .map_err(|e| errors.add(field, ParseErrorMessage(&e, lang).to_string()))
                .ok()
        };
        let contact_phone = phone("contact_phone", &self.contact_phone);
        let contact_whatsapp = phone("contact_whatsapp", &self.contact_whatsapp);
        let contact_email = match self.contact_email.trim() {
            "" => None,
            v => Email::parse(v)
                .map_err(|e| errors.add("contact_email", ParseErrorMessage(&e, lang).to_string()))
                .ok(),
        };
        let official_domain = match self.official_domain.trim() {
            "" => None,
            v => SiteDomain::parse(v)
                .map_err(|e| errors.add("official_domain", e.message(lang)))
                .ok(),
        };
        let mut colour = |field: &str, value: &str| {
            Colour::parse(value)
                .map_err(|e| errors.add(field, e.message(lang)))
                .ok()
        };
        let brand = colour("brand_colour", &self.brand_colour);
        let on_brand = colour("on_brand_colour", &self.on_brand_colour);
        let colours = match (brand, on_brand) {
            (Some(brand), Some(on_brand)) => Colours::new(brand, on_brand)
                .map_err(|e| errors.add("on_brand_colour", e.message(lang)))
                .ok(),
            _ => None,
        };
        match colours {
            Some(colours) if errors.is_empty() => Ok(Settings {
                name: both_languages(name_fr, &self.name_en),
                organiser: both_languages(&self.organiser_fr, &self.organiser_en),
                motto: both_languages(&self.motto_fr, &self.motto_en),
                contact_phone,
                contact_whatsapp,
                contact_email,
                official_domain,
                colours,
                signatories: [
                    both_languages(&self.signatory_1_fr, &self.signatory_1_en),
                    both_languages(&self.signatory_2_fr, &self.signatory_2_en),
                ],
            }),
            _ => Err(errors),
        }
    }
}

/// A text in French and English; the English left empty reads as the French.
fn both_languages(fr: &str, en: &str) -> Localized {
    let fr = fr.trim();
    match en.trim() {
        "" => Localized::new(fr, fr),
        en => Localized::new(fr, en),
    }
}

#[derive(Template)]
#[template(path = "admin/identity.html")]
struct IdentityTemplate {
    ctx: Ctx,
    /// Where the forms post.
    page: String,
    /// The edition's year, when the page edits an edition's identity.
    edition_year: Option<i64>,
    /// An edition has its own identity (false: it shows the installation's).
    own: bool,
    values: IdentityForm,
    errors: FieldErrors,
    /// The refusal of the last logo sent, if any.
    logo_error: Option<String>,
    saved: bool,
    stale: Option<StaleEdit>,
    max_logo_kb: usize,
}

impl IdentityTemplate {
    fn new(ctx: Ctx, editing: &Editing, stored: &Identity, own: bool) -> IdentityTemplate {
        IdentityTemplate {
            ctx,
            page: editing.page.clone(),
            edition_year: editing.edition_year,
            own,
            values: IdentityForm::from_identity(stored),
            errors: FieldErrors::default(),
            logo_error: None,
            saved: false,
            stale: None,
            max_logo_kb: MAX_LOGO_BYTES / 1024,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct PageQuery {
    #[serde(default)]
    saved: Option<String>,
}

async fn page(
    State(app): State<AppState>,
    ctx: Ctx,
    editing: Editing,
    Query(query): Query<PageQuery>,
) -> AppResult<Response> {
    let (stored, own) = editing.stored(&app).await?;
    let mut page = IdentityTemplate::new(ctx, &editing, &stored, own);
    page.saved = query.saved.is_some();
    render_with_status(StatusCode::OK, &page)
}

async fn save(
    State(app): State<AppState>,
    ctx: Ctx,
    editing: Editing,
    form: CsrfForm<IdentityForm>,
) -> AppResult<Response> {
    let values = form.value;
    let expected = posted_version(&values.version);
    let settings = match values.parse(ctx.lang) {
        Ok(settings) => settings,
        Err(errors) => {
            let (stored, own) = editing.stored(&app).await?;
            let mut page = IdentityTemplate::new(ctx, &editing, &stored, own);
            page.values = values;
            page.errors = errors;
            return render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let mut tx = app.db.begin().await?;
    let now = app.now_ms();
    if !queries::update(
        &mut tx,
        editing.scope,
        &settings,
        expected,
        editing.user.id,
        now,
    )
    .await?
    {
        drop(tx);
        let (stored, own) = editing.stored(&app).await?;
        let lang = ctx.lang;
        let mut page = IdentityTemplate::new(ctx, &editing, &stored, own);
        page.stale = Some(stale_edit(&stored, lang));
        page.values = IdentityForm {
            version: stored.version.to_string(),
            ..values
        };
        return render_with_status(StatusCode::CONFLICT, &page);
    }
    tx.commit().await?;
    Ok(editing.saved())
}

fn stale_edit(stored: &Identity, lang: Lang) -> StaleEdit {
    let form = IdentityForm::from_identity(stored);
    let label = |key: &str| tr(lang, key);
    StaleEdit {
        version: stored.version,
        stored: vec![
            (label("identity-name-fr"), form.name_fr),
            (label("identity-name-en"), form.name_en),
            (label("identity-organiser-fr"), form.organiser_fr),
            (label("identity-organiser-en"), form.organiser_en),
            (label("identity-motto-fr"), form.motto_fr),
            (label("identity-contact-phone"), form.contact_phone),
            (label("identity-contact-whatsapp"), form.contact_whatsapp),
            (label("identity-contact-email"), form.contact_email),
            (label("identity-domain"), form.official_domain),
            (label("identity-signatory-1-fr"), form.signatory_1_fr),
            (label("identity-signatory-2-fr"), form.signatory_2_fr),
            (label("identity-brand-colour"), form.brand_colour),
            (label("identity-on-brand-colour"), form.on_brand_colour),
        ],
    }
}

/// A body up to this size is read to its end even when the logo in it is refused, so that the
/// browser, still sending, gets the page that says why; a larger one is refused from its
/// declared length before any byte is read (and the connection closed).
const READ_AT_MOST: u64 = 2 * 1024 * 1024;

async fn upload_logo(
    State(app): State<AppState>,
    ctx: Ctx,
    editing: Editing,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> AppResult<Response> {
    // Refused from its declared length, before a byte of the body is read.
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let unread = declared.is_some_and(|length| length > READ_AT_MOST);
    let outcome = match declared {
        Some(length) if unread => {
            // The form's few other bytes are within the rounding to kilobytes.
            Err(IdentityError::LogoTooLarge {
                bytes: usize::try_from(length).unwrap_or(usize::MAX),
            })
        }
        _ => {
            csrf_first(&mut multipart, &ctx).await?;
            read_logo(&mut multipart).await.and_then(Logo::parse)
        }
    };
    match outcome {
        Ok(logo) => {
            let mut tx = app.db.begin().await?;
            let now = app.now_ms();
            queries::set_logo(&mut tx, editing.scope, Some(&logo), editing.user.id, now).await?;
            tx.commit().await?;
            Ok(editing.saved())
        }
        Err(error) => {
            let (stored, own) = editing.stored(&app).await?;
            let lang = ctx.lang;
            let mut page = IdentityTemplate::new(ctx, &editing, &stored, own);
            page.logo_error = Some(error.message(lang));
            let mut response = render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page)?;
            if unread {
                // The body was left unread: this connection cannot carry another request.
                response
                    .headers_mut()
                    .insert(CONNECTION, HeaderValue::from_static("close"));
            }
            Ok(response)
        }
    }
}

/// The `file` part's bytes, refused past the limit.
async fn read_logo(multipart: &mut Multipart) -> Result<Vec<u8>, IdentityError> {
    let file = read_file_part(multipart, "file", MAX_LOGO_BYTES).await;
    if file.seen > MAX_LOGO_BYTES {
        return Err(IdentityError::LogoTooLarge { bytes: file.seen });
    }
    Ok(file.bytes)
}

async fn remove_logo(
    State(app): State<AppState>,
    editing: Editing,
    _form: CsrfForm<serde::de::IgnoredAny>,
) -> AppResult<Response> {
    let mut tx = app.db.begin().await?;
    queries::set_logo(&mut tx, editing.scope, None, editing.user.id, app.now_ms()).await?;
    tx.commit().await?;
    Ok(editing.saved())
}

/// The edition shows the installation's identity again.
async fn reset(
    State(app): State<AppState>,
    editing: Editing,
    _form: CsrfForm<serde::de::IgnoredAny>,
) -> AppResult<Response> {
    let Scope::Edition(edition_id) = editing.scope else {
        return Err(AppError::NotFound);
    };
    let mut tx = app.db.begin().await?;
    queries::reset_edition(&mut tx, edition_id, editing.user.id, app.now_ms()).await?;
    tx.commit().await?;
    Ok(editing.saved())
}

/// `logo-<sha256 prefix>.<ext>` and `colours-<brand>-<on brand>.css`: named by their content,
/// so kept by browsers for a year.
async fn serve(State(app): State<AppState>, Path(file): Path<String>) -> AppResult<Response> {
    const FOREVER: &str = "public, max-age=31536000, immutable";
    if let Some(name) = file.strip_prefix("logo-") {
        let (prefix, extension) = name.split_once('.').ok_or(AppError::NotFound)?;
        let (kind, bytes) = queries::logo(&app.db, prefix)
            .await?
            .ok_or(AppError::NotFound)?;
        if kind.extension() != extension {
            return Err(AppError::NotFound);
        }
        return Ok((
            [(CONTENT_TYPE, kind.mime()), (CACHE_CONTROL, FOREVER)],
            bytes,
        )
            .into_response());
    }
    if let Some(name) = file.strip_prefix("colours-") {
        let pair = name.strip_suffix(".css").ok_or(AppError::NotFound)?;
        let (brand, on_brand) = pair.split_once('-').ok_or(AppError::NotFound)?;
        // Only a pair that passes the contrast check is ever painted.
        let colours = Colours::new(
            Colour::parse(brand).map_err(|_| AppError::NotFound)?,
            Colour::parse(on_brand).map_err(|_| AppError::NotFound)?,
        )
        .map_err(|_| AppError::NotFound)?;
        let css = format!(
            ":root{{--brand:{};--on-brand:{}}}\n",
            colours.brand, colours.on_brand
        );
        return Ok((
            [
                (CONTENT_TYPE, "text/css; charset=utf-8"),
                (CACHE_CONTROL, FOREVER),
            ],
            css,
        )
            .into_response());
    }
    Err(AppError::NotFound)
}
