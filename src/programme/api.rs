//! The programme for other programs: a paginated JSON API of the sessions, and `schedule.json`
//! in the frab/C3VOC shape that conference apps (Giggity, ConfClerk and the like) read to show
//! the programme offline. Event GUIDs are UUIDv5 of the session's public id, stable across
//! exports.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::edition_of;
use super::queries::{self, SessionRow};
use crate::calls::queries::EditionRow;
use crate::web::ctx::Ctx;
use crate::web::error::{AppError, AppResult};
use crate::web::state::AppState;

/// The most sessions one page of the API holds.
pub const MAX_PER_PAGE: usize = 100;
const DEFAULT_PER_PAGE: usize = 50;

#[derive(Debug, Deserialize, Default)]
pub struct PageQuery {
    #[serde(default)]
    page: Option<String>,
    #[serde(default)]
    per_page: Option<String>,
}

#[derive(Serialize)]
struct Localized<'a> {
    fr: &'a str,
    en: &'a str,
}

#[derive(Serialize)]
struct RoomJson<'a> {
    id: i64,
    name: &'a str,
}

#[derive(Serialize)]
struct SpeakerJson<'a> {
    id: &'a str,
    name: &'a str,
    organisation: &'a str,
    role: &'a str,
}

#[derive(Serialize)]
struct SessionJson<'a> {
    id: &'a str,
    kind: &'static str,
    title: Localized<'a>,
    #[serde(rename = "abstract")]
    abstract_text: Localized<'a>,
    /// RFC 3339 with the edition's offset.
    starts_at: String,
    ends_at: String,
    room: Option<RoomJson<'a>>,
    theme: &'a str,
    language: &'a str,
    speakers: Vec<SpeakerJson<'a>>,
    url: String,
}

#[derive(Serialize)]
struct SessionsPage<'a> {
    edition: &'a str,
    page: usize,
    per_page: usize,
    total: usize,
    next: Option<String>,
    sessions: Vec<SessionJson<'a>>,
}

/// `2026-01-29T09:00:00+00:00` in the edition's zone.
fn rfc3339(edition: &EditionRow, ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| {
            t.to_zoned(edition.timezone.tz().clone())
                .strftime("%Y-%m-%dT%H:%M:%S%:z")
                .to_string()
        })
        .unwrap_or_default()
}

/// A positive number from the address, or `default` when absent; 400 when unreadable.
fn positive(value: Option<&str>, default: usize) -> AppResult<usize> {
    match value.map(str::trim) {
        None | Some("") => Ok(default),
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or(AppError::BadRequest("programme-bad-page")),
    }
}

/// `GET /api/programme/{edition}/sessions?page=1&per_page=50`: the sessions in time order.
pub(super) async fn sessions(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(query): Query<PageQuery>,
) -> AppResult<Response> {
    let edition = edition_of(&app, &slug).await?;
    let page = positive(query.page.as_deref(), 1)?;
    let per_page = positive(query.per_page.as_deref(), DEFAULT_PER_PAGE)?.min(MAX_PER_PAGE);
    let all = queries::sessions(&app.db, edition.id).await?;
    let speakers = queries::speakers_by_session(&app.db, edition.id).await?;
    let total = all.len();
    let shown: Vec<&SessionRow> = all
        .iter()
        .skip((page - 1).saturating_mul(per_page))
        .take(per_page)
        .collect();
    let next = (page.saturating_mul(per_page) < total).then(|| {
        ctx.link(&format!(
            "/api/programme/{}/sessions?page={}&per_page={per_page}",
            edition.slug,
            page + 1
        ))
    });
    let sessions = shown
        .into_iter()
        .map(|s| SessionJson {
            id: &s.public_id,
            kind: s.kind.as_str(),
            title: Localized {
                fr: &s.title_fr,
                en: &s.title_en,
            },
            abstract_text: Localized {
                fr: &s.abstract_fr,
                en: &s.abstract_en,
            },
            starts_at: rfc3339(&edition, s.starts_at),
            ends_at: rfc3339(&edition, s.ends_at),
            room: s
                .room_id
                .zip(s.room_name.as_deref())
                .map(|(id, name)| RoomJson { id, name }),
            theme: &s.theme,
            language: &s.language,
            speakers: speakers
                .get(&s.id)
                .map(|list| {
                    list.iter()
                        .map(|r| SpeakerJson {
                            id: &r.public_id,
                            name: &r.name,
                            organisation: &r.organisation,
                            role: &r.role,
                        })
                        .collect()
                })
                .unwrap_or_default(),
            url: ctx.link(&format!("/programme/{}/{}", edition.slug, s.public_id)),
        })
        .collect();
    Ok(Json(SessionsPage {
        edition: &edition.slug,
        page,
        per_page,
        total,
        next,
        sessions,
    })
    .into_response())
}

/// The GUID of a session in conference apps: a name-based UUID, the same in every export.
pub fn event_guid(session_public_id: &str) -> Uuid {
    Uuid::new_v5(
        &Uuid::NAMESPACE_URL,
        format!("kene:programme:session:{session_public_id}").as_bytes(),
    )
}

/// `H:MM`, as the frab format writes durations.
fn duration(minutes: i64) -> String {
    format!("{}:{:02}", minutes / 60, minutes % 60)
}

/// `GET /programme/{edition}/schedule.json`: frab/C3VOC-shaped, for conference apps.
pub(super) async fn schedule(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let edition = edition_of(&app, &slug).await?;
    let lang = ctx.lang;
    let sessions = queries::sessions(&app.db, edition.id).await?;
    let rooms = queries::rooms(&app.db, edition.id).await?;
    let speakers = queries::speakers_by_session(&app.db, edition.id).await?;
    let tz = edition.timezone.tz().clone();
    let day_of = |ms: i64| {
        jiff::Timestamp::from_millisecond(ms)
            .ok()
            .map(|t| t.to_zoned(tz.clone()).date())
    };
    // Days: the edition's own dates, widened to any session outside them.
    let mut days: Vec<jiff::civil::Date> = sessions
        .iter()
        .filter_map(|s| day_of(s.starts_at))
        .collect();
    if let (Ok(start), Ok(end)) = (
        edition.starts_on.parse::<jiff::civil::Date>(),
        edition.ends_on.parse::<jiff::civil::Date>(),
    ) {
        let mut d = start;
        while d <= end {
            days.push(d);
            match d.tomorrow() {
                Ok(next) => d = next,
                Err(_) => break,
            }
        }
    }
    days.sort();
    days.dedup();
    let no_room = crate::i18n::tr(lang, "programme-no-room");
    let day_json: Vec<serde_json::Value> =
        days.iter()
            .enumerate()
            .map(|(index, day)| {
                let mut by_room: BTreeMap<String, Vec<serde_json::Value>> = BTreeMap::new();
                for s in sessions
                    .iter()
                    .filter(|s| day_of(s.starts_at) == Some(*day))
                {
                    let room = s.room_name.clone().unwrap_or_else(|| no_room.clone());
                    let start = jiff::Timestamp::from_millisecond(s.starts_at)
                        .map(|t| t.to_zoned(tz.clone()).strftime("%H:%M").to_string())
                        .unwrap_or_default();
                    let persons: Vec<serde_json::Value> = speakers
                        .get(&s.id)
                        .map(|list| {
                            list.iter()
                                .map(|r| {
                                    serde_json::json!({
                                        "guid": event_guid(&r.public_id).to_string(),
                                        "public_name": r.name,
                                    })
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    by_room.entry(room.clone()).or_default().push(serde_json::json!({
                    "guid": event_guid(&s.public_id).to_string(),
                    "id": s.id,
                    "date": rfc3339(&edition, s.starts_at),
                    "start": start,
                    "duration": duration((s.ends_at - s.starts_at) / 60_000),
                    "room": room,
                    "slug": format!("{}-{}", edition.slug, s.public_id),
                    "url": ctx.link(&format!("/programme/{}/{}", edition.slug, s.public_id)),
                    "title": s.title(lang),
                    "subtitle": "",
                    "track": s.theme,
                    "type": s.kind.as_str(),
                    "language": s.language,
                    "abstract": s.abstract_text(lang),
                    "description": "",
                    "persons": persons,
                    "links": [],
                }));
                }
                let midnight = |d: jiff::civil::Date| {
                    d.to_zoned(tz.clone())
                        .map(|z| z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string())
                        .unwrap_or_default()
                };
                let end = day.tomorrow().map(midnight).unwrap_or_default();
                serde_json::json!({
                    "index": index + 1,
                    "date": day.to_string(),
                    "day_start": midnight(*day),
                    "day_end": end,
                    "rooms": by_room,
                })
            })
            .collect();
    let body = serde_json::json!({
        "$schema": "https://c3voc.de/schedule/schema.json",
        "generator": { "name": "Kènè" },
        "schedule": {
            "version": format!("{}", app.now_ms()),
            "base_url": ctx.link("/"),
            "conference": {
                "acronym": edition.slug,
                "title": edition.name(lang),
                "start": days.first().map(|d| d.to_string()),
                "end": days.last().map(|d| d.to_string()),
                "daysCount": days.len(),
                "timeslot_duration": "00:15",
                "time_zone_name": edition.timezone.name(),
                "url": ctx.link(&format!("/programme/{}", edition.slug)),
                "rooms": rooms.iter().map(|r| serde_json::json!({
                    "name": r.name,
                    "guid": event_guid(&format!("room-{}", r.id)).to_string(),
                    "capacity": r.capacity,
                })).collect::<Vec<_>>(),
                "days": day_json,
            },
        },
    });
    Ok(Json(body).into_response())
}
