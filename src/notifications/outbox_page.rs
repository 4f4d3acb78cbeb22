//! The outbox page: the messages of the editions an organiser runs (codes masked), a resend
//! for those that failed or may not have arrived, and each edition's SMS accent setting.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use crate::calls::queries as calls;
use crate::editions::access::{organised_editions, OrganisedEdition};
use crate::i18n;
use crate::web::ctx::{CsrfForm, Ctx, SignedIn};
use crate::web::error::{AppError, AppResult};
use crate::web::sessions::SessionUser;
use crate::web::state::AppState;
use crate::web::templates::render;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/outbox", get(outbox))
        .route("/admin/outbox/{id}/retry", post(retry_message))
        .route("/admin/editions/{edition}/sms", post(save_sms_setting))
}

pub struct OutboxLine {
    pub id: i64,
    pub created: String,
    pub channel: String,
    pub recipient: String,
    pub subject: String,
    /// Secrets (codes) masked.
    pub body: String,
    pub status: String,
    pub attempts: i64,
    pub last_error: String,
    /// Failed or uncertain: offered a resend button.
    pub needs_organiser: bool,
    /// Interrupted mid-delivery: may have arrived.
    pub uncertain: bool,
    /// Parts of an SMS, 0 for an e-mail.
    pub sms_parts: i64,
}

/// An organised edition and its SMS setting, on the outbox page.
pub struct SmsSetting {
    pub slug: String,
    pub name: String,
    pub strip_accents: bool,
}

fn viewer(user: &SessionUser) -> crate::outbox::Viewer {
    crate::outbox::Viewer {
        user_id: user.id,
        is_admin: user.is_admin,
    }
}

/// The messages of the editions the user organises (every message for an administrator),
/// codes masked.
async fn outbox(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
) -> AppResult<Response> {
    let organised = organised_editions(&app, &user).await?;
    let lines = crate::outbox::recent_visible(&app.db, viewer(&user), 200)
        .await?
        .into_iter()
        .map(|m| OutboxLine {
            id: m.id,
            created: i18n::format_utc_ms(ctx.lang, m.created_at),
            needs_organiser: m.needs_organiser(),
            uncertain: m.status == crate::outbox::OutboxStatus::Uncertain,
            channel: m.channel.to_string(),
            recipient: m.recipient,
            subject: m.subject,
            body: m.body,
            status: ctx.t(&format!("outbox-status-{}", m.status)),
            attempts: m.attempts,
            last_error: m.last_error.unwrap_or_default(),
            sms_parts: m.sms_parts.unwrap_or(0),
        })
        .collect();
    let stripping = crate::outbox::editions_stripping_accents(&app.db).await?;
    let sms_settings = calls::editions(&app.db)
        .await?
        .into_iter()
        .filter(|e| organised.contains(&e.id))
        .map(|e| SmsSetting {
            name: e.name(ctx.lang),
            strip_accents: stripping.contains(&e.id),
            slug: e.slug,
        })
        .collect();
    render(&AdminOutboxTemplate {
        ctx,
        lines,
        sms_settings,
    })
}

async fn retry_message(
    State(app): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    _form: CsrfForm<serde::de::IgnoredAny>,
) -> AppResult<Response> {
    organised_editions(&app, &user).await?;
    if !crate::outbox::resend(&app.db, id, viewer(&user), app.now_ms()).await? {
        return Err(AppError::NotFound);
    }
    app.outbox_wake.notify_one();
    Ok(Redirect::to("/admin/outbox").into_response())
}

#[derive(Deserialize)]
struct SmsSettingForm {
    strip_accents: Option<String>,
}

/// Organisers choose whether their edition's SMS may lose the accents GSM-7 cannot carry.
async fn save_sms_setting(
    State(app): State<AppState>,
    OrganisedEdition { edition, user }: OrganisedEdition,
    form: CsrfForm<SmsSettingForm>,
) -> AppResult<Response> {
    let strip = form.value.strip_accents.is_some();
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    super::actions::set_sms_accents(&mut tx, &edition, strip, user.id, now).await?;
    tx.commit().await?;
    Ok(Redirect::to("/admin/outbox").into_response())
}

#[derive(Template)]
#[template(path = "notifications/outbox.html")]
pub struct AdminOutboxTemplate {
    pub ctx: Ctx,
    pub lines: Vec<OutboxLine>,
    pub sms_settings: Vec<SmsSetting>,
}
