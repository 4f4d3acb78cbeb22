//! The directory's pure rules: what a profile holds and how it is checked, which fields an
//! actor may keep private, and how text is folded for the accent-insensitive search. No I/O.

use std::collections::BTreeSet;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use super::taxonomy::{ActorKind, MaliRegion, Stage};
use crate::domain::country::{self, Country};
use crate::domain::form::parse_url;
use crate::domain::sector::Sector;
use crate::domain::types::Email;

pub const NAME_MAX: usize = 120;
pub const DESCRIPTION_MAX: usize = 1000;
pub const TOWN_MAX: usize = 80;
pub const FUNDING_MAX: usize = 500;
pub const SOCIAL_LINKS_MAX: usize = 5;
pub const SECTORS_MAX: usize = 5;
pub const TEAM_MAX: i64 = 100_000;
pub const FOUNDED_MIN: i64 = 1900;
pub const CONTACT_MESSAGE_MAX: usize = 1000;
/// Messages one account may send through the directory's contact forms in a day.
pub const CONTACTS_PER_DAY: i64 = 10;

/// The optional fields an actor may keep off its public profile (and out of the open data).
/// Every other field is either always public (name, kind, country, sectors…) or always
/// private (the contact address, the owner's account).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Hideable {
    Town,
    FoundedYear,
    TeamSize,
    WomenLed,
    YoungFounders,
    Funding,
}

impl Hideable {
    pub const ALL: [Hideable; 6] = [
        Hideable::Town,
        Hideable::FoundedYear,
        Hideable::TeamSize,
        Hideable::WomenLed,
        Hideable::YoungFounders,
        Hideable::Funding,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Hideable::Town => "town",
            Hideable::FoundedYear => "founded_year",
            Hideable::TeamSize => "team_size",
            Hideable::WomenLed => "women_led",
            Hideable::YoungFounders => "young_founders",
            Hideable::Funding => "funding",
        }
    }

    pub fn parse(s: &str) -> Option<Hideable> {
        Hideable::ALL.into_iter().find(|h| h.as_str() == s.trim())
    }

    /// The Fluent key of its label.
    pub fn label_key(self) -> String {
        format!("directory-private-{}", self.as_str().replace('_', "-"))
    }

    /// As the database keeps them: comma-separated.
    pub fn join(set: &BTreeSet<Hideable>) -> String {
        set.iter().map(|h| h.as_str()).collect::<Vec<_>>().join(",")
    }

    /// Read back; an unknown name (none is ever written) is dropped.
    pub fn split(stored: &str) -> BTreeSet<Hideable> {
        stored.split(',').filter_map(Hideable::parse).collect()
    }
}

/// A profile as typed. The sectors and the private fields are checkboxes (repeated names),
/// read from the form's pairs.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
pub struct ActorInput {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description_fr: String,
    #[serde(default)]
    pub description_en: String,
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub town: String,
    #[serde(default)]
    pub stage: String,
    #[serde(default)]
    pub founded_year: String,
    #[serde(default)]
    pub team_size: String,
    #[serde(default)]
    pub women_led: Option<String>,
    #[serde(default)]
    pub young_founders: Option<String>,
    #[serde(default)]
    pub website: String,
    #[serde(default)]
    pub social_links: String,
    #[serde(default)]
    pub contact_email: String,
    #[serde(default)]
    pub funding_sought: String,
    #[serde(default)]
    pub funding_offered: String,
    #[serde(skip)]
    pub sectors: Vec<String>,
    #[serde(skip)]
    pub private: Vec<String>,
}

impl ActorInput {
    /// Takes the checkboxes (`sector`, `private`) from the form's raw pairs.
    pub fn with_checkboxes(mut self, pairs: &[(String, String)]) -> ActorInput {
        for (key, value) in pairs {
            match key.as_str() {
                "sector" => self.sectors.push(value.clone()),
                "private" => self.private.push(value.clone()),
                _ => {}
            }
        }
        self
    }
}

/// A profile that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorProfile {
    pub kind: ActorKind,
    pub name: String,
    pub description_fr: String,
    pub description_en: String,
    pub country: Country,
    /// Only for an actor in Mali.
    pub region: Option<MaliRegion>,
    pub town: String,
    /// Only for a company.
    pub stage: Option<Stage>,
    pub founded_year: Option<i64>,
    pub team_size: Option<i64>,
    pub women_led: bool,
    pub young_founders: bool,
    pub website: Option<String>,
    pub social_links: Vec<String>,
    pub contact_email: Option<Email>,
    pub funding_sought: String,
    pub funding_offered: String,
    pub sectors: BTreeSet<Sector>,
    pub hidden: BTreeSet<Hideable>,
}

/// A refused field and the Fluent key saying why.
pub type Refusal = (&'static str, &'static str);

fn text(
    errors: &mut Vec<Refusal>,
    field: &'static str,
    value: &str,
    max: usize,
    key: &'static str,
) -> String {
    let value = value.trim();
    if value.chars().count() > max
        || value
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r')
    {
        errors.push((field, key));
    }
    value.replace("\r\n", "\n")
}

fn number(
    errors: &mut Vec<Refusal>,
    field: &'static str,
    value: &str,
    range: std::ops::RangeInclusive<i64>,
    key: &'static str,
) -> Option<i64> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    match value.parse::<i64>() {
        Ok(n) if range.contains(&n) => Some(n),
        _ => {
            errors.push((field, key));
            None
        }
    }
}

/// Checks a profile typed on `this_year`; refused, each wrong field with its Fluent key.
pub fn check_actor(input: &ActorInput, this_year: i64) -> Result<ActorProfile, Vec<Refusal>> {
    let mut errors = Vec::new();
    let kind = ActorKind::parse(&input.kind);
    if kind.is_none() {
        errors.push(("kind", "directory-error-kind"));
    }
    let name = text(
        &mut errors,
        "name",
        &input.name,
        NAME_MAX,
        "directory-error-name-long",
    );
    if name.is_empty() {
        errors.push(("name", "directory-error-name"));
    }
    let description_fr = text(
        &mut errors,
        "description_fr",
        &input.description_fr,
        DESCRIPTION_MAX,
        "directory-error-description-long",
    );
    let description_en = text(
        &mut errors,
        "description_en",
        &input.description_en,
        DESCRIPTION_MAX,
        "directory-error-description-long",
    );
    if description_fr.is_empty() && description_en.is_empty() {
        errors.push(("description_fr", "directory-error-description"));
    }
    let country = Country::parse(&input.country).ok();
    if country.is_none() {
        errors.push(("country", "directory-error-country"));
    }
    let in_mali = country == Some(country::MALI);
    let region = match (in_mali, input.region.trim()) {
        (false, "") => None,
        (false, _) => {
            errors.push(("region", "directory-error-region-outside-mali"));
            None
        }
        (true, typed) => {
            let region = MaliRegion::parse(typed);
            if region.is_none() {
                errors.push(("region", "directory-error-region"));
            }
            region
        }
    };
    let town = text(
        &mut errors,
        "town",
        &input.town,
        TOWN_MAX,
        "directory-error-town-long",
    );
    let stage = match kind {
        Some(k) if k.is_company() => {
            let stage = Stage::parse(&input.stage);
            if stage.is_none() {
                errors.push(("stage", "directory-error-stage"));
            }
            stage
        }
        _ => None,
    };
    let founded_year = number(
        &mut errors,
        "founded_year",
        &input.founded_year,
        FOUNDED_MIN..=this_year,
        "directory-error-founded-year",
    );
    let team_size = number(
        &mut errors,
        "team_size",
        &input.team_size,
        1..=TEAM_MAX,
        "directory-error-team-size",
    );
    let website = match input.website.trim() {
        "" => None,
        typed => {
            let url = parse_url(typed);
            if url.is_none() {
                errors.push(("website", "directory-error-website"));
            }
            url
        }
    };
    let mut social_links = Vec::new();
    for line in input
        .social_links
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        match parse_url(line) {
            Some(url) => social_links.push(url),
            None => {
                errors.push(("social_links", "directory-error-social-links"));
                break;
            }
        }
    }
    if social_links.len() > SOCIAL_LINKS_MAX {
        errors.push(("social_links", "directory-error-social-links-many"));
    }
    let contact_email = match input.contact_email.trim() {
        "" => None,
        typed => {
            let email = Email::parse(typed).ok();
            if email.is_none() {
                errors.push(("contact_email", "directory-error-contact-email"));
            }
            email
        }
    };
    let funding_sought = text(
        &mut errors,
        "funding_sought",
        &input.funding_sought,
        FUNDING_MAX,
        "directory-error-funding-long",
    );
    let funding_offered = text(
        &mut errors,
        "funding_offered",
        &input.funding_offered,
        FUNDING_MAX,
        "directory-error-funding-long",
    );
    let mut sectors = BTreeSet::new();
    for typed in &input.sectors {
        match Sector::parse(typed) {
            Some(s) => {
                sectors.insert(s);
            }
            None => errors.push(("sectors", "directory-error-sector-unknown")),
        }
    }
    if sectors.is_empty() && !errors.iter().any(|(f, _)| *f == "sectors") {
        errors.push(("sectors", "directory-error-sectors"));
    }
    if sectors.len() > SECTORS_MAX {
        errors.push(("sectors", "directory-error-sectors-many"));
    }
    let mut hidden = BTreeSet::new();
    for typed in &input.private {
        match Hideable::parse(typed) {
            Some(h) => {
                hidden.insert(h);
            }
            None => errors.push(("private", "directory-error-private")),
        }
    }
    match (kind, country) {
        (Some(kind), Some(country)) if errors.is_empty() => Ok(ActorProfile {
            kind,
            name,
            description_fr,
            description_en,
            country,
            region,
            town,
            stage,
            founded_year,
            team_size,
            women_led: input.women_led.is_some(),
            young_founders: input.young_founders.is_some(),
            website,
            social_links,
            contact_email,
            funding_sought,
            funding_offered,
            sectors,
            hidden,
        }),
        _ => Err(errors),
    }
}

/// The message of the public contact form: not empty, at most [`CONTACT_MESSAGE_MAX`]
/// characters.
pub fn check_contact_message(message: &str) -> Result<String, &'static str> {
    let message = message.trim();
    if message.is_empty() {
        Err("directory-error-contact-empty")
    } else if message.chars().count() > CONTACT_MESSAGE_MAX {
        Err("directory-error-contact-long")
    } else {
        Ok(message.replace("\r\n", "\n"))
    }
}

/// Lower case without accents or other combining marks: "Réseau" → "reseau". The search
/// index and the typed words both go through it, so neither side depends on the database's
/// collation.
pub fn fold(text: &str) -> String {
    text.nfd()
        .flat_map(char::to_lowercase)
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'œ' => "oe".to_owned(),
            'æ' => "ae".to_owned(),
            'ß' => "ss".to_owned(),
            other => other.to_string(),
        })
        .collect()
}

/// The words searched for: folded, letters and digits only (so that no character of the
/// query language — quotes, `*`, `%`, `_`, `\`, `&`, `:` — ever reaches the database), at most
/// [`TERMS_MAX`] words of at most [`TERM_MAX`] characters.
pub fn search_terms(query: &str) -> Vec<String> {
    fold(query)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(TERMS_MAX)
        .map(|w| w.chars().take(TERM_MAX).collect())
        .collect()
}

pub const TERMS_MAX: usize = 8;
pub const TERM_MAX: usize = 40;

/// What the search index knows of a profile: its words, and one token per filter value it
/// passes, so that the full-text index answers text and filters in one lookup.
pub struct Indexed<'a> {
    pub words: [&'a str; 4],
    pub kind: &'a str,
    pub country: &'a str,
    pub region: &'a str,
    pub stage: &'a str,
    pub sectors: &'a [&'a str],
    /// Women-led, and not kept private.
    pub women_led: bool,
    pub published: bool,
}

/// A filter's token: letters and digits only (`e_health` → `xsectorehealth`), a word no
/// one types.
pub fn filter_token(filter: &str, value: &str) -> String {
    let value: String = value
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    format!("x{filter}{value}")
}

pub const PUBLISHED_TOKEN: &str = "xpublished";
pub const WOMEN_LED_TOKEN: &str = "xwomenled";

/// The full-text index a document is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// SQLite's FTS5, whose own prefix index finds the start of a word.
    Fts5,
    /// PostgreSQL: a typed start of a word read as a prefix (`sant:*`) makes the index read
    /// every word it begins and every profile those hold, 17 ms for three typed starts among
    /// 50,000 profiles against 2 ms for the same three as words; so the document carries
    /// the start of each of its words as a word of its own, and the query asks for words.
    Postgres,
}

impl Indexed<'_> {
    /// The indexed text: the folded words (and, for PostgreSQL, every start of each), then
    /// the filter tokens.
    pub fn document(&self, engine: Engine) -> String {
        let mut out = fold(&self.words.join(" "));
        if engine == Engine::Postgres {
            out.push_str(&word_starts(&out));
        }
        let mut token = |t: String| {
            out.push(' ');
            out.push_str(&t);
        };
        token(filter_token("kind", self.kind));
        token(filter_token("country", self.country));
        if !self.region.is_empty() {
            token(filter_token("region", self.region));
        }
        if !self.stage.is_empty() {
            token(filter_token("stage", self.stage));
        }
        for sector in self.sectors {
            token(filter_token("sector", sector));
        }
        if self.women_led {
            token(WOMEN_LED_TOKEN.to_owned());
        }
        if self.published {
            token(PUBLISHED_TOKEN.to_owned());
        }
        out
    }
}

/// SQLite FTS5: every word as a prefix (`"res"*` finds "réseau"), every token exactly.
pub fn fts5_query(terms: &[String], tokens: &[String]) -> String {
    terms
        .iter()
        .map(|t| format!("\"{t}\"*"))
        .chain(tokens.iter().map(|t| format!("\"{t}\"")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every start of every word of `text`, up to [`TERM_MAX`] characters (the longest word a
/// query asks for), each once, as text to append: `" r re res"` for "res". Words are split
/// as [`search_terms`] splits a query.
fn word_starts(text: &str) -> String {
    let mut starts = std::collections::BTreeSet::new();
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        let ends = word.char_indices().map(|(i, _)| i).skip(1);
        for end in ends.chain([word.len()]).take(TERM_MAX) {
            if !word.is_empty() {
                starts.insert(&word[..end]);
            }
        }
    }
    starts.into_iter().fold(String::new(), |mut out, start| {
        out.push(' ');
        out.push_str(start);
        out
    })
}

/// PostgreSQL `to_tsquery('simple', …)` over documents written for [`Engine::Postgres`]:
/// every typed word is looked up as a word, found in every document where a word begins
/// with it; every token exactly.
pub fn tsquery(terms: &[String], tokens: &[String]) -> String {
    terms
        .iter()
        .chain(tokens)
        .cloned()
        .collect::<Vec<_>>()
        .join(" & ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn startup() -> ActorInput {
        ActorInput {
            kind: "startup".into(),
            name: "Réseau Santé Kayes".into(),
            description_fr: "Téléconsultation pour les centres de santé ruraux.".into(),
            country: "ML".into(),
            region: "kayes".into(),
            stage: "prototype".into(),
            founded_year: "2023".into(),
            sectors: vec!["e_health".into()],
            ..ActorInput::default()
        }
    }

    #[test]
    fn a_complete_profile_is_accepted() {
        let p = check_actor(&startup(), 2026).expect("valid");
        assert_eq!(p.kind, ActorKind::Startup);
        assert_eq!(p.region, Some(MaliRegion::Kayes));
        assert_eq!(p.stage, Some(Stage::Prototype));
        assert_eq!(p.founded_year, Some(2023));
        assert!(p.sectors.contains(&Sector::EHealth));
        let indexed = Indexed {
            words: [&p.name, &p.description_fr, &p.description_en, &p.town],
            kind: p.kind.as_str(),
            country: p.country.as_str(),
            region: "kayes",
            stage: "prototype",
            sectors: &["e_health"],
            women_led: false,
            published: true,
        };
        assert_eq!(
            indexed.document(Engine::Fts5),
            "reseau sante kayes teleconsultation pour les centres de sante ruraux.   \
             xkindstartup xcountryml xregionkayes xstageprototype xsectorehealth xpublished"
        );
        let postgres = indexed.document(Engine::Postgres);
        let words: Vec<&str> = postgres.split(' ').collect();
        for start in [
            "r",
            "re",
            "res",
            "resea",
            "reseau",
            "tele",
            "teleconsultation",
            "ruraux",
        ] {
            assert!(words.contains(&start), "{start} in {postgres}");
        }
        assert_eq!(
            words.iter().filter(|w| **w == "sant").count(),
            1,
            "each start once"
        );
        assert!(postgres.ends_with("xsectorehealth xpublished"));
        assert!(!postgres.contains(" xk "), "tokens are not cut: {postgres}");
    }

    fn refused(input: &ActorInput) -> Vec<Refusal> {
        check_actor(input, 2026).expect_err("refused")
    }

    #[test]
    fn a_sector_or_region_that_does_not_exist_is_refused() {
        let mut input = startup();
        input.sectors = vec!["e_health".into(), "astrology".into()];
        assert!(refused(&input).contains(&("sectors", "directory-error-sector-unknown")));
        let mut input = startup();
        input.region = "atlantis".into();
        assert!(refused(&input).contains(&("region", "directory-error-region")));
        let mut input = startup();
        input.country = "BF".into();
        assert!(refused(&input).contains(&("region", "directory-error-region-outside-mali")));
        let mut input = startup();
        input.country = "XX".into();
        assert!(refused(&input).contains(&("country", "directory-error-country")));
    }

    #[test]
    fn a_company_needs_a_stage_and_others_do_not() {
        let mut input = startup();
        input.stage = String::new();
        assert!(refused(&input).contains(&("stage", "directory-error-stage")));
        input.kind = "incubator".into();
        let p = check_actor(&input, 2026).expect("an incubator has no stage");
        assert_eq!(p.stage, None);
    }

    #[test]
    fn numbers_links_and_private_fields_are_checked() {
        let mut input = startup();
        input.founded_year = "2031".into();
        input.team_size = "-3".into();
        input.website = "javascript:alert(1)".into();
        input.social_links = "https://x.com/kene\nnot a link".into();
        input.contact_email = "nobody".into();
        input.private = vec!["password".into()];
        let errors = refused(&input);
        for field in [
            "founded_year",
            "team_size",
            "website",
            "social_links",
            "contact_email",
            "private",
        ] {
            assert!(
                errors.iter().any(|(f, _)| *f == field),
                "{field}: {errors:?}"
            );
        }
    }

    #[test]
    fn hidden_fields_round_trip_through_storage() {
        let set: BTreeSet<_> = [Hideable::TeamSize, Hideable::Funding].into();
        assert_eq!(Hideable::join(&set), "team_size,funding");
        assert_eq!(Hideable::split("team_size,funding,bogus"), set);
    }

    #[test]
    fn folding_removes_accents_and_case() {
        assert_eq!(
            fold("Réseau des Femmes ÉLEVEUSES"),
            "reseau des femmes eleveuses"
        );
        assert_eq!(
            fold("Ségou, Tombouctou, Œuvre"),
            "segou, tombouctou, oeuvre"
        );
    }

    #[test]
    fn search_terms_keep_letters_and_digits_only() {
        assert_eq!(search_terms("Réseau"), vec!["reseau"]);
        assert_eq!(
            search_terms("%' OR 1=1; -- .* [a-z]+ _x\\"),
            vec!["or", "1", "1", "a", "z", "x"]
        );
        assert!(search_terms("*%_\"'").is_empty());
        let tokens = vec![PUBLISHED_TOKEN.to_owned()];
        assert_eq!(
            fts5_query(&search_terms("e-santé Kayes"), &tokens),
            "\"e\"* \"sante\"* \"kayes\"* \"xpublished\""
        );
        assert_eq!(
            tsquery(&search_terms("e-santé"), &tokens),
            "e & sante & xpublished"
        );
    }

    proptest! {
        #[test]
        fn search_terms_never_carry_query_syntax(q in ".{0,200}") {
            let terms = search_terms(&q);
            prop_assert!(terms.len() <= TERMS_MAX);
            for t in &terms {
                prop_assert!(!t.is_empty() && t.chars().count() <= TERM_MAX);
                prop_assert!(t.chars().all(char::is_alphanumeric));
            }
        }

        #[test]
        fn checking_never_panics(name in ".{0,300}", year in ".{0,8}", region in ".{0,12}") {
            let mut input = startup();
            input.name = name;
            input.founded_year = year;
            input.region = region;
            let _ = check_actor(&input, 2026);
        }
    }
}
