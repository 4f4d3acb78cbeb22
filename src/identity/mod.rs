//! The event's identity, set by administrators: its name, organiser, logo, colours and
//! contact. It is what every page's header and footer, the link previews, the receipts and
//! the certificates show — Kènè is only the software, named in small print. A young person
//! asked for their NINA must see whose platform asks.

pub mod domain;
pub mod queries;
pub mod routes;

use std::sync::{Arc, RwLock};

use crate::domain::types::{Email, Lang, Localized, PhoneNumber};
use crate::web::state::AppState;

pub use self::domain::{Colour, Colours, IdentityError, Logo, LogoKind, SiteDomain};

/// What administrators edit in one form (the logo has its own).
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub name: Localized,
    /// The organiser line, e.g. the ministry.
    pub organiser: Localized,
    /// The line under the emblem on certificates, e.g. the republic's motto.
    pub motto: Localized,
    pub contact_phone: Option<PhoneNumber>,
    pub contact_whatsapp: Option<PhoneNumber>,
    pub contact_email: Option<Email>,
    pub official_domain: Option<SiteDomain>,
    pub colours: Colours,
    /// The titles under the certificates' two signature lines (empty: no line).
    pub signatories: [Localized; 2],
}

impl Default for Settings {
    /// A fresh installation: the software's name, its own colours, nothing else.
    fn default() -> Self {
        Settings {
            name: Localized::new("Kènè", "Kènè"),
            organiser: Localized::default(),
            motto: Localized::default(),
            contact_phone: None,
            contact_whatsapp: None,
            contact_email: None,
            official_domain: None,
            colours: Colours::default(),
            signatories: [Localized::default(), Localized::default()],
        }
    }
}

/// The stored logo, named by its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogoRef {
    pub kind: LogoKind,
    pub sha256: String,
}

impl LogoRef {
    /// Changes with the image, so it is cached for a year.
    pub fn url(&self) -> String {
        format!(
            "/identity/logo-{}.{}",
            &self.sha256[..16.min(self.sha256.len())],
            self.kind.extension()
        )
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Identity {
    pub settings: Settings,
    pub logo: Option<LogoRef>,
    /// A demonstration install (`kene demo`): pages say so.
    pub demo: bool,
    pub version: i64,
}

impl Identity {
    pub fn name(&self, lang: Lang) -> &str {
        self.settings.name.get(lang)
    }

    pub fn organiser(&self, lang: Lang) -> &str {
        self.settings.organiser.get(lang)
    }

    pub fn motto(&self, lang: Lang) -> &str {
        self.settings.motto.get(lang)
    }

    pub fn logo_url(&self) -> Option<String> {
        self.logo.as_ref().map(LogoRef::url)
    }

    /// The stylesheet that paints the brand colours, when they are not the stylesheet's own.
    pub fn colours_url(&self) -> Option<String> {
        let c = &self.settings.colours;
        (!c.is_default()).then(|| {
            format!(
                "/identity/colours-{}-{}.css",
                c.brand.digits(),
                c.on_brand.digits()
            )
        })
    }

    /// The phone as people dial it, for a `tel:` link.
    pub fn phone(&self) -> Option<&str> {
        self.settings
            .contact_phone
            .as_ref()
            .map(PhoneNumber::as_str)
    }

    /// A `wa.me` link: WhatsApp wants the number's digits only.
    pub fn whatsapp_link(&self) -> Option<String> {
        self.settings
            .contact_whatsapp
            .as_ref()
            .map(|p| format!("https://wa.me/{}", p.as_str().trim_start_matches('+')))
    }

    pub fn whatsapp(&self) -> Option<&str> {
        self.settings
            .contact_whatsapp
            .as_ref()
            .map(PhoneNumber::as_str)
    }

    pub fn email(&self) -> Option<&str> {
        self.settings.contact_email.as_ref().map(Email::as_str)
    }

    pub fn domain(&self) -> Option<&str> {
        self.settings
            .official_domain
            .as_ref()
            .map(SiteDomain::as_str)
    }

    /// The signature blocks of a certificate, in `lang` (only those set).
    pub fn signatories(&self, lang: Lang) -> Vec<&str> {
        self.settings
            .signatories
            .iter()
            .map(|s| s.get(lang))
            .filter(|s| !s.is_empty())
            .collect()
    }

    pub fn has_contact(&self) -> bool {
        self.phone().is_some() || self.whatsapp().is_some() || self.email().is_some()
    }

    /// The line a message ends with: who sends it and how to reach them.
    pub fn signature(&self, lang: Lang) -> String {
        let mut lines = vec![self.name(lang).to_owned()];
        if !self.organiser(lang).is_empty() {
            lines.push(self.organiser(lang).to_owned());
        }
        let contact: Vec<&str> = [self.phone(), self.email(), self.domain()]
            .into_iter()
            .flatten()
            .collect();
        if !contact.is_empty() {
            lines.push(contact.join(" · "));
        }
        lines.join("\n")
    }
}

/// The identity as of the public content version (identity writes bump it): read again only
/// when that version moved, so a page costs no query for it.
#[derive(Default)]
pub struct IdentityCache {
    current: RwLock<Option<(i64, Arc<Identity>)>>,
}

impl IdentityCache {
    pub async fn get(&self, app: &AppState) -> Arc<Identity> {
        let version = app.public_cache.current_version(&app.db).await;
        let cached = self
            .current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if let (Some((at, identity)), Some(version)) = (&cached, version) {
            if *at == version {
                return identity.clone();
            }
        }
        match (queries::load(&app.db).await, version) {
            (Ok(identity), Some(version)) => {
                let identity = Arc::new(identity);
                *self.current.write().unwrap_or_else(|e| e.into_inner()) =
                    Some((version, identity.clone()));
                identity
            }
            (Ok(identity), None) => Arc::new(identity),
            (Err(error), _) => {
                tracing::warn!(%error, "cannot read the identity; showing the last one known");
                cached.map(|(_, i)| i).unwrap_or_default()
            }
        }
    }
}
