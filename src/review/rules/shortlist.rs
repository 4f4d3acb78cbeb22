//! Proposal of the shortlist (liste des présélectionnés) from the
//! preselection ranking, and the written justification an organiser must
//! give to change it.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::ranking::{same_score, tie_steps, Ranked, TieStep};
use crate::domain::types::UserMessage;

/// A ranked dossier and the track (category) it competes in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub track: i64,
    pub ranked: Ranked,
}

/// Proposes up to `n` dossiers, in two passes over the candidates taken in
/// ranking order (the order of [`super::ranking::rank`]):
///
/// 1. reserved places: a candidate is taken while its track's quota (places
///    reserved for it in `quotas`) is not filled, capped by what the track
///    has; when the quotas add up to more than `n`, the best-ranked reserved
///    candidates get the places;
/// 2. remaining places: the best-ranked candidates not taken yet.
///
/// The result lists the dossiers of pass 1, then those of pass 2, each in
/// ranking order. A dossier listed twice is considered once.
pub fn propose(candidates: &[Candidate], n: usize, quotas: &BTreeMap<i64, usize>) -> Vec<i64> {
    let mut order: Vec<&Candidate> = candidates.iter().collect();
    order.sort_by(|a, b| a.ranked.cmp_rank(&b.ranked));
    let mut left = quotas.clone();
    let mut taken = BTreeSet::new();
    let mut chosen = Vec::new();
    for c in &order {
        if chosen.len() >= n {
            break;
        }
        if let Some(q) = left.get_mut(&c.track) {
            if *q > 0 && taken.insert(c.ranked.dossier) {
                *q -= 1;
                chosen.push(c.ranked.dossier);
            }
        }
    }
    for c in &order {
        if chosen.len() >= n {
            break;
        }
        if taken.insert(c.ranked.dossier) {
            chosen.push(c.ranked.dossier);
        }
    }
    chosen
}

/// An exact tie across the cut of the shortlist: `kept` is on it, `left_out` is not, both
/// with the same score, and the tie-break chain put `kept` first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CutTie {
    pub kept: i64,
    pub left_out: i64,
    /// The rules applied (with the criteria `keys` given), the last one decided.
    pub steps: Vec<TieStep>,
}

/// The exact ties a shortlist (`chosen`) leaves across its cut, so that none is decided
/// silently: for each candidate left out whose score equals that of a chosen candidate
/// ranked before it, the pair with the lowest-ranked such chosen candidate (the place the
/// tie-break chain decided). In ranking order of the candidates left out. `keys` gives each
/// track's tie-break criteria.
pub fn ties_at_the_cut(
    candidates: &[Candidate],
    chosen: &[i64],
    keys: &BTreeMap<i64, Vec<String>>,
) -> Vec<CutTie> {
    let chosen: BTreeSet<i64> = chosen.iter().copied().collect();
    let mut order: Vec<&Candidate> = candidates.iter().collect();
    order.sort_by(|a, b| a.ranked.cmp_rank(&b.ranked));
    let none = Vec::new();
    let mut ties = Vec::new();
    for (i, out) in order.iter().enumerate() {
        if chosen.contains(&out.ranked.dossier) {
            continue;
        }
        let kept = order[..i]
            .iter()
            .rev()
            .find(|c| chosen.contains(&c.ranked.dossier) && same_score(&c.ranked, &out.ranked));
        if let Some(kept) = kept {
            let keys = keys.get(&kept.track).unwrap_or(&none);
            if let Some(steps) = tie_steps(&kept.ranked, &out.ranked, keys) {
                ties.push(CutTie {
                    kept: kept.ranked.dossier,
                    left_out: out.ranked.dossier,
                    steps,
                });
            }
        }
    }
    ties
}

/// Why a justification was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum JustificationError {
    #[error("justification shorter than {} characters", Justification::MIN_CHARS)]
    TooShort,
    #[error("justification longer than {} characters", Justification::MAX_CHARS)]
    TooLong,
}

/// Said to the organiser beside the justification.
impl UserMessage for JustificationError {
    fn key(&self) -> &'static str {
        match self {
            JustificationError::TooShort => "shortlist-error-justification-short",
            JustificationError::TooLong => "shortlist-error-justification-long",
        }
    }

    fn args(&self, _: crate::domain::types::Lang) -> Vec<(&'static str, String)> {
        let chars = match self {
            JustificationError::TooShort => Justification::MIN_CHARS,
            JustificationError::TooLong => Justification::MAX_CHARS,
        };
        vec![("chars", chars.to_string())]
    }
}

/// The written reason for moving a dossier into or out of the proposed
/// shortlist: trimmed, 15 to 2000 characters (Unicode characters, not bytes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Justification(String);

impl Justification {
    pub const MIN_CHARS: usize = 15;
    pub const MAX_CHARS: usize = 2000;

    pub fn parse(s: &str) -> Result<Justification, JustificationError> {
        let s = s.trim();
        let n = s.chars().count();
        if n < Self::MIN_CHARS {
            Err(JustificationError::TooShort)
        } else if n > Self::MAX_CHARS {
            Err(JustificationError::TooLong)
        } else {
            Ok(Justification(s.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Justification {
    type Error = JustificationError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Justification::parse(&s)
    }
}

impl From<Justification> for String {
    fn from(j: Justification) -> String {
        j.0
    }
}

/// The chosen dossiers in ranking order, whichever pass of the proposal chose them.
pub fn in_ranking_order(candidates: &[Candidate], chosen: &[i64]) -> Vec<i64> {
    let mut sorted: Vec<&Candidate> = candidates.iter().collect();
    sorted.sort_by(|a, b| a.ranked.cmp_rank(&b.ranked));
    let order: BTreeMap<i64, usize> = sorted
        .iter()
        .enumerate()
        .map(|(i, c)| (c.ranked.dossier, i))
        .collect();
    let mut in_order = chosen.to_vec();
    in_order.sort_by_key(|id| order.get(id).copied().unwrap_or(usize::MAX));
    in_order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::types::Lang;
    use crate::i18n::Say;
    use crate::review::rules::ranking::{rank, DossierScore};
    use proptest::prelude::*;

    /// Candidates ranked by `rank`, from (dossier, track, score).
    fn candidates(rows: &[(i64, i64, f64)]) -> Vec<Candidate> {
        let scores: Vec<DossierScore> = rows
            .iter()
            .map(|(d, _, s)| DossierScore {
                dossier: *d,
                submitted_at: 0,
                score: *s,
                sheets: 3,
                spread: 0.0,
                disputed: false,
                criterion_means: BTreeMap::new(),
            })
            .collect();
        let tracks: BTreeMap<i64, i64> = rows.iter().map(|(d, t, _)| (*d, *t)).collect();
        rank(&scores, &[])
            .into_iter()
            .map(|r| Candidate {
                track: tracks[&r.dossier],
                ranked: r,
            })
            .collect()
    }

    #[test]
    fn a_tie_across_the_cut_is_named() {
        // 2 and 3 share 70; the shortlist of two keeps 1 and 2 (2 is the lower number).
        let c = candidates(&[(1, 7, 90.0), (2, 7, 70.0), (3, 8, 70.0), (4, 8, 60.0)]);
        let chosen = propose(&c, 2, &BTreeMap::new());
        assert_eq!(chosen, [1, 2]);
        let ties = ties_at_the_cut(&c, &chosen, &BTreeMap::new());
        assert_eq!(ties.len(), 1);
        assert_eq!((ties[0].kept, ties[0].left_out), (2, 3));
        assert_eq!(
            ties[0].steps.last(),
            Some(&TieStep::DossierNumber {
                ahead: 2,
                behind: 3
            })
        );
        // A cut between different scores: no tie.
        assert!(ties_at_the_cut(&c, &[1, 2, 3], &BTreeMap::new()).is_empty());
    }

    #[test]
    fn quotas_then_overall_order() {
        // Track 1 dominates; track 2 has one place reserved, track 3 two but only one dossier.
        let c = candidates(&[
            (1, 1, 90.0),
            (2, 1, 85.0),
            (3, 1, 80.0),
            (4, 2, 60.0),
            (5, 2, 55.0),
            (6, 3, 40.0),
            (7, 1, 75.0),
        ]);
        let quotas = BTreeMap::from([(2, 1), (3, 2)]);
        assert_eq!(propose(&c, 4, &quotas), [4, 6, 1, 2]);
        assert_eq!(propose(&c, 4, &BTreeMap::new()), [1, 2, 3, 7]);
        // Quotas larger than n: the best-ranked reserved candidates win.
        assert_eq!(propose(&c, 1, &quotas), [4]);
        assert_eq!(propose(&c, 0, &quotas), Vec::<i64>::new());
        assert_eq!(propose(&c, 100, &quotas).len(), 7);
        // Input order does not matter.
        let mut rev = c.clone();
        rev.reverse();
        assert_eq!(propose(&rev, 4, &quotas), [4, 6, 1, 2]);
    }

    #[test]
    fn justification_bounds() {
        assert_eq!(
            Justification::parse("  trop court  "),
            Err(JustificationError::TooShort)
        );
        assert_eq!(Justification::parse(""), Err(JustificationError::TooShort));
        let ok = Justification::parse("  Dossier incomplet : pièce manquante. ").unwrap();
        assert_eq!(ok.as_str(), "Dossier incomplet : pièce manquante.");
        // 15 characters, some of them two bytes long.
        assert!(Justification::parse("éééééééééééééé.").is_ok());
        assert!(Justification::parse(&"a".repeat(2000)).is_ok());
        assert_eq!(
            Justification::parse(&"a".repeat(2001)),
            Err(JustificationError::TooLong)
        );
        assert_eq!(
            JustificationError::TooShort.message(Lang::Fr),
            "La justification doit compter au moins 15 caractères."
        );
        assert_eq!(
            JustificationError::TooLong.message(Lang::En),
            "The justification must not exceed 2000 characters."
        );
        assert!(serde_json::from_str::<Justification>("\"court\"").is_err());
    }

    proptest! {
        #[test]
        fn every_tie_across_the_cut_is_named(
            rows in proptest::collection::vec((1i64..3, proptest::sample::select(vec![50.0, 60.0, 70.0])), 0..10),
            n in 0usize..10,
        ) {
            let rows: Vec<(i64, i64, f64)> = rows
                .iter()
                .enumerate()
                .map(|(i, (t, s))| (i as i64 + 1, *t, *s))
                .collect();
            let c = candidates(&rows);
            let chosen = propose(&c, n, &BTreeMap::new());
            let ties = ties_at_the_cut(&c, &chosen, &BTreeMap::new());
            let score: BTreeMap<i64, f64> = rows.iter().map(|(d, _, s)| (*d, *s)).collect();
            // Exactly the left-out dossiers that share a chosen one's score are named.
            let mut expected: Vec<i64> = c
                .iter()
                .map(|x| x.ranked.dossier)
                .filter(|d| !chosen.contains(d))
                .filter(|d| chosen.iter().any(|k| score[k] == score[d]))
                .collect();
            expected.sort_unstable();
            let mut named: Vec<i64> = ties.iter().map(|t| t.left_out).collect();
            named.sort_unstable();
            prop_assert_eq!(named, expected);
            for t in &ties {
                prop_assert!(chosen.contains(&t.kept));
                prop_assert_eq!(score[&t.kept], score[&t.left_out]);
            }
        }
    }

    proptest! {
        #[test]
        fn proposal_rules(
            rows in proptest::collection::vec((0i64..4, 0.0f64..100.0), 0..30),
            n in 0usize..20,
            quotas in proptest::collection::btree_map(0i64..5, 0usize..5, 0..4),
        ) {
            let rows: Vec<(i64, i64, f64)> =
                rows.into_iter().enumerate().map(|(i, (t, s))| (i as i64, t, s)).collect();
            let c = candidates(&rows);
            let p = propose(&c, n, &quotas);
            prop_assert_eq!(p.len(), n.min(c.len()));
            let unique: BTreeSet<i64> = p.iter().copied().collect();
            prop_assert_eq!(unique.len(), p.len());
            let track: BTreeMap<i64, i64> = rows.iter().map(|(d, t, _)| (*d, *t)).collect();
            let reserved: usize = quotas
                .iter()
                .map(|(t, q)| (*q).min(rows.iter().filter(|r| r.1 == *t).count()))
                .sum();
            if reserved <= n {
                for (t, q) in &quotas {
                    let has = rows.iter().filter(|r| r.1 == *t).count();
                    let got = p.iter().filter(|d| track[*d] == *t).count();
                    prop_assert!(got >= (*q).min(has), "track {} got {} of quota {}", t, got, q);
                }
            }
            if quotas.is_empty() {
                let top: Vec<i64> = c.iter().take(n).map(|x| x.ranked.dossier).collect();
                prop_assert_eq!(p, top);
            }
        }
    }
}
