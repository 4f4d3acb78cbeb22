//! The organisers' stands page and the public exhibitors page.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::actions;
use super::queries::{self, StandRow};
use super::rules::{self, ExhibitorKind};
use crate::calls::queries::EditionRow;
use crate::domain::types::Lang;
use crate::editions::access::OrganisedEdition;
use crate::i18n::tr;
use crate::web::ctx::{CsrfForm, Ctx};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::FieldErrors;
use crate::web::public_cache::public_page;
use crate::web::state::AppState;
use crate::web::templates::{render, render_with_status};

/// A stand as the pages show it.
pub struct StandLine {
    pub number: String,
    pub size_m2: i64,
    pub free: bool,
    pub kind: String,
    pub exhibitor: String,
    pub description: String,
    /// The allocation form's values: as typed when it was refused (`refused`), else stored.
    pub form: (String, String, String),
    pub refused: bool,
}

/// The stands of one zone.
pub struct Zone {
    pub name: String,
    pub stands: Vec<StandLine>,
}

fn zones(lang: Lang, stands: &[StandRow], allocated_only: bool) -> Vec<Zone> {
    let mut zones: Vec<Zone> = Vec::new();
    for s in stands.iter().filter(|s| !allocated_only || !s.is_free()) {
        let line = StandLine {
            number: s.number.clone(),
            size_m2: s.size_m2,
            free: s.is_free(),
            kind: if s.is_free() {
                tr(lang, "stands-free")
            } else {
                tr(lang, &format!("stands-kind-{}", s.exhibitor_kind))
            },
            exhibitor: s.exhibitor.clone(),
            description: s.description.clone(),
            form: (
                s.exhibitor_kind.clone(),
                s.exhibitor.clone(),
                s.description.clone(),
            ),
            refused: false,
        };
        match zones.last_mut() {
            Some(zone) if zone.name == s.zone => zone.stands.push(line),
            _ => zones.push(Zone {
                name: s.zone.clone(),
                stands: vec![line],
            }),
        }
    }
    zones
}

fn kinds(lang: Lang) -> Vec<(&'static str, String)> {
    ExhibitorKind::ALL
        .iter()
        .map(|k| (k.as_str(), tr(lang, &format!("stands-kind-{}", k.as_str()))))
        .collect()
}

#[derive(Debug, Deserialize, Default)]
pub struct StandForm {
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub zone: String,
    #[serde(default)]
    pub size_m2: String,
}

#[derive(Debug, Deserialize, Default)]
pub struct AllocationForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub exhibitor: String,
    #[serde(default)]
    pub description: String,
    /// `free` frees the stand.
    #[serde(default)]
    pub action: String,
}

#[derive(Template)]
#[template(path = "stands/organisers.html")]
pub struct OrganisersTemplate {
    pub ctx: Ctx,
    pub edition: String,
    pub base: String,
    pub public_url: String,
    pub zones: Vec<Zone>,
    pub kinds: Vec<(&'static str, String)>,
    pub typed: StandForm,
    /// An allocation was refused: its messages belong to that stand's form.
    pub allocating: bool,
    pub errors: FieldErrors,
    pub page_error: Option<String>,
}

fn base(edition: &EditionRow) -> String {
    format!("/admin/editions/{}/stands", edition.slug)
}

struct Typed {
    stand: StandForm,
    allocating: Option<(String, AllocationForm)>,
    errors: FieldErrors,
    page_error: Option<String>,
}

async fn render_organisers(
    app: &AppState,
    ctx: Ctx,
    edition: &EditionRow,
    typed: Typed,
    status: StatusCode,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let stands = queries::stands(&app.db, edition.id).await?;
    let mut zones = zones(lang, &stands, false);
    let allocating = typed.allocating.is_some();
    if let Some((number, form)) = typed.allocating {
        for line in zones.iter_mut().flat_map(|z| z.stands.iter_mut()) {
            if line.number == number {
                line.form = (
                    form.kind.clone(),
                    form.exhibitor.clone(),
                    form.description.clone(),
                );
                line.refused = true;
            }
        }
    }
    render_with_status(
        status,
        &OrganisersTemplate {
            edition: edition.name(lang),
            base: base(edition),
            public_url: format!("/exhibitors/{}", edition.slug),
            zones,
            kinds: kinds(lang),
            typed: typed.stand,
            allocating,
            errors: typed.errors,
            page_error: typed.page_error,
            ctx,
        },
    )
}

pub(super) async fn organisers(
    State(app): State<AppState>,
    ctx: Ctx,
    organised: OrganisedEdition,
) -> AppResult<Response> {
    let typed = Typed {
        stand: StandForm::default(),
        allocating: None,
        errors: FieldErrors::default(),
        page_error: None,
    };
    render_organisers(&app, ctx, &organised.edition, typed, StatusCode::OK).await
}

pub(super) async fn add_stand(
    State(app): State<AppState>,
    ctx: Ctx,
    organised: OrganisedEdition,
    form: CsrfForm<StandForm>,
) -> AppResult<Response> {
    let edition = &organised.edition;
    let f = &form.value;
    let stand = match rules::parse_stand((&f.number, &f.zone, &f.size_m2), ctx.lang) {
        Ok(stand) => stand,
        Err(errors) => {
            let typed = Typed {
                stand: form.value,
                allocating: None,
                errors,
                page_error: None,
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return render_organisers(&app, ctx, edition, typed, status).await;
        }
    };
    let mut tx = app.db.begin().await?;
    let by = (organised.user.id, app.now_ms());
    if let Err(refused) = actions::add_stand(&mut tx, edition, &stand, by).await? {
        drop(tx);
        let mut errors = FieldErrors::default();
        errors.add("number", tr(ctx.lang, refused.key()));
        let typed = Typed {
            stand: form.value,
            allocating: None,
            errors,
            page_error: None,
        };
        return render_organisers(&app, ctx, edition, typed, StatusCode::CONFLICT).await;
    }
    tx.commit().await?;
    Ok(Redirect::to(&base(edition)).into_response())
}

pub(super) async fn allocate(
    State(app): State<AppState>,
    ctx: Ctx,
    organised: OrganisedEdition,
    Path((_, number)): Path<(String, String)>,
    form: CsrfForm<AllocationForm>,
) -> AppResult<Response> {
    let edition = &organised.edition;
    let f = &form.value;
    let allocation = if f.action == "free" {
        None
    } else {
        match rules::parse_allocation((&f.kind, &f.exhibitor, &f.description), ctx.lang) {
            Ok(a) => Some(a),
            Err(errors) => {
                let typed = Typed {
                    stand: StandForm::default(),
                    allocating: Some((number, form.value)),
                    errors,
                    page_error: None,
                };
                let status = StatusCode::UNPROCESSABLE_ENTITY;
                return render_organisers(&app, ctx, edition, typed, status).await;
            }
        }
    };
    let mut tx = app.db.begin().await?;
    let by = (organised.user.id, app.now_ms());
    match actions::allocate(&mut tx, edition, &number, allocation.as_ref(), by).await? {
        Ok(()) => {
            tx.commit().await?;
            Ok(Redirect::to(&base(edition)).into_response())
        }
        Err(_) => Err(AppError::NotFound),
    }
}

#[derive(Template)]
#[template(path = "stands/exhibitors.html")]
pub struct ExhibitorsTemplate {
    pub ctx: Ctx,
    pub edition: String,
    pub slug: String,
    pub zones: Vec<Zone>,
}

/// Everyone's exhibitors page, zone by zone (free stands are not listed).
pub(super) async fn exhibitors(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let edition = crate::calls::queries::edition_by_slug(&app.db, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let lang = ctx.lang;
    let stands = queries::stands(&app.db, edition.id).await?;
    let page = render(&ExhibitorsTemplate {
        edition: edition.name(lang),
        slug: edition.slug.clone(),
        zones: zones(lang, &stands, true),
        ctx,
    })?;
    Ok(public_page(page, None))
}
