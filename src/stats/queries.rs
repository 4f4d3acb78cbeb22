//! What the statistics read: one short row per application that reached the organisers
//! (the stages it reached come from the published shortlist, the final's pitches and the
//! latest published results), and the directory's published profiles as anyone sees them.

use std::collections::BTreeSet;

use super::rules::{age_on, ActorFact, Fact, Gender, Stage, YOUNG_UNDER};
use crate::applications::{Leader, Status};
use crate::db::{Db, DbResult};
use crate::directory::public::PublicProfile;
use crate::run;

/// The applications of an edition that reached the organisers, with the selection's stages:
/// on the published shortlist, given a pitch at the final. The leader is read from the
/// summary columns written with the answers ([`Leader`]), never from the dossiers' JSON.
const FACTS: &str = "SELECT a.track_id, a.status, a.country, a.domain, a.women_led, \
     a.leader_gender, a.leader_birth_date, a.leader_age, a.submitted_at, a.id, \
     EXISTS (SELECT 1 FROM shortlist_entries s JOIN shortlists l ON l.edition_id = s.edition_id \
             WHERE s.edition_id = t.edition_id AND s.application_id = a.id \
             AND l.status = 'published') AS shortlisted, \
     EXISTS (SELECT 1 FROM pitch_slots p WHERE p.edition_id = t.edition_id \
             AND p.application_id = a.id) AS pitched \
     FROM applications a JOIN tracks t ON t.id = a.track_id \
     WHERE t.edition_id = $1 AND a.status IN ('submitted', 'eligible', 'ineligible')";

#[derive(sqlx::FromRow)]
struct FactRow {
    track_id: i64,
    #[sqlx(try_from = "String")]
    status: Status,
    country: Option<String>,
    domain: Option<String>,
    women_led: bool,
    leader_gender: Option<String>,
    leader_birth_date: Option<String>,
    leader_age: Option<i64>,
    submitted_at: Option<i64>,
    id: i64,
    shortlisted: bool,
    pitched: bool,
}

/// Under 35: the applicant's age on the submission day (birth date), else the age the
/// team's first member gave; `None` when neither is known.
fn young(leader: &Leader, submitted_at: Option<i64>) -> Option<bool> {
    let on = submitted_at
        .and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
        .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date());
    let born = leader
        .birth_date
        .as_deref()
        .and_then(|s| s.parse::<jiff::civil::Date>().ok());
    if let (Some(born), Some(on)) = (born, on) {
        return Some(age_on(born, on) < YOUNG_UNDER);
    }
    leader.age.map(|age| age < YOUNG_UNDER)
}

/// The laureates of the edition's latest published results (categories and special prize).
async fn laureates(db: &Db, edition_id: i64) -> DbResult<BTreeSet<i64>> {
    let latest = crate::review::publication::publications(db, edition_id)
        .await?
        .into_iter()
        .next();
    let mut out = BTreeSet::new();
    if let Some(row) = latest {
        let snapshot = row.snapshot()?;
        for dossiers in snapshot.laureates.categories.values() {
            out.extend(dossiers.iter().map(|(_, id)| *id));
        }
        out.extend(snapshot.laureates.special_prize);
    }
    Ok(out)
}

/// One fact per application of the edition that reached the organisers.
pub async fn facts(db: &Db, edition_id: i64) -> DbResult<Vec<Fact>> {
    let rows = run!(db, |pool| sqlx::query_as::<_, FactRow>(FACTS)
        .bind(edition_id)
        .fetch_all(pool)
        .await)?;
    let laureates = laureates(db, edition_id).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let leader = Leader {
                gender: r.leader_gender,
                birth_date: r.leader_birth_date,
                age: r.leader_age,
            };
            Fact {
                edition_id,
                track_id: r.track_id,
                country: r.country,
                domain: r.domain,
                women_led: r.women_led,
                young: young(&leader, r.submitted_at),
                gender: Gender::from_answer(leader.gender.as_deref()),
                reached: Stage::reached(
                    r.status == Status::Eligible,
                    r.shortlisted,
                    r.pitched,
                    laureates.contains(&r.id),
                ),
            }
        })
        .collect())
}

/// The directory's published profiles, reduced to what anyone may see of them: a field the
/// actor keeps private is unknown here too.
pub async fn actors(db: &Db) -> DbResult<Vec<ActorFact>> {
    Ok(crate::directory::queries::published(db)
        .await?
        .iter()
        .map(|row| {
            let p = PublicProfile::of(row);
            ActorFact {
                kind: p.kind.as_str(),
                sectors: p.sectors.clone(),
                region: p.region.map(|r| (r.as_str(), r.label_key())),
                women_led: p.women_led,
            }
        })
        .collect())
}
