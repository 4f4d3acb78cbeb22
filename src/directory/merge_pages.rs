//! The organisers' duplicate suggestions (profiles with the same folded name or website) and
//! their merge: the organiser picks the profile to keep and the ones merged into it.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::access::Moderator;
use super::actions::{self, MergeRefused};
use super::duplicates;
use super::pages::{profile_view, this_year, ProfileView};
use super::queries::{self, ActorRow};
use crate::i18n::tr;
use crate::web::ctx::{CsrfForm, Ctx};
use crate::web::error::AppResult;
use crate::web::state::AppState;
use crate::web::templates::render_with_status;

/// Groups shown on the page; merging them brings up the next ones.
const GROUPS_SHOWN: usize = 50;

pub struct Member {
    pub row: ActorRow,
    pub view: ProfileView,
    pub status: String,
    pub source: String,
}

#[derive(Template)]
#[template(path = "directory/duplicates.html")]
pub struct DuplicatesTemplate {
    pub ctx: Ctx,
    pub groups: Vec<Vec<Member>>,
    pub total: usize,
    pub error: Option<String>,
}

async fn render_duplicates(
    app: &AppState,
    ctx: Ctx,
    error: Option<String>,
    status: StatusCode,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let found = duplicates::groups(&queries::duplicate_candidates(&app.db).await?);
    let mut groups = Vec::new();
    for ids in found.iter().take(GROUPS_SHOWN) {
        let mut members = Vec::new();
        for id in ids {
            if let Some(row) = queries::by_id(&app.db, *id).await? {
                members.push(Member {
                    view: profile_view(lang, &row),
                    status: tr(lang, &row.status.label_key()),
                    source: tr(lang, &row.source.label_key()),
                    row,
                });
            }
        }
        groups.push(members);
    }
    render_with_status(
        status,
        &DuplicatesTemplate {
            ctx,
            groups,
            total: found.len(),
            error,
        },
    )
}

pub(super) async fn list(
    State(app): State<AppState>,
    ctx: Ctx,
    Moderator(_user): Moderator,
) -> AppResult<Response> {
    render_duplicates(&app, ctx, None, StatusCode::OK).await
}

/// Merges the ticked profiles (`merge`, repeated) into the one kept (`keep`).
pub(super) async fn merge(
    State(app): State<AppState>,
    ctx: Ctx,
    Moderator(user): Moderator,
    form: CsrfForm<serde::de::IgnoredAny>,
) -> AppResult<Response> {
    let field = |name: &str| -> Vec<&str> {
        form.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    };
    let keep = field("keep");
    let mut merged: Vec<&str> = field("merge");
    merged.retain(|m| !keep.contains(m));
    merged.dedup();
    let refuse = |key: &str| Some(tr(ctx.lang, key));
    let ([keep], false) = (keep.as_slice(), merged.is_empty()) else {
        let error = refuse("directory-merge-error-choice");
        return render_duplicates(&app, ctx, error, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let mut others = Vec::new();
    for public_id in &merged {
        others.extend(queries::by_public_id(&app.db, public_id).await?);
    }
    let kept = queries::by_public_id(&app.db, keep).await?;
    let (Some(kept), true) = (kept, others.len() == merged.len()) else {
        // Another organiser merged them first.
        let error = refuse("directory-merge-error-gone");
        return render_duplicates(&app, ctx, error, StatusCode::CONFLICT).await;
    };
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    match actions::merge(&mut tx, &kept, &others, this_year(&app), (user.id, now)).await? {
        Ok(()) => {
            tx.commit().await?;
            Ok(Redirect::to("/admin/directory/duplicates").into_response())
        }
        Err(MergeRefused::Invalid) => {
            drop(tx);
            let error = refuse("directory-merge-error-invalid");
            render_duplicates(&app, ctx, error, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}
