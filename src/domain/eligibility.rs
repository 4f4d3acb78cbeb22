//! Declarative eligibility rules, stored as JSON with each call's track and
//! evaluated by pure code against an application's answers.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::country::{self, Country};
use super::form::{answer_date, Answer, Answers, Field, FieldKind, FormDefinition};
use super::types::{Lang, Localized, UserMessage};

/// One eligibility rule. JSON: `{"rule": "nationality_in", "field": "nationality", "countries": ["ML"]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case", deny_unknown_fields)]
pub enum Rule {
    /// The country field's answer is one of `countries`.
    NationalityIn {
        field: String,
        countries: Vec<Country>,
    },
    /// The single-choice field's answer is one of `kinds` (option values such
    /// as "company", "administration", "individual").
    ApplicantKindIn { field: String, kinds: Vec<String> },
    /// At least one of these file fields has a file.
    DocumentsAnyOf { fields: Vec<String> },
    /// Every one of these file fields has a file.
    DocumentsAllOf { fields: Vec<String> },
    /// The age (completed years at the reference date) computed from the date
    /// of birth field is between `min` and `max`, inclusive. The call does not
    /// state one: it exists only when organisers add it.
    AgeBetween { field: String, min: u8, max: u8 },
    /// The yes/no field's answer is `expected` (e.g. "part of the Malian
    /// administration?" must be yes).
    YesNoIs { field: String, expected: bool },
    /// In the repeated group `group` (team members, the leader on the first
    /// row), the country sub-field `field` is one of `countries` for `who`.
    MembersNationalityIn {
        group: String,
        field: String,
        countries: Vec<Country>,
        who: Members,
    },
}

/// Which members of a group a [`Rule::MembersNationalityIn`] rule covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Members {
    /// The first row: the project leader.
    Leader,
    /// More than half of the rows.
    Majority,
    /// Every row.
    All,
}

/// A failed rule, with a reason for the applicant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Index of the rule in the list given to [`evaluate`].
    pub rule_index: usize,
    pub reason: Reason,
}

/// Why a rule failed: its message's Fluent key (`eligibility-fail-…`) and the values it
/// names, each written in both languages (field labels, country names, a date).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    key: &'static str,
    args: Vec<(&'static str, Localized)>,
}

impl Reason {
    fn new(key: &'static str) -> Reason {
        Reason {
            key,
            args: Vec::new(),
        }
    }

    fn with(mut self, name: &'static str, value: Localized) -> Reason {
        self.args.push((name, value));
        self
    }
}

impl UserMessage for Reason {
    fn key(&self) -> &'static str {
        self.key
    }

    fn args(&self, lang: Lang) -> Vec<(&'static str, String)> {
        self.args
            .iter()
            .map(|(name, value)| (*name, value.get(lang).to_owned()))
            .collect()
    }
}

/// The outcome of [`evaluate`]: every failed rule.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Verdict {
    pub failures: Vec<Failure>,
}

impl Verdict {
    pub fn is_eligible(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Age in completed years on `at`. Someone born on 29 February becomes one
/// year older on 1 March in non-leap years. Negative if `birth` is after `at`.
pub fn age_on(birth: Date, at: Date) -> i32 {
    let mut years = i32::from(at.year()) - i32::from(birth.year());
    if (at.month(), at.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years
}

fn label(def: &FormDefinition, key: &str) -> Localized {
    def.field(key)
        .map(|f| f.label.clone())
        .unwrap_or_else(|| Localized::new(key, key))
}

fn labels(def: &FormDefinition, keys: &[String]) -> Localized {
    let join = |lang: Lang| {
        keys.iter()
            .map(|k| label(def, k).get(lang).to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    Localized::new(join(Lang::Fr), join(Lang::En))
}

/// The sub-field `field` of each row of group `group` (missing cells as `None`).
fn group_cells<'a>(answers: &'a Answers, group: &str, field: &str) -> Vec<Option<&'a str>> {
    match answers.get(group) {
        Some(Answer::Group(rows)) => rows
            .iter()
            .map(|r| r.get(field).and_then(Answer::as_text))
            .collect(),
        _ => Vec::new(),
    }
}

fn has_file(answers: &Answers, key: &str) -> bool {
    matches!(answers.get(key), Some(Answer::File { file_id, .. }) if !file_id.is_empty())
}

fn format_date(d: Date, lang: Lang) -> String {
    match lang {
        Lang::Fr => format!("{:02}/{:02}/{}", d.day(), d.month(), d.year()),
        Lang::En => d.to_string(),
    }
}

/// Evaluates every rule; the verdict lists each failed one. A missing or
/// malformed answer fails its rule.
pub fn evaluate(
    rules: &[Rule],
    def: &FormDefinition,
    answers: &Answers,
    reference_date: Date,
) -> Verdict {
    let failures = rules
        .iter()
        .enumerate()
        .filter_map(|(rule_index, rule)| {
            check_rule(rule, def, answers, reference_date)
                .map(|reason| Failure { rule_index, reason })
        })
        .collect();
    Verdict { failures }
}

/// `Some(reason)` when the rule fails.
fn check_rule(
    rule: &Rule,
    def: &FormDefinition,
    answers: &Answers,
    reference_date: Date,
) -> Option<Reason> {
    let in_every = |text: &dyn Fn(Lang) -> String| Localized::new(text(Lang::Fr), text(Lang::En));
    match rule {
        Rule::NationalityIn { field, countries } => {
            let answer = answers
                .get(field)
                .and_then(Answer::as_text)
                .and_then(|s| Country::parse(s).ok());
            if answer.is_some_and(|c| countries.contains(&c)) {
                return None;
            }
            Some(
                Reason::new("eligibility-fail-nationality")
                    .with(
                        "countries",
                        in_every(&|lang| country::names(countries, lang)),
                    )
                    .with("field", label(def, field)),
            )
        }
        Rule::ApplicantKindIn { field, kinds } => {
            let answer = answers.get(field).and_then(Answer::as_text);
            if answer.is_some_and(|v| kinds.iter().any(|k| k == v)) {
                return None;
            }
            let options = match def.field(field).map(|f| &f.kind) {
                Some(FieldKind::SingleChoice { options }) => options.as_slice(),
                _ => &[],
            };
            let names = |lang: Lang| {
                kinds
                    .iter()
                    .map(|k| {
                        options
                            .iter()
                            .find(|o| &o.value == k)
                            .map(|o| o.label.get(lang).to_string())
                            .unwrap_or_else(|| k.clone())
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            Some(
                Reason::new("eligibility-fail-applicant-kind")
                    .with("kinds", in_every(&names))
                    .with("field", label(def, field)),
            )
        }
        Rule::DocumentsAnyOf { fields } => {
            if fields.iter().any(|f| has_file(answers, f)) {
                return None;
            }
            Some(Reason::new("eligibility-fail-documents-any").with("fields", labels(def, fields)))
        }
        Rule::DocumentsAllOf { fields } => {
            let missing: Vec<String> = fields
                .iter()
                .filter(|f| !has_file(answers, f))
                .cloned()
                .collect();
            if missing.is_empty() {
                return None;
            }
            Some(
                Reason::new("eligibility-fail-documents-all").with("fields", labels(def, &missing)),
            )
        }
        Rule::AgeBetween { field, min, max } => {
            let birth = answers.get(field).and_then(answer_date);
            let age = birth.map(|b| age_on(b, reference_date));
            if age.is_some_and(|a| a >= i32::from(*min) && a <= i32::from(*max)) {
                return None;
            }
            let same = |n: u8| Localized::new(n.to_string(), n.to_string());
            Some(
                Reason::new("eligibility-fail-age")
                    .with("min", same(*min))
                    .with("max", same(*max))
                    .with("date", in_every(&|lang| format_date(reference_date, lang)))
                    .with("field", label(def, field)),
            )
        }
        Rule::YesNoIs { field, expected } => {
            if answers.get(field) == Some(&Answer::Bool(*expected)) {
                return None;
            }
            let expected = if *expected {
                Localized::new("Oui", "Yes")
            } else {
                Localized::new("Non", "No")
            };
            Some(
                Reason::new("eligibility-fail-yes-no")
                    .with("field", label(def, field))
                    .with("expected", expected),
            )
        }
        Rule::MembersNationalityIn {
            group,
            field,
            countries,
            who,
        } => {
            let ok = |c: &Option<&str>| {
                c.and_then(|s| Country::parse(s).ok())
                    .is_some_and(|c| countries.contains(&c))
            };
            let cells = group_cells(answers, group, field);
            let passed = match who {
                Members::Leader => cells.first().is_some_and(ok),
                Members::Majority => cells.iter().filter(|c| ok(c)).count() * 2 > cells.len(),
                Members::All => !cells.is_empty() && cells.iter().all(ok),
            };
            if passed {
                return None;
            }
            let key = match who {
                Members::Leader => "eligibility-fail-leader-nationality",
                Members::Majority => "eligibility-fail-majority-nationality",
                Members::All => "eligibility-fail-all-nationality",
            };
            Some(Reason::new(key).with("group", label(def, group)).with(
                "countries",
                in_every(&|lang| country::names(countries, lang)),
            ))
        }
    }
}

/// Checks that each rule refers to existing top-level fields of the right
/// kind, with sensible parameters. Errors are in English, for organisers.
pub fn check_rules(rules: &[Rule], def: &FormDefinition) -> Result<(), Vec<String>> {
    let mut errors = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        let at = format!("rule {}", i + 1);
        let field_of = |key: &str,
                        expected: &str,
                        ok: fn(&Field) -> bool,
                        errors: &mut Vec<String>|
         -> Option<Field> {
            match def.field(key) {
                None => {
                    errors.push(format!("{at}: no field '{key}' in the form"));
                    None
                }
                Some(f) if !ok(f) => {
                    errors.push(format!("{at}: field '{key}' must be a {expected} field"));
                    None
                }
                Some(f) => Some(f.clone()),
            }
        };
        match rule {
            Rule::NationalityIn { field, countries } => {
                field_of(
                    field,
                    "country",
                    |f| matches!(f.kind, FieldKind::Country { .. }),
                    &mut errors,
                );
                if countries.is_empty() {
                    errors.push(format!("{at}: the country list is empty"));
                }
            }
            Rule::ApplicantKindIn { field, kinds } => {
                let f = field_of(
                    field,
                    "single choice",
                    |f| matches!(f.kind, FieldKind::SingleChoice { .. }),
                    &mut errors,
                );
                if kinds.is_empty() {
                    errors.push(format!("{at}: the list of applicant kinds is empty"));
                }
                if let Some(Field {
                    kind: FieldKind::SingleChoice { options },
                    ..
                }) = f
                {
                    for k in kinds {
                        if !options.iter().any(|o| &o.value == k) {
                            errors.push(format!("{at}: '{k}' is not an option of field '{field}'"));
                        }
                    }
                }
            }
            Rule::DocumentsAnyOf { fields } | Rule::DocumentsAllOf { fields } => {
                if fields.is_empty() {
                    errors.push(format!("{at}: the list of document fields is empty"));
                }
                for key in fields {
                    field_of(
                        key,
                        "file",
                        |f| matches!(f.kind, FieldKind::File { .. }),
                        &mut errors,
                    );
                }
            }
            Rule::AgeBetween { field, min, max } => {
                field_of(
                    field,
                    "date",
                    |f| matches!(f.kind, FieldKind::Date),
                    &mut errors,
                );
                if min > max {
                    errors.push(format!(
                        "{at}: min age ({min}) is greater than max age ({max})"
                    ));
                }
            }
            Rule::YesNoIs { field, .. } => {
                field_of(
                    field,
                    "yes/no",
                    |f| matches!(f.kind, FieldKind::YesNo),
                    &mut errors,
                );
            }
            Rule::MembersNationalityIn {
                group,
                field,
                countries,
                ..
            } => {
                let g = field_of(
                    group,
                    "group",
                    |f| matches!(f.kind, FieldKind::Group { .. }),
                    &mut errors,
                );
                if let Some(Field {
                    kind: FieldKind::Group { fields, .. },
                    ..
                }) = g
                {
                    match fields.iter().find(|f| &f.key == field) {
                        None => {
                            errors.push(format!("{at}: no sub-field '{field}' in group '{group}'"))
                        }
                        Some(f) if !matches!(f.kind, FieldKind::Country { .. }) => errors
                            .push(format!("{at}: sub-field '{field}' must be a country field")),
                        Some(_) => {}
                    }
                }
                if countries.is_empty() {
                    errors.push(format!("{at}: the country list is empty"));
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// The condition a rule states, in words, for the track's public page. Every rule fails on
/// empty answers, and its failure reason states the condition.
pub fn describe(rule: &Rule, def: &FormDefinition, reference_date: Date) -> Option<Reason> {
    check_rule(rule, def, &Answers::default(), reference_date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::country::{AES, MALI};
    use crate::domain::form::{Choice, FileKind, Section};
    use crate::i18n::Say;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn f(key: &str, fr: &str, en: &str, kind: FieldKind) -> Field {
        Field {
            key: key.into(),
            label: Localized::new(fr, en),
            help: None,
            required: false,
            personal: false,
            shown_when: None,
            kind,
        }
    }

    fn file_kind() -> FieldKind {
        FieldKind::File {
            kinds: vec![FileKind::Pdf],
            max_bytes: 1000,
            id_document: true,
        }
    }

    fn def() -> FormDefinition {
        FormDefinition {
            sections: vec![Section {
                key: "s".into(),
                title: Localized::new("S", "S"),
                fields: vec![
                    f(
                        "nationality",
                        "Nationalité",
                        "Nationality",
                        FieldKind::Country { allowed: None },
                    ),
                    f(
                        "kind",
                        "Type de candidat",
                        "Applicant type",
                        FieldKind::SingleChoice {
                            options: vec![
                                Choice {
                                    value: "company".into(),
                                    label: Localized::new("Entreprise", "Company"),
                                },
                                Choice {
                                    value: "administration".into(),
                                    label: Localized::new("Administration", "Administration"),
                                },
                            ],
                        },
                    ),
                    f("id_card", "Carte d'identité", "ID card", file_kind()),
                    f("passport", "Passeport", "Passport", file_kind()),
                    f(
                        "birth",
                        "Date de naissance",
                        "Date of birth",
                        FieldKind::Date,
                    ),
                    f(
                        "malian_admin",
                        "Relève de l'administration malienne ?",
                        "Part of the Malian administration?",
                        FieldKind::YesNo,
                    ),
                    f(
                        "team",
                        "Équipe",
                        "Team",
                        FieldKind::Group {
                            fields: vec![
                                f("name", "Nom", "Name", FieldKind::Text { max_len: 50 }),
                                f(
                                    "nationality",
                                    "Nationalité",
                                    "Nationality",
                                    FieldKind::Country { allowed: None },
                                ),
                            ],
                            min_items: 1,
                            max_items: 10,
                        },
                    ),
                ],
            }],
        }
    }

    fn answers(pairs: &[(&str, Answer)]) -> Answers {
        Answers(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    fn text(s: &str) -> Answer {
        Answer::Text(s.into())
    }

    fn file() -> Answer {
        Answer::File {
            file_id: "abc".into(),
            name: "id.pdf".into(),
        }
    }

    const REF: Date = date(2026, 3, 1);

    fn eval(rule: Rule, a: &Answers) -> Verdict {
        evaluate(&[rule], &def(), a, REF)
    }

    #[test]
    fn nationality() {
        let rule = Rule::NationalityIn {
            field: "nationality".into(),
            countries: AES.to_vec(),
        };
        assert!(eval(rule.clone(), &answers(&[("nationality", text("BF"))])).is_eligible());
        let v = eval(rule.clone(), &answers(&[("nationality", text("SN"))]));
        assert_eq!(v.failures.len(), 1);
        assert_eq!(
            v.failures[0].reason.message(Lang::Fr),
            "La nationalité doit être : Mali, Burkina Faso, Niger (champ « Nationalité »)."
        );
        assert_eq!(
            v.failures[0].reason.message(Lang::En),
            "Nationality must be one of: Mali, Burkina Faso, Niger (field “Nationality”)."
        );
        assert!(!eval(rule.clone(), &Answers::default()).is_eligible());
        assert!(!eval(rule, &answers(&[("nationality", Answer::Number(1))])).is_eligible());
    }

    #[test]
    fn applicant_kind() {
        let rule = Rule::ApplicantKindIn {
            field: "kind".into(),
            kinds: vec!["company".into()],
        };
        assert!(eval(rule.clone(), &answers(&[("kind", text("company"))])).is_eligible());
        let v = eval(rule.clone(), &answers(&[("kind", text("administration"))]));
        assert_eq!(
            v.failures[0].reason.message(Lang::Fr),
            "Le type de candidat doit être : Entreprise (champ « Type de candidat »)."
        );
        assert_eq!(
            v.failures[0].reason.message(Lang::En),
            "The applicant type must be one of: Company (field “Applicant type”)."
        );
        assert!(!eval(rule, &Answers::default()).is_eligible());
    }

    #[test]
    fn documents() {
        let any = Rule::DocumentsAnyOf {
            fields: vec!["id_card".into(), "passport".into()],
        };
        let all = Rule::DocumentsAllOf {
            fields: vec!["id_card".into(), "passport".into()],
        };
        let one = answers(&[("passport", file())]);
        assert!(eval(any.clone(), &one).is_eligible());
        let v = eval(all.clone(), &one);
        assert_eq!(
            v.failures[0].reason.message(Lang::En),
            "Required documents: ID card."
        );
        assert!(eval(all, &answers(&[("passport", file()), ("id_card", file())])).is_eligible());
        let v = eval(any.clone(), &Answers::default());
        assert_eq!(
            v.failures[0].reason.message(Lang::Fr),
            "Au moins une de ces pièces est requise : Carte d'identité, Passeport."
        );
        // A text answer is not a file.
        assert!(!eval(any, &answers(&[("id_card", text("abc"))])).is_eligible());
    }

    #[test]
    fn age() {
        let rule = Rule::AgeBetween {
            field: "birth".into(),
            min: 15,
            max: 35,
        };
        let ok = |b: &str, at: Date| {
            evaluate(
                std::slice::from_ref(&rule),
                &def(),
                &answers(&[("birth", text(b))]),
                at,
            )
            .is_eligible()
        };
        // Turns 15 exactly on the reference date.
        assert!(ok("2011-03-01", REF));
        assert!(!ok("2011-03-02", REF));
        // Still 35 the day before turning 36.
        assert!(ok("1990-03-02", REF));
        assert!(!ok("1990-03-01", REF));
        // Leap-day birthdays: one year older on 1 March in non-leap years.
        assert_eq!(age_on(date(2008, 2, 29), date(2026, 2, 28)), 17);
        assert_eq!(age_on(date(2008, 2, 29), date(2026, 3, 1)), 18);
        assert_eq!(age_on(date(2008, 2, 29), date(2028, 2, 28)), 19);
        assert_eq!(age_on(date(2008, 2, 29), date(2028, 2, 29)), 20);
        assert!(!ok("2012-02-29", date(2027, 2, 28)));
        assert!(ok("2012-02-29", date(2027, 3, 1)));
        assert!(ok("1990-03-01", date(2026, 2, 28)));
        let v = evaluate(
            std::slice::from_ref(&rule),
            &def(),
            &answers(&[("birth", text("2020-01-01"))]),
            REF,
        );
        assert_eq!(v.failures[0].reason.message(Lang::Fr), "L'âge doit être compris entre 15 et 35 ans au 01/03/2026 (champ « Date de naissance »).");
        assert_eq!(
            v.failures[0].reason.message(Lang::En),
            "Age must be between 15 and 35 years on 2026-03-01 (field “Date of birth”)."
        );
        assert!(!ok("not a date", REF));
        assert!(!ok("2030-01-01", REF));
        assert!(!evaluate(&[rule], &def(), &Answers::default(), REF).is_eligible());
    }

    #[test]
    fn every_failure_is_listed() {
        let rules = vec![
            Rule::NationalityIn {
                field: "nationality".into(),
                countries: vec![MALI],
            },
            Rule::ApplicantKindIn {
                field: "kind".into(),
                kinds: vec!["company".into()],
            },
            Rule::DocumentsAnyOf {
                fields: vec!["id_card".into()],
            },
            Rule::AgeBetween {
                field: "birth".into(),
                min: 15,
                max: 35,
            },
        ];
        let v = evaluate(&rules, &def(), &answers(&[("kind", text("company"))]), REF);
        assert_eq!(
            v.failures.iter().map(|f| f.rule_index).collect::<Vec<_>>(),
            vec![0, 2, 3]
        );
        let json = serde_json::to_string(&rules).unwrap();
        assert!(json.contains(r#""rule":"nationality_in""#));
        assert_eq!(serde_json::from_str::<Vec<Rule>>(&json).unwrap(), rules);
        assert_eq!(check_rules(&rules, &def()), Ok(()));
    }

    #[test]
    fn rule_checks() {
        let rules = vec![
            Rule::NationalityIn {
                field: "kind".into(),
                countries: vec![],
            },
            Rule::ApplicantKindIn {
                field: "kind".into(),
                kinds: vec!["alien".into()],
            },
            Rule::DocumentsAnyOf {
                fields: vec!["birth".into(), "nope".into()],
            },
            Rule::DocumentsAllOf { fields: vec![] },
            Rule::AgeBetween {
                field: "nationality".into(),
                min: 40,
                max: 20,
            },
        ];
        let errors = check_rules(&rules, &def()).unwrap_err().join("\n");
        for needle in [
            "rule 1: field 'kind' must be a country field",
            "rule 1: the country list is empty",
            "rule 2: 'alien' is not an option of field 'kind'",
            "rule 3: field 'birth' must be a file field",
            "rule 3: no field 'nope' in the form",
            "rule 4: the list of document fields is empty",
            "rule 5: field 'nationality' must be a date field",
            "rule 5: min age (40) is greater than max age (20)",
        ] {
            assert!(errors.contains(needle), "missing {needle:?} in:\n{errors}");
        }
    }

    #[test]
    fn yes_no() {
        let rule = Rule::YesNoIs {
            field: "malian_admin".into(),
            expected: true,
        };
        assert!(eval(
            rule.clone(),
            &answers(&[("malian_admin", Answer::Bool(true))])
        )
        .is_eligible());
        let v = eval(
            rule.clone(),
            &answers(&[("malian_admin", Answer::Bool(false))]),
        );
        assert_eq!(
            v.failures[0].reason.message(Lang::Fr),
            "La réponse à « Relève de l'administration malienne ? » doit être « Oui »."
        );
        assert_eq!(
            v.failures[0].reason.message(Lang::En),
            "The answer to “Part of the Malian administration?” must be “Yes”."
        );
        assert!(!eval(rule.clone(), &Answers::default()).is_eligible());
        // A text "yes" is not a yes/no answer.
        assert!(!eval(rule, &answers(&[("malian_admin", text("yes"))])).is_eligible());
    }

    fn team_of(nationalities: &[&str]) -> Answers {
        let rows = nationalities
            .iter()
            .map(|n| {
                [
                    ("name".to_string(), text("X")),
                    ("nationality".to_string(), text(n)),
                ]
                .into()
            })
            .collect();
        answers(&[("team", Answer::Group(rows))])
    }

    fn members(who: Members) -> Rule {
        Rule::MembersNationalityIn {
            group: "team".into(),
            field: "nationality".into(),
            countries: AES.to_vec(),
            who,
        }
    }

    #[test]
    fn members_nationality() {
        let cases: [(&[&str], [bool; 3]); 7] = [
            // (team's nationalities, passes for [leader, majority, all])
            (&["ML"], [true, true, true]),
            (&["FR"], [false, false, false]),
            (&["ML", "FR"], [true, false, false]),
            (&["FR", "ML"], [false, false, false]),
            (&["FR", "BF", "NE"], [false, true, false]),
            (&["NE", "BF", "ML"], [true, true, true]),
            (&[], [false, false, false]),
        ];
        for (team, expected) in cases {
            for (who, ok) in [Members::Leader, Members::Majority, Members::All]
                .into_iter()
                .zip(expected)
            {
                assert_eq!(
                    eval(members(who), &team_of(team)).is_eligible(),
                    ok,
                    "{team:?} {who:?}"
                );
            }
        }
        // A member without a nationality does not count as a national.
        let mut a = team_of(&["ML"]);
        if let Some(Answer::Group(rows)) = a.0.get_mut("team") {
            rows[0].remove("nationality");
        }
        assert!(!eval(members(Members::Leader), &a).is_eligible());
        let v = eval(members(Members::Leader), &team_of(&["SN"]));
        assert_eq!(
            v.failures[0].reason.message(Lang::Fr),
            "Le ou la responsable (première ligne de « Équipe ») doit être de nationalité : Mali, Burkina Faso, Niger."
        );
        assert_eq!(
            v.failures[0].reason.message(Lang::En),
            "The leader (first row of “Team”) must be a national of: Mali, Burkina Faso, Niger."
        );
        let json = serde_json::to_string(&members(Members::Majority)).unwrap();
        assert_eq!(
            json,
            r#"{"rule":"members_nationality_in","group":"team","field":"nationality","countries":["ML","BF","NE"],"who":"majority"}"#
        );
    }

    #[test]
    fn new_rule_checks() {
        let rules = vec![
            Rule::YesNoIs {
                field: "kind".into(),
                expected: true,
            },
            Rule::MembersNationalityIn {
                group: "nationality".into(),
                field: "nationality".into(),
                countries: vec![MALI],
                who: Members::All,
            },
            Rule::MembersNationalityIn {
                group: "team".into(),
                field: "name".into(),
                countries: vec![],
                who: Members::All,
            },
            Rule::MembersNationalityIn {
                group: "team".into(),
                field: "age".into(),
                countries: vec![MALI],
                who: Members::Leader,
            },
        ];
        let errors = check_rules(&rules, &def()).unwrap_err().join("\n");
        for needle in [
            "rule 1: field 'kind' must be a yes/no field",
            "rule 2: field 'nationality' must be a group field",
            "rule 3: sub-field 'name' must be a country field",
            "rule 3: the country list is empty",
            "rule 4: no sub-field 'age' in group 'team'",
        ] {
            assert!(errors.contains(needle), "missing {needle:?} in:\n{errors}");
        }
        assert_eq!(
            check_rules(
                &[
                    members(Members::All),
                    Rule::YesNoIs {
                        field: "malian_admin".into(),
                        expected: false
                    }
                ],
                &def()
            ),
            Ok(())
        );
    }

    proptest! {
        #[test]
        fn members_rules_are_ordered(nats in proptest::collection::vec(prop_oneof![Just("ML"), Just("BF"), Just("SN"), Just("FR")], 0..8)) {
            // Everyone passing implies a majority passing; the leader and the majority
            // both pass when everyone does.
            let a = team_of(&nats);
            let all = eval(members(Members::All), &a).is_eligible();
            let majority = eval(members(Members::Majority), &a).is_eligible();
            let leader = eval(members(Members::Leader), &a).is_eligible();
            prop_assert!(!all || (majority && leader));
        }

        #[test]
        fn age_is_consistent(by in 1900i16..2030, bm in 1i8..=12, bd in 1i8..=28, ay in 1900i16..2100, am in 1i8..=12, ad in 1i8..=28) {
            let birth = date(by, bm, bd);
            let at = date(ay, am, ad);
            let age = age_on(birth, at);
            // The age-th birthday is on or before `at`, the next one after it.
            if age >= 0 {
                let bday = birth.checked_add(jiff::Span::new().years(age)).unwrap();
                prop_assert!(bday <= at);
                let next = birth.checked_add(jiff::Span::new().years(age + 1)).unwrap();
                prop_assert!(next > at);
            } else {
                prop_assert!(birth > at);
            }
        }
    }
}
