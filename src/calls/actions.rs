//! A call's writes, one use case each (the change and its audit entry, in the caller's
//! transaction).

use super::queries::{self, TrackRow};
use super::TrackSettings;
use crate::audit;
use crate::db::Tx;
use crate::domain::form::FormDefinition;
use crate::web::error::AppResult;

/// Saves a track's settings and, when given, a new version of its form, as loaded at
/// `expected_version`. Returns the form version now in force, or `None` (nothing written)
/// when someone saved the track in between.
pub async fn update_track(
    tx: &mut Tx,
    track: &TrackRow,
    expected_version: i64,
    (settings, changed_form): (&TrackSettings, Option<&FormDefinition>),
    actor_id: i64,
    now: i64,
) -> AppResult<Option<i64>> {
    let saved = queries::update_track(tx, track, expected_version, settings, changed_form, now);
    let Some(form_version) = saved.await? else {
        return Ok(None);
    };
    audit::Entry::by(
        actor_id,
        audit::Action::TrackUpdate,
        &format!("{}/{}", track.edition_slug, track.slug),
        serde_json::json!({
            "version": expected_version + 1,
            "form_version": form_version,
            "opens_at": settings.opens_at,
            "closes_at": settings.closes_at,
            "max_per_applicant": settings.max_per_applicant,
        }),
    )
    .append(tx, now)
    .await?;
    Ok(Some(form_version))
}
