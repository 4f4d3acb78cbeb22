//! The organisers' registration pages: opening registration, each category's seats and
//! approval, the registrations with their decisions and cancellations, and badge printing.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::actions::{self, Refused};
use super::attendees::{badge_view, BadgeView};
use super::queries::{self, CategoryRow, CategorySettings, RegistrationRow};
use super::rules::Status;
use crate::calls::queries::EditionRow;
use crate::editions::access::OrganisedEdition;
use crate::i18n::{format_instant, tr, tr_args};
use crate::web::ctx::{CsrfForm, Ctx};
use crate::web::error::{AppError, AppResult};
use crate::web::state::AppState;
use crate::web::templates::{render, render_with_status};

fn base(edition: &EditionRow) -> String {
    format!("/admin/editions/{}/registrations", edition.slug)
}

/// A category with its counts and the form that changes it.
pub struct CategoryLine {
    pub code: &'static str,
    pub name: String,
    pub capacity: String,
    pub taken: i64,
    pub pending: i64,
    pub waitlisted: i64,
    pub online: i64,
    pub needs_approval: bool,
    pub open_to_public: bool,
}

/// A registration in the organisers' list.
pub struct RegistrationLine {
    pub public_id: String,
    pub number: String,
    pub name: String,
    pub organisation: String,
    pub category: String,
    pub attendance: String,
    pub status: &'static str,
    pub status_text: String,
    pub when: String,
    pub pending: bool,
    pub live: bool,
}

#[derive(Template)]
#[template(path = "registration/organisers.html")]
pub struct RegistrationsTemplate {
    pub ctx: Ctx,
    pub edition: String,
    pub base: String,
    pub public_url: String,
    pub categories: Vec<CategoryLine>,
    pub registrations: Vec<RegistrationLine>,
    pub statuses: Vec<(&'static str, String, bool)>,
    pub page_error: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
pub struct ListFilter {
    #[serde(default)]
    pub status: String,
}

fn count(counts: &[(i64, String, i64)], category: i64, status: Status) -> i64 {
    counts
        .iter()
        .filter(|(c, s, _)| *c == category && s == status.as_str())
        .map(|(_, _, n)| n)
        .sum()
}

async fn render_page(
    app: &AppState,
    ctx: Ctx,
    edition: &EditionRow,
    filter: &ListFilter,
    (page_error, status): (Option<String>, StatusCode),
) -> AppResult<Response> {
    let lang = ctx.lang;
    let categories = queries::categories(&app.db, edition.id).await?;
    let counts = queries::counts(&app.db, edition.id).await?;
    let all = queries::registrations(&app.db, edition.id).await?;
    let online = |c: &CategoryRow| {
        all.iter()
            .filter(|r| {
                r.category_id == c.id
                    && r.status == Status::Confirmed
                    && r.attendance == super::rules::Attendance::Online
            })
            .count() as i64
    };
    let category_lines = categories
        .iter()
        .map(|c| CategoryLine {
            code: c.code.as_str(),
            name: c.name(lang).to_owned(),
            capacity: c.capacity.map(|n| n.to_string()).unwrap_or_default(),
            taken: c.taken,
            pending: count(&counts, c.id, Status::Pending),
            waitlisted: count(&counts, c.id, Status::Waitlisted),
            online: online(c),
            needs_approval: c.needs_approval,
            open_to_public: c.open_to_public,
        })
        .collect();
    let wanted = Status::parse(filter.status.trim());
    let tz = edition.timezone.tz();
    let registrations = all
        .iter()
        .filter(|r| wanted.is_none_or(|w| r.status == w))
        .map(|r| RegistrationLine {
            public_id: r.public_id.clone(),
            number: r.badge_number(),
            name: r.display_name.clone(),
            organisation: r.organisation.clone(),
            category: categories
                .iter()
                .find(|c| c.id == r.category_id)
                .map(|c| c.name(lang).to_owned())
                .unwrap_or_default(),
            attendance: tr(
                lang,
                &format!("registration-attendance-{}", r.attendance.as_str()),
            ),
            status: r.status.as_str(),
            status_text: tr(lang, &format!("registration-status-{}", r.status.as_str())),
            when: jiff::Timestamp::from_millisecond(r.created_at)
                .map(|t| format_instant(lang, t, tz))
                .unwrap_or_default(),
            pending: r.status == Status::Pending,
            live: r.status.is_live(),
        })
        .collect();
    let statuses = Status::ALL
        .iter()
        .map(|s| {
            (
                s.as_str(),
                tr(lang, &format!("registration-status-{}", s.as_str())),
                wanted == Some(*s),
            )
        })
        .collect();
    render_with_status(
        status,
        &RegistrationsTemplate {
            edition: edition.name(lang),
            base: base(edition),
            public_url: format!("/registration/{}", edition.slug),
            categories: category_lines,
            registrations,
            statuses,
            page_error,
            ctx,
        },
    )
}

pub(super) async fn registrations(
    State(app): State<AppState>,
    ctx: Ctx,
    organised: OrganisedEdition,
    Query(filter): Query<ListFilter>,
) -> AppResult<Response> {
    render_page(
        &app,
        ctx,
        &organised.edition,
        &filter,
        (None, StatusCode::OK),
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct Empty {}

pub(super) async fn open(
    State(app): State<AppState>,
    organised: OrganisedEdition,
    _form: CsrfForm<Empty>,
) -> AppResult<Response> {
    let edition = &organised.edition;
    let mut tx = app.db.begin().await?;
    actions::open_registration(&mut tx, edition, organised.user.id, app.now_ms()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&base(edition)).into_response())
}

#[derive(Debug, Deserialize, Default)]
pub struct CategoryForm {
    #[serde(default)]
    pub capacity: String,
    #[serde(default)]
    pub needs_approval: Option<String>,
    #[serde(default)]
    pub open_to_public: Option<String>,
}

/// The most seats a category may have (the venue holds a few thousand people).
const MAX_SEATS: i64 = 1_000_000;

/// The seats typed: empty for no limit; `Err` with the message's key otherwise.
fn parse_capacity(typed: &str) -> Result<Option<i64>, &'static str> {
    match typed.trim() {
        "" => Ok(None),
        n => match n.parse::<i64>() {
            Ok(n) if (0..=MAX_SEATS).contains(&n) => Ok(Some(n)),
            _ => Err("registration-bad-capacity"),
        },
    }
}

pub(super) async fn change_category(
    State(app): State<AppState>,
    ctx: Ctx,
    organised: OrganisedEdition,
    Path((_, code)): Path<(String, String)>,
    form: CsrfForm<CategoryForm>,
) -> AppResult<Response> {
    let edition = &organised.edition;
    let category = queries::category(&app.db, edition.id, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    let lang = ctx.lang;
    let refuse = |key: &str| Some(tr(lang, key));
    let capacity = match parse_capacity(&form.value.capacity) {
        Ok(capacity) => capacity,
        Err(key) => {
            let error = (refuse(key), StatusCode::UNPROCESSABLE_ENTITY);
            return render_page(&app, ctx, edition, &ListFilter::default(), error).await;
        }
    };
    let settings = CategorySettings {
        capacity,
        needs_approval: form.value.needs_approval.is_some(),
        open_to_public: form.value.open_to_public.is_some(),
    };
    let mut tx = app.db.begin().await?;
    let outcome = actions::change_category(
        &mut tx,
        (&ctx.site, edition),
        &category,
        settings,
        (organised.user.id, app.now_ms()),
    )
    .await?;
    if let Err(refused) = outcome {
        drop(tx);
        let message = tr_args(
            lang,
            refused.key(),
            &[("taken", category.taken.to_string())],
        );
        let error = (Some(message), StatusCode::CONFLICT);
        return render_page(&app, ctx, edition, &ListFilter::default(), error).await;
    }
    tx.commit().await?;
    app.outbox_wake.notify_one();
    Ok(Redirect::to(&base(edition)).into_response())
}

#[derive(Template)]
#[template(path = "registration/category_form.html")]
pub struct CategoryFormTemplate {
    pub ctx: Ctx,
    pub edition: String,
    pub base: String,
    pub category: String,
    pub action: String,
    pub form_json: String,
    pub error: Option<String>,
}

fn render_category_form(
    ctx: Ctx,
    (edition, category): (&EditionRow, &CategoryRow),
    (form_json, error): (String, Option<String>),
    status: StatusCode,
) -> AppResult<Response> {
    render_with_status(
        status,
        &CategoryFormTemplate {
            edition: edition.name(ctx.lang),
            base: base(edition),
            category: category.name(ctx.lang).to_owned(),
            action: format!(
                "{}/categories/{}/form",
                base(edition),
                category.code.as_str()
            ),
            form_json,
            error,
            ctx,
        },
    )
}

async fn category_of(app: &AppState, edition: &EditionRow, code: &str) -> AppResult<CategoryRow> {
    queries::category(&app.db, edition.id, code)
        .await?
        .ok_or(AppError::NotFound)
}

/// The category's questions, as JSON of the calls' form engine.
pub(super) async fn category_form(
    State(app): State<AppState>,
    ctx: Ctx,
    organised: OrganisedEdition,
    Path((_, code)): Path<(String, String)>,
) -> AppResult<Response> {
    let edition = &organised.edition;
    let category = category_of(&app, edition, &code).await?;
    let pretty = serde_json::from_str::<serde_json::Value>(&category.form)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_else(|_| category.form.clone());
    render_category_form(ctx, (edition, &category), (pretty, None), StatusCode::OK)
}

#[derive(Debug, Deserialize, Default)]
pub struct CategoryFormForm {
    #[serde(default)]
    pub form_json: String,
}

pub(super) async fn save_category_form(
    State(app): State<AppState>,
    ctx: Ctx,
    organised: OrganisedEdition,
    Path((_, code)): Path<(String, String)>,
    form: CsrfForm<CategoryFormForm>,
) -> AppResult<Response> {
    let edition = &organised.edition;
    let category = category_of(&app, edition, &code).await?;
    let typed = form.value.form_json;
    let checked = crate::domain::form::parse_definition(&typed).and_then(|def| {
        // Registration takes no uploads: its form is one page of fields.
        let has_file = def
            .fields()
            .any(|f| matches!(f.kind, crate::domain::form::FieldKind::File { .. }));
        if has_file {
            Err(tr(ctx.lang, "registration-form-no-files"))
        } else {
            Ok(def)
        }
    });
    let def = match checked {
        Ok(def) => def,
        Err(problem) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return render_category_form(ctx, (edition, &category), (typed, Some(problem)), status);
        }
    };
    let mut tx = app.db.begin().await?;
    let by = (organised.user.id, app.now_ms());
    actions::change_form(&mut tx, edition, &category, &def, by).await?;
    tx.commit().await?;
    Ok(Redirect::to(&base(edition)).into_response())
}

async fn registration_of(
    app: &AppState,
    edition: &EditionRow,
    public_id: &str,
) -> AppResult<(RegistrationRow, CategoryRow)> {
    let r = queries::registration(&app.db, edition.id, public_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let category = queries::categories(&app.db, edition.id)
        .await?
        .into_iter()
        .find(|c| c.id == r.category_id)
        .ok_or(AppError::NotFound)?;
    Ok((r, category))
}

#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    pub decision: String,
}

pub(super) async fn decide(
    State(app): State<AppState>,
    ctx: Ctx,
    organised: OrganisedEdition,
    Path((_, public_id)): Path<(String, String)>,
    form: CsrfForm<DecisionForm>,
) -> AppResult<Response> {
    let edition = &organised.edition;
    let approve = match form.value.decision.as_str() {
        "approve" => true,
        "refuse" => false,
        _ => return Err(AppError::BadRequest("error-bad-form")),
    };
    let (r, category) = registration_of(&app, edition, &public_id).await?;
    let mut tx = app.db.begin().await?;
    let outcome = actions::decide(
        &mut tx,
        (&ctx.site, edition),
        (&r, &category),
        approve,
        (organised.user.id, app.now_ms()),
        true,
    )
    .await?;
    finish(&app, ctx, edition, tx, outcome.map(|_| ())).await
}

pub(super) async fn cancel(
    State(app): State<AppState>,
    ctx: Ctx,
    organised: OrganisedEdition,
    Path((_, public_id)): Path<(String, String)>,
    _form: CsrfForm<Empty>,
) -> AppResult<Response> {
    let edition = &organised.edition;
    let (r, _) = registration_of(&app, edition, &public_id).await?;
    let mut tx = app.db.begin().await?;
    let outcome = actions::cancel(
        &mut tx,
        (&ctx.site, edition),
        &r,
        (organised.user.id, app.now_ms()),
    )
    .await?;
    finish(&app, ctx, edition, tx, outcome).await
}

/// Commits a decision or cancellation and goes back to the list; a refused one (someone
/// acted first) is named on the list instead.
async fn finish(
    app: &AppState,
    ctx: Ctx,
    edition: &EditionRow,
    tx: crate::db::Tx,
    outcome: Result<(), Refused>,
) -> AppResult<Response> {
    match outcome {
        Ok(()) => {
            tx.commit().await?;
            app.outbox_wake.notify_one();
            Ok(Redirect::to(&base(edition)).into_response())
        }
        Err(refused) => {
            drop(tx);
            let error = (Some(tr(ctx.lang, refused.key())), StatusCode::CONFLICT);
            render_page(app, ctx, edition, &ListFilter::default(), error).await
        }
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct PrintFilter {
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub layout: String,
}

#[derive(Template)]
#[template(path = "registration/print.html")]
pub struct PrintTemplate {
    pub ctx: Ctx,
    pub edition: String,
    pub base: String,
    /// `a6` (one badge per A6 sheet) or `a4` (four A6 badges per A4 sheet, to cut).
    pub layout: &'static str,
    pub categories: Vec<(&'static str, String, bool)>,
    pub badges: Vec<BadgeView>,
}

/// The confirmed in-person badges, a category at a time if asked, ready to print.
pub(super) async fn badges(
    State(app): State<AppState>,
    ctx: Ctx,
    organised: OrganisedEdition,
    Query(filter): Query<PrintFilter>,
) -> AppResult<Response> {
    let edition = &organised.edition;
    let lang = ctx.lang;
    let categories = queries::categories(&app.db, edition.id).await?;
    let all = queries::registrations(&app.db, edition.id).await?;
    let mut badges = Vec::new();
    for r in all.iter().filter(|r| r.has_badge()) {
        let Some(category) = categories.iter().find(|c| c.id == r.category_id) else {
            continue;
        };
        if !filter.category.is_empty() && filter.category != category.code.as_str() {
            continue;
        }
        if let Some(badge) = badge_view(&app, &ctx, r, category).await? {
            badges.push(badge);
        }
    }
    let layout = if filter.layout == "a4" { "a4" } else { "a6" };
    let category_choices = categories
        .iter()
        .map(|c| {
            (
                c.code.as_str(),
                c.name(lang).to_owned(),
                filter.category == c.code.as_str(),
            )
        })
        .collect();
    render(&PrintTemplate {
        edition: edition.name(lang),
        base: base(edition),
        layout,
        categories: category_choices,
        badges,
        ctx,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::types::Lang;

    #[test]
    fn seats_are_a_bounded_whole_number_or_no_limit() {
        assert_eq!(parse_capacity(""), Ok(None));
        assert_eq!(parse_capacity(" 250 "), Ok(Some(250)));
        assert_eq!(parse_capacity("0"), Ok(Some(0)));
        for bad in ["-1", "2.5", "beaucoup", "10000000"] {
            assert!(parse_capacity(bad).is_err(), "{bad}");
        }
        assert_ne!(
            tr(Lang::En, "registration-bad-capacity"),
            "registration-bad-capacity"
        );
    }
}
