//! The public record: every edition with its calls, its published shortlist and its results.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use crate::calls::queries::{self as calls, EditionRow, TrackRow};
use crate::db::{Db, DbResult};
use crate::domain::types::Lang;
use crate::i18n::{format_closing, tr_args};
use crate::run;
use crate::web::ctx::Ctx;
use crate::web::error::AppResult;
use crate::web::public_cache::public_page;
use crate::web::state::AppState;
use crate::web::templates::render;

pub struct CallLine {
    pub url: String,
    pub name: String,
    pub closes: String,
}

pub struct EditionRecord {
    pub slug: String,
    pub name: String,
    pub theme: String,
    pub venue: String,
    pub calls: Vec<CallLine>,
    pub shortlist_published: bool,
    pub results_published: bool,
}

#[derive(Template)]
#[template(path = "editions/record.html")]
pub struct RecordTemplate {
    pub ctx: Ctx,
    pub editions: Vec<EditionRecord>,
}

/// For each edition: whether its shortlist and its results are public.
async fn publication_flags(db: &Db) -> DbResult<Vec<(i64, i64, i64)>> {
    let sql = "SELECT e.id, \
               (SELECT COUNT(*) FROM shortlists s WHERE s.edition_id = e.id AND s.status = 'published'), \
               (SELECT COUNT(*) FROM results_publications r WHERE r.edition_id = e.id) \
               FROM editions e";
    Ok(run!(db, |pool| sqlx::query_as::<_, (i64, i64, i64)>(sql)
        .fetch_all(pool)
        .await)?)
}

fn call_line(track: &TrackRow, lang: Lang) -> CallLine {
    let closes = format_closing(lang, track.closes_at, &track.time_zone());
    CallLine {
        url: format!("/calls/{}/{}", track.edition_slug, track.slug),
        name: if lang == Lang::En {
            track.name_en.clone()
        } else {
            track.name_fr.clone()
        },
        closes: tr_args(lang, "editions-call-closes", &[("date", closes)]),
    }
}

fn record(
    edition: &EditionRow,
    tracks: &[TrackRow],
    flags: &[(i64, i64, i64)],
    lang: Lang,
) -> EditionRecord {
    let (shortlist, results) = flags
        .iter()
        .find(|(id, _, _)| *id == edition.id)
        .map(|(_, s, r)| (*s > 0, *r > 0))
        .unwrap_or_default();
    let (event, theme) = match lang {
        Lang::En => (&edition.event_name_en, &edition.theme_en),
        Lang::Fr => (&edition.event_name_fr, &edition.theme_fr),
    };
    EditionRecord {
        slug: edition.slug.clone(),
        name: format!("{event} {}", edition.year),
        theme: theme.clone(),
        venue: edition.venue.clone(),
        calls: tracks
            .iter()
            .filter(|t| t.edition_id == edition.id)
            .map(|t| call_line(t, lang))
            .collect(),
        shortlist_published: shortlist,
        results_published: results,
    }
}

/// `GET /editions`, newest edition first.
pub async fn editions_page(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let editions = calls::editions(&app.db).await?;
    let tracks = calls::all_tracks(&app.db).await?;
    let flags = publication_flags(&app.db).await?;
    let editions = editions
        .iter()
        .map(|e| record(e, &tracks, &flags, ctx.lang))
        .collect();
    render(&RecordTemplate { ctx, editions }).map(|page| public_page(page, None))
}
