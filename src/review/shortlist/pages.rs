//! The shortlist of finalists: proposed from the closed preselection's ranking (top N, with
//! optional places reserved per track), changed by organisers only with a written
//! justification, locked, then published: a public page lists the finalists and every
//! applicant of the call is told the outcome in their language.

use super::actions::{self, EntryChange, Settings};
use super::queries::{
    applicants, changes, ensure_shortlist, entries, ShortlistRow, ShortlistStatus,
};
use crate::i18n::Say;
use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use crate::applications::queries::ListedApplication;
use crate::calls::queries as calls;
use crate::calls::queries::EditionRow;
use crate::domain::types::Lang;
use crate::editions::access::OrganisedEdition;
use crate::i18n::{tr, tr_args};
use crate::review::queries::RoundStatus;
use crate::review::round::{round_context, round_ranking, RoundContext};
use crate::review::rules::ranking::decided_arbitrarily;
use crate::review::rules::ranking::format_score;
use crate::review::rules::rubric::Round;
use crate::review::rules::rubric::Rubric;
use crate::review::rules::shortlist::{self, Candidate, Justification};
use crate::review::ties;
use crate::web::ctx::{CsrfForm, Ctx};
use crate::web::edit::StaleEdit;
use crate::web::error::{AppError, AppResult};
use crate::web::forms::FieldErrors;
use crate::web::public_cache::public_page;
use crate::web::state::AppState;
use crate::web::templates::{render, render_with_status};

pub fn router() -> Router<AppState> {
    const BASE: &str = "/admin/editions/{edition}/shortlist";
    Router::new()
        .route(BASE, get(page))
        .route(&format!("{BASE}/settings"), post(save_settings))
        .route(&format!("{BASE}/propose"), post(propose))
        .route(&format!("{BASE}/change"), post(change))
        .route(&format!("{BASE}/lock"), post(lock))
        .route(&format!("{BASE}/publish"), post(publish))
        .route("/finalists/{edition}", get(finalists_page))
}

pub struct EntryLine {
    pub position: usize,
    pub reference: String,
    pub title: String,
    pub track: String,
    pub score: String,
    pub women_led: bool,
    pub added: bool,
}

#[derive(Template)]
#[template(path = "review/shortlist/shortlist.html")]
pub struct ShortlistTemplate {
    pub ctx: Ctx,
    pub base: String,
    pub public_url: String,
    pub year: i64,
    pub status: String,
    pub is_draft: bool,
    pub is_locked: bool,
    pub is_published: bool,
    pub preselection_closed: bool,
    pub size: String,
    pub quotas: Vec<(i64, String, String)>,
    pub with_feedback: bool,
    pub entries: Vec<EntryLine>,
    pub changes: Vec<String>,
    pub errors: FieldErrors,
    pub change_form: ChangeForm,
    /// Exact ties across the shortlist's cut, with the rule that broke each.
    pub cut_ties: Vec<String>,
    /// One of them was broken by an arbitrary rule: locking needs a confirmation.
    pub arbitrary_cut_ties: bool,
    /// The settings' version the settings form was loaded from.
    pub version: i64,
    /// Set when a settings save was refused because they changed since loaded.
    pub stale: Option<StaleEdit>,
}

#[derive(Deserialize, Default, Clone)]
pub struct ChangeForm {
    #[serde(default)]
    pub reference: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub justification: String,
}

struct Loaded {
    c: RoundContext,
    shortlist: ShortlistRow,
    /// A refused settings save: what is stored (the form then shows what was typed).
    stale: Option<StaleEdit>,
}

/// The shortlist of an edition, drawn from its preselection.
async fn load(app: &AppState, edition: &EditionRow) -> AppResult<Loaded> {
    let c = round_context(app, edition.clone(), Round::Preselection).await?;
    let shortlist = ensure_shortlist(&app.db, c.edition.id).await?;
    Ok(Loaded {
        c,
        shortlist,
        stale: None,
    })
}

fn track_name(c: &RoundContext, track_id: i64, lang: Lang) -> String {
    c.tracks
        .iter()
        .find(|t| t.id == track_id)
        .map(|t| {
            if lang == Lang::En {
                t.name_en.clone()
            } else {
                t.name_fr.clone()
            }
        })
        .unwrap_or_default()
}

/// Track id → its rubric and tie-break criteria.
pub(super) type Rubrics = BTreeMap<i64, (Rubric, Vec<String>)>;

/// The ranked candidates, the dossiers by id, and each track's rubric (for ties).
async fn scored_dossiers(
    app: &AppState,
    c: &RoundContext,
) -> AppResult<(Vec<Candidate>, BTreeMap<i64, ListedApplication>, Rubrics)> {
    let ranking = round_ranking(app, c).await?;
    let candidates = ranking
        .ranked
        .into_iter()
        .flat_map(|(track, ranked)| {
            ranked
                .into_iter()
                .map(move |r| Candidate { track, ranked: r })
        })
        .collect();
    let by_id = ranking.dossiers.into_iter().map(|d| (d.id, d)).collect();
    Ok((candidates, by_id, ranking.rubrics))
}

/// Exact ties across the shortlist's cut (`chosen`), with each track's tie-break criteria.
fn ties_at_the_cut(
    candidates: &[Candidate],
    chosen: &[i64],
    rubrics: &Rubrics,
) -> Vec<shortlist::CutTie> {
    let keys: BTreeMap<i64, Vec<String>> = rubrics
        .iter()
        .map(|(track, (_, keys))| (*track, keys.clone()))
        .collect();
    shortlist::ties_at_the_cut(candidates, chosen, &keys)
}

/// Exact ties across the shortlist's cut, as the page says them.
fn describe_cut_ties(
    lang: Lang,
    c: &RoundContext,
    candidates: &[Candidate],
    ties: &[shortlist::CutTie],
    by_id: &BTreeMap<i64, ListedApplication>,
    rubrics: &Rubrics,
) -> Vec<String> {
    let tz = crate::review::names::edition_tz(&c.edition);
    let reference = |id: i64| {
        by_id
            .get(&id)
            .and_then(|d| d.reference.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let score: BTreeMap<i64, (i64, f64)> = candidates
        .iter()
        .map(|x| (x.ranked.dossier, (x.track, x.ranked.score)))
        .collect();
    ties.iter()
        .map(|t| {
            let (track, points) = score.get(&t.kept).copied().unwrap_or_default();
            let rubric = rubrics.get(&track).map(|(r, _)| r);
            let label = |key: &str| {
                rubric
                    .and_then(|r| r.criterion(key))
                    .map_or_else(|| key.to_owned(), |x| x.label.get(lang).to_owned())
            };
            let names = ties::Names {
                criterion: &label,
                dossier: &reference,
                tz: &tz,
            };
            tr_args(
                lang,
                "tie-cut-line",
                &[
                    ("kept", reference(t.kept)),
                    ("left_out", reference(t.left_out)),
                    (
                        "how",
                        ties::describe(lang, ties::Between::Named, points, &t.steps, &names),
                    ),
                ],
            )
        })
        .collect()
}

async fn render_page(
    app: &AppState,
    ctx: Ctx,
    l: &Loaded,
    errors: FieldErrors,
    change_form: ChangeForm,
    status: StatusCode,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let (candidates, by_id, rubrics) = scored_dossiers(app, &l.c).await?;
    let scores: BTreeMap<i64, f64> = candidates
        .iter()
        .map(|c| (c.ranked.dossier, c.ranked.score))
        .collect();
    let stored_entries = entries(&app.db, l.c.edition.id).await?;
    let chosen: Vec<i64> = stored_entries.iter().map(|e| e.application_id).collect();
    let ties = ties_at_the_cut(&candidates, &chosen, &rubrics);
    let arbitrary_cut_ties = ties.iter().any(|t| decided_arbitrarily(&t.steps));
    let cut_ties = describe_cut_ties(lang, &l.c, &candidates, &ties, &by_id, &rubrics);
    let entries = stored_entries
        .into_iter()
        .enumerate()
        .filter_map(|(i, e)| {
            let d = by_id.get(&e.application_id)?;
            Some(EntryLine {
                position: i + 1,
                reference: d.reference.clone().unwrap_or_default(),
                title: d.title.clone(),
                track: track_name(&l.c, d.track_id, lang),
                score: scores
                    .get(&d.id)
                    .map(|s| format_score(*s))
                    .unwrap_or_default(),
                women_led: d.women_led,
                added: e.source == "added",
            })
        })
        .collect();
    let changes = changes(&app.db, l.c.edition.id)
        .await?
        .into_iter()
        .map(|ch| {
            let reference = by_id
                .get(&ch.application_id)
                .and_then(|d| d.reference.clone())
                .unwrap_or_default();
            let action = tr(
                lang,
                if ch.action == "in" {
                    "shortlist-added"
                } else {
                    "shortlist-removed"
                },
            );
            format!(
                "{reference} · {action} · {} — {}",
                ch.actor_name, ch.justification
            )
        })
        .collect();
    let quotas_set = l.shortlist.quotas();
    let quotas =
        l.c.tracks
            .iter()
            .map(|t| {
                (
                    t.id,
                    track_name(&l.c, t.id, lang),
                    quotas_set
                        .get(&t.id)
                        .map(|q| q.to_string())
                        .unwrap_or_default(),
                )
            })
            .collect();
    render_with_status(
        status,
        &ShortlistTemplate {
            base: format!("/admin/editions/{}/shortlist", l.c.edition.slug),
            public_url: format!("/finalists/{}", l.c.edition.slug),
            year: l.c.edition.year,
            status: tr(lang, &format!("shortlist-status-{}", l.shortlist.status)),
            is_draft: l.shortlist.status == ShortlistStatus::Draft,
            is_locked: l.shortlist.status == ShortlistStatus::Locked,
            is_published: l.shortlist.status == ShortlistStatus::Published,
            preselection_closed: l.c.round.status() == RoundStatus::Closed,
            size: l.shortlist.size.to_string(),
            quotas,
            with_feedback: l.shortlist.with_feedback,
            entries,
            changes,
            errors,
            change_form,
            cut_ties,
            arbitrary_cut_ties,
            version: l.shortlist.version,
            stale: l.stale.clone(),
            ctx,
        },
    )
}

pub(super) async fn page(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, .. }: OrganisedEdition,
) -> AppResult<Response> {
    let l = load(&app, &edition).await?;
    render_page(
        &app,
        ctx,
        &l,
        FieldErrors::default(),
        ChangeForm::default(),
        StatusCode::OK,
    )
    .await
}

async fn refuse(
    app: &AppState,
    ctx: Ctx,
    l: &Loaded,
    field: &str,
    key: &str,
) -> AppResult<Response> {
    let mut errors = FieldErrors::default();
    errors.add(field, tr(ctx.lang, key));
    render_page(
        app,
        ctx,
        l,
        errors,
        ChangeForm::default(),
        StatusCode::CONFLICT,
    )
    .await
}

async fn save_settings(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, user }: OrganisedEdition,
    form: CsrfForm<serde::de::IgnoredAny>,
) -> AppResult<Response> {
    let l = load(&app, &edition).await?;
    if l.shortlist.status != ShortlistStatus::Draft {
        return refuse(&app, ctx, &l, "settings", "shortlist-not-draft").await;
    }
    let fields: BTreeMap<String, String> = form.pairs.into_iter().collect();
    let mut errors = FieldErrors::default();
    let size = fields
        .get("size")
        .and_then(|s| s.trim().parse::<i64>().ok())
        .filter(|n| (1..=500).contains(n));
    if size.is_none() {
        errors.add("size", tr(ctx.lang, "shortlist-bad-size"));
    }
    let mut quotas = BTreeMap::new();
    for t in &l.c.tracks {
        let input = fields
            .get(&format!("quota_{}", t.id))
            .map(|s| s.trim())
            .unwrap_or("");
        if input.is_empty() {
            continue;
        }
        match input.parse::<usize>() {
            Ok(q) if q <= 500 => {
                quotas.insert(t.id, q);
            }
            _ => errors.add(
                format!("quota_{}", t.id),
                tr(ctx.lang, "shortlist-bad-size"),
            ),
        }
    }
    let Some(size) = size.filter(|_| errors.is_empty()) else {
        return render_page(
            &app,
            ctx,
            &l,
            errors,
            ChangeForm::default(),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let settings = Settings {
        size,
        quotas,
        with_feedback: fields.contains_key("with_feedback"),
    };
    let now = app.now_ms();
    let expected = fields
        .get("version")
        .map_or(0, |v| crate::web::edit::posted_version(v));
    let mut tx = app.db.begin().await?;
    if actions::save_settings(&mut tx, &l.c.edition, &settings, expected, user.id, now)
        .await?
        .is_err()
    {
        drop(tx);
        let mut now_stored = load(&app, &edition).await?;
        if now_stored.shortlist.status != ShortlistStatus::Draft {
            return refuse(&app, ctx, &now_stored, "settings", "shortlist-not-draft").await;
        }
        let stored = &now_stored.shortlist;
        let lang = ctx.lang;
        let quota_text = stored
            .quotas()
            .iter()
            .map(|(track, q)| format!("{} → {q}", track_name(&now_stored.c, *track, lang)))
            .collect::<Vec<_>>()
            .join(" · ");
        now_stored.stale = Some(StaleEdit {
            version: stored.version,
            stored: vec![
                (tr(lang, "shortlist-size"), stored.size.to_string()),
                (tr(lang, "shortlist-quota"), quota_text),
                (
                    tr(lang, "shortlist-with-feedback"),
                    tr(lang, if stored.with_feedback { "yes" } else { "no" }),
                ),
            ],
        });
        // The form shows what was typed, with the stored version.
        now_stored.shortlist.size = settings.size;
        now_stored.shortlist.quotas_json = serde_json::to_string(&settings.quotas)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        now_stored.shortlist.with_feedback = settings.with_feedback;
        return render_page(
            &app,
            ctx,
            &now_stored,
            FieldErrors::default(),
            ChangeForm::default(),
            StatusCode::CONFLICT,
        )
        .await;
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/admin/editions/{}/shortlist", l.c.edition.slug)).into_response())
}

async fn propose(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, user }: OrganisedEdition,
    _form: CsrfForm<serde::de::IgnoredAny>,
) -> AppResult<Response> {
    let l = load(&app, &edition).await?;
    if l.c.round.status() != RoundStatus::Closed {
        return refuse(&app, ctx, &l, "propose", "shortlist-preselection-open").await;
    }
    let (candidates, _, _) = scored_dossiers(&app, &l.c).await?;
    let size = usize::try_from(l.shortlist.size).unwrap_or(30);
    let chosen = shortlist::propose(&candidates, size, &l.shortlist.quotas());
    let chosen_sorted = shortlist::in_ranking_order(&candidates, &chosen);
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    if let Err(refused) =
        actions::propose(&mut tx, &l.c.edition, &chosen_sorted, size, user.id, now).await?
    {
        drop(tx);
        return refuse(&app, ctx, &l, "propose", refused.key()).await;
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/admin/editions/{}/shortlist", l.c.edition.slug)).into_response())
}

async fn change(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, user }: OrganisedEdition,
    form: CsrfForm<ChangeForm>,
) -> AppResult<Response> {
    let l = load(&app, &edition).await?;
    let lang = ctx.lang;
    let values = form.value;
    let mut errors = FieldErrors::default();
    let (_, by_id, _) = scored_dossiers(&app, &l.c).await?;
    let reference = values.reference.trim().to_uppercase();
    let dossier = by_id
        .values()
        .find(|d| d.reference.as_deref() == Some(reference.as_str()))
        .cloned();
    if dossier.is_none() {
        errors.add("reference", tr(lang, "review-unknown-reference"));
    }
    let adding = match values.action.as_str() {
        "in" => Some(true),
        "out" => Some(false),
        _ => {
            errors.add("action", tr(lang, "field-required"));
            None
        }
    };
    let justification = match Justification::parse(&values.justification) {
        Ok(j) => Some(j),
        Err(e) => {
            errors.add("justification", e.message(lang));
            None
        }
    };
    let current: BTreeSet<i64> = entries(&app.db, l.c.edition.id)
        .await?
        .into_iter()
        .map(|e| e.application_id)
        .collect();
    if let (Some(d), Some(adding)) = (&dossier, adding) {
        if adding && current.contains(&d.id) {
            errors.add("reference", tr(lang, "shortlist-already-in"));
        } else if !adding && !current.contains(&d.id) {
            errors.add("reference", tr(lang, "shortlist-not-in"));
        }
    }
    if l.shortlist.status != ShortlistStatus::Draft {
        errors.add("reference", tr(lang, "shortlist-not-draft"));
    }
    let (Some(dossier), Some(adding), Some(justification), true) =
        (dossier, adding, justification, errors.is_empty())
    else {
        return render_page(
            &app,
            ctx,
            &l,
            errors,
            values,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let change = if adding {
        EntryChange::In {
            after: current.len(),
        }
    } else {
        EntryChange::Out
    };
    let mut tx = app.db.begin().await?;
    let about = (&l.c.edition, &dossier);
    let changed = actions::change_entry(
        &mut tx,
        about,
        change,
        &justification,
        user.id,
        app.now_ms(),
    )
    .await?;
    if changed.is_err() {
        drop(tx);
        return refuse(&app, ctx, &l, "reference", "shortlist-not-draft").await;
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/admin/editions/{}/shortlist", l.c.edition.slug)).into_response())
}

#[derive(Deserialize, Default)]
pub struct LockForm {
    /// The organisers confirm ties across the cut broken by an arbitrary rule.
    #[serde(default)]
    confirm_ties: Option<String>,
}

pub(super) async fn lock(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, user }: OrganisedEdition,
    form: CsrfForm<LockForm>,
) -> AppResult<Response> {
    let l = load(&app, &edition).await?;
    let finalists: Vec<i64> = entries(&app.db, l.c.edition.id)
        .await?
        .into_iter()
        .map(|e| e.application_id)
        .collect();
    // A place decided by submission time or dossier number is the organisers' call.
    let (candidates, _, rubrics) = scored_dossiers(&app, &l.c).await?;
    let ties = ties_at_the_cut(&candidates, &finalists, &rubrics);
    let arbitrary = ties.iter().any(|t| decided_arbitrarily(&t.steps));
    let confirmed = form.value.confirm_ties.is_some();
    if arbitrary && !confirmed && l.shortlist.status == ShortlistStatus::Draft {
        return refuse(&app, ctx, &l, "lock", "tie-cut-confirm-required").await;
    }
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    if let Err(refused) = actions::lock(
        &mut tx,
        &l.c.edition,
        &finalists,
        &ties,
        arbitrary && confirmed,
        user.id,
        now,
    )
    .await?
    {
        drop(tx);
        return refuse(&app, ctx, &l, "lock", refused.key()).await;
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/admin/editions/{}/shortlist", l.c.edition.slug)).into_response())
}

async fn publish(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, user }: OrganisedEdition,
    _form: CsrfForm<serde::de::IgnoredAny>,
) -> AppResult<Response> {
    let l = load(&app, &edition).await?;
    let finalists: BTreeSet<i64> = entries(&app.db, l.c.edition.id)
        .await?
        .into_iter()
        .map(|e| e.application_id)
        .collect();
    let everyone = applicants(&app.db, l.c.edition.id).await?;
    let ranking = round_ranking(&app, &l.c).await?;
    let now = app.now_ms();
    // Read outside the site: an absolute link when the public URL is configured.
    let link = ctx.link(&format!("/finalists/{}", l.c.edition.slug));
    let publication = actions::Publication {
        finalists: &finalists,
        applicants: &everyone,
        link: &link,
        with_feedback: l.shortlist.with_feedback,
        sheets: &ranking.stored,
    };
    let mut tx = app.db.begin().await?;
    if let Err(refused) =
        actions::publish(&mut tx, &l.c.edition, &publication, user.id, now).await?
    {
        drop(tx);
        return refuse(&app, ctx, &l, "publish", refused.key()).await;
    }
    tx.commit().await?;
    app.outbox_wake.notify_one();
    Ok(Redirect::to(&format!("/admin/editions/{}/shortlist", l.c.edition.slug)).into_response())
}

pub struct FinalistLine {
    pub title: String,
    /// The applicant's name; `None` where it is not published.
    pub name: Option<String>,
}

#[derive(Template)]
#[template(path = "review/shortlist/finalists.html")]
pub struct FinalistsTemplate {
    pub ctx: Ctx,
    pub year: i64,
    pub published: String,
    pub tracks: Vec<(String, Vec<FinalistLine>)>,
}

/// The public list: names and projects of the finalists only, once published.
async fn finalists_page(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(edition): Path<String>,
) -> AppResult<Response> {
    let edition = calls::edition_by_slug(&app.db, &edition)
        .await?
        .ok_or(AppError::NotFound)?;
    let shortlist = ensure_shortlist(&app.db, edition.id).await?;
    let Some(published_at) = shortlist
        .published_at
        .filter(|_| shortlist.status == ShortlistStatus::Published)
    else {
        return Err(AppError::NotFound);
    };
    let lang = ctx.lang;
    let finalists = crate::review::queries::finalists(&app.db, edition.id).await?;
    let mut tracks = Vec::new();
    for t in calls::tracks_of_edition(&app.db, edition.id).await? {
        // Hackathon contestants are young individuals who chose a team name or pseudonym:
        // their own name is not published.
        let individuals = t.kind()? == crate::domain::track::TrackKind::Hackathon;
        let lines = finalists
            .iter()
            .filter(|f| f.track_id == t.id)
            .map(|f| FinalistLine {
                title: f.title.clone(),
                name: (!individuals).then(|| f.applicant_name.clone()),
            })
            .collect();
        let name = if lang == Lang::En {
            t.name_en
        } else {
            t.name_fr
        };
        tracks.push((name, lines));
    }
    let tz = edition.timezone.tz().clone();
    let published = jiff::Timestamp::from_millisecond(published_at)
        .map(|t| crate::i18n::format_instant(lang, t, &tz))
        .unwrap_or_default();
    render(&FinalistsTemplate {
        year: edition.year,
        published,
        tracks,
        ctx,
    })
    .map(|page| public_page(page, None))
}
