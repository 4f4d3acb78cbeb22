//! Times the preselection pipeline on a large edition: 10,000 dossiers, each
//! scored by 3 of 150 reviewers on the 7-criterion rubric (30,000 sheets):
//! weighted totals, normalisation, aggregation and ranking.
//!
//! Run with `cargo bench --bench ranking`. Prints figures; not a test.

use std::collections::{BTreeMap, BTreeSet};
use std::hint::black_box;
use std::time::{Duration, Instant};

use kene::review::rules::assignment::assign;
use kene::review::rules::ranking::{
    aggregate, normalise, rank, sheet_totals, ReviewSheet, DEFAULT_DISPUTE_THRESHOLD,
    DEFAULT_MIN_SHEETS,
};
use kene::review::rules::rubric::{default_final, Points, Round, Rubric, ScoreSheet};

const DOSSIERS: i64 = 10_000;
const REVIEWERS: i64 = 150;
const PER_DOSSIER: usize = 3;
const WARM_UP: usize = 3;
const ITERATIONS: usize = 30;
const TARGET_MS: f64 = 50.0;

/// xorshift64: deterministic, good enough for synthetic scores.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn generate(rubric: &Rubric) -> (Vec<ReviewSheet>, BTreeMap<i64, i64>) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let dossiers: Vec<i64> = (1..=DOSSIERS).collect();
    let reviewers: Vec<i64> = (1..=REVIEWERS).collect();
    // A few conflicts of interest, as in real rounds.
    let conflicts: BTreeSet<(i64, i64)> = (0..500)
        .map(|_| {
            (
                1 + rng.below(REVIEWERS as u64) as i64,
                1 + rng.below(DOSSIERS as u64) as i64,
            )
        })
        .collect();
    let assignment = assign(&dossiers, &reviewers, PER_DOSSIER, &conflicts, &[]);
    // Each reviewer has a severity offset; each dossier a latent quality.
    let severity: Vec<i64> = (0..=REVIEWERS).map(|_| rng.below(5) as i64 - 2).collect();
    let quality: Vec<i64> = (0..=DOSSIERS).map(|_| rng.below(8) as i64 + 1).collect();
    let sheets = assignment
        .pairs
        .iter()
        .map(|&(reviewer, dossier)| {
            let mut points = ScoreSheet::new();
            for c in rubric.criteria() {
                if c.bonus && rng.below(4) != 0 {
                    continue;
                }
                let base =
                    quality[dossier as usize] + severity[reviewer as usize] + rng.below(5) as i64
                        - 2;
                let v = base.clamp(0, i64::from(c.max_points)) as u32;
                if let Ok(p) = Points::new(v, c) {
                    points.insert(c.key.clone(), p);
                }
            }
            ReviewSheet {
                reviewer,
                dossier,
                points,
            }
        })
        .collect();
    let submitted_at = dossiers
        .iter()
        .map(|d| (*d, 1_767_225_600_000 + rng.below(30 * 86_400_000) as i64))
        .collect();
    (sheets, submitted_at)
}

fn pipeline(
    rubric: &Rubric,
    sheets: &[ReviewSheet],
    submitted_at: &BTreeMap<i64, i64>,
    tie_break: &[String],
) -> usize {
    let totals = sheet_totals(rubric, sheets);
    let normalised = normalise(&totals, DEFAULT_MIN_SHEETS);
    let scores = aggregate(
        &normalised,
        Round::Preselection,
        sheets,
        submitted_at,
        DEFAULT_DISPUTE_THRESHOLD,
    );
    let ranked = rank(&scores, tie_break);
    ranked.len()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let rubric = default_final();
    let (sheets, submitted_at) = generate(&rubric);
    let tie_break = vec!["innovation".to_string()];
    println!(
        "ranking pipeline: {} dossiers, {} reviewers, {} sheets, {} criteria",
        DOSSIERS,
        REVIEWERS,
        sheets.len(),
        rubric.criteria().len()
    );
    for _ in 0..WARM_UP {
        black_box(pipeline(
            black_box(&rubric),
            black_box(&sheets),
            black_box(&submitted_at),
            black_box(&tie_break),
        ));
    }
    let mut times: Vec<Duration> = (0..ITERATIONS)
        .map(|_| {
            let start = Instant::now();
            let n = pipeline(
                black_box(&rubric),
                black_box(&sheets),
                black_box(&submitted_at),
                black_box(&tie_break),
            );
            let elapsed = start.elapsed();
            black_box(n);
            elapsed
        })
        .collect();
    times.sort_unstable();
    let (min, median, max) = (
        ms(times[0]),
        ms(times[ITERATIONS / 2]),
        ms(times[ITERATIONS - 1]),
    );
    println!(
        "{ITERATIONS} iterations after {WARM_UP} warm-up: min {min:.2} ms, median {median:.2} ms, max {max:.2} ms"
    );
    let verdict = if median < TARGET_MS { "met" } else { "NOT met" };
    println!("target: median < {TARGET_MS} ms: {verdict}");
}
