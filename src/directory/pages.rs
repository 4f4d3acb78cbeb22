//! The directory's pages: the public list (search, filters, pages of 20) and profiles, the
//! registration and edit forms of an actor's owner, "my profiles", and the organisers'
//! moderation queue. A profile that is not published is "not found" for everyone but its
//! owner and the organisers.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::access::{is_moderator, Moderator};
use super::actions::{self, Decision};
use super::from_application;
use super::public::{self, Listed, PublicProfile};
use super::queries::{self, ActorRow, Origin, COUNT_CAP, PAGE_SIZE};
use super::rules::{self, ActorInput, Hideable};
use super::search::ListQuery;
use super::taxonomy::{ActorKind, MaliRegion, Source, Stage, Status};
use crate::domain::country::{self, Country};
use crate::domain::sector::Sector;
use crate::domain::types::Lang;
use crate::i18n::tr;
use crate::web::ctx::{CsrfForm, Ctx, SignedIn};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{csrf_first, FieldErrors};
use crate::web::public_cache::public_page;
use crate::web::sessions::SessionUser;
use crate::web::state::AppState;
use crate::web::templates::{render, render_with_status};

/// A choice of a select or a checkbox.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

fn choices<T: Copy>(
    lang: Lang,
    all: &[T],
    slug: fn(T) -> &'static str,
    key: fn(T) -> String,
    chosen: &[String],
) -> Vec<Choice> {
    all.iter()
        .map(|&x| Choice {
            value: slug(x).to_owned(),
            label: tr(lang, &key(x)),
            selected: chosen.iter().any(|c| c == slug(x)),
        })
        .collect()
}

fn kinds(lang: Lang, chosen: &str) -> Vec<Choice> {
    let chosen = [chosen.to_owned()];
    choices(
        lang,
        ActorKind::ALL,
        ActorKind::as_str,
        ActorKind::label_key,
        &chosen,
    )
}

fn sectors(lang: Lang, chosen: &[String]) -> Vec<Choice> {
    choices(
        lang,
        &Sector::ALL,
        Sector::as_str,
        Sector::label_key,
        chosen,
    )
}

fn regions(lang: Lang, chosen: &str) -> Vec<Choice> {
    let chosen = [chosen.to_owned()];
    choices(
        lang,
        MaliRegion::ALL,
        MaliRegion::as_str,
        MaliRegion::label_key,
        &chosen,
    )
}

fn stages(lang: Lang, chosen: &str) -> Vec<Choice> {
    let chosen = [chosen.to_owned()];
    choices(lang, Stage::ALL, Stage::as_str, Stage::label_key, &chosen)
}

fn private_fields(lang: Lang, chosen: &[String]) -> Vec<Choice> {
    choices(
        lang,
        &Hideable::ALL,
        Hideable::as_str,
        Hideable::label_key,
        chosen,
    )
}

/// The AES countries first, then every other by name.
fn countries(lang: Lang, chosen: &str) -> Vec<Choice> {
    let chosen = chosen.trim().to_ascii_uppercase();
    country::AES
        .into_iter()
        .chain(Country::all(lang).filter(|c| !c.is_aes()))
        .map(|c| Choice {
            value: c.as_str().to_owned(),
            label: c.name(lang).to_owned(),
            selected: c.as_str() == chosen,
        })
        .collect()
}

pub(super) fn this_year(app: &AppState) -> i64 {
    jiff::Timestamp::from_millisecond(app.now_ms())
        .map(|t| i64::from(t.to_zoned(jiff::tz::TimeZone::UTC).year()))
        .unwrap_or(2026)
}

// ---- the public list ----

#[derive(Template)]
#[template(path = "directory/list.html")]
pub struct ListTemplate {
    pub ctx: Ctx,
    pub query: ListQuery,
    pub kinds: Vec<Choice>,
    pub sectors: Vec<Choice>,
    pub countries: Vec<Choice>,
    pub regions: Vec<Choice>,
    pub stages: Vec<Choice>,
    pub actors: Vec<Listed>,
    /// "12 actors", or "more than 1,000 actors".
    pub count: String,
    pub page: i64,
    pub pages: i64,
    pub previous: Option<String>,
    pub next: Option<String>,
}

pub(super) async fn list(
    State(app): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let query: ListQuery =
        serde_urlencoded::from_str(raw.as_deref().unwrap_or_default()).unwrap_or_default();
    let lang = ctx.lang;
    let page = query.page();
    // Only the countries some published actor is in: a filter that finds nothing helps no
    // one, and the whole list would weigh more than the page on a slow connection. Read
    // beside the search, on its own connection.
    let filters = query.filters();
    let ((rows, total), listed) = tokio::try_join!(
        queries::search(&app.db, &filters, (page, PAGE_SIZE)),
        queries::listed_countries(&app.db)
    )?;
    let shown = total.min(COUNT_CAP);
    let pages = ((shown + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let count = if total > COUNT_CAP {
        ctx.t_args("directory-count-many", "count", COUNT_CAP.to_string())
    } else {
        ctx.t_args("directory-count", "count", total.to_string())
    };
    let mut countries = countries(lang, &query.country);
    countries.retain(|c| c.selected || listed.contains(&c.value));
    let template = ListTemplate {
        kinds: kinds(lang, &query.kind),
        sectors: sectors(lang, std::slice::from_ref(&query.sector)),
        countries,
        regions: regions(lang, &query.region),
        stages: stages(lang, &query.stage),
        actors: rows.iter().map(|r| Listed::of(lang, r)).collect(),
        count,
        page,
        pages,
        previous: (page > 1).then(|| query.link(page - 1)),
        next: (page < pages).then(|| query.link(page + 1)),
        query,
        ctx,
    };
    Ok(public_page(render(&template)?, None))
}

// ---- a profile ----

/// A profile as its page shows it.
pub struct ProfileView {
    pub public: PublicProfile,
    pub kind: String,
    pub place: String,
    pub stage: Option<String>,
    pub sectors: String,
    pub description: String,
}

pub(super) fn profile_view(lang: Lang, row: &ActorRow) -> ProfileView {
    let public = PublicProfile::of(row);
    ProfileView {
        kind: tr(lang, &public.kind.label_key()),
        place: public::place(lang, &public.country, public.region),
        stage: public.stage.map(|s| tr(lang, &s.label_key())),
        sectors: public::sector_labels(lang, &public.sectors),
        description: public::description(lang, &public.description_fr, &public.description_en)
            .to_owned(),
        public,
    }
}

#[derive(Template)]
#[template(path = "directory/profile.html")]
pub struct ProfileTemplate {
    pub ctx: Ctx,
    pub actor: ProfileView,
    /// The contact form: as typed, its error, or sent.
    pub contact: ContactState,
    /// For its owner and the organisers while it is not public: where it stands.
    pub status: Option<String>,
    pub rejection_reason: String,
    pub can_edit: bool,
    /// Why the owner's logo was refused.
    pub logo_error: Option<String>,
}

/// The profile if the visitor may see it: published, or theirs, or they moderate.
async fn visible_actor(app: &AppState, ctx: &Ctx, public_id: &str) -> AppResult<ActorRow> {
    let actor = queries::by_public_id(&app.db, public_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if actor.status == Status::Published {
        return Ok(actor);
    }
    match &ctx.user {
        Some(u) if actor.owner_id == Some(u.id) || is_moderator(app, u).await? => Ok(actor),
        _ => Err(AppError::NotFound),
    }
}

pub(super) async fn profile(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(public_id): Path<String>,
) -> AppResult<Response> {
    let actor = visible_actor(&app, &ctx, &public_id).await?;
    let lang = ctx.lang;
    let published = actor.status == Status::Published;
    let can_edit = ctx
        .user
        .as_ref()
        .is_some_and(|u| actor.owner_id == Some(u.id));
    let page = render(&ProfileTemplate {
        actor: profile_view(lang, &actor),
        contact: ContactState::default(),
        status: (!published).then(|| tr(lang, &actor.status.label_key())),
        rejection_reason: actor.rejection_reason.clone(),
        can_edit,
        logo_error: None,
        ctx,
    })?;
    Ok(if published {
        public_page(page, None)
    } else {
        page
    })
}

/// The contact form of a profile page.
#[derive(Debug, Default)]
pub struct ContactState {
    pub message: String,
    pub error: Option<String>,
    pub sent: bool,
}

#[derive(Debug, Deserialize, Default)]
pub struct ContactForm {
    #[serde(default)]
    pub message: String,
}

/// The public contact form: a signed-in visitor writes to a published actor; the message
/// reaches its contact address, which nobody sees.
pub(super) async fn contact(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(public_id): Path<String>,
    form: CsrfForm<ContactForm>,
) -> AppResult<Response> {
    let actor = queries::by_public_id(&app.db, &public_id)
        .await?
        .filter(|a| a.status == Status::Published && !a.contact_email.is_empty())
        .ok_or(AppError::NotFound)?;
    let lang = ctx.lang;
    let refuse = |key: &str| ContactState {
        message: form.value.message.clone(),
        error: Some(tr(lang, key)),
        sent: false,
    };
    let now = app.now_ms();
    let (state, status) = match rules::check_contact_message(&form.value.message) {
        Err(key) => (refuse(key), StatusCode::UNPROCESSABLE_ENTITY),
        Ok(message) => {
            let key = format!("directory-contact:{}", user.id);
            let day = 24 * 3600 * 1000;
            let allowed =
                crate::accounts::rate_limit::hit(&app.db, &key, rules::CONTACTS_PER_DAY, day, now)
                    .await?;
            if allowed {
                let sender = actions::Sender {
                    name: &user.display_name,
                    email: user.email.as_deref(),
                    phone: user.phone.as_deref(),
                };
                let mut tx = app.db.begin().await?;
                let what = (&sender, message.as_str());
                actions::contact(&mut tx, &ctx.site, &actor, what, (user.id, now)).await?;
                tx.commit().await?;
                app.outbox_wake.notify_one();
                let sent = ContactState {
                    sent: true,
                    ..ContactState::default()
                };
                (sent, StatusCode::OK)
            } else {
                (
                    refuse("directory-error-contact-limit"),
                    StatusCode::TOO_MANY_REQUESTS,
                )
            }
        }
    };
    render_with_status(
        status,
        &ProfileTemplate {
            actor: profile_view(lang, &actor),
            contact: state,
            status: None,
            rejection_reason: String::new(),
            can_edit: actor.owner_id == Some(user.id),
            logo_error: None,
            ctx,
        },
    )
}

/// The owner sends a logo (a form with the CSRF token first, then `file`), or removes it
/// (`remove` instead of a file): kept reduced, or refused with the reason.
pub(super) async fn logo(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(public_id): Path<String>,
    mut multipart: axum::extract::Multipart,
) -> AppResult<Response> {
    let actor = owned_actor(&app, &user, &public_id).await?;
    csrf_first(&mut multipart, &ctx).await?;
    let mut remove = false;
    let mut bytes = Vec::new();
    let mut seen = 0usize;
    while let Ok(Some(mut part)) = multipart.next_field().await {
        match part.name() {
            Some("remove") => remove = true,
            Some("file") => {
                while let Ok(Some(chunk)) = part.chunk().await {
                    seen += chunk.len();
                    if seen <= super::logo::MAX_UPLOAD_BYTES {
                        bytes.extend_from_slice(&chunk);
                    }
                }
            }
            _ => {}
        }
    }
    let logo = if remove {
        None
    } else {
        match super::logo::Logo::parse(&bytes, seen) {
            Ok(logo) => Some(logo),
            Err(refused) => {
                let (key, args) = refused.message();
                let lang = ctx.lang;
                return render_with_status(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &ProfileTemplate {
                        actor: profile_view(lang, &actor),
                        contact: ContactState::default(),
                        status: Some(tr(lang, &actor.status.label_key())),
                        rejection_reason: actor.rejection_reason.clone(),
                        can_edit: true,
                        logo_error: Some(crate::i18n::tr_args(lang, key, &args)),
                        ctx,
                    },
                );
            }
        }
    };
    let mut tx = app.db.begin().await?;
    actions::set_logo(&mut tx, &actor, logo.as_ref(), (user.id, app.now_ms())).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/directory/{public_id}")).into_response())
}

/// A profile's logo, named by its content (`logo-<sha256>.jpg`): kept by browsers for good;
/// seen by whoever may see the profile.
pub(super) async fn logo_file(
    State(app): State<AppState>,
    ctx: Ctx,
    Path((public_id, file)): Path<(String, String)>,
) -> AppResult<Response> {
    let actor = visible_actor(&app, &ctx, &public_id).await?;
    let sha = file
        .strip_prefix("logo-")
        .and_then(|f| f.strip_suffix(".jpg"))
        .ok_or(AppError::NotFound)?;
    let jpeg = queries::logo(&app.db, actor.id, sha)
        .await?
        .ok_or(AppError::NotFound)?;
    let cache = if actor.status == Status::Published {
        "public, max-age=31536000, immutable"
    } else {
        "private, no-store"
    };
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "image/jpeg"),
            (axum::http::header::CACHE_CONTROL, cache),
        ],
        jpeg,
    )
        .into_response())
}

// ---- registering and editing ----

#[derive(Template)]
#[template(path = "directory/form.html")]
pub struct FormTemplate {
    pub ctx: Ctx,
    /// `None` for a new profile.
    pub editing: Option<String>,
    pub typed: ActorInput,
    pub kinds: Vec<Choice>,
    pub countries: Vec<Choice>,
    pub regions: Vec<Choice>,
    pub stages: Vec<Choice>,
    pub sectors: Vec<Choice>,
    pub private: Vec<Choice>,
    pub errors: FieldErrors,
    pub page_error: Option<String>,
    /// The application it is pre-filled from (public id), carried to the registration.
    pub from: String,
    /// The applicant's applications it may be pre-filled from: (public id, title).
    pub sources: Vec<(String, String)>,
}

/// Where a new profile's form starts: empty, or from an application.
#[derive(Default)]
struct Start {
    from: String,
    sources: Vec<(String, String)>,
}

fn render_form(
    ctx: Ctx,
    editing: Option<String>,
    (typed, errors): (ActorInput, FieldErrors),
    status: StatusCode,
) -> AppResult<Response> {
    render_new_form(ctx, editing, (typed, errors), Start::default(), status)
}

fn render_new_form(
    ctx: Ctx,
    editing: Option<String>,
    (typed, errors): (ActorInput, FieldErrors),
    start: Start,
    status: StatusCode,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let page_error = (!errors.is_empty()).then(|| tr(lang, "directory-fix-errors"));
    render_with_status(
        status,
        &FormTemplate {
            from: start.from,
            sources: start.sources,
            editing,
            kinds: kinds(lang, &typed.kind),
            countries: countries(lang, &typed.country),
            regions: regions(lang, &typed.region),
            stages: stages(lang, &typed.stage),
            sectors: sectors(lang, &typed.sectors),
            private: private_fields(lang, &typed.private),
            typed,
            errors,
            page_error,
            ctx,
        },
    )
}

fn refusals(lang: Lang, refused: Vec<rules::Refusal>) -> FieldErrors {
    let mut errors = FieldErrors::default();
    for (field, key) in refused {
        errors.add(field, tr(lang, key));
    }
    errors
}

/// The applicant's applications a profile may be pre-filled from: those whose form's
/// directory consent they ticked, with the profile each gives.
async fn consented_sources(
    app: &AppState,
    user: &SessionUser,
) -> AppResult<Vec<(queries::ApplicationSource, ActorInput)>> {
    let mut out = Vec::new();
    for source in queries::unlisted_applications(&app.db, user.id).await? {
        let answers: crate::domain::form::Answers = serde_json::from_str(&source.answers_json)
            .map_err(|e| AppError::Internal(format!("answers of {}: {e}", source.public_id)))?;
        let application = from_application::Application {
            track: source.track.0,
            title: &source.title,
            answers: &answers,
            country: &source.country,
            domain: &source.domain,
            women_led: source.women_led,
        };
        if let Some(typed) = from_application::prefill(&application) {
            out.push((source, typed));
        }
    }
    Ok(out)
}

#[derive(Debug, Deserialize, Default)]
pub struct NewQuery {
    /// An application of the visitor's to pre-fill the form from.
    #[serde(default)]
    pub from: String,
}

pub(super) async fn new_form(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    axum::extract::Query(query): axum::extract::Query<NewQuery>,
) -> AppResult<Response> {
    let sources = consented_sources(&app, &user).await?;
    let (typed, from) = if query.from.is_empty() {
        let typed = ActorInput {
            country: country::MALI.as_str().to_owned(),
            ..ActorInput::default()
        };
        (typed, String::new())
    } else {
        // Not theirs, not consented, or already made into a profile: nothing to copy.
        let (source, typed) = sources
            .iter()
            .find(|(s, _)| s.public_id == query.from)
            .ok_or(AppError::NotFound)?;
        (typed.clone(), source.public_id.clone())
    };
    let start = Start {
        from,
        sources: sources
            .into_iter()
            .map(|(s, _)| (s.public_id, s.title))
            .collect(),
    };
    let page = (typed, FieldErrors::default());
    render_new_form(ctx, None, page, start, StatusCode::OK)
}

pub(super) async fn create(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    form: CsrfForm<ActorInput>,
) -> AppResult<Response> {
    let typed = form.value.with_checkboxes(&form.pairs);
    let from = form
        .pairs
        .iter()
        .find(|(k, _)| k == "from")
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_default();
    let source = if from.is_empty() {
        None
    } else {
        let sources = consented_sources(&app, &user).await?;
        let found = sources.into_iter().find(|(s, _)| s.public_id == from);
        Some(found.ok_or(AppError::NotFound)?.0)
    };
    let profile = match rules::check_actor(&typed, this_year(&app)) {
        Ok(profile) => profile,
        Err(refused) => {
            let errors = refusals(ctx.lang, refused);
            let start = Start {
                from,
                sources: Vec::new(),
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return render_new_form(ctx, None, (typed, errors), start, status);
        }
    };
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    let public_id = match source {
        Some(source) => {
            let linked = (user.id, source.id);
            actions::register_from_application(&mut tx, &profile, linked, now).await?
        }
        None => {
            let origin = Origin {
                source: Source::SelfRegistered,
                owner_id: Some(user.id),
                status: Status::Pending,
            };
            actions::register(&mut tx, &profile, &origin, (Some(user.id), now)).await?
        }
    };
    tx.commit().await?;
    Ok(Redirect::to(&format!("/directory/{public_id}")).into_response())
}

/// The profile if the user owns it; else 404.
async fn owned_actor(app: &AppState, user: &SessionUser, public_id: &str) -> AppResult<ActorRow> {
    queries::by_public_id(&app.db, public_id)
        .await?
        .filter(|a| a.owner_id == Some(user.id))
        .ok_or(AppError::NotFound)
}

pub(super) async fn edit_form(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(public_id): Path<String>,
) -> AppResult<Response> {
    let actor = owned_actor(&app, &user, &public_id).await?;
    let page = (actor.as_input(), FieldErrors::default());
    render_form(ctx, Some(actor.public_id), page, StatusCode::OK)
}

pub(super) async fn save(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(public_id): Path<String>,
    form: CsrfForm<ActorInput>,
) -> AppResult<Response> {
    let actor = owned_actor(&app, &user, &public_id).await?;
    let typed = form.value.with_checkboxes(&form.pairs);
    let profile = match rules::check_actor(&typed, this_year(&app)) {
        Ok(profile) => profile,
        Err(refused) => {
            let errors = refusals(ctx.lang, refused);
            let page = (typed, errors);
            return render_form(ctx, Some(public_id), page, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    actions::edit(&mut tx, &actor, &profile, (user.id, now)).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/directory/{public_id}")).into_response())
}

/// One of "my profiles".
pub struct Mine {
    pub url: String,
    pub name: String,
    pub status: String,
}

#[derive(Template)]
#[template(path = "directory/mine.html")]
pub struct MineTemplate {
    pub ctx: Ctx,
    pub actors: Vec<Mine>,
}

pub(super) async fn mine(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let actors = queries::owned_by(&app.db, user.id)
        .await?
        .into_iter()
        .map(|a| Mine {
            url: format!("/directory/{}", a.public_id),
            status: tr(lang, &a.status.label_key()),
            name: a.name,
        })
        .collect();
    render(&MineTemplate { ctx, actors })
}

// ---- moderation ----

/// A pending profile as the organisers see it: everything, the contact address included.
pub struct PendingView {
    pub public_id: String,
    pub view: ProfileView,
    pub source: String,
    pub contact_email: String,
    pub private: String,
}

#[derive(Template)]
#[template(path = "directory/moderation.html")]
pub struct ModerationTemplate {
    pub ctx: Ctx,
    pub pending: Vec<PendingView>,
    pub page_error: Option<String>,
}

async fn render_moderation(
    app: &AppState,
    ctx: Ctx,
    page_error: Option<String>,
    status: StatusCode,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let pending = queries::pending(&app.db)
        .await?
        .iter()
        .map(|a| PendingView {
            public_id: a.public_id.clone(),
            view: profile_view(lang, a),
            source: tr(lang, &a.source.label_key()),
            contact_email: a.contact_email.clone(),
            private: a
                .hidden()
                .into_iter()
                .map(|h| tr(lang, &h.label_key()))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    render_with_status(
        status,
        &ModerationTemplate {
            ctx,
            pending,
            page_error,
        },
    )
}

pub(super) async fn moderation(
    State(app): State<AppState>,
    ctx: Ctx,
    Moderator(_user): Moderator,
) -> AppResult<Response> {
    render_moderation(&app, ctx, None, StatusCode::OK).await
}

#[derive(Debug, Deserialize, Default)]
pub struct DecisionForm {
    /// `publish` or `reject`.
    #[serde(default)]
    pub decision: String,
    #[serde(default)]
    pub reason: String,
}

pub(super) async fn decide(
    State(app): State<AppState>,
    ctx: Ctx,
    Moderator(user): Moderator,
    Path(public_id): Path<String>,
    form: CsrfForm<DecisionForm>,
) -> AppResult<Response> {
    let actor = queries::by_public_id(&app.db, &public_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let reason: String = form.value.reason.trim().chars().take(500).collect();
    let decision = match form.value.decision.as_str() {
        "publish" => Decision::Publish,
        "reject" if !reason.is_empty() => Decision::Reject { reason },
        "reject" => {
            let error = Some(tr(ctx.lang, "directory-error-reason"));
            return render_moderation(&app, ctx, error, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
        _ => return Err(AppError::BadRequest("unknown decision")),
    };
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    let outcome = actions::moderate(&mut tx, &ctx.site, &actor, &decision, (user.id, now)).await?;
    if let Err(refused) = outcome {
        drop(tx);
        let error = Some(tr(ctx.lang, refused.key()));
        return render_moderation(&app, ctx, error, StatusCode::CONFLICT).await;
    }
    tx.commit().await?;
    app.outbox_wake.notify_one();
    Ok(Redirect::to("/admin/directory").into_response())
}
