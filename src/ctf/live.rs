//! The scoreboard's live stream (see [`crate::web::live::stream`]): pages follow the
//! contest's version, which grows with every change the board shows.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::pages::contest_of;
use super::queries;
use crate::web::error::{AppError, AppResult};
use crate::web::live::Topic;
use crate::web::state::AppState;

#[derive(Debug, Deserialize)]
pub struct Since {
    since: Option<i64>,
}

pub(super) async fn stream(
    State(app): State<AppState>,
    Path(slug): Path<String>,
    Query(page): Query<Since>,
) -> AppResult<Response> {
    let (_, contest) = contest_of(&app, &slug).await?;
    // A private board has no public stream: its readers reload it.
    if !contest.board_public {
        return Err(AppError::NotFound);
    }
    let id = contest.id;
    let version = queries::version(&app.db, id).await?;
    let db = app.db.clone();
    let read = move || {
        let db = db.clone();
        async move { queries::version(&db, id).await }
    };
    Ok(crate::web::live::stream(
        &app.live,
        Topic::Scoreboard(id),
        version,
        page.since,
        read,
    ))
}
