//! Public pages of the calls: the open tracks and each track's description.

use crate::i18n::Say;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use super::queries::{self, TrackRow};
use crate::domain::form::FormDefinition;
use crate::domain::types::Lang;
use crate::i18n;
use crate::web::ctx::Ctx;
use crate::web::error::{AppError, AppResult};
use crate::web::public_cache::public_page;
use crate::web::state::AppState;
use crate::web::templates::render;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/calls", get(calls_page))
        .route("/calls/{edition}/{track}", get(track_page))
        .route("/calls/{edition}/{track}/rules", get(regulations_page))
        .merge(super::admin::router())
}

/// What a page shows of a track.
#[derive(Debug, Clone)]
pub struct TrackCard {
    pub url: String,
    pub name: String,
    pub description: String,
    pub event: String,
    pub year: i64,
    pub opens: String,
    pub closes: String,
    pub is_open: bool,
    pub not_yet_open: bool,
    pub time_left: String,
    /// For link previews (`<meta name="description">`, Open Graph).
    pub preview: String,
}

/// What a shared link's preview says of a call: when it closes, then the start of its
/// description (previews show about two lines).
fn preview(lang: Lang, closes: &str, description: &str) -> String {
    const SHOWN_CHARS: usize = 160;
    let mut text = i18n::tr_args(lang, "call-preview", &[("closes", closes.to_owned())]);
    let description = description.split_whitespace().collect::<Vec<_>>().join(" ");
    if !description.is_empty() {
        text.push(' ');
        if description.chars().count() > SHOWN_CHARS {
            text.extend(description.chars().take(SHOWN_CHARS));
            text.push('…');
        } else {
            text.push_str(&description);
        }
    }
    text
}

pub fn track_card(track: &TrackRow, lang: Lang, now_ms: i64) -> TrackCard {
    let tz = track.time_zone();
    let instant = |ms| {
        jiff::Timestamp::from_millisecond(ms)
            .map(|t| i18n::format_instant(lang, t, &tz))
            .unwrap_or_default()
    };
    let (name, description, event) = match lang {
        Lang::Fr => (&track.name_fr, &track.description_fr, &track.event_name_fr),
        Lang::En => (&track.name_en, &track.description_en, &track.event_name_en),
    };
    let closes = i18n::format_closing(lang, track.closes_at, &tz);
    TrackCard {
        preview: preview(lang, &closes, description),
        url: format!("/calls/{}/{}", track.edition_slug, track.slug),
        name: name.clone(),
        description: description.clone(),
        event: event.clone(),
        year: track.edition_year,
        opens: instant(track.opens_at),
        closes,
        is_open: track.is_open(now_ms),
        not_yet_open: now_ms < track.opens_at,
        time_left: i18n::format_time_left(lang, track.closes_at - now_ms),
    }
}

/// Until when (exclusive, application clock) a page showing these tracks stays right: their
/// next opening or closing, or the next change of the minutes left.
pub fn shown_until(tracks: &[TrackRow], now_ms: i64) -> i64 {
    tracks
        .iter()
        .filter_map(|t| {
            if now_ms < t.opens_at {
                Some(t.opens_at)
            } else if t.is_open(now_ms) {
                let left = t.closes_at - now_ms;
                Some(t.closes_at.min(now_ms + left % 60_000 + 1))
            } else {
                None
            }
        })
        .min()
        .unwrap_or(i64::MAX)
}

pub async fn track_cards(
    app: &AppState,
    ctx: &Ctx,
    tracks: Vec<TrackRow>,
) -> AppResult<Vec<TrackCard>> {
    let now = app.now_ms();
    Ok(tracks
        .iter()
        .map(|t| track_card(t, ctx.lang, now))
        .collect())
}

async fn calls_page(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let tracks = queries::all_tracks(&app.db).await?;
    let valid_until = shown_until(&tracks, app.now_ms());
    let tracks = track_cards(&app, &ctx, tracks).await?;
    Ok(public_page(
        render(&CallsTemplate { ctx, tracks })?,
        Some(valid_until),
    ))
}

/// What the call page tells before anyone signs up: each document (formats, size limit,
/// whether optional; the identity documents as one choice), then steps and time.
fn what_you_need(form: &FormDefinition, lang: Lang) -> (Vec<String>, String) {
    let needs = crate::domain::form::requirements(form);
    let documents = needs
        .documents
        .iter()
        .map(|d| {
            let (kinds, max) = d.formats();
            let labels: Vec<&str> = d.labels.iter().map(|l| l.get(lang)).collect();
            let key = match (d.labels.len() > 1, d.required) {
                (true, _) => "need-document-one-of",
                (false, true) => "need-document",
                (false, false) => "need-document-optional",
            };
            let or = format!(" {} ", i18n::tr(lang, "need-or"));
            i18n::tr_args(
                lang,
                key,
                &[("label", labels.join(&or)), ("kinds", kinds), ("max", max)],
            )
        })
        .collect();
    let effort = i18n::tr_args(
        lang,
        "need-effort",
        &[
            ("steps", needs.steps.to_string()),
            ("minutes", needs.minutes.to_string()),
        ],
    );
    (documents, effort)
}

async fn track_page(
    State(app): State<AppState>,
    ctx: Ctx,
    Path((edition, track)): Path<(String, String)>,
) -> AppResult<Response> {
    let track = queries::track_by_slugs(&app.db, &edition, &track)
        .await?
        .ok_or(AppError::NotFound)?;
    let rules = track.rules()?;
    let form = queries::form_definition(&app.db, track.id, track.form_version).await?;
    let closing_date = track.closing_date();
    // What the rules check, always stated; shown first only when the organisers wrote no
    // conditions of their own (English falls back to French).
    let checked: Vec<String> = rules
        .iter()
        .map(|r| {
            crate::domain::eligibility::describe(r, &form, closing_date)
                .map(|reason| reason.message(ctx.lang))
                .unwrap_or_default()
        })
        .collect();
    let written = match ctx.lang {
        Lang::En if !track.conditions_en.trim().is_empty() => &track.conditions_en,
        _ => &track.conditions_fr,
    };
    let written: Vec<String> = written
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    let (conditions, checked) = if written.is_empty() {
        (checked, Vec::new())
    } else {
        (written, checked)
    };
    let (documents, effort) = what_you_need(&form, ctx.lang);
    let now = app.now_ms();
    let card = track_card(&track, ctx.lang, now);
    let valid_until = shown_until(std::slice::from_ref(&track), now);
    let page = render(&TrackTemplate {
        apply_url: format!("/calls/{}/{}/apply", track.edition_slug, track.slug),
        regulations_url: track.regulations_url(),
        card,
        conditions,
        checked,
        documents,
        effort,
        ctx,
    })?;
    Ok(public_page(page, Some(valid_until)))
}

/// The rules of the competition (règlement) the consent accepts; 404 when none is written.
async fn regulations_page(
    State(app): State<AppState>,
    ctx: Ctx,
    Path((edition, track)): Path<(String, String)>,
) -> AppResult<Response> {
    let track = queries::track_by_slugs(&app.db, &edition, &track)
        .await?
        .ok_or(AppError::NotFound)?;
    if track.regulations_url().is_none() {
        return Err(AppError::NotFound);
    }
    let articles = articles(track.regulations(ctx.lang));
    let now = app.now_ms();
    let card = track_card(&track, ctx.lang, now);
    let valid_until = shown_until(std::slice::from_ref(&track), now);
    let page = render(&RegulationsTemplate {
        track_url: format!("/calls/{}/{}", track.edition_slug, track.slug),
        card,
        articles,
        ctx,
    })?;
    Ok(public_page(page, Some(valid_until)))
}

/// Blocks separated by an empty line; a block's first line is its heading, the others its
/// paragraphs (a one-line block is a paragraph without heading).
fn articles(text: &str) -> Vec<(String, Vec<String>)> {
    let text = text.replace("\r\n", "\n");
    text.split("\n\n")
        .map(|block| {
            block
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .filter(|lines| !lines.is_empty())
        .map(|mut lines| {
            if lines.len() == 1 {
                (String::new(), lines)
            } else {
                let heading = lines.remove(0);
                (heading, lines)
            }
        })
        .collect()
}

/// The home page: the calls open now or soon.
pub async fn home(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let tracks = super::queries::open_and_upcoming_tracks(&app.db, app.now_ms()).await?;
    let valid_until = shown_until(&tracks, app.now_ms());
    let cards = track_cards(&app, &ctx, tracks).await?;
    Ok(public_page(
        render(&HomeTemplate { ctx, tracks: cards })?,
        Some(valid_until),
    ))
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomeTemplate {
    pub ctx: Ctx,
    pub tracks: Vec<TrackCard>,
}

#[derive(Template)]
#[template(path = "calls.html")]
pub struct CallsTemplate {
    pub ctx: Ctx,
    pub tracks: Vec<TrackCard>,
}

#[derive(Template)]
#[template(path = "track.html")]
pub struct TrackTemplate {
    pub ctx: Ctx,
    pub card: TrackCard,
    pub conditions: Vec<String>,
    /// The rules' own wording, folded under conditions the organisers wrote.
    pub checked: Vec<String>,
    pub apply_url: String,
    /// "Ce qu'il vous faut": the documents to have at hand, one line each.
    pub documents: Vec<String>,
    /// The number of steps and the time it takes.
    pub effort: String,
    /// The rules of the competition, when written.
    pub regulations_url: Option<String>,
}

#[derive(Template)]
#[template(path = "regulations.html")]
pub struct RegulationsTemplate {
    pub ctx: Ctx,
    pub card: TrackCard,
    pub track_url: String,
    /// (heading, paragraphs); an empty heading for a paragraph on its own.
    pub articles: Vec<(String, Vec<String>)>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn track(opens_at: i64, closes_at: i64) -> TrackRow {
        TrackRow {
            id: 1,
            edition_id: 1,
            slug: "startups".into(),
            code: "SU".into(),
            position: 0,
            name_fr: "Start-up".into(),
            name_en: "Start-ups".into(),
            description_fr: String::new(),
            description_en: String::new(),
            conditions_fr: String::new(),
            conditions_en: String::new(),
            regulations_fr: String::new(),
            regulations_en: String::new(),
            opens_at,
            closes_at,
            max_per_applicant: 1,
            eligibility_json: "[]".into(),
            form_version: 1,
            kind: "startup".into(),
            version: 1,
            edition_slug: "sdn-2027".into(),
            edition_year: 2027,
            ref_prefix: "SDN27".into(),
            timezone: crate::domain::types::Zone::parse("Africa/Bamako").expect("bundled zone"),
            event_name_fr: String::new(),
            event_name_en: String::new(),
        }
    }

    /// What the templates show of a card that depends on the clock (the time left only
    /// while open).
    fn shown(t: &TrackRow, now: i64) -> (bool, bool, Option<String>) {
        let card = track_card(t, Lang::Fr, now);
        let left = card.is_open.then_some(card.time_left);
        (card.is_open, card.not_yet_open, left)
    }

    const DAY: i64 = 86_400_000;

    proptest! {
        /// A cached page is never wrong: what a card shows is the same at every instant
        /// before `shown_until` (open/closed and the minutes left only move one way).
        #[test]
        fn a_card_does_not_change_before_shown_until(
            opens in 0..40 * DAY,
            length in 1..40 * DAY,
            now in 0..90 * DAY,
        ) {
            let t = track(opens, opens + length);
            let until = shown_until(std::slice::from_ref(&t), now);
            prop_assert!(until > now);
            let last = until.saturating_sub(1).min(now + 400 * DAY);
            prop_assert_eq!(shown(&t, now), shown(&t, last));
        }

        /// …and it does not wait more than a minute to change while the call is open.
        #[test]
        fn an_open_call_is_shown_again_within_a_minute(
            opens in 0..DAY,
            length in 1..40 * DAY,
            offset in 0..40 * DAY,
        ) {
            let t = track(opens, opens + length);
            let now = opens + offset % length;
            let until = shown_until(std::slice::from_ref(&t), now);
            prop_assert!(until <= now + 60_000);
        }
    }
}
