//! Who moderates the directory (and may post opportunities for the organisers): an
//! administrator, or an organiser of any edition.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

use crate::web::ctx::SignedIn;
use crate::web::error::AppResult;
use crate::web::sessions::SessionUser;
use crate::web::state::AppState;

/// Someone who moderates the directory: an administrator, or an organiser of any edition.
/// Anyone else gets "not found".
pub struct Moderator(pub SessionUser);

impl FromRequestParts<AppState> for Moderator {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, Response> {
        let SignedIn(user) = SignedIn::from_request_parts(parts, app).await?;
        crate::editions::access::organised_editions(app, &user)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(Moderator(user))
    }
}

pub async fn is_moderator(app: &AppState, user: &SessionUser) -> AppResult<bool> {
    Ok(user.is_admin
        || !crate::accounts::roles::organised_editions(&app.db, user.id)
            .await?
            .is_empty())
}
