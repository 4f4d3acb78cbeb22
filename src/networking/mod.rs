//! Networking between the event's participants: an opt-in directory (organisation, sector,
//! what one looks for and offers), meeting requests with a proposed slot that the other person
//! accepts or declines, either side may cancel, both told by e-mail or SMS. No contact detail
//! is shown, except to the other person of an accepted meeting when its owner consented.
//!
//! Layout: `rules` (pure: profiles, slots, request states, daily limit), `queries`, `actions`
//! (the writes), `pages` (the participants' pages), `demo`.

pub mod actions;
pub mod demo;
mod pages;
pub mod queries;
pub mod rules;

use axum::routing::{get, post};
use axum::Router;

use crate::web::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/networking/{edition}",
            get(pages::join).post(pages::save_profile),
        )
        .route("/networking/{edition}/leave", post(pages::leave))
        .route("/networking/{edition}/directory", get(pages::directory))
        .route(
            "/networking/{edition}/people/{profile}",
            get(pages::person).post(pages::request),
        )
        .route("/networking/{edition}/meetings", get(pages::meetings))
        .route("/networking/{edition}/meetings/{meeting}", post(pages::act))
}
