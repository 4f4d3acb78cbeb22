//! Who may run an edition: its organisers (and administrators). Checked in the handler's
//! signature by [`OrganisedEdition`]; anyone else gets "not found", never a hint that the
//! edition exists.

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

use crate::accounts::roles::{self, Role};
use crate::calls::queries::{self as calls, EditionRow};
use crate::web::ctx::SignedIn;
use crate::web::error::{AppError, AppResult};
use crate::web::sessions::SessionUser;
use crate::web::state::AppState;

/// The edition named by the `{edition}` segment of the address, which the signed-in user
/// organises.
pub struct OrganisedEdition {
    pub edition: EditionRow,
    pub user: SessionUser,
}

/// The segment `name` of the address (`{edition}`, `{round}`…), if the route has one.
pub async fn path_param(parts: &mut Parts, app: &AppState, name: &str) -> Option<String> {
    let params = RawPathParams::from_request_parts(parts, app).await.ok()?;
    params
        .iter()
        .find(|(param, _)| *param == name)
        .map(|(_, value)| value.to_owned())
}

impl FromRequestParts<AppState> for OrganisedEdition {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, Response> {
        let SignedIn(user) = SignedIn::from_request_parts(parts, app).await?;
        let slug = path_param(parts, app, "edition")
            .await
            .ok_or_else(|| AppError::NotFound.into_response())?;
        let edition = organised_edition(app, &user, &slug)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(OrganisedEdition { edition, user })
    }
}

/// The edition if the user organises it; 404 otherwise (no hint that it exists).
async fn organised_edition(
    app: &AppState,
    user: &SessionUser,
    slug: &str,
) -> AppResult<EditionRow> {
    let edition = calls::edition_by_slug(&app.db, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    if roles::has_role(&app.db, user.id, edition.id, Role::Organiser).await? {
        Ok(edition)
    } else {
        Err(AppError::NotFound)
    }
}

/// The editions the user organises (every one for an administrator); 404 for someone who
/// organises none.
pub async fn organised_editions(app: &AppState, user: &SessionUser) -> AppResult<Vec<i64>> {
    let editions = roles::organised_editions(&app.db, user.id).await?;
    if editions.is_empty() && !user.is_admin {
        return Err(AppError::NotFound);
    }
    Ok(editions)
}
