//! A profile pre-filled from an application, free of I/O: only when the applicant ticked the
//! form's directory consent, and only what that consent names (name, description, country,
//! domain, website, founding year, team size, women-led), never the contact details.

use super::rules::ActorInput;
use crate::domain::form::{Answer, Answers};
use crate::domain::seed_forms::DIRECTORY_CONSENT;
use crate::domain::track::TrackKind;

/// What an application says, as the prefill reads it.
pub struct Application<'a> {
    pub track: TrackKind,
    pub title: &'a str,
    pub answers: &'a Answers,
    pub country: &'a str,
    pub domain: &'a str,
    pub women_led: bool,
}

fn text<'a>(answers: &'a Answers, key: &str) -> &'a str {
    answers.get(key).and_then(Answer::as_text).unwrap_or("")
}

/// The profile the application gives, or `None` without the applicant's consent (or for a
/// hackathon's individual entrant, who is no organisation).
pub fn prefill(a: &Application<'_>) -> Option<ActorInput> {
    if a.answers.get(DIRECTORY_CONSENT) != Some(&Answer::Bool(true)) {
        return None;
    }
    let (kind, name, description) = match a.track {
        TrackKind::Startup => ("startup", text(a.answers, "company_name"), "summary"),
        TrackKind::Administration => (
            "public_service",
            text(a.answers, "service_name"),
            "project_description",
        ),
        TrackKind::Hackathon => return None,
    };
    let name = if name.trim().is_empty() {
        a.title
    } else {
        name
    };
    let team_size = match a.answers.get("team") {
        Some(Answer::Group(rows)) if !rows.is_empty() => rows.len().to_string(),
        _ => String::new(),
    };
    Some(ActorInput {
        kind: kind.to_owned(),
        name: name.trim().to_owned(),
        description_fr: text(a.answers, description).trim().to_owned(),
        country: a.country.to_owned(),
        website: text(a.answers, "website").trim().to_owned(),
        founded_year: text(a.answers, "founded_on")
            .get(..4)
            .unwrap_or("")
            .to_owned(),
        team_size,
        women_led: a.women_led.then(|| "yes".to_owned()),
        sectors: (!a.domain.is_empty())
            .then(|| a.domain.to_owned())
            .into_iter()
            .collect(),
        ..ActorInput::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn answers(consent: Option<bool>) -> Answers {
        let mut map = BTreeMap::new();
        map.insert("company_name".into(), Answer::Text("Djoliba Pay".into()));
        map.insert("summary".into(), Answer::Text("Paiement mobile".into()));
        map.insert("founded_on".into(), Answer::Text("2021-03-04".into()));
        map.insert(
            "contact_email".into(),
            Answer::Text("fondatrice@djoliba.ml".into()),
        );
        map.insert(
            "team".into(),
            Answer::Group(vec![BTreeMap::new(), BTreeMap::new()]),
        );
        if let Some(c) = consent {
            map.insert(DIRECTORY_CONSENT.into(), Answer::Bool(c));
        }
        Answers(map)
    }

    fn application(answers: &Answers, track: TrackKind) -> Application<'_> {
        Application {
            track,
            title: "Projet",
            answers,
            country: "ML",
            domain: "fintech",
            women_led: true,
        }
    }

    #[test]
    fn nothing_is_copied_without_consent() {
        for consent in [None, Some(false)] {
            let a = answers(consent);
            assert_eq!(prefill(&application(&a, TrackKind::Startup)), None);
        }
        let a = answers(Some(true));
        assert_eq!(prefill(&application(&a, TrackKind::Hackathon)), None);
    }

    #[test]
    fn consent_copies_the_organisation_never_its_contact() {
        let a = answers(Some(true));
        let p = prefill(&application(&a, TrackKind::Startup)).expect("consented");
        assert_eq!(p.kind, "startup");
        assert_eq!(p.name, "Djoliba Pay");
        assert_eq!(p.description_fr, "Paiement mobile");
        assert_eq!(p.founded_year, "2021");
        assert_eq!(p.team_size, "2");
        assert_eq!(p.sectors, vec!["fintech"]);
        assert_eq!(p.women_led.as_deref(), Some("yes"));
        assert!(p.contact_email.is_empty());
    }
}
