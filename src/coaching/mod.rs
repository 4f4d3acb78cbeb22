//! Coaching of the finalists (issue 3, point 6): organisers schedule sessions (date, place,
//! coach) and invite finalists of the locked shortlist; the invitation reaches the applicant
//! by e-mail or SMS in their language; the coach records attendance and leaves notes.
//!
//! Who sees what:
//! * organisers of the edition (`/admin/editions/{edition}/coaching`) see every session,
//!   invitation, attendance and every coach's notes, and may record attendance too;
//! * a coach (`/coaching`) sees only the sessions they coach, the invited finalists with the
//!   applicant's contact (they need to reach them), and only the notes they wrote themselves —
//!   never another coach's notes, even on the same finalist;
//! * an applicant (`/applications/{id}/coaching`) sees the sessions their dossier is invited
//!   to (date, place, coach) and nothing of the notes;
//! * anyone else gets 404, as for a session that does not exist.
//!
//! Invitations need the locked shortlist (`review::queries::finalists`): before the lock the
//! list may still change. This file holds the pure input parsing; `queries` the storage and
//! `routes` the pages.

pub mod actions;
mod applicant;
mod coach;
mod organisers;
pub mod queries;
pub mod routes;
mod shared;

pub use routes::router;

use jiff::tz::TimeZone;

use crate::domain::types::{Lang, Login};
use crate::i18n::ParseErrorMessage;
use crate::i18n::{tr, tr_args};
use crate::web::forms::FieldErrors;

pub const TITLE_MAX_CHARS: usize = 200;
pub const PLACE_MAX_CHARS: usize = 500;
pub const NOTE_MAX_CHARS: usize = 4000;
pub const DURATION_MINUTES: std::ops::RangeInclusive<i64> = 15..=480;
pub const DEFAULT_DURATION_MINUTES: i64 = 120;

/// Whether an invited finalist came to a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attendance {
    Present,
    Absent,
    /// Absent with a reason given beforehand.
    Excused,
}

impl Attendance {
    pub const ALL: [Attendance; 3] = [Attendance::Present, Attendance::Absent, Attendance::Excused];

    pub fn as_str(self) -> &'static str {
        match self {
            Attendance::Present => "present",
            Attendance::Absent => "absent",
            Attendance::Excused => "excused",
        }
    }

    pub fn parse(s: &str) -> Option<Attendance> {
        Attendance::ALL.into_iter().find(|a| a.as_str() == s.trim())
    }

    /// "Présent" / "Present"…; "not recorded yet" for `None`.
    pub fn label(value: Option<Attendance>, lang: Lang) -> String {
        match value {
            Some(Attendance::Present) => tr(lang, "coaching-attendance-present"),
            Some(Attendance::Absent) => tr(lang, "coaching-attendance-absent"),
            Some(Attendance::Excused) => tr(lang, "coaching-attendance-excused"),
            None => tr(lang, "coaching-attendance-none"),
        }
    }
}

/// The session form as typed (kept to show it again after an error).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct SessionForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub starts_at: String,
    #[serde(default)]
    pub duration: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub coach: String,
    /// The session's version the edit form was loaded from (unused when creating).
    #[serde(default)]
    pub version: String,
}

impl SessionForm {
    pub fn blank() -> SessionForm {
        SessionForm {
            duration: DEFAULT_DURATION_MINUTES.to_string(),
            ..SessionForm::default()
        }
    }
}

/// A person's language from their account's locale (French when unknown).
fn lang_of(locale: &str) -> Lang {
    Lang::parse(locale).unwrap_or_default()
}

/// "27 janvier 2026 à 10:00" in the edition's zone.
fn when(lang: Lang, at_ms: i64, tz: &TimeZone) -> String {
    jiff::Timestamp::from_millisecond(at_ms)
        .map(|t| crate::i18n::format_instant(lang, t, tz))
        .unwrap_or_default()
}

/// How the audit log names a session.
fn session_object(session_public_id: &str) -> String {
    format!("coaching_session:{session_public_id}")
}

/// A session that passed every check that needs no database (the coach's account is looked
/// up by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidSession {
    pub title: String,
    pub starts_at: i64,
    pub duration_minutes: i64,
    pub place: String,
    pub coach: Login,
}

fn required_text(
    errors: &mut FieldErrors,
    field: &str,
    value: &str,
    max: usize,
    lang: Lang,
) -> Option<String> {
    let value = value.trim();
    if value.is_empty() {
        errors.add(field, tr(lang, "field-required"));
        None
    } else if value.chars().count() > max {
        errors.add(
            field,
            tr_args(lang, "coaching-too-long", &[("max", max.to_string())]),
        );
        None
    } else {
        Some(value.to_owned())
    }
}

/// Checks a session form: the start is a civil date-time in the edition's zone `tz`, not in
/// the past (`now_ms`); errors are per field, in `lang`.
pub fn parse_session(
    form: &SessionForm,
    tz: &TimeZone,
    now_ms: i64,
    lang: Lang,
) -> Result<ValidSession, FieldErrors> {
    let mut errors = FieldErrors::default();
    let title = required_text(&mut errors, "title", &form.title, TITLE_MAX_CHARS, lang);
    let place = required_text(&mut errors, "place", &form.place, PLACE_MAX_CHARS, lang);
    let starts_at = if form.starts_at.trim().is_empty() {
        errors.add("starts_at", tr(lang, "field-required"));
        None
    } else {
        match crate::calls::parse_civil(&form.starts_at, tz) {
            None => {
                errors.add("starts_at", tr(lang, "coaching-bad-date"));
                None
            }
            Some(at) if at < now_ms => {
                errors.add("starts_at", tr(lang, "coaching-date-past"));
                None
            }
            Some(at) => Some(at),
        }
    };
    let duration = form
        .duration
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|d| DURATION_MINUTES.contains(d));
    if duration.is_none() {
        errors.add("duration", tr(lang, "coaching-bad-duration"));
    }
    let coach = if form.coach.trim().is_empty() {
        errors.add("coach", tr(lang, "field-required"));
        None
    } else {
        match Login::parse(form.coach.trim()) {
            Ok(login) => Some(login),
            Err(e) => {
                errors.add("coach", ParseErrorMessage(&e, lang).to_string());
                None
            }
        }
    };
    match (title, starts_at, duration, place, coach) {
        (Some(title), Some(starts_at), Some(duration_minutes), Some(place), Some(coach))
            if errors.is_empty() =>
        {
            Ok(ValidSession {
                title,
                starts_at,
                duration_minutes,
                place,
                coach,
            })
        }
        _ => Err(errors),
    }
}

/// A coach's note: trimmed, at most [`NOTE_MAX_CHARS`] characters (an empty note clears it).
pub fn parse_note(input: &str, lang: Lang) -> Result<String, String> {
    let note = input.trim();
    if note.chars().count() > NOTE_MAX_CHARS {
        Err(tr_args(
            lang,
            "coaching-note-too-long",
            &[("max", NOTE_MAX_CHARS.to_string())],
        ))
    } else {
        Ok(note.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bamako() -> TimeZone {
        TimeZone::get("Africa/Bamako").expect("bundled tzdb")
    }

    fn now() -> i64 {
        crate::calls::parse_civil("2026-01-20T08:00", &bamako()).expect("valid")
    }

    fn form() -> SessionForm {
        SessionForm {
            title: " Pitch et modèle économique ".into(),
            starts_at: "2026-01-27T10:00".into(),
            duration: "90".into(),
            place: "CICB, salle 2".into(),
            coach: "coach@exemple.ml".into(),
            version: String::new(),
        }
    }

    #[test]
    fn a_complete_form_is_read_in_the_editions_zone() {
        let s = parse_session(&form(), &bamako(), now(), Lang::Fr).expect("valid");
        assert_eq!(s.title, "Pitch et modèle économique");
        assert_eq!(
            jiff::Timestamp::from_millisecond(s.starts_at)
                .expect("valid")
                .to_string(),
            "2026-01-27T10:00:00Z"
        );
        assert_eq!(s.duration_minutes, 90);
        assert_eq!(s.coach.as_str(), "coach@exemple.ml");
    }

    #[test]
    fn every_bad_field_gets_its_own_message() {
        let bad = SessionForm {
            title: String::new(),
            starts_at: "27/01/2026 10h".into(),
            duration: "5".into(),
            place: "x".repeat(PLACE_MAX_CHARS + 1),
            coach: "pas-un-login".into(),
            version: String::new(),
        };
        let errors = parse_session(&bad, &bamako(), now(), Lang::Fr).expect_err("invalid");
        for field in ["title", "starts_at", "duration", "place", "coach"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
        assert_eq!(
            errors.get("starts_at"),
            Some(tr(Lang::Fr, "coaching-bad-date").as_str())
        );
    }

    #[test]
    fn a_missing_or_past_start_is_refused() {
        let mut f = form();
        f.starts_at = "  ".into();
        let errors = parse_session(&f, &bamako(), now(), Lang::En).expect_err("missing");
        assert_eq!(
            errors.get("starts_at"),
            Some(tr(Lang::En, "field-required").as_str())
        );
        f.starts_at = "2026-01-19T10:00".into();
        let errors = parse_session(&f, &bamako(), now(), Lang::En).expect_err("past");
        assert_eq!(
            errors.get("starts_at"),
            Some(tr(Lang::En, "coaching-date-past").as_str())
        );
    }

    #[test]
    fn notes_are_bounded() {
        assert_eq!(
            parse_note("  Bon pitch  ", Lang::Fr).as_deref(),
            Ok("Bon pitch")
        );
        assert_eq!(parse_note("", Lang::Fr).as_deref(), Ok(""));
        let long = "é".repeat(NOTE_MAX_CHARS + 1);
        assert!(parse_note(&long, Lang::Fr).is_err());
        assert!(parse_note(&"é".repeat(NOTE_MAX_CHARS), Lang::Fr).is_ok());
    }

    #[test]
    fn attendance_values_round_trip() {
        for a in Attendance::ALL {
            assert_eq!(Attendance::parse(a.as_str()), Some(a));
        }
        assert_eq!(Attendance::parse("late"), None);
    }
}
