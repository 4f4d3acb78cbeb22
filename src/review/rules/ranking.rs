//! From score sheets to a ranking.
//!
//! The arithmetic, in plain words:
//!
//! 1. **Sheet total.** Each sheet (one reviewer, one dossier) gets a total on
//!    a 0–100 scale: 100 times the sum of weight × points over the criteria,
//!    divided by the sum of weight × maximum points over the non-bonus
//!    criteria. Bonus criteria add on top, so only they can lift a total
//!    above 100. A reviewer who abstains because of a conflict of interest
//!    simply has no sheet for that dossier: abstentions are not zeros.
//!
//! 2. **Normalisation (preselection only).** Reviewers differ in severity and
//!    in how widely they spread their scores. Let `m` and `s` be the mean and
//!    the population standard deviation (square root of the mean squared
//!    distance to the mean) of all sheet totals of the round, and `m_r`, `s_r`
//!    the same figures for the sheets of reviewer `r`. With per-track pooling
//!    (a round setting, [`Pooling`]) each track is normalised on its own: `m`,
//!    `s`, `m_r` and `s_r` are taken over that track's sheets only. Each total `x` of
//!    reviewer `r` becomes `x' = m + (x − m_r) × s / s_r`: the reviewer's
//!    scores are shifted and stretched so that they have the round's mean and
//!    spread, while keeping the reviewer's own order. A reviewer with fewer
//!    than `min_sheets` sheets (5 by default: too few to judge their
//!    habits), or whose totals are all equal (`s_r` = 0), keeps the raw
//!    totals, and so does everybody when all totals of the round are equal
//!    (`s` = 0). "Equal" means a standard deviation below 10⁻⁹ points, to
//!    absorb rounding noise.
//!
//! 3. **Dossier score.** Preselection: the mean of the dossier's normalised
//!    totals. Final: the plain mean of the jurors' raw totals (each already a
//!    weighted mean of the criteria). The *spread* is the highest minus the
//!    lowest of the totals that were averaged; when it is above a threshold
//!    (25 points by default) the dossier is flagged as *disputed* so the
//!    committee can discuss it. The mean points of each criterion (missing
//!    bonus = 0) are kept for tie-breaks.
//!
//! 4. **Ranking.** Dossiers are ordered by higher score; on equal scores, by
//!    higher mean points on each tie-break criterion in the order given (for
//!    example innovation first); then by earlier submission; then by lower
//!    dossier number. Scores and criterion means are compared after rounding
//!    to the nearest millionth of a point, so that two values differing only
//!    by floating-point noise count as equal and the tie-break decides. The
//!    result is a strict order: every dossier gets its own place (1, 2, 3…),
//!    nobody shares a place, and the same inputs in any order give the same
//!    ranking.
//!
//! 5. **Ties are never silent.** Two neighbours with equal scores are an
//!    exact tie: [`tie_steps`] lists the rules of the chain applied to them,
//!    each with both values, the last one being the rule that decided. When
//!    no tie-break criterion separates them, the order comes from the
//!    submission instant or the dossier number: an arbitrary rule, not a
//!    judgement of merit, which the pages say plainly and which the jury
//!    must confirm before results are published.
//!
//! **Scale.** Sheet totals are on a 0–100 scale (bonus criteria aside).
//! Normalised totals are *not* clamped: stretching a narrow-scoring
//! reviewer's totals to the round's spread can carry a top total above 100
//! (103.01 was seen) or a bottom one below 0. Clamping would make distinct
//! dossiers equal and change the ranking, so the value is kept as computed,
//! the page says it may leave 0–100 and why, and the raw mean stays shown
//! beside it.

use crate::domain::types::UnknownValue;
use std::cmp::{Ordering, Reverse};
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::rubric::{Round, Rubric, ScoreSheet};

/// Reviewers with fewer sheets than this keep their raw totals.
pub const DEFAULT_MIN_SHEETS: usize = 5;

/// Spread (on the 0–100 scale) above which a dossier is flagged as disputed.
pub const DEFAULT_DISPUTE_THRESHOLD: f64 = 25.0;

/// Standard deviations below this are treated as zero (rounding noise).
const SD_EPSILON: f64 = 1e-9;

/// One reviewer's total for one dossier (at most one sheet per pair).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SheetTotal {
    pub reviewer: i64,
    pub dossier: i64,
    /// On the 0–100 scale (above 100 only through bonus criteria); finite.
    pub total: f64,
}

/// One reviewer's points for one dossier, as scored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewSheet {
    pub reviewer: i64,
    pub dossier: i64,
    pub points: ScoreSheet,
}

/// The weighted total of every sheet, in input order.
pub fn sheet_totals(rubric: &Rubric, sheets: &[ReviewSheet]) -> Vec<SheetTotal> {
    sheets
        .iter()
        .map(|s| SheetTotal {
            reviewer: s.reviewer,
            dossier: s.dossier,
            total: rubric.weighted_total(&s.points).value(),
        })
        .collect()
}

/// Count, mean and population standard deviation of a set of totals.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Stats {
    pub count: usize,
    pub mean: f64,
    pub sd: f64,
}

/// A reviewer's figures, and whether their totals were rescaled.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ReviewerStats {
    pub count: usize,
    pub mean: f64,
    pub sd: f64,
    pub rescaled: bool,
}

/// A sheet total before and after normalisation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NormalisedSheet {
    pub reviewer: i64,
    pub dossier: i64,
    pub raw: f64,
    /// Equal to `raw` when `rescaled` is false. Not clamped: may leave 0–100
    /// (see the module documentation, "Scale").
    pub normalised: f64,
    pub rescaled: bool,
}

/// Output of [`normalise`], with the figures the results page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Normalised {
    /// `m` and `s` of the whole round.
    pub round: Stats,
    pub reviewers: BTreeMap<i64, ReviewerStats>,
    /// In input order.
    pub sheets: Vec<NormalisedSheet>,
    pub min_sheets: usize,
}

#[derive(Default, Clone, Copy)]
struct Acc {
    count: usize,
    sum: f64,
    sq: f64,
}

impl Acc {
    fn mean(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.sum / self.count as f64
        }
    }

    fn sd(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            (self.sq / self.count as f64).sqrt()
        }
    }
}

/// Rescales each reviewer's totals to the round's mean and spread (see the
/// module documentation). Deterministic; sheets keep their input order.
pub fn normalise(sheets: &[SheetTotal], min_sheets: usize) -> Normalised {
    // Two passes (means, then squared distances) for numerical stability.
    let mut round = Acc::default();
    let mut per: BTreeMap<i64, Acc> = BTreeMap::new();
    for s in sheets {
        round.count += 1;
        round.sum += s.total;
        let a = per.entry(s.reviewer).or_default();
        a.count += 1;
        a.sum += s.total;
    }
    let m = round.mean();
    let means: BTreeMap<i64, f64> = per.iter().map(|(r, a)| (*r, a.mean())).collect();
    for s in sheets {
        round.sq += (s.total - m).powi(2);
        if let (Some(a), Some(mr)) = (per.get_mut(&s.reviewer), means.get(&s.reviewer)) {
            a.sq += (s.total - mr).powi(2);
        }
    }
    let sd = round.sd();
    let reviewers: BTreeMap<i64, ReviewerStats> = per
        .iter()
        .map(|(r, a)| {
            let sd_r = a.sd();
            let rescaled = a.count >= min_sheets && sd_r > SD_EPSILON && sd > SD_EPSILON;
            let stats = ReviewerStats {
                count: a.count,
                mean: a.mean(),
                sd: sd_r,
                rescaled,
            };
            (*r, stats)
        })
        .collect();
    let sheets = sheets
        .iter()
        .map(|s| {
            let (normalised, rescaled) = match reviewers.get(&s.reviewer) {
                Some(r) if r.rescaled => (m + (s.total - r.mean) * sd / r.sd, true),
                _ => (s.total, false),
            };
            NormalisedSheet {
                reviewer: s.reviewer,
                dossier: s.dossier,
                raw: s.total,
                normalised,
                rescaled,
            }
        })
        .collect();
    Normalised {
        round: Stats {
            count: round.count,
            mean: m,
            sd,
        },
        reviewers,
        sheets,
        min_sheets,
    }
}

/// Over which dossiers the mean `m` and spread `s` of the normalisation are taken: every
/// dossier of the round (all tracks together), or each track's dossiers alone. A round
/// setting; per track suits tracks whose dossiers are not comparable (a start-up is not
/// scored like a public service), at the price of smaller pools.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Pooling {
    #[default]
    Round,
    Track,
}

impl Pooling {
    pub fn as_str(self) -> &'static str {
        match self {
            Pooling::Round => "round",
            Pooling::Track => "track",
        }
    }

    pub fn parse(s: &str) -> Option<Pooling> {
        match s {
            "round" => Some(Pooling::Round),
            "track" => Some(Pooling::Track),
            _ => None,
        }
    }
}

/// One pool of sheets normalised together: the whole round (`track` is `None`) or one track.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pool {
    pub track: Option<i64>,
    /// Distinct dossiers with at least one sheet in the pool.
    pub dossiers: usize,
    /// `m` and `s` of the pool.
    pub stats: Stats,
    /// Each reviewer's figures over their sheets in the pool.
    pub reviewers: BTreeMap<i64, ReviewerStats>,
}

fn pool_of(track: Option<i64>, n: &Normalised) -> Pool {
    let dossiers: std::collections::BTreeSet<i64> = n.sheets.iter().map(|s| s.dossier).collect();
    Pool {
        track,
        dossiers: dossiers.len(),
        stats: n.round,
        reviewers: n.reviewers.clone(),
    }
}

/// [`normalise`] with the round's pooling. Per track, each track's sheets are normalised on
/// their own, as if they formed a round: the track's `m` and `s`, each reviewer's `m_r` and
/// `s_r` over their sheets in that track, `min_sheets` counted there. Sheets of dossiers
/// missing from `track_of` are left out. The returned sheets keep their input order; with
/// per-track pooling, the returned `reviewers` is empty (a reviewer's figures differ per
/// track: see the pools) and `round` holds the raw figures of the whole round.
pub fn normalise_pooled(
    sheets: &[SheetTotal],
    track_of: &BTreeMap<i64, i64>,
    pooling: Pooling,
    min_sheets: usize,
) -> (Normalised, Vec<Pool>) {
    let known: Vec<SheetTotal> = sheets
        .iter()
        .filter(|s| track_of.contains_key(&s.dossier))
        .copied()
        .collect();
    let whole = normalise(&known, min_sheets);
    if pooling == Pooling::Round {
        let pool = pool_of(None, &whole);
        return (whole, vec![pool]);
    }
    let mut by_track: BTreeMap<i64, Vec<SheetTotal>> = BTreeMap::new();
    for s in &known {
        if let Some(track) = track_of.get(&s.dossier) {
            by_track.entry(*track).or_default().push(*s);
        }
    }
    let mut pools = Vec::new();
    let mut done: BTreeMap<(i64, i64), NormalisedSheet> = BTreeMap::new();
    for (track, of_track) in &by_track {
        let n = normalise(of_track, min_sheets);
        pools.push(pool_of(Some(*track), &n));
        done.extend(n.sheets.into_iter().map(|s| ((s.reviewer, s.dossier), s)));
    }
    let sheets = whole
        .sheets
        .iter()
        .filter_map(|s| done.get(&(s.reviewer, s.dossier)).copied())
        .collect();
    let normalised = Normalised {
        round: whole.round,
        reviewers: BTreeMap::new(),
        sheets,
        min_sheets,
    };
    (normalised, pools)
}

/// A dossier's aggregated result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DossierScore {
    pub dossier: i64,
    /// Submission instant (ms since the epoch, UTC), the third tie-break.
    pub submitted_at: i64,
    /// Mean of the normalised (preselection) or raw (final) totals.
    pub score: f64,
    /// Number of sheets averaged.
    pub sheets: usize,
    /// Highest minus lowest of the averaged totals.
    pub spread: f64,
    pub disputed: bool,
    /// Criterion key → mean points over the dossier's sheets (missing = 0).
    pub criterion_means: BTreeMap<String, f64>,
}

/// One score per dossier that has at least one sheet, ordered by dossier id.
///
/// `round` chooses the basis: normalised totals for the preselection, raw
/// totals for the final. `sheets` gives the points behind the totals, for the
/// per-criterion means. A dossier missing from `submitted_at` sorts after all
/// others on that tie-break. A dossier is disputed when its spread is
/// strictly above `dispute_threshold`.
pub fn aggregate(
    normalised: &Normalised,
    round: Round,
    sheets: &[ReviewSheet],
    submitted_at: &BTreeMap<i64, i64>,
    dispute_threshold: f64,
) -> Vec<DossierScore> {
    struct Totals {
        count: usize,
        sum: f64,
        min: f64,
        max: f64,
    }
    let mut totals: BTreeMap<i64, Totals> = BTreeMap::new();
    for s in &normalised.sheets {
        let x = match round {
            Round::Preselection => s.normalised,
            Round::Final => s.raw,
        };
        let t = totals.entry(s.dossier).or_insert(Totals {
            count: 0,
            sum: 0.0,
            min: x,
            max: x,
        });
        t.count += 1;
        t.sum += x;
        t.min = t.min.min(x);
        t.max = t.max.max(x);
    }
    let mut points: BTreeMap<i64, (usize, BTreeMap<&str, u64>)> = BTreeMap::new();
    for s in sheets {
        let (n, sums) = points.entry(s.dossier).or_default();
        *n += 1;
        for (key, p) in s.points.iter() {
            *sums.entry(key).or_default() += u64::from(p.value());
        }
    }
    totals
        .into_iter()
        .map(|(dossier, t)| {
            let spread = t.max - t.min;
            let criterion_means = points
                .get(&dossier)
                .map(|(n, sums)| {
                    sums.iter()
                        .map(|(k, sum)| (k.to_string(), *sum as f64 / *n as f64))
                        .collect()
                })
                .unwrap_or_default();
            DossierScore {
                dossier,
                submitted_at: submitted_at.get(&dossier).copied().unwrap_or(i64::MAX),
                score: t.sum / t.count as f64,
                sheets: t.count,
                spread,
                disputed: spread > dispute_threshold,
                criterion_means,
            }
        })
        .collect()
}

/// A dossier's place in a ranking, with what decided it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ranked {
    /// 1-based, unique within one ranking.
    pub position: usize,
    pub dossier: i64,
    pub score: f64,
    /// Mean points on each tie-break criterion, in the order given to [`rank`].
    pub tie_break: Vec<f64>,
    pub submitted_at: i64,
    pub sheets: usize,
    pub spread: f64,
    pub disputed: bool,
}

/// Rounded to micro-points so that float noise cannot order two equal scores.
fn micro(x: f64) -> i64 {
    (x * 1e6).round() as i64
}

/// The ranking order as a tuple compared field by field (smaller = better).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct RankKey {
    score: Reverse<i64>,
    tie_break: Vec<Reverse<i64>>,
    submitted_at: i64,
    dossier: i64,
}

fn rank_key(score: f64, tie_break: &[f64], submitted_at: i64, dossier: i64) -> RankKey {
    RankKey {
        score: Reverse(micro(score)),
        tie_break: tie_break.iter().map(|v| Reverse(micro(*v))).collect(),
        submitted_at,
        dossier,
    }
}

impl Ranked {
    pub(crate) fn key(&self) -> RankKey {
        rank_key(self.score, &self.tie_break, self.submitted_at, self.dossier)
    }

    /// The ranking order: `Less` when `self` ranks before `other`. Entries of
    /// different rankings compare meaningfully when built with the same
    /// tie-break criteria.
    pub fn cmp_rank(&self, other: &Ranked) -> Ordering {
        self.key().cmp(&other.key())
    }
}

/// Ranks the dossiers (see the module documentation for the order).
/// `tie_break` lists criterion keys, most important first; a criterion a
/// dossier has no mean for counts 0.
pub fn rank(dossiers: &[DossierScore], tie_break: &[String]) -> Vec<Ranked> {
    let mut entries: Vec<(RankKey, Ranked)> = dossiers
        .iter()
        .map(|d| {
            let tie: Vec<f64> = tie_break
                .iter()
                .map(|k| d.criterion_means.get(k).copied().unwrap_or(0.0))
                .collect();
            let key = rank_key(d.score, &tie, d.submitted_at, d.dossier);
            let ranked = Ranked {
                position: 0,
                dossier: d.dossier,
                score: d.score,
                tie_break: tie,
                submitted_at: d.submitted_at,
                sheets: d.sheets,
                spread: d.spread,
                disputed: d.disputed,
            };
            (key, ranked)
        })
        .collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    entries
        .into_iter()
        .enumerate()
        .map(|(i, (_, mut r))| {
            r.position = i + 1;
            r
        })
        .collect()
}

/// One rule of the tie-break chain applied to two dossiers with equal scores,
/// with the value each had (`ahead` ranks first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum TieStep {
    /// Mean points on a tie-break criterion, in millionths of a point
    /// (the precision the ranking compares at).
    Criterion {
        key: String,
        ahead: i64,
        behind: i64,
    },
    /// Submission instants (ms since the epoch, UTC): the earlier goes first.
    SubmissionTime { ahead: i64, behind: i64 },
    /// Internal dossier numbers: the lower goes first.
    DossierNumber { ahead: i64, behind: i64 },
}

impl TieStep {
    /// Whether this rule separated the two dossiers.
    pub fn decides(&self) -> bool {
        match self {
            TieStep::Criterion { ahead, behind, .. }
            | TieStep::SubmissionTime { ahead, behind }
            | TieStep::DossierNumber { ahead, behind } => ahead != behind,
        }
    }

    /// Submission time and dossier number say nothing about merit.
    pub fn is_arbitrary(&self) -> bool {
        !matches!(self, TieStep::Criterion { .. })
    }
}

/// For two neighbours of a ranking built by [`rank`] with `keys`
/// (`ahead` just before `behind`): `None` when the score separated them,
/// else the rules of the chain applied in order, the last one having decided.
pub fn tie_steps(ahead: &Ranked, behind: &Ranked, keys: &[String]) -> Option<Vec<TieStep>> {
    if micro(ahead.score) != micro(behind.score) {
        return None;
    }
    let mut steps = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        let value = |r: &Ranked| r.tie_break.get(i).copied().map_or(0, micro);
        let step = TieStep::Criterion {
            key: key.clone(),
            ahead: value(ahead),
            behind: value(behind),
        };
        let decided = step.decides();
        steps.push(step);
        if decided {
            return Some(steps);
        }
    }
    let step = TieStep::SubmissionTime {
        ahead: ahead.submitted_at,
        behind: behind.submitted_at,
    };
    let decided = step.decides();
    steps.push(step);
    if !decided {
        steps.push(TieStep::DossierNumber {
            ahead: ahead.dossier,
            behind: behind.dossier,
        });
    }
    Some(steps)
}

/// Equal scores at the precision the ranking compares at: an exact tie.
pub fn same_score(a: &Ranked, b: &Ranked) -> bool {
    micro(a.score) == micro(b.score)
}

/// Whether a tie was decided by an arbitrary rule (its last step).
pub fn decided_arbitrarily(steps: &[TieStep]) -> bool {
    steps.last().is_some_and(TieStep::is_arbitrary)
}

/// A score as the pages and exports print it.
pub fn format_score(x: f64) -> String {
    format!("{x:.2}")
}

/// Its stored name, which addresses and keys use too.
impl std::fmt::Display for Pooling {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for Pooling {
    type Error = UnknownValue;

    fn try_from(name: String) -> Result<Pooling, UnknownValue> {
        Pooling::parse(&name).ok_or(UnknownValue(name))
    }
}

#[cfg(test)]
mod tests;
