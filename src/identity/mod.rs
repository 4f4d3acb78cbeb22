//! The event's identity, set by administrators: its name, organiser, logo, colours and
//! contact. It is what every page's header and footer, the link previews, the receipts and
//! the certificates show — Kènè is only the software, named in small print. A young person
//! asked for their NINA must see whose platform asks.

pub mod domain;
pub mod queries;
pub mod routes;

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use crate::db::Db;
use crate::domain::types::{Email, Lang, Localized, PhoneNumber};
use crate::web::public_cache::PublicCache;

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

/// Whose identity: the installation's, or one edition's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Installation,
    Edition(i64),
}

/// Every identity pages may show, as of one content version: the installation's, and the
/// editions' that have their own (a sister event hosted on the same installation).
#[derive(Debug, Default)]
pub struct Identities {
    installation: Arc<Identity>,
    by_edition: HashMap<i64, Arc<Identity>>,
    edition_by_slug: HashMap<String, i64>,
}

impl Identities {
    pub fn new(
        installation: Identity,
        by_edition: HashMap<i64, Arc<Identity>>,
        edition_by_slug: HashMap<String, i64>,
    ) -> Identities {
        Identities {
            installation: Arc::new(installation),
            by_edition,
            edition_by_slug,
        }
    }

    pub fn installation(&self) -> Arc<Identity> {
        self.installation.clone()
    }

    /// What the pages and messages of an edition show.
    pub fn for_edition(&self, edition_id: i64) -> Arc<Identity> {
        self.by_edition
            .get(&edition_id)
            .unwrap_or(&self.installation)
            .clone()
    }

    /// The same, for an edition named by its slug (in a page's address).
    pub fn for_slug(&self, slug: &str) -> Arc<Identity> {
        match self.edition_by_slug.get(slug) {
            Some(edition_id) => self.for_edition(*edition_id),
            None => self.installation(),
        }
    }
}

/// The identities as of the public content version (identity writes bump it): read again
/// only when that version moved, so a page costs no query for them.
#[derive(Default)]
pub struct IdentityCache {
    current: RwLock<Option<(i64, Arc<Identities>)>>,
}

impl IdentityCache {
    pub async fn get(&self, db: &Db, public_cache: &PublicCache) -> Arc<Identities> {
        let version = public_cache.current_version(db).await;
        let cached = self
            .current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if let (Some((at, identities)), Some(version)) = (&cached, version) {
            if *at == version {
                return identities.clone();
            }
        }
        match (queries::load_all(db).await, version) {
            (Ok(identities), Some(version)) => {
                let identities = Arc::new(identities);
                *self.current.write().unwrap_or_else(|e| e.into_inner()) =
                    Some((version, identities.clone()));
                identities
            }
            (Ok(identities), None) => Arc::new(identities),
            (Err(error), _) => {
                tracing::warn!(%error, "cannot read the identity; showing the last one known");
                cached.map(|(_, i)| i).unwrap_or_default()
            }
        }
    }
}
