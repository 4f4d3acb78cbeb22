//! Everyone's programme pages: the programme by day, filterable by day, room, kind and theme
//! with a plain form (no JavaScript), each session's page, and the iCalendar exports.

use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::civil::Date;
use serde::Deserialize;

use super::actions;
use super::edition_of;
use super::ical::{self, Event};
use super::queries::{self, SessionRow, SessionSpeakerRow, SpeakerRow};
use super::rules::{SessionKind, Slot};
use crate::calls::queries::EditionRow;
use crate::domain::country::Country;
use crate::domain::types::Lang;
use crate::i18n::{format_date, tr};
use crate::web::ctx::{CsrfForm, Ctx, SignedIn};
use crate::web::error::{AppError, AppResult};
use crate::web::public_cache::public_page;
use crate::web::state::AppState;
use crate::web::templates::render;

/// The filters of the programme page, as the address carries them (`?day=…&room=…`).
#[derive(Debug, Deserialize, Default)]
pub struct Filters {
    #[serde(default)]
    day: String,
    #[serde(default)]
    room: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    theme: String,
}

/// A choice of a filter.
pub struct FilterChoice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// A session in the programme.
pub struct Line {
    pub url: String,
    pub time: String,
    pub title: String,
    pub kind: String,
    pub room: String,
    pub speakers: String,
    pub language: String,
}

/// One day of the programme.
pub struct Day {
    pub label: String,
    pub sessions: Vec<Line>,
}

#[derive(Template)]
#[template(path = "programme/public.html")]
pub struct ProgrammeTemplate {
    pub ctx: Ctx,
    pub edition: String,
    pub action: String,
    pub days: Vec<Day>,
    pub day_options: Vec<FilterChoice>,
    pub room_options: Vec<FilterChoice>,
    pub kind_options: Vec<FilterChoice>,
    pub theme_options: Vec<FilterChoice>,
    pub filtered: bool,
    pub ics: String,
    pub mine: Option<String>,
}

/// A speaker on a session's page.
pub struct Speaker {
    pub name: String,
    pub photo: Option<String>,
    pub role: String,
    pub organisation: String,
    pub country: String,
    pub bio: String,
}

#[derive(Template)]
#[template(path = "programme/session.html")]
pub struct SessionTemplate {
    pub ctx: Ctx,
    pub edition: String,
    pub back: String,
    pub title: String,
    pub kind: String,
    pub day: String,
    pub time: String,
    pub zone: String,
    pub room: String,
    pub language: String,
    pub theme: String,
    pub paragraphs: Vec<String>,
    pub speakers: Vec<Speaker>,
    pub ics: String,
    /// The session's live questions (the `questions` area's page).
    pub questions: String,
    /// For a signed-in person: whether the session is in their programme, and where to change it.
    pub followed: Option<bool>,
    pub follow_action: String,
    /// A hybrid session's links; `None` for a session held in the room only.
    pub links: Option<HybridLinks>,
}

/// How to follow a hybrid session online.
pub struct HybridLinks {
    pub online_url: String,
    pub stream_url: String,
    /// The viewer may see the links (they are public, or the viewer is registered online or
    /// organises the edition); otherwise the page says where to register.
    pub shown: bool,
    pub registration_url: String,
}

/// The session's links as `viewer` may see them.
async fn hybrid_links(
    app: &AppState,
    (edition, s): (&EditionRow, &SessionRow),
    viewer: Option<&crate::web::sessions::SessionUser>,
) -> AppResult<Option<HybridLinks>> {
    if s.online_url.is_empty() && s.stream_url.is_empty() {
        return Ok(None);
    }
    let shown = match (s.links_public, viewer) {
        (true, _) => true,
        (false, None) => false,
        (false, Some(user)) => {
            let online =
                crate::registration::queries::live_registration(&app.db, edition.id, user.id)
                    .await?
                    .is_some_and(|r| {
                        r.status == crate::registration::rules::Status::Confirmed
                            && r.attendance == crate::registration::rules::Attendance::Online
                    });
            online
                || crate::accounts::roles::has_role(
                    &app.db,
                    user.id,
                    edition.id,
                    crate::accounts::roles::Role::Organiser,
                )
                .await?
        }
    };
    Ok(Some(HybridLinks {
        online_url: s.online_url.clone(),
        stream_url: s.stream_url.clone(),
        shown,
        registration_url: format!("/registration/{}", edition.slug),
    }))
}

/// A session of "my programme", with the ones it overlaps.
pub struct MyLine {
    pub line: Line,
    pub day: String,
    pub overlaps: Vec<String>,
}

#[derive(Template)]
#[template(path = "programme/mine.html")]
pub struct MineTemplate {
    pub ctx: Ctx,
    pub edition: String,
    pub back: String,
    pub sessions: Vec<MyLine>,
    pub ics: String,
}

fn zoned(edition: &EditionRow, ms: i64) -> Option<jiff::Zoned> {
    jiff::Timestamp::from_millisecond(ms)
        .ok()
        .map(|t| t.to_zoned(edition.timezone.tz().clone()))
}

/// The civil day a session starts on, in the edition's zone.
fn day_of(edition: &EditionRow, s: &SessionRow) -> Option<Date> {
    zoned(edition, s.starts_at).map(|z| z.date())
}

/// "10:00–11:30" in the edition's zone.
fn time_range(edition: &EditionRow, s: &SessionRow) -> String {
    let hm = |ms| {
        zoned(edition, ms)
            .map(|z| z.strftime("%H:%M").to_string())
            .unwrap_or_default()
    };
    format!("{}–{}", hm(s.starts_at), hm(s.ends_at))
}

fn kind_label(lang: Lang, kind: SessionKind) -> String {
    tr(lang, &format!("programme-kind-{}", kind.as_str()))
}

fn names(list: Option<&Vec<SessionSpeakerRow>>) -> String {
    list.map(|l| {
        let names: Vec<&str> = l.iter().map(|r| r.name.as_str()).collect();
        names.join(", ")
    })
    .unwrap_or_default()
}

pub(super) async fn programme(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(filters): Query<Filters>,
) -> AppResult<Response> {
    let edition = edition_of(&app, &slug).await?;
    let lang = ctx.lang;
    let sessions = queries::sessions(&app.db, edition.id).await?;
    let rooms = queries::rooms(&app.db, edition.id).await?;
    let speakers = queries::speakers_by_session(&app.db, edition.id).await?;
    let option = |value: String, label: String, chosen: &str| FilterChoice {
        selected: value == chosen,
        value,
        label,
    };
    let days: BTreeSet<Date> = sessions
        .iter()
        .filter_map(|s| day_of(&edition, s))
        .collect();
    let day_options = days
        .iter()
        .map(|d| option(d.to_string(), format_date(lang, *d), &filters.day))
        .collect();
    let room_options = rooms
        .iter()
        .map(|r| option(r.id.to_string(), r.name.clone(), &filters.room))
        .collect();
    let kinds: BTreeSet<SessionKind> = sessions.iter().map(|s| s.kind).collect();
    let kind_options = kinds
        .iter()
        .map(|k| option(k.as_str().into(), kind_label(lang, *k), &filters.kind))
        .collect();
    let themes: BTreeSet<&str> = sessions
        .iter()
        .map(|s| s.theme.as_str())
        .filter(|t| !t.is_empty())
        .collect();
    let theme_options = themes
        .iter()
        .map(|t| option((*t).into(), (*t).into(), &filters.theme))
        .collect();
    let kept = |s: &&SessionRow| {
        let day = day_of(&edition, s)
            .map(|d| d.to_string())
            .unwrap_or_default();
        (filters.day.is_empty() || filters.day == day)
            && (filters.room.is_empty()
                || s.room_id.map(|r| r.to_string()).as_deref() == Some(filters.room.as_str()))
            && (filters.kind.is_empty() || filters.kind == s.kind.as_str())
            && (filters.theme.is_empty() || filters.theme == s.theme)
    };
    let mut by_day: BTreeMap<Date, Vec<Line>> = BTreeMap::new();
    for s in sessions.iter().filter(kept) {
        let Some(day) = day_of(&edition, s) else {
            continue;
        };
        by_day.entry(day).or_default().push(Line {
            url: format!("/programme/{}/{}", edition.slug, s.public_id),
            time: time_range(&edition, s),
            title: s.title(lang).to_owned(),
            kind: kind_label(lang, s.kind),
            room: s.room_name.clone().unwrap_or_default(),
            speakers: names(speakers.get(&s.id)),
            language: tr(lang, &format!("programme-language-{}", s.language)),
        });
    }
    let days = by_day
        .into_iter()
        .map(|(day, sessions)| Day {
            label: format_date(lang, day),
            sessions,
        })
        .collect();
    let filtered = !(filters.day.is_empty()
        && filters.room.is_empty()
        && filters.kind.is_empty()
        && filters.theme.is_empty());
    let ics = if filters.day.is_empty() {
        format!("/programme/{}/ics", edition.slug)
    } else {
        format!("/programme/{}/ics?day={}", edition.slug, filters.day)
    };
    let page = render(&ProgrammeTemplate {
        edition: edition.name(lang),
        action: format!("/programme/{}", edition.slug),
        days,
        day_options,
        room_options,
        kind_options,
        theme_options,
        filtered,
        ics,
        mine: ctx
            .user
            .as_ref()
            .map(|_| format!("/programme/{}/mine", edition.slug)),
        ctx,
    })?;
    Ok(public_page(page, None))
}

pub(super) async fn session(
    State(app): State<AppState>,
    ctx: Ctx,
    Path((slug, session)): Path<(String, String)>,
) -> AppResult<Response> {
    let edition = edition_of(&app, &slug).await?;
    let lang = ctx.lang;
    let s = queries::session(&app.db, edition.id, &session)
        .await?
        .ok_or(AppError::NotFound)?;
    let all: BTreeMap<i64, SpeakerRow> = queries::speakers(&app.db, edition.id)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let speakers = queries::speakers_by_session(&app.db, edition.id)
        .await?
        .remove(&s.id)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|r| {
            let p = all.get(&r.speaker_id)?;
            Some(Speaker {
                name: p.name.clone(),
                photo: super::photo_url(&edition, p),
                role: tr(lang, &format!("programme-role-{}", r.role)),
                organisation: p.organisation.clone(),
                country: Country::parse(&p.country)
                    .map(|c| c.name(lang).to_owned())
                    .unwrap_or_default(),
                bio: p.bio(lang).to_owned(),
            })
        })
        .collect();
    let followed = match &ctx.user {
        Some(user) => Some(
            queries::followed(&app.db, user.id, edition.id)
                .await?
                .contains(&s.id),
        ),
        None => None,
    };
    let paragraphs = s
        .abstract_text(lang)
        .split("\n\n")
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect();
    let links = hybrid_links(&app, (&edition, &s), ctx.user.as_ref()).await?;
    let page = render(&SessionTemplate {
        edition: edition.name(lang),
        back: format!("/programme/{}", edition.slug),
        title: s.title(lang).to_owned(),
        kind: kind_label(lang, s.kind),
        day: day_of(&edition, &s)
            .map(|d| format_date(lang, d))
            .unwrap_or_default(),
        time: time_range(&edition, &s),
        zone: edition.timezone.name().to_owned(),
        room: s.room_name.clone().unwrap_or_default(),
        language: tr(lang, &format!("programme-language-{}", s.language)),
        theme: s.theme.clone(),
        paragraphs,
        speakers,
        ics: format!("/programme/{}/{}/ics", edition.slug, s.public_id),
        questions: format!("/programme/{}/{}/questions", edition.slug, s.public_id),
        followed,
        follow_action: format!("/programme/{}/{}/mine", edition.slug, s.public_id),
        links,
        ctx,
    })?;
    Ok(public_page(page, None))
}

/// The calendar of `sessions`, named after the edition, as a file download.
async fn calendar_response(
    app: &AppState,
    ctx: &Ctx,
    edition: &EditionRow,
    sessions: &[SessionRow],
    file: &str,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let speakers = queries::speakers_by_session(&app.db, edition.id).await?;
    let descriptions: Vec<String> = sessions
        .iter()
        .map(|s| {
            let who = names(speakers.get(&s.id));
            match (s.abstract_text(lang), who.is_empty()) {
                (text, true) => text.to_owned(),
                ("", false) => who,
                (text, false) => format!("{who}\n\n{text}"),
            }
        })
        .collect();
    let host = ctx.link("/");
    let host = host
        .split("://")
        .nth(1)
        .unwrap_or("kene")
        .trim_end_matches('/');
    let events: Vec<Event<'_>> = sessions
        .iter()
        .zip(&descriptions)
        .map(|(s, description)| Event {
            uid: format!("{}@{host}", s.public_id),
            starts_at: s.starts_at,
            ends_at: s.ends_at,
            summary: s.title(lang),
            description,
            location: s.room_name.as_deref().unwrap_or(""),
            url: ctx.link(&format!("/programme/{}/{}", edition.slug, s.public_id)),
            category: s.kind.as_str(),
        })
        .collect();
    let body = ical::calendar(&edition.name(lang), &events, app.now_ms());
    Ok((
        [
            (CONTENT_TYPE, "text/calendar; charset=utf-8".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}.ics\""),
            ),
            (CACHE_CONTROL, "no-cache".to_owned()),
        ],
        body,
    )
        .into_response())
}

#[derive(Debug, Deserialize, Default)]
pub struct DayQuery {
    #[serde(default)]
    day: String,
}

pub(super) async fn programme_ics(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(query): Query<DayQuery>,
) -> AppResult<Response> {
    let edition = edition_of(&app, &slug).await?;
    let mut sessions = queries::sessions(&app.db, edition.id).await?;
    let mut file = edition.slug.clone();
    if !query.day.is_empty() {
        let day: Date = query
            .day
            .parse()
            .map_err(|_| AppError::BadRequest("programme-bad-day"))?;
        sessions.retain(|s| day_of(&edition, s) == Some(day));
        file = format!("{file}-{day}");
    }
    calendar_response(&app, &ctx, &edition, &sessions, &file).await
}

pub(super) async fn session_ics(
    State(app): State<AppState>,
    ctx: Ctx,
    Path((slug, session)): Path<(String, String)>,
) -> AppResult<Response> {
    let edition = edition_of(&app, &slug).await?;
    let s = queries::session(&app.db, edition.id, &session)
        .await?
        .ok_or(AppError::NotFound)?;
    let file = format!("{}-{}", edition.slug, s.public_id);
    calendar_response(&app, &ctx, &edition, std::slice::from_ref(&s), &file).await
}

#[derive(Debug, Deserialize, Default)]
pub struct FollowForm {
    /// `add` or `remove`.
    #[serde(default)]
    action: String,
}

/// A signed-in person adds a session to their programme, or takes it out.
pub(super) async fn follow(
    State(app): State<AppState>,
    SignedIn(user): SignedIn,
    Path((slug, session)): Path<(String, String)>,
    form: CsrfForm<FollowForm>,
) -> AppResult<Response> {
    let edition = edition_of(&app, &slug).await?;
    let s = queries::session(&app.db, edition.id, &session)
        .await?
        .ok_or(AppError::NotFound)?;
    let follow = match form.value.action.as_str() {
        "add" => true,
        "remove" => false,
        _ => return Err(AppError::BadRequest("error-bad-form")),
    };
    let mut tx = app.db.begin().await?;
    actions::set_followed(&mut tx, user.id, s.id, follow, app.now_ms()).await?;
    tx.commit().await?;
    let back = format!("/programme/{}/{}", edition.slug, s.public_id);
    Ok(Redirect::to(&back).into_response())
}

/// The sessions a person follows, in time order, each with those it overlaps.
async fn my_sessions(
    app: &AppState,
    user_id: i64,
    edition: &EditionRow,
) -> AppResult<Vec<SessionRow>> {
    let followed = queries::followed(&app.db, user_id, edition.id).await?;
    let mut sessions = queries::sessions(&app.db, edition.id).await?;
    sessions.retain(|s| followed.contains(&s.id));
    Ok(sessions)
}

pub(super) async fn mine(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let edition = edition_of(&app, &slug).await?;
    let lang = ctx.lang;
    let sessions = my_sessions(&app, user.id, &edition).await?;
    let speakers = queries::speakers_by_session(&app.db, edition.id).await?;
    let slot = |s: &SessionRow| Slot::new(s.starts_at, s.ends_at).ok();
    let lines = sessions
        .iter()
        .map(|s| {
            let overlaps = sessions
                .iter()
                .filter(|o| o.id != s.id)
                .filter(|o| match (slot(s), slot(o)) {
                    (Some(a), Some(b)) => a.overlaps(b),
                    _ => false,
                })
                .map(|o| o.title(lang).to_owned())
                .collect();
            MyLine {
                line: Line {
                    url: format!("/programme/{}/{}", edition.slug, s.public_id),
                    time: time_range(&edition, s),
                    title: s.title(lang).to_owned(),
                    kind: kind_label(lang, s.kind),
                    room: s.room_name.clone().unwrap_or_default(),
                    speakers: names(speakers.get(&s.id)),
                    language: tr(lang, &format!("programme-language-{}", s.language)),
                },
                day: day_of(&edition, s)
                    .map(|d| format_date(lang, d))
                    .unwrap_or_default(),
                overlaps,
            }
        })
        .collect();
    render(&MineTemplate {
        edition: edition.name(lang),
        back: format!("/programme/{}", edition.slug),
        sessions: lines,
        ics: format!("/programme/{}/mine/ics", edition.slug),
        ctx,
    })
}

pub(super) async fn mine_ics(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let edition = edition_of(&app, &slug).await?;
    let sessions = my_sessions(&app, user.id, &edition).await?;
    let file = format!("{}-mine", edition.slug);
    calendar_response(&app, &ctx, &edition, &sessions, &file).await
}

/// A speaker's photo, named by its content (`photo-<sha256>.jpg`): kept by browsers for good.
pub(super) async fn speaker_photo(
    State(app): State<AppState>,
    Path((slug, speaker, file)): Path<(String, String, String)>,
) -> AppResult<Response> {
    let edition = edition_of(&app, &slug).await?;
    let sha = file
        .strip_prefix("photo-")
        .and_then(|f| f.strip_suffix(".jpg"))
        .ok_or(AppError::NotFound)?;
    let jpeg = queries::photo(&app.db, edition.id, &speaker, sha)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((
        [
            (CONTENT_TYPE, "image/jpeg"),
            (CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        jpeg,
    )
        .into_response())
}
