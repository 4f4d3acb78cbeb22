//! The opportunities' pages: the open ones (and, for a signed-in actor, those matching each
//! of its profiles), one opportunity with its interest form, and the posting form for
//! organisers and funders.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::civil::Date;
use serde::Deserialize;

use super::actions;
use super::queries::{self, Closing, OpportunityRow};
use super::rules::{self, ActorFacts, OpportunityInput, OpportunityKind};
use crate::directory::access::is_moderator;
use crate::directory::public::sector_labels;
use crate::directory::queries::{self as directory, ActorRow};
use crate::directory::taxonomy::{Stage, Status};
use crate::domain::country::{self, Country};
use crate::domain::sector::Sector;
use crate::domain::types::{Lang, Zone};
use crate::i18n::tr;
use crate::web::ctx::{CsrfForm, Ctx, SignedIn};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::FieldErrors;
use crate::web::public_cache::public_page;
use crate::web::sessions::SessionUser;
use crate::web::state::AppState;
use crate::web::templates::{render, render_with_status};

/// The zone deadlines are read in: the newest edition's (the install's own event).
async fn zone(app: &AppState) -> AppResult<Zone> {
    let editions = crate::calls::queries::editions(&app.db).await?;
    match editions.into_iter().next() {
        Some(e) => Ok(e.timezone),
        None => Zone::parse("Africa/Bamako")
            .map_err(|e| AppError::Internal(format!("bundled time zones: {e}"))),
    }
}

fn facts(actor: &ActorRow) -> Option<ActorFacts> {
    Some(ActorFacts {
        sectors: actor.sector_list().into_iter().collect(),
        stage: Stage::parse(&actor.stage),
        country: Country::parse(&actor.country).ok()?,
    })
}

/// An opportunity as the pages show it.
pub struct OpportunityView {
    pub url: String,
    pub title: String,
    pub kind: String,
    pub offered_by: String,
    pub description: String,
    pub deadline: String,
    pub open: bool,
    pub sectors: String,
    pub stages: String,
    pub countries: String,
    pub is_demo: bool,
}

fn view(lang: Lang, o: &OpportunityRow, now: i64) -> OpportunityView {
    let e = o.eligibility();
    let any = || tr(lang, "opportunities-any");
    let or_any = |s: String| if s.is_empty() { any() } else { s };
    OpportunityView {
        url: format!("/opportunities/{}", o.public_id),
        title: o.title.clone(),
        kind: tr(lang, &o.kind.label_key()),
        offered_by: o.offered_by.clone(),
        description: o.description.clone(),
        deadline: o
            .deadline_on
            .parse::<Date>()
            .map(|d| crate::i18n::format_date(lang, d))
            .unwrap_or_else(|_| o.deadline_on.clone()),
        open: now < o.closes_at,
        sectors: or_any(sector_labels(
            lang,
            &e.sectors.iter().copied().collect::<Vec<_>>(),
        )),
        stages: or_any(
            e.stages
                .iter()
                .map(|s| tr(lang, &s.label_key()))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        countries: or_any(
            e.countries
                .iter()
                .map(|c| c.name(lang))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        is_demo: o.is_demo,
    }
}

/// One of the visitor's profiles and the open opportunities it matches.
pub struct Matches {
    pub name: String,
    pub published: bool,
    pub opportunities: Vec<OpportunityView>,
}

#[derive(Template)]
#[template(path = "opportunities/list.html")]
pub struct ListTemplate {
    pub ctx: Ctx,
    pub mine: Vec<Matches>,
    pub opportunities: Vec<OpportunityView>,
    pub may_post: bool,
}

async fn may_post(app: &AppState, user: &SessionUser) -> AppResult<bool> {
    if is_moderator(app, user).await? {
        return Ok(true);
    }
    let owned = directory::owned_by(&app.db, user.id).await?;
    Ok(owned
        .iter()
        .any(|a| a.status == Status::Published && a.kind.offers_funding()))
}

pub(super) async fn list(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let lang = ctx.lang;
    let now = app.now_ms();
    let open = queries::open(&app.db, now).await?;
    let (mine, may) = match &ctx.user {
        Some(user) => {
            let owned = directory::owned_by(&app.db, user.id).await?;
            let mine = owned
                .iter()
                .filter_map(|a| Some((a, facts(a)?)))
                .map(|(a, facts)| Matches {
                    name: a.name.clone(),
                    published: a.status == Status::Published,
                    opportunities: open
                        .iter()
                        .filter(|o| o.eligibility().matches(&facts))
                        .map(|o| view(lang, o, now))
                        .collect(),
                })
                .collect();
            (mine, may_post(&app, user).await?)
        }
        None => (Vec::new(), false),
    };
    // Kept until the first listed opportunity closes.
    let valid_until = open.iter().map(|o| o.closes_at).min();
    let page = render(&ListTemplate {
        mine,
        opportunities: open.iter().map(|o| view(lang, o, now)).collect(),
        may_post: may,
        ctx,
    })?;
    Ok(public_page(page, valid_until))
}

/// One of the visitor's profiles, for the interest form.
pub struct Candidate {
    pub public_id: String,
    pub name: String,
    pub matches: bool,
}

pub struct InterestView {
    pub url: String,
    pub name: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "opportunities/detail.html")]
pub struct DetailTemplate {
    pub ctx: Ctx,
    pub opportunity: OpportunityView,
    pub public_id: String,
    /// The visitor's published profiles.
    pub candidates: Vec<Candidate>,
    /// The visitor has profiles, none published yet.
    pub awaiting_moderation: bool,
    /// For the poster and the organisers.
    pub interests: Option<Vec<InterestView>>,
    pub typed_message: String,
    pub error: Option<String>,
    pub done: bool,
}

struct Typed {
    message: String,
    error: Option<String>,
    done: bool,
}

async fn render_detail(
    app: &AppState,
    ctx: Ctx,
    o: &OpportunityRow,
    typed: Typed,
    status: StatusCode,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let now = app.now_ms();
    let (candidates, awaiting, interests) = match &ctx.user {
        Some(user) => {
            let owned = directory::owned_by(&app.db, user.id).await?;
            let e = o.eligibility();
            let candidates: Vec<Candidate> = owned
                .iter()
                .filter(|a| a.status == Status::Published)
                .map(|a| Candidate {
                    public_id: a.public_id.clone(),
                    name: a.name.clone(),
                    matches: facts(a).is_some_and(|f| e.matches(&f)),
                })
                .collect();
            let awaiting = candidates.is_empty() && !owned.is_empty();
            let sees_interest = o.poster_id == Some(user.id) || is_moderator(app, user).await?;
            let interests = if sees_interest {
                let rows = queries::interests(&app.db, o.id).await?;
                Some(
                    rows.into_iter()
                        .map(|i| InterestView {
                            url: format!("/directory/{}", i.actor_public_id),
                            name: i.actor_name,
                            message: i.message,
                        })
                        .collect(),
                )
            } else {
                None
            };
            (candidates, awaiting, interests)
        }
        None => (Vec::new(), false, None),
    };
    let page = render_with_status(
        status,
        &DetailTemplate {
            opportunity: view(lang, o, now),
            public_id: o.public_id.clone(),
            candidates,
            awaiting_moderation: awaiting,
            interests,
            typed_message: typed.message,
            error: typed.error,
            done: typed.done,
            ctx,
        },
    )?;
    Ok(page)
}

pub(super) async fn detail(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(public_id): Path<String>,
) -> AppResult<Response> {
    let o = queries::by_public_id(&app.db, &public_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let typed = Typed {
        message: String::new(),
        error: None,
        done: false,
    };
    let valid_until = (app.now_ms() < o.closes_at).then_some(o.closes_at);
    let page = render_detail(&app, ctx, &o, typed, StatusCode::OK).await?;
    Ok(public_page(page, valid_until))
}

#[derive(Debug, Deserialize, Default)]
pub struct InterestForm {
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub message: String,
}

pub(super) async fn interest(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(public_id): Path<String>,
    form: CsrfForm<InterestForm>,
) -> AppResult<Response> {
    let o = queries::by_public_id(&app.db, &public_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let actor = directory::by_public_id(&app.db, form.value.actor.trim())
        .await?
        .filter(|a| a.owner_id == Some(user.id))
        .ok_or(AppError::NotFound)?;
    let refuse = |key: &str, lang: Lang| Typed {
        message: form.value.message.clone(),
        error: Some(tr(lang, key)),
        done: false,
    };
    let message = match rules::check_message(&form.value.message) {
        Ok(m) => m,
        Err(key) => {
            let typed = refuse(key, ctx.lang);
            return render_detail(&app, ctx, &o, typed, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    let outcome =
        actions::express_interest(&mut tx, &ctx.site, (&o, &actor), &message, (user.id, now))
            .await?;
    if let Err(refused) = outcome {
        drop(tx);
        let typed = refuse(refused.key(), ctx.lang);
        return render_detail(&app, ctx, &o, typed, StatusCode::CONFLICT).await;
    }
    tx.commit().await?;
    app.outbox_wake.notify_one();
    let typed = Typed {
        message: String::new(),
        error: None,
        done: true,
    };
    render_detail(&app, ctx, &o, typed, StatusCode::OK).await
}

/// A choice of a select or a checkbox.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "opportunities/form.html")]
pub struct FormTemplate {
    pub ctx: Ctx,
    pub typed: OpportunityInput,
    pub kinds: Vec<Choice>,
    pub sectors: Vec<Choice>,
    pub stages: Vec<Choice>,
    pub countries: Vec<Choice>,
    pub errors: FieldErrors,
    pub page_error: Option<String>,
}

fn render_form(
    ctx: Ctx,
    typed: OpportunityInput,
    errors: FieldErrors,
    status: StatusCode,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let chosen = |list: &[String], value: &str| list.iter().any(|v| v == value);
    let template = FormTemplate {
        kinds: OpportunityKind::ALL
            .iter()
            .map(|k| Choice {
                value: k.as_str().to_owned(),
                label: tr(lang, &k.label_key()),
                selected: typed.kind == k.as_str(),
            })
            .collect(),
        sectors: Sector::ALL
            .iter()
            .map(|s| Choice {
                value: s.as_str().to_owned(),
                label: tr(lang, &s.label_key()),
                selected: chosen(&typed.sectors, s.as_str()),
            })
            .collect(),
        stages: Stage::ALL
            .iter()
            .map(|s| Choice {
                value: s.as_str().to_owned(),
                label: tr(lang, &s.label_key()),
                selected: chosen(&typed.stages, s.as_str()),
            })
            .collect(),
        countries: country::AES
            .iter()
            .map(|c| Choice {
                value: c.as_str().to_owned(),
                label: c.name(lang).to_owned(),
                selected: chosen(&typed.countries, c.as_str()),
            })
            .collect(),
        page_error: (!errors.is_empty()).then(|| tr(lang, "opportunities-fix-errors")),
        typed,
        errors,
        ctx,
    };
    render_with_status(status, &template)
}

pub(super) async fn new_form(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
) -> AppResult<Response> {
    if !may_post(&app, &user).await? {
        return Err(AppError::NotFound);
    }
    render_form(
        ctx,
        OpportunityInput::default(),
        FieldErrors::default(),
        StatusCode::OK,
    )
}

pub(super) async fn create(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    form: CsrfForm<OpportunityInput>,
) -> AppResult<Response> {
    if !may_post(&app, &user).await? {
        return Err(AppError::NotFound);
    }
    let typed = form.value.with_checkboxes(&form.pairs);
    let zone = zone(&app).await?;
    let now = app.now_ms();
    let today = jiff::Timestamp::from_millisecond(now)
        .map(|t| t.to_zoned(zone.tz().clone()).date())
        .map_err(|e| AppError::Internal(format!("clock: {e}")))?;
    let opportunity = match rules::check_opportunity(&typed, today) {
        Ok(o) => o,
        Err(refused) => {
            let mut errors = FieldErrors::default();
            for (field, key) in refused {
                errors.add(field, tr(ctx.lang, key));
            }
            return render_form(ctx, typed, errors, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let closes_at = closing_instant(opportunity.deadline, &zone)?;
    let closing = Closing {
        timezone: zone.name(),
        closes_at,
    };
    let mut tx = app.db.begin().await?;
    let public_id =
        actions::post(&mut tx, &opportunity, &closing, (Some(user.id), false, now)).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/opportunities/{public_id}")).into_response())
}

/// The instant (ms) the deadline day ends in the zone: interest is taken all that day.
pub fn closing_instant(deadline: Date, zone: &Zone) -> AppResult<i64> {
    deadline
        .tomorrow()
        .and_then(|d| d.to_zoned(zone.tz().clone()))
        .map(|z| z.timestamp().as_millisecond())
        .map_err(|e| AppError::Internal(format!("deadline {deadline}: {e}")))
}
