use super::*;
use crate::domain::types::Lang;
use crate::i18n::Say;
use proptest::prelude::*;

fn crit(key: &str, weight: u32, max: u32, bonus: bool) -> Criterion {
    Criterion::new(key, (key, key), ("", ""), weight, max, bonus)
}

fn sheet(rubric: &Rubric, points: &[(&str, u32)]) -> ScoreSheet {
    let mut s = ScoreSheet::new();
    for (k, v) in points {
        let c = rubric.criterion(k).unwrap();
        s.insert(*k, Points::new(*v, c).unwrap());
    }
    s
}

#[test]
fn defaults_are_valid_and_round_trip() {
    for (round, kind) in Round::ALL
        .into_iter()
        .flat_map(|r| TrackKind::ALL.map(|k| (r, k)))
    {
        let r = round.default_rubric(kind);
        assert_eq!(Rubric::new(r.criteria().to_vec()), Ok(r.clone()));
        assert_eq!(Rubric::parse_json(&r.to_json()), Ok(r.clone()));
        for c in r.criteria() {
            assert!(!c.guidance.fr.is_empty() && !c.guidance.en.is_empty());
        }
        // The jury's timer scores this criterion in every final.
        assert_eq!(
            r.criterion("timing").is_some(),
            round == Round::Final,
            "{round:?} {kind:?}"
        );
        assert_eq!(r.default_tie_break().len(), 1);
        assert_eq!(Round::parse(round.as_str()), Some(round));
        assert_eq!(
            serde_json::to_string(&round).unwrap(),
            format!("\"{}\"", round.as_str())
        );
    }
    assert_eq!(Round::parse("jury"), None);
    fn keys(r: &Rubric) -> Vec<&str> {
        r.criteria().iter().map(|c| c.key.as_str()).collect()
    }
    // Each kind of track has its own wording of the call's criteria, on the same keys and
    // scale (tie-breaks, the timer and cross-track prizes rely on them).
    fn labels(r: &Rubric) -> Vec<&str> {
        r.criteria().iter().map(|c| c.label.fr.as_str()).collect()
    }
    for round in Round::ALL {
        let [s, a, h] = TrackKind::ALL.map(|k| round.default_rubric(k));
        assert_eq!(keys(&s), keys(&a), "{round:?}");
        assert_eq!(keys(&s), keys(&h), "{round:?}");
        for (x, y) in [(&s, &a), (&s, &h), (&a, &h)] {
            let same = labels(x)
                .iter()
                .zip(labels(y))
                .filter(|(p, q)| **p == *q)
                .count();
            // Only the timing criterion keeps its wording.
            assert_eq!(same, usize::from(round == Round::Final), "{round:?}");
            for (c, d) in x.criteria().iter().zip(y.criteria()) {
                assert_eq!(
                    (c.weight, c.max_points, c.bonus),
                    (d.weight, d.max_points, d.bonus)
                );
            }
        }
        assert!(labels(&a).contains(&"Impact pour les usagers et l'administration"));
        assert!(labels(&h).contains(&"Compétences techniques"));
    }
    assert_eq!(
        keys(&default_final()),
        [
            "innovation",
            "growth",
            "team",
            "presentation",
            "timing",
            "demo",
            "distinctions"
        ]
    );
    assert!(!keys(&default_preselection()).contains(&"timing"));
    let d = default_final();
    let bonus = d.criterion("distinctions").unwrap();
    assert!(bonus.bonus);
    assert_eq!(bonus.label.fr, "Distinctions, prix ou brevets (bonus)");
    assert_eq!(
        d.criterion("timing").unwrap().label.fr,
        "Respect du temps de présentation"
    );
}

#[test]
fn parse_json_minimal_and_defaults() {
    let r = Rubric::parse_json(
        r#"{"criteria":[{"key":"a1","label":{"fr":"A","en":"A"},"weight":1,"max_points":5}]}"#,
    )
    .unwrap();
    let c = &r.criteria()[0];
    assert!(!c.bonus);
    assert_eq!(c.guidance, Localized::default());
}

#[test]
fn rubric_validation_errors() {
    let ok = crit("a", 1, 10, false);
    let cases: Vec<(Vec<Criterion>, RubricError)> = vec![
        (vec![], RubricError::NoScoredCriterion),
        (vec![crit("b", 1, 5, true)], RubricError::NoScoredCriterion),
        (
            vec![ok.clone(), crit("a", 1, 10, false)],
            RubricError::DuplicateKey("a".into()),
        ),
        (
            vec![crit("Inno", 1, 10, false)],
            RubricError::InvalidKey("Inno".into()),
        ),
        (
            vec![crit("", 1, 10, false)],
            RubricError::InvalidKey("".into()),
        ),
        (
            vec![crit("é", 1, 10, false)],
            RubricError::InvalidKey("é".into()),
        ),
        (
            vec![crit("a", 0, 10, false)],
            RubricError::ZeroWeight("a".into()),
        ),
        (
            vec![crit("a", 1, 0, false)],
            RubricError::MaxPoints {
                key: "a".into(),
                max: 0,
            },
        ),
        (
            vec![crit("a", 1, 101, false)],
            RubricError::MaxPoints {
                key: "a".into(),
                max: 101,
            },
        ),
        (
            vec![Criterion {
                label: Localized::new("A", " "),
                ..ok.clone()
            }],
            RubricError::EmptyLabel("a".into()),
        ),
    ];
    for (criteria, expected) in cases {
        assert_eq!(Rubric::new(criteria), Err(expected.clone()));
        assert!(!expected.message(Lang::Fr).is_empty());
        assert_ne!(expected.message(Lang::Fr), expected.message(Lang::En));
    }
    assert!(matches!(Rubric::parse_json("{"), Err(RubricError::Json(_))));
    assert!(matches!(
        Rubric::parse_json(r#"{"criteria":[],"x":1}"#),
        Err(RubricError::Json(_))
    ));
    // Validation also runs when a rubric is deserialized directly.
    assert!(serde_json::from_str::<Rubric>(r#"{"criteria":[]}"#).is_err());
    assert_eq!(
        RubricError::DuplicateKey("team".into()).message(Lang::Fr),
        "Le critère « team » apparaît plusieurs fois."
    );
}

#[test]
fn points_parse() {
    let c = crit("a", 1, 10, false);
    assert_eq!(Points::parse(" 7 ", &c).map(Points::value), Ok(7));
    assert_eq!(Points::parse("0", &c).map(Points::value), Ok(0));
    assert_eq!(Points::parse("10", &c).map(Points::value), Ok(10));
    assert_eq!(Points::parse("010", &c).map(Points::value), Ok(10));
    let range = Err(ScoreError::OutOfRange { max: 10 });
    let whole = Err(ScoreError::NotWholeNumber { max: 10 });
    assert_eq!(Points::parse("11", &c), range);
    assert_eq!(Points::parse("-1", &c), range);
    assert_eq!(Points::parse("99999999999999999999", &c), range);
    for bad in ["7.5", "7,5", "abc", "+5", "5 5", "-", "1e1", "٣"] {
        assert_eq!(Points::parse(bad, &c), whole, "{bad:?}");
    }
    assert_eq!(Points::parse("  ", &c), Err(ScoreError::Empty { max: 10 }));
    let e = ScoreError::OutOfRange { max: 10 };
    assert_eq!(
        e.message(Lang::Fr),
        "La note doit être un nombre entier entre 0 et 10."
    );
    assert_eq!(
        e.message(Lang::En),
        "The score must be a whole number between 0 and 10."
    );
    assert_eq!(
        ScoreError::Empty { max: 5 }.message(Lang::En),
        "The score must be a whole number between 0 and 5."
    );
    assert_eq!(serde_json::from_str::<Points>("101").ok(), None);
    assert_eq!(serde_json::from_str::<Points>("7").unwrap().value(), 7);
}

#[test]
fn parse_sheet_collects_errors() {
    let r = default_final();
    let mut input: BTreeMap<String, String> = [
        ("innovation", "8"),
        ("growth", "7"),
        ("team", "11"),
        ("presentation", ""),
        ("timing", "10"),
        ("demo", "6"),
        ("distinctions", ""),
        ("csrf", "x"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let errors = r.parse_sheet(&input).unwrap_err();
    assert_eq!(
        errors,
        vec![
            ("team".to_string(), ScoreError::OutOfRange { max: 10 }),
            ("presentation".to_string(), ScoreError::Empty { max: 10 }),
        ]
    );
    input.insert("team".into(), "9".into());
    input.insert("presentation".into(), "5".into());
    let s = r.parse_sheet(&input).unwrap();
    assert_eq!(s.get("distinctions"), None);
    assert_eq!(s.len(), 6);
    assert_eq!(r.check_complete(&s), Ok(()));
}

#[test]
fn check_complete_reports_missing_and_foreign() {
    let r = default_final();
    let mut s = sheet(&r, &[("innovation", 5), ("growth", 5)]);
    s.insert("bogus", Points::try_from(3).unwrap());
    s.insert("distinctions", Points::try_from(9).unwrap()); // above its max of 5
    let errors = r.check_complete(&s).unwrap_err();
    let keys: Vec<&str> = errors.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        [
            "team",
            "presentation",
            "timing",
            "demo",
            "distinctions",
            "bogus"
        ]
    );
    assert_eq!(errors[0].1, ScoreError::Missing { max: 10 });
    assert_eq!(errors[4].1, ScoreError::OutOfRange { max: 5 });
    assert_eq!(errors[5].1, ScoreError::UnknownCriterion);
}

#[test]
fn weighted_total_by_hand() {
    let r = default_final();
    // Non-bonus scale: 3·10 + 3·10 + 2·10 + 2·10 + 1·10 + 2·10 = 130.
    // Points: 3·8 + 3·6 + 2·7 + 2·5 + 1·10 + 2·4 = 24+18+14+10+10+8 = 84.
    let s = sheet(
        &r,
        &[
            ("innovation", 8),
            ("growth", 6),
            ("team", 7),
            ("presentation", 5),
            ("timing", 10),
            ("demo", 4),
        ],
    );
    let t = r.weighted_total(&s);
    assert_eq!(
        t,
        Total {
            weighted: 84,
            scale: 130
        }
    );
    assert!((t.value() - 8400.0 / 130.0).abs() < 1e-12);
    // A full sheet is exactly 100; the bonus lifts it above (1·5 more → 135/130).
    let full: Vec<(&str, u32)> = r
        .criteria()
        .iter()
        .filter(|c| !c.bonus)
        .map(|c| (c.key.as_str(), c.max_points))
        .collect();
    let mut s = sheet(&r, &full);
    assert_eq!(r.weighted_total(&s).value(), 100.0);
    s.insert("distinctions", Points::try_from(5).unwrap());
    assert_eq!(
        r.weighted_total(&s),
        Total {
            weighted: 135,
            scale: 130
        }
    );
    assert_eq!(r.weighted_total(&ScoreSheet::new()).value(), 0.0);
}

#[test]
fn timing_points_rule() {
    assert_eq!(Rubric::timing_points(0, 300, 10), 10);
    assert_eq!(Rubric::timing_points(300, 300, 10), 10);
    assert_eq!(Rubric::timing_points(301, 300, 10), 9);
    assert_eq!(Rubric::timing_points(330, 300, 10), 9);
    assert_eq!(Rubric::timing_points(331, 300, 10), 8);
    assert_eq!(Rubric::timing_points(600, 300, 10), 0);
    assert_eq!(Rubric::timing_points(u32::MAX, 0, 10), 0);
}

proptest! {
    #[test]
    fn points_parse_never_panics_and_respects_max(s in "\\PC{0,12}", max in 1u32..=100) {
        let c = crit("a", 1, max, false);
        if let Ok(p) = Points::parse(&s, &c) {
            prop_assert!(p.value() <= max);
            prop_assert!(s.trim().bytes().all(|b| b.is_ascii_digit()));
        }
    }

    #[test]
    fn points_accept_every_whole_number_in_range(max in 1u32..=100, v in 0u32..=120) {
        let c = crit("a", 1, max, false);
        let r = Points::parse(&format!(" {v} "), &c);
        prop_assert_eq!(r.is_ok(), v <= max);
    }

    #[test]
    fn total_is_at_most_100_without_bonus(points in proptest::collection::vec(0u32..=10, 6)) {
        let r = default_final();
        let keys = ["innovation", "growth", "team", "presentation", "timing", "demo"];
        let pairs: Vec<(&str, u32)> = keys.iter().copied().zip(points).collect();
        let v = r.weighted_total(&sheet(&r, &pairs)).value();
        prop_assert!((0.0..=100.0).contains(&v));
    }

    #[test]
    fn timing_points_never_exceed_max(m in 0u32..2000, a in 0u32..1000, max in 0u32..=100) {
        let p = Rubric::timing_points(m, a, max);
        prop_assert!(p <= max);
        if m <= a { prop_assert_eq!(p, max); }
    }
}
