use super::*;
use crate::review::rules::rubric::{default_final, Points};
use proptest::prelude::*;
use std::collections::BTreeSet;

fn st(reviewer: i64, dossier: i64, total: f64) -> SheetTotal {
    SheetTotal {
        reviewer,
        dossier,
        total,
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

fn score(dossier: i64, score: f64, innovation: f64, submitted_at: i64) -> DossierScore {
    DossierScore {
        dossier,
        submitted_at,
        score,
        sheets: 1,
        spread: 0.0,
        disputed: false,
        criterion_means: [("innovation".to_string(), innovation)].into(),
    }
}

fn order(r: &[Ranked]) -> Vec<i64> {
    r.iter().map(|x| x.dossier).collect()
}

/// A tiny round, with min_sheets = 2:
///
/// reviewer 1 (lenient, narrow): dossier 1 → 55, dossier 2 → 65; m₁ = 60, s₁ = 5.
/// reviewer 2 (harsh, wide):     dossier 2 → 25, dossier 3 → 55; m₂ = 40, s₂ = 15.
/// Round: totals 55, 65, 25, 55; m = 200/4 = 50; squared distances
/// 25 + 225 + 625 + 25 = 900; s = √(900/4) = 15.
/// Reviewer 1: x' = 50 + (x − 60)·15/5 → 55 ↦ 35, 65 ↦ 65.
/// Reviewer 2: x' = 50 + (x − 40)·15/15 → 25 ↦ 35, 55 ↦ 65.
/// Dossier scores: 1 → 35; 2 → (65 + 35)/2 = 50 (spread 30: disputed); 3 → 65.
/// Raw means would have been 55, 45, 55.
#[test]
fn tiny_round_by_hand() {
    let sheets = [
        st(1, 1, 55.0),
        st(1, 2, 65.0),
        st(2, 2, 25.0),
        st(2, 3, 55.0),
    ];
    let n = normalise(&sheets, 2);
    assert_eq!(n.round.count, 4);
    assert!(close(n.round.mean, 50.0) && close(n.round.sd, 15.0));
    let r1 = n.reviewers[&1];
    let r2 = n.reviewers[&2];
    assert!(close(r1.mean, 60.0) && close(r1.sd, 5.0) && r1.rescaled);
    assert!(close(r2.mean, 40.0) && close(r2.sd, 15.0) && r2.rescaled);
    let got: Vec<f64> = n.sheets.iter().map(|s| s.normalised).collect();
    for (g, e) in got.iter().zip([35.0, 65.0, 35.0, 65.0]) {
        assert!(close(*g, e), "{got:?}");
    }
    assert!(n.sheets.iter().all(|s| s.rescaled));

    let submitted = BTreeMap::from([(1, 10), (2, 20), (3, 30)]);
    let pre = aggregate(&n, Round::Preselection, &[], &submitted, 25.0);
    let scores: Vec<(i64, f64, bool)> = pre
        .iter()
        .map(|d| (d.dossier, d.score, d.disputed))
        .collect();
    assert_eq!(scores.len(), 3);
    assert!(close(scores[0].1, 35.0) && !scores[0].2);
    assert!(close(scores[1].1, 50.0) && scores[1].2);
    assert!(close(pre[1].spread, 30.0));
    assert!(close(scores[2].1, 65.0));
    assert_eq!(order(&rank(&pre, &[])), [3, 2, 1]);

    // The final round averages raw totals: 55, 45, 55; the tie between 1
    // and 3 goes to the earlier submission (dossier 1).
    let fin = aggregate(&n, Round::Final, &[], &submitted, 25.0);
    assert!(close(fin[1].score, 45.0) && fin[1].disputed && close(fin[1].spread, 40.0));
    assert_eq!(order(&rank(&fin, &[])), [1, 3, 2]);
}

#[test]
fn who_keeps_raw_scores() {
    // Reviewer 1 has 1 sheet (< 2), reviewer 2 gives the same total twice (s_r = 0).
    let sheets = [
        st(1, 1, 80.0),
        st(2, 1, 40.0),
        st(2, 2, 40.0),
        st(3, 1, 20.0),
        st(3, 2, 60.0),
    ];
    let n = normalise(&sheets, 2);
    assert!(!n.reviewers[&1].rescaled);
    assert!(!n.reviewers[&2].rescaled);
    assert!(n.reviewers[&3].rescaled);
    assert_eq!(n.sheets[0].normalised, 80.0);
    assert_eq!(n.sheets[1].normalised, 40.0);
    assert!(n.sheets[3].rescaled);
    // All totals of the round equal: s = 0, nobody is rescaled.
    let flat = normalise(&[st(1, 1, 50.0), st(1, 2, 50.0), st(2, 1, 50.0)], 1);
    assert!(flat
        .sheets
        .iter()
        .all(|s| !s.rescaled && s.normalised == 50.0));
    // Float noise: 1/3 summed thrice does not give an exact mean; still "equal".
    let third = 100.0 / 3.0;
    let noisy = normalise(&[st(1, 1, third), st(1, 2, third), st(1, 3, third)], 1);
    assert!(!noisy.reviewers[&1].rescaled);
    let empty = normalise(&[], 5);
    assert_eq!(empty.round, Stats::default());
    assert!(aggregate(&empty, Round::Final, &[], &BTreeMap::new(), 25.0).is_empty());
}

#[test]
fn criterion_means_and_tie_breaks() {
    let rubric = default_final();
    let mk = |reviewer: i64, dossier: i64, innovation: u32, growth: u32| {
        let mut points = ScoreSheet::new();
        for c in rubric.criteria().iter().filter(|c| !c.bonus) {
            let v = match c.key.as_str() {
                "innovation" => innovation,
                "growth" => growth,
                _ => 5,
            };
            points.insert(c.key.clone(), Points::new(v, c).unwrap());
        }
        ReviewSheet {
            reviewer,
            dossier,
            points,
        }
    };
    // Same weights on innovation and growth (3 each): swapping them keeps the total.
    let sheets = vec![
        mk(1, 1, 8, 6),
        mk(2, 1, 6, 8),
        mk(1, 2, 6, 8),
        mk(2, 2, 6, 8),
    ];
    let totals = sheet_totals(&rubric, &sheets);
    assert!(close(totals[0].total, totals[1].total));
    let n = normalise(&totals, 5);
    let submitted = BTreeMap::from([(1, 200), (2, 100)]);
    let agg = aggregate(&n, Round::Final, &sheets, &submitted, 25.0);
    assert!(close(agg[0].criterion_means["innovation"], 7.0));
    assert!(close(agg[1].criterion_means["innovation"], 6.0));
    assert!(close(agg[0].criterion_means["team"], 5.0));
    assert!(!agg[0].criterion_means.contains_key("distinctions"));
    // Equal scores: innovation decides for dossier 1 …
    let by_innovation = rank(&agg, &["innovation".to_string()]);
    assert_eq!(order(&by_innovation), [1, 2]);
    assert_eq!(by_innovation[0].tie_break, vec![7.0]);
    // … growth for dossier 2 …
    assert_eq!(order(&rank(&agg, &["growth".to_string()])), [2, 1]);
    // … and without tie-break criteria, the earlier submission (dossier 2).
    assert_eq!(order(&rank(&agg, &[])), [2, 1]);
    // An unknown criterion counts 0 for everybody and decides nothing.
    assert_eq!(order(&rank(&agg, &["nope".to_string()])), [2, 1]);
}

#[test]
fn float_noise_does_not_decide() {
    // 0.1 + 0.2 != 0.3 in floating point; equal at micro-point precision.
    let a = score(1, 0.1 + 0.2, 5.0, 100);
    let b = score(2, 0.3, 6.0, 200);
    assert_eq!(
        order(&rank(&[a.clone(), b.clone()], &["innovation".into()])),
        [2, 1]
    );
    assert_eq!(order(&rank(&[a, b], &[])), [1, 2]);
    // Same everything but the id: lower id first.
    let c = score(7, 50.0, 5.0, 100);
    let d = score(3, 50.0, 5.0, 100);
    let r = rank(&[c, d], &["innovation".into()]);
    assert_eq!(order(&r), [3, 7]);
    assert_eq!(r.iter().map(|x| x.position).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(r[0].cmp_rank(&r[1]), Ordering::Less);
}

#[test]
fn a_tie_names_the_rule_that_broke_it() {
    let tie = vec!["innovation".to_string(), "growth".to_string()];
    let mk = |dossier: i64, total: f64, inno: f64, growth: f64, at: i64| DossierScore {
        criterion_means: [
            ("innovation".to_string(), inno),
            ("growth".to_string(), growth),
        ]
        .into(),
        ..score(dossier, total, inno, at)
    };
    // 1 beats 2 on score; 3 and 4 tie on score and innovation, growth decides;
    // 5 and 6 tie on everything but the submission time; 7 and 8 on everything.
    let r = rank(
        &[
            mk(1, 90.0, 5.0, 5.0, 10),
            mk(2, 80.0, 5.0, 5.0, 10),
            mk(3, 70.0, 6.0, 7.0, 20),
            mk(4, 70.0, 6.0, 6.5, 10),
            mk(5, 60.0, 6.0, 6.0, 10),
            mk(6, 60.0, 6.0, 6.0, 20),
            mk(7, 50.0, 6.0, 6.0, 10),
            mk(8, 50.0, 6.0, 6.0, 10),
        ],
        &tie,
    );
    assert_eq!(order(&r), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert_eq!(tie_steps(&r[0], &r[1], &tie), None);
    assert_eq!(tie_steps(&r[1], &r[2], &tie), None);
    let growth = tie_steps(&r[2], &r[3], &tie).expect("a tie");
    assert_eq!(
        growth,
        [
            TieStep::Criterion {
                key: "innovation".into(),
                ahead: 6_000_000,
                behind: 6_000_000
            },
            TieStep::Criterion {
                key: "growth".into(),
                ahead: 7_000_000,
                behind: 6_500_000
            },
        ]
    );
    assert!(!decided_arbitrarily(&growth));
    let by_time = tie_steps(&r[4], &r[5], &tie).expect("a tie");
    assert_eq!(
        by_time.last(),
        Some(&TieStep::SubmissionTime {
            ahead: 10,
            behind: 20
        })
    );
    assert!(decided_arbitrarily(&by_time));
    let by_number = tie_steps(&r[6], &r[7], &tie).expect("a tie");
    assert_eq!(by_number.len(), 4);
    assert_eq!(
        by_number.last(),
        Some(&TieStep::DossierNumber {
            ahead: 7,
            behind: 8
        })
    );
    assert!(decided_arbitrarily(&by_number));
    let json = serde_json::to_string(&by_number[3]).expect("JSON");
    assert_eq!(json, r#"{"rule":"dossier_number","ahead":7,"behind":8}"#);
}

#[test]
fn normalised_totals_may_leave_the_scale() {
    // Reviewer 1 scores narrowly (90 to 94) in a round spread over 0 to 100: stretched
    // to the round's spread, their best total lands above 100; it is kept, not clamped.
    let sheets = [
        st(1, 1, 90.0),
        st(1, 2, 91.0),
        st(1, 3, 92.0),
        st(1, 4, 94.0),
        st(2, 1, 0.0),
        st(2, 2, 100.0),
        st(2, 3, 50.0),
        st(2, 4, 60.0),
    ];
    let n = normalise(&sheets, 4);
    assert!(n.reviewers[&1].rescaled);
    let top = n.sheets[3].normalised;
    assert!(top > 100.0, "{top}");
    assert_eq!(n.sheets[3].raw, 94.0, "the raw total is kept beside it");
}

/// Every reviewer scores at least `min` dossiers, with totals in 0..100.
fn round_strategy(min: usize) -> impl Strategy<Value = Vec<SheetTotal>> {
    (2usize..5, (min + 1)..12)
        .prop_flat_map(move |(reviewers, dossiers)| {
            proptest::collection::vec(
                (
                    proptest::collection::vec(any::<bool>(), dossiers),
                    proptest::collection::vec(0.0f64..100.0, dossiers),
                ),
                reviewers,
            )
        })
        .prop_map(move |rows| {
            let mut sheets = Vec::new();
            for (r, (mask, totals)) in rows.iter().enumerate() {
                let n = mask.len();
                for d in 0..n {
                    // Force `min` consecutive dossiers (rotated per reviewer).
                    let forced = (d + n - r % n) % n < min;
                    if mask[d] || forced {
                        sheets.push(st(r as i64 + 1, d as i64 + 1, totals[d]));
                    }
                }
            }
            sheets
        })
}

fn preselection_ranking(sheets: &[SheetTotal]) -> Vec<Ranked> {
    let n = normalise(sheets, DEFAULT_MIN_SHEETS);
    let agg = aggregate(&n, Round::Preselection, &[], &BTreeMap::new(), 25.0);
    rank(&agg, &[])
}

fn min_gap(r: &[Ranked]) -> f64 {
    r.windows(2)
        .map(|w| (w[0].score - w[1].score).abs())
        .fold(f64::INFINITY, f64::min)
}

fn dossier_scores() -> impl Strategy<Value = Vec<DossierScore>> {
    // Few distinct values, so that every level of the tie chain is exercised.
    proptest::collection::vec(
        (
            prop_oneof![Just(50.0), Just(60.0), Just(60.0 + 1e-9), 0.0f64..100.0],
            0u32..3,
            0i64..3,
        ),
        0..20,
    )
    .prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(|(i, (s, inno, t))| score(i as i64 * 7 % 23, s, f64::from(inno), t))
            .collect()
    })
}

/// Reviewer 1 is lenient, reviewer 2 harsh, but in track A (dossiers 1, 2) each scored
/// one dossier only: pooled over the round, their habits (learnt from track B) are
/// corrected and dossier 2 leads; pooled per track, too few sheets to judge anyone in A,
/// so the raw totals stand and dossier 1 leads.
#[test]
fn per_track_pooling_judges_reviewers_within_the_track() {
    let sheets = [
        st(1, 1, 60.0),
        st(1, 3, 90.0),
        st(1, 4, 100.0),
        st(2, 2, 55.0),
        st(2, 3, 10.0),
        st(2, 4, 20.0),
    ];
    let track_of: BTreeMap<i64, i64> = [(1, 10), (2, 10), (3, 20), (4, 20)].into();
    let track_a = |pooling| {
        let (n, pools) = normalise_pooled(&sheets, &track_of, pooling, 2);
        let agg = aggregate(&n, Round::Preselection, &[], &BTreeMap::new(), 25.0);
        let of_a: Vec<DossierScore> = agg.into_iter().filter(|d| d.dossier <= 2).collect();
        (order(&rank(&of_a, &[])), pools)
    };
    let (whole, pools) = track_a(Pooling::Round);
    assert_eq!(whole, [2, 1]);
    assert_eq!(pools.len(), 1);
    assert_eq!((pools[0].track, pools[0].dossiers), (None, 4));
    assert_eq!(pools[0].stats, normalise(&sheets, 2).round);
    let (per_track, pools) = track_a(Pooling::Track);
    assert_eq!(per_track, [1, 2]);
    let summary: Vec<(Option<i64>, usize, usize)> = pools
        .iter()
        .map(|p| (p.track, p.dossiers, p.stats.count))
        .collect();
    assert_eq!(summary, [(Some(10), 2, 2), (Some(20), 2, 4)]);
    assert!(close(pools[0].stats.mean, 57.5));
    assert!(pools[0].reviewers.values().all(|r| !r.rescaled));
}

#[test]
fn pooling_values_round_trip() {
    for p in [Pooling::Round, Pooling::Track] {
        assert_eq!(Pooling::parse(p.as_str()), Some(p));
    }
    assert_eq!(Pooling::parse("edition"), None);
}

proptest! {
    #[test]
    fn shifting_one_reviewer_changes_no_ranking(
        sheets in round_strategy(DEFAULT_MIN_SHEETS),
        which in 0usize..5,
        shift in -30.0f64..30.0,
    ) {
        let n = normalise(&sheets, DEFAULT_MIN_SHEETS);
        prop_assume!(n.reviewers.values().all(|r| r.rescaled));
        let reviewers: Vec<i64> = n.reviewers.keys().copied().collect();
        let target = reviewers[which % reviewers.len()];
        let shifted: Vec<SheetTotal> = sheets
            .iter()
            .map(|s| if s.reviewer == target { st(s.reviewer, s.dossier, s.total + shift) } else { *s })
            .collect();
        let before = preselection_ranking(&sheets);
        let after = preselection_ranking(&shifted);
        // Exact ties are impossible in exact arithmetic here; near-ties could
        // straddle a micro-point boundary, so skip those rare cases.
        prop_assume!(min_gap(&before) > 1e-4 && min_gap(&after) > 1e-4);
        prop_assert_eq!(order(&before), order(&after));
    }

    #[test]
    fn few_sheets_keep_raw_scores(
        sheets in proptest::collection::vec((1i64..6, 1i64..20, 0.0f64..110.0), 0..40),
        min in 1usize..8,
    ) {
        let sheets: Vec<SheetTotal> = sheets.into_iter().map(|(r, d, t)| st(r, d, t)).collect();
        let n = normalise(&sheets, min);
        for s in &n.sheets {
            let r = n.reviewers[&s.reviewer];
            if r.count < min {
                prop_assert!(!s.rescaled && !r.rescaled);
                prop_assert_eq!(s.normalised, s.raw);
            }
            prop_assert_eq!(s.rescaled, r.rescaled);
            prop_assert!(s.normalised.is_finite());
        }
        let total: usize = n.reviewers.values().map(|r| r.count).sum();
        prop_assert_eq!(total, sheets.len());
    }

    #[test]
    fn ranking_is_a_total_order(
        scores in dossier_scores(),
        seed in any::<u64>(),
    ) {
        // Unique dossier ids, as in real data.
        let mut seen = BTreeSet::new();
        let scores: Vec<DossierScore> =
            scores.into_iter().filter(|d| seen.insert(d.dossier)).collect();
        let tie = vec!["innovation".to_string()];
        let r = rank(&scores, &tie);
        prop_assert_eq!(r.len(), scores.len());
        let positions: Vec<usize> = r.iter().map(|x| x.position).collect();
        prop_assert_eq!(positions, (1..=scores.len()).collect::<Vec<_>>());
        let mut got: Vec<i64> = order(&r);
        got.sort_unstable();
        let mut want: Vec<i64> = scores.iter().map(|d| d.dossier).collect();
        want.sort_unstable();
        prop_assert_eq!(got, want);
        for w in r.windows(2) {
            prop_assert_eq!(w[0].cmp_rank(&w[1]), Ordering::Less);
            prop_assert!(micro(w[0].score) >= micro(w[1].score));
        }
        // Any permutation of the input gives the same ranking.
        let mut shuffled = scores.clone();
        let mut x = seed | 1;
        for i in (1..shuffled.len()).rev() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            shuffled.swap(i, (x % (i as u64 + 1)) as usize);
        }
        prop_assert_eq!(rank(&shuffled, &tie), r);
    }

    #[test]
    fn every_tie_is_explained_by_the_rule_that_decided_it(scores in dossier_scores()) {
        let mut seen = BTreeSet::new();
        let scores: Vec<DossierScore> =
            scores.into_iter().filter(|d| seen.insert(d.dossier)).collect();
        let tie = vec!["innovation".to_string()];
        let r = rank(&scores, &tie);
        for w in r.windows(2) {
            match tie_steps(&w[0], &w[1], &tie) {
                None => prop_assert!(micro(w[0].score) > micro(w[1].score)),
                Some(steps) => {
                    prop_assert_eq!(micro(w[0].score), micro(w[1].score));
                    let (last, before) = steps.split_last().expect("at least one step");
                    // Every earlier rule found them equal; the last one decided, for
                    // the dossier ranked first.
                    prop_assert!(before.iter().all(|s| !s.decides()));
                    let won = match last {
                        TieStep::Criterion { ahead, behind, .. } => ahead > behind,
                        TieStep::SubmissionTime { ahead, behind }
                        | TieStep::DossierNumber { ahead, behind } => ahead < behind,
                    };
                    prop_assert!(won, "{:?}", steps);
                    let criteria = steps
                        .iter()
                        .filter(|s| matches!(s, TieStep::Criterion { .. }))
                        .count();
                    // Arbitrary exactly when every tie-break criterion found them equal.
                    let criteria_equal = criteria == tie.len()
                        && steps
                            .iter()
                            .filter(|s| matches!(s, TieStep::Criterion { .. }))
                            .all(|s| !s.decides());
                    prop_assert_eq!(decided_arbitrarily(&steps), criteria_equal);
                }
            }
        }
    }

    #[test]
    fn normalised_reviewers_get_the_round_mean_and_spread(
        sheets in round_strategy(DEFAULT_MIN_SHEETS),
    ) {
        // What the page states: rescaled totals have the round's mean and spread
        // (so they may leave 0–100), and each reviewer's order is kept.
        let n = normalise(&sheets, DEFAULT_MIN_SHEETS);
        for (reviewer, stats) in n.reviewers.iter().filter(|(_, r)| r.rescaled) {
            let mine: Vec<&NormalisedSheet> =
                n.sheets.iter().filter(|s| s.reviewer == *reviewer).collect();
            let count = mine.len() as f64;
            let mean = mine.iter().map(|s| s.normalised).sum::<f64>() / count;
            let sd = (mine.iter().map(|s| (s.normalised - mean).powi(2)).sum::<f64>() / count).sqrt();
            prop_assert!((mean - n.round.mean).abs() < 1e-6, "{} vs {}", mean, n.round.mean);
            prop_assert!((sd - n.round.sd).abs() < 1e-6, "{} vs {}", sd, n.round.sd);
            prop_assert_eq!(stats.count, mine.len());
            for a in &mine {
                for b in &mine {
                    if a.raw < b.raw {
                        prop_assert!(a.normalised < b.normalised);
                    }
                }
            }
        }
    }

    #[test]
    fn per_track_pooling_is_each_track_normalised_alone(
        sheets in round_strategy(2),
        tracks in proptest::collection::vec(1i64..4, 12),
    ) {
        // Dossier d belongs to track tracks[d]; per-track pooling gives each sheet the
        // value it gets when its track is normalised as a round of its own, and
        // whole-round pooling is plain `normalise`.
        let track_of: BTreeMap<i64, i64> =
            (1..=12).map(|d| (d, tracks[(d - 1) as usize])).collect();
        let (whole, _) = normalise_pooled(&sheets, &track_of, Pooling::Round, 2);
        prop_assert_eq!(whole, normalise(&sheets, 2));
        let (pooled, pools) = normalise_pooled(&sheets, &track_of, Pooling::Track, 2);
        prop_assert_eq!(pooled.sheets.len(), sheets.len());
        for pool in &pools {
            let track = pool.track;
            let alone: Vec<SheetTotal> = sheets
                .iter()
                .filter(|s| track_of.get(&s.dossier).copied() == track)
                .copied()
                .collect();
            let expected = normalise(&alone, 2);
            prop_assert_eq!(pool.stats, expected.round);
            let got: Vec<NormalisedSheet> = pooled
                .sheets
                .iter()
                .filter(|s| track_of.get(&s.dossier).copied() == track)
                .copied()
                .collect();
            prop_assert_eq!(got, expected.sheets);
        }
    }

    #[test]
    fn removing_a_dossier_keeps_the_others_in_order(
        scores in dossier_scores(),
        remove in any::<usize>(),
    ) {
        let mut seen = BTreeSet::new();
        let mut scores: Vec<DossierScore> =
            scores.into_iter().filter(|d| seen.insert(d.dossier)).collect();
        prop_assume!(!scores.is_empty());
        let tie = vec!["innovation".to_string()];
        let before = rank(&scores, &tie);
        let gone = scores.remove(remove % scores.len()).dossier;
        let after = rank(&scores, &tie);
        let expected: Vec<i64> = order(&before).into_iter().filter(|d| *d != gone).collect();
        prop_assert_eq!(order(&after), expected);
    }
}
