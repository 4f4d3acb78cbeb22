//! The participants' pages: joining (or leaving) the directory, the directory with its sector
//! filter and search, a person's profile with the request form, and "my meetings". Everyone
//! but the edition's participants gets 404; so does anyone acting on a request not theirs.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::actions::{self, Proposal};
use super::queries::{self, MeetingRow, ProfileRow};
use super::rules::{self, Act, EventDays, ProfileInput, RequestInput, Sector};
use crate::calls::queries::EditionRow;
use crate::domain::types::Lang;
use crate::i18n::{format_instant, tr};
use crate::web::ctx::{CsrfForm, Ctx, SignedIn};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::FieldErrors;
use crate::web::sessions::SessionUser;
use crate::web::state::AppState;
use crate::web::templates::{render, render_with_status};

/// The edition, if the person takes part in it; else 404.
async fn participant_of(app: &AppState, slug: &str, user: &SessionUser) -> AppResult<EditionRow> {
    let edition = crate::calls::queries::edition_by_slug(&app.db, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    if queries::is_participant(&app.db, edition.id, user.id).await? {
        Ok(edition)
    } else {
        Err(AppError::NotFound)
    }
}

/// The person's listed profile; without one, the directory sends them to the opt-in page.
async fn listed_self(
    app: &AppState,
    edition: &EditionRow,
    user: &SessionUser,
) -> AppResult<Result<ProfileRow, Response>> {
    match queries::own_profile(&app.db, edition.id, user.id).await? {
        Some(p) if p.visible => Ok(Ok(p)),
        _ => Ok(Err(
            Redirect::to(&format!("/networking/{}", edition.slug)).into_response()
        )),
    }
}

/// A choice of a select.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

fn sector_label(lang: Lang, s: Sector) -> String {
    tr(lang, &format!("networking-sector-{}", s.as_str()))
}

fn sectors(lang: Lang, chosen: &str) -> Vec<Choice> {
    Sector::ALL
        .into_iter()
        .map(|s| Choice {
            value: s.as_str().to_owned(),
            label: sector_label(lang, s),
            selected: s.as_str() == chosen,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "networking/join.html")]
pub struct JoinTemplate {
    pub ctx: Ctx,
    pub edition: String,
    pub slug: String,
    pub listed: bool,
    pub typed: ProfileInput,
    pub sectors: Vec<Choice>,
    pub errors: FieldErrors,
    pub page_error: Option<String>,
}

fn render_join(
    ctx: Ctx,
    edition: &EditionRow,
    (listed, typed, errors): (bool, ProfileInput, FieldErrors),
    status: StatusCode,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let page_error = (!errors.is_empty()).then(|| tr(lang, "networking-fix-errors"));
    render_with_status(
        status,
        &JoinTemplate {
            edition: edition.name(lang),
            slug: edition.slug.clone(),
            listed,
            sectors: sectors(lang, &typed.sector),
            typed,
            errors,
            page_error,
            ctx,
        },
    )
}

pub(super) async fn join(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let edition = participant_of(&app, &slug, &user).await?;
    let (listed, typed) = match queries::own_profile(&app.db, edition.id, user.id).await? {
        Some(p) => (
            p.visible,
            ProfileInput {
                organisation: p.organisation,
                sector: p.sector.as_str().to_owned(),
                looking_for: p.looking_for,
                offers: p.offers,
                contact_consent: p.contact_consent.then(|| "yes".to_owned()),
            },
        ),
        None => {
            let organisation =
                crate::registration::queries::live_registration(&app.db, edition.id, user.id)
                    .await?
                    .map(|r| r.organisation)
                    .unwrap_or_default();
            let typed = ProfileInput {
                organisation,
                ..ProfileInput::default()
            };
            (false, typed)
        }
    };
    let page = (listed, typed, FieldErrors::default());
    render_join(ctx, &edition, page, StatusCode::OK)
}

pub(super) async fn save_profile(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
    form: CsrfForm<ProfileInput>,
) -> AppResult<Response> {
    let edition = participant_of(&app, &slug, &user).await?;
    let profile = match rules::check_profile(&form.value) {
        Ok(profile) => profile,
        Err(refused) => {
            let mut errors = FieldErrors::default();
            for (field, key) in refused {
                errors.add(field, tr(ctx.lang, key));
            }
            let listed = queries::own_profile(&app.db, edition.id, user.id)
                .await?
                .is_some_and(|p| p.visible);
            let page = (listed, form.value, errors);
            return render_join(ctx, &edition, page, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    actions::save_profile(&mut tx, &edition, user.id, &profile, now).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/networking/{}/directory", edition.slug)).into_response())
}

pub(super) async fn leave(
    State(app): State<AppState>,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
    _form: CsrfForm<Empty>,
) -> AppResult<Response> {
    let edition = participant_of(&app, &slug, &user).await?;
    let mut tx = app.db.begin().await?;
    // Leaving twice (a double click) writes nothing more.
    if actions::leave(&mut tx, &edition, user.id, app.now_ms()).await? {
        tx.commit().await?;
    }
    Ok(Redirect::to(&format!("/networking/{}", edition.slug)).into_response())
}

#[derive(Debug, Deserialize, Default)]
pub struct Empty {}

/// A profile as the directory shows it: never a contact detail.
pub struct ProfileView {
    pub url: String,
    pub name: String,
    pub organisation: String,
    pub sector: String,
    pub looking_for: String,
    pub offers: String,
}

fn view(lang: Lang, slug: &str, p: ProfileRow) -> ProfileView {
    ProfileView {
        url: format!("/networking/{slug}/people/{}", p.public_id),
        sector: sector_label(lang, p.sector),
        name: p.name,
        organisation: p.organisation,
        looking_for: p.looking_for,
        offers: p.offers,
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct Filters {
    #[serde(default)]
    pub sector: String,
    #[serde(default)]
    pub q: String,
}

#[derive(Template)]
#[template(path = "networking/directory.html")]
pub struct DirectoryTemplate {
    pub ctx: Ctx,
    pub edition: String,
    pub slug: String,
    pub sectors: Vec<Choice>,
    pub q: String,
    pub people: Vec<ProfileView>,
}

pub(super) async fn directory(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
    Query(filters): Query<Filters>,
) -> AppResult<Response> {
    let edition = participant_of(&app, &slug, &user).await?;
    if let Err(to_join) = listed_self(&app, &edition, &user).await? {
        return Ok(to_join);
    }
    let lang = ctx.lang;
    let sector = Sector::parse(filters.sector.trim());
    let q: String = filters.q.trim().chars().take(80).collect();
    let people = queries::directory(&app.db, edition.id, sector, &q)
        .await?
        .into_iter()
        .filter(|p| p.account_id != user.id)
        .map(|p| view(lang, &edition.slug, p))
        .collect();
    render(&DirectoryTemplate {
        edition: edition.name(lang),
        sectors: sectors(lang, sector.map(Sector::as_str).unwrap_or_default()),
        slug: edition.slug,
        q,
        people,
        ctx,
    })
}

#[derive(Template)]
#[template(path = "networking/person.html")]
pub struct PersonTemplate {
    pub ctx: Ctx,
    pub edition: String,
    pub slug: String,
    pub person: ProfileView,
    pub days: Vec<Choice>,
    pub typed: RequestInput,
    pub errors: FieldErrors,
    pub page_error: Option<String>,
}

fn event_days(edition: &EditionRow) -> AppResult<EventDays> {
    EventDays::of(&edition.starts_on, &edition.ends_on, edition.timezone.tz())
        .ok_or_else(|| AppError::Internal(format!("edition {} has no readable days", edition.slug)))
}

fn render_person(
    ctx: Ctx,
    (edition, person): (&EditionRow, ProfileRow),
    (typed, errors, page_error): (RequestInput, FieldErrors, Option<String>),
    status: StatusCode,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let days = event_days(edition)?
        .days()
        .into_iter()
        .map(|d| Choice {
            value: d.to_string(),
            label: crate::i18n::format_date(lang, d),
            selected: d.to_string() == typed.day,
        })
        .collect();
    render_with_status(
        status,
        &PersonTemplate {
            edition: edition.name(lang),
            slug: edition.slug.clone(),
            person: view(lang, &edition.slug, person),
            days,
            typed,
            errors,
            page_error,
            ctx,
        },
    )
}

/// A listed profile of someone else; one's own, or an unlisted one, is 404.
async fn other_profile(
    app: &AppState,
    edition: &EditionRow,
    public_id: &str,
    user: &SessionUser,
) -> AppResult<ProfileRow> {
    queries::listed_profile(&app.db, edition.id, public_id)
        .await?
        .filter(|p| p.account_id != user.id)
        .ok_or(AppError::NotFound)
}

pub(super) async fn person(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path((slug, public_id)): Path<(String, String)>,
) -> AppResult<Response> {
    let edition = participant_of(&app, &slug, &user).await?;
    if let Err(to_join) = listed_self(&app, &edition, &user).await? {
        return Ok(to_join);
    }
    let person = other_profile(&app, &edition, &public_id, &user).await?;
    let typed = RequestInput {
        from: "10:00".into(),
        to: "10:30".into(),
        ..RequestInput::default()
    };
    let page = (typed, FieldErrors::default(), None);
    render_person(ctx, (&edition, person), page, StatusCode::OK)
}

pub(super) async fn request(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path((slug, public_id)): Path<(String, String)>,
    form: CsrfForm<RequestInput>,
) -> AppResult<Response> {
    let edition = participant_of(&app, &slug, &user).await?;
    if let Err(to_join) = listed_self(&app, &edition, &user).await? {
        return Ok(to_join);
    }
    // One's own profile is not 404 here: the refusal is named.
    let person = queries::listed_profile(&app.db, edition.id, &public_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let lang = ctx.lang;
    let now = app.now_ms();
    let typed = form.value;
    let refuse = |field: &'static str, key: &str, typed: RequestInput, person: ProfileRow| {
        let mut errors = FieldErrors::default();
        errors.add(field, tr(lang, key));
        let page = (typed, errors, Some(tr(lang, "networking-fix-errors")));
        (page, person)
    };
    let slot = match rules::check_slot(&typed.slot(), &event_days(&edition)?, now) {
        Ok(slot) => slot,
        Err(e) => {
            let (page, person) = refuse("day", e.key(), typed, person);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return render_person(ctx, (&edition, person), page, status);
        }
    };
    let (place, message) = match rules::check_words(&typed) {
        Ok(words) => words,
        Err((field, key)) => {
            let (page, person) = refuse(field, key, typed, person);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return render_person(ctx, (&edition, person), page, status);
        }
    };
    let proposal = Proposal {
        to: &person,
        slot,
        place: &place,
        message: &message,
        notify: true,
    };
    let mut tx = app.db.begin().await?;
    let outcome = actions::request(&mut tx, (&ctx.site, &edition), user.id, &proposal, now).await?;
    if let Err(refused) = outcome {
        drop(tx);
        let page = (typed, FieldErrors::default(), Some(tr(lang, refused.key())));
        return render_person(ctx, (&edition, person), page, StatusCode::CONFLICT);
    }
    tx.commit().await?;
    app.outbox_wake.notify_one();
    Ok(Redirect::to(&format!("/networking/{}/meetings", edition.slug)).into_response())
}

/// A request as one of its sides sees it.
pub struct MeetingView {
    pub public_id: String,
    pub incoming: bool,
    pub other: String,
    pub when: String,
    pub place: String,
    pub message: String,
    pub status: &'static str,
    pub status_text: String,
    /// What this side may do now (accept, decline, cancel).
    pub acts: Vec<Choice>,
    /// The other person's e-mail and phone, shown only on an accepted meeting they agreed to
    /// share them on.
    pub contact: Vec<String>,
}

async fn meeting_view(
    app: &AppState,
    lang: Lang,
    edition: &EditionRow,
    m: MeetingRow,
    me: i64,
) -> AppResult<MeetingView> {
    let incoming = m.to_account == me;
    let (side, other, other_name, other_consents) = if incoming {
        (
            rules::Side::Recipient,
            m.from_account,
            m.from_name,
            m.from_consents,
        )
    } else {
        (rules::Side::Sender, m.to_account, m.to_name, m.to_consents)
    };
    let mut contact = Vec::new();
    if rules::shows_contact(m.status, other_consents) {
        if let Some(reach) = queries::reach(&app.db, other).await? {
            contact.extend(
                reach
                    .email
                    .into_iter()
                    .chain(reach.phone)
                    .filter(|c| !c.is_empty()),
            );
        }
    }
    let tz = edition.timezone.tz();
    let time = |ms: i64| jiff::Timestamp::from_millisecond(ms).ok();
    let when = match (time(m.starts_at), time(m.ends_at)) {
        (Some(start), Some(end)) => {
            let end = end.to_zoned(tz.clone());
            format!(
                "{}–{:02}:{:02}",
                format_instant(lang, start, tz),
                end.hour(),
                end.minute()
            )
        }
        _ => String::new(),
    };
    let acts = Act::ALL
        .into_iter()
        .filter(|a| rules::next(m.status, side, *a).is_some())
        .map(|a| Choice {
            value: a.as_str().to_owned(),
            label: tr(lang, &format!("networking-act-{}", a.as_str())),
            selected: false,
        })
        .collect();
    Ok(MeetingView {
        public_id: m.public_id,
        incoming,
        other: other_name,
        when,
        place: if m.place.is_empty() {
            tr(lang, "networking-online")
        } else {
            m.place
        },
        message: m.message,
        status: m.status.as_str(),
        status_text: tr(lang, &format!("networking-status-{}", m.status.as_str())),
        acts,
        contact,
    })
}

#[derive(Template)]
#[template(path = "networking/meetings.html")]
pub struct MeetingsTemplate {
    pub ctx: Ctx,
    pub edition: String,
    pub slug: String,
    pub incoming: Vec<MeetingView>,
    pub outgoing: Vec<MeetingView>,
    pub page_error: Option<String>,
}

async fn render_meetings(
    app: &AppState,
    ctx: Ctx,
    (edition, user): (&EditionRow, &SessionUser),
    page_error: Option<String>,
    status: StatusCode,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let (mut incoming, mut outgoing) = (Vec::new(), Vec::new());
    for m in queries::meetings_of(&app.db, edition.id, user.id).await? {
        let v = meeting_view(app, lang, edition, m, user.id).await?;
        if v.incoming {
            incoming.push(v);
        } else {
            outgoing.push(v);
        }
    }
    render_with_status(
        status,
        &MeetingsTemplate {
            edition: edition.name(lang),
            slug: edition.slug.clone(),
            incoming,
            outgoing,
            page_error,
            ctx,
        },
    )
}

pub(super) async fn meetings(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let edition = participant_of(&app, &slug, &user).await?;
    render_meetings(&app, ctx, (&edition, &user), None, StatusCode::OK).await
}

#[derive(Debug, Deserialize, Default)]
pub struct ActForm {
    #[serde(default)]
    pub act: String,
}

pub(super) async fn act(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path((slug, public_id)): Path<(String, String)>,
    form: CsrfForm<ActForm>,
) -> AppResult<Response> {
    let edition = participant_of(&app, &slug, &user).await?;
    let meeting = queries::meeting_of(&app.db, edition.id, &public_id, user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let what = Act::parse(form.value.act.trim()).ok_or(AppError::NotFound)?;
    let mut tx = app.db.begin().await?;
    let outcome = actions::act(
        &mut tx,
        (&ctx.site, &edition),
        (&meeting, what),
        (user.id, app.now_ms()),
        true,
    )
    .await?;
    if let Err(refused) = outcome {
        drop(tx);
        let error = Some(tr(ctx.lang, refused.key()));
        return render_meetings(&app, ctx, (&edition, &user), error, StatusCode::CONFLICT).await;
    }
    tx.commit().await?;
    app.outbox_wake.notify_one();
    Ok(Redirect::to(&format!("/networking/{}/meetings", edition.slug)).into_response())
}
