//! Translations (Fluent, French by default) and locale-aware formatting of civil times.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};
use jiff::tz::TimeZone;
use jiff::Timestamp;

pub use crate::domain::types::Lang;
use crate::domain::types::UserMessage;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "fr",
        // Isolation marks around arguments confuse screen readers and CSV exports.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

fn langid(lang: Lang) -> LanguageIdentifier {
    match lang {
        Lang::Fr => fluent_templates::langid!("fr"),
        Lang::En => fluent_templates::langid!("en"),
    }
}

/// The translation of `key`; a missing key shows itself so it is noticed, never panics.
pub fn tr(lang: Lang, key: &str) -> String {
    LOCALES.lookup(&langid(lang), key)
}

/// The translation of `key` with named arguments.
pub fn tr_args(lang: Lang, key: &str, args: &[(&'static str, String)]) -> String {
    let args: HashMap<Cow<'static, str>, FluentValue> = args
        .iter()
        .map(|(name, value)| (Cow::Borrowed(*name), FluentValue::from(value.clone())))
        .collect();
    LOCALES.lookup_with_args(&langid(lang), key, &args)
}

const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// "19 janvier 2026 à 23:59" / "19 January 2026 at 23:59" in the edition's time zone.
pub fn format_instant(lang: Lang, at: Timestamp, tz: &TimeZone) -> String {
    let civil = at.to_zoned(tz.clone()).datetime();
    let month = usize::try_from(civil.month() - 1).unwrap_or(0);
    match lang {
        Lang::Fr => format!(
            "{} {} {} à {:02}:{:02}",
            civil.day(),
            MONTHS_FR[month],
            civil.year(),
            civil.hour(),
            civil.minute()
        ),
        Lang::En => format!(
            "{} {} {} at {:02}:{:02}",
            civil.day(),
            MONTHS_EN[month],
            civil.year(),
            civil.hour(),
            civil.minute()
        ),
    }
}

/// "19 janvier 2026 à 23:59 (heure de Bamako)": an instant with the city whose clock it is
/// read on, since the AES countries do not share one (Niamey is an hour ahead of Bamako).
pub fn format_instant_in_zone(lang: Lang, at: Timestamp, tz: &TimeZone) -> String {
    let city = tz
        .iana_name()
        .and_then(|name| name.rsplit('/').next())
        .unwrap_or("UTC")
        .replace('_', " ");
    tr_args(
        lang,
        "time-in-city",
        &[("time", format_instant(lang, at, tz)), ("city", city)],
    )
}

/// A deadline as people read one: the last moment still accepted, "19 janvier 2026 à 23:59"
/// for a call open through 23:59:59.999 (`closes_ms`, the first instant refused, is then
/// 00:00 the next day); with its seconds when it does not close on a whole minute.
pub fn format_closing(lang: Lang, closes_ms: i64, tz: &TimeZone) -> String {
    let on_a_minute = closes_ms.rem_euclid(60_000) == 0;
    let Ok(last) = Timestamp::from_millisecond(closes_ms - 1) else {
        return String::new();
    };
    let shown = format_instant(lang, last, tz);
    if on_a_minute {
        return shown;
    }
    let seconds = last.to_zoned(tz.clone()).datetime().second();
    format!("{shown}:{seconds:02}")
}

/// "29 janvier 2026" / "29 January 2026".
pub fn format_date(lang: Lang, date: jiff::civil::Date) -> String {
    let month = usize::try_from(date.month() - 1).unwrap_or(0);
    match lang {
        Lang::Fr => format!("{} {} {}", date.day(), MONTHS_FR[month], date.year()),
        Lang::En => format!("{} {} {}", date.day(), MONTHS_EN[month], date.year()),
    }
}

/// "3 jours 4 heures" / "3 days 4 hours": time left before a deadline, coarse on purpose.
pub fn format_time_left(lang: Lang, millis: i64) -> String {
    let minutes = (millis.max(0) / 60_000) as u64;
    let (days, hours, mins) = (minutes / 1440, (minutes % 1440) / 60, minutes % 60);
    let unit = |n: u64, key: &str| tr_args(lang, key, &[("n", n.to_string())]);
    if days > 0 {
        format!("{} {}", unit(days, "unit-days"), unit(hours, "unit-hours"))
    } else if hours > 0 {
        format!(
            "{} {}",
            unit(hours, "unit-hours"),
            unit(mins, "unit-minutes")
        )
    } else {
        unit(mins, "unit-minutes")
    }
}

/// An instant stored in milliseconds, in UTC (the outbox and the audit log, which span
/// editions and their time zones).
pub fn format_utc_ms(lang: Lang, ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| format_instant(lang, t, &jiff::tz::TimeZone::UTC))
        .unwrap_or_default()
}

/// The text of a message the domain returns (its key and values), in `lang`.
pub trait Say {
    fn message(&self, lang: Lang) -> String;
}

impl<T: UserMessage + ?Sized> Say for T {
    fn message(&self, lang: Lang) -> String {
        tr_args(lang, self.key(), &self.args(lang))
    }
}

impl std::fmt::Display for ParseErrorMessage<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.message(self.1))
    }
}

/// Helper to display a [`ParseError`](crate::domain::types::ParseError) in a given language: `ParseErrorMessage(&e, lang)`.
pub struct ParseErrorMessage<'a>(pub &'a crate::domain::types::ParseError, pub Lang);

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> std::collections::BTreeSet<String> {
        text.lines()
            .filter(|l| !l.starts_with([' ', '#', '\t']) && l.contains(" ="))
            .filter_map(|l| l.split(" =").next().map(|k| k.trim().to_owned()))
            .collect()
    }

    /// Every key of every Fluent file of one language; a key defined twice is an error.
    fn language_keys(lang: &str) -> std::collections::BTreeSet<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(lang);
        let mut all = std::collections::BTreeSet::new();
        for path in walk(dir) {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for key in keys(&text) {
                assert!(all.insert(key.clone()), "{key} is defined twice ({lang})");
            }
        }
        assert!(all.len() > 100, "the Fluent files of {lang} were not found");
        all
    }

    #[test]
    fn french_and_english_have_the_same_keys() {
        let fr = language_keys("fr");
        let en = language_keys("en");
        let only_fr: Vec<_> = fr.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&fr).collect();
        assert!(only_fr.is_empty(), "missing in English: {only_fr:?}");
        assert!(only_en.is_empty(), "missing in French: {only_en:?}");
    }

    #[test]
    fn every_key_used_in_templates_and_code_exists() {
        let fr = language_keys("fr");
        let mut missing = Vec::new();
        for dir in ["templates", "src"] {
            for path in walk(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)) {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                let markers = [
                    ".t(\"",
                    "tr(lang, \"",
                    "tr(ctx.lang, \"",
                    "tr_args(lang, \"",
                    "tr_args(ctx.lang, \"",
                    "BadRequest(\"",
                ];
                for marker in markers {
                    for piece in text.split(marker).skip(1) {
                        if let Some(key) = piece.split('"').next() {
                            let is_key = key
                                .chars()
                                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
                            if is_key && !key.is_empty() && !fr.contains(key) {
                                missing.push(format!("{}: {key}", path.display()));
                            }
                        }
                    }
                }
            }
        }
        assert!(missing.is_empty(), "untranslated keys: {missing:#?}");
    }

    /// Keys the domain hands to the pages (a field's error, a refused value) are written
    /// whole in the code: each one must exist.
    #[test]
    fn every_key_the_domain_returns_exists() {
        let fr = language_keys("fr");
        let mut missing = Vec::new();
        let mut seen = 0;
        for path in walk(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src")) {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for prefix in [
                "\"ctf-",
                "\"directory-",
                "\"form-error-",
                "\"networking-",
                "\"opportunities-",
                "\"parse-",
                "\"programme-",
                "\"registration-",
                "\"stands-",
                "\"stats-",
                "\"questions-",
                "\"rubric-error-",
                "\"score-error-",
                "\"shortlist-error-",
            ] {
                for piece in text.split(prefix).skip(1) {
                    let rest = piece.split('"').next().unwrap_or_default();
                    if rest.is_empty() || rest.contains('{') || rest.ends_with('-') {
                        // This test's own prefixes, keys built with `format!`, and the
                        // prefixes of labels built from slugs (tested where they are built).
                        continue;
                    }
                    let key = format!("{}{rest}", &prefix[1..]);
                    seen += 1;
                    if !fr.contains(&key) {
                        missing.push(format!("{}: {key}", path.display()));
                    }
                }
            }
        }
        assert!(seen > 20, "the domain's keys were not found");
        assert!(missing.is_empty(), "untranslated keys: {missing:#?}");
    }

    fn walk(dir: std::path::PathBuf) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    out.extend(walk(path));
                } else {
                    out.push(path);
                }
            }
        }
        out
    }

    #[test]
    fn bamako_deadline_is_shown_in_civil_time() {
        let tz = TimeZone::get("Africa/Bamako").expect("bundled tzdb");
        let at: Timestamp = "2026-01-19T23:59:00Z".parse().expect("valid");
        assert_eq!(format_instant(Lang::Fr, at, &tz), "19 janvier 2026 à 23:59");
        assert_eq!(
            format_instant(Lang::En, at, &tz),
            "19 January 2026 at 23:59"
        );
    }
}
