//! Funding opportunities for the ecosystem's actors: organisers and funders (a published
//! investor or partner profile) post grants, prizes, loans, equity and incubation programmes
//! with their eligibility (sectors, stages, countries) and a deadline; each actor sees those
//! that match its profile and may express interest, which tells the poster.
//!
//! Layout: `rules` (pure: postings, matching), `queries`, `actions` (the writes), `pages`,
//! `demo`.

pub mod actions;
pub mod demo;
mod pages;
pub mod queries;
pub mod rules;

pub use pages::closing_instant;

use axum::routing::{get, post};
use axum::Router;

use crate::web::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/opportunities", get(pages::list))
        .route(
            "/opportunities/new",
            get(pages::new_form).post(pages::create),
        )
        .route("/opportunities/{opportunity}", get(pages::detail))
        .route(
            "/opportunities/{opportunity}/interest",
            post(pages::interest),
        )
}
