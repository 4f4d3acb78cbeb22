//! The programme as iCalendar (RFC 5545), free of I/O: one `VEVENT` per session, times in UTC
//! (no time-zone table needed; calendars show them in the reader's zone), texts escaped and
//! lines folded at 75 octets. Written here rather than with a crate: the format needed is
//! small, and the crates at hand bring a second date library (chrono) beside jiff.

use std::fmt::Write as _;

/// One session as a calendar event.
pub struct Event<'a> {
    /// Stable across exports: a calendar updates the event instead of adding another.
    pub uid: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub summary: &'a str,
    pub description: &'a str,
    pub location: &'a str,
    pub url: String,
    pub category: &'a str,
}

/// A calendar named `name` holding `events`; `stamp` is the export's instant (UTC ms).
pub fn calendar(name: &str, events: &[Event<'_>], stamp: i64) -> String {
    let mut out = String::new();
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//Kene//Programme//FR");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, "METHOD:PUBLISH");
    line(&mut out, &format!("X-WR-CALNAME:{}", escape(name)));
    for e in events {
        line(&mut out, "BEGIN:VEVENT");
        line(&mut out, &format!("UID:{}", escape(&e.uid)));
        line(&mut out, &format!("DTSTAMP:{}", utc(stamp)));
        line(&mut out, &format!("DTSTART:{}", utc(e.starts_at)));
        line(&mut out, &format!("DTEND:{}", utc(e.ends_at)));
        line(&mut out, &format!("SUMMARY:{}", escape(e.summary)));
        if !e.description.is_empty() {
            line(&mut out, &format!("DESCRIPTION:{}", escape(e.description)));
        }
        if !e.location.is_empty() {
            line(&mut out, &format!("LOCATION:{}", escape(e.location)));
        }
        line(&mut out, &format!("URL:{}", e.url));
        line(&mut out, &format!("CATEGORIES:{}", escape(e.category)));
        line(&mut out, "END:VEVENT");
    }
    line(&mut out, "END:VCALENDAR");
    out
}

/// `20260128T100000Z`.
fn utc(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.strftime("%Y%m%dT%H%M%SZ").to_string())
        .unwrap_or_default()
}

/// TEXT values: backslash, semicolon, comma and line breaks escaped (RFC 5545, 3.3.11).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Writes one content line, folded so that no line exceeds 75 octets (a fold never splits a
/// UTF-8 character), ended by CRLF.
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    let _ = out.write_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn event(summary: &str) -> Event<'_> {
        Event {
            uid: "abc@kene".into(),
            starts_at: 1_769_594_400_000,
            ends_at: 1_769_599_800_000,
            summary,
            description: "Ligne 1\nLigne 2; avec, ponctuation",
            location: "Salle 1000",
            url: "https://example.org/programme/sdn-2026/abc".into(),
            category: "panel",
        }
    }

    #[test]
    fn an_event_carries_its_utc_times_and_escaped_texts() {
        let ics = calendar("SDN 2026", &[event("Panel")], 0);
        assert!(ics.contains("DTSTART:20260128T100000Z\r\n"));
        assert!(ics.contains("DTEND:20260128T113000Z\r\n"));
        assert!(ics.contains("DESCRIPTION:Ligne 1\\nLigne 2\\; avec\\, ponctuation\r\n"));
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.ends_with("END:VCALENDAR\r\n"));
    }

    proptest! {
        /// However long and wherever its accents, no line is longer than 75 octets, and
        /// unfolding gives back the text.
        #[test]
        fn lines_are_folded_without_loss(summary in "[a-zA-Zéèàôû ]{0,300}") {
            let ics = calendar("x", &[event(&summary)], 0);
            for l in ics.split("\r\n") {
                prop_assert!(l.len() <= 75, "{} octets", l.len());
            }
            let unfolded = ics.replace("\r\n ", "");
            let expected = format!("SUMMARY:{summary}\r\n");
            prop_assert!(unfolded.contains(&expected));
        }
    }
}
