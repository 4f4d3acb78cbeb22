//! What anyone may see of a profile. [`PublicProfile`] is the only shape the public pages
//! (and, later, the open data and the API) are given: it has no field for the contact
//! address or the owner, and an optional field the actor kept private is `None`.

use super::queries::ActorRow;
use super::rules::Hideable;
use super::taxonomy::{ActorKind, MaliRegion, Stage};
use crate::domain::country::Country;
use crate::domain::sector::Sector;
use crate::domain::types::Lang;
use crate::i18n::tr;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicProfile {
    pub public_id: String,
    pub kind: ActorKind,
    pub name: String,
    pub description_fr: String,
    pub description_en: String,
    pub country: String,
    pub region: Option<MaliRegion>,
    pub town: Option<String>,
    pub stage: Option<Stage>,
    pub founded_year: Option<i64>,
    pub team_size: Option<i64>,
    pub women_led: Option<bool>,
    pub young_founders: Option<bool>,
    pub website: Option<String>,
    pub social_links: Vec<String>,
    pub funding_sought: Option<String>,
    pub funding_offered: Option<String>,
    pub sectors: Vec<Sector>,
    /// Made up by `kene demo`.
    pub is_demo: bool,
    /// The public contact form reaches it (the address itself is never shown).
    pub has_contact: bool,
    /// Where its logo is served, if it has one.
    pub logo: Option<String>,
}

fn shown<T>(hidden: &std::collections::BTreeSet<Hideable>, field: Hideable, value: T) -> Option<T> {
    (!hidden.contains(&field)).then_some(value)
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}

impl PublicProfile {
    pub fn of(row: &ActorRow) -> PublicProfile {
        let hidden = row.hidden();
        PublicProfile {
            public_id: row.public_id.clone(),
            kind: row.kind,
            name: row.name.clone(),
            description_fr: row.description_fr.clone(),
            description_en: row.description_en.clone(),
            country: row.country.clone(),
            region: MaliRegion::parse(&row.region),
            town: shown(&hidden, Hideable::Town, non_empty(&row.town)).flatten(),
            stage: Stage::parse(&row.stage),
            founded_year: shown(&hidden, Hideable::FoundedYear, row.founded_year).flatten(),
            team_size: shown(&hidden, Hideable::TeamSize, row.team_size).flatten(),
            women_led: shown(&hidden, Hideable::WomenLed, row.women_led),
            young_founders: shown(&hidden, Hideable::YoungFounders, row.young_founders),
            website: non_empty(&row.website),
            social_links: row.social_links.lines().map(str::to_owned).collect(),
            funding_sought: shown(&hidden, Hideable::Funding, non_empty(&row.funding_sought))
                .flatten(),
            funding_offered: shown(&hidden, Hideable::Funding, non_empty(&row.funding_offered))
                .flatten(),
            sectors: row.sector_list(),
            is_demo: row.is_demo,
            has_contact: !row.contact_email.is_empty(),
            logo: row
                .logo_sha256
                .as_ref()
                .map(|sha| format!("/directory/{}/logo-{sha}.jpg", row.public_id)),
        }
    }
}

/// The description in the reader's language, else the other one.
pub fn description<'a>(lang: Lang, fr: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::Fr if !fr.is_empty() => fr,
        Lang::En if !en.is_empty() => en,
        Lang::Fr => en,
        Lang::En => fr,
    }
}

/// Where an actor is, as a reader says it: "Kayes, Mali" or "Niger".
pub fn place(lang: Lang, country: &str, region: Option<MaliRegion>) -> String {
    let country = Country::parse(country)
        .map(|c| c.name(lang).to_owned())
        .unwrap_or_default();
    match region {
        Some(r) => format!("{}, {country}", tr(lang, &r.label_key())),
        None => country,
    }
}

/// A line of the directory's list.
pub struct Listed {
    pub url: String,
    pub name: String,
    pub kind: String,
    pub place: String,
    pub sectors: String,
    pub summary: String,
    pub is_demo: bool,
}

/// The first sentence-ish of a description, for the list (a small phone shows two lines).
fn summary(text: &str) -> String {
    const MAX: usize = 140;
    if text.chars().count() <= MAX {
        return text.to_owned();
    }
    let cut: String = text.chars().take(MAX).collect();
    format!("{}…", cut.trim_end())
}

pub fn sector_labels(lang: Lang, sectors: &[Sector]) -> String {
    sectors
        .iter()
        .map(|s| tr(lang, &s.label_key()))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Listed {
    pub fn of(lang: Lang, row: &ActorRow) -> Listed {
        let sectors = row.sector_list();
        Listed {
            url: format!("/directory/{}", row.public_id),
            name: row.name.clone(),
            kind: tr(lang, &row.kind.label_key()),
            place: place(lang, &row.country, MaliRegion::parse(&row.region)),
            sectors: sector_labels(lang, &sectors),
            summary: summary(description(lang, &row.description_fr, &row.description_en)),
            is_demo: row.is_demo,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::taxonomy::{Source, Status};

    fn row() -> ActorRow {
        ActorRow {
            id: 1,
            public_id: "p1".into(),
            kind: ActorKind::Startup,
            name: "Sahel Pay".into(),
            description_fr: "Paiement".into(),
            description_en: String::new(),
            country: "ML".into(),
            region: "segou".into(),
            town: "Ségou".into(),
            stage: "growth".into(),
            founded_year: Some(2020),
            team_size: Some(12),
            women_led: true,
            young_founders: true,
            website: String::new(),
            social_links: String::new(),
            contact_email: "secret@sahelpay.ml".into(),
            funding_sought: "50 M FCFA".into(),
            funding_offered: String::new(),
            sectors: "fintech,e_commerce".into(),
            hidden_fields: "team_size,women_led,funding".into(),
            status: Status::Published,
            rejection_reason: String::new(),
            source: Source::SelfRegistered,
            is_demo: false,
            owner_id: Some(7),
            created_at: 0,
            updated_at: 0,
            logo_sha256: None,
        }
    }

    #[test]
    fn fields_kept_private_are_not_in_the_public_profile() {
        let p = PublicProfile::of(&row());
        assert_eq!(p.team_size, None);
        assert_eq!(p.women_led, None);
        assert_eq!(p.funding_sought, None);
        assert_eq!(p.young_founders, Some(true));
        assert_eq!(p.town.as_deref(), Some("Ségou"));
        assert!(p.has_contact);
        assert!(!format!("{p:?}").contains("secret@"));
        assert_eq!(p.sectors, vec![Sector::Fintech, Sector::ECommerce]);
    }

    #[test]
    fn the_reader_gets_the_description_in_their_language_else_the_other() {
        assert_eq!(description(Lang::En, "fr", ""), "fr");
        assert_eq!(description(Lang::En, "fr", "en"), "en");
        assert_eq!(description(Lang::Fr, "", "en"), "en");
    }
}
