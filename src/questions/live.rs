//! The live stream of a session's questions (see [`crate::web::live::stream`]): pages follow
//! the session's version.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::{queries, session_of};
use crate::web::error::AppResult;
use crate::web::live::Topic;
use crate::web::state::AppState;

#[derive(Debug, Deserialize)]
pub struct Since {
    /// The version the page was read at.
    since: Option<i64>,
}

pub(super) async fn stream(
    State(app): State<AppState>,
    Path((slug, session)): Path<(String, String)>,
    Query(page): Query<Since>,
) -> AppResult<Response> {
    let (_, session) = session_of(&app, &slug, &session).await?;
    let id = session.id;
    let version = queries::version(&app.db, id).await?;
    let db = app.db.clone();
    let read = move || {
        let db = db.clone();
        async move { queries::version(&db, id).await }
    };
    Ok(crate::web::live::stream(
        &app.live,
        Topic::Questions(id),
        version,
        page.since,
        read,
    ))
}
