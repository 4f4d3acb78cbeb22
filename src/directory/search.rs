//! The directory's search as an address carries it (`/directory?q=…&kind=…&page=…`): the
//! public list and the JSON API read the same parameters.

use serde::{Deserialize, Serialize};

use super::queries::Filters;
use super::rules;
use super::taxonomy::{ActorKind, MaliRegion, Stage};
use crate::domain::country::Country;
use crate::domain::sector::Sector;

/// The list's address parameters, as typed (an unknown value filters nothing).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ListQuery {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub q: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sector: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub country: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub region: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub stage: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub women_led: String,
    #[serde(default, skip_serializing)]
    pub page: String,
}

impl ListQuery {
    pub fn filters(&self) -> Filters {
        let known = |ok: bool, value: &str| {
            if ok {
                value.trim().to_owned()
            } else {
                String::new()
            }
        };
        let terms = rules::search_terms(&self.q);
        Filters {
            no_words: terms.is_empty() && !self.q.trim().is_empty(),
            terms,
            kind: known(ActorKind::parse(&self.kind).is_some(), &self.kind),
            sector: known(Sector::parse(&self.sector).is_some(), &self.sector),
            country: Country::parse(&self.country)
                .map(|c| c.as_str().to_owned())
                .unwrap_or_default(),
            region: known(MaliRegion::parse(&self.region).is_some(), &self.region),
            stage: known(Stage::parse(&self.stage).is_some(), &self.stage),
            women_led: !self.women_led.is_empty(),
        }
    }

    pub fn page(&self) -> i64 {
        self.page
            .trim()
            .parse::<i64>()
            .unwrap_or(1)
            .clamp(1, 100_000)
    }

    /// The address of page `page` of the same search.
    pub fn link(&self, page: i64) -> String {
        let query = serde_urlencoded::to_string(self).unwrap_or_default();
        match (query.is_empty(), page) {
            (true, 1) => "/directory".to_owned(),
            (true, _) => format!("/directory?page={page}"),
            (false, 1) => format!("/directory?{query}"),
            (false, _) => format!("/directory?{query}&page={page}"),
        }
    }
}
