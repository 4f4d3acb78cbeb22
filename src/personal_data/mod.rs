//! The applicant's own data: the account page, the download of everything Kènè holds about
//! them, account deletion when nothing binds it, and the retention purge of ID documents.

pub mod deletion;
pub mod export;
pub mod retention;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;

use crate::web::ctx::{Ctx, SignedIn};
use crate::web::error::AppResult;
use crate::web::state::AppState;
use crate::web::templates::render_with_status;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account", get(account_page))
        .route("/account/export", post(export::download))
        .route("/account/delete", post(deletion::delete))
        .route("/account/deleted", get(deletion::deleted_page))
        .route("/admin/retention", get(retention::dry_run_page))
        .route("/privacy", get(privacy_page))
}

/// The data-protection notice the consent of every call refers to: what is collected, why,
/// who sees it, how long it is kept, the applicant's rights and whom to ask.
#[derive(Template)]
#[template(path = "personal_data/privacy.html")]
pub struct PrivacyTemplate {
    pub ctx: Ctx,
    pub id_document_months: u32,
}

async fn privacy_page(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let page = PrivacyTemplate {
        ctx,
        id_document_months: app.config.retention.id_document_months,
    };
    Ok(crate::web::public_cache::public_page(
        render_with_status(axum::http::StatusCode::OK, &page)?,
        None,
    ))
}

#[derive(Template)]
#[template(path = "personal_data/account.html")]
pub struct AccountTemplate {
    pub ctx: Ctx,
    /// Why the account cannot be deleted now, in plain words; empty when it can.
    pub bindings: Vec<String>,
    /// The retention rule with its configured number of months.
    pub retention_rule: String,
    pub error: Option<String>,
}

async fn account_page(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
) -> AppResult<Response> {
    account_response(&app, ctx, user.id, None).await
}

/// The account page, with the refusal of a deletion attempt if there was one.
pub(crate) async fn account_response(
    app: &AppState,
    ctx: Ctx,
    user_id: i64,
    error: Option<String>,
) -> AppResult<Response> {
    let facts = deletion::load_facts(&app.db, user_id).await?;
    let months = app.config.retention.id_document_months;
    let bindings = deletion::bindings(&facts, app.now_ms(), months)
        .iter()
        .map(|b| b.describe(ctx.lang))
        .collect();
    let status = if error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    let retention_rule = crate::i18n::tr_args(
        ctx.lang,
        "pd-delete-rule-retention",
        &[("months", months.to_string())],
    );
    render_with_status(
        status,
        &AccountTemplate {
            ctx,
            bindings,
            retention_rule,
            error,
        },
    )
}

#[derive(Template)]
#[template(path = "personal_data/deleted.html")]
pub struct DeletedTemplate {
    pub ctx: Ctx,
}

/// Milliseconds since the epoch as an RFC 3339 instant (UTC), for the export.
fn iso(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}
