//! The event's identity as pages show it (name, organiser, motto, contact, colours, logo), and
//! what it is made of, parsed once: colours with their contrast, a logo that can only be a
//! raster image, an official web address. Pure: no I/O; the `identity` area stores and edits
//! it, `web` shows it.

use std::fmt;

use std::collections::HashMap;
use std::sync::Arc;

use crate::domain::types::{Email, Lang, Localized, PhoneNumber, UserMessage};

/// Text on the brand colour must reach WCAG's AA level for normal text.
pub const MIN_CONTRAST: f64 = 4.5;

/// The colours of a fresh installation (the stylesheet's own defaults).
pub const DEFAULT_BRAND: Colour = Colour {
    r: 0x0b,
    g: 0x6e,
    b: 0x4f,
};
pub const DEFAULT_ON_BRAND: Colour = Colour {
    r: 0xff,
    g: 0xff,
    b: 0xff,
};

/// A colour as `#rrggbb`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Colour {
    r: u8,
    g: u8,
    b: u8,
}

impl Colour {
    /// `#0b6e4f` or `0B6E4F` (what a colour picker or a designer's chart gives).
    pub fn parse(input: &str) -> Result<Colour, IdentityError> {
        let hex = input.trim().trim_start_matches('#');
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(IdentityError::NotAColour);
        }
        let byte = |i: usize| {
            u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| IdentityError::NotAColour)
        };
        Ok(Colour {
            r: byte(0)?,
            g: byte(2)?,
            b: byte(4)?,
        })
    }

    /// Lowercase hexadecimal digits without `#` (as they appear in a URL).
    pub fn digits(&self) -> String {
        format!("{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }

    /// Red, green and blue, for drawing outside CSS (the certificate's PDF).
    pub fn rgb(&self) -> (u8, u8, u8) {
        (self.r, self.g, self.b)
    }

    /// WCAG 2 relative luminance.
    fn luminance(&self) -> f64 {
        let linear = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * linear(self.r) + 0.7152 * linear(self.g) + 0.0722 * linear(self.b)
    }

    /// WCAG 2 contrast ratio between two colours, from 1 (same) to 21 (black on white).
    pub fn contrast(&self, other: &Colour) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        let (light, dark) = if a >= b { (a, b) } else { (b, a) };
        (light + 0.05) / (dark + 0.05)
    }
}

impl fmt::Display for Colour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.digits())
    }
}

/// The brand colour and the colour of text written on it, readable together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Colours {
    pub brand: Colour,
    pub on_brand: Colour,
}

impl Colours {
    pub fn new(brand: Colour, on_brand: Colour) -> Result<Colours, IdentityError> {
        let ratio = brand.contrast(&on_brand);
        if ratio < MIN_CONTRAST {
            return Err(IdentityError::LowContrast { ratio });
        }
        Ok(Colours { brand, on_brand })
    }

    pub fn is_default(&self) -> bool {
        self.brand == DEFAULT_BRAND && self.on_brand == DEFAULT_ON_BRAND
    }
}

impl Default for Colours {
    fn default() -> Self {
        Colours {
            brand: DEFAULT_BRAND,
            on_brand: DEFAULT_ON_BRAND,
        }
    }
}

/// A logo is served on every page: small, and never a format that can carry code.
pub const MAX_LOGO_BYTES: usize = 100 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogoKind {
    Png,
    Jpeg,
    Webp,
}

impl LogoKind {
    pub fn mime(self) -> &'static str {
        match self {
            LogoKind::Png => "image/png",
            LogoKind::Jpeg => "image/jpeg",
            LogoKind::Webp => "image/webp",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            LogoKind::Png => "png",
            LogoKind::Jpeg => "jpg",
            LogoKind::Webp => "webp",
        }
    }

    pub fn from_mime(mime: &str) -> Option<LogoKind> {
        [LogoKind::Png, LogoKind::Jpeg, LogoKind::Webp]
            .into_iter()
            .find(|k| k.mime() == mime)
    }

    /// The kind the bytes themselves say, whatever name or type the browser gave them.
    fn sniff(bytes: &[u8]) -> Option<LogoKind> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(LogoKind::Png)
        } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
            Some(LogoKind::Jpeg)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(LogoKind::Webp)
        } else {
            None
        }
    }
}

/// An uploaded logo: a PNG, JPEG or WebP image of at most [`MAX_LOGO_BYTES`]. SVG is refused
/// outright: it is a document that can hold scripts and links, and sanitising it is a parser
/// to trust; every emblem exists as a PNG.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logo {
    pub kind: LogoKind,
    pub bytes: Vec<u8>,
}

impl Logo {
    pub fn parse(bytes: Vec<u8>) -> Result<Logo, IdentityError> {
        if bytes.is_empty() {
            return Err(IdentityError::NoLogo);
        }
        if bytes.len() > MAX_LOGO_BYTES {
            return Err(IdentityError::LogoTooLarge { bytes: bytes.len() });
        }
        match LogoKind::sniff(&bytes) {
            Some(kind) => Ok(Logo { kind, bytes }),
            None if looks_like_svg(&bytes) => Err(IdentityError::SvgLogo),
            None => Err(IdentityError::NotAnImage),
        }
    }
}

fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]).to_lowercase();
    head.contains("<svg")
}

/// The event's official web address as people type it (`semainedunumerique.ml`): a host name,
/// without scheme or path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteDomain(String);

impl SiteDomain {
    pub fn parse(input: &str) -> Result<SiteDomain, IdentityError> {
        let host = input.trim().to_lowercase();
        let host = host
            .strip_prefix("https://")
            .or_else(|| host.strip_prefix("http://"))
            .unwrap_or(&host)
            .trim_end_matches('/');
        let label_ok = |l: &str| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        };
        let labels: Vec<&str> = host.split('.').collect();
        if host.len() > 253 || labels.len() < 2 || !labels.iter().all(|l| label_ok(l)) {
            return Err(IdentityError::NotADomain);
        }
        Ok(SiteDomain(host.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why an identity setting was refused, told to the administrator in their language.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum IdentityError {
    NotAColour,
    LowContrast { ratio: f64 },
    NoLogo,
    LogoTooLarge { bytes: usize },
    SvgLogo,
    NotAnImage,
    NotADomain,
}

impl UserMessage for IdentityError {
    fn key(&self) -> &'static str {
        match self {
            IdentityError::NotAColour => "identity-error-colour",
            IdentityError::LowContrast { .. } => "identity-error-contrast",
            IdentityError::NoLogo => "identity-error-no-logo",
            IdentityError::LogoTooLarge { .. } => "identity-error-logo-size",
            IdentityError::SvgLogo => "identity-error-svg",
            IdentityError::NotAnImage => "identity-error-not-image",
            IdentityError::NotADomain => "identity-error-domain",
        }
    }

    fn args(&self, lang: Lang) -> Vec<(&'static str, String)> {
        match self {
            IdentityError::LowContrast { ratio } => vec![
                ("ratio", ratio_text(*ratio, lang)),
                ("minimum", ratio_text(MIN_CONTRAST, lang)),
            ],
            // Rounded to the nearest kilobyte, yet never as small as the limit.
            IdentityError::LogoTooLarge { bytes } => vec![
                (
                    "size",
                    format!("{}", ((bytes + 512) / 1024).max(MAX_LOGO_BYTES / 1024 + 1)),
                ),
                ("max", format!("{}", MAX_LOGO_BYTES / 1024)),
            ],
            _ => Vec::new(),
        }
    }
}

/// `2,3:1` in French, `2.3:1` in English; rounded down so that a refused pair never reads as
/// reaching the minimum.
pub fn ratio_text(ratio: f64, lang: Lang) -> String {
    let tenths = (ratio * 10.0).floor() / 10.0;
    let text = format!("{tenths:.1}:1");
    match lang {
        Lang::Fr => text.replace('.', ","),
        Lang::En => text,
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn black_on_white_is_21_and_a_colour_on_itself_is_1() {
        let black = Colour::parse("#000000").expect("black");
        let white = Colour::parse("FFFFFF").expect("white");
        assert!((black.contrast(&white) - 21.0).abs() < 1e-9);
        assert!((white.contrast(&white) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn the_default_header_passes_and_a_pale_pair_is_refused_with_its_ratio() {
        assert!(Colours::new(DEFAULT_BRAND, DEFAULT_ON_BRAND).is_ok());
        let yellow = Colour::parse("#f2a900").expect("yellow");
        let Err(IdentityError::LowContrast { ratio }) = Colours::new(yellow, DEFAULT_ON_BRAND)
        else {
            panic!("white on yellow is hard to read");
        };
        assert_eq!(ratio_text(ratio, Lang::Fr), "2,0:1");
        assert_eq!(ratio_text(ratio, Lang::En), "2.0:1");
    }

    #[test]
    fn only_six_hex_digits_make_a_colour() {
        for bad in ["", "#fff", "#12345g", "red", "#1234567", "#0b6e4f;}"] {
            assert_eq!(Colour::parse(bad), Err(IdentityError::NotAColour), "{bad}");
        }
        assert_eq!(
            Colour::parse(" #0B6E4F ").expect("colour").to_string(),
            "#0b6e4f"
        );
    }

    #[test]
    fn a_logo_is_known_by_its_bytes_and_svg_is_refused() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        assert_eq!(Logo::parse(png).expect("png").kind, LogoKind::Png);
        let svg = br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
        assert_eq!(Logo::parse(svg.to_vec()), Err(IdentityError::SvgLogo));
        assert_eq!(
            Logo::parse(b"%PDF-1.7".to_vec()),
            Err(IdentityError::NotAnImage)
        );
        let mut big = b"\x89PNG\r\n\x1a\n".to_vec();
        big.resize(MAX_LOGO_BYTES + 1, 0);
        assert_eq!(
            Logo::parse(big),
            Err(IdentityError::LogoTooLarge {
                bytes: MAX_LOGO_BYTES + 1
            })
        );
    }

    #[test]
    fn a_domain_is_a_host_name() {
        let d = SiteDomain::parse(" https://SemaineDuNumerique.ml/ ").expect("domain");
        assert_eq!(d.as_str(), "semaineduNumerique.ml".to_lowercase());
        for bad in [
            "localhost",
            "exa mple.ml",
            "-a.ml",
            "a..ml",
            "javascript:alert(1)",
        ] {
            assert_eq!(
                SiteDomain::parse(bad),
                Err(IdentityError::NotADomain),
                "{bad}"
            );
        }
    }

    proptest! {
        #[test]
        fn contrast_is_symmetric_and_between_1_and_21(a in any::<[u8; 3]>(), b in any::<[u8; 3]>()) {
            let a = Colour { r: a[0], g: a[1], b: a[2] };
            let b = Colour { r: b[0], g: b[1], b: b[2] };
            let ratio = a.contrast(&b);
            prop_assert!((1.0..=21.0 + 1e-9).contains(&ratio));
            prop_assert!((ratio - b.contrast(&a)).abs() < 1e-12);
            prop_assert_eq!(Colour::parse(&a.to_string()).ok(), Some(a));
        }
    }
}
