//! The open-data page (licence, files, data dictionary) and the files themselves.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

use super::record::{self, Column, OpenActor, DICTIONARY, LICENCE, LICENCE_URL};
use crate::applications::export;
use crate::directory::public::PublicProfile;
use crate::directory::queries;
use crate::stats::pages as stats;
use crate::stats::rules;
use crate::web::ctx::Ctx;
use crate::web::error::{AppError, AppResult};
use crate::web::public_cache::public_page;
use crate::web::state::AppState;
use crate::web::templates::render;

#[derive(Template)]
#[template(path = "opendata/index.html")]
pub struct IndexTemplate {
    pub ctx: Ctx,
    pub actors: usize,
    pub columns: &'static [Column],
    pub licence_url: &'static str,
    pub stats_columns: &'static [rules::Column],
}

pub(super) async fn index(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let actors = queries::published(&app.db).await?.len();
    let page = render(&IndexTemplate {
        ctx,
        actors,
        columns: &DICTIONARY,
        licence_url: LICENCE_URL,
        stats_columns: &rules::DICTIONARY,
    })?;
    Ok(public_page(page, None))
}

/// Every published actor, as open data.
pub async fn open_actors(app: &AppState) -> AppResult<Vec<OpenActor>> {
    Ok(queries::published(&app.db)
        .await?
        .iter()
        .map(|row| OpenActor::from(&PublicProfile::of(row)))
        .collect())
}

pub(super) async fn file(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(file): Path<String>,
) -> AppResult<Response> {
    let (bytes, kind) = match file.as_str() {
        "directory.csv" => {
            let table = record::table(&open_actors(&app).await?);
            let bytes = export::to_csv(&table).map_err(|e| AppError::Internal(e.to_string()))?;
            (bytes, "text/csv; charset=utf-8")
        }
        "directory.xlsx" => {
            let table = record::table(&open_actors(&app).await?);
            let bytes = export::to_xlsx(&table, "directory")
                .map_err(|e| AppError::Internal(e.to_string()))?;
            (
                bytes,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        }
        "statistics.csv" => {
            let table = stats::long_table(&stats::public_scopes(&app).await?);
            let bytes = export::to_csv(&table).map_err(|e| AppError::Internal(e.to_string()))?;
            (bytes, "text/csv; charset=utf-8")
        }
        "statistics.xlsx" => {
            let table = stats::long_table(&stats::public_scopes(&app).await?);
            let bytes = export::to_xlsx(&table, "statistics")
                .map_err(|e| AppError::Internal(e.to_string()))?;
            (
                bytes,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        }
        "statistics.json" => {
            let scopes: Vec<serde_json::Value> = stats::public_scopes(&app)
                .await?
                .iter()
                .map(|(scope, tables)| {
                    let tables: Vec<_> = tables.iter().map(rules::open_table).collect();
                    serde_json::json!({ "scope": scope, "tables": tables })
                })
                .collect();
            let document = serde_json::json!({
                "licence": LICENCE,
                "licence_url": LICENCE_URL,
                "attribution": ctx.site_name(),
                "dictionary": ctx.link("/open-data"),
                "min_cell": rules::MIN_CELL,
                "scopes": scopes,
            });
            let bytes =
                serde_json::to_vec(&document).map_err(|e| AppError::Internal(e.to_string()))?;
            (bytes, "application/json")
        }
        "directory.json" => {
            let document = serde_json::json!({
                "licence": LICENCE,
                "licence_url": LICENCE_URL,
                "attribution": ctx.site_name(),
                "dictionary": ctx.link("/open-data"),
                "actors": open_actors(&app).await?,
            });
            let bytes =
                serde_json::to_vec(&document).map_err(|e| AppError::Internal(e.to_string()))?;
            (bytes, "application/json")
        }
        _ => return Err(AppError::NotFound),
    };
    let headers = [
        (CONTENT_TYPE, kind.to_owned()),
        (
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file}\""),
        ),
        (CACHE_CONTROL, "public, max-age=300".to_owned()),
    ];
    Ok((headers, bytes).into_response())
}
