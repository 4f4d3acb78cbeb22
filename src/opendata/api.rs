//! The read-only JSON API of the public directory, paginated and limited per client and
//! minute (`[limits] api_per_minute`), described by OpenAPI 3.1 at `/api/openapi.json`.

use axum::extract::{Path, RawQuery, State};
use axum::http::header::RETRY_AFTER;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

use super::record::{OpenActor, LICENCE, LICENCE_URL};
use crate::directory::public::PublicProfile;
use crate::directory::queries;
use crate::directory::search::ListQuery;
use crate::directory::taxonomy::Status;
use crate::stats::pages as stats;
use crate::stats::rules;
use crate::web::ctx::Ctx;
use crate::web::error::{AppError, AppResult};
use crate::web::state::AppState;
use crate::web::ClientIp;

pub const MAX_PER_PAGE: i64 = 100;
const DEFAULT_PER_PAGE: i64 = 20;

/// Counts the request; past the limit, the answer: 429 with the seconds to wait.
fn over_limit(app: &AppState, ClientIp(ip): &ClientIp) -> Option<Response> {
    let max = app.config.limits.api_per_minute;
    app.api_limit.hit(ip, max, app.now_ms()).err().map(|wait| {
        let body = Json(serde_json::json!({
            "error": "too_many_requests",
            "retry_after_seconds": wait,
        }));
        (
            StatusCode::TOO_MANY_REQUESTS,
            [(RETRY_AFTER, wait.to_string())],
            body,
        )
            .into_response()
    })
}

#[derive(Debug, Default, Deserialize)]
struct PerPage {
    #[serde(default)]
    per_page: String,
}

/// `GET /api/v1/directory?q=&kind=&sector=&country=&region=&stage=&women_led=&page=&per_page=`
pub(super) async fn directory(
    State(app): State<AppState>,
    ctx: Ctx,
    ip: ClientIp,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    if let Some(refused) = over_limit(&app, &ip) {
        return Ok(refused);
    }
    let raw = raw.unwrap_or_default();
    let query: ListQuery = serde_urlencoded::from_str(&raw).unwrap_or_default();
    let per_page: PerPage = serde_urlencoded::from_str(&raw).unwrap_or_default();
    let per_page = match per_page.per_page.trim() {
        "" => DEFAULT_PER_PAGE,
        typed => typed
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=MAX_PER_PAGE).contains(n))
            .ok_or(AppError::BadRequest("per_page must be 1 to 100"))?,
    };
    let page = query.page();
    let (rows, total) = queries::search(&app.db, &query.filters(), (page, per_page)).await?;
    let actors: Vec<OpenActor> = rows
        .iter()
        .map(|row| OpenActor::from(&PublicProfile::of(row)))
        .collect();
    let next = (page.saturating_mul(per_page) < total).then(|| {
        let link = query
            .link(page + 1)
            .replacen("/directory", "/api/v1/directory", 1);
        let sep = if link.contains('?') { '&' } else { '?' };
        ctx.link(&format!("{link}{sep}per_page={per_page}"))
    });
    Ok(Json(serde_json::json!({
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "page": page,
        "per_page": per_page,
        "total": total.min(queries::COUNT_CAP),
        "total_capped": total > queries::COUNT_CAP,
        "next": next,
        "actors": actors,
    }))
    .into_response())
}

/// `GET /api/v1/directory/{id}`: a published profile; 404 for any other.
pub(super) async fn actor(
    State(app): State<AppState>,
    ip: ClientIp,
    Path(public_id): Path<String>,
) -> AppResult<Response> {
    if let Some(refused) = over_limit(&app, &ip) {
        return Ok(refused);
    }
    let row = queries::by_public_id(&app.db, &public_id)
        .await?
        .filter(|a| a.status == Status::Published)
        .ok_or(AppError::NotFound)?;
    let actor = OpenActor::from(&PublicProfile::of(&row));
    Ok(Json(serde_json::json!({
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "actor": actor,
    }))
    .into_response())
}

#[derive(Debug, Default, Deserialize)]
struct StatisticsQuery {
    #[serde(default)]
    edition: String,
}

/// `GET /api/v1/statistics?edition=`: the public statistics of an edition, or of every
/// edition and the directory without `edition`; small cells are `null`.
pub(super) async fn statistics(
    State(app): State<AppState>,
    ip: ClientIp,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    if let Some(refused) = over_limit(&app, &ip) {
        return Ok(refused);
    }
    let query: StatisticsQuery =
        serde_urlencoded::from_str(&raw.unwrap_or_default()).unwrap_or_default();
    let scope = match query.edition.trim() {
        "" => "all",
        edition => edition,
    };
    let tables = stats::public_tables(&app, scope)
        .await?
        .ok_or(AppError::NotFound)?;
    let tables: Vec<_> = tables.iter().map(rules::open_table).collect();
    let editions: Vec<String> = crate::calls::queries::editions(&app.db)
        .await?
        .into_iter()
        .map(|e| e.slug)
        .collect();
    Ok(Json(serde_json::json!({
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "scope": scope,
        "min_cell": rules::MIN_CELL,
        "editions": editions,
        "tables": tables,
    }))
    .into_response())
}

/// `GET /api/openapi.json`: the API's description (OpenAPI 3.1).
pub(super) async fn openapi(ctx: Ctx) -> Response {
    let param = |name: &str, description: &str, schema: serde_json::Value| {
        serde_json::json!({
            "name": name, "in": "query", "required": false,
            "description": description, "schema": schema,
        })
    };
    let text = serde_json::json!({ "type": "string" });
    let nullable = |kind: &str| serde_json::json!({ "type": [kind, "null"] });
    let actor = serde_json::json!({
        "type": "object",
        "description": "A published actor; fields the actor keeps private are null. \
                        The data dictionary is at /open-data.",
        "properties": {
            "id": text, "kind": text, "name": text, "description_fr": text,
            "description_en": text, "country": text, "region": nullable("string"),
            "town": nullable("string"),
            "sectors": { "type": "array", "items": text },
            "stage": nullable("string"), "founded_year": nullable("integer"),
            "team_size": nullable("integer"), "women_led": nullable("boolean"),
            "young_founders": nullable("boolean"), "website": nullable("string"),
            "social_links": { "type": "array", "items": text },
            "funding_sought": nullable("string"), "funding_offered": nullable("string"),
            "demo": { "type": "boolean" },
        },
    });
    let spec = serde_json::json!({
        "openapi": "3.1.0",
        "info": {
            "title": format!("{} — open data", ctx.site_name()),
            "version": "1",
            "license": { "name": "CC BY 4.0", "identifier": LICENCE },
            "description": "Read-only. Limited per client address and minute (HTTP 429 with \
                            Retry-After beyond).",
        },
        "servers": [{ "url": ctx.link("") }],
        "paths": {
            "/api/v1/directory": { "get": {
                "summary": "Published actors of the directory, by name",
                "parameters": [
                    param("q", "Words searched in names, descriptions and towns, without \
                               regard to accents or case; each as the start of a word", text.clone()),
                    param("kind", "Kind of actor (see /open-data)", text.clone()),
                    param("sector", "One of the call's domains", text.clone()),
                    param("country", "ISO 3166-1 alpha-2", text.clone()),
                    param("region", "Region of Mali", text.clone()),
                    param("stage", "Stage of a company", text.clone()),
                    param("women_led", "Any value: women-led only", text.clone()),
                    param("page", "From 1", serde_json::json!({ "type": "integer", "minimum": 1 })),
                    param("per_page", "1 to 100 (default 20)", serde_json::json!({ "type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE })),
                ],
                "responses": {
                    "200": { "description": "A page", "content": { "application/json": { "schema": {
                        "type": "object",
                        "properties": {
                            "licence": text, "licence_url": text,
                            "page": { "type": "integer" }, "per_page": { "type": "integer" },
                            "total": { "type": "integer", "description": "Counted up to 1,000" },
                            "total_capped": { "type": "boolean", "description": "More than 1,000 match" },
                            "next": nullable("string"),
                            "actors": { "type": "array", "items": { "$ref": "#/components/schemas/Actor" } },
                        },
                    } } } },
                    "400": { "description": "per_page out of range" },
                    "429": { "description": "Too many requests this minute" },
                },
            } },
            "/api/v1/directory/{id}": { "get": {
                "summary": "One published actor",
                "parameters": [{ "name": "id", "in": "path", "required": true, "schema": text }],
                "responses": {
                    "200": { "description": "The actor", "content": { "application/json": { "schema": {
                        "type": "object",
                        "properties": {
                            "licence": text, "licence_url": text,
                            "actor": { "$ref": "#/components/schemas/Actor" },
                        },
                    } } } },
                    "404": { "description": "No published actor has this id" },
                    "429": { "description": "Too many requests this minute" },
                },
            } },
            "/api/v1/statistics": { "get": {
                "summary": "Public statistics: applications by track or edition, domain and \
                            country, the selection by gender, the directory by kind, sector \
                            and region. Counts of 1 to 4 (and a cell that would reveal one by \
                            subtraction) are null.",
                "parameters": [
                    param("edition", "An edition's identifier (see `editions`); without it, \
                                      every edition and the directory", text.clone()),
                ],
                "responses": {
                    "200": { "description": "The tables", "content": { "application/json": { "schema": {
                        "type": "object",
                        "properties": {
                            "licence": text, "licence_url": text, "scope": text,
                            "min_cell": { "type": "integer" },
                            "editions": { "type": "array", "items": text },
                            "tables": { "type": "array", "items": { "$ref": "#/components/schemas/StatisticsTable" } },
                        },
                    } } } },
                    "404": { "description": "No edition has this identifier" },
                    "429": { "description": "Too many requests this minute" },
                },
            } },
        },
        "components": { "schemas": { "Actor": actor, "StatisticsTable": {
            "type": "object",
            "description": "One table; the data dictionary is at /open-data.",
            "properties": {
                "table": text,
                "columns": { "type": "array", "items": text },
                "rows": { "type": "array", "items": {
                    "type": "object",
                    "properties": {
                        "row": text,
                        "counts": { "type": "object", "additionalProperties": nullable("integer") },
                    },
                } },
            },
        } } },
    });
    Json(spec).into_response()
}
