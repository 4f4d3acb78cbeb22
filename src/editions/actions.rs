//! An edition's writes, one use case each (the change and its audit entry, in the caller's
//! transaction): a new edition made from the previous one, and a role on its team.

use crate::accounts::roles::{self, Role};
use crate::accounts::users::UserRow;
use crate::audit;
use crate::calls::queries::{self as calls, EditionRow, NewEdition, TrackRow};
use crate::calls::TrackSettings;
use crate::db::Tx;
use crate::domain::form::FormDefinition;
use crate::domain::types::Localized;
use crate::web::error::AppResult;

/// What a new edition copies, read before the transaction: the previous edition, its tracks
/// with their current forms, and its selection criteria.
pub struct Source<'a> {
    pub edition: &'a EditionRow,
    pub event_id: i64,
    pub criteria_json: &'a str,
    pub tracks: &'a [(TrackRow, FormDefinition)],
}

/// Creates the edition `new` (its event, zone and call titles taken from `source`) with a copy
/// of every track of `source`, its dates moved by as many years as the editions are apart;
/// the organiser who creates it becomes its organiser. Returns the new edition's id.
pub async fn copy_edition(
    tx: &mut Tx,
    source: &Source<'_>,
    new: &NewEdition<'_>,
    actor_id: i64,
    now: i64,
) -> AppResult<i64> {
    let edition_id = calls::insert_edition(tx, new, now).await?;
    let tz = source.edition.timezone.tz().clone();
    let shift = jiff::Span::new().years(new.year - source.edition.year);
    // Same civil dates and times, `shift` later.
    let shifted = |ms: i64| -> i64 {
        jiff::Timestamp::from_millisecond(ms)
            .ok()
            .and_then(|t| t.to_zoned(tz.clone()).checked_add(shift).ok())
            .map(|z| z.timestamp().as_millisecond())
            .unwrap_or(ms)
    };
    for (track, form) in source.tracks {
        let settings = TrackSettings {
            slug: track.slug.clone(),
            code: track.code.clone(),
            position: track.position,
            name: Localized::new(&track.name_fr, &track.name_en),
            description: Localized::new(&track.description_fr, &track.description_en),
            conditions: Localized::new(&track.conditions_fr, &track.conditions_en),
            regulations: Localized::new(&track.regulations_fr, &track.regulations_en),
            opens_at: shifted(track.opens_at),
            closes_at: shifted(track.closes_at),
            max_per_applicant: track.max_per_applicant,
            rules: track.rules()?,
        };
        calls::insert_track(tx, edition_id, track.kind()?, &settings, form, now).await?;
    }
    audit::Entry::by(
        actor_id,
        audit::Action::EditionCreate,
        new.slug,
        serde_json::json!({
            "copied_from": source.edition.slug, "tracks": source.tracks.len(),
        }),
    )
    .append(tx, now)
    .await?;
    roles::grant_tx(tx, actor_id, edition_id, Role::Organiser).await?;
    Ok(edition_id)
}

/// Gives `member` a role on the edition's team.
pub async fn grant_role(
    tx: &mut Tx,
    edition: &EditionRow,
    (member, role): (&UserRow, Role),
    actor_id: i64,
    now: i64,
) -> AppResult<()> {
    roles::grant_tx(tx, member.id, edition.id, role).await?;
    audit::Entry::by(
        actor_id,
        audit::Action::RoleGrant,
        &format!("{}/{}", edition.slug, member.public_id),
        serde_json::json!({ "role": role.as_str() }),
    )
    .append(tx, now)
    .await?;
    Ok(())
}
