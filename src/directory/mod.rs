//! The ecosystem database's directory: the sector's actors (start-ups, SMEs, incubators,
//! investors, civil society, public services, universities, partners, media), kept from one
//! edition to the next. Actors register their own profile, which organisers publish; anyone
//! searches the published ones (accent-insensitive, with filters, without JavaScript).
//!
//! Layout: `taxonomy` and `rules` (pure: closed lists, checks, folding), `public` (what anyone
//! may see of a profile), `queries`, `actions` (the writes), `pages`, `demo`.

pub mod access;
pub mod actions;
pub mod demo;
mod pages;
pub mod public;
pub mod queries;
pub mod rules;
pub mod search;
pub mod taxonomy;

use axum::routing::{get, post};
use axum::Router;

use crate::web::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/directory", get(pages::list))
        .route("/directory/new", get(pages::new_form).post(pages::create))
        .route("/directory/mine", get(pages::mine))
        .route("/directory/{actor}", get(pages::profile))
        .route("/directory/{actor}/contact", post(pages::contact))
        .route(
            "/directory/{actor}/edit",
            get(pages::edit_form).post(pages::save),
        )
        .route("/admin/directory", get(pages::moderation))
        .route("/admin/directory/{actor}", post(pages::decide))
}
