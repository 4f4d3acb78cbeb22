//! The committee's round, as its organisers run it: settings, rubrics, the panel and the
//! assignment of dossiers, conflicts, reopened sheets, the round's status, and the ranking
//! with its exports.

pub mod actions;
mod pages;
mod panel;
mod ranking;
mod rubric;

use axum::routing::{get, post};
use axum::Router;

use crate::web::state::AppState;

pub fn router() -> Router<AppState> {
    const BASE: &str = "/admin/editions/{edition}/review/{round}";
    Router::new()
        .route(BASE, get(pages::round_page))
        .route(&format!("{BASE}/settings"), post(pages::save_settings))
        .route(
            &format!("{BASE}/rubric/{{track}}"),
            get(rubric::rubric_page).post(rubric::save_rubric),
        )
        .route(&format!("{BASE}/panel"), post(panel::add_panel_member))
        .route(&format!("{BASE}/assign"), post(panel::auto_assign))
        .route(&format!("{BASE}/reassign"), post(panel::reassign))
        .route(&format!("{BASE}/conflict"), post(panel::set_conflict))
        .route(&format!("{BASE}/reopen"), post(panel::reopen_sheet))
        .route(&format!("{BASE}/status"), post(pages::change_status))
        .route(&format!("{BASE}/ranking"), get(ranking::ranking_page))
        .route(&format!("{BASE}/ranking.csv"), get(ranking::ranking_csv))
        .route(&format!("{BASE}/ranking.xlsx"), get(ranking::ranking_xlsx))
        .route(&format!("{BASE}/scores.csv"), get(ranking::scores_csv))
        .route(&format!("{BASE}/scores.xlsx"), get(ranking::scores_xlsx))
}
