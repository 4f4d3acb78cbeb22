//! The live stream of a session's questions (`text/event-stream`): one `changed` event, with
//! the session's version, after each change — and at once if the session changed since the
//! version the page was read at (`?since=`); pages then fetch themselves again.
//!
//! Changes made by this process reach its listeners at once (`Live::publish` after the
//! commit). Changes made by another instance on the same PostgreSQL database are found by a
//! watcher per watched session in each process, reading the session's version (one
//! primary-key read) every [`WATCH_EVERY`] while anyone listens here: cheap, the same on
//! both engines, and no connection held open as LISTEN/NOTIFY would need.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::HeaderName;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::StreamExt;

use super::{queries, session_of};
use crate::web::error::AppResult;
use crate::web::state::AppState;

/// How often a process reads the version of the sessions its clients watch.
const WATCH_EVERY: Duration = Duration::from_millis(500);

#[derive(Debug, Deserialize)]
pub struct Since {
    /// The version the page was read at.
    since: Option<i64>,
}

fn changed(version: Option<i64>) -> Result<Event, Infallible> {
    let data = version.map(|v| v.to_string()).unwrap_or_default();
    Ok(Event::default().event("changed").data(data))
}

pub(super) async fn stream(
    State(app): State<AppState>,
    Path((slug, session)): Path<(String, String)>,
    Query(page): Query<Since>,
) -> AppResult<Response> {
    let (_, session) = session_of(&app, &slug, &session).await?;
    let version = queries::version(&app.db, session.id).await?;
    let subscription = app.live.subscribe(session.id, version);
    if subscription.first {
        tokio::spawn(watch(app.clone(), session.id));
    }
    // Changed between the page's read and now (or while reconnecting): told at once.
    let missed = page
        .since
        .filter(|since| *since < version)
        .map(|_| changed(Some(version)));
    // A listener that fell behind missed versions, not changes: it refreshes all the same.
    let events = BroadcastStream::new(subscription.receiver).map(|v| changed(v.ok()));
    let events = tokio_stream::iter(missed).chain(events);
    // Events go out as they come: nginx (and proxies that read this header) must not buffer
    // them; the keep-alive comments (every 15 s) stay under proxies' idle timeouts.
    let sse = Sse::new(events).keep_alive(KeepAlive::default());
    Ok(([(HeaderName::from_static("x-accel-buffering"), "no")], sse).into_response())
}

/// Tells this process's listeners of `session_id` about changes made elsewhere, until none
/// is left.
async fn watch(app: AppState, session_id: i64) {
    loop {
        tokio::time::sleep(WATCH_EVERY).await;
        let version = match queries::version(&app.db, session_id).await {
            Ok(version) => version,
            Err(error) => {
                tracing::warn!(%error, session_id, "reading a live session's version");
                i64::MIN // nothing to announce; still checks whether anyone listens
            }
        };
        if !app.live.announce(session_id, version) {
            break;
        }
    }
}
