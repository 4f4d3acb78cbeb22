//! The registration tables: attendee categories with their seats, registrations, and the
//! badge signing keys.

use super::rules::{Attendance, CategoryCode, Status};
use crate::db::{Db, DbResult, Tx};
use crate::domain::types::Lang;
use crate::{run, run_tx};

/// An attendee category of an edition.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CategoryRow {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub code: CategoryCode,
    pub name_fr: String,
    pub name_en: String,
    pub capacity: Option<i64>,
    pub taken: i64,
    pub needs_approval: bool,
    pub open_to_public: bool,
    pub colour: String,
    pub form: String,
}

impl CategoryRow {
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.name_fr,
            Lang::En => &self.name_en,
        }
    }

    /// In-person seats left; `None` without a limit.
    pub fn seats_left(&self) -> Option<i64> {
        self.capacity.map(|c| (c - self.taken).max(0))
    }
}

const CATEGORY_SELECT: &str = "SELECT id, code, name_fr, name_en, capacity, taken, \
     needs_approval, open_to_public, colour, form FROM attendee_categories";

pub async fn categories(db: &Db, edition_id: i64) -> DbResult<Vec<CategoryRow>> {
    let sql = format!("{CATEGORY_SELECT} WHERE edition_id = $1 ORDER BY position, id");
    Ok(run!(db, |pool| sqlx::query_as::<_, CategoryRow>(&sql)
        .bind(edition_id)
        .fetch_all(pool)
        .await)?)
}

pub async fn category(db: &Db, edition_id: i64, code: &str) -> DbResult<Option<CategoryRow>> {
    let sql = format!("{CATEGORY_SELECT} WHERE edition_id = $1 AND code = $2");
    Ok(run!(db, |pool| sqlx::query_as::<_, CategoryRow>(&sql)
        .bind(edition_id)
        .bind(code)
        .fetch_optional(pool)
        .await)?)
}

/// A category to create.
pub struct NewCategory<'a> {
    pub code: CategoryCode,
    pub name_fr: &'a str,
    pub name_en: &'a str,
    pub capacity: Option<i64>,
    pub needs_approval: bool,
    pub open_to_public: bool,
    pub colour: &'a str,
    pub form: &'a str,
}

/// Adds a category after the others; `false` when the edition already has it.
pub async fn insert_category(tx: &mut Tx, edition_id: i64, c: &NewCategory<'_>) -> DbResult<bool> {
    let sql = "INSERT INTO attendee_categories (edition_id, code, name_fr, name_en, capacity, \
               needs_approval, open_to_public, colour, form, position) \
               SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, COALESCE(MAX(position), 0) + 1 \
               FROM attendee_categories WHERE edition_id = $1 \
               ON CONFLICT (edition_id, code) DO NOTHING";
    let added = run_tx!(tx, |conn| sqlx::query(sql)
        .bind(edition_id)
        .bind(c.code.as_str())
        .bind(c.name_fr)
        .bind(c.name_en)
        .bind(c.capacity)
        .bind(c.needs_approval)
        .bind(c.open_to_public)
        .bind(c.colour)
        .bind(c.form)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(added == 1)
}

/// What organisers change of a category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CategorySettings {
    pub capacity: Option<i64>,
    pub needs_approval: bool,
    pub open_to_public: bool,
}

/// Changes a category's settings; `false` when the seats would fall under those already
/// taken (nothing changed).
pub async fn update_category(tx: &mut Tx, id: i64, s: CategorySettings) -> DbResult<bool> {
    let sql = "UPDATE attendee_categories SET capacity = $2, needs_approval = $3, \
               open_to_public = $4 WHERE id = $1 AND (CAST($2 AS BIGINT) IS NULL OR taken <= $2)";
    let changed = run_tx!(tx, |conn| sqlx::query(sql)
        .bind(id)
        .bind(s.capacity)
        .bind(s.needs_approval)
        .bind(s.open_to_public)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(changed == 1)
}

/// Replaces a category's questions (a form definition, as JSON).
pub async fn set_form(tx: &mut Tx, id: i64, form: &str) -> DbResult<()> {
    let sql = "UPDATE attendee_categories SET form = $2 WHERE id = $1";
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(id)
        .bind(form)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Takes one in-person seat if one is left. The condition is checked by the database as the
/// row is updated, so two people taking the last seat at once cannot both get it.
pub async fn take_seat(tx: &mut Tx, category_id: i64) -> DbResult<bool> {
    let sql = "UPDATE attendee_categories SET taken = taken + 1 \
               WHERE id = $1 AND (capacity IS NULL OR taken < capacity)";
    let taken = run_tx!(tx, |conn| sqlx::query(sql)
        .bind(category_id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(taken == 1)
}

pub async fn free_seat(tx: &mut Tx, category_id: i64) -> DbResult<()> {
    let sql = "UPDATE attendee_categories SET taken = taken - 1 WHERE id = $1 AND taken > 0";
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(category_id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// A registration, with its category.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RegistrationRow {
    pub id: i64,
    pub public_id: String,
    pub edition_id: i64,
    pub category_id: i64,
    #[sqlx(try_from = "String")]
    pub category: CategoryCode,
    pub account_id: i64,
    #[sqlx(try_from = "String")]
    pub attendance: Attendance,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub display_name: String,
    pub organisation: String,
    pub answers: String,
    pub badge_token: String,
    pub created_at: i64,
    pub updated_at: i64,
}

impl RegistrationRow {
    /// Holds a badge: confirmed, in the room.
    pub fn has_badge(&self) -> bool {
        self.status == Status::Confirmed && self.attendance == Attendance::InPerson
    }

    /// The number printed under the QR code.
    pub fn badge_number(&self) -> String {
        format!("{:06}", self.id)
    }
}

const REGISTRATION_SELECT: &str = "SELECT r.id, r.public_id, r.edition_id, r.category_id, \
     c.code AS category, r.account_id, r.attendance, r.status, r.display_name, r.organisation, \
     r.answers, r.badge_token, r.created_at, r.updated_at FROM registrations r \
     JOIN attendee_categories c ON c.id = r.category_id";

/// The person's registration to the edition that still counts, if any.
pub async fn live_registration(
    db: &Db,
    edition_id: i64,
    account_id: i64,
) -> DbResult<Option<RegistrationRow>> {
    let sql = format!(
        "{REGISTRATION_SELECT} WHERE r.edition_id = $1 AND r.account_id = $2 \
         AND r.status IN ('pending', 'confirmed', 'waitlisted')"
    );
    Ok(run!(db, |pool| sqlx::query_as::<_, RegistrationRow>(&sql)
        .bind(edition_id)
        .bind(account_id)
        .fetch_optional(pool)
        .await)?)
}

/// The person's registrations that still count, in every edition.
pub async fn live_registrations_of_account(
    db: &Db,
    account_id: i64,
) -> DbResult<Vec<RegistrationRow>> {
    let sql = format!(
        "{REGISTRATION_SELECT} WHERE r.account_id = $1 \
         AND r.status IN ('pending', 'confirmed', 'waitlisted') ORDER BY r.id"
    );
    Ok(run!(db, |pool| sqlx::query_as::<_, RegistrationRow>(&sql)
        .bind(account_id)
        .fetch_all(pool)
        .await)?)
}

/// The person's registrations to the edition, newest first (cancelled ones included).
pub async fn registrations_of(
    db: &Db,
    edition_id: i64,
    account_id: i64,
) -> DbResult<Vec<RegistrationRow>> {
    let sql = format!(
        "{REGISTRATION_SELECT} WHERE r.edition_id = $1 AND r.account_id = $2 ORDER BY r.id DESC"
    );
    Ok(run!(db, |pool| sqlx::query_as::<_, RegistrationRow>(&sql)
        .bind(edition_id)
        .bind(account_id)
        .fetch_all(pool)
        .await)?)
}

pub async fn registration(
    db: &Db,
    edition_id: i64,
    public_id: &str,
) -> DbResult<Option<RegistrationRow>> {
    let sql = format!("{REGISTRATION_SELECT} WHERE r.edition_id = $1 AND r.public_id = $2");
    Ok(run!(db, |pool| sqlx::query_as::<_, RegistrationRow>(&sql)
        .bind(edition_id)
        .bind(public_id)
        .fetch_optional(pool)
        .await)?)
}

/// The registration just written, read in its transaction.
pub async fn registration_tx(
    tx: &mut Tx,
    edition_id: i64,
    public_id: &str,
) -> DbResult<RegistrationRow> {
    let sql = format!("{REGISTRATION_SELECT} WHERE r.edition_id = $1 AND r.public_id = $2");
    Ok(run_tx!(tx, |conn| sqlx::query_as::<_, RegistrationRow>(
        &sql
    )
    .bind(edition_id)
    .bind(public_id)
    .fetch_one(conn)
    .await)?)
}

/// How to reach a person.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Contact {
    pub email: Option<String>,
    pub phone: Option<String>,
    pub locale: String,
}

pub async fn contact(tx: &mut Tx, account_id: i64) -> DbResult<Option<Contact>> {
    let sql = "SELECT email, phone, locale FROM users WHERE id = $1";
    Ok(run_tx!(tx, |conn| sqlx::query_as::<_, Contact>(sql)
        .bind(account_id)
        .fetch_optional(conn)
        .await)?)
}

pub async fn by_badge_token(db: &Db, token: &str) -> DbResult<Option<RegistrationRow>> {
    let sql = format!("{REGISTRATION_SELECT} WHERE r.badge_token = $1");
    Ok(run!(db, |pool| sqlx::query_as::<_, RegistrationRow>(&sql)
        .bind(token)
        .fetch_optional(pool)
        .await)?)
}

/// Every registration of the edition, by category then in order of arrival.
pub async fn registrations(db: &Db, edition_id: i64) -> DbResult<Vec<RegistrationRow>> {
    let sql = format!("{REGISTRATION_SELECT} WHERE r.edition_id = $1 ORDER BY c.position, r.id");
    Ok(run!(db, |pool| sqlx::query_as::<_, RegistrationRow>(&sql)
        .bind(edition_id)
        .fetch_all(pool)
        .await)?)
}

/// A registration to record.
pub struct NewRegistration<'a> {
    pub edition_id: i64,
    pub category_id: i64,
    pub account_id: i64,
    pub attendance: Attendance,
    pub status: Status,
    pub display_name: &'a str,
    pub organisation: &'a str,
    pub answers: &'a str,
}

/// Records a registration; `None` when the person already has one that counts.
pub async fn insert_registration(
    tx: &mut Tx,
    r: &NewRegistration<'_>,
    now_ms: i64,
) -> DbResult<Option<(i64, String)>> {
    let public_id = crate::crypto::random_public_id();
    let token = crate::crypto::random_public_id();
    let sql = "INSERT INTO registrations (public_id, edition_id, category_id, account_id, \
               attendance, status, display_name, organisation, answers, badge_token, created_at, \
               updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) \
               ON CONFLICT DO NOTHING RETURNING id";
    let id: Option<i64> = run_tx!(tx, |conn| sqlx::query_scalar(sql)
        .bind(&public_id)
        .bind(r.edition_id)
        .bind(r.category_id)
        .bind(r.account_id)
        .bind(r.attendance.as_str())
        .bind(r.status.as_str())
        .bind(r.display_name)
        .bind(r.organisation)
        .bind(r.answers)
        .bind(&token)
        .bind(now_ms)
        .fetch_optional(conn)
        .await)?;
    Ok(id.map(|id| (id, public_id)))
}

/// Moves a registration from `from` to `to`; `false` when it was no longer `from` (someone
/// else changed it first).
pub async fn set_status(
    tx: &mut Tx,
    id: i64,
    (from, to): (Status, Status),
    now_ms: i64,
) -> DbResult<bool> {
    let sql = "UPDATE registrations SET status = $3, updated_at = $4 WHERE id = $1 AND status = $2";
    let changed = run_tx!(tx, |conn| sqlx::query(sql)
        .bind(id)
        .bind(from.as_str())
        .bind(to.as_str())
        .bind(now_ms)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(changed == 1)
}

/// The first people waiting for a seat of the category, in order of arrival.
pub async fn waitlist(tx: &mut Tx, category_id: i64, limit: i64) -> DbResult<Vec<RegistrationRow>> {
    let sql = format!(
        "{REGISTRATION_SELECT} WHERE r.category_id = $1 AND r.status = 'waitlisted' \
         ORDER BY r.id LIMIT $2"
    );
    Ok(run_tx!(tx, |conn| sqlx::query_as::<_, RegistrationRow>(
        &sql
    )
    .bind(category_id)
    .bind(limit)
    .fetch_all(conn)
    .await)?)
}

/// How many registrations of each category are in each state: `(category id, status, n)`.
pub async fn counts(db: &Db, edition_id: i64) -> DbResult<Vec<(i64, String, i64)>> {
    let sql = "SELECT category_id, status, COUNT(*) FROM registrations WHERE edition_id = $1 \
               GROUP BY category_id, status";
    Ok(run!(db, |pool| sqlx::query_as::<_, (i64, String, i64)>(
        sql
    )
    .bind(edition_id)
    .fetch_all(pool)
    .await)?)
}

/// The numbers of badges that no longer let anyone in (cancelled registrations).
pub async fn revoked_badges(db: &Db, edition_id: i64) -> DbResult<Vec<i64>> {
    let sql = "SELECT id FROM registrations WHERE edition_id = $1 AND status = 'cancelled' \
               AND attendance = 'in_person' ORDER BY id";
    Ok(run!(db, |pool| sqlx::query_scalar::<_, i64>(sql)
        .bind(edition_id)
        .fetch_all(pool)
        .await)?)
}

/// Gives the edition a badge signing key if it has none yet.
pub async fn ensure_signing_key(tx: &mut Tx, edition_id: i64, now_ms: i64) -> DbResult<()> {
    let key = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
    let sql = "INSERT INTO badge_keys (edition_id, key_id, secret, public_key, created_at) \
               SELECT $1, 1, $2, $3, $4 WHERE NOT EXISTS \
               (SELECT 1 FROM badge_keys WHERE edition_id = $1) \
               ON CONFLICT (edition_id, key_id) DO NOTHING";
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(edition_id)
        .bind(key.to_bytes().to_vec())
        .bind(key.verifying_key().to_bytes().to_vec())
        .bind(now_ms)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The edition's newest badge signing key, `(key id, secret)`.
pub async fn signing_key(db: &Db, edition_id: i64) -> DbResult<Option<(i64, Vec<u8>)>> {
    let sql = "SELECT key_id, secret FROM badge_keys WHERE edition_id = $1 \
               ORDER BY key_id DESC LIMIT 1";
    Ok(run!(db, |pool| sqlx::query_as(sql)
        .bind(edition_id)
        .fetch_optional(pool)
        .await)?)
}

/// The edition's verifying keys, `(key id, public key)`: what door phones hold.
pub async fn verifying_keys(db: &Db, edition_id: i64) -> DbResult<Vec<(i64, Vec<u8>)>> {
    let sql = "SELECT key_id, public_key FROM badge_keys WHERE edition_id = $1 ORDER BY key_id";
    Ok(run!(db, |pool| sqlx::query_as(sql)
        .bind(edition_id)
        .fetch_all(pool)
        .await)?)
}
