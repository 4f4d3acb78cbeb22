//! Organisers edit a track: names, window (in the edition's civil time), limits, the form
//! definition and the eligibility rules (as JSON, checked before saving).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use super::actions;
use super::queries::{self, TrackRow};
use super::{format_civil_input, format_closing_input, parse_civil, parse_closing, TrackSettings};
use crate::accounts::roles::{self, Role};
use crate::domain::eligibility::{self, Rule};
use crate::domain::types::Localized;
use crate::i18n::tr;
use crate::web::ctx::{CsrfForm, Ctx, SignedIn};
use crate::web::edit::{posted_version, StaleEdit};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::FieldErrors;
use crate::web::state::AppState;
use crate::web::templates::render_with_status;

pub fn router() -> Router<AppState> {
    Router::new().route("/admin/tracks/{id}", get(edit_page).post(save))
}

#[derive(Deserialize, Default, Clone)]
pub struct TrackForm {
    #[serde(default)]
    pub name_fr: String,
    #[serde(default)]
    pub name_en: String,
    #[serde(default)]
    pub description_fr: String,
    #[serde(default)]
    pub description_en: String,
    #[serde(default)]
    pub conditions_fr: String,
    #[serde(default)]
    pub conditions_en: String,
    #[serde(default)]
    pub regulations_fr: String,
    #[serde(default)]
    pub regulations_en: String,
    #[serde(default)]
    pub opens_at: String,
    #[serde(default)]
    pub closes_at: String,
    #[serde(default)]
    pub max_per_applicant: String,
    #[serde(default)]
    pub form_json: String,
    #[serde(default)]
    pub rules_json: String,
    /// The track's version the form was loaded from.
    #[serde(default)]
    pub version: String,
}

async fn organised_track(app: &AppState, user_id: i64, id: i64) -> AppResult<TrackRow> {
    let track = queries::track_by_id(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if roles::has_role(&app.db, user_id, track.edition_id, Role::Organiser).await? {
        Ok(track)
    } else {
        Err(AppError::NotFound)
    }
}

async fn edit_page(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let track = organised_track(&app, user.id, id).await?;
    let values = stored_values(&app, &track).await?;
    render_with_status(
        StatusCode::OK,
        &AdminTrackTemplate {
            ctx,
            track_id: track.id,
            timezone: track.timezone.name().to_owned(),
            version: track.form_version,
            values,
            errors: FieldErrors::default(),
            stale: None,
        },
    )
}

/// The form as the stored track fills it.
async fn stored_values(app: &AppState, track: &TrackRow) -> AppResult<TrackForm> {
    let form = queries::form_definition(&app.db, track.id, track.form_version).await?;
    let tz = track.time_zone();
    Ok(TrackForm {
        name_fr: track.name_fr.clone(),
        name_en: track.name_en.clone(),
        description_fr: track.description_fr.clone(),
        description_en: track.description_en.clone(),
        conditions_fr: track.conditions_fr.clone(),
        conditions_en: track.conditions_en.clone(),
        regulations_fr: track.regulations_fr.clone(),
        regulations_en: track.regulations_en.clone(),
        opens_at: format_civil_input(track.opens_at, &tz),
        closes_at: format_closing_input(track.closes_at, &tz),
        max_per_applicant: track.max_per_applicant.to_string(),
        form_json: serde_json::to_string_pretty(&form).unwrap_or_default(),
        rules_json: serde_json::to_string_pretty(&track.rules()?).unwrap_or_default(),
        version: track.version.to_string(),
    })
}

/// The stored version of the track, field by field, for a refused save.
fn stale_edit(stored: &TrackForm, version: i64, lang: crate::domain::types::Lang) -> StaleEdit {
    let fields = [
        ("admin-name-fr", &stored.name_fr),
        ("admin-name-en", &stored.name_en),
        ("admin-description-fr", &stored.description_fr),
        ("admin-description-en", &stored.description_en),
        ("admin-conditions-fr", &stored.conditions_fr),
        ("admin-conditions-en", &stored.conditions_en),
        ("admin-regulations-fr", &stored.regulations_fr),
        ("admin-regulations-en", &stored.regulations_en),
        ("admin-opens-at", &stored.opens_at),
        ("admin-closes-at", &stored.closes_at),
        ("admin-max-per-applicant", &stored.max_per_applicant),
        ("admin-form-json", &stored.form_json),
        ("admin-rules-json", &stored.rules_json),
    ];
    StaleEdit {
        version,
        stored: fields
            .into_iter()
            .map(|(key, value)| (tr(lang, key), value.clone()))
            .collect(),
    }
}

async fn save(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    form: CsrfForm<TrackForm>,
) -> AppResult<Response> {
    let track = organised_track(&app, user.id, id).await?;
    let values = form.value;
    let lang = ctx.lang;
    let tz = track.time_zone();
    let mut errors = FieldErrors::default();
    for (key, value) in [("name_fr", &values.name_fr), ("name_en", &values.name_en)] {
        if value.trim().is_empty() {
            errors.add(key, tr(lang, "field-required"));
        }
    }
    let opens_at = parse_civil(&values.opens_at, &tz);
    let closes_at = parse_closing(&values.closes_at, &tz);
    if opens_at.is_none() {
        errors.add("opens_at", tr(lang, "admin-bad-datetime"));
    }
    if closes_at.is_none() {
        errors.add("closes_at", tr(lang, "admin-bad-datetime"));
    }
    if let (Some(o), Some(c)) = (opens_at, closes_at) {
        if c <= o {
            errors.add("closes_at", tr(lang, "admin-close-before-open"));
        }
    }
    let max_per_applicant = match values.max_per_applicant.trim().parse::<i64>() {
        Ok(n) if (1..=20).contains(&n) => n,
        _ => {
            errors.add("max_per_applicant", tr(lang, "admin-bad-max"));
            1
        }
    };
    let form_def = match crate::domain::form::parse_definition(&values.form_json) {
        Ok(def) => Some(def),
        Err(problem) => {
            errors.add("form_json", problem);
            None
        }
    };
    let rules: Option<Vec<Rule>> = match serde_json::from_str::<Vec<Rule>>(&values.rules_json) {
        Ok(rules) => Some(rules),
        Err(e) => {
            errors.add("rules_json", format!("JSON: {e}"));
            None
        }
    };
    if let (Some(def), Some(rules)) = (&form_def, &rules) {
        if let Err(problems) = eligibility::check_rules(rules, def) {
            errors.add("rules_json", problems.join(" · "));
        }
    }
    let (Some(def), Some(rules), Some(opens_at), Some(closes_at), true) =
        (form_def, rules, opens_at, closes_at, errors.is_empty())
    else {
        return render_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &AdminTrackTemplate {
                ctx,
                track_id: track.id,
                timezone: track.timezone.name().to_owned(),
                version: track.form_version,
                values,
                errors,
                stale: None,
            },
        );
    };
    let current = queries::form_definition(&app.db, track.id, track.form_version).await?;
    let changed_form = (current != def).then_some(&def);
    let settings = TrackSettings {
        slug: track.slug.clone(),
        code: track.code.clone(),
        position: track.position,
        name: Localized::new(values.name_fr.trim(), values.name_en.trim()),
        description: Localized::new(values.description_fr.trim(), values.description_en.trim()),
        // Browsers send CRLF from a textarea; one condition per line.
        conditions: Localized::new(
            values.conditions_fr.replace("\r\n", "\n").trim(),
            values.conditions_en.replace("\r\n", "\n").trim(),
        ),
        regulations: Localized::new(
            values.regulations_fr.replace("\r\n", "\n").trim(),
            values.regulations_en.replace("\r\n", "\n").trim(),
        ),
        opens_at,
        closes_at,
        max_per_applicant,
        rules,
    };
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    let expected = posted_version(&values.version);
    let saved = (&settings, changed_form);
    let updated = actions::update_track(&mut tx, &track, expected, saved, user.id, now).await?;
    if updated.is_none() {
        drop(tx);
        let current = organised_track(&app, user.id, id).await?;
        let stored = stored_values(&app, &current).await?;
        let stale = stale_edit(&stored, current.version, lang);
        let values = TrackForm {
            version: current.version.to_string(),
            ..values
        };
        return render_with_status(
            StatusCode::CONFLICT,
            &AdminTrackTemplate {
                ctx,
                track_id: current.id,
                timezone: current.timezone.name().to_owned(),
                version: current.form_version,
                values,
                errors: FieldErrors::default(),
                stale: Some(stale),
            },
        );
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/admin/tracks/{}?saved=1", track.id)).into_response())
}

#[derive(Template)]
#[template(path = "admin/track.html")]
pub struct AdminTrackTemplate {
    pub ctx: Ctx,
    pub track_id: i64,
    pub timezone: String,
    pub version: i64,
    pub values: TrackForm,
    pub errors: FieldErrors,
    /// Set when the save was refused because the track changed since the form was loaded.
    pub stale: Option<crate::web::edit::StaleEdit>,
}
