//! Who scores what: the panel's members, the automatic and manual assignment of dossiers,
//! conflicts of interest, and sheets reopened for a correction.

use std::collections::BTreeSet;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::actions;
use super::pages::{base_url, render_round, DossierPersonForm, PageState, PanelForm, ReassignForm};
use super::rubric::track_of;
use crate::accounts::users;
use crate::applications::queries::ListedApplication;
use crate::domain::types::{Lang, Login};
use crate::i18n::tr;
use crate::review::queries::{self, RoundStatus};
use crate::review::round::{record_conflict, round_dossiers, OrganisedRound, RoundContext};
use crate::review::rules::assignment;
use crate::review::rules::rubric::Round;
use crate::web::ctx::{CsrfForm, Ctx};
use crate::web::error::AppResult;
use crate::web::forms::FieldErrors;
use crate::web::state::AppState;

async fn user_by_login(app: &AppState, login: &str) -> AppResult<Option<users::UserRow>> {
    match Login::parse(login) {
        Ok(login) => Ok(users::find_by_login(&app.db, &login).await?),
        Err(_) => Ok(None),
    }
}

pub(super) async fn add_panel_member(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedRound { round: c, user }: OrganisedRound,
    form: CsrfForm<PanelForm>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let values = form.value;
    let mut errors = FieldErrors::default();
    let track = track_of(&c, &values.track).ok();
    if track.is_none() {
        errors.add("panel_track", tr(lang, "field-required"));
    }
    let member = user_by_login(&app, &values.login).await?;
    if member.is_none() {
        errors.add("panel_login", tr(lang, "team-no-account"));
    }
    let (Some(track), Some(member), true) = (track, member, errors.is_empty()) else {
        let state = PageState {
            errors,
            panel: values,
            ..PageState::default()
        };
        return render_round(&app, ctx, &c, state, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    actions::add_panel_member(&mut tx, &c.round, track.id, member.id, user.id, now).await?;
    tx.commit().await?;
    Ok(Redirect::to(&base_url(&c)).into_response())
}

pub(super) async fn auto_assign(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedRound { round: c, user }: OrganisedRound,
    _form: CsrfForm<serde::de::IgnoredAny>,
) -> AppResult<Response> {
    if c.round.status() == RoundStatus::Closed {
        let mut errors = FieldErrors::default();
        errors.add("assign", tr(ctx.lang, "review-round-closed"));
        let state = PageState {
            errors,
            ..PageState::default()
        };
        return render_round(&app, ctx, &c, state, StatusCode::CONFLICT).await;
    }
    let is_final = c.round.round() == Round::Final;
    if is_final && !crate::review::queries::shortlist_locked(&app.db, c.edition.id).await? {
        let mut errors = FieldErrors::default();
        errors.add("assign", tr(ctx.lang, "jury-shortlist-not-locked"));
        let state = PageState {
            errors,
            ..PageState::default()
        };
        return render_round(&app, ctx, &c, state, StatusCode::CONFLICT).await;
    }
    let dossiers = round_dossiers(&app, &c).await?;
    let panel = queries::panel(&app.db, c.round.id).await?;
    let conflicts: BTreeSet<(i64, i64)> = queries::conflicts_of_edition(&app.db, c.edition.id)
        .await?
        .into_iter()
        .map(|x| (x.user_id, x.application_id))
        .collect();
    let existing = queries::assignments(&app.db, c.round.id).await?;
    let k = usize::try_from(c.round.reviewers_per_dossier).unwrap_or(3);
    let mut pairs = Vec::new();
    let mut short = 0usize;
    // Reviewers are named per track: each track is assigned from its own panel.
    for track in &c.tracks {
        let ids: Vec<i64> = dossiers
            .iter()
            .filter(|d| d.track_id == track.id)
            .map(|d| d.id)
            .collect();
        let reviewers: Vec<i64> = panel
            .iter()
            .filter(|m| m.track_id == track.id)
            .map(|m| m.user_id)
            .collect();
        // In the final every juror of the track scores every finalist of the track.
        let k = if is_final { reviewers.len() } else { k };
        let result = assignment::assign(&ids, &reviewers, k, &conflicts, &existing);
        pairs.extend(result.pairs);
        short += result.short.len();
    }
    let assignment = actions::Assignment {
        pairs,
        reviewers_per_dossier: k,
        short,
    };
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    actions::assign(&mut tx, &c.round, &assignment, user.id, now).await?;
    tx.commit().await?;
    Ok(Redirect::to(&base_url(&c)).into_response())
}

async fn dossier_by_reference(
    app: &AppState,
    c: &RoundContext,
    reference: &str,
) -> AppResult<Option<ListedApplication>> {
    let reference = reference.trim().to_uppercase();
    Ok(round_dossiers(app, c)
        .await?
        .into_iter()
        .find(|d| d.reference.as_deref() == Some(reference.as_str())))
}

pub(super) async fn reassign(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedRound { round: c, user }: OrganisedRound,
    form: CsrfForm<ReassignForm>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let values = form.value;
    let mut errors = FieldErrors::default();
    let dossier = dossier_by_reference(&app, &c, &values.reference).await?;
    if dossier.is_none() {
        errors.add("reassign_reference", tr(lang, "review-unknown-reference"));
    }
    let remove = if values.remove.trim().is_empty() {
        None
    } else {
        let found = user_by_login(&app, &values.remove).await?;
        if found.is_none() {
            errors.add("reassign_remove", tr(lang, "team-no-account"));
        }
        found
    };
    let add = if values.add.trim().is_empty() {
        None
    } else {
        let found = user_by_login(&app, &values.add).await?;
        if found.is_none() {
            errors.add("reassign_add", tr(lang, "team-no-account"));
        }
        found
    };
    let panel = queries::panel(&app.db, c.round.id).await?;
    if let (Some(d), Some(a)) = (&dossier, &add) {
        if !panel
            .iter()
            .any(|m| m.user_id == a.id && m.track_id == d.track_id)
        {
            errors.add("reassign_add", tr(lang, "review-not-on-panel"));
        } else if queries::has_conflict(&app.db, d.id, a.id).await? {
            errors.add("reassign_add", tr(lang, "review-has-conflict"));
        }
    }
    if remove.is_none() && add.is_none() && errors.is_empty() {
        errors.add("reassign_add", tr(lang, "field-required"));
    }
    if c.round.status() == RoundStatus::Closed {
        errors.add("reassign_reference", tr(lang, "review-round-closed"));
    }
    let (Some(dossier), true) = (dossier, errors.is_empty()) else {
        let state = PageState {
            errors,
            reassign: values,
            ..PageState::default()
        };
        return render_round(&app, ctx, &c, state, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let mut tx = app.db.begin().await?;
    let moved = (remove.map(|u| u.id), add.map(|u| u.id));
    actions::reassign(&mut tx, &c.round, &dossier, moved, user.id, app.now_ms()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&base_url(&c)).into_response())
}

/// Reads a dossier-person-reason form; errors are keyed `<action>_reference`, `_login` and
/// `_reason`, as the round page names its fields.
async fn read_dossier_person(
    app: &AppState,
    c: &RoundContext,
    lang: Lang,
    action: &str,
    values: &DossierPersonForm,
    reason_required: &str,
) -> AppResult<(
    Option<ListedApplication>,
    Option<users::UserRow>,
    String,
    FieldErrors,
)> {
    let mut errors = FieldErrors::default();
    let dossier = dossier_by_reference(app, c, &values.reference).await?;
    if dossier.is_none() {
        errors.add(
            format!("{action}_reference"),
            tr(lang, "review-unknown-reference"),
        );
    }
    let person = user_by_login(app, &values.login).await?;
    if person.is_none() {
        errors.add(format!("{action}_login"), tr(lang, "team-no-account"));
    }
    let reason = values.reason.trim().to_owned();
    if reason.is_empty() {
        errors.add(format!("{action}_reason"), tr(lang, reason_required));
    } else if reason.chars().count() > 2000 {
        errors.add(
            format!("{action}_reason"),
            tr(lang, "review-comment-too-long"),
        );
    }
    Ok((dossier, person, reason, errors))
}

pub(super) async fn set_conflict(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedRound { round: c, user }: OrganisedRound,
    form: CsrfForm<DossierPersonForm>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let values = form.value;
    let (dossier, member, reason, errors) =
        read_dossier_person(&app, &c, lang, "conflict", &values, "field-required").await?;
    let (Some(dossier), Some(member), true) = (dossier, member, errors.is_empty()) else {
        let state = PageState {
            errors,
            conflict: values,
            ..PageState::default()
        };
        return render_round(&app, ctx, &c, state, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    record_conflict(
        &mut tx,
        (dossier.id, &dossier.public_id),
        member.id,
        user.id,
        &reason,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&base_url(&c)).into_response())
}

/// Reopens a reviewer's submitted sheet: it returns to draft so that they can change and
/// submit it again. Only while the round is open and, in the preselection, before the
/// shortlist built from its ranking is locked. Audited with the reason; the reviewer is told.
pub(super) async fn reopen_sheet(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedRound { round: c, user }: OrganisedRound,
    form: CsrfForm<DossierPersonForm>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let values = form.value;
    let (dossier, reviewer, reason, errors) = read_dossier_person(
        &app,
        &c,
        lang,
        "reopen",
        &values,
        "followups-reopen-reason-required",
    )
    .await?;
    let (Some(dossier), Some(reviewer), true) = (dossier, reviewer, errors.is_empty()) else {
        let state = PageState {
            errors,
            reopen: values,
            ..PageState::default()
        };
        return render_round(&app, ctx, &c, state, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    // Checked inside the transaction: the round may have closed, or the shortlist been
    // locked, since the page was loaded.
    let about = (&c.round, &dossier, &reviewer);
    let reopened = actions::reopen_sheet(&mut tx, &ctx.site, about, &reason, user.id, now).await?;
    if let Err(key) = reopened {
        drop(tx);
        let mut errors = FieldErrors::default();
        errors.add("reopen", tr(lang, key));
        let state = PageState {
            errors,
            reopen: values,
            ..PageState::default()
        };
        return render_round(&app, ctx, &c, state, StatusCode::CONFLICT).await;
    }
    tx.commit().await?;
    app.outbox_wake.notify_one();
    Ok(Redirect::to(&base_url(&c)).into_response())
}
