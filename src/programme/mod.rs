//! The event's programme: rooms, speakers and sessions (organisers edit them, refused when a
//! room or a speaker would be in two places at once), the public programme filterable by day,
//! room, kind and theme, each session's page, and the iCalendar exports.
//!
//! Layout: `rules` (pure: kinds, slots, clashes), `queries`, `actions` (the writes),
//! `organisers` (the organisers' pages), `public` (everyone's pages), `ical` (RFC 5545),
//! `api` (a paginated JSON API for other programs), `frab` (`schedule.xml` and `schedule.json`
//! for conference apps).

pub mod actions;
mod api;
pub mod demo;
pub mod frab;
pub mod ical;
mod organisers;
pub mod photo;
mod public;
pub mod queries;
pub mod rules;

use axum::routing::{get, post};
use axum::Router;
use jiff::tz::TimeZone;
use serde::Deserialize;

use self::rules::{SessionKind, Slot};
use crate::calls::queries::EditionRow;
use crate::domain::types::Lang;
use crate::i18n::{tr, tr_args};
use crate::web::forms::FieldErrors;
use crate::web::state::AppState;

pub fn router() -> Router<AppState> {
    const ADMIN: &str = "/admin/editions/{edition}/programme";
    Router::new()
        .route(
            ADMIN,
            get(organisers::programme).post(organisers::create_session),
        )
        .route(&format!("{ADMIN}/rooms"), post(organisers::add_room))
        .route(&format!("{ADMIN}/speakers"), post(organisers::add_speaker))
        .route(
            &format!("{ADMIN}/speakers/{{speaker}}/photo"),
            post(organisers::speaker_photo),
        )
        .route(
            &format!("{ADMIN}/{{session}}"),
            get(organisers::session).post(organisers::edit_session),
        )
        .route("/programme/{edition}", get(public::programme))
        .route("/programme/{edition}/ics", get(public::programme_ics))
        .route(
            "/programme/{edition}/schedule.json",
            get(frab::schedule_json),
        )
        .route("/programme/{edition}/schedule.xml", get(frab::schedule_xml))
        .route("/api/programme/{edition}/sessions", get(api::sessions))
        .route("/programme/{edition}/mine", get(public::mine))
        .route("/programme/{edition}/mine/ics", get(public::mine_ics))
        .route(
            "/programme/{edition}/speakers/{speaker}/{file}",
            get(public::speaker_photo),
        )
        .route("/programme/{edition}/{session}", get(public::session))
        .route(
            "/programme/{edition}/{session}/ics",
            get(public::session_ics),
        )
        .route("/programme/{edition}/{session}/mine", post(public::follow))
}

/// The edition named in the address; 404 for an unknown one.
async fn edition_of(app: &AppState, slug: &str) -> crate::web::error::AppResult<EditionRow> {
    crate::calls::queries::edition_by_slug(&app.db, slug)
        .await?
        .ok_or(crate::web::error::AppError::NotFound)
}

/// Where a speaker's photo is served, if they have one: named by its content, so it may be
/// kept by browsers for good.
fn photo_url(edition: &EditionRow, speaker: &queries::SpeakerRow) -> Option<String> {
    let sha = speaker.photo_sha256.as_deref()?;
    Some(format!(
        "/programme/{}/speakers/{}/photo-{sha}.jpg",
        edition.slug, speaker.public_id
    ))
}

/// The languages a session may be held in.
pub const LANGUAGES: [&str; 3] = ["fr", "en", "bm"];

/// The longest title, abstract, theme, room and speaker texts accepted.
const TITLE_MAX: usize = 200;
const ABSTRACT_MAX: usize = 4000;
const SHORT_MAX: usize = 100;

/// A session form as typed (kept as typed when refused).
#[derive(Debug, Deserialize, Default, Clone)]
pub struct SessionForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub title_fr: String,
    #[serde(default)]
    pub title_en: String,
    #[serde(default)]
    pub abstract_fr: String,
    #[serde(default)]
    pub abstract_en: String,
    #[serde(default)]
    pub starts_at: String,
    #[serde(default)]
    pub ends_at: String,
    #[serde(default)]
    pub room: String,
    #[serde(default)]
    pub theme: String,
    #[serde(default)]
    pub language: String,
    #[serde(default)]
    pub moderator: String,
    /// The online meeting (hybrid sessions).
    #[serde(default)]
    pub online_url: String,
    /// The livestream.
    #[serde(default)]
    pub stream_url: String,
    /// `yes`: everyone sees the links, not only people registered to follow online.
    #[serde(default)]
    pub links_public: String,
    /// The version the form was loaded from (edits only).
    #[serde(default)]
    pub version: String,
}

/// A session form that passed every check needing no database but the lists it names from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidSession {
    pub kind: SessionKind,
    pub title_fr: String,
    pub title_en: String,
    pub abstract_fr: String,
    pub abstract_en: String,
    pub slot: Slot,
    pub room_id: Option<i64>,
    pub theme: String,
    pub language: &'static str,
    /// `(speaker id, role)`: the moderator first, then the speakers in the order listed.
    pub speakers: Vec<(i64, &'static str)>,
    pub online_url: String,
    pub stream_url: String,
    pub links_public: bool,
}

/// The longest link accepted.
const URL_MAX: usize = 500;

/// A link typed by an organiser: empty, or an http(s) address.
fn link(errors: &mut FieldErrors, (field, value): (&str, &str), lang: Lang) -> String {
    let value = value.trim();
    let fine = value.is_empty()
        || (value.len() <= URL_MAX
            && url::Url::parse(value)
                .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some()));
    if !fine {
        errors.add(field, tr(lang, "programme-bad-link"));
    }
    value.to_owned()
}

fn text(
    errors: &mut FieldErrors,
    (field, value): (&str, &str),
    (required, max): (bool, usize),
    lang: Lang,
) -> String {
    let value = value.trim();
    if required && value.is_empty() {
        errors.add(field, tr(lang, "field-required"));
    } else if value.chars().count() > max {
        let args = [("max", max.to_string())];
        errors.add(field, tr_args(lang, "programme-too-long-text", &args));
    }
    value.to_owned()
}

/// Checks a session form. Times are civil times in the edition's zone `tz`; `rooms` and
/// `speakers` are the ids the edition has; `chosen_speakers` the ids ticked, in order.
pub fn parse_session(
    form: &SessionForm,
    chosen_speakers: &[String],
    (tz, rooms, speakers): (&TimeZone, &[i64], &[i64]),
    lang: Lang,
) -> Result<ValidSession, FieldErrors> {
    let mut errors = FieldErrors::default();
    let kind = SessionKind::parse(form.kind.trim());
    if kind.is_none() {
        errors.add("kind", tr(lang, "field-required"));
    }
    let title_fr = text(
        &mut errors,
        ("title_fr", &form.title_fr),
        (true, TITLE_MAX),
        lang,
    );
    let title_en = text(
        &mut errors,
        ("title_en", &form.title_en),
        (true, TITLE_MAX),
        lang,
    );
    let abstract_fr = text(
        &mut errors,
        ("abstract_fr", &form.abstract_fr),
        (false, ABSTRACT_MAX),
        lang,
    );
    let abstract_en = text(
        &mut errors,
        ("abstract_en", &form.abstract_en),
        (false, ABSTRACT_MAX),
        lang,
    );
    let theme = text(
        &mut errors,
        ("theme", &form.theme),
        (false, SHORT_MAX),
        lang,
    );
    let mut instant = |field: &str, value: &str| {
        let parsed = crate::calls::parse_civil(value, tz);
        if parsed.is_none() {
            let key = if value.trim().is_empty() {
                "field-required"
            } else {
                "programme-bad-time"
            };
            errors.add(field, tr(lang, key));
        }
        parsed
    };
    let starts_at = instant("starts_at", &form.starts_at);
    let ends_at = instant("ends_at", &form.ends_at);
    let slot = match (starts_at, ends_at) {
        (Some(s), Some(e)) => match Slot::new(s, e) {
            Ok(slot) => Some(slot),
            Err(e) => {
                errors.add("ends_at", tr(lang, e.key()));
                None
            }
        },
        _ => None,
    };
    let room_id = match form.room.trim() {
        "" => None,
        room => {
            let id = room.parse::<i64>().ok().filter(|id| rooms.contains(id));
            if id.is_none() {
                errors.add("room", tr(lang, "programme-unknown-room"));
            }
            id
        }
    };
    let online_url = link(&mut errors, ("online_url", &form.online_url), lang);
    let stream_url = link(&mut errors, ("stream_url", &form.stream_url), lang);
    let language = LANGUAGES.into_iter().find(|l| *l == form.language.trim());
    if language.is_none() {
        errors.add("language", tr(lang, "field-required"));
    }
    let mut chosen = Vec::new();
    let moderator = form.moderator.trim();
    if !moderator.is_empty() {
        match moderator
            .parse::<i64>()
            .ok()
            .filter(|id| speakers.contains(id))
        {
            Some(id) => chosen.push((id, "moderator")),
            None => errors.add("moderator", tr(lang, "programme-unknown-speaker")),
        }
    }
    for value in chosen_speakers {
        match value
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|id| speakers.contains(id))
        {
            Some(id) if chosen.iter().any(|(c, _)| *c == id) => {}
            Some(id) => chosen.push((id, "speaker")),
            None => errors.add("speakers", tr(lang, "programme-unknown-speaker")),
        }
    }
    match (kind, slot, language, errors.is_empty()) {
        (Some(kind), Some(slot), Some(language), true) => Ok(ValidSession {
            kind,
            title_fr,
            title_en,
            abstract_fr,
            abstract_en,
            slot,
            room_id,
            theme,
            language,
            speakers: chosen,
            online_url,
            stream_url,
            links_public: form.links_public == "yes",
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> SessionForm {
        SessionForm {
            kind: "panel".into(),
            title_fr: "Souveraineté numérique".into(),
            title_en: "Digital sovereignty".into(),
            starts_at: "2026-01-28T10:00".into(),
            ends_at: "2026-01-28T11:30".into(),
            room: "1".into(),
            language: "fr".into(),
            moderator: "7".into(),
            ..SessionForm::default()
        }
    }

    fn bamako() -> TimeZone {
        TimeZone::get("Africa/Bamako").expect("bundled tzdb")
    }

    #[test]
    fn every_kind_language_and_role_is_named_in_both_languages() {
        let mut keys: Vec<String> = SessionKind::ALL
            .iter()
            .map(|k| format!("programme-kind-{}", k.as_str()))
            .collect();
        keys.extend(LANGUAGES.iter().map(|l| format!("programme-language-{l}")));
        keys.extend([
            "programme-role-moderator".into(),
            "programme-role-speaker".into(),
        ]);
        for lang in Lang::ALL {
            for key in &keys {
                assert_ne!(&tr(lang, key), key, "{key} in {lang:?}");
            }
        }
    }

    #[test]
    fn a_whole_form_is_a_session() {
        let tz = bamako();
        let chosen = ["8".to_owned(), "7".to_owned()];
        let valid = parse_session(&form(), &chosen, (&tz, &[1], &[7, 8]), Lang::Fr)
            .expect("a valid session");
        assert_eq!(valid.slot.minutes(), 90);
        assert_eq!(valid.speakers, vec![(7, "moderator"), (8, "speaker")]);
    }

    #[test]
    fn a_session_ending_before_it_starts_is_refused_on_its_end() {
        let tz = bamako();
        let typed = SessionForm {
            ends_at: "2026-01-28T09:00".into(),
            ..form()
        };
        let errors = parse_session(&typed, &[], (&tz, &[1], &[7]), Lang::En).expect_err("refused");
        assert_eq!(
            errors.get("ends_at"),
            Some(tr(Lang::En, "programme-ends-before-start").as_str())
        );
    }

    #[test]
    fn links_are_web_addresses() {
        let tz = bamako();
        let typed = SessionForm {
            online_url: "javascript:alert(1)".into(),
            stream_url: "https://live.example.ml/sdn".into(),
            ..form()
        };
        let errors = parse_session(&typed, &[], (&tz, &[1], &[7]), Lang::Fr).expect_err("refused");
        assert!(errors.get("online_url").is_some());
        assert!(errors.get("stream_url").is_none());
    }

    #[test]
    fn a_room_or_speaker_of_another_edition_is_refused() {
        let tz = bamako();
        let errors = parse_session(&form(), &["99".to_owned()], (&tz, &[2], &[7]), Lang::Fr)
            .expect_err("refused");
        assert!(errors.get("room").is_some());
        assert!(errors.get("speakers").is_some());
    }
}
