//! Calls for applications: editions' tracks, their forms and eligibility rules.

pub mod actions;
pub mod admin;
pub mod queries;
pub mod routes;

use jiff::civil::DateTime;
use jiff::tz::TimeZone;

use crate::domain::eligibility::Rule;
use crate::domain::types::Localized;

/// What organisers set for a track.
#[derive(Debug, Clone)]
pub struct TrackSettings {
    pub slug: String,
    pub code: String,
    pub position: i64,
    pub name: Localized,
    pub description: Localized,
    /// The conditions in the organisers' own words, for the call page.
    pub conditions: Localized,
    /// The rules of the competition (règlement), shown on a page of the call.
    pub regulations: Localized,
    pub opens_at: i64,
    pub closes_at: i64,
    pub max_per_applicant: i64,
    pub rules: Vec<Rule>,
}

/// Reads a civil date-time as typed in a `datetime-local` input ("2026-01-19T23:59", or with
/// seconds "2026-01-19T23:59:45", or fractions of a second) in the edition's time zone and
/// returns the instant in milliseconds.
pub fn parse_civil(input: &str, tz: &TimeZone) -> Option<i64> {
    let civil: DateTime = input.trim().parse().ok()?;
    let zoned = civil.to_zoned(tz.clone()).ok()?;
    Some(zoned.timestamp().as_millisecond())
}

/// How precisely a civil time was typed: the typed unit is included whole in a closing time.
fn typed_unit_ms(input: &str) -> i64 {
    let time = input.trim().rsplit(['T', ' ']).next().unwrap_or_default();
    if time.contains('.') || time.contains(',') {
        1
    } else if time.matches(':').count() >= 2 {
        1_000
    } else {
        60_000
    }
}

/// Reads a closing time as organisers and applicants read one: "19 janvier 2026 à 23h59"
/// includes that minute (typed with seconds, that second). Returns the first instant refused,
/// which is what `closes_at` stores (a call is open while `now < closes_at`).
pub fn parse_closing(input: &str, tz: &TimeZone) -> Option<i64> {
    parse_civil(input, tz).map(|ms| ms + typed_unit_ms(input))
}

/// The inverse of [`parse_closing`], for pre-filling the closing input: the last instant
/// accepted, at the coarsest precision that gives `closes_at` back exactly.
pub fn format_closing_input(closes_ms: i64, tz: &TimeZone) -> String {
    let unit = if closes_ms.rem_euclid(60_000) == 0 {
        60_000
    } else if closes_ms.rem_euclid(1_000) == 0 {
        1_000
    } else {
        1
    };
    let last = jiff::Timestamp::from_millisecond(closes_ms - unit)
        .map(|t| t.to_zoned(tz.clone()).datetime());
    let format = match unit {
        60_000 => "%Y-%m-%dT%H:%M",
        1_000 => "%Y-%m-%dT%H:%M:%S",
        _ => "%Y-%m-%dT%H:%M:%S%.3f",
    };
    last.map(|civil| civil.strftime(format).to_string())
        .unwrap_or_default()
}

/// The inverse of [`parse_civil`], for pre-filling inputs: always with seconds (and with
/// milliseconds when there are any), so that re-saving a form unchanged keeps the instant
/// exactly (inputs carry `step="1"` so that browsers show and keep the seconds).
pub fn format_civil_input(at_ms: i64, tz: &TimeZone) -> String {
    jiff::Timestamp::from_millisecond(at_ms)
        .map(|t| {
            t.to_zoned(tz.clone())
                .datetime()
                .strftime("%Y-%m-%dT%H:%M:%S%.f")
                .to_string()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closing_minute_is_included_whole() {
        let tz = TimeZone::get("Africa/Bamako").expect("bundled tzdb");
        let closes = parse_closing("2026-01-19T23:59", &tz).expect("valid");
        assert_eq!(
            jiff::Timestamp::from_millisecond(closes)
                .expect("valid")
                .to_string(),
            "2026-01-20T00:00:00Z",
            "open through 23:59:59.999"
        );
        assert_eq!(format_closing_input(closes, &tz), "2026-01-19T23:59");
        let closes = parse_closing("2026-01-19T23:59:44", &tz).expect("valid");
        assert_eq!(closes % 60_000, 45_000, "through 23:59:44.999");
        assert_eq!(format_closing_input(closes, &tz), "2026-01-19T23:59:44");
        let closes = parse_closing("2026-01-19T23:59:44.250", &tz).expect("valid");
        assert_eq!(format_closing_input(closes, &tz), "2026-01-19T23:59:44.250");
    }

    proptest::proptest! {
        #[test]
        fn a_closing_time_round_trips_through_its_input(ms in 0i64..4_102_444_800_000) {
            let tz = TimeZone::get("Africa/Bamako").expect("bundled tzdb");
            let shown = format_closing_input(ms, &tz);
            proptest::prop_assert_eq!(parse_closing(&shown, &tz), Some(ms), "{}", shown);
        }
    }

    #[test]
    fn bamako_civil_time_round_trips() {
        let tz = TimeZone::get("Africa/Bamako").expect("bundled tzdb");
        let ms = parse_civil("2026-01-19T23:59", &tz).expect("valid");
        assert_eq!(
            jiff::Timestamp::from_millisecond(ms)
                .expect("valid")
                .to_string(),
            "2026-01-19T23:59:00Z"
        );
        assert_eq!(format_civil_input(ms, &tz), "2026-01-19T23:59:00");
        assert_eq!(parse_civil("19/01/2026", &tz), None);
    }

    #[test]
    fn seconds_survive_a_round_trip() {
        let tz = TimeZone::get("Africa/Bamako").expect("bundled tzdb");
        let ms = parse_civil("2026-01-19T23:59:45", &tz).expect("valid");
        assert_eq!(format_civil_input(ms, &tz), "2026-01-19T23:59:45");
        assert_eq!(parse_civil(&format_civil_input(ms, &tz), &tz), Some(ms));
        let with_millis = ms + 250;
        assert_eq!(
            format_civil_input(with_millis, &tz),
            "2026-01-19T23:59:45.25"
        );
    }

    proptest::proptest! {
        /// Re-saving a pre-filled time unchanged never moves it, to the
        /// millisecond (zones of the AES and a neighbour; none repeats an hour).
        #[test]
        fn pre_filled_time_re_reads_to_the_same_instant(
            ms in 0i64..4_102_444_800_000,
            zone in proptest::sample::select(vec!["Africa/Bamako", "Africa/Ouagadougou", "Africa/Niamey", "Africa/Lagos"]),
        ) {
            let tz = TimeZone::get(zone).expect("bundled tzdb");
            proptest::prop_assert_eq!(parse_civil(&format_civil_input(ms, &tz), &tz), Some(ms));
        }
    }

    #[test]
    fn another_zone_shifts_the_instant() {
        let tz = TimeZone::get("Africa/Lagos").expect("bundled tzdb");
        let ms = parse_civil("2026-01-19T23:59", &tz).expect("valid");
        assert_eq!(
            jiff::Timestamp::from_millisecond(ms)
                .expect("valid")
                .to_string(),
            "2026-01-19T22:59:00Z"
        );
    }
}
