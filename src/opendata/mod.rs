//! Open data: the public directory as CSV, JSON and XLSX under CC-BY 4.0 with its data
//! dictionary (`/open-data`), and a read-only, paginated, rate-limited JSON API documented
//! by OpenAPI at a fixed address (`/api/openapi.json`). Every record is an
//! [`record::OpenActor`], built only from what anyone may see of a profile.
//!
//! Layout: `record` (pure: the record and its dictionary), `pages` (the page and the files),
//! `api`.

mod api;
mod pages;
pub mod record;

use axum::routing::get;
use axum::Router;

use crate::web::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/open-data", get(pages::index))
        .route("/open-data/{file}", get(pages::file))
        .route("/api/v1/directory", get(api::directory))
        .route("/api/v1/directory/{actor}", get(api::actor))
        .route("/api/v1/statistics", get(api::statistics))
        .route("/api/openapi.json", get(api::openapi))
}
