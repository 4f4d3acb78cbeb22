//! The audit log's page (administrators): the latest entries, whether the hash chain is
//! intact, and whether the judged data still matches what the log says.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use crate::i18n;
use crate::web::ctx::{Ctx, SignedIn};
use crate::web::error::{AppError, AppResult};
use crate::web::state::AppState;
use crate::web::templates::render;

pub fn router() -> Router<AppState> {
    Router::new().route("/admin/audit", get(audit_log))
}

pub struct AuditLine {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub object: String,
    pub details: String,
}

async fn audit_log(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
) -> AppResult<Response> {
    // The log spans every edition and its details name people: administrators only.
    if !user.is_admin {
        return Err(AppError::NotFound);
    }
    let lines = super::recent(&app.db, 200)
        .await?
        .into_iter()
        .map(|r| AuditLine {
            at: i18n::format_utc_ms(ctx.lang, r.at),
            actor: r.actor_id.map(|a| a.to_string()).unwrap_or_default(),
            action: r.action,
            object: r.object,
            details: r.details,
        })
        .collect();
    let verdict = match super::verify(&app.db).await? {
        super::ChainCheck::Intact { entries } => {
            i18n::tr_args(ctx.lang, "audit-intact", &[("n", entries.to_string())])
        }
        super::ChainCheck::Broken { id, reason } => i18n::tr_args(
            ctx.lang,
            "audit-broken",
            &[("id", id.to_string()), ("reason", reason)],
        ),
    };
    let mismatches: Vec<String> = super::check_data(&app.db)
        .await?
        .into_iter()
        .map(|m| {
            i18n::tr_args(
                ctx.lang,
                "audit-data-mismatch",
                &[
                    ("table", m.table.to_owned()),
                    ("id", m.id),
                    ("field", m.field),
                    ("stored", m.stored),
                    ("expected", m.expected),
                ],
            )
        })
        .collect();
    let data_verdict = if mismatches.is_empty() {
        i18n::tr(ctx.lang, "audit-data-intact")
    } else {
        i18n::tr_args(
            ctx.lang,
            "audit-data-differs",
            &[("n", mismatches.len().to_string())],
        )
    };
    render(&AdminAuditTemplate {
        ctx,
        lines,
        verdict,
        data_verdict,
        mismatches,
    })
}

#[derive(Template)]
#[template(path = "audit/log.html")]
pub struct AdminAuditTemplate {
    pub ctx: Ctx,
    pub lines: Vec<AuditLine>,
    pub verdict: String,
    /// Whether the judged data matches what the log says, and each difference.
    pub data_verdict: String,
    pub mismatches: Vec<String>,
}
