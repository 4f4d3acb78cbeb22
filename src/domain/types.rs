//! Small "parse, don't validate" value types shared by the domain modules.
//!
//! Every type here is built only through `parse` (or `FromStr`), so holding a
//! value means it is valid. They serialize as plain strings.

use serde::{Deserialize, Serialize};

/// Implements `Display`, `FromStr`, `Serialize` and `Deserialize` (as a plain
/// string) for a type exposing `parse(&str) -> Result<Self, ParseError>` and
/// `as_str(&self) -> &str`.
macro_rules! string_serde {
    ($ty:ty) => {
        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $ty {
            type Err = $crate::domain::types::ParseError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                <$ty>::parse(s)
            }
        }

        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(d)?;
                <$ty>::parse(&s).map_err(::serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use string_serde;

/// Why a user-supplied string was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("empty value")]
    Empty,
    #[error("invalid e-mail address")]
    InvalidEmail,
    #[error("invalid phone number")]
    InvalidPhone,
    #[error("phone number neither Malian nor with a country code")]
    PhoneMissingCountryCode,
    #[error("Mali phone numbers have exactly 8 digits after +223")]
    MaliPhoneLength,
    #[error("unknown language")]
    UnknownLang,
    #[error("unknown country code")]
    UnknownCountry,
}

/// Said to the person beside the value they typed.
impl UserMessage for ParseError {
    fn key(&self) -> &'static str {
        match self {
            // The same words as the forms' "required" message.
            ParseError::Empty => "field-required",
            ParseError::InvalidEmail => "parse-invalid-email",
            ParseError::InvalidPhone => "parse-invalid-phone",
            // Agrees with the sign-up hint: 8 digits are enough for Mali.
            ParseError::PhoneMissingCountryCode => "parse-phone-country-code",
            ParseError::MaliPhoneLength => "parse-mali-phone-length",
            ParseError::UnknownLang => "parse-unknown-lang",
            ParseError::UnknownCountry => "parse-unknown-country",
        }
    }
}

/// A message the domain hands to the pages: its Fluent key and the values it names. The
/// text itself lives in `locales/`, in both languages.
pub trait UserMessage {
    fn key(&self) -> &'static str;

    /// The values the message names, written for a reader of `lang` (a list of countries).
    fn args(&self, _lang: Lang) -> Vec<(&'static str, String)> {
        Vec::new()
    }
}

/// An edition's time zone by its IANA name (`Africa/Bamako`), checked against the bundled
/// database when the row is read: a stored name that is no zone is a corrupt row, never a
/// silent UTC (Niger is UTC+1: an hour off on every deadline).
#[derive(Debug, Clone)]
pub struct Zone {
    name: String,
    tz: jiff::tz::TimeZone,
}

impl Zone {
    pub fn parse(name: &str) -> Result<Zone, UnknownZone> {
        let name = name.trim();
        jiff::tz::TimeZone::get(name)
            .map(|tz| Zone {
                name: name.to_owned(),
                tz,
            })
            .map_err(|_| UnknownZone(name.to_owned()))
    }

    /// The IANA name, as organisers typed it and messages show it.
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn tz(&self) -> &jiff::tz::TimeZone {
        &self.tz
    }
}

impl TryFrom<String> for Zone {
    type Error = UnknownZone;

    fn try_from(name: String) -> Result<Zone, UnknownZone> {
        Zone::parse(&name)
    }
}

/// A time zone name the bundled database does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown time zone {0:?}")]
pub struct UnknownZone(pub String);

/// A stored name (a status, a kind) the code does not know: the row is corrupt.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown stored value {0:?}")]
pub struct UnknownValue(pub String);

/// User interface language. Serialized as `"fr"` / `"en"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    /// Accepts `fr`, `en`, any case, optionally with a region (`fr-ML`, `en_GB`).
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        let s = s.trim();
        let primary = s.split(['-', '_']).next().unwrap_or("");
        if primary.eq_ignore_ascii_case("fr") {
            Ok(Lang::Fr)
        } else if primary.eq_ignore_ascii_case("en") {
            Ok(Lang::En)
        } else {
            Err(ParseError::UnknownLang)
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }
}
string_serde!(Lang);

/// A user-facing text in French and English.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Localized {
    pub fr: String,
    pub en: String,
}

impl Localized {
    pub fn new(fr: impl Into<String>, en: impl Into<String>) -> Self {
        Localized {
            fr: fr.into(),
            en: en.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.fr,
            Lang::En => &self.en,
        }
    }
}

/// A syntactically valid e-mail address, trimmed and lowercased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Email(String);

impl Email {
    pub const MAX_LEN: usize = 254;
    pub const MAX_LOCAL_LEN: usize = 64;

    pub fn parse(s: &str) -> Result<Self, ParseError> {
        let trimmed = s.trim();
        if trimmed.is_empty() {
            return Err(ParseError::Empty);
        }
        if trimmed.len() > Self::MAX_LEN {
            return Err(ParseError::InvalidEmail);
        }
        // Lowercase first and validate the result, so that parsing is idempotent.
        let lower = trimmed.to_lowercase();
        let s = lower.as_str();
        if s.len() > Self::MAX_LEN {
            return Err(ParseError::InvalidEmail);
        }
        let forbidden = |c: char| {
            c.is_whitespace()
                || c.is_control()
                || matches!(
                    c,
                    '<' | '>' | '(' | ')' | '[' | ']' | ',' | ';' | ':' | '\\' | '"'
                )
        };
        if s.chars().any(forbidden) {
            return Err(ParseError::InvalidEmail);
        }
        let (local, domain) = s.split_once('@').ok_or(ParseError::InvalidEmail)?;
        if local.is_empty() || local.len() > Self::MAX_LOCAL_LEN || domain.contains('@') {
            return Err(ParseError::InvalidEmail);
        }
        if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
            return Err(ParseError::InvalidEmail);
        }
        if !domain.contains('.') {
            return Err(ParseError::InvalidEmail);
        }
        for label in domain.split('.') {
            if label.is_empty()
                || label.starts_with('-')
                || label.ends_with('-')
                || !label.chars().all(|c| c.is_alphanumeric() || c == '-')
            {
                return Err(ParseError::InvalidEmail);
            }
        }
        Ok(Email(lower))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after the `@`.
    pub fn domain(&self) -> &str {
        self.0.rsplit('@').next().unwrap_or("")
    }
}
string_serde!(Email);

/// A phone number in E.164 form (`+` then digits, no separators).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub const MALI_PREFIX: &'static str = "223";

    /// Accepts spaces, dots, dashes and parentheses as separators, `+` or
    /// `00` as international prefix. Without prefix, 8 digits are a Malian
    /// number and 11 digits starting with `223` are a Malian number written
    /// with its country code but without `+`. Mali numbers must have exactly
    /// 8 national digits; others 8 to 15 digits in total, not starting with 0.
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(ParseError::Empty);
        }
        let mut plus = false;
        let mut digits = String::with_capacity(s.len());
        for c in s.chars() {
            match c {
                '0'..='9' => digits.push(c),
                '+' if !plus && digits.is_empty() => plus = true,
                ' ' | '.' | '-' | '(' | ')' | '\u{a0}' => {}
                _ => return Err(ParseError::InvalidPhone),
            }
        }
        let international = if plus {
            digits
        } else if digits.len() == 8 {
            format!("{}{digits}", Self::MALI_PREFIX)
        } else if let Some(d) = digits.strip_prefix("00") {
            d.to_string()
        } else if digits.len() == 11 && digits.starts_with(Self::MALI_PREFIX) {
            digits
        } else if digits.is_empty() {
            return Err(ParseError::InvalidPhone);
        } else {
            return Err(ParseError::PhoneMissingCountryCode);
        };
        if let Some(national) = international.strip_prefix(Self::MALI_PREFIX) {
            if national.len() != 8 {
                return Err(ParseError::MaliPhoneLength);
            }
        } else if !(8..=15).contains(&international.len()) || international.starts_with('0') {
            return Err(ParseError::InvalidPhone);
        }
        Ok(PhoneNumber(format!("+{international}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_mali(&self) -> bool {
        self.0[1..].starts_with(Self::MALI_PREFIX)
    }
}
string_serde!(PhoneNumber);

/// What a user types in the single "e-mail or phone" login box.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Login {
    Email(Email),
    Phone(PhoneNumber),
}

impl Login {
    /// Contains `@` → e-mail, otherwise phone number.
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        if s.contains('@') {
            Email::parse(s).map(Login::Email)
        } else {
            PhoneNumber::parse(s).map(Login::Phone)
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Login::Email(e) => e.as_str(),
            Login::Phone(p) => p.as_str(),
        }
    }
}
string_serde!(Login);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Say;
    use proptest::prelude::*;

    #[test]
    fn lang_parse_and_serde() {
        assert_eq!(Lang::parse("fr").unwrap(), Lang::Fr);
        assert_eq!(Lang::parse(" EN-gb ").unwrap(), Lang::En);
        assert_eq!(Lang::parse("de"), Err(ParseError::UnknownLang));
        assert_eq!(Lang::default(), Lang::Fr);
        assert_eq!(serde_json::to_string(&Lang::En).unwrap(), "\"en\"");
        assert_eq!(serde_json::from_str::<Lang>("\"fr\"").unwrap(), Lang::Fr);
        assert_eq!("en".parse::<Lang>().unwrap().to_string(), "en");
    }

    #[test]
    fn localized_get() {
        let l = Localized::new("Bonjour", "Hello");
        assert_eq!(l.get(Lang::Fr), "Bonjour");
        assert_eq!(l.get(Lang::En), "Hello");
    }

    #[test]
    fn email_valid() {
        let e = Email::parse("  Awa.Traore@Example.ML ").unwrap();
        assert_eq!(e.as_str(), "awa.traore@example.ml");
        assert_eq!(e.domain(), "example.ml");
        assert!(Email::parse("a+tag@sub.example.com").is_ok());
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            "\"awa.traore@example.ml\""
        );
        assert!(serde_json::from_str::<Email>("\"nope\"").is_err());
    }

    #[test]
    fn email_invalid() {
        for bad in [
            "",
            "a@b",
            "@b.com",
            "a@@b.com",
            "a@b@c.com",
            "a b@c.com",
            "a@b .com",
            "a@.com",
            "a@b.",
            "a@-b.com",
            "a..b@c.com",
            ".a@c.com",
            "a\u{0}@b.com",
            "<script>@x.com",
            "noatsign.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be rejected");
        }
        let long_local = format!("{}@example.com", "a".repeat(65));
        assert!(Email::parse(&long_local).is_err());
        let long_total = format!("a@{}.com", "b".repeat(250));
        assert!(Email::parse(&long_total).is_err());
        assert_eq!(
            ParseError::InvalidEmail.message(Lang::Fr),
            "Adresse e-mail invalide."
        );
        assert_eq!(
            ParseError::InvalidEmail.message(Lang::En),
            "Invalid e-mail address."
        );
    }

    #[test]
    fn phone_valid() {
        let cases = [
            ("70 12 34 56", "+22370123456"),
            ("70.12.34.56", "+22370123456"),
            ("+223 70-12-34-56", "+22370123456"),
            ("00223 70 12 34 56", "+22370123456"),
            ("22370123456", "+22370123456"),
            ("(+226) 70 12 34 56", "+22670123456"),
            ("+33 6 12 34 56 78", "+33612345678"),
            ("0033612345678", "+33612345678"),
        ];
        for (input, expected) in cases {
            let p = PhoneNumber::parse(input);
            assert_eq!(
                p.as_ref().map(|p| p.as_str()),
                Ok(expected),
                "input {input:?}"
            );
        }
        assert!(PhoneNumber::parse("+22370123456").unwrap().is_mali());
        assert!(!PhoneNumber::parse("+22670123456").unwrap().is_mali());
    }

    #[test]
    fn a_short_number_is_told_what_the_signup_hint_says() {
        // The hint says 8 digits are enough for Mali; a 7-digit number must not be answered
        // with a Burkina example.
        let error = PhoneNumber::parse("70 12 34 5").expect_err("7 digits");
        let fr = error.message(Lang::Fr);
        assert!(fr.contains("8 chiffres"), "{fr}");
        assert!(
            fr.contains("+226 Burkina Faso") && fr.contains("+227 Niger"),
            "{fr}"
        );
        let en = error.message(Lang::En);
        assert!(
            en.contains("8 digits") && en.contains("+226 Burkina Faso"),
            "{en}"
        );
    }

    #[test]
    fn phone_invalid() {
        assert_eq!(
            PhoneNumber::parse("+223 701 234 567"),
            Err(ParseError::MaliPhoneLength)
        );
        assert_eq!(
            PhoneNumber::parse("+223 7012345"),
            Err(ParseError::MaliPhoneLength)
        );
        assert_eq!(
            PhoneNumber::parse("701234567"),
            Err(ParseError::PhoneMissingCountryCode)
        );
        assert_eq!(
            PhoneNumber::parse("70 12 AB 56"),
            Err(ParseError::InvalidPhone)
        );
        assert_eq!(
            PhoneNumber::parse("+0612345678"),
            Err(ParseError::InvalidPhone)
        );
        assert_eq!(
            PhoneNumber::parse("+1234567"),
            Err(ParseError::InvalidPhone)
        );
        assert_eq!(
            PhoneNumber::parse("+1234567890123456"),
            Err(ParseError::InvalidPhone)
        );
        assert_eq!(
            PhoneNumber::parse("++22370123456"),
            Err(ParseError::InvalidPhone)
        );
        assert_eq!(PhoneNumber::parse("   "), Err(ParseError::Empty));
        assert_eq!(PhoneNumber::parse("+"), Err(ParseError::InvalidPhone));
        assert_eq!(PhoneNumber::parse("-"), Err(ParseError::InvalidPhone));
    }

    #[test]
    fn login_dispatch() {
        assert!(matches!(
            Login::parse("awa@example.ml"),
            Ok(Login::Email(_))
        ));
        assert!(matches!(Login::parse("70123456"), Ok(Login::Phone(_))));
        assert_eq!(Login::parse("awa@"), Err(ParseError::InvalidEmail));
        assert_eq!(Login::parse("awa"), Err(ParseError::InvalidPhone));
        let l = Login::parse("70123456").unwrap();
        assert_eq!(serde_json::to_string(&l).unwrap(), "\"+22370123456\"");
        assert_eq!(l.to_string(), "+22370123456");
    }

    #[test]
    fn every_error_has_both_messages() {
        for e in [
            ParseError::Empty,
            ParseError::InvalidEmail,
            ParseError::InvalidPhone,
            ParseError::PhoneMissingCountryCode,
            ParseError::MaliPhoneLength,
            ParseError::UnknownLang,
            ParseError::UnknownCountry,
        ] {
            assert!(!e.message(Lang::Fr).is_empty());
            assert_ne!(e.message(Lang::Fr), e.message(Lang::En));
            assert_eq!(
                crate::i18n::ParseErrorMessage(&e, Lang::En).to_string(),
                e.message(Lang::En)
            );
        }
    }

    proptest! {
        #[test]
        fn phone_parse_is_idempotent(s in "[+0-9 .()-]{0,24}") {
            if let Ok(p) = PhoneNumber::parse(&s) {
                let again = PhoneNumber::parse(p.as_str());
                prop_assert_eq!(again.as_ref(), Ok(&p));
            }
        }

        #[test]
        fn eight_digits_are_malian(d in "[0-9]{8}") {
            let p = PhoneNumber::parse(&d).map(|p| p.as_str().to_string());
            prop_assert_eq!(p, Ok(format!("+223{d}")));
        }

        #[test]
        fn phone_with_letters_is_rejected(a in "[0-9]{0,6}", l in "[a-zA-Z]", b in "[0-9]{0,6}") {
            let s = format!("{a}{l}{b}");
            prop_assert!(PhoneNumber::parse(&s).is_err());
        }

        #[test]
        fn email_parse_is_idempotent(s in "\\PC{0,40}") {
            if let Ok(e) = Email::parse(&s) {
                prop_assert_eq!(Email::parse(e.as_str()), Ok(e.clone()));
                let json = serde_json::to_string(&e).unwrap();
                prop_assert_eq!(serde_json::from_str::<Email>(&json).unwrap(), e);
            }
        }

        #[test]
        fn login_never_panics(s in "\\PC{0,40}") {
            let _ = Login::parse(&s);
        }
    }

    #[test]
    fn a_zone_is_a_known_iana_name() {
        let niamey = Zone::parse(" Africa/Niamey ").expect("a bundled zone");
        assert_eq!(niamey.name(), "Africa/Niamey");
        let noon = jiff::civil::date(2027, 1, 19)
            .at(12, 0, 0, 0)
            .to_zoned(niamey.tz().clone())
            .expect("a civil time");
        assert_eq!(noon.offset().seconds(), 3600, "Niger is UTC+1");
        assert_eq!(
            Zone::try_from("Mars/Olympus".to_owned()).err(),
            Some(UnknownZone("Mars/Olympus".into()))
        );
        assert!(Zone::parse("").is_err());
    }
}
