//! The programme for other programs: a paginated JSON API of the sessions (the conference
//! apps' `schedule.json` and `schedule.xml` are in `frab`).

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};

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
