//! Exhibition stands: organisers list the venue's stands (number, zone, size) and give each to
//! an exhibitor — a finalist start-up, an AES delegation, the guest-of-honour country or a
//! partner; everyone reads the exhibitors page, zone by zone.
//!
//! Layout: `rules` (pure: kinds, checks), `queries`, `actions` (the writes), `pages`, `demo`.

pub mod actions;
pub mod demo;
mod pages;
pub mod queries;
pub mod rules;

use axum::routing::{get, post};
use axum::Router;

use crate::web::state::AppState;

pub fn router() -> Router<AppState> {
    const ADMIN: &str = "/admin/editions/{edition}/stands";
    Router::new()
        .route(ADMIN, get(pages::organisers).post(pages::add_stand))
        .route(&format!("{ADMIN}/{{number}}"), post(pages::allocate))
        .route("/exhibitors/{edition}", get(pages::exhibitors))
}
