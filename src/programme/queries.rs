//! The programme's tables: rooms, speakers, sessions and who speaks in them.

use super::rules::SessionKind;
use crate::db::{Db, DbResult, Tx};
use crate::domain::types::Lang;
use crate::{run, run_tx};

/// A room of the venue.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RoomRow {
    pub id: i64,
    pub name: String,
    pub capacity: i64,
    pub floor: String,
}

pub async fn rooms(db: &Db, edition_id: i64) -> DbResult<Vec<RoomRow>> {
    let sql = "SELECT id, name, capacity, floor FROM programme_rooms WHERE edition_id = $1 \
               ORDER BY position, id";
    Ok(run!(db, |pool| sqlx::query_as::<_, RoomRow>(sql)
        .bind(edition_id)
        .fetch_all(pool)
        .await)?)
}

/// A room to add.
pub struct NewRoom<'a> {
    pub name: &'a str,
    pub capacity: i64,
    pub floor: &'a str,
}

/// Adds a room after the others; `None` when the edition already has a room of that name.
pub async fn insert_room(
    tx: &mut Tx,
    edition_id: i64,
    room: &NewRoom<'_>,
) -> DbResult<Option<i64>> {
    let sql = "INSERT INTO programme_rooms (edition_id, name, capacity, floor, position) \
               SELECT $1, $2, $3, $4, COALESCE(MAX(position), 0) + 1 FROM programme_rooms \
               WHERE edition_id = $1 ON CONFLICT (edition_id, name) DO NOTHING RETURNING id";
    Ok(run_tx!(tx, |conn| sqlx::query_scalar::<_, i64>(sql)
        .bind(edition_id)
        .bind(room.name)
        .bind(room.capacity)
        .bind(room.floor)
        .fetch_optional(conn)
        .await)?)
}

/// A speaker (or moderator) of the edition.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SpeakerRow {
    pub id: i64,
    pub public_id: String,
    pub name: String,
    pub organisation: String,
    pub country: String,
    pub bio_fr: String,
    pub bio_en: String,
    /// Names the photo in addresses; `None` without a photo.
    pub photo_sha256: Option<String>,
}

impl SpeakerRow {
    pub fn bio(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.bio_fr,
            Lang::En => &self.bio_en,
        }
    }
}

pub async fn speakers(db: &Db, edition_id: i64) -> DbResult<Vec<SpeakerRow>> {
    let sql = "SELECT id, public_id, name, organisation, country, bio_fr, bio_en, photo_sha256 \
               FROM programme_speakers WHERE edition_id = $1 ORDER BY name, id";
    Ok(run!(db, |pool| sqlx::query_as::<_, SpeakerRow>(sql)
        .bind(edition_id)
        .fetch_all(pool)
        .await)?)
}

/// A speaker to add.
pub struct NewSpeaker<'a> {
    pub name: &'a str,
    pub organisation: &'a str,
    pub country: &'a str,
    pub bio_fr: &'a str,
    pub bio_en: &'a str,
}

/// Adds a speaker; returns their id and public id.
pub async fn insert_speaker(
    tx: &mut Tx,
    edition_id: i64,
    s: &NewSpeaker<'_>,
    now_ms: i64,
) -> DbResult<(i64, String)> {
    let public_id = crate::crypto::random_public_id();
    let sql = "INSERT INTO programme_speakers (public_id, edition_id, name, organisation, \
               country, bio_fr, bio_en, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
               RETURNING id";
    let id: i64 = run_tx!(tx, |conn| sqlx::query_scalar(sql)
        .bind(&public_id)
        .bind(edition_id)
        .bind(s.name)
        .bind(s.organisation)
        .bind(s.country)
        .bind(s.bio_fr)
        .bind(s.bio_en)
        .bind(now_ms)
        .fetch_one(conn)
        .await)?;
    Ok((id, public_id))
}

/// A session as stored, with its room's name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub id: i64,
    pub public_id: String,
    #[sqlx(try_from = "String")]
    pub kind: SessionKind,
    pub title_fr: String,
    pub title_en: String,
    pub abstract_fr: String,
    pub abstract_en: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub room_id: Option<i64>,
    pub room_name: Option<String>,
    pub theme: String,
    pub language: String,
    pub online_url: String,
    pub stream_url: String,
    pub links_public: bool,
    pub version: i64,
}

impl SessionRow {
    pub fn title(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.title_fr,
            Lang::En => &self.title_en,
        }
    }

    pub fn abstract_text(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.abstract_fr,
            Lang::En => &self.abstract_en,
        }
    }
}

const SESSION_SELECT: &str = "SELECT s.id, s.public_id, s.kind, s.title_fr, s.title_en, \
     s.abstract_fr, s.abstract_en, s.starts_at, s.ends_at, s.room_id, r.name AS room_name, \
     s.theme, s.language, s.online_url, s.stream_url, s.links_public, s.version \
     FROM programme_sessions s \
     LEFT JOIN programme_rooms r ON r.id = s.room_id";

/// Every session of the edition, in time order (then by room).
pub async fn sessions(db: &Db, edition_id: i64) -> DbResult<Vec<SessionRow>> {
    let sql =
        format!("{SESSION_SELECT} WHERE s.edition_id = $1 ORDER BY s.starts_at, r.position, s.id");
    Ok(run!(db, |pool| sqlx::query_as::<_, SessionRow>(&sql)
        .bind(edition_id)
        .fetch_all(pool)
        .await)?)
}

pub async fn session(db: &Db, edition_id: i64, public_id: &str) -> DbResult<Option<SessionRow>> {
    let sql = format!("{SESSION_SELECT} WHERE s.edition_id = $1 AND s.public_id = $2");
    Ok(run!(db, |pool| sqlx::query_as::<_, SessionRow>(&sql)
        .bind(edition_id)
        .bind(public_id)
        .fetch_optional(pool)
        .await)?)
}

/// One speaker of one session.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionSpeakerRow {
    pub session_id: i64,
    pub speaker_id: i64,
    pub public_id: String,
    pub name: String,
    pub organisation: String,
    /// 'moderator' or 'speaker'.
    pub role: String,
}

/// Who speaks in the edition's sessions, each session's in the order shown.
async fn session_speakers(db: &Db, edition_id: i64) -> DbResult<Vec<SessionSpeakerRow>> {
    let sql = "SELECT ss.session_id, ss.speaker_id, p.public_id, p.name, p.organisation, ss.role \
               FROM programme_session_speakers ss \
               JOIN programme_sessions s ON s.id = ss.session_id \
               JOIN programme_speakers p ON p.id = ss.speaker_id \
               WHERE s.edition_id = $1 ORDER BY ss.session_id, ss.position";
    Ok(run!(db, |pool| sqlx::query_as::<_, SessionSpeakerRow>(
        sql
    )
    .bind(edition_id)
    .fetch_all(pool)
    .await)?)
}

/// Who speaks in each session of the edition (by session id), in the order shown.
pub async fn speakers_by_session(
    db: &Db,
    edition_id: i64,
) -> DbResult<std::collections::BTreeMap<i64, Vec<SessionSpeakerRow>>> {
    let mut by_session: std::collections::BTreeMap<i64, Vec<SessionSpeakerRow>> =
        std::collections::BTreeMap::new();
    for row in session_speakers(db, edition_id).await? {
        by_session.entry(row.session_id).or_default().push(row);
    }
    Ok(by_session)
}

/// A session's place in time and space, and who speaks, read in the transaction that books
/// another one (to find clashes).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BookedRow {
    pub public_id: String,
    pub room_id: Option<i64>,
    pub starts_at: i64,
    pub ends_at: i64,
    /// The speakers' ids, comma-separated ('' for none).
    pub speakers: String,
}

pub async fn booked_tx(tx: &mut Tx, edition_id: i64) -> DbResult<Vec<BookedRow>> {
    let sql = "SELECT s.public_id, s.room_id, s.starts_at, s.ends_at, \
               COALESCE((SELECT STRING_AGG(CAST(ss.speaker_id AS TEXT), ',') \
                         FROM programme_session_speakers ss WHERE ss.session_id = s.id), '') \
               AS speakers FROM programme_sessions s WHERE s.edition_id = $1";
    Ok(run_tx!(tx, |conn| sqlx::query_as::<_, BookedRow>(sql)
        .bind(edition_id)
        .fetch_all(conn)
        .await)?)
}

/// What an organiser sets on a session.
pub struct SessionFields<'a> {
    pub kind: SessionKind,
    pub title_fr: &'a str,
    pub title_en: &'a str,
    pub abstract_fr: &'a str,
    pub abstract_en: &'a str,
    pub starts_at: i64,
    pub ends_at: i64,
    pub room_id: Option<i64>,
    pub theme: &'a str,
    pub language: &'a str,
    pub links: SessionLinks<'a>,
}

/// A hybrid session's links ('' when it has none), and whether everyone may see them (else
/// only the people registered to follow online).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SessionLinks<'a> {
    pub online_url: &'a str,
    pub stream_url: &'a str,
    pub public: bool,
}

/// Adds a session; returns its id and public id.
pub async fn insert_session(
    tx: &mut Tx,
    edition_id: i64,
    s: &SessionFields<'_>,
    now_ms: i64,
) -> DbResult<(i64, String)> {
    let public_id = crate::crypto::random_public_id();
    let sql = "INSERT INTO programme_sessions (public_id, edition_id, kind, title_fr, title_en, \
               abstract_fr, abstract_en, starts_at, ends_at, room_id, theme, language, created_at, \
               online_url, stream_url, links_public) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
               RETURNING id";
    let id: i64 = run_tx!(tx, |conn| sqlx::query_scalar(sql)
        .bind(&public_id)
        .bind(edition_id)
        .bind(s.kind.as_str())
        .bind(s.title_fr)
        .bind(s.title_en)
        .bind(s.abstract_fr)
        .bind(s.abstract_en)
        .bind(s.starts_at)
        .bind(s.ends_at)
        .bind(s.room_id)
        .bind(s.theme)
        .bind(s.language)
        .bind(now_ms)
        .bind(s.links.online_url)
        .bind(s.links.stream_url)
        .bind(s.links.public)
        .fetch_one(conn)
        .await)?;
    Ok((id, public_id))
}

/// Changes a session still at `expected_version`; `false` (nothing written) otherwise.
pub async fn update_session(
    tx: &mut Tx,
    id: i64,
    expected_version: i64,
    s: &SessionFields<'_>,
) -> DbResult<bool> {
    let sql = "UPDATE programme_sessions SET kind = $3, title_fr = $4, title_en = $5, \
               abstract_fr = $6, abstract_en = $7, starts_at = $8, ends_at = $9, room_id = $10, \
               theme = $11, language = $12, online_url = $13, stream_url = $14, \
               links_public = $15, version = version + 1 WHERE id = $1 AND version = $2";
    let n = run_tx!(tx, |conn| sqlx::query(sql)
        .bind(id)
        .bind(expected_version)
        .bind(s.kind.as_str())
        .bind(s.title_fr)
        .bind(s.title_en)
        .bind(s.abstract_fr)
        .bind(s.abstract_en)
        .bind(s.starts_at)
        .bind(s.ends_at)
        .bind(s.room_id)
        .bind(s.theme)
        .bind(s.language)
        .bind(s.links.online_url)
        .bind(s.links.stream_url)
        .bind(s.links.public)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Replaces who speaks in a session: `(speaker id, role)` in the order shown.
pub async fn set_speakers(tx: &mut Tx, session_id: i64, speakers: &[(i64, &str)]) -> DbResult<()> {
    let delete = "DELETE FROM programme_session_speakers WHERE session_id = $1";
    run_tx!(tx, |conn| sqlx::query(delete)
        .bind(session_id)
        .execute(conn)
        .await
        .map(|_| ()))?;
    let insert = "INSERT INTO programme_session_speakers (session_id, speaker_id, role, position) \
                  VALUES ($1, $2, $3, $4)";
    for (position, (speaker_id, role)) in speakers.iter().enumerate() {
        run_tx!(tx, |conn| sqlx::query(insert)
            .bind(session_id)
            .bind(speaker_id)
            .bind(role)
            .bind(position as i64 + 1)
            .execute(conn)
            .await
            .map(|_| ()))?;
    }
    Ok(())
}

/// The sessions of the edition `user_id` follows ("my programme").
pub async fn followed(db: &Db, user_id: i64, edition_id: i64) -> DbResult<Vec<i64>> {
    let sql = "SELECT f.session_id FROM programme_favourites f \
               JOIN programme_sessions s ON s.id = f.session_id \
               WHERE f.user_id = $1 AND s.edition_id = $2";
    Ok(run!(db, |pool| sqlx::query_scalar::<_, i64>(sql)
        .bind(user_id)
        .bind(edition_id)
        .fetch_all(pool)
        .await)?)
}

/// Adds a session to a person's programme (nothing when already there).
pub async fn follow(tx: &mut Tx, user_id: i64, session_id: i64, now_ms: i64) -> DbResult<()> {
    let sql = "INSERT INTO programme_favourites (user_id, session_id, added_at) \
               VALUES ($1, $2, $3) ON CONFLICT (user_id, session_id) DO NOTHING";
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(user_id)
        .bind(session_id)
        .bind(now_ms)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// Takes a session out of a person's programme.
pub async fn unfollow(tx: &mut Tx, user_id: i64, session_id: i64) -> DbResult<()> {
    let sql = "DELETE FROM programme_favourites WHERE user_id = $1 AND session_id = $2";
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(user_id)
        .bind(session_id)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// Sets (or, with `None`, removes) a speaker's photo: JPEG bytes and their SHA-256.
pub async fn set_photo(tx: &mut Tx, speaker_id: i64, photo: Option<(&[u8], &str)>) -> DbResult<()> {
    let sql = "UPDATE programme_speakers SET photo = $2, photo_sha256 = $3 WHERE id = $1";
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(speaker_id)
        .bind(photo.map(|(bytes, _)| bytes))
        .bind(photo.map(|(_, sha)| sha))
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// The JPEG of a speaker of the edition whose photo's SHA-256 is `sha256`.
pub async fn photo(
    db: &Db,
    edition_id: i64,
    speaker: &str,
    sha256: &str,
) -> DbResult<Option<Vec<u8>>> {
    let sql = "SELECT photo FROM programme_speakers WHERE edition_id = $1 AND public_id = $2 \
               AND photo_sha256 = $3";
    let row: Option<Option<Vec<u8>>> = run!(db, |pool| sqlx::query_scalar(sql)
        .bind(edition_id)
        .bind(speaker)
        .bind(sha256)
        .fetch_optional(pool)
        .await)?;
    Ok(row.flatten())
}
