//! Check-in at the door. A staff phone opens the door page, which keeps what it needs to
//! work offline (the edition's badge verifying keys, the revoked badges, the valid badge
//! numbers for typed entry; see `offline_data`), reads badges with the camera or by typing,
//! verifies their signatures itself, queues the scans and sends them when the network allows
//! (`sync`). The server verifies every badge again, flags duplicates (one badge entering one
//! door twice in a day, perhaps at two phones) and revoked badges, and counts entries and
//! occupancy per room for organisers. Without JavaScript the page still checks typed codes,
//! online.
//!
//! Layout: `rules` (pure: directions, verdicts, what a phone may send), `queries`,
//! `actions` (recording scans), `pages` (the door page, its data, the sync, occupancy).

pub mod actions;
mod pages;
pub mod queries;
pub mod rules;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use ed25519_dalek::VerifyingKey;

use self::actions::Badge;
use crate::accounts::roles::{self, Role};
use crate::calls::queries::EditionRow;
use crate::editions::access::path_param;
use crate::registration::badge::{self, BadCode};
use crate::web::ctx::SignedIn;
use crate::web::error::{AppError, AppResult};
use crate::web::sessions::SessionUser;
use crate::web::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/checkin/sw.js", get(pages::service_worker))
        .route("/checkin/{edition}", get(pages::door))
        .route("/checkin/{edition}/offline.json", get(pages::offline_data))
        .route("/checkin/{edition}/scans", post(pages::sync))
        .route("/checkin/{edition}/scan", post(pages::scan_form))
        .route("/admin/editions/{edition}/checkin", get(pages::occupancy))
}

/// Someone who may scan badges at the doors of the edition named in the address: its
/// organisers, those given the check-in role, and its confirmed organiser staff.
pub struct DoorStaff {
    pub edition: EditionRow,
    pub user: SessionUser,
}

impl FromRequestParts<AppState> for DoorStaff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, Response> {
        let SignedIn(user) = SignedIn::from_request_parts(parts, app).await?;
        let slug = path_param(parts, app, "edition")
            .await
            .ok_or_else(|| AppError::NotFound.into_response())?;
        door_staff(app, user, &slug)
            .await
            .map_err(IntoResponse::into_response)
    }
}

async fn door_staff(app: &AppState, user: SessionUser, slug: &str) -> AppResult<DoorStaff> {
    let edition = crate::calls::queries::edition_by_slug(&app.db, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let allowed = roles::has_role(&app.db, user.id, edition.id, Role::Organiser).await?
        || roles::has_role(&app.db, user.id, edition.id, Role::CheckIn).await?
        || crate::registration::queries::live_registration(&app.db, edition.id, user.id)
            .await?
            .is_some_and(|r| {
                r.category == crate::registration::rules::CategoryCode::Staff && r.has_badge()
            });
    if allowed {
        Ok(DoorStaff { edition, user })
    } else {
        Err(AppError::NotFound)
    }
}

/// The edition's verifying keys, by the number badges carry.
pub async fn verifying_keys(app: &AppState, edition_id: i64) -> AppResult<Vec<(u8, VerifyingKey)>> {
    let stored = crate::registration::queries::verifying_keys(&app.db, edition_id).await?;
    Ok(stored
        .into_iter()
        .filter_map(|(id, bytes)| {
            let id = u8::try_from(id).ok()?;
            let bytes: [u8; 32] = bytes.try_into().ok()?;
            Some((id, VerifyingKey::from_bytes(&bytes).ok()?))
        })
        .collect())
}

/// What a typed or scanned text names: a badge whose signature holds (for this edition), a
/// badge number typed by hand, or the reason it is no badge.
pub fn read_badge(
    text: &str,
    edition_id: i64,
    keys: &[(u8, VerifyingKey)],
) -> Result<Badge, &'static str> {
    if let Some(number) = rules::typed_number(text) {
        return Ok(Badge::Typed(number));
    }
    let key_for = |id: u8| keys.iter().find(|(k, _)| *k == id).map(|(_, key)| *key);
    match badge::verify(text, key_for) {
        Ok(claim) if i64::from(claim.edition) == edition_id => Ok(Badge::Verified(claim.badge)),
        Ok(_) => Err(BadCode::UnknownKey.name()),
        Err(bad) => Err(bad.name()),
    }
}
