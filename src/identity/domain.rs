//! What an identity is made of, parsed once: colours with their contrast, a logo that can only
//! be a raster image, an official web address. Pure: no I/O.

use std::fmt;

use crate::domain::types::Lang;
use crate::i18n::{tr, tr_args};

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

impl IdentityError {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            IdentityError::NotAColour => tr(lang, "identity-error-colour"),
            IdentityError::LowContrast { ratio } => tr_args(
                lang,
                "identity-error-contrast",
                &[
                    ("ratio", ratio_text(*ratio, lang)),
                    ("minimum", ratio_text(MIN_CONTRAST, lang)),
                ],
            ),
            IdentityError::NoLogo => tr(lang, "identity-error-no-logo"),
            IdentityError::LogoTooLarge { bytes } => tr_args(
                lang,
                "identity-error-logo-size",
                &[
                    // Rounded to the nearest kilobyte, yet never as small as the limit.
                    (
                        "size",
                        format!("{}", ((bytes + 512) / 1024).max(MAX_LOGO_BYTES / 1024 + 1)),
                    ),
                    ("max", format!("{}", MAX_LOGO_BYTES / 1024)),
                ],
            ),
            IdentityError::SvgLogo => tr(lang, "identity-error-svg"),
            IdentityError::NotAnImage => tr(lang, "identity-error-not-image"),
            IdentityError::NotADomain => tr(lang, "identity-error-domain"),
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
