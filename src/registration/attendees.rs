//! The registrants' pages: the categories one may register in, a category's form, "my
//! registration" (status, badge, cancellation) and the badge page the confirmation message
//! links to.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header::CACHE_CONTROL;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::actions::{self, Refused};
use super::queries::{self, CategoryRow, RegistrationRow};
use super::rules::{Attendance, Status};
use super::{badge_code, edition_of, form_of, parse_registration, Refusal, RegistrationForm};
use crate::applications::form_view::{self, FieldView};
use crate::calls::queries::EditionRow;
use crate::domain::types::Lang;
use crate::i18n::{tr, tr_args};
use crate::web::ctx::{CsrfForm, Ctx, SignedIn};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::FieldErrors;
use crate::web::state::AppState;
use crate::web::templates::{qr_svg, render, render_with_status};

/// A category as the registration page lists it.
pub struct CategoryLine {
    pub url: String,
    pub name: String,
    /// Seats left, full (waitlist), on approval…
    pub notes: Vec<String>,
}

#[derive(Template)]
#[template(path = "registration/overview.html")]
pub struct OverviewTemplate {
    pub ctx: Ctx,
    pub edition: String,
    pub slug: String,
    pub categories: Vec<CategoryLine>,
    pub registered: bool,
}

fn notes(lang: Lang, c: &CategoryRow) -> Vec<String> {
    let mut notes = Vec::new();
    match c.seats_left() {
        Some(0) => notes.push(tr(lang, "registration-full")),
        Some(n) => notes.push(tr_args(
            lang,
            "registration-seats-left",
            &[("n", n.to_string())],
        )),
        None => {}
    }
    if c.needs_approval {
        notes.push(tr(lang, "registration-on-approval"));
    }
    notes
}

pub(super) async fn overview(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let edition = edition_of(&app, &slug).await?;
    let lang = ctx.lang;
    let categories = queries::categories(&app.db, edition.id)
        .await?
        .into_iter()
        .filter(|c| c.open_to_public)
        .map(|c| CategoryLine {
            url: format!("/registration/{}/{}", edition.slug, c.code.as_str()),
            name: c.name(lang).to_owned(),
            notes: notes(lang, &c),
        })
        .collect();
    let registered = match &ctx.user {
        Some(user) => queries::live_registration(&app.db, edition.id, user.id)
            .await?
            .is_some(),
        None => false,
    };
    render(&OverviewTemplate {
        edition: edition.name(lang),
        slug: edition.slug,
        categories,
        registered,
        ctx,
    })
}

/// A choice of the form (in person or online).
pub struct Choice {
    pub value: &'static str,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "registration/form.html")]
pub struct FormTemplate {
    pub ctx: Ctx,
    pub edition: String,
    pub slug: String,
    pub category: String,
    pub notes: Vec<String>,
    pub action: String,
    pub typed: RegistrationForm,
    pub attendances: Vec<Choice>,
    pub fields: Vec<FieldView>,
    pub errors: FieldErrors,
    /// Why the whole form was refused (already registered…).
    pub page_error: Option<String>,
    /// The person has registered already: the page links to their registration.
    pub already: bool,
    /// The consent field's template asks for the call's rules; registration has none.
    pub regulations_url: Option<String>,
}

/// The category `code` of the edition that the person may register in: open to the public,
/// or any category for the edition's organisers (staff register themselves).
async fn category_for(
    app: &AppState,
    (edition, code): (&EditionRow, &str),
    user_id: i64,
) -> AppResult<CategoryRow> {
    let category = queries::category(&app.db, edition.id, code)
        .await?
        .ok_or(AppError::NotFound)?;
    let organiser = crate::accounts::roles::has_role(
        &app.db,
        user_id,
        edition.id,
        crate::accounts::roles::Role::Organiser,
    )
    .await?;
    if category.open_to_public || organiser {
        Ok(category)
    } else {
        Err(AppError::NotFound)
    }
}

struct Typed {
    form: RegistrationForm,
    refusal: Refusal,
    page_error: Option<String>,
    already: bool,
}

fn render_form(
    ctx: Ctx,
    (edition, category): (&EditionRow, &CategoryRow),
    typed: Typed,
    status: StatusCode,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let def = form_of(category)?;
    let fields = (0..def.sections.len())
        .flat_map(|i| {
            form_view::section(
                &def,
                i,
                &typed.refusal.answers,
                &typed.refusal.field_errors,
                lang,
            )
        })
        .collect();
    let attendances = Attendance::ALL
        .iter()
        .map(|a| Choice {
            value: a.as_str(),
            label: tr(lang, &format!("registration-attendance-{}", a.as_str())),
            selected: typed.form.attendance == a.as_str(),
        })
        .collect();
    render_with_status(
        status,
        &FormTemplate {
            edition: edition.name(lang),
            slug: edition.slug.clone(),
            category: category.name(lang).to_owned(),
            notes: notes(lang, category),
            action: format!("/registration/{}/{}", edition.slug, category.code.as_str()),
            typed: typed.form,
            attendances,
            fields,
            errors: typed.refusal.errors,
            already: typed.already,
            page_error: typed.page_error,
            regulations_url: None,
            ctx,
        },
    )
}

pub(super) async fn form(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path((slug, code)): Path<(String, String)>,
) -> AppResult<Response> {
    let edition = edition_of(&app, &slug).await?;
    let category = category_for(&app, (&edition, &code), user.id).await?;
    if queries::live_registration(&app.db, edition.id, user.id)
        .await?
        .is_some()
    {
        return Ok(Redirect::to(&format!("/registration/{}/mine", edition.slug)).into_response());
    }
    let typed = Typed {
        form: RegistrationForm {
            display_name: user.display_name.clone(),
            ..RegistrationForm::default()
        },
        refusal: Refusal::default(),
        page_error: None,
        already: false,
    };
    render_form(ctx, (&edition, &category), typed, StatusCode::OK)
}

pub(super) async fn register(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path((slug, code)): Path<(String, String)>,
    form: CsrfForm<RegistrationForm>,
) -> AppResult<Response> {
    let edition = edition_of(&app, &slug).await?;
    let category = category_for(&app, (&edition, &code), user.id).await?;
    let lang = ctx.lang;
    let def = form_of(&category)?;
    let valid = match parse_registration(&form.value, &form.pairs, &def, lang) {
        Ok(valid) => valid,
        Err(refusal) => {
            let typed = Typed {
                form: form.value,
                refusal,
                page_error: Some(tr(lang, "registration-fix-errors")),
                already: false,
            };
            return render_form(
                ctx,
                (&edition, &category),
                typed,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let answers = serde_json::to_string(&valid.answers)
        .map_err(|e| AppError::Internal(format!("answers: {e}")))?;
    let registration = actions::Registration {
        category: &category,
        attendance: valid.attendance,
        display_name: &valid.display_name,
        organisation: &valid.organisation,
        answers: &answers,
        notify: true,
    };
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    let outcome = actions::register(
        &mut tx,
        (&ctx.site, &edition),
        user.id,
        &registration,
        (user.id, now),
    )
    .await?;
    if let Err(refused) = outcome {
        drop(tx);
        let typed = Typed {
            form: form.value,
            refusal: Refusal {
                answers: valid.answers,
                ..Refusal::default()
            },
            page_error: Some(tr(lang, refused.key())),
            already: refused == Refused::AlreadyRegistered,
        };
        return render_form(ctx, (&edition, &category), typed, StatusCode::CONFLICT);
    }
    tx.commit().await?;
    app.outbox_wake.notify_one();
    Ok(Redirect::to(&format!("/registration/{}/mine", edition.slug)).into_response())
}

/// A registration as its holder sees it.
pub struct RegistrationView {
    pub public_id: String,
    pub category: String,
    pub attendance: String,
    pub status: &'static str,
    pub status_text: String,
    pub when: String,
    pub live: bool,
    pub badge: Option<BadgeView>,
}

/// What a badge shows.
pub struct BadgeView {
    pub url: String,
    pub number: String,
    pub name: String,
    pub organisation: String,
    pub category: String,
    pub colour: String,
    /// The signed code the QR code holds (also given as text, for scripts and copying).
    pub code: String,
    pub qr_svg: String,
}

pub(super) async fn badge_view(
    app: &AppState,
    ctx: &Ctx,
    r: &RegistrationRow,
    category: &CategoryRow,
) -> AppResult<Option<BadgeView>> {
    let Some(code) = badge_code(&app.db, r).await? else {
        return Ok(None);
    };
    Ok(Some(BadgeView {
        url: ctx.site.link(&format!("/badge/{}", r.badge_token)),
        number: r.badge_number(),
        name: r.display_name.clone(),
        organisation: r.organisation.clone(),
        category: category.name(ctx.lang).to_owned(),
        colour: category.colour.clone(),
        qr_svg: qr_svg(&code).unwrap_or_default(),
        code,
    }))
}

fn status_text(lang: Lang, r: &RegistrationRow, waiting_before: usize) -> String {
    match r.status {
        Status::Waitlisted => tr_args(
            lang,
            "registration-waitlist-position",
            &[("n", (waiting_before + 1).to_string())],
        ),
        status => tr(lang, &format!("registration-status-{}", status.as_str())),
    }
}

#[derive(Template)]
#[template(path = "registration/mine.html")]
pub struct MineTemplate {
    pub ctx: Ctx,
    pub edition: String,
    pub slug: String,
    pub registrations: Vec<RegistrationView>,
}

pub(super) async fn mine(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let edition = edition_of(&app, &slug).await?;
    let lang = ctx.lang;
    let categories = queries::categories(&app.db, edition.id).await?;
    let mine = queries::registrations_of(&app.db, edition.id, user.id).await?;
    let everyone = if mine.iter().any(|r| r.status == Status::Waitlisted) {
        queries::registrations(&app.db, edition.id).await?
    } else {
        Vec::new()
    };
    let tz = edition.timezone.tz();
    let mut registrations = Vec::new();
    for r in &mine {
        let Some(category) = categories.iter().find(|c| c.id == r.category_id) else {
            continue;
        };
        let waiting_before = everyone
            .iter()
            .filter(|o| {
                o.category_id == r.category_id && o.status == Status::Waitlisted && o.id < r.id
            })
            .count();
        registrations.push(RegistrationView {
            public_id: r.public_id.clone(),
            category: category.name(lang).to_owned(),
            attendance: tr(
                lang,
                &format!("registration-attendance-{}", r.attendance.as_str()),
            ),
            status: r.status.as_str(),
            status_text: status_text(lang, r, waiting_before),
            when: jiff::Timestamp::from_millisecond(r.created_at)
                .map(|t| crate::i18n::format_instant(lang, t, tz))
                .unwrap_or_default(),
            live: r.status.is_live(),
            badge: badge_view(&app, &ctx, r, category).await?,
        });
    }
    render(&MineTemplate {
        edition: edition.name(lang),
        slug: edition.slug,
        registrations,
        ctx,
    })
}

#[derive(Debug, Deserialize)]
pub struct CancelForm {
    #[serde(default)]
    pub registration: String,
}

pub(super) async fn cancel(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
    form: CsrfForm<CancelForm>,
) -> AppResult<Response> {
    let edition = edition_of(&app, &slug).await?;
    let registration = queries::registration(&app.db, edition.id, &form.value.registration)
        .await?
        .filter(|r| r.account_id == user.id)
        .ok_or(AppError::NotFound)?;
    let mut tx = app.db.begin().await?;
    let outcome = actions::cancel(
        &mut tx,
        (&ctx.site, &edition),
        &registration,
        (user.id, app.now_ms()),
    )
    .await?;
    // Cancelling twice (a double click) changes nothing more: the page shows it cancelled.
    if outcome != Err(Refused::Stale) {
        tx.commit().await?;
        app.outbox_wake.notify_one();
    }
    Ok(Redirect::to(&format!("/registration/{}/mine", edition.slug)).into_response())
}

#[derive(Template)]
#[template(path = "registration/badge.html")]
pub struct BadgeTemplate {
    pub ctx: Ctx,
    pub edition: String,
    pub status_text: String,
    pub badge: Option<BadgeView>,
}

/// The badge page the confirmation message links to: opens without signing in (the link is
/// the key), never kept by caches or indexed.
pub(super) async fn badge(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let r = queries::by_badge_token(&app.db, &token)
        .await?
        .ok_or(AppError::NotFound)?;
    let edition = crate::calls::queries::edition_by_id(&app.db, r.edition_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let categories = queries::categories(&app.db, edition.id).await?;
    let category = categories
        .iter()
        .find(|c| c.id == r.category_id)
        .ok_or(AppError::NotFound)?;
    let badge = badge_view(&app, &ctx, &r, category).await?;
    let lang = ctx.lang;
    let page = BadgeTemplate {
        edition: edition.name(lang),
        status_text: status_text(lang, &r, 0),
        badge,
        ctx,
    };
    let mut response = render(&page)?;
    let headers = response.headers_mut();
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    headers.insert(
        HeaderName::from_static("x-robots-tag"),
        HeaderValue::from_static("noindex"),
    );
    Ok(response)
}
