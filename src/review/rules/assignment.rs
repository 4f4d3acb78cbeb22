//! Assignment of dossiers to preselection reviewers.
//!
//! Every dossier should be read by `k` distinct reviewers, none of whom has
//! declared a conflict of interest with it, and the reading load should be as
//! even as possible. The procedure is greedy and deterministic:
//!
//! 1. Assignments already made are kept and count both for their dossier and
//!    for their reviewer's load. An existing pair that is now in conflict is
//!    counted for neither (that reviewer will abstain on it).
//! 2. Dossiers are served in order of fewest eligible reviewers first (ties:
//!    lower dossier id), so that dossiers with many conflicts are not left
//!    with nobody because their few possible reviewers were used up.
//! 3. Each dossier takes, among the eligible reviewers it does not have yet,
//!    those with the lowest current load (ties: lower reviewer id) until it
//!    has `k`. Without conflicts or earlier assignments this keeps every
//!    reviewer's load within one of the others'.
//! 4. A dossier that cannot reach `k` gets everyone possible and is reported
//!    with the number of reviewers still missing.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// Result of [`assign`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Assignment {
    /// New `(reviewer, dossier)` pairs, in the order they were chosen.
    pub pairs: Vec<(i64, i64)>,
    /// `(dossier, missing)` for dossiers left with fewer than `k` reviewers,
    /// by dossier id.
    pub short: Vec<(i64, usize)>,
}

/// Assigns `k` reviewers to every dossier (see the module documentation).
/// `conflicts` and `existing` hold `(reviewer, dossier)` pairs; duplicate ids
/// in `dossiers` or `reviewers` are ignored.
pub fn assign(
    dossiers: &[i64],
    reviewers: &[i64],
    k: usize,
    conflicts: &BTreeSet<(i64, i64)>,
    existing: &[(i64, i64)],
) -> Assignment {
    let dossiers: BTreeSet<i64> = dossiers.iter().copied().collect();
    let reviewers: BTreeSet<i64> = reviewers.iter().copied().collect();

    let mut load: BTreeMap<i64, usize> = reviewers.iter().map(|r| (*r, 0)).collect();
    let mut have: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
    for &(r, d) in existing {
        if conflicts.contains(&(r, d)) {
            continue;
        }
        if have.entry(d).or_default().insert(r) {
            if let Some(l) = load.get_mut(&r) {
                *l += 1;
            }
        }
    }

    let eligible = |d: i64| {
        reviewers
            .iter()
            .filter(move |r| !conflicts.contains(&(**r, d)))
            .copied()
    };
    let mut order: Vec<(usize, i64)> = dossiers
        .iter()
        .map(|d| (eligible(*d).count(), *d))
        .collect();
    order.sort_unstable();

    let mut result = Assignment::default();
    let empty = BTreeSet::new();
    for (_, d) in order {
        let already = have.get(&d).unwrap_or(&empty);
        let need = k.saturating_sub(already.len());
        if need == 0 {
            continue;
        }
        let mut options: Vec<(usize, i64)> = eligible(d)
            .filter(|r| !already.contains(r))
            .map(|r| (load.get(&r).copied().unwrap_or(0), r))
            .collect();
        options.sort_unstable();
        let chosen: Vec<i64> = options.iter().take(need).map(|(_, r)| *r).collect();
        for r in &chosen {
            if let Some(l) = load.get_mut(r) {
                *l += 1;
            }
            result.pairs.push((*r, d));
        }
        if chosen.len() < need {
            result.short.push((d, need - chosen.len()));
        }
    }
    result.short.sort_unstable();
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn loads(pairs: &[(i64, i64)], reviewers: &[i64]) -> Vec<usize> {
        reviewers
            .iter()
            .map(|r| pairs.iter().filter(|(x, _)| x == r).count())
            .collect()
    }

    #[test]
    fn balanced_without_conflicts() {
        let a = assign(&[1, 2, 3, 4], &[10, 20, 30], 2, &BTreeSet::new(), &[]);
        assert!(a.short.is_empty());
        assert_eq!(a.pairs.len(), 8);
        // Least loaded first, ties by reviewer id.
        assert_eq!(
            a.pairs,
            [
                (10, 1),
                (20, 1),
                (30, 2),
                (10, 2),
                (20, 3),
                (30, 3),
                (10, 4),
                (20, 4)
            ]
        );
        assert_eq!(loads(&a.pairs, &[10, 20, 30]), [3, 3, 2]);
    }

    #[test]
    fn conflicted_dossier_is_served_first() {
        // Dossier 2 can only be read by reviewer 30, so it is served first;
        // dossier 1 then takes the two least loaded: 10 and 20.
        let conflicts = BTreeSet::from([(10, 2), (20, 2)]);
        let a = assign(&[1, 2], &[10, 20, 30], 2, &conflicts, &[]);
        assert_eq!(a.pairs[0], (30, 2));
        assert_eq!(a.short, [(2, 1)]);
        assert!(a.pairs.contains(&(10, 1)) && a.pairs.contains(&(20, 1)));
        assert!(!a.pairs.iter().any(|p| conflicts.contains(p)));
    }

    #[test]
    fn existing_pairs_count() {
        let existing = [(10, 1), (10, 2), (20, 2), (30, 3)];
        // (30, 3) is now a conflict: it does not count, and 30 is not reassigned to 3.
        let conflicts = BTreeSet::from([(30, 3)]);
        let a = assign(&[1, 2, 3], &[10, 20, 30], 2, &conflicts, &existing);
        assert!(a.short.is_empty());
        assert!(!a.pairs.iter().any(|(_, d)| *d == 2));
        assert!(!a.pairs.contains(&(10, 1)) && !a.pairs.contains(&(30, 3)));
        // Loads before: 10 → 2, 20 → 1, 30 → 0. Dossier 3 (2 eligible) first:
        // 20 (less loaded), then 10. Then dossier 1 needs one more: 30 (load 0).
        assert_eq!(a.pairs, [(20, 3), (10, 3), (30, 1)]);
    }

    #[test]
    fn nobody_available() {
        let a = assign(&[5], &[], 3, &BTreeSet::new(), &[]);
        assert_eq!(a.short, [(5, 3)]);
        let a = assign(&[5], &[1], 0, &BTreeSet::new(), &[]);
        assert_eq!(a, Assignment::default());
    }

    /// dossiers, reviewers, k, conflicts, existing pairs.
    type Case = (
        Vec<i64>,
        Vec<i64>,
        usize,
        BTreeSet<(i64, i64)>,
        Vec<(i64, i64)>,
    );

    fn case() -> impl Strategy<Value = Case> {
        (1usize..30, 0usize..10, 0usize..5).prop_flat_map(|(nd, nr, k)| {
            let dossiers: Vec<i64> = (1..=nd as i64).map(|d| d * 3).collect();
            let reviewers: Vec<i64> = (1..=nr as i64).map(|r| 100 + r).collect();
            let pair =
                (0..nr.max(1), 0..nd).prop_map(|(r, d)| (101 + r as i64, 3 * (d as i64 + 1)));
            (
                Just(dossiers),
                Just(reviewers),
                Just(k),
                proptest::collection::btree_set(pair.clone(), 0..40),
                proptest::collection::vec(pair, 0..20),
            )
        })
    }

    proptest! {
        #[test]
        fn assignment_rules((dossiers, reviewers, k, conflicts, existing) in case()) {
            let a = assign(&dossiers, &reviewers, k, &conflicts, &existing);
            let mut all: BTreeSet<(i64, i64)> = BTreeSet::new();
            for p in &a.pairs {
                prop_assert!(!conflicts.contains(p), "conflicted pair {:?}", p);
                prop_assert!(!existing.contains(p), "pair already existed {:?}", p);
                prop_assert!(all.insert(*p), "duplicate pair {:?}", p);
            }
            for &d in &dossiers {
                let kept: BTreeSet<i64> = existing
                    .iter()
                    .filter(|p| p.1 == d && !conflicts.contains(p))
                    .map(|p| p.0)
                    .collect();
                // Kept reviewers may have left the list; they still count.
                let mut possible = kept.clone();
                possible.extend(reviewers.iter().filter(|r| !conflicts.contains(&(**r, d))));
                let new = a.pairs.iter().filter(|p| p.1 == d).count();
                let expected = kept.len().max(k.min(possible.len()));
                prop_assert_eq!(kept.len() + new, expected, "dossier {}", d);
                let short = a.short.iter().find(|s| s.0 == d).map(|s| s.1).unwrap_or(0);
                prop_assert_eq!(short, k.saturating_sub(expected));
            }
        }

        #[test]
        fn balanced_load_without_conflicts(nd in 0usize..60, nr in 1usize..15, k in 0usize..6) {
            let dossiers: Vec<i64> = (0..nd as i64).collect();
            let reviewers: Vec<i64> = (0..nr as i64).map(|r| r * 5).collect();
            let a = assign(&dossiers, &reviewers, k, &BTreeSet::new(), &[]);
            let l = loads(&a.pairs, &reviewers);
            let (min, max) = (l.iter().min().copied().unwrap_or(0), l.iter().max().copied().unwrap_or(0));
            prop_assert!(max - min <= 1, "loads {:?}", l);
            prop_assert_eq!(a.pairs.len(), nd * k.min(nr));
        }
    }
}
