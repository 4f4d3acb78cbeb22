//! The jury's progress during the final: who has scored which pitch.

use super::context::{base_url, round_title, OrganisedFinal};
use super::queries::sheet_statuses;
use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use crate::i18n::tr;
use crate::review::names::format_at;
use crate::review::queries::{self, RoundStatus};
use crate::web::ctx::Ctx;
use crate::web::error::AppResult;
use crate::web::state::AppState;
use crate::web::templates::render;

/// Seconds between two automatic reloads of the progress page (with JavaScript).
const PROGRESS_REFRESH_SECS: u32 = 15;

// ---------------------------------------------------------------------------------------
// Progress
// ---------------------------------------------------------------------------------------

pub struct ProgressCell {
    pub class: &'static str,
    pub label: String,
}

pub struct ProgressRow {
    pub reference: String,
    pub title: String,
    pub done: usize,
    pub expected: usize,
    pub cells: Vec<ProgressCell>,
}

pub struct ProgressTrack {
    pub name: String,
    pub jurors: Vec<String>,
    pub rows: Vec<ProgressRow>,
}

#[derive(Template)]
#[template(path = "review/jury/progress.html")]
pub struct ProgressTemplate {
    pub ctx: Ctx,
    pub back: String,
    pub title: String,
    pub status: String,
    pub assigned: i64,
    pub submitted: i64,
    pub refresh: u32,
    pub updated: String,
    pub tracks: Vec<ProgressTrack>,
}

pub(super) async fn progress_page(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedFinal { final_round: f, .. }: OrganisedFinal,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let finalists = queries::finalists(&app.db, f.edition.id).await?;
    let panel = queries::panel(&app.db, f.round.id).await?;
    let assigned: BTreeSet<(i64, i64)> = queries::assignments(&app.db, f.round.id)
        .await?
        .into_iter()
        .map(|(juror, dossier)| (dossier, juror))
        .collect();
    let conflicts: BTreeSet<(i64, i64)> = queries::conflicts_of_edition(&app.db, f.edition.id)
        .await?
        .into_iter()
        .map(|c| (c.application_id, c.user_id))
        .collect();
    let statuses: BTreeMap<(i64, i64), String> = sheet_statuses(&app.db, f.round.id)
        .await?
        .into_iter()
        .map(|(d, j, s)| ((d, j), s))
        .collect();
    let mut tracks = Vec::new();
    for t in &f.tracks {
        let jurors: Vec<&queries::Member> = panel.iter().filter(|m| m.track_id == t.id).collect();
        let rows: Vec<ProgressRow> = finalists
            .iter()
            .filter(|d| d.track_id == t.id)
            .map(|d| {
                let cells: Vec<ProgressCell> = jurors
                    .iter()
                    .map(|j| {
                        let key = (d.id, j.user_id);
                        let (class, label) = match statuses.get(&key).map(String::as_str) {
                            Some("submitted") => ("ok", "jury-cell-submitted"),
                            Some(_) => ("draft", "jury-cell-draft"),
                            None if conflicts.contains(&key) => ("conflict", "jury-cell-conflict"),
                            None if assigned.contains(&key) => ("todo", "jury-cell-todo"),
                            None => ("none", "jury-cell-none"),
                        };
                        ProgressCell {
                            class,
                            label: tr(lang, label),
                        }
                    })
                    .collect();
                ProgressRow {
                    reference: d.reference.clone().unwrap_or_default(),
                    title: d.title.clone(),
                    done: cells.iter().filter(|c| c.class == "ok").count(),
                    expected: jurors
                        .iter()
                        .filter(|j| assigned.contains(&(d.id, j.user_id)))
                        .count(),
                    cells,
                }
            })
            .collect();
        if rows.is_empty() {
            continue;
        }
        tracks.push(ProgressTrack {
            name: t.name(lang),
            jurors: jurors.iter().map(|j| j.display_name.clone()).collect(),
            rows,
        });
    }
    let (assigned, submitted) = queries::progress(&app.db, f.round.id).await?;
    render(&ProgressTemplate {
        back: base_url(&f),
        title: round_title(lang, &f.edition),
        status: tr(lang, &format!("round-status-{}", f.round.status)),
        assigned,
        submitted,
        refresh: if f.round.status() == RoundStatus::Open {
            PROGRESS_REFRESH_SECS
        } else {
            0
        },
        updated: format_at(lang, app.now_ms(), &f.tz),
        tracks,
        ctx,
    })
}
