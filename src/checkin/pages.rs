//! The door page and what its script talks to (the offline data, the sync of queued scans),
//! the typed-code form that works without JavaScript, the service worker that keeps the page
//! for offline use, and the organisers' entry counts and occupancy.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderName, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine;
use serde::{Deserialize, Serialize};

use super::actions::{self, Badge, Outcome, Scan};
use super::rules::{self, Direction};
use super::{queries, read_badge, verifying_keys, DoorStaff};
use crate::calls::queries::EditionRow;
use crate::domain::types::Lang;
use crate::editions::access::OrganisedEdition;
use crate::i18n::{tr, tr_args};
use crate::programme::queries::RoomRow;
use crate::registration::rules::CategoryCode;
use crate::web::ctx::{CsrfForm, Ctx};
use crate::web::error::{AppError, AppResult};
use crate::web::state::AppState;
use crate::web::templates::render_with_status;

/// A door to choose: the main entrance (`""`) or a room.
pub struct DoorChoice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The verdict shown in big on the door page.
pub struct Shown {
    /// `ok`, `warn` or `bad`: the colour.
    pub tone: &'static str,
    pub title: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "checkin/door.html")]
pub struct DoorTemplate {
    pub ctx: Ctx,
    pub edition: String,
    pub slug: String,
    pub doors: Vec<DoorChoice>,
    pub direction: String,
    pub shown: Option<Shown>,
    pub qr_js: &'static str,
    pub checkin_js: &'static str,
    /// Every message the script shows, by name (the script has no translations of its own).
    pub messages: Vec<(&'static str, String)>,
}

/// The names of the messages the script shows; each is the Fluent key `checkin-js-<name>`.
const SCRIPT_MESSAGES: [&str; 15] = [
    "admitted",
    "duplicate",
    "revoked",
    "forged",
    "malformed",
    "unknown-key",
    "unknown-badge",
    "unknown-room",
    "typed",
    "queued",
    "synced",
    "offline",
    "camera-failed",
    "flagged-at-sync",
    "ready",
];

fn doors(lang: Lang, rooms: &[RoomRow], chosen: &str) -> Vec<DoorChoice> {
    std::iter::once(DoorChoice {
        value: String::new(),
        label: tr(lang, "checkin-main-entrance"),
        selected: chosen.is_empty(),
    })
    .chain(rooms.iter().map(|r| DoorChoice {
        value: r.id.to_string(),
        label: r.name.clone(),
        selected: chosen == r.id.to_string(),
    }))
    .collect()
}

async fn render_door(
    app: &AppState,
    ctx: Ctx,
    edition: &EditionRow,
    (door, direction, shown): (&str, &str, Option<Shown>),
) -> AppResult<Response> {
    let lang = ctx.lang;
    let rooms = crate::programme::queries::rooms(&app.db, edition.id).await?;
    let messages = SCRIPT_MESSAGES
        .iter()
        .map(|name| (*name, tr(lang, &format!("checkin-js-{name}"))))
        .collect();
    let page = DoorTemplate {
        edition: edition.name(lang),
        slug: edition.slug.clone(),
        doors: doors(lang, &rooms, door),
        direction: direction.to_owned(),
        shown,
        qr_js: crate::web::assets::qr_js_url(),
        checkin_js: crate::web::assets::checkin_js_url(),
        messages,
        ctx,
    };
    let mut response = render_with_status(StatusCode::OK, &page)?;
    response.headers_mut().insert(
        CACHE_CONTROL,
        "private, no-cache".parse().map_err(anyhow_internal)?,
    );
    Ok(response)
}

fn anyhow_internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(e.to_string())
}

pub(super) async fn door(
    State(app): State<AppState>,
    ctx: Ctx,
    staff: DoorStaff,
) -> AppResult<Response> {
    render_door(&app, ctx, &staff.edition, ("", "in", None)).await
}

/// What the door phone keeps to work offline.
#[derive(Debug, Serialize)]
pub struct OfflineData {
    pub edition: i64,
    /// The time zone the day of a scan is counted in.
    pub zone: String,
    /// Verifying keys by number, raw 32 bytes in base64.
    pub keys: Vec<(u8, String)>,
    /// Cancelled badges.
    pub revoked: Vec<i64>,
    /// The valid badge numbers (for numbers typed by hand), each as the gap from the
    /// previous one, in base 36: five thousand badges take a few kilobytes.
    pub valid: String,
    /// Category names and colours, by the index badges carry.
    pub categories: Vec<(String, String)>,
}

/// `[3, 4, 5, 9]` → `"3,1,1,4"` in base 36.
pub fn gaps(numbers: &[i64]) -> String {
    let mut previous = 0;
    let mut out = Vec::with_capacity(numbers.len());
    for n in numbers {
        out.push(base36(n - previous));
        previous = *n;
    }
    out.join(",")
}

fn base36(mut n: i64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    if n <= 0 {
        return "0".into();
    }
    let mut out = Vec::new();
    while n > 0 {
        out.push(DIGITS[usize::try_from(n % 36).unwrap_or(0)]);
        n /= 36;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

pub(super) async fn offline_data(
    State(app): State<AppState>,
    ctx: Ctx,
    staff: DoorStaff,
) -> AppResult<Response> {
    let edition = &staff.edition;
    let keys = verifying_keys(&app, edition.id)
        .await?
        .into_iter()
        .map(|(id, key)| {
            let b64 = base64::engine::general_purpose::STANDARD.encode(key.to_bytes());
            (id, b64)
        })
        .collect();
    let revoked = crate::registration::queries::revoked_badges(&app.db, edition.id).await?;
    let valid = queries::valid_badges(&app.db, edition.id).await?;
    let stored = crate::registration::queries::categories(&app.db, edition.id).await?;
    let categories = CategoryCode::ALL
        .iter()
        .map(|code| {
            stored
                .iter()
                .find(|c| c.code == *code)
                .map(|c| (c.name(ctx.lang).to_owned(), c.colour.clone()))
                .unwrap_or_default()
        })
        .collect();
    let data = OfflineData {
        edition: edition.id,
        zone: edition.timezone.name().to_owned(),
        keys,
        revoked,
        valid: gaps(&valid),
        categories,
    };
    Ok(([(CACHE_CONTROL, "private, no-cache")], Json(data)).into_response())
}

/// One scan as the phone sends it.
#[derive(Debug, Deserialize)]
pub struct PhoneScan {
    pub id: String,
    pub code: String,
    #[serde(default)]
    pub room: Option<i64>,
    pub direction: String,
    pub at: i64,
}

#[derive(Debug, Deserialize)]
pub struct SyncRequest {
    pub device: String,
    pub scans: Vec<PhoneScan>,
}

#[derive(Debug, Serialize)]
pub struct SyncResponse {
    pub outcomes: Vec<Outcome>,
    /// The badges cancelled since: the phone adds them to its list.
    pub revoked: Vec<i64>,
}

const CSRF_HEADER: HeaderName = HeaderName::from_static("x-csrf-token");

/// Receives a phone's queued scans. The page's CSRF token comes in a header (the body is JSON).
pub(super) async fn sync(
    State(app): State<AppState>,
    ctx: Ctx,
    staff: DoorStaff,
    headers: HeaderMap,
    Json(request): Json<SyncRequest>,
) -> AppResult<Response> {
    let token = headers
        .get(&CSRF_HEADER)
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    if !crate::crypto::constant_time_eq(token, ctx.csrf.as_bytes()) {
        return Err(AppError::Csrf);
    }
    if request.scans.len() > rules::MAX_BATCH || !rules::is_identifier(&request.device) {
        return Err(AppError::BadRequest("error-bad-form"));
    }
    let edition = &staff.edition;
    let keys = verifying_keys(&app, edition.id).await?;
    let rooms: Vec<i64> = crate::programme::queries::rooms(&app.db, edition.id)
        .await?
        .iter()
        .map(|r| r.id)
        .collect();
    let scans: Vec<Scan> = request
        .scans
        .iter()
        .map(|s| {
            let badge = if !rules::is_identifier(&s.id) {
                Err("malformed")
            } else if s.room.is_some_and(|r| !rooms.contains(&r)) {
                Err("unknown-room")
            } else {
                read_badge(&s.code, edition.id, &keys)
            };
            Scan {
                scan_id: s.id.clone(),
                badge,
                room_id: s.room,
                direction: Direction::parse(&s.direction).unwrap_or(Direction::In),
                scanned_at: s.at,
                device: request.device.clone(),
            }
        })
        .collect();
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    let tz = edition.timezone.tz();
    let outcomes =
        actions::record_scans(&mut tx, (edition.id, tz), &scans, (staff.user.id, now)).await?;
    tx.commit().await?;
    let revoked = crate::registration::queries::revoked_badges(&app.db, edition.id).await?;
    Ok(Json(SyncResponse { outcomes, revoked }).into_response())
}

/// The typed-code form, for phones without JavaScript (online only).
#[derive(Debug, Deserialize, Default)]
pub struct ScanForm {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub room: String,
    #[serde(default)]
    pub direction: String,
}

pub(super) async fn scan_form(
    State(app): State<AppState>,
    ctx: Ctx,
    staff: DoorStaff,
    form: CsrfForm<ScanForm>,
) -> AppResult<Response> {
    let edition = &staff.edition;
    let lang = ctx.lang;
    let typed = &form.value;
    let rooms = crate::programme::queries::rooms(&app.db, edition.id).await?;
    let room = match typed.room.trim() {
        "" => None,
        r => Some(
            r.parse::<i64>()
                .ok()
                .filter(|id| rooms.iter().any(|room| room.id == *id))
                .ok_or(AppError::BadRequest("error-bad-form"))?,
        ),
    };
    let direction = Direction::parse(typed.direction.trim()).unwrap_or(Direction::In);
    let keys = verifying_keys(&app, edition.id).await?;
    let scan = Scan {
        scan_id: crate::crypto::random_public_id(),
        badge: read_badge(&typed.code, edition.id, &keys),
        room_id: room,
        direction,
        scanned_at: app.now_ms(),
        device: "form".into(),
    };
    let typed_by_hand = matches!(scan.badge, Ok(Badge::Typed(_)));
    let mut tx = app.db.begin().await?;
    let now = app.now_ms();
    let tz = edition.timezone.tz();
    let outcome = actions::record_scans(&mut tx, (edition.id, tz), &[scan], (staff.user.id, now))
        .await?
        .remove(0);
    tx.commit().await?;
    let tone = match outcome.result.as_str() {
        "admitted" => "ok",
        "duplicate" => "warn",
        _ => "bad",
    };
    let mut detail = outcome
        .badge
        .map(|n| tr_args(lang, "checkin-badge-number", &[("n", format!("{n:06}"))]))
        .unwrap_or_default();
    if typed_by_hand {
        detail = format!("{detail} · {}", tr(lang, "checkin-js-typed"));
    }
    let shown = Shown {
        tone,
        title: tr(lang, &format!("checkin-js-{}", outcome.result)),
        detail,
    };
    let door = room.map(|r| r.to_string()).unwrap_or_default();
    render_door(&app, ctx, edition, (&door, direction.as_str(), Some(shown))).await
}

/// The service worker that keeps the door page, its scripts and its data for offline use.
pub(super) async fn service_worker() -> Response {
    (
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (CACHE_CONTROL, "no-cache"),
        ],
        include_str!("../../static/checkin-sw.js"),
    )
        .into_response()
}

/// A door's counts for the day.
pub struct DoorLine {
    pub name: String,
    pub capacity: Option<i64>,
    pub entries: i64,
    pub exits: i64,
    pub inside: i64,
    pub duplicates: i64,
    pub revoked: i64,
    /// Inside against capacity, in percent.
    pub fill: Option<i64>,
}

#[derive(Template)]
#[template(path = "checkin/occupancy.html")]
pub struct OccupancyTemplate {
    pub ctx: Ctx,
    pub edition: String,
    pub slug: String,
    pub day: String,
    pub doors: Vec<DoorLine>,
    pub flagged: Vec<(String, String, String, String, String)>,
}

#[derive(Debug, Deserialize, Default)]
pub struct DayFilter {
    #[serde(default)]
    pub day: String,
}

pub(super) async fn occupancy(
    State(app): State<AppState>,
    ctx: Ctx,
    organised: OrganisedEdition,
    Query(filter): Query<DayFilter>,
) -> AppResult<Response> {
    let edition = &organised.edition;
    let lang = ctx.lang;
    let tz = edition.timezone.tz();
    let today = jiff::Timestamp::from_millisecond(app.now_ms())
        .map(|t| t.to_zoned(tz.clone()).date())
        .map_err(anyhow_internal)?;
    let day = filter
        .day
        .trim()
        .parse::<jiff::civil::Date>()
        .unwrap_or(today)
        .to_string();
    let counts = queries::day_counts(&app.db, edition.id, &day).await?;
    let rooms = crate::programme::queries::rooms(&app.db, edition.id).await?;
    let sum = |room: Option<i64>, direction: &str, verdict: &str| -> i64 {
        counts
            .iter()
            .filter(|(r, d, v, _)| *r == room && d == direction && v == verdict)
            .map(|(_, _, _, n)| n)
            .sum()
    };
    let line = |room: Option<i64>, name: String, capacity: Option<i64>| {
        let entries = sum(room, "in", "admitted");
        let exits = sum(room, "out", "admitted");
        let inside = (entries - exits).max(0);
        DoorLine {
            name,
            capacity,
            entries,
            exits,
            inside,
            duplicates: sum(room, "in", "duplicate"),
            revoked: sum(room, "in", "revoked") + sum(room, "out", "revoked"),
            fill: capacity.filter(|c| *c > 0).map(|c| inside * 100 / c),
        }
    };
    let doors = std::iter::once(line(None, tr(lang, "checkin-main-entrance"), None))
        .chain(
            rooms
                .iter()
                .map(|r| line(Some(r.id), r.name.clone(), Some(r.capacity))),
        )
        .collect();
    let flagged = queries::flagged(&app.db, edition.id, &day)
        .await?
        .into_iter()
        .map(|f| {
            let when = jiff::Timestamp::from_millisecond(f.scanned_at)
                .map(|t| crate::i18n::format_instant(lang, t, tz))
                .unwrap_or_default();
            (
                format!("{:06}", f.badge),
                f.name,
                f.room.unwrap_or_else(|| tr(lang, "checkin-main-entrance")),
                tr(lang, &format!("checkin-js-{}", f.verdict)),
                format!("{when} · {}", f.device),
            )
        })
        .collect();
    render_with_status(
        StatusCode::OK,
        &OccupancyTemplate {
            edition: edition.name(lang),
            slug: edition.slug.clone(),
            day,
            doors,
            flagged,
            ctx,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_numbers_travel_as_small_gaps() {
        assert_eq!(gaps(&[3, 4, 5, 9, 45]), "3,1,1,4,10");
        assert_eq!(gaps(&[]), "");
        let many: Vec<i64> = (1..=5000).collect();
        assert!(gaps(&many).len() < 10_100);
    }

    #[test]
    fn every_message_of_the_door_script_exists_in_both_languages() {
        for name in SCRIPT_MESSAGES {
            let key = format!("checkin-js-{name}");
            for lang in Lang::ALL {
                assert_ne!(tr(lang, &key), key, "{key} in {lang:?}");
            }
        }
    }
}
