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

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::ranking::Ranked;

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
    let special_prize = finals
        .values()
        .flatten()
        .filter(|r| women_led.contains(&r.dossier))
        .filter(|r| cumulate || !awarded.contains(&r.dossier))
        .min_by(|a, b| a.cmp_rank(b))
        .map(|r| r.dossier);
    Laureates {
        categories,
        special_prize,
    }
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
    use crate::review::ranking::{rank, DossierScore};

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
