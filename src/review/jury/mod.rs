//! The final before the jury: settings, the pitch schedule and timers, the jurors' progress,
//! the deliberation and the publication of the results.

pub mod actions;
mod context;
mod deliberation;
mod pages;
mod podium;
mod progress;
mod queries;

use axum::routing::{get, post};
use axum::Router;
pub use deliberation::{
    deliberate, publish_results, render_deliberation, DeliberationState, Publication, Refused,
};

use crate::web::state::AppState;

pub fn router() -> Router<AppState> {
    const BASE: &str = "/admin/editions/{edition}/jury";
    Router::new()
        .route(
            "/admin/editions/{edition}/results/publish",
            post(deliberation::publish),
        )
        .route(BASE, get(pages::jury_page))
        .route(&format!("{BASE}/settings"), post(pages::save_settings))
        .route(&format!("{BASE}/cumulate"), post(pages::save_cumulate))
        .route(&format!("{BASE}/schedule"), post(pages::generate_schedule))
        .route(&format!("{BASE}/slot"), post(pages::save_slot))
        .route(
            &format!("{BASE}/pitches/{{reference}}/start"),
            post(pages::start_timer),
        )
        .route(
            &format!("{BASE}/pitches/{{reference}}/stop"),
            post(pages::stop_timer),
        )
        .route(&format!("{BASE}/progress"), get(progress::progress_page))
        .route(
            &format!("{BASE}/deliberation"),
            get(deliberation::deliberation_page),
        )
}
