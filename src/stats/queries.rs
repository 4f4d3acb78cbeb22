//! What the statistics read: one short row per application that reached the organisers
//! (the stages it reached come from the published shortlist, the final's pitches and the
//! latest published results), and the directory's published profiles as anyone sees them.

use std::borrow::Cow;
use std::collections::BTreeSet;

use serde::Deserialize;

use super::rules::{age_on, ActorFact, Fact, Gender, Stage, YOUNG_UNDER};
use crate::applications::Status;
use crate::db::{Db, DbResult};
use crate::directory::public::PublicProfile;
use crate::run;

/// The applications of an edition that reached the organisers, with the selection's stages:
/// on the published shortlist, given a pitch at the final. The answers are read here
/// (PostgreSQL); SQLite picks what is counted out of them itself ([`FACTS_SQLITE`]).
const FACTS: &str = "SELECT a.track_id, a.status, a.country, a.domain, a.women_led, \
     a.answers_json, CAST(NULL AS TEXT) AS gender, CAST(NULL AS TEXT) AS birth_date, \
     CAST(NULL AS BIGINT) AS age, a.submitted_at, a.id, \
     EXISTS (SELECT 1 FROM shortlist_entries s JOIN shortlists l ON l.edition_id = s.edition_id \
             WHERE s.edition_id = t.edition_id AND s.application_id = a.id \
             AND l.status = 'published') AS shortlisted, \
     EXISTS (SELECT 1 FROM pitch_slots p WHERE p.edition_id = t.edition_id \
             AND p.application_id = a.id) AS pitched \
     FROM applications a JOIN tracks t ON t.id = a.track_id \
     WHERE t.edition_id = $1 AND a.status IN ('submitted', 'eligible', 'ineligible')";

/// The same on SQLite, which reads the leader's gender, birth date and age out of the
/// answers itself (`json_extract`): the dossiers' text does not cross to the application
/// (an edition of 5,000 is 6 MB of answers). Paths as [`Answers`] reads them.
const FACTS_SQLITE: &str = "SELECT a.track_id, a.status, a.country, a.domain, a.women_led, \
     '' AS answers_json, \
     COALESCE(json_extract(a.answers_json, '$.leader_gender.text'), \
              json_extract(a.answers_json, '$.gender.text'), \
              json_extract(a.answers_json, '$.team.group[0].gender.text')) AS gender, \
     json_extract(a.answers_json, '$.birth_date.text') AS birth_date, \
     json_extract(a.answers_json, '$.team.group[0].age.number') AS age, \
     a.submitted_at, a.id, \
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
    answers_json: String,
    gender: Option<String>,
    birth_date: Option<String>,
    age: Option<i64>,
    submitted_at: Option<i64>,
    id: i64,
    shortlisted: bool,
    pitched: bool,
}

/// One stored answer as the statistics read it. Answers are externally tagged
/// (`{"text": "f"}`, `{"number": 57}`, `{"group": [...]}`): read as a map, the variant
/// that is there fills its field, any other is skipped unread.
#[derive(Default, Deserialize)]
struct Stored<'a> {
    #[serde(borrow, default)]
    text: Option<Cow<'a, str>>,
    #[serde(default)]
    number: Option<i64>,
}

/// A team member: only the gender and age are read.
#[derive(Default, Deserialize)]
struct Member<'a> {
    #[serde(borrow, default)]
    gender: Option<Stored<'a>>,
    #[serde(borrow, default)]
    age: Option<Stored<'a>>,
}

#[derive(Default, Deserialize)]
struct Team<'a> {
    #[serde(borrow, default)]
    group: Option<Vec<Member<'a>>>,
}

/// The few answers the statistics read; the rest of the dossier is skipped unread.
#[derive(Default, Deserialize)]
struct Answers<'a> {
    #[serde(borrow, default)]
    leader_gender: Option<Stored<'a>>,
    #[serde(borrow, default)]
    gender: Option<Stored<'a>>,
    #[serde(borrow, default)]
    birth_date: Option<Stored<'a>>,
    #[serde(borrow, default)]
    team: Option<Team<'a>>,
}

fn text<'s>(answer: Option<&'s Stored<'_>>) -> Option<&'s str> {
    answer.and_then(|a| a.text.as_deref())
}

impl Answers<'_> {
    /// The leader's gender (`leader_gender`), else the applicant's own (`gender`, the
    /// hackathon), else the team's first member's (the leader, as the forms ask); the
    /// applicant's birth date; the age the team's first member gave.
    fn leader(&self) -> Leader {
        let first = self
            .team
            .as_ref()
            .and_then(|t| t.group.as_ref())
            .and_then(|g| g.first());
        let gender = text(self.leader_gender.as_ref())
            .or_else(|| text(self.gender.as_ref()))
            .or_else(|| text(first.and_then(|m| m.gender.as_ref())));
        Leader {
            gender: gender.map(str::to_owned),
            birth_date: text(self.birth_date.as_ref()).map(str::to_owned),
            age: first.and_then(|m| m.age.as_ref()).and_then(|a| a.number),
        }
    }
}

/// What is counted of the person leading a dossier.
struct Leader {
    gender: Option<String>,
    birth_date: Option<String>,
    age: Option<i64>,
}

impl Leader {
    fn gender(&self) -> Gender {
        Gender::from_answer(self.gender.as_deref())
    }

    /// Under 35: the applicant's age on the submission day (birth date), else the age the
    /// team's first member gave; `None` when neither is known.
    fn young(&self, submitted_at: Option<i64>) -> Option<bool> {
        let on = submitted_at
            .and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
            .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date());
        let born = self
            .birth_date
            .as_deref()
            .and_then(|s| s.parse::<jiff::civil::Date>().ok());
        if let (Some(born), Some(on)) = (born, on) {
            return Some(age_on(born, on) < YOUNG_UNDER);
        }
        self.age.map(|age| age < YOUNG_UNDER)
    }
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
        FACTS
    } else {
        FACTS_SQLITE
    };
    let rows = run!(db, |pool| sqlx::query_as::<_, FactRow>(sql)
        .bind(edition_id)
        .fetch_all(pool)
        .await)?;
    let laureates = laureates(db, edition_id).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let leader = if r.answers_json.is_empty() {
                Leader {
                    gender: r.gender,
                    birth_date: r.birth_date,
                    age: r.age,
                }
            } else {
                // A dossier whose answers cannot be read is still counted, its leader unknown.
                serde_json::from_str::<Answers>(&r.answers_json)
                    .unwrap_or_default()
                    .leader()
            };
            Fact {
                edition_id,
                track_id: r.track_id,
                country: r.country,
                domain: r.domain,
                women_led: r.women_led,
                young: leader.young(r.submitted_at),
                gender: leader.gender(),
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
