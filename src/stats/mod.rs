//! Statistics of the competitions and the directory: for each edition and across editions,
//! applications by track, domain and country with the women-led and young-founder shares,
//! the selection's funnel by gender, the directory's published actors by kind, sector and
//! region. Charts are SVG drawn by the server with a table as their text alternative; every
//! table downloads as CSV and XLSX. Organisers see every figure; the public version hides
//! small cells (`rules::suppress`).
//!
//! Layout: `rules` (pure: facts, tables, suppression, charts), `queries`, `pages`.

pub mod pages;
pub mod queries;
pub mod rules;

use axum::routing::get;
use axum::Router;

use crate::web::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/admin/editions/{edition}/statistics",
            get(pages::edition_page),
        )
        .route(
            "/admin/editions/{edition}/statistics/{file}",
            get(pages::edition_file),
        )
        .route("/admin/statistics", get(pages::all_page))
        .route("/admin/statistics/{file}", get(pages::all_file))
        .route("/statistics", get(pages::public_all))
        .route("/statistics/{scope}", get(pages::public_scope))
        .route("/statistics/{scope}/{file}", get(pages::public_file))
}
