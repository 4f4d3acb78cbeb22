//! Reading and writing the identity rows: the installation's (`identity`, one row) and an
//! edition's own (`edition_identity`, absent when the edition shows the installation's). Each
//! write is one use case: the change, its audit entry, in the caller's transaction.

use std::collections::HashMap;

use super::{
    Colour, Colours, Identities, Identity, Logo, LogoKind, LogoRef, Scope, Settings, SiteDomain,
};
use crate::audit;
use crate::db::{Db, DbError, DbResult, Tx};
use crate::domain::types::{Email, Localized, PhoneNumber};
use crate::{run, run_tx};

/// What both identity tables hold, in the same names.
const SETTINGS_COLUMNS: &str = "name_fr, name_en, organiser_fr, organiser_en, motto_fr, motto_en, \
    contact_phone, contact_whatsapp, contact_email, official_domain, signatory_1_fr, \
    signatory_1_en, signatory_2_fr, signatory_2_en, brand_colour, on_brand_colour";

/// The settings form's columns, bound `$1`…`$16` in [`SETTINGS_COLUMNS`]' order.
const SET_SETTINGS: &str = "name_fr = $1, name_en = $2, organiser_fr = $3, organiser_en = $4, \
    motto_fr = $5, motto_en = $6, contact_phone = $7, contact_whatsapp = $8, contact_email = $9, \
    official_domain = $10, signatory_1_fr = $11, signatory_1_en = $12, signatory_2_fr = $13, \
    signatory_2_en = $14, brand_colour = $15, on_brand_colour = $16";

#[derive(sqlx::FromRow)]
struct Row {
    name_fr: String,
    name_en: String,
    organiser_fr: String,
    organiser_en: String,
    motto_fr: String,
    motto_en: String,
    contact_phone: Option<String>,
    contact_whatsapp: Option<String>,
    contact_email: Option<String>,
    official_domain: Option<String>,
    signatory_1_fr: String,
    signatory_1_en: String,
    signatory_2_fr: String,
    signatory_2_en: String,
    brand_colour: String,
    on_brand_colour: String,
    logo_mime: Option<String>,
    logo_sha256: Option<String>,
    /// Only the installation's row says it (an edition is a demonstration when its install is).
    #[sqlx(default)]
    demo: bool,
    /// Only an edition's row has one.
    #[sqlx(default)]
    edition_id: i64,
    version: i64,
}

impl Row {
    /// Stored values were parsed when saved; one that no longer parses is a corrupt row.
    fn decode(self) -> DbResult<Identity> {
        let corrupt = |what: &str| DbError::Corrupt(format!("identity: {what}"));
        let optional = |value: Option<String>, what: &str| -> DbResult<Option<PhoneNumber>> {
            value
                .map(|v| PhoneNumber::parse(&v).map_err(|_| corrupt(what)))
                .transpose()
        };
        let colour = |v: &str| Colour::parse(v).map_err(|_| corrupt("colour"));
        let colours = Colours::new(colour(&self.brand_colour)?, colour(&self.on_brand_colour)?)
            .map_err(|_| corrupt("colours"))?;
        let logo = match (self.logo_mime, self.logo_sha256) {
            (Some(mime), Some(sha256)) => Some(LogoRef {
                kind: LogoKind::from_mime(&mime).ok_or_else(|| corrupt("logo type"))?,
                sha256,
            }),
            _ => None,
        };
        Ok(Identity {
            settings: Settings {
                name: Localized::new(self.name_fr, self.name_en),
                organiser: Localized::new(self.organiser_fr, self.organiser_en),
                motto: Localized::new(self.motto_fr, self.motto_en),
                contact_phone: optional(self.contact_phone, "phone")?,
                contact_whatsapp: optional(self.contact_whatsapp, "whatsapp")?,
                contact_email: self
                    .contact_email
                    .map(|v| Email::parse(&v).map_err(|_| corrupt("e-mail")))
                    .transpose()?,
                official_domain: self
                    .official_domain
                    .map(|v| SiteDomain::parse(&v).map_err(|_| corrupt("domain")))
                    .transpose()?,
                colours,
                signatories: [
                    Localized::new(self.signatory_1_fr, self.signatory_1_en),
                    Localized::new(self.signatory_2_fr, self.signatory_2_en),
                ],
            },
            logo,
            demo: self.demo,
            version: self.version,
        })
    }
}

/// The identity stored for `scope`: always one for the installation; `None` for an edition
/// that shows the installation's.
pub async fn load(db: &Db, scope: Scope) -> DbResult<Option<Identity>> {
    let row: Option<Row> = match scope {
        Scope::Installation => {
            let sql = format!(
                "SELECT {SETTINGS_COLUMNS}, logo_mime, logo_sha256, demo, version FROM identity WHERE id = 1"
            );
            run!(db, |pool| sqlx::query_as(&sql).fetch_optional(pool).await)?
        }
        Scope::Edition(edition_id) => {
            let sql = format!(
                "SELECT {SETTINGS_COLUMNS}, logo_mime, logo_sha256, edition_id, version \
                 FROM edition_identity WHERE edition_id = $1"
            );
            run!(db, |pool| sqlx::query_as(&sql)
                .bind(edition_id)
                .fetch_optional(pool)
                .await)?
        }
    };
    row.map(Row::decode).transpose()
}

/// The installation's identity (its row always exists).
pub async fn installation(db: &Db) -> DbResult<Identity> {
    load(db, Scope::Installation)
        .await?
        .ok_or_else(|| DbError::Corrupt("identity: no installation row".into()))
}

/// Every identity pages may show: the installation's and each edition's own, found by the
/// edition's slug too.
/// [`load_all`] as the page cache takes it (see [`crate::web::identities::Loader`]).
pub fn load_all_boxed(
    db: &Db,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = DbResult<Identities>> + Send + '_>> {
    Box::pin(load_all(db))
}

pub async fn load_all(db: &Db) -> DbResult<Identities> {
    let installation = installation(db).await?;
    let sql = format!(
        "SELECT {SETTINGS_COLUMNS}, logo_mime, logo_sha256, edition_id, version FROM edition_identity"
    );
    let rows: Vec<Row> = run!(db, |pool| sqlx::query_as(&sql).fetch_all(pool).await)?;
    let mut by_edition = HashMap::new();
    for row in rows {
        let edition_id = row.edition_id;
        let mut identity = row.decode()?;
        identity.demo = installation.demo;
        by_edition.insert(edition_id, std::sync::Arc::new(identity));
    }
    let sql = "SELECT slug, id FROM editions WHERE id IN (SELECT edition_id FROM edition_identity)";
    let slugs: Vec<(String, i64)> = run!(db, |pool| sqlx::query_as(sql).fetch_all(pool).await)?;
    Ok(Identities::new(
        installation,
        by_edition,
        slugs.into_iter().collect(),
    ))
}

/// The bytes of a stored logo (the installation's or an edition's) named by the first
/// characters of its SHA-256 (at least 16).
pub async fn logo(db: &Db, sha256_prefix: &str) -> DbResult<Option<(LogoKind, Vec<u8>)>> {
    let Some(lookup) = sha256_prefix.get(..16) else {
        return Ok(None);
    };
    let sql = "SELECT logo_mime, logo, logo_sha256 FROM identity \
               WHERE logo IS NOT NULL AND substr(logo_sha256, 1, 16) = $1 \
               UNION ALL SELECT logo_mime, logo, logo_sha256 FROM edition_identity \
               WHERE logo IS NOT NULL AND substr(logo_sha256, 1, 16) = $1";
    let rows: Vec<(String, Vec<u8>, String)> = run!(db, |pool| sqlx::query_as(sql)
        .bind(lookup)
        .fetch_all(pool)
        .await)?;
    Ok(rows.into_iter().find_map(|(mime, bytes, sha256)| {
        let kind = LogoKind::from_mime(&mime)?;
        sha256.starts_with(sha256_prefix).then_some((kind, bytes))
    }))
}

/// Gives an edition its own identity, copied from the installation's (logo included), unless
/// it has one; true when the copy was made.
async fn copy_for_edition(tx: &mut Tx, edition_id: i64) -> DbResult<bool> {
    let sql = format!(
        "INSERT INTO edition_identity (edition_id, {SETTINGS_COLUMNS}, logo, logo_mime, logo_sha256) \
         SELECT $1, {SETTINGS_COLUMNS}, logo, logo_mime, logo_sha256 FROM identity WHERE id = 1 \
         ON CONFLICT (edition_id) DO NOTHING"
    );
    let inserted = run_tx!(tx, |conn| sqlx::query(&sql)
        .bind(edition_id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(inserted == 1)
}

/// Saves the settings of `scope` over version `expected` (see [`crate::web::edit`]; `0` for
/// an edition still showing the installation's identity); false when someone saved in
/// between (nothing written).
pub async fn update(
    tx: &mut Tx,
    scope: Scope,
    settings: &Settings,
    expected: i64,
    actor_id: i64,
    now_ms: i64,
) -> DbResult<bool> {
    let (sql, key, expected) = match scope {
        Scope::Installation => (
            format!(
                "UPDATE identity SET {SET_SETTINGS}, version = version + 1 \
                 WHERE id = $17 AND version = $18"
            ),
            1,
            expected,
        ),
        Scope::Edition(edition_id) => {
            let expected = if expected == 0 {
                if !copy_for_edition(tx, edition_id).await? {
                    return Ok(false);
                }
                1
            } else {
                expected
            };
            (
                format!(
                    "UPDATE edition_identity SET {SET_SETTINGS}, version = version + 1 \
                     WHERE edition_id = $17 AND version = $18"
                ),
                edition_id,
                expected,
            )
        }
    };
    let s = settings;
    let changed = run_tx!(tx, |conn| sqlx::query(&sql)
        .bind(&s.name.fr)
        .bind(&s.name.en)
        .bind(&s.organiser.fr)
        .bind(&s.organiser.en)
        .bind(&s.motto.fr)
        .bind(&s.motto.en)
        .bind(s.contact_phone.as_ref().map(PhoneNumber::as_str))
        .bind(s.contact_whatsapp.as_ref().map(PhoneNumber::as_str))
        .bind(s.contact_email.as_ref().map(Email::as_str))
        .bind(s.official_domain.as_ref().map(SiteDomain::as_str))
        .bind(&s.signatories[0].fr)
        .bind(&s.signatories[0].en)
        .bind(&s.signatories[1].fr)
        .bind(&s.signatories[1].en)
        .bind(s.colours.brand.to_string())
        .bind(s.colours.on_brand.to_string())
        .bind(key)
        .bind(expected)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    if changed != 1 {
        return Ok(false);
    }
    let details = serde_json::json!({
        "version": expected + 1,
        "name": { "fr": s.name.fr, "en": s.name.en },
        "organiser": { "fr": s.organiser.fr, "en": s.organiser.en },
        "motto": { "fr": s.motto.fr, "en": s.motto.en },
        "contact_phone": s.contact_phone.as_ref().map(PhoneNumber::as_str),
        "contact_whatsapp": s.contact_whatsapp.as_ref().map(PhoneNumber::as_str),
        "contact_email": s.contact_email.as_ref().map(Email::as_str),
        "official_domain": s.official_domain.as_ref().map(SiteDomain::as_str),
        "colours": [s.colours.brand.to_string(), s.colours.on_brand.to_string()],
        "signatories": s.signatories.iter().map(|l| [&l.fr, &l.en]).collect::<Vec<_>>(),
    });
    append(
        tx,
        scope,
        actor_id,
        audit::Action::IdentityUpdate,
        details,
        now_ms,
    )
    .await?;
    Ok(true)
}

/// Replaces the logo of `scope` (`None` removes it). An edition still showing the
/// installation's identity gets its own from then on.
pub async fn set_logo(
    tx: &mut Tx,
    scope: Scope,
    logo: Option<&Logo>,
    actor_id: i64,
    now_ms: i64,
) -> DbResult<()> {
    let sha256 = logo.map(|l| crate::crypto::sha256_hex(&l.bytes));
    let (sql, key) = match scope {
        Scope::Installation => (
            "UPDATE identity SET logo = $1, logo_mime = $2, logo_sha256 = $3, \
             version = version + 1 WHERE id = $4",
            1,
        ),
        Scope::Edition(edition_id) => {
            copy_for_edition(tx, edition_id).await?;
            (
                "UPDATE edition_identity SET logo = $1, logo_mime = $2, logo_sha256 = $3, \
                 version = version + 1 WHERE edition_id = $4",
                edition_id,
            )
        }
    };
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(logo.map(|l| l.bytes.as_slice()))
        .bind(logo.map(|l| l.kind.mime()))
        .bind(&sha256)
        .bind(key)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    let (action, details) = match logo {
        Some(l) => (
            audit::Action::IdentityLogo,
            serde_json::json!({ "sha256": sha256, "bytes": l.bytes.len(), "type": l.kind.mime() }),
        ),
        None => (audit::Action::IdentityLogoRemoved, serde_json::json!({})),
    };
    append(tx, scope, actor_id, action, details, now_ms).await
}

/// The edition shows the installation's identity again (its own is deleted).
pub async fn reset_edition(
    tx: &mut Tx,
    edition_id: i64,
    actor_id: i64,
    now_ms: i64,
) -> DbResult<()> {
    run_tx!(tx, |conn| sqlx::query(
        "DELETE FROM edition_identity WHERE edition_id = $1"
    )
    .bind(edition_id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    let scope = Scope::Edition(edition_id);
    append(
        tx,
        scope,
        actor_id,
        audit::Action::IdentityReset,
        serde_json::json!({}),
        now_ms,
    )
    .await
}

/// Marks the installation as a demonstration (every page says its data is made up).
pub async fn mark_demo(tx: &mut Tx, actor_id: i64, now_ms: i64) -> DbResult<()> {
    run_tx!(tx, |conn| sqlx::query(
        "UPDATE identity SET demo = TRUE, version = version + 1 WHERE id = 1"
    )
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    let details = serde_json::json!({});
    append(
        tx,
        Scope::Installation,
        actor_id,
        audit::Action::IdentityDemo,
        details,
        now_ms,
    )
    .await
}

/// One audit entry; an edition's changes name the edition.
async fn append(
    tx: &mut Tx,
    scope: Scope,
    actor_id: i64,
    action: audit::Action,
    mut details: serde_json::Value,
    now_ms: i64,
) -> DbResult<()> {
    let object = match scope {
        Scope::Installation => "identity".to_owned(),
        Scope::Edition(edition_id) => {
            if let Some(map) = details.as_object_mut() {
                map.insert("edition_id".into(), edition_id.into());
            }
            format!("identity/edition/{edition_id}")
        }
    };
    audit::Entry::by(actor_id, action, &object, details)
        .append(tx, now_ms)
        .await?;
    Ok(())
}
