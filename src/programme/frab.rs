//! The programme as conference apps (Giggity, ConfClerk and the like) read it to show it
//! offline: the frab schedule, as `schedule.xml` and in the C3VOC JSON shape `schedule.json`.
//! Both are written from one model: days (the edition's dates, widened to any session outside
//! them) with their zoned start and end, rooms, and events with stable GUIDs (UUIDv5 of the
//! session's public id), a zoned `date`, `HH:MM` start and duration (always under 24 hours: a
//! session lasts at most 12).
//!
//! The XML is written by hand (a handful of elements, every text escaped): an XML crate would
//! add a dependency for less than what `escape` does here.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::Json;
use uuid::Uuid;

use super::edition_of;
use super::queries;
use crate::calls::queries::EditionRow;
use crate::domain::types::Lang;
use crate::web::ctx::Ctx;
use crate::web::error::AppResult;
use crate::web::state::AppState;

/// The GUID of a session (or, with `room-<id>`, a room) in conference apps: a name-based
/// UUID, the same in every export.
pub fn event_guid(session_public_id: &str) -> Uuid {
    Uuid::new_v5(
        &Uuid::NAMESPACE_URL,
        format!("kene:programme:session:{session_public_id}").as_bytes(),
    )
}

/// `HH:MM`, as the frab format writes durations and start times.
fn hours_minutes(minutes: i64) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

pub struct Person {
    pub guid: String,
    pub id: i64,
    pub name: String,
}

pub struct Event {
    pub guid: String,
    pub id: i64,
    /// Zoned start, RFC 3339.
    pub date: String,
    pub start: String,
    pub duration: String,
    pub room: String,
    pub slug: String,
    pub url: String,
    pub title: String,
    pub track: String,
    pub kind: String,
    pub language: String,
    pub abstract_text: String,
    pub persons: Vec<Person>,
}

pub struct Room {
    pub name: String,
    pub guid: String,
    pub capacity: Option<i64>,
}

pub struct Day {
    pub index: usize,
    pub date: String,
    /// Midnight to midnight in the edition's zone, RFC 3339.
    pub start: String,
    pub end: String,
    /// Rooms in the venue's order, each with its events in time order.
    pub rooms: Vec<(Room, Vec<Event>)>,
}

pub struct Schedule {
    pub version: String,
    pub base_url: String,
    pub acronym: String,
    pub title: String,
    pub start: String,
    pub end: String,
    pub time_zone: String,
    pub url: String,
    pub rooms: Vec<Room>,
    pub days: Vec<Day>,
}

async fn schedule_of(app: &AppState, ctx: &Ctx, edition: &EditionRow) -> AppResult<Schedule> {
    let lang: Lang = ctx.lang;
    let sessions = queries::sessions(&app.db, edition.id).await?;
    let stored_rooms = queries::rooms(&app.db, edition.id).await?;
    let speakers = queries::speakers_by_session(&app.db, edition.id).await?;
    let tz = edition.timezone.tz().clone();
    let zoned = |ms: i64| {
        jiff::Timestamp::from_millisecond(ms)
            .ok()
            .map(|t| t.to_zoned(tz.clone()))
    };
    let rfc3339 = |z: &jiff::Zoned| z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string();
    let mut days: Vec<jiff::civil::Date> = sessions
        .iter()
        .filter_map(|s| zoned(s.starts_at).map(|z| z.date()))
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
    let room_of = |id: Option<i64>| match id.and_then(|id| stored_rooms.iter().find(|r| r.id == id))
    {
        Some(r) => Room {
            name: r.name.clone(),
            guid: event_guid(&format!("room-{}", r.id)).to_string(),
            capacity: Some(r.capacity),
        },
        None => Room {
            name: crate::i18n::tr(lang, "programme-no-room"),
            guid: event_guid("room-none").to_string(),
            capacity: None,
        },
    };
    let midnight = |d: jiff::civil::Date| {
        d.to_zoned(tz.clone())
            .map(|z| rfc3339(&z))
            .unwrap_or_default()
    };
    let mut schedule_days = Vec::new();
    for (index, day) in days.iter().enumerate() {
        // Keyed by the room's place in the venue (sessions without a room last).
        let mut by_room: BTreeMap<(usize, String), (Room, Vec<Event>)> = BTreeMap::new();
        for s in &sessions {
            let Some(start) = zoned(s.starts_at) else {
                continue;
            };
            if start.date() != *day {
                continue;
            }
            let room = room_of(s.room_id);
            let place = s
                .room_id
                .and_then(|id| stored_rooms.iter().position(|r| r.id == id))
                .unwrap_or(usize::MAX);
            let persons = speakers
                .get(&s.id)
                .map(|list| {
                    list.iter()
                        .map(|r| Person {
                            guid: event_guid(&r.public_id).to_string(),
                            id: r.speaker_id,
                            name: r.name.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let event = Event {
                guid: event_guid(&s.public_id).to_string(),
                id: s.id,
                date: rfc3339(&start),
                start: start.strftime("%H:%M").to_string(),
                duration: hours_minutes((s.ends_at - s.starts_at) / 60_000),
                room: room.name.clone(),
                slug: format!("{}-{}", edition.slug, s.public_id),
                url: ctx.link(&format!("/programme/{}/{}", edition.slug, s.public_id)),
                title: s.title(lang).to_owned(),
                track: s.theme.clone(),
                kind: s.kind.as_str().to_owned(),
                language: s.language.clone(),
                abstract_text: s.abstract_text(lang).to_owned(),
                persons,
            };
            by_room
                .entry((place, room.name.clone()))
                .or_insert_with(|| (room, Vec::new()))
                .1
                .push(event);
        }
        schedule_days.push(Day {
            index: index + 1,
            date: day.to_string(),
            start: midnight(*day),
            end: day.tomorrow().map(midnight).unwrap_or_default(),
            rooms: by_room.into_values().collect(),
        });
    }
    Ok(Schedule {
        version: app.now_ms().to_string(),
        base_url: ctx.link("/"),
        acronym: edition.slug.clone(),
        title: edition.name(lang),
        start: days.first().map(|d| d.to_string()).unwrap_or_default(),
        end: days.last().map(|d| d.to_string()).unwrap_or_default(),
        time_zone: edition.timezone.name().to_owned(),
        url: ctx.link(&format!("/programme/{}", edition.slug)),
        rooms: stored_rooms.iter().map(|r| room_of(Some(r.id))).collect(),
        days: schedule_days,
    })
}

/// `GET /programme/{edition}/schedule.json`: the C3VOC JSON shape.
pub(super) async fn schedule_json(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let edition = edition_of(&app, &slug).await?;
    let s = schedule_of(&app, &ctx, &edition).await?;
    let days: Vec<serde_json::Value> = s
        .days
        .iter()
        .map(|day| {
            let rooms: serde_json::Map<String, serde_json::Value> = day
                .rooms
                .iter()
                .map(|(room, events)| {
                    let events: Vec<serde_json::Value> = events
                        .iter()
                        .map(|e| {
                            serde_json::json!({
                                "guid": e.guid, "id": e.id, "date": e.date, "start": e.start,
                                "duration": e.duration, "room": e.room, "slug": e.slug,
                                "url": e.url, "title": e.title, "subtitle": "", "track": e.track,
                                "type": e.kind, "language": e.language,
                                "abstract": e.abstract_text, "description": "",
                                "persons": e.persons.iter().map(|p| serde_json::json!({
                                    "guid": p.guid, "id": p.id, "public_name": p.name,
                                })).collect::<Vec<_>>(),
                                "links": [],
                            })
                        })
                        .collect();
                    (room.name.clone(), serde_json::Value::Array(events))
                })
                .collect();
            serde_json::json!({
                "index": day.index, "date": day.date, "day_start": day.start,
                "day_end": day.end, "rooms": rooms,
            })
        })
        .collect();
    let body = serde_json::json!({
        "$schema": "https://c3voc.de/schedule/schema.json",
        "generator": { "name": "Kènè" },
        "schedule": {
            "version": s.version,
            "base_url": s.base_url,
            "conference": {
                "acronym": s.acronym,
                "title": s.title,
                "start": s.start,
                "end": s.end,
                "daysCount": s.days.len(),
                "timeslot_duration": "00:15",
                "time_zone_name": s.time_zone,
                "url": s.url,
                "rooms": s.rooms.iter().map(|r| serde_json::json!({
                    "name": r.name, "guid": r.guid, "capacity": r.capacity,
                })).collect::<Vec<_>>(),
                "days": days,
            },
        },
    });
    Ok(Json(body).into_response())
}

/// `&`, `<`, `>`, `"` and `'` as XML entities.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot hold at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// The frab `schedule.xml` of `s`.
pub fn to_xml(s: &Schedule) -> String {
    use std::fmt::Write;
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<schedule>\n");
    let element = |x: &mut String, indent: &str, name: &str, text: &str| {
        let _ = writeln!(x, "{indent}<{name}>{}</{name}>", escape(text));
    };
    let _ = writeln!(x, "  <generator name=\"Kene\"/>");
    element(&mut x, "  ", "version", &s.version);
    x.push_str("  <conference>\n");
    for (name, value) in [
        ("acronym", s.acronym.as_str()),
        ("title", &s.title),
        ("start", &s.start),
        ("end", &s.end),
    ] {
        element(&mut x, "    ", name, value);
    }
    element(&mut x, "    ", "days", &s.days.len().to_string());
    element(&mut x, "    ", "timeslot_duration", "00:15");
    element(&mut x, "    ", "base_url", &s.base_url);
    element(&mut x, "    ", "time_zone_name", &s.time_zone);
    element(&mut x, "    ", "url", &s.url);
    x.push_str("  </conference>\n");
    for day in &s.days {
        let _ = writeln!(
            x,
            "  <day index=\"{}\" date=\"{}\" start=\"{}\" end=\"{}\">",
            day.index,
            escape(&day.date),
            escape(&day.start),
            escape(&day.end)
        );
        for (room, events) in &day.rooms {
            let _ = writeln!(
                x,
                "    <room name=\"{}\" guid=\"{}\">",
                escape(&room.name),
                escape(&room.guid)
            );
            for e in events {
                let _ = writeln!(
                    x,
                    "      <event guid=\"{}\" id=\"{}\">",
                    escape(&e.guid),
                    e.id
                );
                for (name, value) in [
                    ("date", e.date.as_str()),
                    ("start", &e.start),
                    ("duration", &e.duration),
                    ("room", &e.room),
                    ("slug", &e.slug),
                    ("url", &e.url),
                ] {
                    element(&mut x, "        ", name, value);
                }
                x.push_str(
                    "        <recording><license></license><optout>true</optout></recording>\n",
                );
                for (name, value) in [
                    ("title", e.title.as_str()),
                    ("subtitle", ""),
                    ("track", &e.track),
                    ("type", &e.kind),
                    ("language", &e.language),
                    ("abstract", &e.abstract_text),
                    ("description", ""),
                ] {
                    element(&mut x, "        ", name, value);
                }
                x.push_str("        <persons>\n");
                for p in &e.persons {
                    let _ = writeln!(
                        x,
                        "          <person id=\"{}\" guid=\"{}\">{}</person>",
                        p.id,
                        escape(&p.guid),
                        escape(&p.name)
                    );
                }
                x.push_str("        </persons>\n        <links></links>\n        <attachments></attachments>\n      </event>\n");
            }
            x.push_str("    </room>\n");
        }
        x.push_str("  </day>\n");
    }
    x.push_str("</schedule>\n");
    x
}

/// `GET /programme/{edition}/schedule.xml`: the frab XML.
pub(super) async fn schedule_xml(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let edition = edition_of(&app, &slug).await?;
    let s = schedule_of(&app, &ctx, &edition).await?;
    Ok((
        [(CONTENT_TYPE, "application/xml; charset=utf-8")],
        to_xml(&s),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_escaped_and_control_characters_dropped() {
        assert_eq!(
            escape("<b>R&D</b> \"x\" 'y'\u{1}"),
            "&lt;b&gt;R&amp;D&lt;/b&gt; &quot;x&quot; &apos;y&apos;"
        );
        assert_eq!(hours_minutes(90), "01:30");
        assert_eq!(hours_minutes(720), "12:00");
    }
}
