//! The networking tables: participants' profiles and the meeting requests between them.

use super::rules::{Profile, Sector, Slot, Status};
use crate::db::{Db, DbResult, Tx};
use crate::{run, run_tx};

/// Whether the person takes part in the edition: a confirmed registration, any category, in
/// the room or online.
pub async fn is_participant(db: &Db, edition_id: i64, account_id: i64) -> DbResult<bool> {
    let sql = "SELECT CAST(COUNT(*) AS BIGINT) FROM registrations \
               WHERE edition_id = $1 AND account_id = $2 AND status = 'confirmed'";
    let n: i64 = run!(db, |pool| sqlx::query_scalar(sql)
        .bind(edition_id)
        .bind(account_id)
        .fetch_one(pool)
        .await)?;
    Ok(n > 0)
}

/// A profile with the name its owner registered under.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProfileRow {
    pub id: i64,
    pub public_id: String,
    pub account_id: i64,
    pub name: String,
    pub organisation: String,
    #[sqlx(try_from = "String")]
    pub sector: Sector,
    pub looking_for: String,
    pub offers: String,
    pub contact_consent: bool,
    pub visible: bool,
}

// The name is the one on the person's confirmed registration: only participants appear.
const PROFILE_SELECT: &str = "SELECT p.id, p.public_id, p.account_id, r.display_name AS name, \
     p.organisation, p.sector, p.looking_for, p.offers, p.contact_consent, p.visible \
     FROM networking_profiles p JOIN registrations r ON r.edition_id = p.edition_id \
     AND r.account_id = p.account_id AND r.status = 'confirmed'";

/// The person's own profile (listed or not).
pub async fn own_profile(
    db: &Db,
    edition_id: i64,
    account_id: i64,
) -> DbResult<Option<ProfileRow>> {
    let sql = format!("{PROFILE_SELECT} WHERE p.edition_id = $1 AND p.account_id = $2");
    Ok(run!(db, |pool| sqlx::query_as::<_, ProfileRow>(&sql)
        .bind(edition_id)
        .bind(account_id)
        .fetch_optional(pool)
        .await)?)
}

/// A listed profile of the directory.
pub async fn listed_profile(
    db: &Db,
    edition_id: i64,
    public_id: &str,
) -> DbResult<Option<ProfileRow>> {
    let sql = format!(
        "{PROFILE_SELECT} WHERE p.edition_id = $1 AND p.public_id = $2 AND p.visible = TRUE"
    );
    Ok(run!(db, |pool| sqlx::query_as::<_, ProfileRow>(&sql)
        .bind(edition_id)
        .bind(public_id)
        .fetch_optional(pool)
        .await)?)
}

/// The directory: listed profiles, of one sector if given, whose name, organisation or
/// wishes contain `text` (any case), by name.
pub async fn directory(
    db: &Db,
    edition_id: i64,
    sector: Option<Sector>,
    text: &str,
) -> DbResult<Vec<ProfileRow>> {
    let sql = format!(
        "{PROFILE_SELECT} WHERE p.edition_id = $1 AND p.visible = TRUE \
         AND ($2 = '' OR p.sector = $2) \
         AND ($3 = '' OR LOWER(r.display_name || ' ' || p.organisation || ' ' || \
         p.looking_for || ' ' || p.offers) LIKE '%' || LOWER($3) || '%') \
         ORDER BY r.display_name, p.id LIMIT 200"
    );
    let sector = sector.map(Sector::as_str).unwrap_or_default();
    Ok(run!(db, |pool| sqlx::query_as::<_, ProfileRow>(&sql)
        .bind(edition_id)
        .bind(sector)
        .bind(text)
        .fetch_all(pool)
        .await)?)
}

/// Writes the person's profile and lists it; `(row id, public id)`.
pub async fn upsert_profile(
    tx: &mut Tx,
    (edition_id, account_id): (i64, i64),
    p: &Profile,
    now_ms: i64,
) -> DbResult<(i64, String)> {
    let public_id = crate::crypto::random_public_id();
    let sql = "INSERT INTO networking_profiles (public_id, edition_id, account_id, organisation, \
               sector, looking_for, offers, contact_consent, visible, created_at, updated_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, TRUE, $9, $9) \
               ON CONFLICT (edition_id, account_id) DO UPDATE SET \
               organisation = excluded.organisation, sector = excluded.sector, \
               looking_for = excluded.looking_for, offers = excluded.offers, \
               contact_consent = excluded.contact_consent, visible = TRUE, \
               updated_at = excluded.updated_at RETURNING id, public_id";
    Ok(run_tx!(tx, |conn| sqlx::query_as::<_, (i64, String)>(sql)
        .bind(&public_id)
        .bind(edition_id)
        .bind(account_id)
        .bind(&p.organisation)
        .bind(p.sector.as_str())
        .bind(&p.looking_for)
        .bind(&p.offers)
        .bind(p.contact_consent)
        .bind(now_ms)
        .fetch_one(conn)
        .await)?)
}

/// Takes the person's profile out of the directory; `false` when it was not listed.
pub async fn hide_profile(
    tx: &mut Tx,
    (edition_id, account_id): (i64, i64),
    now_ms: i64,
) -> DbResult<bool> {
    let sql = "UPDATE networking_profiles SET visible = FALSE, updated_at = $3 \
               WHERE edition_id = $1 AND account_id = $2 AND visible = TRUE";
    let n = run_tx!(tx, |conn| sqlx::query(sql)
        .bind(edition_id)
        .bind(account_id)
        .bind(now_ms)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// A meeting request, with both people's names and the recipient's and sender's consent to
/// share their contact details.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MeetingRow {
    pub id: i64,
    pub public_id: String,
    pub from_account: i64,
    pub to_account: i64,
    pub from_name: String,
    pub to_name: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub place: String,
    pub message: String,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub from_consents: bool,
    pub to_consents: bool,
}

const MEETING_SELECT: &str = "SELECT m.id, m.public_id, m.from_account, m.to_account, \
     uf.display_name AS from_name, ut.display_name AS to_name, m.starts_at, m.ends_at, \
     m.place, m.message, m.status, \
     COALESCE((SELECT pf.contact_consent FROM networking_profiles pf \
       WHERE pf.edition_id = m.edition_id AND pf.account_id = m.from_account), FALSE) \
       AS from_consents, \
     COALESCE((SELECT pt.contact_consent FROM networking_profiles pt \
       WHERE pt.edition_id = m.edition_id AND pt.account_id = m.to_account), FALSE) \
       AS to_consents \
     FROM meeting_requests m JOIN users uf ON uf.id = m.from_account \
     JOIN users ut ON ut.id = m.to_account";

/// The person's requests, sent and received, by slot.
pub async fn meetings_of(db: &Db, edition_id: i64, account_id: i64) -> DbResult<Vec<MeetingRow>> {
    let sql = format!(
        "{MEETING_SELECT} WHERE m.edition_id = $1 AND (m.from_account = $2 OR m.to_account = $2) \
         ORDER BY m.starts_at, m.id"
    );
    Ok(run!(db, |pool| sqlx::query_as::<_, MeetingRow>(&sql)
        .bind(edition_id)
        .bind(account_id)
        .fetch_all(pool)
        .await)?)
}

/// One request the person is a side of; `None` for anyone else's.
pub async fn meeting_of(
    db: &Db,
    edition_id: i64,
    public_id: &str,
    account_id: i64,
) -> DbResult<Option<MeetingRow>> {
    let sql = format!(
        "{MEETING_SELECT} WHERE m.edition_id = $1 AND m.public_id = $2 \
         AND (m.from_account = $3 OR m.to_account = $3)"
    );
    Ok(run!(db, |pool| sqlx::query_as::<_, MeetingRow>(&sql)
        .bind(edition_id)
        .bind(public_id)
        .bind(account_id)
        .fetch_optional(pool)
        .await)?)
}

/// How many requests the person sent since `since`.
pub async fn sent_since(
    tx: &mut Tx,
    edition_id: i64,
    account_id: i64,
    since: i64,
) -> DbResult<i64> {
    let sql = "SELECT CAST(COUNT(*) AS BIGINT) FROM meeting_requests \
               WHERE edition_id = $1 AND from_account = $2 AND created_at > $3";
    Ok(run_tx!(tx, |conn| sqlx::query_scalar(sql)
        .bind(edition_id)
        .bind(account_id)
        .bind(since)
        .fetch_one(conn)
        .await)?)
}

/// A request to record.
pub struct NewMeeting<'a> {
    pub edition_id: i64,
    pub from_account: i64,
    pub to_account: i64,
    pub slot: Slot,
    pub place: &'a str,
    pub message: &'a str,
}

/// Records a pending request; `None` when one from the same person to the same person is
/// pending already (the database's unique index decides, so two clicks cannot make two).
pub async fn insert_meeting(
    tx: &mut Tx,
    m: &NewMeeting<'_>,
    now_ms: i64,
) -> DbResult<Option<String>> {
    let public_id = crate::crypto::random_public_id();
    let sql = "INSERT INTO meeting_requests (public_id, edition_id, from_account, to_account, \
               starts_at, ends_at, place, message, status, created_at, updated_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9, $9) \
               ON CONFLICT DO NOTHING RETURNING id";
    let id: Option<i64> = run_tx!(tx, |conn| sqlx::query_scalar(sql)
        .bind(&public_id)
        .bind(m.edition_id)
        .bind(m.from_account)
        .bind(m.to_account)
        .bind(m.slot.starts_at)
        .bind(m.slot.ends_at)
        .bind(m.place)
        .bind(m.message)
        .bind(now_ms)
        .fetch_optional(conn)
        .await)?;
    Ok(id.map(|_| public_id))
}

/// Moves a request from `from` to `to`; `false` when it was no longer `from`.
pub async fn set_status(
    tx: &mut Tx,
    id: i64,
    (from, to): (Status, Status),
    now_ms: i64,
) -> DbResult<bool> {
    let sql =
        "UPDATE meeting_requests SET status = $3, updated_at = $4 WHERE id = $1 AND status = $2";
    let n = run_tx!(tx, |conn| sqlx::query(sql)
        .bind(id)
        .bind(from.as_str())
        .bind(to.as_str())
        .bind(now_ms)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// How to reach a person, shown only with their consent on an accepted meeting.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Reach {
    pub email: Option<String>,
    pub phone: Option<String>,
}

pub async fn reach(db: &Db, account_id: i64) -> DbResult<Option<Reach>> {
    let sql = "SELECT email, phone FROM users WHERE id = $1";
    Ok(run!(db, |pool| sqlx::query_as::<_, Reach>(sql)
        .bind(account_id)
        .fetch_optional(pool)
        .await)?)
}

/// The person's name, for the messages.
pub async fn name_tx(tx: &mut Tx, account_id: i64) -> DbResult<Option<String>> {
    let sql = "SELECT display_name FROM users WHERE id = $1";
    Ok(run_tx!(tx, |conn| sqlx::query_scalar(sql)
        .bind(account_id)
        .fetch_optional(conn)
        .await)?)
}
