//! Registration for the event: attendee categories (each with its form from the calls' form
//! engine, its seats and waitlist, and an organiser's approval where needed), in-person or
//! online participation, confirmation messages, cancellation that frees the seat for the
//! waitlist, and the badges whose QR codes carry a signed code (see `badge`).
//!
//! Layout: `rules` (pure: categories, states, admission), `badge` (pure: signed codes),
//! `queries`, `actions` (the writes), `attendees` (the registrants' pages, the badge page),
//! `organisers` (categories, approvals, badge printing), `demo`.

pub mod actions;
mod attendees;
pub mod badge;
pub mod demo;
mod organisers;
pub mod queries;
pub mod rules;

use axum::routing::{get, post};
use axum::Router;
use ed25519_dalek::SigningKey;
use serde::Deserialize;

use self::queries::{CategoryRow, RegistrationRow};
use self::rules::Attendance;
use crate::calls::queries::EditionRow;
use crate::db::{Db, DbResult};
use crate::domain::form::{self, Answers, FieldError, FormDefinition};
use crate::domain::types::Lang;
use crate::i18n::{tr, tr_args};
use crate::web::forms::FieldErrors;
use crate::web::state::AppState;

pub fn router() -> Router<AppState> {
    const ADMIN: &str = "/admin/editions/{edition}/registrations";
    Router::new()
        .route("/registration/{edition}", get(attendees::overview))
        .route("/registration/{edition}/mine", get(attendees::mine))
        .route(
            "/registration/{edition}/mine/cancel",
            post(attendees::cancel),
        )
        .route(
            "/registration/{edition}/{category}",
            get(attendees::form).post(attendees::register),
        )
        .route("/badge/{token}", get(attendees::badge))
        .route(ADMIN, get(organisers::registrations))
        .route(&format!("{ADMIN}/open"), post(organisers::open))
        .route(&format!("{ADMIN}/badges"), get(organisers::badges))
        .route(
            &format!("{ADMIN}/categories/{{category}}"),
            post(organisers::change_category),
        )
        .route(
            &format!("{ADMIN}/categories/{{category}}/form"),
            get(organisers::category_form).post(organisers::save_category_form),
        )
        .route(
            &format!("{ADMIN}/{{registration}}/decide"),
            post(organisers::decide),
        )
        .route(
            &format!("{ADMIN}/{{registration}}/cancel"),
            post(organisers::cancel),
        )
}

/// The edition named in the address; 404 for an unknown one.
async fn edition_of(app: &AppState, slug: &str) -> crate::web::error::AppResult<EditionRow> {
    crate::calls::queries::edition_by_slug(&app.db, slug)
        .await?
        .ok_or(crate::web::error::AppError::NotFound)
}

/// The longest name and organisation accepted (a badge has room for little more).
const NAME_MAX: usize = 80;

/// The registration form as typed: the fields every category asks, and the category's own
/// (kept in `pairs`, parsed by the form engine).
#[derive(Debug, Deserialize, Default, Clone)]
pub struct RegistrationForm {
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub organisation: String,
    #[serde(default)]
    pub attendance: String,
}

/// A registration form that passed every check.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidRegistration {
    pub display_name: String,
    pub organisation: String,
    pub attendance: Attendance,
    pub answers: Answers,
}

/// What a refused form shows again: the messages of the common fields, and those of the
/// category's fields with the answers as typed.
#[derive(Debug, Default)]
pub struct Refusal {
    pub errors: FieldErrors,
    pub answers: Answers,
    pub field_errors: std::collections::BTreeMap<String, FieldError>,
}

/// Checks a registration against the category's form (`pairs` are the posted fields).
pub fn parse_registration(
    typed: &RegistrationForm,
    pairs: &[(String, String)],
    def: &FormDefinition,
    lang: Lang,
) -> Result<ValidRegistration, Refusal> {
    let mut errors = FieldErrors::default();
    let mut short = |field: &str, value: &str, required: bool| {
        let value = value.trim();
        if required && value.is_empty() {
            errors.add(field, tr(lang, "field-required"));
        } else if value.chars().count() > NAME_MAX {
            let args = [("max", NAME_MAX.to_string())];
            errors.add(field, tr_args(lang, "registration-too-long", &args));
        }
        value.to_owned()
    };
    let display_name = short("display_name", &typed.display_name, true);
    let organisation = short("organisation", &typed.organisation, false);
    let attendance = Attendance::parse(typed.attendance.trim());
    if attendance.is_none() {
        errors.add("attendance", tr(lang, "registration-choose-attendance"));
    }
    let mut outcome = Answers::default();
    let mut field_errors = std::collections::BTreeMap::new();
    for index in 0..def.sections.len() {
        let section = form::parse_section(def, index, pairs, &outcome);
        outcome = section.answers;
        field_errors.extend(section.errors);
    }
    for (key, error) in form::check_complete(def, &outcome) {
        field_errors.entry(key).or_insert(error);
    }
    match attendance {
        Some(attendance) if errors.is_empty() && field_errors.is_empty() => Ok(ValidRegistration {
            display_name,
            organisation,
            attendance,
            answers: form::asked_answers(def, &outcome),
        }),
        _ => Err(Refusal {
            errors,
            answers: outcome,
            field_errors,
        }),
    }
}

/// The category's form; a stored form that no longer reads is a bug, shown as such.
fn form_of(category: &CategoryRow) -> crate::web::error::AppResult<FormDefinition> {
    serde_json::from_str(&category.form)
        .map_err(|e| crate::web::error::AppError::Internal(format!("attendee form: {e}")))
}

/// The badge's signed code, if the registration holds a badge and the edition has a key.
pub async fn badge_code(db: &Db, r: &RegistrationRow) -> DbResult<Option<String>> {
    if !r.has_badge() {
        return Ok(None);
    }
    let Some((key_id, secret)) = queries::signing_key(db, r.edition_id).await? else {
        return Ok(None);
    };
    let (Ok(key_id), Ok(secret), Ok(edition), Ok(badge)) = (
        u8::try_from(key_id),
        <[u8; 32]>::try_from(secret.as_slice()),
        u16::try_from(r.edition_id),
        u32::try_from(r.id),
    ) else {
        return Ok(None);
    };
    let claim = badge::Claim {
        key_id,
        edition,
        badge,
        category: r.category.index(),
    };
    Ok(Some(badge::sign(claim, &SigningKey::from_bytes(&secret))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed() -> RegistrationForm {
        RegistrationForm {
            display_name: "Aminata Traoré".into(),
            organisation: "Orange Digital Center".into(),
            attendance: "in_person".into(),
        }
    }

    fn press() -> FormDefinition {
        crate::domain::seed_forms::attendee_form("press")
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_whole_press_registration_is_accepted() {
        let posted = pairs(&[
            ("media", "L'Essor"),
            ("press_card", "ML-2026-118"),
            ("consent", "yes"),
        ]);
        let valid = parse_registration(&typed(), &posted, &press(), Lang::Fr).expect("valid");
        assert_eq!(valid.attendance, Attendance::InPerson);
        assert!(valid.answers.get("media").is_some());
    }

    #[test]
    fn missing_answers_are_named_and_typed_ones_kept() {
        let posted = pairs(&[("media", "L'Essor")]);
        let typed = RegistrationForm {
            attendance: "elsewhere".into(),
            display_name: " ".into(),
            ..typed()
        };
        let refusal = parse_registration(&typed, &posted, &press(), Lang::En).expect_err("refused");
        assert!(refusal.errors.get("display_name").is_some());
        assert!(refusal.errors.get("attendance").is_some());
        assert!(refusal.field_errors.contains_key("press_card"));
        assert!(refusal.field_errors.contains_key("consent"));
        assert!(refusal.answers.get("media").is_some(), "typed answer kept");
    }

    #[test]
    fn every_category_form_is_a_valid_form() {
        for code in rules::CategoryCode::ALL {
            let def = crate::domain::seed_forms::attendee_form(code.as_str());
            assert_eq!(def.check(), Ok(()), "{}", code.as_str());
        }
    }
}
