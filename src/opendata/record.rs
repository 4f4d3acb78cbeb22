//! The open data's shape: one record per published actor, built only from
//! [`PublicProfile`] — which has no field for the contact address or the owner, and `None`
//! for what the actor kept private — so no private field can reach a file or the API. The
//! data dictionary names every column; a test keeps the two in step. No I/O.

use serde::Serialize;

use crate::applications::export::{Cell, Table};
use crate::directory::public::PublicProfile;

/// The licence every file and API answer carries.
pub const LICENCE: &str = "CC-BY-4.0";
pub const LICENCE_URL: &str = "https://creativecommons.org/licenses/by/4.0/";

/// A published actor as the open data gives it: slugs for closed lists (the dictionary
/// says where their labels are), `null` for what is unknown or private.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpenActor {
    pub id: String,
    pub kind: &'static str,
    pub name: String,
    pub description_fr: String,
    pub description_en: String,
    pub country: String,
    pub region: Option<&'static str>,
    pub town: Option<String>,
    pub sectors: Vec<&'static str>,
    pub stage: Option<&'static str>,
    pub founded_year: Option<i64>,
    pub team_size: Option<i64>,
    pub women_led: Option<bool>,
    pub young_founders: Option<bool>,
    pub website: Option<String>,
    pub social_links: Vec<String>,
    pub funding_sought: Option<String>,
    pub funding_offered: Option<String>,
    pub demo: bool,
}

impl From<&PublicProfile> for OpenActor {
    fn from(p: &PublicProfile) -> OpenActor {
        OpenActor {
            id: p.public_id.clone(),
            kind: p.kind.as_str(),
            name: p.name.clone(),
            description_fr: p.description_fr.clone(),
            description_en: p.description_en.clone(),
            country: p.country.clone(),
            region: p.region.map(|r| r.as_str()),
            town: p.town.clone(),
            sectors: p.sectors.iter().map(|s| s.as_str()).collect(),
            stage: p.stage.map(|s| s.as_str()),
            founded_year: p.founded_year,
            team_size: p.team_size,
            women_led: p.women_led,
            young_founders: p.young_founders,
            website: p.website.clone(),
            social_links: p.social_links.clone(),
            funding_sought: p.funding_sought.clone(),
            funding_offered: p.funding_offered.clone(),
            demo: p.is_demo,
        }
    }
}

/// A column of the open data: its name, its type, and what it holds (FR, EN).
pub struct Column {
    pub name: &'static str,
    pub kind: &'static str,
    pub fr: &'static str,
    pub en: &'static str,
}

const fn column(
    name: &'static str,
    kind: &'static str,
    fr: &'static str,
    en: &'static str,
) -> Column {
    Column { name, kind, fr, en }
}

/// The data dictionary, in the files' column order.
pub const DICTIONARY: [Column; 19] = [
    column("id", "text", "Identifiant stable de la fiche (son adresse : /directory/<id>).", "Stable identifier of the profile (its address: /directory/<id>)."),
    column("kind", "code", "Type d'acteur : startup, sme, incubator, investor, civil_society, public_service, university, partner, media.", "Kind of actor: startup, sme, incubator, investor, civil_society, public_service, university, partner, media."),
    column("name", "text", "Nom de la structure.", "Name of the organisation."),
    column("description_fr", "text", "Présentation en français.", "Description in French."),
    column("description_en", "text", "Présentation en anglais.", "Description in English."),
    column("country", "code", "Pays, code ISO 3166-1 alpha-2 (ML, BF, NE…).", "Country, ISO 3166-1 alpha-2 code (ML, BF, NE…)."),
    column("region", "code", "Région du Mali (bamako, kayes, koulikoro, sikasso, segou, mopti, tombouctou, gao, kidal, taoudeni, menaka, nioro, kita, dioila, nara, bougouni, koutiala, san, douentza, bandiagara) ; vide hors du Mali.", "Region of Mali (bamako, kayes, …); empty outside Mali."),
    column("town", "text", "Ville ; vide si l'acteur la garde privée.", "Town; empty when the actor keeps it private."),
    column("sectors", "codes", "Domaines de l'appel à candidatures, séparés par « | » (e_administration, e_health, fintech, ai…).", "Domains of the call for applications, separated by \"|\" (e_administration, e_health, fintech, ai…)."),
    column("stage", "code", "Stade d'une entreprise : idea, prototype, launch, growth, established.", "Stage of a company: idea, prototype, launch, growth, established."),
    column("founded_year", "integer", "Année de création ; vide si inconnue ou privée.", "Year founded; empty when unknown or private."),
    column("team_size", "integer", "Nombre de personnes ; vide si inconnu ou privé.", "Number of people; empty when unknown or private."),
    column("women_led", "boolean", "Dirigée par une femme (true/false) ; vide si privé.", "Led by a woman (true/false); empty when private."),
    column("young_founders", "boolean", "Fondateurs de moins de 35 ans (true/false) ; vide si privé.", "Founders under 35 (true/false); empty when private."),
    column("website", "url", "Site web.", "Website."),
    column("social_links", "urls", "Réseaux sociaux, séparés par « | ».", "Social networks, separated by \"|\"."),
    column("funding_sought", "text", "Financement recherché ; vide si privé.", "Funding sought; empty when private."),
    column("funding_offered", "text", "Financement proposé ; vide si privé.", "Funding offered; empty when private."),
    column("demo", "boolean", "Donnée de démonstration (inventée).", "Demo data (made up)."),
];

fn text(value: Option<impl ToString>) -> Cell {
    Cell::Text(value.map(|v| v.to_string()).unwrap_or_default())
}

fn number(value: Option<i64>) -> Cell {
    value.map_or(Cell::Text(String::new()), |n| Cell::Number(n as f64))
}

/// The records as a table for CSV and XLSX, columns as in [`DICTIONARY`].
pub fn table(actors: &[OpenActor]) -> Table {
    Table {
        headers: DICTIONARY.iter().map(|c| c.name.to_owned()).collect(),
        rows: actors
            .iter()
            .map(|a| {
                vec![
                    Cell::Text(a.id.clone()),
                    Cell::Text(a.kind.to_owned()),
                    Cell::Text(a.name.clone()),
                    Cell::Text(a.description_fr.clone()),
                    Cell::Text(a.description_en.clone()),
                    Cell::Text(a.country.clone()),
                    text(a.region),
                    text(a.town.as_ref()),
                    Cell::Text(a.sectors.join("|")),
                    text(a.stage),
                    number(a.founded_year),
                    number(a.team_size),
                    text(a.women_led),
                    text(a.young_founders),
                    text(a.website.as_ref()),
                    Cell::Text(a.social_links.join("|")),
                    text(a.funding_sought.as_ref()),
                    text(a.funding_offered.as_ref()),
                    Cell::Text(a.demo.to_string()),
                ]
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dictionary_names_every_field_of_a_record_in_order() {
        let record = OpenActor {
            id: String::new(),
            kind: "startup",
            name: String::new(),
            description_fr: String::new(),
            description_en: String::new(),
            country: "ML".into(),
            region: None,
            town: None,
            sectors: Vec::new(),
            stage: None,
            founded_year: None,
            team_size: None,
            women_led: None,
            young_founders: None,
            website: None,
            social_links: Vec::new(),
            funding_sought: None,
            funding_offered: None,
            demo: false,
        };
        let json = serde_json::to_value(&record).expect("serializable");
        let keys: Vec<&str> = json
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .collect();
        let mut named: Vec<&str> = DICTIONARY.iter().map(|c| c.name).collect();
        let mut sorted_keys = keys.clone();
        sorted_keys.sort_unstable();
        named.sort_unstable();
        assert_eq!(sorted_keys, named);
        assert_eq!(table(&[record]).rows[0].len(), DICTIONARY.len());
    }
}
