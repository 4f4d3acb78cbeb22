//! Times the CTF scoreboard on a large contest: 500 teams × 50 challenges (static, linear and
//! parabolic values), about 12,500 solves spread over 36 hours, hint unlocks and the
//! organisers' adjustments. Measures `standings` in both modes, live and frozen (`until` at
//! hour 30), and `current_values`.
//!
//! Target: the scoreboard for 500 teams × 50 challenges computed in under 10 ms (median).
//!
//! Run with `cargo bench --bench ctf`. Prints figures; not a test.

use std::hint::black_box;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use kene::ctf::scoring::{
    current_values, standings, Adjustment, Challenge, Decay, HintUnlock, Mode, Rules, Solve,
    ValueRule,
};

const TEAMS: i64 = 500;
const CHALLENGES: i64 = 50;
const HOUR_MS: i64 = 3_600_000;
const DURATION_MS: i64 = 36 * HOUR_MS;
const START_MS: i64 = 1_767_225_600_000;
const FREEZE_MS: i64 = START_MS + 30 * HOUR_MS;
const UNLOCKS: usize = 1_500;
const ADJUSTMENTS: usize = 40;
const WARM_UP: usize = 5;
const ITERATIONS: usize = 200;
const TARGET_MS: f64 = 10.0;

struct Contest {
    challenges: Vec<Challenge>,
    teams: Vec<i64>,
    solves: Vec<Solve>,
    unlocks: Vec<HintUnlock>,
    adjustments: Vec<Adjustment>,
}

fn generate() -> Contest {
    let mut rng = StdRng::seed_from_u64(0x9E37_79B9_7F4A_7C15);
    let challenges: Vec<Challenge> = (1..=CHALLENGES)
        .filter_map(|id| {
            let initial = 100 * rng.gen_range(1..=10);
            let minimum = initial / 5;
            let decay = rng.gen_range(10..=150);
            let function = match id % 3 {
                0 => Decay::Static,
                1 => Decay::Linear,
                _ => Decay::Parabolic,
            };
            let rule = ValueRule::new(initial, minimum, decay, function).ok()?;
            Some(Challenge { id, rule })
        })
        .collect();
    let teams: Vec<i64> = (1..=TEAMS).collect();
    // A solve happens with probability (skill + ease) / 2: half the pairs on average.
    let skill: Vec<f64> = teams.iter().map(|_| rng.gen()).collect();
    let ease: Vec<f64> = challenges.iter().map(|_| rng.gen()).collect();
    let mut solves = Vec::new();
    for (t, &team) in teams.iter().enumerate() {
        for (c, challenge) in challenges.iter().enumerate() {
            if rng.gen::<f64>() < (skill[t] + ease[c]) / 2.0 {
                solves.push(Solve {
                    id: 0,
                    challenge: challenge.id,
                    team,
                    at: START_MS + rng.gen_range(0..DURATION_MS),
                });
            }
        }
    }
    // Ids in time order, as the database would hand them out.
    solves.sort_by_key(|s| s.at);
    for (s, id) in solves.iter_mut().zip(1..) {
        s.id = id;
    }
    let unlocks = (0..UNLOCKS)
        .map(|_| HintUnlock {
            team: rng.gen_range(1..=TEAMS),
            cost: 10 * rng.gen_range(1..=10),
            at: START_MS + rng.gen_range(0..DURATION_MS),
        })
        .collect();
    let adjustments = (0..ADJUSTMENTS)
        .map(|_| Adjustment {
            team: rng.gen_range(1..=TEAMS),
            points: 50 * rng.gen_range(-4..=4),
            at: START_MS + rng.gen_range(0..DURATION_MS),
        })
        .collect();
    Contest {
        challenges,
        teams,
        solves,
        unlocks,
        adjustments,
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Times `f` and prints its median and p99.
fn measure(label: &str, mut f: impl FnMut() -> usize) -> f64 {
    for _ in 0..WARM_UP {
        black_box(f());
    }
    let mut times: Vec<Duration> = (0..ITERATIONS)
        .map(|_| {
            let start = Instant::now();
            let n = f();
            let elapsed = start.elapsed();
            black_box(n);
            elapsed
        })
        .collect();
    times.sort_unstable();
    let median = ms(times[ITERATIONS / 2]);
    let p99 = ms(times[(ITERATIONS * 99).div_ceil(100) - 1]);
    println!("{label:<40} median {median:.3} ms, p99 {p99:.3} ms");
    median
}

fn main() {
    let c = generate();
    println!(
        "ctf scoreboard: {} teams, {} challenges, {} solves, {} hint unlocks, {} adjustments",
        c.teams.len(),
        c.challenges.len(),
        c.solves.len(),
        c.unlocks.len(),
        c.adjustments.len()
    );
    println!("{ITERATIONS} iterations after {WARM_UP} warm-up each");
    let mut worst: f64 = 0.0;
    for mode in [Mode::Retroactive, Mode::NonRetroactive] {
        let rules = Rules {
            mode,
            first_blood_bonus: 25,
        };
        for (when, until) in [("live", None), ("frozen", Some(FREEZE_MS))] {
            let median = measure(&format!("standings, {}, {when}", mode.as_str()), || {
                standings(
                    black_box(&rules),
                    black_box(&c.challenges),
                    black_box(&c.teams),
                    black_box(&c.solves),
                    black_box(&c.unlocks),
                    black_box(&c.adjustments),
                    black_box(until),
                )
                .len()
            });
            worst = worst.max(median);
        }
    }
    for (when, until) in [("live", None), ("frozen", Some(FREEZE_MS))] {
        measure(&format!("current_values, {when}"), || {
            current_values(
                black_box(&c.challenges),
                black_box(&c.solves),
                black_box(until),
            )
            .len()
        });
    }
    let verdict = if worst < TARGET_MS { "met" } else { "NOT met" };
    println!("target: standings median < {TARGET_MS} ms (worst case {worst:.3} ms): {verdict}");
}
