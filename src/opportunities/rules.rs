//! Funding opportunities' pure rules: what a posting holds, how it is checked, and which
//! actors it matches. No I/O.

use std::collections::BTreeSet;

use jiff::civil::Date;

use crate::directory::taxonomy::{slugs, Stage};
use crate::domain::country::Country;
use crate::domain::sector::Sector;

pub const TITLE_MAX: usize = 150;
pub const DESCRIPTION_MAX: usize = 3000;
pub const OFFERED_BY_MAX: usize = 150;
pub const MESSAGE_MAX: usize = 500;

slugs!(
    /// What is offered.
    OpportunityKind, "opportunities-kind-", [
        Grant => "grant",
        Prize => "prize",
        Loan => "loan",
        Equity => "equity",
        Incubation => "incubation",
    ]
);

/// Who may apply; an empty set means "any".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Eligibility {
    pub sectors: BTreeSet<Sector>,
    pub stages: BTreeSet<Stage>,
    pub countries: BTreeSet<Country>,
}

/// What matching needs to know of an actor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorFacts {
    pub sectors: BTreeSet<Sector>,
    /// Only companies have one.
    pub stage: Option<Stage>,
    pub country: Country,
}

impl Eligibility {
    /// Whether the actor may apply: one of its sectors is wanted, its stage is wanted (an
    /// actor without a stage is not, when stages are asked for), its country is wanted.
    pub fn matches(&self, actor: &ActorFacts) -> bool {
        let sector = self.sectors.is_empty() || !self.sectors.is_disjoint(&actor.sectors);
        let stage = self.stages.is_empty() || actor.stage.is_some_and(|s| self.stages.contains(&s));
        let country = self.countries.is_empty() || self.countries.contains(&actor.country);
        sector && stage && country
    }
}

/// Comma-separated slugs, as the database keeps each set.
pub fn join<'a>(slugs: impl Iterator<Item = &'a str>) -> String {
    slugs.collect::<Vec<_>>().join(",")
}

/// Read back; an unknown slug (none is ever written) is dropped.
pub fn eligibility_of(sectors: &str, stages: &str, countries: &str) -> Eligibility {
    Eligibility {
        sectors: sectors.split(',').filter_map(Sector::parse).collect(),
        stages: stages.split(',').filter_map(Stage::parse).collect(),
        countries: countries
            .split(',')
            .filter_map(|c| Country::parse(c).ok())
            .collect(),
    }
}

/// A posting as typed; the sets are checkboxes read from the form's pairs.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
pub struct OpportunityInput {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub offered_by: String,
    /// YYYY-MM-DD.
    #[serde(default)]
    pub deadline: String,
    #[serde(skip)]
    pub sectors: Vec<String>,
    #[serde(skip)]
    pub stages: Vec<String>,
    #[serde(skip)]
    pub countries: Vec<String>,
}

impl OpportunityInput {
    pub fn with_checkboxes(mut self, pairs: &[(String, String)]) -> OpportunityInput {
        for (key, value) in pairs {
            match key.as_str() {
                "sector" => self.sectors.push(value.clone()),
                "stage" => self.stages.push(value.clone()),
                "country" => self.countries.push(value.clone()),
                _ => {}
            }
        }
        self
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opportunity {
    pub kind: OpportunityKind,
    pub title: String,
    pub description: String,
    pub offered_by: String,
    pub deadline: Date,
    pub eligibility: Eligibility,
}

pub type Refusal = (&'static str, &'static str);

fn text(
    errors: &mut Vec<Refusal>,
    (field, value, max): (&'static str, &str, usize),
    (empty_key, long_key): (&'static str, &'static str),
) -> String {
    let value = value.trim();
    if value.is_empty() {
        errors.push((field, empty_key));
    } else if value.chars().count() > max {
        errors.push((field, long_key));
    }
    value.replace("\r\n", "\n")
}

/// Checks a posting typed on `today`; refused, each wrong field with its Fluent key.
pub fn check_opportunity(
    input: &OpportunityInput,
    today: Date,
) -> Result<Opportunity, Vec<Refusal>> {
    let mut errors = Vec::new();
    let kind = OpportunityKind::parse(&input.kind);
    if kind.is_none() {
        errors.push(("kind", "opportunities-error-kind"));
    }
    let title = text(
        &mut errors,
        ("title", &input.title, TITLE_MAX),
        ("opportunities-error-title", "opportunities-error-too-long"),
    );
    let description = text(
        &mut errors,
        ("description", &input.description, DESCRIPTION_MAX),
        (
            "opportunities-error-description",
            "opportunities-error-too-long",
        ),
    );
    let offered_by = text(
        &mut errors,
        ("offered_by", &input.offered_by, OFFERED_BY_MAX),
        (
            "opportunities-error-offered-by",
            "opportunities-error-too-long",
        ),
    );
    let deadline = input.deadline.trim().parse::<Date>().ok();
    match deadline {
        None => errors.push(("deadline", "opportunities-error-deadline")),
        Some(d) if d < today => errors.push(("deadline", "opportunities-error-deadline-past")),
        Some(_) => {}
    }
    let mut eligibility = Eligibility::default();
    for s in &input.sectors {
        match Sector::parse(s) {
            Some(s) => {
                eligibility.sectors.insert(s);
            }
            None => errors.push(("sectors", "opportunities-error-sector")),
        }
    }
    for s in &input.stages {
        match Stage::parse(s) {
            Some(s) => {
                eligibility.stages.insert(s);
            }
            None => errors.push(("stages", "opportunities-error-stage")),
        }
    }
    for c in &input.countries {
        match Country::parse(c) {
            Ok(c) => {
                eligibility.countries.insert(c);
            }
            Err(_) => errors.push(("countries", "opportunities-error-country")),
        }
    }
    match (kind, deadline) {
        (Some(kind), Some(deadline)) if errors.is_empty() => Ok(Opportunity {
            kind,
            title,
            description,
            offered_by,
            deadline,
            eligibility,
        }),
        _ => Err(errors),
    }
}

/// The message an actor adds to its interest: trimmed, at most [`MESSAGE_MAX`] characters.
pub fn check_message(message: &str) -> Result<String, &'static str> {
    let message = message.trim();
    if message.chars().count() > MESSAGE_MAX {
        Err("opportunities-error-message-long")
    } else {
        Ok(message.replace("\r\n", "\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::country::{BURKINA_FASO, MALI, NIGER};
    use proptest::prelude::*;

    fn startup(sectors: &[Sector], stage: Option<Stage>) -> ActorFacts {
        ActorFacts {
            sectors: sectors.iter().copied().collect(),
            stage,
            country: MALI,
        }
    }

    #[test]
    fn an_actor_matches_when_sector_stage_and_country_are_wanted() {
        let e = Eligibility {
            sectors: [Sector::EHealth, Sector::Fintech].into(),
            stages: [Stage::Prototype].into(),
            countries: [MALI, NIGER].into(),
        };
        assert!(e.matches(&startup(
            &[Sector::EHealth, Sector::Ai],
            Some(Stage::Prototype)
        )));
        assert!(!e.matches(&startup(&[Sector::Ai], Some(Stage::Prototype))));
        assert!(!e.matches(&startup(&[Sector::EHealth], Some(Stage::Growth))));
        assert!(!e.matches(&startup(&[Sector::EHealth], None)));
        let mut burkinabe = startup(&[Sector::EHealth], Some(Stage::Prototype));
        burkinabe.country = BURKINA_FASO;
        assert!(!e.matches(&burkinabe));
    }

    #[test]
    fn an_open_call_matches_everyone() {
        assert!(Eligibility::default().matches(&startup(&[], None)));
    }

    #[test]
    fn a_posting_is_checked_field_by_field() {
        let today: Date = "2026-12-07".parse().expect("date");
        let input = OpportunityInput {
            kind: "lottery".into(),
            title: String::new(),
            description: "x".repeat(DESCRIPTION_MAX + 1),
            offered_by: "Fonds".into(),
            deadline: "2026-12-06".into(),
            sectors: vec!["astrology".into()],
            stages: vec!["unicorn".into()],
            countries: vec!["ZZ".into()],
        };
        let errors = check_opportunity(&input, today).expect_err("refused");
        for field in [
            "kind",
            "title",
            "description",
            "deadline",
            "sectors",
            "stages",
            "countries",
        ] {
            assert!(
                errors.iter().any(|(f, _)| *f == field),
                "{field}: {errors:?}"
            );
        }
        let good = OpportunityInput {
            kind: "grant".into(),
            title: "Subvention".into(),
            description: "Pour les start-up".into(),
            offered_by: "Fonds".into(),
            deadline: "2026-12-07".into(),
            sectors: vec!["e_health".into()],
            ..OpportunityInput::default()
        };
        let o = check_opportunity(&good, today).expect("valid on its last day");
        assert_eq!(o.eligibility.sectors, [Sector::EHealth].into());
    }

    fn sector() -> impl Strategy<Value = Sector> {
        (0..Sector::ALL.len()).prop_map(|i| Sector::ALL[i])
    }

    fn stage() -> impl Strategy<Value = Stage> {
        (0..Stage::ALL.len()).prop_map(|i| Stage::ALL[i])
    }

    proptest! {
        /// Asking for more never widens the audience: a restriction added to an opportunity
        /// never makes an actor match that did not.
        #[test]
        fn restrictions_only_narrow(
            wanted in proptest::collection::btree_set(sector(), 0..4),
            stages in proptest::collection::btree_set(stage(), 0..3),
            has in proptest::collection::btree_set(sector(), 0..4),
            actor_stage in proptest::option::of(stage()),
            extra in sector(),
        ) {
            let e = Eligibility { sectors: wanted.clone(), stages, countries: BTreeSet::new() };
            let actor = ActorFacts { sectors: has, stage: actor_stage, country: MALI };
            let mut narrower = e.clone();
            narrower.countries.insert(NIGER);
            prop_assert!(!narrower.matches(&actor) || e.matches(&actor));
            // A sector added to a non-empty list only widens: the other direction.
            if !wanted.is_empty() {
                let mut wider = e.clone();
                wider.sectors.insert(extra);
                prop_assert!(!e.matches(&actor) || wider.matches(&actor));
            }
        }
    }
}
