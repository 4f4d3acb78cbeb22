//! Events and their editions: creating a new edition from the previous one (no code change
//! for next year), and naming each edition's team (organisers, reviewers, jury, coaches,
//! check-in staff).

pub mod access;
pub mod actions;
pub mod record;

use self::access::OrganisedEdition;
use self::actions::Source;
use crate::i18n::Say;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use crate::accounts::roles::{self, Role};
use crate::accounts::users;
use crate::calls::queries::{self as calls, NewEdition};
use crate::domain::types::Login;
use crate::i18n::tr;
use crate::run;
use crate::web::ctx::{CsrfForm, Ctx, SignedIn};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::FieldErrors;
use crate::web::state::AppState;
use crate::web::templates::render_with_status;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/editions", get(record::editions_page))
        .route(
            "/admin/editions/new",
            get(new_edition_page).post(create_edition),
        )
        .route(
            "/admin/editions/{edition}/team",
            get(team_page).post(grant_role),
        )
}

#[derive(Deserialize, Default, Clone)]
pub struct EditionForm {
    #[serde(default)]
    pub copy_from: String,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub slug: String,
    #[serde(default)]
    pub ref_prefix: String,
    #[serde(default)]
    pub theme_fr: String,
    #[serde(default)]
    pub theme_en: String,
    #[serde(default)]
    pub venue: String,
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: String,
}

async fn new_edition_page(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
) -> AppResult<Response> {
    if !user.is_admin {
        return Err(AppError::NotFound);
    }
    let sources = calls::editions(&app.db).await?;
    let values = EditionForm {
        copy_from: sources.first().map(|e| e.slug.clone()).unwrap_or_default(),
        ..EditionForm::default()
    };
    let sources = sources.into_iter().map(|e| (e.slug, e.year)).collect();
    render_with_status(
        StatusCode::OK,
        &NewEditionTemplate {
            ctx,
            sources,
            values,
            errors: FieldErrors::default(),
        },
    )
}

async fn create_edition(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    form: CsrfForm<EditionForm>,
) -> AppResult<Response> {
    if !user.is_admin {
        return Err(AppError::NotFound);
    }
    let values = form.value;
    let lang = ctx.lang;
    let mut errors = FieldErrors::default();
    let source = calls::edition_by_slug(&app.db, &values.copy_from).await?;
    if source.is_none() {
        errors.add("copy_from", tr(lang, "field-required"));
    }
    let year = values
        .year
        .trim()
        .parse::<i16>()
        .ok()
        .filter(|y| (2000..=2100).contains(y));
    if year.is_none() {
        errors.add("year", tr(lang, "edition-bad-year"));
    }
    let slug = values.slug.trim().to_lowercase();
    if slug.is_empty() || !slug.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        errors.add("slug", tr(lang, "edition-bad-slug"));
    } else if calls::edition_by_slug(&app.db, &slug).await?.is_some() {
        errors.add("slug", tr(lang, "edition-slug-taken"));
    }
    let prefix = values.ref_prefix.trim().to_uppercase();
    if prefix.is_empty() || prefix.len() > 8 || !prefix.chars().all(|c| c.is_ascii_alphanumeric()) {
        errors.add("ref_prefix", tr(lang, "edition-bad-prefix"));
    }
    for (key, value) in [
        ("theme_fr", &values.theme_fr),
        ("theme_en", &values.theme_en),
        ("venue", &values.venue),
    ] {
        if value.trim().is_empty() {
            errors.add(key, tr(lang, "field-required"));
        }
    }
    let starts: Option<jiff::civil::Date> = values.starts_on.trim().parse().ok();
    let ends: Option<jiff::civil::Date> = values.ends_on.trim().parse().ok();
    match (starts, ends) {
        (Some(s), Some(e)) if e < s => errors.add("ends_on", tr(lang, "admin-close-before-open")),
        (None, _) => errors.add("starts_on", tr(lang, "edition-bad-date")),
        (_, None) => errors.add("ends_on", tr(lang, "edition-bad-date")),
        _ => {}
    }
    let (Some(source), Some(year), Some(starts), Some(ends), true) =
        (source, year, starts, ends, errors.is_empty())
    else {
        let sources = calls::editions(&app.db)
            .await?
            .into_iter()
            .map(|e| (e.slug, e.year))
            .collect();
        return render_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &NewEditionTemplate {
                ctx,
                sources,
                values,
                errors,
            },
        );
    };
    let event_id: i64 = {
        let sql = "SELECT event_id FROM editions WHERE id = $1";
        run!(&app.db, |pool| sqlx::query_scalar(sql)
            .bind(source.id)
            .fetch_one(pool)
            .await)?
    };
    let criteria: String = {
        let sql = "SELECT criteria_json FROM editions WHERE id = $1";
        run!(&app.db, |pool| sqlx::query_scalar(sql)
            .bind(source.id)
            .fetch_one(pool)
            .await)?
    };
    let mut tracks = Vec::new();
    for track in calls::tracks_of_edition(&app.db, source.id).await? {
        let form = calls::form_definition(&app.db, track.id, track.form_version).await?;
        tracks.push((track, form));
    }
    let (starts_on, ends_on) = (starts.to_string(), ends.to_string());
    let new = NewEdition {
        event_id,
        slug: &slug,
        year: i64::from(year),
        ref_prefix: &prefix,
        theme_fr: values.theme_fr.trim(),
        theme_en: values.theme_en.trim(),
        venue: values.venue.trim(),
        starts_on: &starts_on,
        ends_on: &ends_on,
        timezone: source.timezone.name(),
        call_title_fr: &source.call_title_fr,
        call_title_en: &source.call_title_en,
        criteria_json: &criteria,
    };
    let source = Source {
        edition: &source,
        event_id,
        criteria_json: &criteria,
        tracks: &tracks,
    };
    let mut tx = app.db.begin().await?;
    actions::copy_edition(&mut tx, &source, &new, user.id, app.now_ms()).await?;
    tx.commit().await?;
    Ok(Redirect::to("/admin").into_response())
}

pub struct Member {
    pub name: String,
    pub login: String,
    pub role: String,
}

async fn team_response(
    app: &AppState,
    ctx: Ctx,
    edition: &calls::EditionRow,
    login: String,
    error: Option<String>,
    status: StatusCode,
) -> AppResult<Response> {
    let members = roles::members(&app.db, edition.id)
        .await?
        .into_iter()
        .map(|m| Member {
            role: tr(ctx.lang, &format!("role-{}", m.role.replace('_', "-"))),
            name: m.display_name,
            login: m.email.or(m.phone).unwrap_or_default(),
        })
        .collect();
    let roles = Role::ALL
        .iter()
        .filter(|r| **r != Role::Applicant)
        .map(|r| {
            (
                r.as_str().to_owned(),
                tr(ctx.lang, &format!("role-{}", r.as_str().replace('_', "-"))),
            )
        })
        .collect();
    render_with_status(
        status,
        &TeamTemplate {
            ctx,
            edition_slug: edition.slug.clone(),
            edition_year: edition.year,
            members,
            roles,
            login,
            error,
        },
    )
}

async fn team_page(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, .. }: OrganisedEdition,
) -> AppResult<Response> {
    team_response(&app, ctx, &edition, String::new(), None, StatusCode::OK).await
}

#[derive(Deserialize)]
struct GrantForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    role: String,
}

async fn grant_role(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, user }: OrganisedEdition,
    form: CsrfForm<GrantForm>,
) -> AppResult<Response> {
    let form = form.value;
    let role = Role::parse(&form.role)
        .filter(|r| *r != Role::Applicant)
        .ok_or(AppError::BadRequest("error-bad-form"))?;
    let member = match Login::parse(&form.login) {
        Ok(login) => users::find_by_login(&app.db, &login).await?,
        Err(e) => {
            let message = e.message(ctx.lang).to_owned();
            return team_response(
                &app,
                ctx,
                &edition,
                form.login,
                Some(message),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let Some(member) = member else {
        let message = tr(ctx.lang, "team-no-account");
        return team_response(
            &app,
            ctx,
            &edition,
            form.login,
            Some(message),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let mut tx = app.db.begin().await?;
    let granted = (&member, role);
    actions::grant_role(&mut tx, &edition, granted, user.id, app.now_ms()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/admin/editions/{}/team", edition.slug)).into_response())
}

#[derive(Template)]
#[template(path = "editions/new.html")]
pub struct NewEditionTemplate {
    pub ctx: Ctx,
    pub sources: Vec<(String, i64)>,
    pub values: crate::editions::EditionForm,
    pub errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "editions/team.html")]
pub struct TeamTemplate {
    pub ctx: Ctx,
    pub edition_slug: String,
    pub edition_year: i64,
    pub members: Vec<crate::editions::Member>,
    pub roles: Vec<(String, String)>,
    pub login: String,
    pub error: Option<String>,
}
