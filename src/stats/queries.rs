//! What the statistics read: one short row per application that reached the organisers
//! (the stages it reached come from the published shortlist, the final's pitches and the
//! latest published results), and the directory's published profiles as anyone sees them.

use std::collections::BTreeSet;

use super::rules::{age_on, ActorFact, Fact, Gender, Stage, YOUNG_UNDER};
use crate::applications::{Leader, Status};
use crate::db::{Db, DbError, DbResult};
use crate::directory::public::PublicProfile;
use crate::run;

/// The applications of an edition that reached the organisers, with the selection's stages:
/// on the published shortlist, given a pitch at the final. The leader is read from the
/// summary columns written with the answers ([`Leader`]), never from the dossiers' JSON.
macro_rules! facts_select {
    () => {
        "SELECT a.track_id, a.status, a.country, a.domain, a.women_led, \
         a.leader_gender, a.leader_birth_date, a.leader_age, a.submitted_at, a.id, \
         EXISTS (SELECT 1 FROM shortlist_entries s JOIN shortlists l ON l.edition_id = s.edition_id \
                 WHERE s.edition_id = t.edition_id AND s.application_id = a.id \
                 AND l.status = 'published') AS shortlisted, \
         EXISTS (SELECT 1 FROM pitch_slots p WHERE p.edition_id = t.edition_id \
                 AND p.application_id = a.id) AS pitched \
         FROM applications a JOIN tracks t ON t.id = a.track_id \
         WHERE t.edition_id = $1 AND a.status IN ('submitted', 'eligible', 'ineligible')"
    };
}

/// The facts as one JSON array of arrays (one per application, in [`FactRow`]'s order):
/// sqlx hands SQLite rows over one at a time, at a cost per row and per column that was ten
/// times the query's own for an edition of 5,000 (40 ms against 4).
const FACTS_SQLITE: &str = concat!(
    "SELECT json_group_array(json_array(track_id, status, country, domain, women_led, \
     leader_gender, leader_birth_date, leader_age, submitted_at, id, shortlisted, pitched)) \
     FROM (",
    facts_select!(),
    ")"
);
const FACTS_POSTGRES: &str = concat!(
    "SELECT COALESCE(json_agg(json_build_array(track_id, status, country, domain, women_led, \
     leader_gender, leader_birth_date, leader_age, submitted_at, id, shortlisted, pitched)), \
     '[]')::text FROM (",
    facts_select!(),
    ") f"
);

/// One application's columns, in the order of the arrays above.
#[derive(serde::Deserialize)]
struct FactRow(
    i64,            // track_id
    String,         // status
    Option<String>, // country
    Option<String>, // domain
    Flag,           // women_led
    Option<String>, // leader_gender
    Option<String>, // leader_birth_date
    Option<i64>,    // leader_age
    Option<i64>,    // submitted_at
    i64,            // id
    Flag,           // shortlisted
    Flag,           // pitched
);

/// A truth value as each database writes it in JSON: `true` (PostgreSQL) or `1` (SQLite).
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum Flag {
    Bool(bool),
    Int(i64),
}

impl Flag {
    fn is_set(&self) -> bool {
        match self {
            Flag::Bool(b) => *b,
            Flag::Int(i) => *i != 0,
        }
    }
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
    let sql = if db.is_postgres() {
        FACTS_POSTGRES
    } else {
        FACTS_SQLITE
    };
    let json: String = run!(db, |pool| sqlx::query_scalar(sql)
        .bind(edition_id)
        .fetch_one(pool)
        .await)?;
    let rows: Vec<FactRow> = serde_json::from_str(&json)
        .map_err(|e| DbError::Corrupt(format!("statistics of edition {edition_id}: {e}")))?;
    let laureates = laureates(db, edition_id).await?;
    rows.into_iter()
        .map(|r| {
            let status = Status::try_from(r.1).map_err(|e| DbError::Corrupt(e.to_string()))?;
            let leader = Leader {
                gender: r.5,
                birth_date: r.6,
                age: r.7,
            };
            Ok(Fact {
                edition_id,
                track_id: r.0,
                country: r.2,
                domain: r.3,
                women_led: r.4.is_set(),
                young: young(&leader, r.8),
                gender: Gender::from_answer(leader.gender.as_deref()),
                reached: Stage::reached(
                    status == Status::Eligible,
                    r.10.is_set(),
                    r.11.is_set(),
                    laureates.contains(&r.9),
                ),
            })
        })
        .collect()
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
