//! How the selection's pages and messages name things: tracks, teams, people, prize places,
//! instants in the edition's time zone and durations.

use jiff::tz::TimeZone;

use crate::calls::queries::EditionRow;
use crate::domain::form::{Answer, Answers};
use crate::domain::types::Lang;
use crate::i18n::{tr, tr_args};

/// Fields that name the team or organisation behind a dossier (public on the results page);
/// never the personal contact fields.
const TEAM_FIELDS: [&str; 3] = ["company_name", "service_name", "team_name"];
/// The edition's time zone (parsed once, when the edition row was read).
pub fn edition_tz(edition: &EditionRow) -> TimeZone {
    edition.timezone.tz().clone()
}

/// "19 janvier 2026 à 09:30" in the edition's time zone.
pub fn format_at(lang: Lang, at_ms: i64, tz: &TimeZone) -> String {
    jiff::Timestamp::from_millisecond(at_ms)
        .map(|t| crate::i18n::format_instant(lang, t, tz))
        .unwrap_or_default()
}

/// "5 min 07 s".
pub fn format_duration(lang: Lang, secs: i64) -> String {
    let secs = secs.max(0);
    tr_args(
        lang,
        "pitch-duration",
        &[
            ("min", (secs / 60).to_string()),
            ("sec", format!("{:02}", secs % 60)),
        ],
    )
}

/// The team, company or public service behind a dossier (empty when the form has none).
pub fn team_name(answers_json: &str) -> String {
    let answers: Answers = serde_json::from_str(answers_json).unwrap_or_default();
    TEAM_FIELDS
        .iter()
        .find_map(|k| {
            answers
                .get(k)
                .and_then(|a| a.as_text())
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        })
        .unwrap_or_default()
}

/// The people a certificate names: the team members' names, the leader first (at most six),
/// or, on a personal form, the applicant's first name and initial.
pub fn people_names(answers_json: &str) -> Vec<String> {
    const MAX_NAMED: usize = 6;
    let answers: Answers = serde_json::from_str(answers_json).unwrap_or_default();
    let text = |a: Option<&Answer>| {
        a.and_then(Answer::as_text)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    if let Some(Answer::Group(rows)) = answers.get("team") {
        return rows
            .iter()
            .filter_map(|row| text(row.get("name")))
            .take(MAX_NAMED)
            .collect();
    }
    // A person applying alone (the hackathon's young participants): the first name and the
    // family name's initial, as public pages never show their family name.
    match (
        text(answers.get("first_name")),
        text(answers.get("last_name")),
    ) {
        (Some(first), Some(last)) => match last.chars().next() {
            Some(initial) => vec![format!("{first} {}.", initial.to_uppercase())],
            None => vec![first],
        },
        (Some(first), None) => vec![first],
        _ => Vec::new(),
    }
}

/// "1er prix" / "1st prize", …
pub fn place_label(lang: Lang, place: usize) -> String {
    match place {
        1..=3 => tr(lang, &format!("results-place-{place}")),
        n => tr_args(lang, "results-place-n", &[("n", n.to_string())]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificates_name_team_members_or_a_first_name_and_initial() {
        let team = r#"{"team":{"group":[{"name":{"text":"Awa Traoré"}},{"name":{"text":" Moussa Diarra "}}]}}"#;
        assert_eq!(people_names(team), ["Awa Traoré", "Moussa Diarra"]);
        let alone = r#"{"first_name":{"text":"Aminata"},"last_name":{"text":"élise"}}"#;
        assert_eq!(people_names(alone), ["Aminata É."]);
        assert!(people_names(r#"{"contact_email":{"text":"a@b.ml"}}"#).is_empty());
        assert!(people_names("not json").is_empty());
    }

    #[test]
    fn team_name_never_reads_contacts() {
        let json = r#"{"contact_email":{"text":"a@b.ml"},"company_name":{"text":" Sanu SARL "}}"#;
        assert_eq!(team_name(json), "Sanu SARL");
        let json = r#"{"contact_email":{"text":"a@b.ml"},"team_name":{"text":"Les Gardiens"}}"#;
        assert_eq!(team_name(json), "Les Gardiens");
        assert_eq!(team_name(r#"{"contact_email":{"text":"a@b.ml"}}"#), "");
        assert_eq!(team_name("{}"), "");
        assert_eq!(team_name("not json"), "");
    }
}
