//! The programme's writes, one use case each (the change and its audit entry, in the caller's
//! transaction): the organisers' pages and the demo both go through them.

use super::photo::SpeakerPhoto;
use super::queries::{self, NewRoom, NewSpeaker, SessionFields, SpeakerRow};
use super::rules::{clashes, Booking, Clash, Slot};
use crate::audit;
use crate::calls::queries::EditionRow;
use crate::db::Tx;
use crate::web::error::AppResult;

/// Serialises the programme's bookings on PostgreSQL (SQLite has a single writer), so that two
/// organisers placing sessions at once cannot both take one room.
const PROGRAMME_LOCK: i64 = 0x4b45_4e45_0010;

/// Why a write was refused; the page names it to the organiser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// The edition already has a room of that name.
    RoomNameTaken,
    /// The session would clash with others.
    Clashes(Vec<Clash>),
    /// Someone saved the session since the page was loaded.
    Stale,
}

/// Adds a room to the venue.
pub async fn add_room(
    tx: &mut Tx,
    edition: &EditionRow,
    room: &NewRoom<'_>,
    actor_id: i64,
    now: i64,
) -> AppResult<Result<i64, Refused>> {
    let Some(id) = queries::insert_room(tx, edition.id, room).await? else {
        return Ok(Err(Refused::RoomNameTaken));
    };
    let details = serde_json::json!({
        "name": room.name, "capacity": room.capacity, "floor": room.floor,
    });
    let object = format!("edition:{}", edition.slug);
    audit::Entry::by(
        actor_id,
        audit::Action::ProgrammeRoomAdded,
        &object,
        details,
    )
    .append(tx, now)
    .await?;
    Ok(Ok(id))
}

/// Adds a speaker (or moderator); returns their id and public id.
pub async fn add_speaker(
    tx: &mut Tx,
    edition: &EditionRow,
    speaker: &NewSpeaker<'_>,
    actor_id: i64,
    now: i64,
) -> AppResult<(i64, String)> {
    let (id, public_id) = queries::insert_speaker(tx, edition.id, speaker, now).await?;
    let details = serde_json::json!({
        "name": speaker.name, "organisation": speaker.organisation,
    });
    let object = format!("speaker:{public_id}");
    audit::Entry::by(
        actor_id,
        audit::Action::ProgrammeSpeakerAdded,
        &object,
        details,
    )
    .append(tx, now)
    .await?;
    Ok((id, public_id))
}

/// A session as an organiser sets it, with its speakers (`(speaker id, role)`, in order).
pub struct SessionDraft<'a> {
    pub fields: SessionFields<'a>,
    pub speakers: Vec<(i64, &'a str)>,
}

/// Which session a save writes: a new one, or an existing one as loaded at a version.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    New,
    Existing {
        id: i64,
        public_id: &'a str,
        expected_version: i64,
    },
}

/// Saves a session, refused when its room or one of its speakers is taken at that time (read
/// in this transaction, under the programme's lock). Returns the session's public id.
pub async fn save_session(
    tx: &mut Tx,
    edition: &EditionRow,
    target: Target<'_>,
    draft: &SessionDraft<'_>,
    actor_id: i64,
    now: i64,
) -> AppResult<Result<String, Refused>> {
    let f = &draft.fields;
    let slot = Slot::new(f.starts_at, f.ends_at)
        .map_err(|e| crate::web::error::AppError::BadRequest(e.key()))?;
    tx.lock(PROGRAMME_LOCK).await?;
    let booked: Vec<Booking> = queries::booked_tx(tx, edition.id)
        .await?
        .into_iter()
        .filter_map(|b| {
            let slot = Slot::new(b.starts_at, b.ends_at).ok()?;
            let speakers = b
                .speakers
                .split(',')
                .filter_map(|id| id.parse().ok())
                .collect();
            Some(Booking {
                session: Some(b.public_id),
                room: b.room_id,
                slot,
                speakers,
            })
        })
        .collect();
    let new = Booking {
        session: match target {
            Target::New => None,
            Target::Existing { public_id, .. } => Some(public_id.to_owned()),
        },
        room: f.room_id,
        slot,
        speakers: draft.speakers.iter().map(|(id, _)| *id).collect(),
    };
    let found = clashes(&new, &booked);
    if !found.is_empty() {
        return Ok(Err(Refused::Clashes(found)));
    }
    let (id, public_id, action) = match target {
        Target::New => {
            let (id, public_id) = queries::insert_session(tx, edition.id, f, now).await?;
            (id, public_id, audit::Action::ProgrammeSessionAdded)
        }
        Target::Existing {
            id,
            public_id,
            expected_version,
        } => {
            if !queries::update_session(tx, id, expected_version, f).await? {
                return Ok(Err(Refused::Stale));
            }
            (
                id,
                public_id.to_owned(),
                audit::Action::ProgrammeSessionChanged,
            )
        }
    };
    queries::set_speakers(tx, id, &draft.speakers).await?;
    let details = serde_json::json!({
        "kind": f.kind.as_str(), "title_fr": f.title_fr, "title_en": f.title_en,
        "starts_at": f.starts_at, "ends_at": f.ends_at, "room_id": f.room_id,
        "speakers": draft.speakers.iter().map(|(id, role)| (id, role)).collect::<Vec<_>>(),
    });
    let object = format!("session:{public_id}");
    audit::Entry::by(actor_id, action, &object, details)
        .append(tx, now)
        .await?;
    Ok(Ok(public_id))
}

/// Adds a session to a person's own programme, or takes it out (`follow` false). A personal
/// choice, seen by nobody else: not audited.
pub async fn set_followed(
    tx: &mut Tx,
    user_id: i64,
    session_id: i64,
    follow: bool,
    now: i64,
) -> AppResult<()> {
    if follow {
        queries::follow(tx, user_id, session_id, now).await?;
    } else {
        queries::unfollow(tx, user_id, session_id).await?;
    }
    Ok(())
}

/// Sets a speaker's photo (already reduced), or removes it with `None`.
pub async fn set_speaker_photo(
    tx: &mut Tx,
    speaker: &SpeakerRow,
    photo: Option<&SpeakerPhoto>,
    actor_id: i64,
    now: i64,
) -> AppResult<()> {
    let stored = photo.map(|p| (p.jpeg.as_slice(), p.sha256.as_str()));
    queries::set_photo(tx, speaker.id, stored).await?;
    let details = serde_json::json!({
        "sha256": photo.map(|p| &p.sha256), "bytes": photo.map(|p| p.jpeg.len()),
    });
    let object = format!("speaker:{}", speaker.public_id);
    audit::Entry::by(
        actor_id,
        audit::Action::ProgrammeSpeakerPhoto,
        &object,
        details,
    )
    .append(tx, now)
    .await?;
    Ok(())
}
