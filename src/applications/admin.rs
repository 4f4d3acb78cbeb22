//! The organisers' back office: the list with filters and counts, the dossier page with the
//! eligibility verdict, status changes, exports, the outbox and the audit log.

use crate::i18n::Say;
use askama::Template;

use super::routes::ReviewData;
use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use super::decisions::{self, Refusal};
use super::export::Cell;
use super::queries::{self, ListFilter};
use super::Status;
use crate::accounts::roles::{self, Role};
use crate::calls::queries::{self as calls, EditionRow, TrackRow};
use crate::domain::country::Country;
use crate::domain::eligibility;
use crate::domain::form::{self, FormDefinition};
use crate::domain::types::Lang;
use crate::editions::access::{organised_editions, OrganisedEdition};
use crate::i18n;
use crate::web::ctx::{CsrfForm, Ctx, SignedIn};
use crate::web::error::{AppError, AppResult};
use crate::web::sessions::SessionUser;
use crate::web::state::AppState;
use crate::web::templates::{render, render_with_status};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin", get(home))
        .route("/admin/editions/{edition}/applications", get(list))
        .route(
            "/admin/editions/{edition}/applications.csv",
            get(export_csv),
        )
        .route(
            "/admin/editions/{edition}/applications.xlsx",
            get(export_xlsx),
        )
        .route(
            "/admin/editions/{edition}/applications/decide",
            post(bulk_decide),
        )
        .route("/admin/applications/{id}", get(dossier))
        .route("/admin/applications/{id}/status", post(change_status))
}

pub struct EditionLink {
    pub slug: String,
    pub name: String,
    /// Track id and name, for the edit links.
    pub tracks: Vec<(i64, String)>,
    pub counts: Vec<super::stats::CountTable>,
}

async fn home(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
) -> AppResult<Response> {
    let ids = organised_editions(&app, &user).await?;
    let mut editions = Vec::new();
    for e in calls::editions(&app.db)
        .await?
        .into_iter()
        .filter(|e| ids.contains(&e.id))
    {
        let tracks = calls::tracks_of_edition(&app.db, e.id)
            .await?
            .into_iter()
            .map(|t| {
                (
                    t.id,
                    if ctx.lang == Lang::En {
                        t.name_en
                    } else {
                        t.name_fr
                    },
                )
            })
            .collect::<Vec<_>>();
        let counts = super::stats::tables(
            &queries::counts_for_edition(&app.db, e.id).await?,
            &tracks,
            ctx.lang,
        );
        editions.push(EditionLink {
            name: e.name(ctx.lang),
            slug: e.slug,
            tracks,
            counts,
        });
    }
    render(&AdminHomeTemplate { ctx, editions })
}

pub struct ListRow {
    pub url: String,
    pub reference: String,
    pub title: String,
    pub applicant: String,
    pub track: String,
    pub status: String,
    pub country: String,
    pub domain: String,
    pub women_led: bool,
    /// The bulk checkbox's value (`public id:status seen`) when the dossier can be decided.
    pub pick: Option<String>,
    pub ticked: bool,
}

/// The bulk decision form as typed, with what refused it or what it did.
#[derive(Default)]
pub struct BulkView {
    pub decision: String,
    pub reason: String,
    /// Public ids of the ticked dossiers.
    pub ticked: Vec<String>,
    pub error: Option<String>,
    pub report: Option<String>,
}

/// What the last bulk decision did, carried by its redirect.
#[derive(Deserialize, Default)]
struct BulkReport {
    #[serde(default)]
    decided: Option<usize>,
    #[serde(default)]
    skipped: Option<String>,
}

pub struct Select {
    pub name: &'static str,
    pub label: String,
    pub options: Vec<(String, String, bool)>,
}

async fn list(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, .. }: OrganisedEdition,
    Query(filter): Query<ListFilter>,
    Query(done): Query<BulkReport>,
) -> AppResult<Response> {
    let report = done.decided.map(|n| {
        let mut text = i18n::tr_args(ctx.lang, "backoffice-bulk-done", &[("n", n.to_string())]);
        // The report comes from a URL anyone can forge: only reference-like words are
        // echoed, never free text dressed as the platform's own message.
        let skipped = done.skipped.map(|s| {
            s.split(", ")
                .filter(|r| {
                    (1..=40).contains(&r.len())
                        && r.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                })
                .collect::<Vec<_>>()
                .join(", ")
        });
        if let Some(skipped) = skipped.filter(|s| !s.is_empty()) {
            text.push(' ');
            text.push_str(&i18n::tr_args(
                ctx.lang,
                "backoffice-bulk-skipped",
                &[("references", skipped)],
            ));
        }
        text
    });
    let bulk = BulkView {
        report,
        ..BulkView::default()
    };
    list_page(&app, ctx, &edition, &filter, bulk, StatusCode::OK).await
}

async fn list_page(
    app: &AppState,
    ctx: Ctx,
    edition: &EditionRow,
    filter: &ListFilter,
    bulk: BulkView,
    status_code: StatusCode,
) -> AppResult<Response> {
    let filter = filter.clone();
    let tracks = calls::tracks_of_edition(&app.db, edition.id).await?;
    let rows = queries::list_for_edition(&app.db, edition.id, &filter).await?;
    let lang = ctx.lang;
    let domains = crate::domain::seed_forms::domains();
    let domain_label = |v: &str| {
        domains
            .iter()
            .find(|d| d.value == v)
            .map(|d| d.label.get(lang).to_owned())
            .unwrap_or_else(|| v.to_owned())
    };
    let country_label = |v: &str| {
        Country::parse(v)
            .map(|c| c.name(lang).to_owned())
            .unwrap_or_else(|_| v.to_owned())
    };
    let women_led = rows.iter().filter(|r| r.women_led).count();
    let mut by_status: BTreeMap<String, usize> = BTreeMap::new();
    for row in &rows {
        *by_status.entry(row.status.label(lang)).or_default() += 1;
    }
    let list_rows = rows
        .iter()
        .map(|r| ListRow {
            url: format!("/admin/applications/{}", r.public_id),
            reference: r.reference.clone().unwrap_or_default(),
            title: r.title.clone(),
            applicant: r.applicant_name.clone(),
            track: r.track_code.clone(),
            status: r.status.label(lang),
            country: r.country.as_deref().map(country_label).unwrap_or_default(),
            domain: r.domain.as_deref().map(domain_label).unwrap_or_default(),
            women_led: r.women_led,
            pick: matches!(
                r.status,
                Status::Submitted | Status::Eligible | Status::Ineligible
            )
            .then(|| format!("{}:{}", r.public_id, r.status)),
            ticked: bulk.ticked.contains(&r.public_id),
        })
        .collect();
    let chosen = |v: &Option<String>, x: &str| v.as_deref() == Some(x);
    let mut countries: Vec<String> = rows.iter().filter_map(|r| r.country.clone()).collect();
    countries.sort();
    countries.dedup();
    let filters = vec![
        Select {
            name: "track",
            label: ctx.t("admin-filter-track"),
            options: tracks
                .iter()
                .map(|t| {
                    (
                        t.slug.clone(),
                        if lang == Lang::En {
                            t.name_en.clone()
                        } else {
                            t.name_fr.clone()
                        },
                        chosen(&filter.track, &t.slug),
                    )
                })
                .collect(),
        },
        Select {
            name: "status",
            label: ctx.t("admin-filter-status"),
            options: Status::ALL
                .iter()
                .map(|s| {
                    (
                        s.as_str().to_owned(),
                        s.label(lang),
                        chosen(&filter.status, s.as_str()),
                    )
                })
                .collect(),
        },
        Select {
            name: "country",
            label: ctx.t("admin-filter-country"),
            options: countries
                .iter()
                .map(|c| (c.clone(), country_label(c), chosen(&filter.country, c)))
                .collect(),
        },
        Select {
            name: "domain",
            label: ctx.t("admin-filter-domain"),
            options: domains
                .iter()
                .map(|d| {
                    (
                        d.value.clone(),
                        d.label.get(lang).to_owned(),
                        chosen(&filter.domain, &d.value),
                    )
                })
                .collect(),
        },
        Select {
            name: "women_led",
            label: ctx.t("admin-filter-women-led"),
            options: vec![
                ("yes".into(), ctx.t("yes"), chosen(&filter.women_led, "yes")),
                ("no".into(), ctx.t("no"), chosen(&filter.women_led, "no")),
            ],
        },
    ];
    let query = serde_urlencoded::to_string(filter_pairs(&filter)).unwrap_or_default();
    render_with_status(
        status_code,
        &AdminListTemplate {
            edition_name: edition.name(lang),
            csv_url: format!("/admin/editions/{}/applications.csv?{query}", edition.slug),
            xlsx_url: format!("/admin/editions/{}/applications.xlsx?{query}", edition.slug),
            action: format!("/admin/editions/{}/applications", edition.slug),
            q: filter.q.clone().unwrap_or_default(),
            total: rows.len(),
            women_led,
            by_status: by_status.into_iter().collect(),
            rows: list_rows,
            filters,
            bulk_action: format!("/admin/editions/{}/applications/decide", edition.slug),
            back: query,
            bulk,
            ctx,
        },
    )
}

#[derive(Deserialize)]
struct BulkForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    reason: String,
    /// The list's filters, to come back to the same list.
    #[serde(default)]
    back: String,
}

/// One decision and one reason for every ticked dossier. Each is checked and recorded as a
/// single decision is (its own audit entry and message). A decision that needs a reason
/// refuses the whole batch, nothing written; a dossier whose status changed since the list
/// was loaded is skipped and named, the others are recorded, all in one transaction.
async fn bulk_decide(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, user }: OrganisedEdition,
    form: CsrfForm<BulkForm>,
) -> AppResult<Response> {
    let filter: ListFilter = serde_urlencoded::from_str(&form.value.back).unwrap_or_default();
    let picks: Vec<(String, String)> = form
        .pairs
        .iter()
        .filter(|(k, _)| k == "pick")
        .filter_map(|(_, v)| v.split_once(':'))
        .map(|(id, seen)| (id.to_owned(), seen.to_owned()))
        .collect();
    let form = form.value;
    let refuse = |ctx: Ctx, error: String| {
        let bulk = BulkView {
            decision: form.status.clone(),
            reason: form.reason.clone(),
            ticked: picks.iter().map(|(id, _)| id.clone()).collect(),
            error: Some(error),
            report: None,
        };
        list_page(
            &app,
            ctx,
            &edition,
            &filter,
            bulk,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let status = match form.status.as_str() {
        "eligible" => Status::Eligible,
        "ineligible" => Status::Ineligible,
        _ => {
            let error = ctx.t("backoffice-bulk-no-decision");
            return refuse(ctx, error).await;
        }
    };
    if picks.is_empty() {
        let error = ctx.t("backoffice-bulk-none-ticked");
        return refuse(ctx, error).await;
    }
    let mut dossiers = Vec::with_capacity(picks.len());
    for (id, seen) in &picks {
        let (application, track) = organised_application(&app, &user, id).await?;
        if track.edition_id != edition.id {
            return Err(AppError::NotFound);
        }
        dossiers.push((application, track, seen));
    }
    let reference =
        |a: &queries::ApplicationRow| a.reference.clone().unwrap_or_else(|| a.public_id.clone());
    let mut prepared = Vec::new();
    let mut skipped = Vec::new();
    let mut need_reason = Vec::new();
    for (application, track, seen) in &dossiers {
        match decisions::prepare(
            &app,
            application,
            track,
            status,
            &form.reason,
            seen.as_str(),
        )
        .await?
        {
            Ok(p) => prepared.push((p, reference(application))),
            Err(Refusal::ReasonRequired) => need_reason.push(reference(application)),
            Err(Refusal::ChangedMeanwhile | Refusal::NotDecidable) => {
                skipped.push(reference(application))
            }
        }
    }
    if !need_reason.is_empty() {
        let error = i18n::tr_args(
            ctx.lang,
            "backoffice-bulk-reason-required",
            &[("references", need_reason.join(", "))],
        );
        return refuse(ctx, error).await;
    }
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    let mut decided = 0;
    for (p, reference) in &prepared {
        // A refusal here wrote nothing for that dossier: the others still go through.
        match decisions::record(&mut tx, user.id, p, now).await? {
            Ok(()) => decided += 1,
            Err(_) => skipped.push(reference.clone()),
        }
    }
    tx.commit().await?;
    app.outbox_wake.notify_one();
    let mut pairs = filter_pairs(&filter);
    pairs.push(("decided", decided.to_string()));
    if !skipped.is_empty() {
        pairs.push(("skipped", skipped.join(", ")));
    }
    let query = serde_urlencoded::to_string(pairs).unwrap_or_default();
    Ok(Redirect::to(&format!(
        "/admin/editions/{}/applications?{query}",
        edition.slug
    ))
    .into_response())
}

fn filter_pairs(f: &ListFilter) -> Vec<(&'static str, String)> {
    [
        ("track", &f.track),
        ("status", &f.status),
        ("country", &f.country),
        ("domain", &f.domain),
        ("women_led", &f.women_led),
        ("q", &f.q),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.clone().filter(|v| !v.is_empty()).map(|v| (k, v)))
    .collect()
}

async fn build_table(
    app: &AppState,
    edition: &EditionRow,
    filter: &ListFilter,
    lang: Lang,
) -> AppResult<super::export::Table> {
    let rows = queries::list_for_edition(&app.db, edition.id, filter).await?;
    let mut forms: BTreeMap<(i64, i64), FormDefinition> = BTreeMap::new();
    for row in &rows {
        if let std::collections::btree_map::Entry::Vacant(e) =
            forms.entry((row.track_id, row.form_version))
        {
            e.insert(calls::form_definition(&app.db, row.track_id, row.form_version).await?);
        }
    }
    let form_refs: Vec<&FormDefinition> = forms.values().collect();
    let columns = super::export::columns(&form_refs, lang);
    let mut headers: Vec<String> = [
        "export-reference",
        "export-track",
        "export-status",
        "export-applicant",
        "export-submitted-at",
        "export-women-led",
    ]
    .iter()
    .map(|k| i18n::tr(lang, k))
    .collect();
    headers.extend(columns.iter().map(|(_, label)| label.clone()));
    let tz = edition.timezone.tz().clone();
    let mut table_rows = Vec::with_capacity(rows.len());
    for row in &rows {
        let answers: form::Answers = serde_json::from_str(&row.answers_json).unwrap_or_default();
        let submitted_at: Cell = row
            .submitted_at
            .and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
            .map_or_else(
                || Cell::Text(String::new()),
                |t| Cell::Instant(t.to_zoned(tz.clone()).datetime()),
            );
        let mut cells: Vec<Cell> = vec![
            row.reference.clone().unwrap_or_default().into(),
            row.track_code.clone().into(),
            row.status.label(lang).into(),
            row.applicant_name.clone().into(),
            submitted_at,
            i18n::tr(lang, if row.women_led { "yes" } else { "no" }).into(),
        ];
        if let Some(form) = forms.get(&(row.track_id, row.form_version)) {
            cells.extend(super::export::answer_cells(form, &answers, &columns, lang));
        }
        table_rows.push(cells);
    }
    Ok(super::export::Table {
        headers,
        rows: table_rows,
    })
}

async fn export_csv(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, .. }: OrganisedEdition,
    Query(filter): Query<ListFilter>,
) -> AppResult<Response> {
    let table = build_table(&app, &edition, &filter, ctx.lang).await?;
    let bytes = super::export::to_csv(&table).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}-candidatures.csv\"", edition.slug),
            ),
        ],
        bytes,
    )
        .into_response())
}

async fn export_xlsx(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, .. }: OrganisedEdition,
    Query(filter): Query<ListFilter>,
) -> AppResult<Response> {
    let table = build_table(&app, &edition, &filter, ctx.lang).await?;
    let bytes = super::export::to_xlsx(&table, &ctx.t("export-sheet"))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (
                CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{}-candidatures.xlsx\"",
                    edition.slug
                ),
            ),
        ],
        bytes,
    )
        .into_response())
}

pub struct FileLink {
    pub label: String,
    pub name: String,
    pub url: String,
    pub id_document: bool,
    /// "Deleted on … (retention)" for a file no longer in storage.
    pub purged: Option<String>,
}

async fn dossier(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (application, track) = organised_application(&app, &user, &id).await?;
    dossier_page(&app, ctx, &application, &track, None, StatusCode::OK).await
}

/// "Document deleted on … (retention)", in the edition's time zone.
pub fn purged_notice(
    lang: crate::domain::types::Lang,
    at_ms: i64,
    tz: &jiff::tz::TimeZone,
) -> String {
    let date = jiff::Timestamp::from_millisecond(at_ms)
        .map(|t| i18n::format_date(lang, t.to_zoned(tz.clone()).date()))
        .unwrap_or_default();
    i18n::tr_args(lang, "pd-file-purged", &[("date", date)])
}

/// The application and its track if the user organises its edition; 404 otherwise.
async fn organised_application(
    app: &AppState,
    user: &SessionUser,
    id: &str,
) -> AppResult<(queries::ApplicationRow, TrackRow)> {
    let application = queries::find(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let track = calls::track_by_id(&app.db, application.track_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !roles::has_role(&app.db, user.id, track.edition_id, Role::Organiser).await? {
        return Err(AppError::NotFound);
    }
    Ok((application, track))
}

/// The decision form as typed, with the error that refused it.
struct Refused {
    decision: String,
    reason: String,
    error: String,
}

async fn dossier_page(
    app: &AppState,
    ctx: Ctx,
    application: &queries::ApplicationRow,
    track: &TrackRow,
    refused: Option<Refused>,
    status_code: StatusCode,
) -> AppResult<Response> {
    let (form_def, answers, rules, verdict) =
        decisions::automatic_check(app, application, track).await?;
    let reference_date = track.closing_date();
    let data = super::routes::review_data(
        &form_def,
        &answers,
        &rules,
        ctx.lang,
        reference_date,
        &application.public_id,
    );
    let conditions = rules
        .iter()
        .enumerate()
        .map(|(i, rule)| {
            (
                eligibility::describe(rule, &form_def, reference_date)
                    .map(|reason| reason.message(ctx.lang))
                    .unwrap_or_default(),
                !verdict.failures.iter().any(|f| f.rule_index == i),
            )
        })
        .collect();
    let purged = queries::purged_files(&app.db, application.id).await?;
    let files = form_def
        .sections
        .iter()
        .flat_map(|s| s.fields.iter())
        .filter_map(|f| match (answers.0.get(&f.key), &f.kind) {
            (
                Some(form::Answer::File { file_id, name }),
                form::FieldKind::File { id_document, .. },
            ) => Some(FileLink {
                label: f.label.get(ctx.lang).to_owned(),
                name: name.clone(),
                url: format!("/files/{file_id}"),
                id_document: *id_document,
                purged: purged
                    .iter()
                    .find(|(id, _)| id == file_id)
                    .map(|(_, at)| purged_notice(ctx.lang, *at, &track.time_zone())),
            }),
            _ => None,
        })
        .collect();
    let applicant = crate::accounts::users::find_by_id(&app.db, application.applicant_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let draft = match application.pending_draft()? {
        Some((draft_answers, version, saved_at)) => {
            let draft_form = calls::form_definition(&app.db, track.id, version).await?;
            Some(DraftView {
                saved: jiff::Timestamp::from_millisecond(saved_at)
                    .map(|t| i18n::format_instant(ctx.lang, t, &track.time_zone()))
                    .unwrap_or_default(),
                sections: super::routes::answer_sections(&draft_form, &draft_answers, ctx.lang),
            })
        }
        None => None,
    };
    let status = application.status();
    // The form starts from the automatic check's verdict.
    let (decision, reason, error) = match refused {
        Some(r) => (r.decision, r.reason, Some(r.error)),
        None => (
            decisions::proposed(&verdict).as_str().to_owned(),
            String::new(),
            None,
        ),
    };
    render_with_status(
        status_code,
        &AdminDossierTemplate {
            reference: application.reference.clone().unwrap_or_default(),
            title: application.title.clone(),
            track: track.name(ctx.lang),
            applicant: applicant.display_name,
            contact: applicant.email.or(applicant.phone).unwrap_or_default(),
            status_label: status.label(ctx.lang),
            status_reason: application.status_reason.clone().unwrap_or_default(),
            current_status: application.status.to_string(),
            women_led: application.women_led,
            public_id: application.public_id.clone(),
            can_decide: matches!(
                status,
                Status::Submitted | Status::Eligible | Status::Ineligible
            ),
            list_url: format!("/admin/editions/{}/applications", track.edition_slug),
            data,
            conditions,
            decision,
            reason,
            files,
            error,
            draft,
            ctx,
        },
    )
}

/// Edits the applicant saved after submitting and has not re-submitted: shown to organisers,
/// apart and marked, never judged.
pub struct DraftView {
    pub saved: String,
    pub sections: Vec<(String, Vec<(String, String)>)>,
}

#[derive(Deserialize)]
struct StatusForm {
    status: String,
    #[serde(default)]
    reason: String,
    /// The status the organiser saw when deciding (no silent overwrite of another's decision).
    #[serde(default)]
    from: String,
}

async fn change_status(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
    form: CsrfForm<StatusForm>,
) -> AppResult<Response> {
    let form = form.value;
    let (application, track) = organised_application(&app, &user, &id).await?;
    let new_status = match form.status.as_str() {
        "eligible" => Status::Eligible,
        "ineligible" => Status::Ineligible,
        "submitted" => Status::Submitted,
        _ => return Err(AppError::BadRequest("error-bad-form")),
    };
    let refused = |error: String| Refused {
        decision: new_status.as_str().to_owned(),
        reason: form.reason.clone(),
        error,
    };
    let prepared = decisions::prepare(
        &app,
        &application,
        &track,
        new_status,
        &form.reason,
        &form.from,
    )
    .await?;
    let refusal = match prepared {
        Ok(prepared) => {
            let now = app.now_ms();
            let mut tx = app.db.begin().await?;
            match decisions::record(&mut tx, user.id, &prepared, now).await? {
                Ok(()) => {
                    tx.commit().await?;
                    app.outbox_wake.notify_one();
                    return Ok(Redirect::to(&format!(
                        "/admin/applications/{}",
                        application.public_id
                    ))
                    .into_response());
                }
                // Dropping the transaction rolls it back: nothing of this decision stays.
                Err(refusal) => refusal,
            }
        }
        Err(refusal) => refusal,
    };
    match refusal {
        Refusal::NotDecidable => Err(AppError::BadRequest("application-not-editable")),
        Refusal::ReasonRequired => {
            let error = ctx.t("eligibility-override-reason-required");
            dossier_page(
                &app,
                ctx,
                &application,
                &track,
                Some(refused(error)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Refusal::ChangedMeanwhile => {
            // Another organiser decided since this form was loaded (or the form says nothing
            // of what it was loaded from): show the decision now stored, keep this one's
            // choice and words.
            let now_stored = queries::find(&app.db, &application.public_id)
                .await?
                .ok_or(AppError::NotFound)?;
            let error = decided_meanwhile(&now_stored, ctx.lang);
            dossier_page(
                &app,
                ctx,
                &now_stored,
                &track,
                Some(refused(error)),
                StatusCode::CONFLICT,
            )
            .await
        }
    }
}

/// Says which decision another organiser recorded meanwhile, with its reason if any.
fn decided_meanwhile(stored: &queries::ApplicationRow, lang: Lang) -> String {
    let stored_reason = stored.status_reason.clone().unwrap_or_default();
    let key = if stored_reason.is_empty() {
        "eligibility-decided-meanwhile"
    } else {
        "eligibility-decided-meanwhile-reason"
    };
    i18n::tr_args(
        lang,
        key,
        &[
            ("status", stored.status().label(lang)),
            ("reason", stored_reason),
        ],
    )
}

#[derive(Template)]
#[template(path = "admin/home.html")]
pub struct AdminHomeTemplate {
    pub ctx: Ctx,
    pub editions: Vec<EditionLink>,
}

#[derive(Template)]
#[template(path = "admin/list.html")]
pub struct AdminListTemplate {
    pub ctx: Ctx,
    pub edition_name: String,
    pub csv_url: String,
    pub xlsx_url: String,
    pub action: String,
    pub q: String,
    pub total: usize,
    pub women_led: usize,
    pub by_status: Vec<(String, usize)>,
    pub rows: Vec<ListRow>,
    pub filters: Vec<Select>,
    pub bulk_action: String,
    /// The filters as a query string, sent back with a bulk decision.
    pub back: String,
    pub bulk: BulkView,
}

#[derive(Template)]
#[template(path = "admin/dossier.html")]
pub struct AdminDossierTemplate {
    pub ctx: Ctx,
    pub reference: String,
    pub title: String,
    pub track: String,
    pub applicant: String,
    pub contact: String,
    pub status_label: String,
    pub status_reason: String,
    /// Sent back as `from`: the status this decision was made from.
    pub current_status: String,
    pub women_led: bool,
    pub public_id: String,
    pub can_decide: bool,
    pub list_url: String,
    pub data: ReviewData,
    /// Each eligibility condition of the track, in words, and whether the dossier meets it.
    pub conditions: Vec<(String, bool)>,
    /// The decision and reason the form starts from.
    pub decision: String,
    pub reason: String,
    pub files: Vec<FileLink>,
    pub error: Option<String>,
    pub draft: Option<crate::applications::admin::DraftView>,
}
