//! What every page of the final starts from: the final of an edition its organisers open,
//! and how the pages name it and its teams.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use axum::response::{IntoResponse, Response};
use jiff::tz::TimeZone;

use crate::applications::queries::ListedApplication;
use crate::calls::queries::{self as calls, EditionRow, TrackRow};
use crate::domain::types::Lang;
use crate::editions::access::OrganisedEdition;
use crate::i18n::tr;
use crate::review::names::{edition_tz, team_name};
use crate::review::queries::{self, RoundRow};
use crate::review::rules::rubric::Round;
use crate::web::error::AppResult;
use crate::web::sessions::SessionUser;
use crate::web::state::AppState;

/// The final round of an edition, its tracks and its time zone.
pub(super) struct Final {
    pub(super) edition: EditionRow,
    pub(super) round: RoundRow,
    pub(super) tracks: Vec<TrackRow>,
    pub(super) tz: TimeZone,
}

/// The final of `edition`, created on first use.
async fn final_of(app: &AppState, edition: EditionRow) -> AppResult<Final> {
    let round = queries::ensure_round(&app.db, edition.id, Round::Final).await?;
    let tracks = calls::tracks_of_edition(&app.db, edition.id).await?;
    let tz = edition_tz(&edition);
    Ok(Final {
        edition,
        round,
        tracks,
        tz,
    })
}

/// The final of an edition the signed-in user organises (`{edition}` in the address);
/// "not found" otherwise.
pub(super) struct OrganisedFinal {
    pub(super) final_round: Final,
    pub(super) user: SessionUser,
}

impl FromRequestParts<AppState> for OrganisedFinal {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, Response> {
        let OrganisedEdition { edition, user } =
            OrganisedEdition::from_request_parts(parts, app).await?;
        let final_round = final_of(app, edition)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(OrganisedFinal { final_round, user })
    }
}

pub(super) fn base_url(f: &Final) -> String {
    format!("/admin/editions/{}/jury", f.edition.slug)
}

pub(super) fn round_title(lang: Lang, edition: &EditionRow) -> String {
    format!("{} {}", tr(lang, "round-final"), edition.year)
}

/// The team name when it says more than the project title (start-ups often share both).
pub(super) fn distinct_team(d: &ListedApplication) -> String {
    let team = team_name(&d.answers_json);
    if team == d.title {
        String::new()
    } else {
        team
    }
}
