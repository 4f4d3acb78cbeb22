//! Deleting one's account when nothing binds it.
//!
//! What binds an account (and so refuses its deletion):
//! - being an administrator, or holding a role in an edition (organiser, reviewer, juror,
//!   coach…): others rely on that person's work and its record;
//! - a dossier that was submitted (not a draft, not withdrawn) in an edition whose results are
//!   not yet published: the selection is under way and relies on it;
//! - such a dossier while the edition's retention period runs (the configured months after
//!   the results were first published): the selection may still be contested.
//!
//! Deleting erases the personal data: drafts and every upload are deleted (files from storage,
//! their rows kept as "purged"), the answers of the remaining dossiers are blanked (their
//! reference, status and title stay in the edition's public record), messages to the account
//! are blanked, sessions and codes end, and the account row keeps no name, address or
//! password. The audit entry names only the account's random identifier and counts.

use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};
use object_store::path::Path as StorePath;
use serde::Deserialize;

use super::retention::due_at;
use crate::audit;
use crate::db::{Db, DbResult, Tx};
use crate::domain::types::Lang;
use crate::i18n::{self, tr, tr_args};
use crate::web::ctx::{set_cookie, CsrfForm, Ctx, SignedIn, SESSION_COOKIE};
use crate::web::error::{AppError, AppResult};
use crate::web::state::AppState;
use crate::web::templates::render;
use crate::{run, run_tx};

/// What the deletion rule needs to know about an account.
#[derive(Debug, Clone, Default)]
pub struct AccountFacts {
    pub is_admin: bool,
    pub roles: i64,
    pub dossiers: Vec<Dossier>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Dossier {
    pub reference: Option<String>,
    pub status: String,
    /// When the edition's results were first published, if they were.
    pub results_at: Option<i64>,
}

/// One reason the account cannot be deleted now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Binding {
    Administrator,
    Role,
    SelectionUnderway { reference: String },
    RetentionRunning { reference: String, until_ms: i64 },
}

impl Binding {
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            Binding::Administrator => tr(lang, "pd-bind-admin"),
            Binding::Role => tr(lang, "pd-bind-role"),
            Binding::SelectionUnderway { reference } => tr_args(
                lang,
                "pd-bind-selection",
                &[("reference", reference.clone())],
            ),
            Binding::RetentionRunning {
                reference,
                until_ms,
            } => {
                let until = jiff::Timestamp::from_millisecond(*until_ms)
                    .map(|t| i18n::format_date(lang, t.to_zoned(jiff::tz::TimeZone::UTC).date()))
                    .unwrap_or_default();
                tr_args(
                    lang,
                    "pd-bind-retention",
                    &[("reference", reference.clone()), ("until", until)],
                )
            }
        }
    }
}

/// Everything that binds the account at `now_ms` (empty: it may be deleted).
pub fn bindings(facts: &AccountFacts, now_ms: i64, retention_months: u32) -> Vec<Binding> {
    let mut out = Vec::new();
    if facts.is_admin {
        out.push(Binding::Administrator);
    }
    if facts.roles > 0 {
        out.push(Binding::Role);
    }
    for dossier in &facts.dossiers {
        if matches!(dossier.status.as_str(), "draft" | "withdrawn") {
            continue;
        }
        let reference = dossier.reference.clone().unwrap_or_default();
        match dossier.results_at {
            None => out.push(Binding::SelectionUnderway { reference }),
            Some(published) => {
                let until_ms = due_at(published, retention_months);
                if now_ms < until_ms {
                    out.push(Binding::RetentionRunning {
                        reference,
                        until_ms,
                    });
                }
            }
        }
    }
    out
}

pub async fn load_facts(db: &Db, user_id: i64) -> DbResult<AccountFacts> {
    let is_admin: bool = run!(db, |pool| sqlx::query_scalar(
        "SELECT is_admin FROM users WHERE id = $1"
    )
    .bind(user_id)
    .fetch_one(pool)
    .await)?;
    let roles: i64 = run!(db, |pool| sqlx::query_scalar(
        "SELECT CAST((SELECT COUNT(*) FROM role_grants WHERE user_id = $1) \
         + (SELECT COUNT(*) FROM panel_members WHERE user_id = $1) AS BIGINT)"
    )
    .bind(user_id)
    .fetch_one(pool)
    .await)?;
    let sql = "SELECT a.reference, a.status, \
               (SELECT MIN(r.published_at) FROM results_publications r WHERE r.edition_id = t.edition_id) AS results_at \
               FROM applications a JOIN tracks t ON t.id = a.track_id WHERE a.applicant_id = $1 ORDER BY a.id";
    let dossiers = run!(db, |pool| sqlx::query_as(sql)
        .bind(user_id)
        .fetch_all(pool)
        .await)?;
    Ok(AccountFacts {
        is_admin,
        roles,
        dossiers,
    })
}

#[derive(Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    password: String,
}

pub async fn delete(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    form: CsrfForm<DeleteForm>,
) -> AppResult<Response> {
    let facts = load_facts(&app.db, user.id).await?;
    let months = app.config.retention.id_document_months;
    if !bindings(&facts, app.now_ms(), months).is_empty() {
        let error = tr(ctx.lang, "pd-delete-refused");
        return super::account_response(&app, ctx, user.id, Some(error)).await;
    }
    let row = crate::accounts::users::find_by_id(&app.db, user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let password = form.value.password;
    if password.is_empty()
        || !crate::accounts::verify_password_blocking(password, row.password_hash.clone()).await
    {
        let error = tr(ctx.lang, "pd-delete-wrong-password");
        return super::account_response(&app, ctx, user.id, Some(error)).await;
    }
    let keys = erase_account(&app, user.id, &user.public_id, &[row.email, row.phone]).await?;
    // After the commit: a file left behind by a failed delete is only an orphan object (its
    // row says purged and nothing links to it), never a dangling link.
    for key in keys {
        match app.store.delete(&StorePath::from(key.as_str())).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
            Err(error) => {
                tracing::error!(%error, key, "a deleted account's file stayed in storage")
            }
        }
    }
    let secure = app.config.secure_cookies;
    Ok((
        [(SET_COOKIE, set_cookie(SESSION_COOKIE, "", 0, secure))],
        Redirect::to("/account/deleted"),
    )
        .into_response())
}

/// The use case: erases the account's personal data in one transaction with its audit entry;
/// returns the storage keys of the files to delete once committed.
async fn erase_account(
    app: &AppState,
    user_id: i64,
    public_id: &str,
    logins: &[Option<String>; 2],
) -> AppResult<Vec<String>> {
    let now = app.now_ms();
    let [email, phone] = logins;
    let registrations =
        crate::registration::queries::live_registrations_of_account(&app.db, user_id).await?;
    let mut tx = app.db.begin().await?;
    // A seat held goes to the next person waiting and the badge stops letting anyone in; what
    // the person typed to register is wiped below.
    let site = crate::web::ctx::SiteAddress::of_config(app);
    for r in &registrations {
        let Some(edition) = crate::calls::queries::edition_by_id(&app.db, r.edition_id).await?
        else {
            continue;
        };
        // Already cancelled meanwhile: nothing more to do.
        let _ = crate::registration::actions::cancel(&mut tx, (&site, &edition), r, (user_id, now))
            .await?;
    }
    exec(
        &mut tx,
        "UPDATE registrations SET display_name = '', organisation = '', answers = '{}' \
         WHERE account_id = $1",
        user_id,
        None,
    )
    .await?;
    let keys: Vec<String> = run_tx!(&mut tx, |conn| sqlx::query_scalar(
        "SELECT storage_key FROM files WHERE owner_id = $1 AND purged_at IS NULL"
    )
    .bind(user_id)
    .fetch_all(conn)
    .await)?;
    exec(
        &mut tx,
        "DELETE FROM files WHERE application_id IN \
         (SELECT id FROM applications WHERE applicant_id = $1 AND status = 'draft')",
        user_id,
        None,
    )
    .await?;
    let drafts_deleted = exec(
        &mut tx,
        "DELETE FROM applications WHERE applicant_id = $1 AND status = 'draft'",
        user_id,
        None,
    )
    .await?;
    exec(
        &mut tx,
        "UPDATE files SET purged_at = $2, purge_started_at = COALESCE(purge_started_at, $2) \
         WHERE owner_id = $1 AND purged_at IS NULL",
        user_id,
        Some(now),
    )
    .await?;
    exec(
        &mut tx,
        "UPDATE application_versions SET answers_json = '{}' WHERE application_id IN \
         (SELECT id FROM applications WHERE applicant_id = $1)",
        user_id,
        None,
    )
    .await?;
    let kept = exec(
        &mut tx,
        "UPDATE applications SET answers_json = '{}', draft_answers_json = NULL, \
         draft_form_version = NULL, draft_saved_at = NULL, search_text = '', updated_at = $2, \
         leader_gender = NULL, leader_birth_date = NULL, leader_age = NULL \
         WHERE applicant_id = $1",
        user_id,
        Some(now),
    )
    .await?;
    exec(
        &mut tx,
        "DELETE FROM sessions WHERE user_id = $1",
        user_id,
        None,
    )
    .await?;
    exec(
        &mut tx,
        "DELETE FROM verification_codes WHERE user_id = $1",
        user_id,
        None,
    )
    .await?;
    exec(
        &mut tx,
        "DELETE FROM programme_favourites WHERE user_id = $1",
        user_id,
        None,
    )
    .await?;
    // Their questions stay in the session's record, no longer signed; their votes go.
    exec(
        &mut tx,
        "DELETE FROM question_votes WHERE user_id = $1",
        user_id,
        None,
    )
    .await?;
    exec(
        &mut tx,
        "UPDATE questions SET anonymous = TRUE WHERE author_id = $1",
        user_id,
        None,
    )
    .await?;
    exec(
        &mut tx,
        "DELETE FROM meeting_requests WHERE from_account = $1 OR to_account = $1",
        user_id,
        None,
    )
    .await?;
    exec(
        &mut tx,
        "DELETE FROM networking_profiles WHERE account_id = $1",
        user_id,
        None,
    )
    .await?;
    // Directory profiles the person registered: those never published go (with their
    // search text, which has no foreign key on SQLite); a published organisation stays
    // listed, without its owner or the contact address they gave.
    exec(
        &mut tx,
        "DELETE FROM actor_search WHERE rowid IN \
         (SELECT id FROM actors WHERE owner_id = $1 AND status <> 'published')",
        user_id,
        None,
    )
    .await?;
    exec(
        &mut tx,
        "DELETE FROM actors WHERE owner_id = $1 AND status <> 'published'",
        user_id,
        None,
    )
    .await?;
    exec(
        &mut tx,
        "UPDATE actors SET owner_id = NULL, contact_email = '' WHERE owner_id = $1",
        user_id,
        None,
    )
    .await?;
    exec(
        &mut tx,
        "UPDATE opportunity_interests SET account_id = NULL WHERE account_id = $1",
        user_id,
        None,
    )
    .await?;
    for login in [email, phone].into_iter().flatten() {
        run_tx!(&mut tx, |conn| sqlx::query(
            "DELETE FROM outbox WHERE recipient = $1 AND status = 'pending'"
        )
        .bind(login)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
        run_tx!(&mut tx, |conn| sqlx::query(
            "UPDATE outbox SET recipient = '', subject = '', body = '', masked_body = NULL \
             WHERE recipient = $1"
        )
        .bind(login)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
        run_tx!(&mut tx, |conn| sqlx::query(
            "DELETE FROM login_failures WHERE account = $1"
        )
        .bind(login)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    }
    exec(
        &mut tx,
        "UPDATE users SET email = NULL, phone = NULL, display_name = '', password_hash = '!', \
         verified_at = NULL, deleted_at = $2 WHERE id = $1",
        user_id,
        Some(now),
    )
    .await?;
    audit::Entry::by(
        user_id,
        audit::Action::AccountDeleted,
        public_id,
        serde_json::json!({
            "drafts_deleted": drafts_deleted,
            "dossiers_blanked": kept,
            "files_deleted": keys.len(),
        }),
    )
    .append(&mut tx, now)
    .await?;
    tx.commit().await?;
    Ok(keys)
}

/// Runs one statement taking the account id (`$1`) and, if it has one, the instant (`$2`).
async fn exec(tx: &mut Tx, sql: &str, user_id: i64, now: Option<i64>) -> DbResult<u64> {
    Ok(run_tx!(tx, |conn| {
        let query = sqlx::query(sql).bind(user_id);
        match now {
            Some(now) => query.bind(now),
            None => query,
        }
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
    })?)
}

pub async fn deleted_page(ctx: Ctx) -> AppResult<Response> {
    render(&super::DeletedTemplate { ctx })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 24 * 3600 * 1000;

    fn dossier(status: &str, results_at: Option<i64>) -> Dossier {
        Dossier {
            reference: Some("SDN26-STA-0001".into()),
            status: status.into(),
            results_at,
        }
    }

    #[test]
    fn drafts_and_withdrawn_dossiers_never_bind() {
        let facts = AccountFacts {
            dossiers: vec![dossier("draft", None), dossier("withdrawn", None)],
            ..AccountFacts::default()
        };
        assert!(bindings(&facts, 0, 6).is_empty());
    }

    #[test]
    fn a_submitted_dossier_binds_until_the_retention_period_ends() {
        let published = 1_769_800_000_000;
        let facts = AccountFacts {
            dossiers: vec![dossier("submitted", Some(published))],
            ..AccountFacts::default()
        };
        let until = due_at(published, 6);
        assert!(until > published + 180 * DAY && until < published + 185 * DAY);
        assert_eq!(
            bindings(&facts, until - 1, 6),
            vec![Binding::RetentionRunning {
                reference: "SDN26-STA-0001".into(),
                until_ms: until
            }]
        );
        assert!(bindings(&facts, until, 6).is_empty());
        let underway = AccountFacts {
            dossiers: vec![dossier("eligible", None)],
            ..AccountFacts::default()
        };
        assert_eq!(
            bindings(&underway, until, 6),
            vec![Binding::SelectionUnderway {
                reference: "SDN26-STA-0001".into()
            }]
        );
    }

    #[test]
    fn roles_and_administration_bind() {
        let facts = AccountFacts {
            is_admin: true,
            roles: 2,
            dossiers: vec![],
        };
        assert_eq!(
            bindings(&facts, 0, 6),
            vec![Binding::Administrator, Binding::Role]
        );
    }
}
