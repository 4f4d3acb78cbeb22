//! Reading and writing the identity row. Each write is one use case: the change, its audit
//! entry, in the caller's transaction.

use super::{Colour, Colours, Identity, Logo, LogoKind, LogoRef, Settings, SiteDomain};
use crate::audit;
use crate::db::{Db, DbError, DbResult, Tx};
use crate::domain::types::{Email, Localized, PhoneNumber};
use crate::{run, run_tx};

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
    demo: bool,
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

pub async fn load(db: &Db) -> DbResult<Identity> {
    let sql = "SELECT name_fr, name_en, organiser_fr, organiser_en, motto_fr, motto_en, \
               contact_phone, contact_whatsapp, contact_email, official_domain, signatory_1_fr, signatory_1_en, \
               signatory_2_fr, signatory_2_en, brand_colour, on_brand_colour, \
               logo_mime, logo_sha256, demo, version FROM identity WHERE id = 1";
    let row: Row = run!(db, |pool| sqlx::query_as(sql).fetch_one(pool).await)?;
    row.decode()
}

/// The logo's bytes, when `sha256_prefix` still names the stored one.
pub async fn logo(db: &Db, sha256_prefix: &str) -> DbResult<Option<(LogoKind, Vec<u8>)>> {
    let sql = "SELECT logo_mime, logo, logo_sha256 FROM identity WHERE id = 1 AND logo IS NOT NULL";
    let row: Option<(String, Vec<u8>, String)> =
        run!(db, |pool| sqlx::query_as(sql).fetch_optional(pool).await)?;
    Ok(row.and_then(|(mime, bytes, sha256)| {
        let kind = LogoKind::from_mime(&mime)?;
        (sha256.starts_with(sha256_prefix) && sha256_prefix.len() >= 16).then_some((kind, bytes))
    }))
}

/// Saves the settings over version `expected` (see [`crate::web::edit`]); false when someone
/// saved in between (nothing written).
pub async fn update(
    tx: &mut Tx,
    settings: &Settings,
    expected: i64,
    actor_id: i64,
    now_ms: i64,
) -> DbResult<bool> {
    let sql = "UPDATE identity SET name_fr = $1, name_en = $2, organiser_fr = $3, \
               organiser_en = $4, contact_phone = $5, contact_whatsapp = $6, contact_email = $7, \
               official_domain = $8, brand_colour = $9, on_brand_colour = $10, \
               signatory_1_fr = $12, signatory_1_en = $13, signatory_2_fr = $14, \
               signatory_2_en = $15, motto_fr = $16, motto_en = $17, version = version + 1 WHERE id = 1 AND version = $11";
    let s = settings;
    let changed = run_tx!(tx, |conn| sqlx::query(sql)
        .bind(&s.name.fr)
        .bind(&s.name.en)
        .bind(&s.organiser.fr)
        .bind(&s.organiser.en)
        .bind(s.contact_phone.as_ref().map(PhoneNumber::as_str))
        .bind(s.contact_whatsapp.as_ref().map(PhoneNumber::as_str))
        .bind(s.contact_email.as_ref().map(Email::as_str))
        .bind(s.official_domain.as_ref().map(SiteDomain::as_str))
        .bind(s.colours.brand.to_string())
        .bind(s.colours.on_brand.to_string())
        .bind(expected)
        .bind(&s.signatories[0].fr)
        .bind(&s.signatories[0].en)
        .bind(&s.signatories[1].fr)
        .bind(&s.signatories[1].en)
        .bind(&s.motto.fr)
        .bind(&s.motto.en)
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
    append(tx, actor_id, "identity.update", details, now_ms).await?;
    Ok(true)
}

/// Replaces the logo (`None` removes it).
pub async fn set_logo(
    tx: &mut Tx,
    logo: Option<&Logo>,
    actor_id: i64,
    now_ms: i64,
) -> DbResult<()> {
    let sha256 = logo.map(|l| crate::accounts::sha256_hex(&l.bytes));
    let sql = "UPDATE identity SET logo = $1, logo_mime = $2, logo_sha256 = $3, \
               version = version + 1 WHERE id = 1";
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(logo.map(|l| l.bytes.as_slice()))
        .bind(logo.map(|l| l.kind.mime()))
        .bind(&sha256)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    let (action, details) = match logo {
        Some(l) => (
            "identity.logo",
            serde_json::json!({ "sha256": sha256, "bytes": l.bytes.len(), "type": l.kind.mime() }),
        ),
        None => ("identity.logo_removed", serde_json::json!({})),
    };
    append(tx, actor_id, action, details, now_ms).await
}

/// Marks the installation as a demonstration (every page says its data is made up).
pub async fn mark_demo(tx: &mut Tx, actor_id: i64, now_ms: i64) -> DbResult<()> {
    run_tx!(tx, |conn| sqlx::query(
        "UPDATE identity SET demo = TRUE, version = version + 1 WHERE id = 1"
    )
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    append(tx, actor_id, "identity.demo", serde_json::json!({}), now_ms).await
}

async fn append(
    tx: &mut Tx,
    actor_id: i64,
    action: &str,
    details: serde_json::Value,
    now_ms: i64,
) -> DbResult<()> {
    audit::append(
        tx,
        &audit::Entry {
            actor_id: Some(actor_id),
            action,
            object: "identity",
            details,
        },
        now_ms,
    )
    .await?;
    Ok(())
}
