//! What the contest hands to the selection once its standings are final: the contest is over
//! and, when it had a freeze, organisers revealed the standings. Organisers choose per contest
//! ([`StandingsUse`]) whether they pre-fill the jury's "challenges solved" criterion of each
//! finalist, or are themselves the hackathon category's podium and enter the special prize.

use std::collections::{BTreeMap, HashSet};

use super::queries::{self, BoardData, ChallengeRow, ContestRow, EntryRow, TeamRow};
use super::rules::StandingsUse;
use super::scoring;
use crate::db::Db;
use crate::web::error::{AppError, AppResult};

/// The standings `until` an instant (`None`: as they are now) and what they were computed
/// from, as the board and the selection read them.
pub(super) struct Computed {
    pub challenges: Vec<ChallengeRow>,
    pub rules: Vec<scoring::Challenge>,
    pub teams: Vec<TeamRow>,
    pub data: BoardData,
    pub standings: Vec<scoring::Standing>,
}

pub(super) fn rules_of(challenges: &[ChallengeRow]) -> AppResult<Vec<scoring::Challenge>> {
    challenges
        .iter()
        .map(|c| {
            Ok(scoring::Challenge {
                id: c.id,
                rule: c.rule().map_err(|e| AppError::Internal(e.to_string()))?,
            })
        })
        .collect()
}

pub(super) async fn compute(
    db: &Db,
    contest: &ContestRow,
    until: Option<i64>,
) -> AppResult<Computed> {
    let challenges = queries::challenges(db, contest.id).await?;
    let rules = rules_of(&challenges)?;
    let teams = queries::teams(db, contest.id).await?;
    let data = queries::board_data(db, contest.id).await?;
    let ids: Vec<i64> = teams.iter().map(|t| t.id).collect();
    let standings = scoring::standings(
        &contest.rules(),
        &rules,
        &ids,
        &data.solves,
        &data.unlocks,
        &data.adjustments,
        until,
    );
    Ok(Computed {
        challenges,
        rules,
        teams,
        data,
        standings,
    })
}

/// A team of the final standings.
pub struct FinalTeam {
    pub name: String,
    /// 1-based, shared by teams with the same score reached at the same instant.
    pub rank: u32,
    pub points: i64,
    /// When it reached its score: on equal points, who reached them first ranks first.
    pub reached_at: Option<i64>,
    pub women_led: bool,
    /// Its members' applications, the oldest first; never empty.
    pub entries: Vec<EntryRow>,
}

/// The contest of an edition as the selection sees it.
pub struct ContestResults {
    pub track_id: i64,
    pub standings_use: StandingsUse,
    /// The teams in standings order; `None` while the standings are not final.
    pub teams: Option<Vec<FinalTeam>>,
}

impl ContestResults {
    /// The team `application_id` played in, with the number of ranked teams.
    pub fn team_of(&self, application_id: i64) -> Option<&FinalTeam> {
        self.teams
            .as_deref()?
            .iter()
            .find(|t| t.entries.iter().any(|e| e.application_id == application_id))
    }

    pub fn winner_points(&self) -> i64 {
        self.teams
            .as_deref()
            .and_then(|t| t.first())
            .map_or(0, |t| t.points)
    }
}

/// Final once the contest is over and nothing is hidden any more: no freeze, or the
/// organisers revealed the standings it hid.
pub fn is_final(contest: &ContestRow, now: i64) -> bool {
    now >= contest.ends_at && (contest.freeze_at.is_none() || contest.revealed_at.is_some())
}

/// Points out of `max` on the jury's criterion: the team's share of the winner's points,
/// rounded to the nearest point (a team at or below zero gets none).
pub fn criterion_points(points: i64, winner: i64, max: u32) -> u32 {
    if points <= 0 || winner <= 0 {
        return 0;
    }
    let share = (i128::from(points.min(winner)) * i128::from(max) * 2 + i128::from(winner))
        / (2 * i128::from(winner));
    u32::try_from(share).unwrap_or(max).min(max)
}

/// The edition's contest for the selection; `None` when the edition has none.
pub async fn contest_results(
    db: &Db,
    edition_id: i64,
    now: i64,
) -> AppResult<Option<ContestResults>> {
    let Some(contest) = queries::contest(db, edition_id).await? else {
        return Ok(None);
    };
    let teams = if is_final(&contest, now) {
        Some(final_teams(db, &contest).await?)
    } else {
        None
    };
    Ok(Some(ContestResults {
        track_id: contest.track_id,
        standings_use: contest.standings_use,
        teams,
    }))
}

async fn final_teams(db: &Db, contest: &ContestRow) -> AppResult<Vec<FinalTeam>> {
    let computed = compute(db, contest, None).await?;
    let women_led: HashSet<i64> = queries::women_led_teams(db, contest.id)
        .await?
        .into_iter()
        .collect();
    let mut entries: BTreeMap<i64, Vec<EntryRow>> = BTreeMap::new();
    for e in queries::entries_by_team(db, contest.id).await? {
        entries.entry(e.team_id).or_default().push(e);
    }
    let names: BTreeMap<i64, &TeamRow> = computed.teams.iter().map(|t| (t.id, t)).collect();
    Ok(computed
        .standings
        .iter()
        .filter_map(|s| {
            Some(FinalTeam {
                name: names.get(&s.team)?.name.clone(),
                rank: s.rank,
                points: s.score,
                reached_at: s.reached_at,
                women_led: women_led.contains(&s.team),
                entries: entries.remove(&s.team).filter(|e| !e.is_empty())?,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn criterion_points_are_the_share_of_the_winners_points() {
        assert_eq!(criterion_points(1_800, 1_800, 10), 10);
        assert_eq!(criterion_points(900, 1_800, 10), 5);
        // 1250 / 1800 × 10 = 6.94…
        assert_eq!(criterion_points(1_250, 1_800, 10), 7);
        // 1 / 1800 × 10 rounds to 0; nothing solved or a penalty gets nothing.
        assert_eq!(criterion_points(1, 1_800, 10), 0);
        assert_eq!(criterion_points(0, 1_800, 10), 0);
        assert_eq!(criterion_points(-50, 1_800, 10), 0);
        assert_eq!(criterion_points(100, 0, 10), 0);
        assert_eq!(criterion_points(i64::MAX, i64::MAX, u32::MAX), u32::MAX);
    }

    proptest::proptest! {
        #[test]
        fn more_points_never_give_fewer(a in -10_000i64..100_000, b in -10_000i64..100_000,
                                       winner in 1i64..100_000, max in 0u32..100) {
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            let (lo, hi) = (lo.min(winner), hi.min(winner));
            proptest::prop_assert!(criterion_points(lo, winner, max) <= criterion_points(hi, winner, max));
            proptest::prop_assert!(criterion_points(hi, winner, max) <= max);
        }
    }
}
