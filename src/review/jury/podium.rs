//! The hackathon category decided by the capture-the-flag's final standings, when organisers
//! chose so (the contest's settings): its teams replace the jury's ranking of that category,
//! each team under its oldest member's application (its certificate names every member),
//! and women-led teams compete for the special prize.
//!
//! Scores are the team's points as a share of the winner's, out of 100 — the scale of the
//! jury's totals — so the special prize compares a team with the other categories' finalists
//! on like terms. Teams without points are not ranked. Equal points are already ordered by
//! who reached them first; that order is the standings' own rule, not a tie the jury must
//! confirm.

use std::collections::{BTreeMap, BTreeSet};

use crate::ctf::results::{ContestResults, FinalTeam};
use crate::review::names::people_names;
use crate::review::publication::PublicDossier;
use crate::review::rules::ranking::Ranked;

/// The category the standings decide, ready for the deliberation.
pub struct CtfPodium {
    pub track_id: i64,
    /// `None` while the standings are not final.
    pub teams: Option<PodiumTeams>,
}

pub struct PodiumTeams {
    /// In standings order.
    pub ranking: Vec<Ranked>,
    /// Every ranked team, under its oldest member's application id.
    pub dossiers: BTreeMap<i64, PublicDossier>,
    pub women_led: BTreeSet<i64>,
    /// Each team's points, for the deliberation page.
    pub points: BTreeMap<i64, i64>,
}

impl CtfPodium {
    pub fn of(contest: &ContestResults) -> CtfPodium {
        CtfPodium {
            track_id: contest.track_id,
            teams: contest
                .teams
                .as_deref()
                .map(|teams| ranked(contest.track_id, teams, contest.winner_points())),
        }
    }
}

fn ranked(track_id: i64, teams: &[FinalTeam], winner: i64) -> PodiumTeams {
    let mut out = PodiumTeams {
        ranking: Vec::new(),
        dossiers: BTreeMap::new(),
        women_led: BTreeSet::new(),
        points: BTreeMap::new(),
    };
    for team in teams.iter().filter(|t| t.points > 0) {
        let Some(first) = team.entries.first() else {
            continue;
        };
        let dossier = first.application_id;
        let people: Vec<String> = team
            .entries
            .iter()
            .flat_map(|e| people_names(&e.answers_json))
            .collect();
        out.ranking.push(Ranked {
            position: out.ranking.len() + 1,
            dossier,
            score: share(team.points, winner),
            tie_break: Vec::new(),
            submitted_at: team.reached_at.unwrap_or(i64::MAX),
            sheets: 0,
            spread: 0.0,
            disputed: false,
        });
        out.dossiers.insert(
            dossier,
            PublicDossier {
                reference: first.reference.clone().unwrap_or_default(),
                title: team.name.clone(),
                team: people.join(", "),
                people,
                track_id,
            },
        );
        if team.women_led {
            out.women_led.insert(dossier);
        }
        out.points.insert(dossier, team.points);
    }
    out
}

/// Points as a share of the winner's, out of 100.
fn share(points: i64, winner: i64) -> f64 {
    if winner <= 0 {
        return 0.0;
    }
    100.0 * points as f64 / winner as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ctf::queries::EntryRow;
    use crate::ctf::rules::StandingsUse;

    fn team(name: &str, points: i64, members: &[(i64, &str)], women_led: bool) -> FinalTeam {
        FinalTeam {
            name: name.into(),
            rank: 0,
            points,
            reached_at: Some(points),
            women_led,
            entries: members
                .iter()
                .map(|(id, first)| EntryRow {
                    team_id: 0,
                    application_id: *id,
                    reference: Some(format!("HAC-{id}")),
                    answers_json: format!(
                        r#"{{"first_name":{{"text":"{first}"}},"last_name":{{"text":"Traoré"}}}}"#
                    ),
                })
                .collect(),
        }
    }

    #[test]
    fn teams_are_ranked_under_their_oldest_member_and_named_in_full() {
        let contest = ContestResults {
            track_id: 7,
            standings_use: StandingsUse::Podium,
            teams: Some(vec![
                team("Les Gardiennes", 800, &[(12, "Awa"), (15, "Fanta")], true),
                team("Root", 400, &[(3, "Moussa")], false),
                team("Zéro", 0, &[(4, "Ali")], false),
            ]),
        };
        let podium = CtfPodium::of(&contest);
        let teams = podium.teams.expect("final");
        let order: Vec<(usize, i64, f64)> = teams
            .ranking
            .iter()
            .map(|r| (r.position, r.dossier, r.score))
            .collect();
        assert_eq!(order, [(1, 12, 100.0), (2, 3, 50.0)], "no points, no rank");
        let gardiennes = &teams.dossiers[&12];
        assert_eq!(gardiennes.title, "Les Gardiennes");
        assert_eq!(gardiennes.people, ["Awa T.", "Fanta T."]);
        assert_eq!(gardiennes.reference, "HAC-12");
        assert_eq!(gardiennes.track_id, 7);
        assert_eq!(teams.women_led, BTreeSet::from([12]));
        assert_eq!(teams.points[&3], 400);
    }

    #[test]
    fn standings_not_final_rank_nobody() {
        let contest = ContestResults {
            track_id: 7,
            standings_use: StandingsUse::Podium,
            teams: None,
        };
        assert!(CtfPodium::of(&contest).teams.is_none());
    }
}
