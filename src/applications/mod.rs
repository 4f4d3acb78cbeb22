//! Applications: drafts, section-by-section saving, uploads, submission before an exact
//! deadline, receipts, and the organisers' back office.

pub mod actions;
pub mod admin;
pub mod decisions;
pub mod export;
mod file_pages;
pub mod form_view;
pub mod owned;
pub mod panel_access;
pub mod photos;
pub mod queries;
pub mod routes;
pub mod stats;
pub mod uploads;

use axum::routing::{get, post};
use axum::Router;

use crate::db::{Db, DbError, DbResult};
use crate::domain::form::{Answer, Answers, FormDefinition};
use crate::domain::types::Lang;
use crate::web::state::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Draft,
    Submitted,
    Eligible,
    Ineligible,
    Withdrawn,
}

/// Read back from a row: a name the code does not know fails the read (a corrupt row), it
/// is never taken for another status.
impl TryFrom<String> for Status {
    type Error = crate::domain::types::UnknownValue;

    fn try_from(name: String) -> Result<Status, Self::Error> {
        Status::parse(&name).ok_or(crate::domain::types::UnknownValue(name))
    }
}

/// Its stored name (filters and exports use it too).
impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Draft,
        Status::Submitted,
        Status::Eligible,
        Status::Ineligible,
        Status::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Eligible => "eligible",
            Status::Ineligible => "ineligible",
            Status::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    pub fn label(self, lang: Lang) -> String {
        crate::i18n::tr(lang, &format!("status-{}", self.as_str()))
    }

    /// The applicant may still change the dossier (while the call is open).
    pub fn editable(self) -> bool {
        matches!(self, Status::Draft | Status::Submitted)
    }
}

/// Which fields feed the list columns: the first present of each. Titles are shown publicly
/// (finalists, results, certificates), so they are names the applicant chose for the project,
/// company, service or team, never a person's name field.
const TITLE_FIELDS: [&str; 4] = ["project_title", "service_name", "company_name", "team_name"];
const COUNTRY_FIELDS: [&str; 3] = ["country", "nationality", "registration_country"];

pub fn summarise(
    form: &FormDefinition,
    answers: &Answers,
    applicant_name: &str,
) -> queries::Summary {
    let text = |key: &str| match answers.0.get(key) {
        Some(Answer::Text(s)) => Some(s.clone()),
        Some(Answer::Choices(c)) => c.first().cloned(),
        _ => None,
    };
    // Without one, lists show the reference number instead (see `queries::titled`).
    let title = TITLE_FIELDS
        .iter()
        .find_map(|k| text(k).filter(|s| !s.trim().is_empty()))
        .unwrap_or_default();
    let country = COUNTRY_FIELDS.iter().find_map(|k| text(k));
    let domain = text("domain");
    let mut search = vec![applicant_name.to_lowercase()];
    for answer in answers.0.values() {
        if let Answer::Text(s) = answer {
            search.push(s.to_lowercase());
        }
    }
    queries::Summary {
        title: title.chars().take(200).collect(),
        country,
        domain,
        women_led: is_women_led(form, answers),
        leader: Leader::of(answers),
        search_text: search.join(" "),
    }
}

/// What the statistics count of the person leading a dossier, copied out of the answers so
/// that counting an edition reads no JSON.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Leader {
    /// The leader's gender (`leader_gender`), else the applicant's own (`gender`, the
    /// hackathon), else the team's first member's (the leader, as the forms ask).
    pub gender: Option<String>,
    /// The applicant's birth date (`birth_date`, ISO), as typed.
    pub birth_date: Option<String>,
    /// The age the team's first member gave.
    pub age: Option<i64>,
}

impl Leader {
    pub fn of(answers: &Answers) -> Leader {
        let text = |answer: Option<&Answer>| answer.and_then(Answer::as_text).map(str::to_owned);
        let first = match answers.get("team") {
            Some(Answer::Group(members)) => members.first(),
            _ => None,
        };
        Leader {
            gender: text(answers.get("leader_gender"))
                .or_else(|| text(answers.get("gender")))
                .or_else(|| text(first.and_then(|m| m.get("gender")))),
            birth_date: text(answers.get("birth_date")),
            age: match first.and_then(|m| m.get("age")) {
                Some(Answer::Number(age)) => Some(*age),
                _ => None,
            },
        }
    }
}

/// Women-led: the leader is a woman, or women are at least half of the team; for individual
/// applications (no team), the applicant is a woman.
pub fn is_women_led(form: &FormDefinition, answers: &Answers) -> bool {
    let has_field = |key: &str| {
        form.sections
            .iter()
            .flat_map(|s| s.fields.iter())
            .any(|f| f.key == key)
    };
    if has_field("team") {
        let leader = has_field("leader_gender").then_some("leader_gender");
        crate::domain::form::women_led(answers, "team", "gender", leader)
    } else {
        matches!(answers.0.get("gender"), Some(Answer::Text(g)) if g == "f")
            || matches!(answers.0.get("gender"), Some(Answer::Choices(g)) if g.first().is_some_and(|g| g == "f"))
    }
}

/// Repairs dossiers left by versions of Kènè that wrote edits made after a submission over
/// the submitted answers: the edits become the pending draft (organisers still see them,
/// marked) and the latest submitted version is what is judged again. Run at start-up; does
/// nothing once repaired. Returns how many dossiers were repaired.
pub async fn restore_submitted_versions(db: &Db, now_ms: i64) -> DbResult<usize> {
    let mut repaired = 0;
    for row in queries::with_edits_in_place_of_submission(db).await? {
        let Some((version, form_version, json)) = queries::latest_version(db, row.id).await? else {
            continue;
        };
        let form = crate::calls::queries::form_definition(db, row.track_id, form_version).await?;
        let answers: Answers = serde_json::from_str(&json)
            .map_err(|e| DbError::Corrupt(format!("version {version} of {}: {e}", row.id)))?;
        let name = crate::accounts::users::find_by_id(db, row.applicant_id)
            .await?
            .map(|u| u.display_name)
            .unwrap_or_default();
        let summary = summarise(&form, &answers, &name);
        let mut tx = db.begin().await?;
        let stored = (version, form_version, json.as_str());
        if actions::restore_submitted(&mut tx, &row, stored, &summary, now_ms).await? {
            repaired += 1;
        }
        tx.commit().await?;
    }
    Ok(repaired)
}

/// The applicant's pages and the file endpoints.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/calls/{edition}/{track}/apply", post(routes::start))
        .route("/applications", get(routes::my_applications))
        .route("/applications/{id}", get(routes::overview))
        .route(
            "/applications/{id}/edit/{section}",
            get(routes::section_page).post(routes::save_section),
        )
        .route("/applications/{id}/files/{field}", post(file_pages::upload))
        .route("/applications/{id}/review", get(routes::review_page))
        .route("/applications/{id}/submit", post(routes::submit))
        .route("/applications/{id}/receipt", get(routes::receipt))
        .route("/applications/{id}/withdraw", post(routes::withdraw))
        .route("/files/{id}", get(file_pages::download))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::domain::seed_forms::hackathon_form;

    fn answers(pairs: &[(&str, &str)]) -> Answers {
        Answers(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), Answer::Text(v.to_string())))
                .collect(),
        )
    }

    #[test]
    fn a_hackathon_dossier_is_titled_by_its_team_never_by_a_person() {
        let form = hackathon_form();
        let named = answers(&[
            ("first_name", "Aminata"),
            ("last_name", "Keïta"),
            ("team_name", "Les Pare-feu"),
        ]);
        assert_eq!(
            summarise(&form, &named, "Aminata Keïta").title,
            "Les Pare-feu"
        );
        let unnamed = answers(&[
            ("first_name", "Aminata"),
            ("last_name", "Keïta"),
            ("team_name", " "),
        ]);
        let summary = summarise(&form, &unnamed, "Aminata Keïta");
        assert_eq!(summary.title, "");
        // Still found by the applicant's name in the back office.
        assert!(summary.search_text.contains("aminata keïta"));
        let row = |title: &str| queries::ListedApplication {
            id: 1,
            public_id: "p".into(),
            reference: Some("SDN27-CYB-0001".into()),
            status: Status::Submitted,
            title: title.into(),
            country: None,
            domain: None,
            women_led: false,
            track_id: 1,
            track_code: "CYB".into(),
            form_version: 1,
            answers_json: "{}".into(),
            applicant_name: "Aminata Keïta".into(),
            submitted_at: None,
        };
        let titles: Vec<String> = queries::titled(vec![row(""), row("Les Pare-feu")])
            .into_iter()
            .map(|r| r.title)
            .collect();
        assert_eq!(titles, ["SDN27-CYB-0001", "Les Pare-feu"]);
    }

    #[test]
    fn the_leader_is_the_named_leader_else_the_applicant_else_the_first_team_member() {
        let member = |gender: &str, age: i64| {
            BTreeMap::from([
                ("gender".to_string(), Answer::Text(gender.into())),
                ("age".to_string(), Answer::Number(age)),
            ])
        };
        let mut team = answers(&[("leader_gender", "f")]);
        team.0.insert(
            "team".into(),
            Answer::Group(vec![member("m", 41), member("f", 29)]),
        );
        assert_eq!(
            Leader::of(&team),
            Leader {
                gender: Some("f".into()),
                birth_date: None,
                age: Some(41),
            }
        );
        team.0.remove("leader_gender");
        assert_eq!(Leader::of(&team).gender.as_deref(), Some("m"));

        let alone = answers(&[("gender", "f"), ("birth_date", "2001-03-14")]);
        assert_eq!(
            Leader::of(&alone),
            Leader {
                gender: Some("f".into()),
                birth_date: Some("2001-03-14".into()),
                age: None,
            }
        );
        assert_eq!(Leader::of(&Answers::default()), Leader::default());
    }
}
