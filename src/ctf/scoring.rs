//! The CTF's scoring: what a challenge is worth, and the scoreboard. Pure, no I/O.
//!
//! Challenge values follow CTFd's formulas, so organisers who know CTFd get the numbers they
//! expect: a challenge is `Static`, or its value decays with the number of teams that solved
//! it, linearly or along a parabola (CTFd's "logarithmic"), never below its minimum. Values are
//! computed exactly in integers: no float ever decides a rank.
//!
//! Two modes:
//! - **Retroactive** (CTFd's dynamic scoring): every solver of a challenge holds its current
//!   value, so a new solve lowers the score of every team that solved it before.
//! - **Non-retroactive**: the k-th solver keeps `value(k)`, what the challenge was worth when
//!   they solved it; later solves take nothing away.
//!
//! On top of that: an optional first-blood bonus for the first solver of each challenge, hint
//! costs subtracted, and the organisers' manual adjustments (either sign).
//!
//! The freeze: [`standings`] and [`current_values`] take `until`. With `Some(t)` they give the
//! board as it stood at instant `t`: only events strictly before `t` count, values included.
//! The frozen public board therefore depends on nothing after the freeze — not even on the
//! decay that later solves cause, which would otherwise leak how many teams solved what.

use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};

/// Largest initial value and decay a rule accepts: far above any real CTF, and small enough
/// that the value formulas never overflow in `i128`.
pub const VALUE_MAX: i64 = 1_000_000_000;

/// How a challenge's value falls with its solve count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decay {
    Static,
    Linear,
    /// CTFd calls it "logarithmic"; the curve is a parabola.
    Parabolic,
}

impl Decay {
    pub fn as_str(self) -> &'static str {
        match self {
            Decay::Static => "static",
            Decay::Linear => "linear",
            Decay::Parabolic => "parabolic",
        }
    }

    /// Reads the stored name; CTFd's "logarithmic" is accepted for the parabola.
    pub fn parse(s: &str) -> Option<Decay> {
        match s {
            "static" => Some(Decay::Static),
            "linear" => Some(Decay::Linear),
            "parabolic" | "logarithmic" => Some(Decay::Parabolic),
            _ => None,
        }
    }
}

/// Why a value rule was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("the initial value must be between 1 and {VALUE_MAX}")]
    Initial,
    #[error("the minimum must be between 0 and the initial value")]
    Minimum,
    #[error("the decay must be between 1 and {VALUE_MAX}")]
    Decay,
}

impl RuleError {
    /// Fluent key of the message shown to the organiser.
    pub fn key(self) -> &'static str {
        match self {
            RuleError::Initial => "ctf-value-initial",
            RuleError::Minimum => "ctf-value-minimum",
            RuleError::Decay => "ctf-value-decay",
        }
    }
}

/// A challenge's value rule, valid by construction (see [`ValueRule::new`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValueRule {
    initial: i64,
    minimum: i64,
    decay: i64,
    function: Decay,
}

impl ValueRule {
    /// Refuses `initial` outside `1..=VALUE_MAX`, and for a decaying rule a `minimum` outside
    /// `0..=initial` or a `decay` outside `1..=VALUE_MAX`. A static rule ignores `minimum` and
    /// `decay` and stores `minimum = initial`, `decay = 0`, so equal static rules compare equal.
    pub fn new(
        initial: i64,
        minimum: i64,
        decay: i64,
        function: Decay,
    ) -> Result<ValueRule, RuleError> {
        if !(1..=VALUE_MAX).contains(&initial) {
            return Err(RuleError::Initial);
        }
        if function == Decay::Static {
            return Ok(ValueRule {
                initial,
                minimum: initial,
                decay: 0,
                function,
            });
        }
        if !(0..=initial).contains(&minimum) {
            return Err(RuleError::Minimum);
        }
        if !(1..=VALUE_MAX).contains(&decay) {
            return Err(RuleError::Decay);
        }
        Ok(ValueRule {
            initial,
            minimum,
            decay,
            function,
        })
    }

    pub fn initial(&self) -> i64 {
        self.initial
    }

    pub fn minimum(&self) -> i64 {
        self.minimum
    }

    pub fn decay(&self) -> i64 {
        self.decay
    }

    pub fn function(&self) -> Decay {
        self.function
    }

    /// The value with `solves` solves, as CTFd computes it with x = solves − 1 (0 for no
    /// solve): linear `max(minimum, ceil(initial − decay·x))`, parabolic
    /// `max(minimum, ceil((minimum − initial)/decay² · x² + initial))`.
    pub fn value(&self, solves: u64) -> i64 {
        let x = i128::from(solves.saturating_sub(1));
        let initial = i128::from(self.initial);
        let minimum = i128::from(self.minimum);
        let decay = i128::from(self.decay);
        let raw = match self.function {
            Decay::Static => return self.initial,
            // decay ≤ 1e9 and x < 2^64: the product stays far below i128::MAX.
            Decay::Linear => initial - decay * x,
            Decay::Parabolic => {
                // x ≥ decay makes x²/decay² ≥ 1, so the curve is at or under the minimum;
                // stopping here also keeps x² small (x < decay ≤ 1e9).
                if x >= decay {
                    return self.minimum;
                }
                initial + ceil_div((minimum - initial) * x * x, decay * decay)
            }
        };
        // minimum ≤ result ≤ initial, both i64: the conversion cannot fail.
        i64::try_from(raw.max(minimum)).unwrap_or(self.minimum)
    }
}

/// ⌈n / d⌉ for d > 0, right for negative n too (plain `/` truncates toward zero).
fn ceil_div(n: i128, d: i128) -> i128 {
    n.div_euclid(d) + i128::from(n.rem_euclid(d) != 0)
}

/// Whether solves lower the value for those who solved before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Retroactive,
    NonRetroactive,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Retroactive => "retroactive",
            Mode::NonRetroactive => "non_retroactive",
        }
    }

    pub fn parse(s: &str) -> Option<Mode> {
        [Mode::Retroactive, Mode::NonRetroactive]
            .into_iter()
            .find(|m| m.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Challenge {
    pub id: i64,
    pub rule: ValueRule,
}

/// A correct flag. `at`: unix ms; `id` breaks ties of equal `at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Solve {
    pub id: i64,
    pub challenge: i64,
    pub team: i64,
    pub at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HintUnlock {
    pub team: i64,
    pub cost: i64,
    pub at: i64,
}

/// The organisers' manual points, either sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Adjustment {
    pub team: i64,
    pub points: i64,
    pub at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    pub mode: Mode,
    /// Extra points for the first solver of each challenge; 0 for none.
    pub first_blood_bonus: i64,
}

/// A team's line on the scoreboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub team: i64,
    /// 1-based; equal score and equal `reached_at` share a rank (1, 2, 2, 4).
    pub rank: u32,
    pub score: i64,
    /// Challenges solved.
    pub solves: u32,
    /// When the team last raised its score (a solve or a positive adjustment); `None` if never.
    pub reached_at: Option<i64>,
}

/// What one counted solve brings its team.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Award {
    challenge: i64,
    team: i64,
    at: i64,
    points: i64,
}

/// The solves that count, grouped by challenge in the order of `challenges` (first of a
/// duplicated id wins), each group ordered by (at, id) and keeping only a team's first solve
/// of the challenge. Solves at or after `until`, of unknown challenges, or of teams `keep`
/// refuses are dropped.
fn counted_solves<'a>(
    challenges: &[Challenge],
    solves: &'a [Solve],
    until: Option<i64>,
    keep: impl Fn(i64) -> bool,
) -> Vec<(usize, Vec<&'a Solve>)> {
    let mut index: HashMap<i64, usize> = HashMap::with_capacity(challenges.len());
    for (i, c) in challenges.iter().enumerate() {
        index.entry(c.id).or_insert(i);
    }
    let mut kept: Vec<(usize, &Solve)> = solves
        .iter()
        .filter(|s| until.is_none_or(|t| s.at < t) && keep(s.team))
        .filter_map(|s| index.get(&s.challenge).map(|&i| (i, s)))
        .collect();
    // The team breaks ties of identical (at, id), so the input order never matters.
    kept.sort_unstable_by_key(|(i, s)| (*i, s.at, s.id, s.team));
    let mut groups: Vec<(usize, Vec<&Solve>)> = Vec::new();
    let mut seen: HashSet<i64> = HashSet::new();
    for (i, s) in kept {
        if groups.last().is_none_or(|(g, _)| *g != i) {
            groups.push((i, Vec::new()));
            seen.clear();
        }
        // A second solve of the same challenge by the same team earns nothing.
        if seen.insert(s.team) {
            if let Some((_, group)) = groups.last_mut() {
                group.push(s);
            }
        }
    }
    groups
}

/// The points of every counted solve, first-blood bonus included.
fn awards(
    rules: &Rules,
    challenges: &[Challenge],
    solves: &[Solve],
    until: Option<i64>,
    keep: impl Fn(i64) -> bool,
) -> Vec<Award> {
    let mut out = Vec::new();
    for (i, group) in counted_solves(challenges, solves, until, keep) {
        let challenge = &challenges[i];
        let total = group.len() as u64;
        let retroactive = challenge.rule.value(total);
        for (k, s) in group.into_iter().enumerate() {
            let value = match rules.mode {
                Mode::Retroactive => retroactive,
                Mode::NonRetroactive => challenge.rule.value(k as u64 + 1),
            };
            let bonus = if k == 0 { rules.first_blood_bonus } else { 0 };
            out.push(Award {
                challenge: challenge.id,
                team: s.team,
                at: s.at,
                points: value.saturating_add(bonus),
            });
        }
    }
    out
}

#[derive(Default)]
struct Tally {
    score: i64,
    solves: u32,
    reached_at: Option<i64>,
}

impl Tally {
    fn raise(&mut self, points: i64, at: i64) {
        self.score = self.score.saturating_add(points);
        // Only a raise dates the score: a penalty must not look like progress.
        if points > 0 {
            self.reached_at = Some(self.reached_at.map_or(at, |r| r.max(at)));
        }
    }
}

/// The scoreboard: one line per team of `teams` (duplicates once), best first. Ordered by
/// score (desc), then `reached_at` (earlier first, never-scored last), then team id. Events of
/// teams not in `teams` or of challenges not in `challenges` are ignored — including for the
/// solve counts that decide values. `until = Some(t)`: the board as it stood at `t`.
pub fn standings(
    rules: &Rules,
    challenges: &[Challenge],
    teams: &[i64],
    solves: &[Solve],
    unlocks: &[HintUnlock],
    adjustments: &[Adjustment],
    until: Option<i64>,
) -> Vec<Standing> {
    let mut index: HashMap<i64, usize> = HashMap::with_capacity(teams.len());
    let mut ids: Vec<i64> = Vec::with_capacity(teams.len());
    for &t in teams {
        index.entry(t).or_insert_with(|| {
            ids.push(t);
            ids.len() - 1
        });
    }
    let before = |at: i64| until.is_none_or(|t| at < t);
    let mut tallies: Vec<Tally> = ids.iter().map(|_| Tally::default()).collect();
    for a in awards(rules, challenges, solves, until, |t| index.contains_key(&t)) {
        if let Some(tally) = index.get(&a.team).map(|&i| &mut tallies[i]) {
            tally.solves += 1;
            tally.raise(a.points, a.at);
        }
    }
    for u in unlocks.iter().filter(|u| before(u.at)) {
        if let Some(&i) = index.get(&u.team) {
            tallies[i].score = tallies[i].score.saturating_sub(u.cost);
        }
    }
    for a in adjustments.iter().filter(|a| before(a.at)) {
        if let Some(&i) = index.get(&a.team) {
            tallies[i].raise(a.points, a.at);
        }
    }
    let mut board: Vec<Standing> = ids
        .into_iter()
        .zip(tallies)
        .map(|(team, t)| Standing {
            team,
            rank: 0,
            score: t.score,
            solves: t.solves,
            reached_at: t.reached_at,
        })
        .collect();
    board.sort_unstable_by_key(|s| {
        (
            Reverse(s.score),
            s.reached_at.is_none(),
            s.reached_at,
            s.team,
        )
    });
    let mut previous: Option<(i64, Option<i64>, u32)> = None;
    for (i, s) in board.iter_mut().enumerate() {
        s.rank = match previous {
            Some((score, reached, rank)) if score == s.score && reached == s.reached_at => rank,
            _ => u32::try_from(i + 1).unwrap_or(u32::MAX),
        };
        previous = Some((s.score, s.reached_at, s.rank));
    }
    board
}

/// `(challenge, value, solves)` for each challenge, in the order given: the value shown on
/// the board and the number of teams that solved it before `until`. Every team's solve counts
/// here: pass the same solves as to [`standings`] (those of the ranked teams) to agree with it.
pub fn current_values(
    challenges: &[Challenge],
    solves: &[Solve],
    until: Option<i64>,
) -> Vec<(i64, i64, u64)> {
    let mut counts = vec![0u64; challenges.len()];
    for (i, group) in counted_solves(challenges, solves, until, |_| true) {
        counts[i] = group.len() as u64;
    }
    challenges
        .iter()
        .zip(counts)
        .map(|(c, n)| (c.id, c.rule.value(n), n))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rand::seq::SliceRandom;
    use rand::SeedableRng;

    fn rule(initial: i64, minimum: i64, decay: i64, function: Decay) -> ValueRule {
        ValueRule::new(initial, minimum, decay, function).unwrap()
    }

    fn challenge(id: i64, rule: ValueRule) -> Challenge {
        Challenge { id, rule }
    }

    fn fixed(id: i64, points: i64) -> Challenge {
        challenge(id, rule(points, 0, 0, Decay::Static))
    }

    fn solve(id: i64, challenge: i64, team: i64, at: i64) -> Solve {
        Solve {
            id,
            challenge,
            team,
            at,
        }
    }

    const RETRO: Rules = Rules {
        mode: Mode::Retroactive,
        first_blood_bonus: 0,
    };
    const NON_RETRO: Rules = Rules {
        mode: Mode::NonRetroactive,
        first_blood_bonus: 0,
    };

    /// (team, rank, score, solves, reached_at) for compact comparisons.
    fn lines(board: &[Standing]) -> Vec<(i64, u32, i64, u32, Option<i64>)> {
        board
            .iter()
            .map(|s| (s.team, s.rank, s.score, s.solves, s.reached_at))
            .collect()
    }

    #[test]
    fn parabolic_values_match_ctfd() {
        let r = rule(500, 100, 20, Decay::Parabolic);
        // No solve and the first solve: x = 0, the initial value.
        assert_eq!(r.value(0), 500);
        assert_eq!(r.value(1), 500);
        // x = 1: ceil(−400/400 · 1 + 500) = 499.
        assert_eq!(r.value(2), 499);
        // x = 10: ceil(−400 · 100/400 + 500) = 400.
        assert_eq!(r.value(11), 400);
        // x = 19: ceil(−400 · 361/400 + 500) = 139.
        assert_eq!(r.value(20), 139);
        // x = 20: −400 · 400/400 + 500 = 100, the minimum; beyond, clamped to it.
        assert_eq!(r.value(21), 100);
        assert_eq!(r.value(1_000), 100);
        assert_eq!(r.value(u64::MAX), 100);
    }

    #[test]
    fn parabolic_rounds_up_a_fractional_value() {
        let r = rule(500, 50, 7, Decay::Parabolic);
        // x = 3: (50 − 500) · 9 / 49 = −4050/49 = −82.65…; + 500 = 417.35…; ceil → 418.
        assert_eq!(r.value(4), 418);
        // x = 1: −450/49 = −9.18…; + 500 = 490.8…; ceil → 491.
        assert_eq!(r.value(2), 491);
        // x = 6: −450 · 36/49 = −330.6…; + 500 = 169.4…; ceil → 170.
        assert_eq!(r.value(7), 170);
        // x = 7 = decay: exactly the minimum.
        assert_eq!(r.value(8), 50);
    }

    #[test]
    fn linear_values_match_ctfd() {
        let r = rule(500, 100, 30, Decay::Linear);
        assert_eq!(r.value(0), 500);
        assert_eq!(r.value(1), 500);
        // x = 1: 500 − 30 = 470.
        assert_eq!(r.value(2), 470);
        // x = 13: 500 − 390 = 110.
        assert_eq!(r.value(14), 110);
        // x = 14: 500 − 420 = 80, clamped to 100.
        assert_eq!(r.value(15), 100);
        assert_eq!(r.value(u64::MAX), 100);
    }

    #[test]
    fn a_static_rule_ignores_minimum_and_decay() {
        let r = rule(300, -5, -1, Decay::Static);
        assert_eq!((r.initial(), r.minimum(), r.decay()), (300, 300, 0));
        assert_eq!(r.function(), Decay::Static);
        assert_eq!(r.value(0), 300);
        assert_eq!(r.value(10_000), 300);
        assert_eq!(r, rule(300, 0, 7, Decay::Static));
    }

    #[test]
    fn invalid_rules_are_refused_with_their_key() {
        let key = |i, m, d, f| ValueRule::new(i, m, d, f).map_err(RuleError::key);
        assert_eq!(key(0, 0, 1, Decay::Static), Err("ctf-value-initial"));
        assert_eq!(key(0, 0, 1, Decay::Linear), Err("ctf-value-initial"));
        assert_eq!(
            key(VALUE_MAX + 1, 0, 1, Decay::Linear),
            Err("ctf-value-initial")
        );
        assert_eq!(key(100, -1, 1, Decay::Linear), Err("ctf-value-minimum"));
        assert_eq!(key(100, 101, 1, Decay::Parabolic), Err("ctf-value-minimum"));
        assert_eq!(key(100, 10, 0, Decay::Parabolic), Err("ctf-value-decay"));
        assert_eq!(
            key(100, 10, VALUE_MAX + 1, Decay::Linear),
            Err("ctf-value-decay")
        );
        assert!(ValueRule::new(100, 100, 1, Decay::Linear).is_ok());
        assert!(ValueRule::new(100, 0, VALUE_MAX, Decay::Parabolic).is_ok());
    }

    #[test]
    fn names_round_trip() {
        for m in [Mode::Retroactive, Mode::NonRetroactive] {
            assert_eq!(Mode::parse(m.as_str()), Some(m));
        }
        assert_eq!(Mode::parse("non_retroactive"), Some(Mode::NonRetroactive));
        assert_eq!(Mode::parse("dynamic"), None);
        for d in [Decay::Static, Decay::Linear, Decay::Parabolic] {
            assert_eq!(Decay::parse(d.as_str()), Some(d));
        }
        assert_eq!(Decay::parse("logarithmic"), Some(Decay::Parabolic));
        assert_eq!(Decay::parse("exponential"), None);
    }

    /// Challenge 1: linear 500 → 100 by 30; challenge 2: static 200. Teams 1, 2, 3 solve
    /// challenge 1 at 10, 20, 30; team 2 also solves challenge 2 at 25.
    fn example() -> (Vec<Challenge>, Vec<Solve>) {
        (
            vec![
                challenge(1, rule(500, 100, 30, Decay::Linear)),
                fixed(2, 200),
            ],
            vec![
                solve(1, 1, 1, 10),
                solve(2, 1, 2, 20),
                solve(3, 1, 3, 30),
                solve(4, 2, 2, 25),
            ],
        )
    }

    #[test]
    fn retroactive_every_solver_holds_the_current_value() {
        let (c, s) = example();
        let board = standings(&RETRO, &c, &[1, 2, 3], &s, &[], &[], None);
        // 3 solves of challenge 1: x = 2, 500 − 60 = 440 for each solver.
        assert_eq!(
            lines(&board),
            [
                (2, 1, 640, 2, Some(25)),
                (1, 2, 440, 1, Some(10)),
                (3, 3, 440, 1, Some(30)),
            ]
        );
        assert_eq!(current_values(&c, &s, None), [(1, 440, 3), (2, 200, 1)]);
    }

    #[test]
    fn non_retroactive_solvers_keep_what_they_earned() {
        let (c, s) = example();
        let board = standings(&NON_RETRO, &c, &[1, 2, 3], &s, &[], &[], None);
        // value(1) = 500, value(2) = 470, value(3) = 440.
        assert_eq!(
            lines(&board),
            [
                (2, 1, 670, 2, Some(25)),
                (1, 2, 500, 1, Some(10)),
                (3, 3, 440, 1, Some(30)),
            ]
        );
    }

    #[test]
    fn first_blood_earns_the_bonus_once_per_challenge() {
        let (c, s) = example();
        let rules = Rules {
            first_blood_bonus: 50,
            ..RETRO
        };
        let board = standings(&rules, &c, &[1, 2, 3], &s, &[], &[], None);
        // Team 1 first on challenge 1 (440 + 50), team 2 first on challenge 2 (640 + 50).
        assert_eq!(
            lines(&board),
            [
                (2, 1, 690, 2, Some(25)),
                (1, 2, 490, 1, Some(10)),
                (3, 3, 440, 1, Some(30)),
            ]
        );
        // Equal `at`: the lower solve id is first.
        let tie = [solve(8, 2, 3, 5), solve(7, 2, 1, 5)];
        let board = standings(&rules, &c, &[1, 3], &tie, &[], &[], None);
        assert_eq!(
            lines(&board),
            [(1, 1, 250, 1, Some(5)), (3, 2, 200, 1, Some(5))]
        );
    }

    #[test]
    fn hints_cost_and_adjustments_count_either_way() {
        let (c, s) = example();
        let unlocks = [HintUnlock {
            team: 2,
            cost: 100,
            at: 5,
        }];
        let adjustments = [
            Adjustment {
                team: 3,
                points: 150,
                at: 40,
            },
            Adjustment {
                team: 1,
                points: -10,
                at: 50,
            },
        ];
        let board = standings(&RETRO, &c, &[1, 2, 3], &s, &unlocks, &adjustments, None);
        // Team 3: 440 + 150, reached at 40; team 2: 640 − 100; team 1: 440 − 10, the penalty
        // does not move its date.
        assert_eq!(
            lines(&board),
            [
                (3, 1, 590, 1, Some(40)),
                (2, 2, 540, 2, Some(25)),
                (1, 3, 430, 1, Some(10)),
            ]
        );
        // Scores may go negative.
        let costly = [HintUnlock {
            team: 4,
            cost: 30,
            at: 1,
        }];
        let board = standings(&RETRO, &c, &[4], &[], &costly, &[], None);
        assert_eq!(lines(&board), [(4, 1, -30, 0, None)]);
    }

    #[test]
    fn equal_scores_go_to_who_reached_them_first() {
        let c = [fixed(1, 100), fixed(2, 100)];
        // Team 5 solves both at 10 and 40; team 3 at 20 and 30: team 3 got to 200 first.
        let s = [
            solve(1, 1, 5, 10),
            solve(2, 1, 3, 20),
            solve(3, 2, 3, 30),
            solve(4, 2, 5, 40),
        ];
        let board = standings(&RETRO, &c, &[5, 3], &s, &[], &[], None);
        assert_eq!(
            lines(&board),
            [(3, 1, 200, 2, Some(30)), (5, 2, 200, 2, Some(40))]
        );
    }

    #[test]
    fn exact_ties_share_a_rank() {
        let c = [fixed(1, 300), fixed(2, 100)];
        let s = [
            solve(1, 1, 1, 10),
            solve(2, 2, 3, 20),
            solve(3, 2, 2, 20),
            solve(4, 2, 4, 30),
        ];
        let adjustments = [Adjustment {
            team: 7,
            points: -5,
            at: 1,
        }];
        let board = standings(
            &RETRO,
            &c,
            &[7, 6, 5, 4, 3, 2, 1],
            &s,
            &[],
            &adjustments,
            None,
        );
        // Teams 2 and 3: same score, same instant → rank 2 both, then 4 (competition ranking).
        // Teams 5 and 6 never scored: they still appear, tied, before team 7's negative score.
        assert_eq!(
            lines(&board),
            [
                (1, 1, 300, 1, Some(10)),
                (2, 2, 100, 1, Some(20)),
                (3, 2, 100, 1, Some(20)),
                (4, 4, 100, 1, Some(30)),
                (5, 5, 0, 0, None),
                (6, 5, 0, 0, None),
                (7, 7, -5, 0, None),
            ]
        );
    }

    #[test]
    fn the_freeze_hides_what_came_after() {
        let c = [challenge(1, rule(500, 100, 20, Decay::Parabolic))];
        let teams = [1, 2, 3];
        let before = [solve(1, 1, 1, 10), solve(2, 1, 2, 20)];
        let mut after = before.to_vec();
        // At the freeze instant itself: already after it.
        after.push(solve(3, 1, 3, 100));
        let late = [Adjustment {
            team: 1,
            points: 1_000,
            at: 150,
        }];
        for rules in [RETRO, NON_RETRO] {
            let frozen = standings(&rules, &c, &teams, &before, &[], &[], Some(100));
            let later = standings(&rules, &c, &teams, &after, &[], &late, Some(100));
            assert_eq!(frozen, later);
        }
        // 2 solves before the freeze: x = 1, 499 for both; the third would make it 496.
        let frozen = standings(&RETRO, &c, &teams, &after, &[], &late, Some(100));
        assert_eq!(
            lines(&frozen),
            [
                (1, 1, 499, 1, Some(10)),
                (2, 2, 499, 1, Some(20)),
                (3, 3, 0, 0, None),
            ]
        );
        assert_eq!(current_values(&c, &after, Some(100)), [(1, 499, 2)]);
        // x = 2: ceil(−400 · 4/400 + 500) = 496.
        assert_eq!(current_values(&c, &after, None), [(1, 496, 3)]);
    }

    #[test]
    fn unknown_teams_and_challenges_are_ignored() {
        let c = [challenge(1, rule(500, 100, 30, Decay::Linear))];
        let s = [
            solve(1, 1, 99, 5),
            solve(2, 1, 1, 10),
            solve(3, 77, 1, 11),
            solve(4, 1, 2, 20),
        ];
        let unlocks = [HintUnlock {
            team: 99,
            cost: 10,
            at: 1,
        }];
        let adjustments = [Adjustment {
            team: 98,
            points: 10,
            at: 1,
        }];
        let rules = Rules {
            first_blood_bonus: 25,
            ..RETRO
        };
        let board = standings(&rules, &c, &[1, 2], &s, &unlocks, &adjustments, None);
        // Team 99's solve neither decays the value nor takes first blood: 2 solves, 470.
        assert_eq!(
            lines(&board),
            [(1, 1, 495, 1, Some(10)), (2, 2, 470, 1, Some(20))]
        );
    }

    #[test]
    fn a_challenge_counts_once_per_team() {
        let c = [challenge(1, rule(500, 100, 30, Decay::Linear))];
        let s = [solve(1, 1, 1, 10), solve(2, 1, 1, 20), solve(3, 1, 2, 30)];
        let board = standings(&NON_RETRO, &c, &[1, 2, 1], &s, &[], &[], None);
        assert_eq!(
            lines(&board),
            [(1, 1, 500, 1, Some(10)), (2, 2, 470, 1, Some(30))]
        );
        assert_eq!(current_values(&c, &s, None), [(1, 470, 2)]);
    }

    // Property tests on small random contests: 4 challenges and 5 teams, plus an unknown
    // challenge (9) and team (9) whose events must be ignored.

    #[derive(Debug, Clone)]
    struct Contest {
        challenges: Vec<Challenge>,
        teams: Vec<i64>,
        solves: Vec<Solve>,
        unlocks: Vec<HintUnlock>,
        adjustments: Vec<Adjustment>,
    }

    fn any_rule() -> impl Strategy<Value = ValueRule> {
        (
            1i64..600,
            0i64..600,
            1i64..15,
            prop::sample::select(vec![Decay::Static, Decay::Linear, Decay::Parabolic]),
        )
            .prop_map(|(initial, minimum, decay, f)| {
                // Keep the minimum within range rather than discard the case.
                ValueRule::new(initial, minimum % (initial + 1), decay, f).unwrap()
            })
    }

    fn any_rules() -> impl Strategy<Value = Rules> {
        (
            prop::sample::select(vec![Mode::Retroactive, Mode::NonRetroactive]),
            prop::sample::select(vec![0i64, 10, 50]),
        )
            .prop_map(|(mode, first_blood_bonus)| Rules {
                mode,
                first_blood_bonus,
            })
    }

    fn any_contest() -> impl Strategy<Value = Contest> {
        let ids = prop::sample::select(vec![1i64, 2, 3, 4, 5, 9]);
        (
            prop::collection::vec(any_rule(), 4),
            prop::collection::vec((ids.clone(), ids.clone(), 0i64..100), 0..40),
            prop::collection::vec((ids.clone(), 0i64..60, 0i64..100), 0..6),
            prop::collection::vec((ids, -80i64..80, 0i64..100), 0..6),
        )
            .prop_map(|(rules, solves, unlocks, adjustments)| Contest {
                challenges: rules
                    .into_iter()
                    .zip(1..)
                    .map(|(rule, id)| challenge(id, rule))
                    .collect(),
                teams: vec![1, 2, 3, 4, 5],
                solves: solves
                    .into_iter()
                    .zip(1..)
                    .map(|((challenge, team, at), id)| solve(id, challenge, team, at))
                    .collect(),
                unlocks: unlocks
                    .into_iter()
                    .map(|(team, cost, at)| HintUnlock { team, cost, at })
                    .collect(),
                adjustments: adjustments
                    .into_iter()
                    .map(|(team, points, at)| Adjustment { team, points, at })
                    .collect(),
            })
    }

    fn board(rules: &Rules, c: &Contest, until: Option<i64>) -> Vec<Standing> {
        standings(
            rules,
            &c.challenges,
            &c.teams,
            &c.solves,
            &c.unlocks,
            &c.adjustments,
            until,
        )
    }

    fn scores(board: &[Standing]) -> HashMap<i64, i64> {
        board.iter().map(|s| (s.team, s.score)).collect()
    }

    proptest! {
        #[test]
        fn retroactive_solvers_of_a_challenge_get_the_same_points(
            c in any_contest(), bonus in 0i64..50,
        ) {
            let rules = Rules { mode: Mode::Retroactive, first_blood_bonus: bonus };
            let all = awards(&rules, &c.challenges, &c.solves, None, |t| c.teams.contains(&t));
            for ch in &c.challenges {
                let points: Vec<i64> = all
                    .iter()
                    .filter(|a| a.challenge == ch.id)
                    .enumerate()
                    .map(|(k, a)| if k == 0 { a.points - bonus } else { a.points })
                    .collect();
                prop_assert!(points.windows(2).all(|w| w[0] == w[1]), "{:?}", points);
            }
        }

        #[test]
        fn a_new_solve_never_raises_another_teams_retroactive_score(
            c in any_contest(), extra in (1i64..=5, 1i64..=5, 0i64..100), bonus in 0i64..50,
            until in prop::option::of(0i64..110),
        ) {
            let rules = Rules { mode: Mode::Retroactive, first_blood_bonus: bonus };
            let before = scores(&board(&rules, &c, until));
            let (challenge, team, at) = extra;
            let mut more = c.clone();
            more.solves.push(solve(1_000, challenge, team, at));
            let after = scores(&board(&rules, &more, until));
            for (t, score) in after {
                if t != team {
                    prop_assert!(score <= before[&t], "team {}: {} > {}", t, score, before[&t]);
                }
            }
        }

        #[test]
        fn a_frozen_board_is_the_board_of_the_events_before_the_freeze(
            c in any_contest(), rules in any_rules(), t in 0i64..110,
        ) {
            let cut = Contest {
                solves: c.solves.iter().copied().filter(|s| s.at < t).collect(),
                unlocks: c.unlocks.iter().copied().filter(|u| u.at < t).collect(),
                adjustments: c.adjustments.iter().copied().filter(|a| a.at < t).collect(),
                ..c.clone()
            };
            prop_assert_eq!(board(&rules, &c, Some(t)), board(&rules, &cut, None));
            prop_assert_eq!(
                current_values(&c.challenges, &c.solves, Some(t)),
                current_values(&cut.challenges, &cut.solves, None)
            );
        }

        #[test]
        fn the_order_of_the_inputs_does_not_matter(
            c in any_contest(), rules in any_rules(), seed: u64,
            until in prop::option::of(0i64..110),
        ) {
            let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
            let mut shuffled = c.clone();
            shuffled.challenges.shuffle(&mut rng);
            shuffled.teams.shuffle(&mut rng);
            shuffled.solves.shuffle(&mut rng);
            shuffled.unlocks.shuffle(&mut rng);
            shuffled.adjustments.shuffle(&mut rng);
            prop_assert_eq!(board(&rules, &c, until), board(&rules, &shuffled, until));
        }

        #[test]
        fn values_never_rise_and_never_fall_below_the_minimum(
            r in any_rule(), k in 0u64..400,
        ) {
            let (now, next) = (r.value(k), r.value(k + 1));
            prop_assert!(next <= now);
            prop_assert!(now <= r.initial());
            prop_assert!(next >= r.minimum());
        }

        #[test]
        fn large_rules_stay_exact(
            initial in 1i64..=VALUE_MAX, minimum in 0i64..=VALUE_MAX, decay in 1i64..=VALUE_MAX,
            solves: u64,
        ) {
            for f in [Decay::Linear, Decay::Parabolic] {
                let r = ValueRule::new(initial, minimum % (initial + 1), decay, f).unwrap();
                let v = r.value(solves);
                prop_assert!(v >= r.minimum() && v <= r.initial());
                prop_assert!(r.value(solves.saturating_add(1)) <= v);
            }
        }
    }
}
