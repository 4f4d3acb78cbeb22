//! Deliberation: laureates of each category and the special prize for the
//! best women-led initiative, and what a correction changes.
//!
//! Rules:
//! - In each category (track), the first `top_n` finalists of the final
//!   ranking (3 by default) are the laureates, in ranking order.
//! - The special prize goes to the best women-led finalist across all
//!   categories, compared by final score, then by the same tie-break chain as
//!   the ranking (tie-break criteria, earlier submission, lower dossier id).
//! - Unless `cumulate` is true (by default it is false), a category laureate
//!   cannot also receive the special prize, and it goes to the next
//!   women-led finalist. No eligible finalist: no special prize.
//! - An exact tie that decides a prize is never silent: [`prize_ties`] lists
//!   every one (a place of the podium or the threshold to it, and the special
//!   prize) with the rules of the chain that broke it, to be shown to the jury
//!   and stored with the published results.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::ranking::{decided_arbitrarily, tie_steps, Ranked, TieStep};

/// Laureates per category.
pub const DEFAULT_TOP_N: usize = 3;

/// Result of a deliberation.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Laureates {
    /// Track id → `(position 1..=top_n, dossier)`, in position order.
    pub categories: BTreeMap<i64, Vec<(usize, i64)>>,
    pub special_prize: Option<i64>,
}

/// Computes the laureates from the final ranking of each category (track id
/// → ranking, as given by [`super::ranking::rank`] with the same tie-break
/// criteria for every category). `women_led` lists women-led dossiers.
pub fn laureates(
    finals: &BTreeMap<i64, Vec<Ranked>>,
    women_led: &BTreeSet<i64>,
    top_n: usize,
    cumulate: bool,
) -> Laureates {
    let mut categories = BTreeMap::new();
    let mut awarded = BTreeSet::new();
    for (track, ranking) in finals {
        let mut sorted: Vec<&Ranked> = ranking.iter().collect();
        // The published positions first; the ranking order only guards against
        // duplicated positions.
        sorted.sort_by(|a, b| a.position.cmp(&b.position).then_with(|| a.cmp_rank(b)));
        let top: Vec<(usize, i64)> = sorted
            .iter()
            .take(top_n)
            .enumerate()
            .map(|(i, r)| (i + 1, r.dossier))
            .collect();
        awarded.extend(top.iter().map(|(_, d)| *d));
        categories.insert(*track, top);
    }
    let special_prize = special_candidates(finals, women_led, &awarded, cumulate)
        .first()
        .map(|r| r.dossier);
    Laureates {
        categories,
        special_prize,
    }
}

/// The finalists who may receive the special prize, best first.
fn special_candidates<'a>(
    finals: &'a BTreeMap<i64, Vec<Ranked>>,
    women_led: &BTreeSet<i64>,
    awarded: &BTreeSet<i64>,
    cumulate: bool,
) -> Vec<&'a Ranked> {
    let mut candidates: Vec<&Ranked> = finals
        .values()
        .flatten()
        .filter(|r| women_led.contains(&r.dossier))
        .filter(|r| cumulate || !awarded.contains(&r.dossier))
        .collect();
    candidates.sort_by(|a, b| a.cmp_rank(b));
    candidates
}

/// An exact tie (equal scores) that decided a prize, and how the chain broke it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrizeTie {
    /// The category, or `None` for the special prize.
    pub track: Option<i64>,
    /// The place at stake: `ahead` got it, `behind` the next one (or no prize).
    pub place: usize,
    pub ahead: i64,
    pub behind: i64,
    /// The rules applied in order; the last one decided.
    pub steps: Vec<TieStep>,
}

impl PrizeTie {
    /// Decided by submission time or dossier number, not by merit.
    pub fn is_arbitrary(&self) -> bool {
        decided_arbitrarily(&self.steps)
    }
}

/// Every exact tie that decided a prize: in each category, between neighbours
/// where the first holds a place `1..=top_n` (so a tie between the third and
/// the fourth counts: it decides who gets a prize at all); for the special
/// prize, between the winner and the next candidate. `keys` gives each
/// category's tie-break criteria (as given to [`super::ranking::rank`]); the
/// special prize is explained with the winner's.
pub fn prize_ties(
    finals: &BTreeMap<i64, Vec<Ranked>>,
    keys: &BTreeMap<i64, Vec<String>>,
    women_led: &BTreeSet<i64>,
    top_n: usize,
    cumulate: bool,
) -> Vec<PrizeTie> {
    let none = Vec::new();
    let mut ties = Vec::new();
    let mut awarded = BTreeSet::new();
    let mut track_of = BTreeMap::new();
    for (track, ranking) in finals {
        let keys = keys.get(track).unwrap_or(&none);
        let mut sorted: Vec<&Ranked> = ranking.iter().collect();
        sorted.sort_by(|a, b| a.position.cmp(&b.position).then_with(|| a.cmp_rank(b)));
        awarded.extend(sorted.iter().take(top_n).map(|r| r.dossier));
        track_of.extend(sorted.iter().map(|r| (r.dossier, *track)));
        for (i, pair) in sorted.windows(2).enumerate().take(top_n) {
            if let Some(steps) = tie_steps(pair[0], pair[1], keys) {
                ties.push(PrizeTie {
                    track: Some(*track),
                    place: i + 1,
                    ahead: pair[0].dossier,
                    behind: pair[1].dossier,
                    steps,
                });
            }
        }
    }
    let candidates = special_candidates(finals, women_led, &awarded, cumulate);
    if let [winner, next, ..] = candidates.as_slice() {
        let keys = track_of
            .get(&winner.dossier)
            .and_then(|t| keys.get(t))
            .unwrap_or(&none);
        if let Some(steps) = tie_steps(winner, next, keys) {
            ties.push(PrizeTie {
                track: None,
                place: 1,
                ahead: winner.dossier,
                behind: next.dossier,
                steps,
            });
        }
    }
    ties
}

/// One difference between two publications of the results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// The dossier is now a laureate of the category.
    Entered {
        track: i64,
        dossier: i64,
        position: usize,
    },
    /// The dossier is no longer a laureate of the category.
    Left {
        track: i64,
        dossier: i64,
        position: usize,
    },
    /// Still a laureate, at another position.
    Moved {
        track: i64,
        dossier: i64,
        from: usize,
        to: usize,
    },
    SpecialPrize {
        from: Option<i64>,
        to: Option<i64>,
    },
}

/// What a correction changes, by track id; within a track, entries and moves
/// in new-position order, then departures in old-position order; the
/// special prize last. Empty when nothing changed.
pub fn diff(previous: &Laureates, next: &Laureates) -> Vec<Change> {
    let mut changes = Vec::new();
    let tracks: BTreeSet<i64> = previous
        .categories
        .keys()
        .chain(next.categories.keys())
        .copied()
        .collect();
    let none = Vec::new();
    for track in tracks {
        let before = previous.categories.get(&track).unwrap_or(&none);
        let after = next.categories.get(&track).unwrap_or(&none);
        let old_pos: BTreeMap<i64, usize> = before.iter().map(|(p, d)| (*d, *p)).collect();
        let new_pos: BTreeMap<i64, usize> = after.iter().map(|(p, d)| (*d, *p)).collect();
        for &(position, dossier) in after {
            match old_pos.get(&dossier) {
                None => changes.push(Change::Entered {
                    track,
                    dossier,
                    position,
                }),
                Some(&from) if from != position => changes.push(Change::Moved {
                    track,
                    dossier,
                    from,
                    to: position,
                }),
                Some(_) => {}
            }
        }
        for &(position, dossier) in before {
            if !new_pos.contains_key(&dossier) {
                changes.push(Change::Left {
                    track,
                    dossier,
                    position,
                });
            }
        }
    }
    if previous.special_prize != next.special_prize {
        changes.push(Change::SpecialPrize {
            from: previous.special_prize,
            to: next.special_prize,
        });
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::rules::ranking::{rank, DossierScore};

    /// A category ranking from (dossier, score), through `rank`.
    fn ranking(rows: &[(i64, f64)]) -> Vec<Ranked> {
        let scores: Vec<DossierScore> = rows
            .iter()
            .map(|(d, s)| DossierScore {
                dossier: *d,
                submitted_at: 1_000 + d,
                score: *s,
                sheets: 5,
                spread: 0.0,
                disputed: false,
                criterion_means: BTreeMap::new(),
            })
            .collect();
        rank(&scores, &[])
    }

    fn finals() -> BTreeMap<i64, Vec<Ranked>> {
        BTreeMap::from([
            (
                1,
                ranking(&[(11, 90.0), (12, 80.0), (13, 70.0), (14, 60.0)]),
            ),
            (
                2,
                ranking(&[(21, 85.0), (22, 75.0), (23, 65.0), (24, 64.0)]),
            ),
        ])
    }

    #[test]
    fn categories_take_the_top_three() {
        let l = laureates(&finals(), &BTreeSet::new(), DEFAULT_TOP_N, false);
        assert_eq!(l.categories[&1], [(1, 11), (2, 12), (3, 13)]);
        assert_eq!(l.categories[&2], [(1, 21), (2, 22), (3, 23)]);
        assert_eq!(l.special_prize, None);
    }

    #[test]
    fn fewer_finalists_than_places() {
        let f = BTreeMap::from([(1, ranking(&[(11, 50.0), (12, 60.0)])), (2, Vec::new())]);
        let l = laureates(&f, &BTreeSet::from([12]), 3, false);
        assert_eq!(l.categories[&1], [(1, 12), (2, 11)]);
        assert!(l.categories[&2].is_empty());
        assert_eq!(l.special_prize, None);
    }

    #[test]
    fn special_prize_without_cumulation() {
        // 12 (80, a category laureate) and 24 (64) and 14 (60) are women-led.
        let women = BTreeSet::from([12, 24, 14]);
        let l = laureates(&finals(), &women, 3, false);
        assert_eq!(l.special_prize, Some(24));
        // Cumulation allowed: the best women-led finalist overall.
        let l = laureates(&finals(), &women, 3, true);
        assert_eq!(l.special_prize, Some(12));
        // Only laureates are women-led and no cumulation: no special prize.
        let l = laureates(&finals(), &BTreeSet::from([11, 21]), 3, false);
        assert_eq!(l.special_prize, None);
        // A women-led dossier that is not a finalist cannot win it.
        let l = laureates(&finals(), &BTreeSet::from([99]), 3, true);
        assert_eq!(l.special_prize, None);
    }

    #[test]
    fn special_prize_tie_uses_the_ranking_chain() {
        // 14 and 24 both at 62: the earlier submission (14, submitted at 1014) wins.
        let f = BTreeMap::from([
            (
                1,
                ranking(&[(11, 90.0), (12, 80.0), (13, 70.0), (14, 62.0)]),
            ),
            (
                2,
                ranking(&[(21, 85.0), (22, 75.0), (23, 65.0), (24, 62.0)]),
            ),
        ]);
        let l = laureates(&f, &BTreeSet::from([24, 14]), 3, false);
        assert_eq!(l.special_prize, Some(14));
    }

    #[test]
    fn a_three_way_tie_on_the_podium_is_listed_with_its_rules() {
        // 11, 12 and 13 share 80 (submitted at 1011, 1012, 1013): the chain has no
        // criterion, so the submission time decides, arbitrarily. 14 and 15 tie below
        // the podium: no prize depends on it.
        let f = BTreeMap::from([(
            1,
            ranking(&[(13, 80.0), (11, 80.0), (12, 80.0), (14, 60.0), (15, 60.0)]),
        )]);
        let ties = prize_ties(&f, &BTreeMap::new(), &BTreeSet::new(), 3, false);
        assert_eq!(ties.len(), 2, "{ties:?}");
        assert_eq!((ties[0].place, ties[0].ahead, ties[0].behind), (1, 11, 12));
        assert_eq!((ties[1].place, ties[1].ahead, ties[1].behind), (2, 12, 13));
        assert!(ties.iter().all(PrizeTie::is_arbitrary));
        assert_eq!(
            ties[0].steps,
            [TieStep::SubmissionTime {
                ahead: 1011,
                behind: 1012
            }]
        );
        // A tie between the third and the fourth decides who gets a prize at all.
        let f = BTreeMap::from([(
            1,
            ranking(&[(11, 90.0), (12, 80.0), (13, 70.0), (14, 70.0)]),
        )]);
        let ties = prize_ties(&f, &BTreeMap::new(), &BTreeSet::new(), 3, false);
        assert_eq!(ties.len(), 1);
        assert_eq!((ties[0].place, ties[0].ahead, ties[0].behind), (3, 13, 14));
        // The special prize: 14 and 24 both at 62.
        let f = BTreeMap::from([
            (
                1,
                ranking(&[(11, 90.0), (12, 80.0), (13, 70.0), (14, 62.0)]),
            ),
            (
                2,
                ranking(&[(21, 85.0), (22, 75.0), (23, 65.0), (24, 62.0)]),
            ),
        ]);
        let ties = prize_ties(&f, &BTreeMap::new(), &BTreeSet::from([14, 24]), 3, false);
        assert_eq!(ties.len(), 1);
        assert_eq!(ties[0].track, None);
        assert_eq!((ties[0].ahead, ties[0].behind), (14, 24));
        // No tie, nothing listed.
        assert!(
            prize_ties(&finals(), &BTreeMap::new(), &BTreeSet::from([14]), 3, false).is_empty()
        );
    }

    proptest::proptest! {
        #[test]
        fn every_tie_deciding_a_place_is_listed(
            scores in proptest::collection::vec(proptest::sample::select(vec![50.0, 60.0, 70.0]), 0..8),
            top_n in 1usize..4,
        ) {
            let rows: Vec<(i64, f64)> =
                scores.iter().enumerate().map(|(i, s)| (i as i64 + 1, *s)).collect();
            let f = BTreeMap::from([(1, ranking(&rows))]);
            let ties = prize_ties(&f, &BTreeMap::new(), &BTreeSet::new(), top_n, false);
            let r = &f[&1];
            let expected: Vec<(usize, i64, i64)> = r
                .windows(2)
                .filter(|w| w[0].position <= top_n && w[0].score == w[1].score)
                .map(|w| (w[0].position, w[0].dossier, w[1].dossier))
                .collect();
            let got: Vec<(usize, i64, i64)> =
                ties.iter().map(|t| (t.place, t.ahead, t.behind)).collect();
            proptest::prop_assert_eq!(got, expected);
            // The laureates are the ranking's first places, ties or not.
            let l = laureates(&f, &BTreeSet::new(), top_n, false);
            let firsts: Vec<i64> = r.iter().take(top_n).map(|x| x.dossier).collect();
            let named: Vec<i64> = l.categories[&1].iter().map(|(_, d)| *d).collect();
            proptest::prop_assert_eq!(named, firsts);
        }
    }

    #[test]
    fn diff_lists_what_a_correction_changes() {
        let before = laureates(&finals(), &BTreeSet::from([24, 14]), 3, false);
        assert_eq!(before.special_prize, Some(24));
        assert!(diff(&before, &before).is_empty());
        // Correction: 14's score in track 1 was 60, should have been 85; 24 withdrew.
        let mut corrected = finals();
        corrected.insert(
            1,
            ranking(&[(11, 90.0), (12, 80.0), (13, 70.0), (14, 85.0)]),
        );
        corrected.insert(2, ranking(&[(21, 85.0), (22, 75.0), (23, 65.0)]));
        corrected.insert(3, ranking(&[(31, 50.0)]));
        let after = laureates(&corrected, &BTreeSet::from([24, 14]), 3, false);
        assert_eq!(after.special_prize, None);
        assert_eq!(
            diff(&before, &after),
            [
                Change::Entered {
                    track: 1,
                    dossier: 14,
                    position: 2
                },
                Change::Moved {
                    track: 1,
                    dossier: 12,
                    from: 2,
                    to: 3
                },
                Change::Left {
                    track: 1,
                    dossier: 13,
                    position: 3
                },
                Change::Entered {
                    track: 3,
                    dossier: 31,
                    position: 1
                },
                Change::SpecialPrize {
                    from: Some(24),
                    to: None
                },
            ]
        );
        let json = serde_json::to_string(&Change::SpecialPrize {
            from: Some(24),
            to: None,
        })
        .unwrap();
        assert_eq!(json, r#"{"change":"special_prize","from":24,"to":null}"#);
    }
}
