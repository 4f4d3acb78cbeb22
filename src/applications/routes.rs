//! The applicant's side: start, fill in section by section, upload, review, submit, receipt.

use super::owned::{load_owned, Loaded};
use askama::Template;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::actions::{self, Receipt, Recipient};
use super::form_view::{self, FieldView};
use super::queries::{self};
use super::uploads;
use super::{summarise, Status};
use crate::calls::queries::{self as calls, TrackRow};
use crate::domain::eligibility;
use crate::domain::form::{self, Answers, FormDefinition};
use crate::domain::types::Lang;
use crate::i18n::{self, tr, tr_args, Say};
use crate::web::ctx::{CsrfForm, Ctx, SignedIn};
use crate::web::error::{AppError, AppResult};
use crate::web::state::AppState;
use crate::web::templates::{render, render_with_status};

pub(super) async fn start(
    State(app): State<AppState>,
    SignedIn(user): SignedIn,
    Path((edition, track)): Path<(String, String)>,
    _form: CsrfForm<serde::de::IgnoredAny>,
) -> AppResult<Response> {
    let track = calls::track_by_slugs(&app.db, &edition, &track)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = app.now_ms();
    if !track.is_open(now) {
        return Err(AppError::BadRequest("apply-call-closed"));
    }
    // What the account already says (name, e-mail, phone) is not asked again empty.
    let form = calls::form_definition(&app.db, track.id, track.form_version).await?;
    let answers = form::prefill(
        &form,
        &form::AccountDetails {
            name: &user.display_name,
            email: user.email.as_deref(),
            phone: user.phone.as_deref(),
        },
    );
    // One statement on SQLite: the single writer is held for one round trip.
    let mut tx = app.db.begin_single_write().await?;
    queries::lock_applicant(&mut tx, user.id).await?;
    let draft = queries::NewDraft {
        track_id: track.id,
        applicant_id: user.id,
        form_version: track.form_version,
        answers: &answers,
    };
    let created =
        queries::insert_draft_within_limit(&mut tx, &draft, track.max_per_applicant, now).await?;
    tx.commit().await?;
    let Some(public_id) = created else {
        // Bring the applicant back to what they already have rather than refusing bluntly.
        let mine = queries::list_for_applicant(&app.db, user.id).await?;
        if let Some(existing) = mine
            .iter()
            .find(|a| a.track_id == track.id && a.status != Status::Withdrawn)
        {
            return Ok(
                Redirect::to(&format!("/applications/{}", existing.public_id)).into_response(),
            );
        }
        return Err(AppError::BadRequest("apply-limit-reached"));
    };
    Ok(Redirect::to(&format!("/applications/{public_id}/edit/0")).into_response())
}

pub(super) async fn my_applications(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
) -> AppResult<Response> {
    let rows = queries::list_for_applicant(&app.db, user.id).await?;
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        let track = calls::track_by_id(&app.db, row.track_id)
            .await?
            .ok_or(AppError::NotFound)?;
        items.push(MyApplicationItem {
            url: format!("/applications/{}", row.public_id),
            title: row.title.clone(),
            track: match ctx.lang {
                Lang::Fr => track.name_fr.clone(),
                Lang::En => track.name_en.clone(),
            },
            reference: row.reference.clone().unwrap_or_default(),
            status: row.status().label(ctx.lang),
        });
    }
    render(&MyApplicationsTemplate { ctx, items })
}

pub struct MyApplicationItem {
    pub url: String,
    pub title: String,
    pub track: String,
    pub reference: String,
    pub status: String,
}

/// What the overview and review pages say about the deadline.
pub struct Deadline {
    pub closes: String,
    pub time_left: String,
    pub is_open: bool,
}

fn deadline(track: &TrackRow, lang: Lang, now: i64) -> Deadline {
    let card = crate::calls::routes::track_card(track, lang, now);
    Deadline {
        closes: card.closes,
        time_left: card.time_left,
        is_open: card.is_open,
    }
}
pub(super) async fn overview(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let loaded = load_owned(&app, &id, &user).await?;
    let ctx = ctx.in_edition(&app, loaded.track.edition_id).await;
    let now = app.now_ms();
    let sections = loaded
        .form
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| {
            (
                format!("/applications/{}/edit/{i}", loaded.app.public_id),
                s.title.get(ctx.lang).to_owned(),
            )
        })
        .collect();
    let status = loaded.app.status();
    render(&OverviewTemplate {
        deadline: deadline(&loaded.track, ctx.lang, now),
        track: loaded.track.name(ctx.lang),
        status_label: status.label(ctx.lang),
        // The applicant is told why a dossier is not eligible (the SMS points here).
        decision_reason: if status == Status::Ineligible {
            loaded.app.status_reason.clone().unwrap_or_default()
        } else {
            String::new()
        },
        editable: status.editable() && loaded.track.is_open(now),
        withdrawable: status.editable(),
        has_changes: loaded.app.has_changes,
        reference: loaded.app.reference.clone().unwrap_or_default(),
        public_id: loaded.app.public_id.clone(),
        form_changed: loaded.form_changed,
        sections,
        ctx,
    })
}

/// `?after=N`: the page is shown after "Next" on step N, whose still-empty required fields
/// it names; `?saved=1`: after "Save the draft", it says when it was saved.
#[derive(Deserialize, Default)]
pub(super) struct After {
    #[serde(default)]
    after: Option<usize>,
    #[serde(default)]
    saved: Option<String>,
}

pub(super) async fn section_page(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path((id, section)): Path<(String, usize)>,
    Query(after): Query<After>,
) -> AppResult<Response> {
    let loaded = load_owned(&app, &id, &user).await?;
    let ctx = ctx.in_edition(&app, loaded.track.edition_id).await;
    if section >= loaded.form.sections.len() {
        return Err(AppError::NotFound);
    }
    let fields = form_view::section(
        &loaded.form,
        section,
        &loaded.answers,
        &Default::default(),
        ctx.lang,
    );
    let still_empty = after.after.and_then(|saved| {
        form_view::still_empty(
            &loaded.form,
            saved,
            &loaded.answers,
            ctx.lang,
            &loaded.app.public_id,
        )
    });
    let saved_at = after.saved.is_some().then(|| {
        let at = loaded.app.draft_saved_at.unwrap_or(loaded.app.updated_at);
        jiff::Timestamp::from_millisecond(at)
            .map(|t| {
                t.to_zoned(loaded.track.time_zone())
                    .strftime("%H:%M")
                    .to_string()
            })
            .unwrap_or_default()
    });
    section_page_response_full(
        &app,
        ctx,
        &loaded,
        section,
        fields,
        SectionNotes {
            page_error: None,
            still_empty,
            saved_at,
        },
        StatusCode::OK,
    )
}

/// What a section page says above its fields.
pub struct SectionNotes {
    pub page_error: Option<String>,
    pub still_empty: Option<form_view::StillEmpty>,
    /// After "Save the draft": the time it was saved (the call's clock), shown.
    pub saved_at: Option<String>,
}

pub fn section_page_response_full(
    app: &AppState,
    ctx: Ctx,
    loaded: &Loaded,
    section: usize,
    fields: Vec<FieldView>,
    notes: SectionNotes,
    status: StatusCode,
) -> AppResult<Response> {
    let now = app.now_ms();
    let count = loaded.form.sections.len();
    let editable = loaded.app.status().editable() && loaded.track.is_open(now);
    let has_errors = fields.iter().any(FieldView::has_error);
    render_with_status(
        status,
        &SectionTemplate {
            title: loaded.form.sections[section].title.get(ctx.lang).to_owned(),
            step: tr_args(
                ctx.lang,
                "section-step",
                &[
                    ("n", (section + 1).to_string()),
                    ("total", count.to_string()),
                ],
            ),
            track: loaded.track.name(ctx.lang),
            regulations_url: loaded.track.regulations_url(),
            public_id: loaded.app.public_id.clone(),
            section,
            previous: section.checked_sub(1),
            is_last: section + 1 == count,
            deadline: deadline(&loaded.track, ctx.lang, now),
            form_changed: loaded.form_changed,
            editable,
            has_errors,
            page_error: notes.page_error,
            still_empty: notes.still_empty,
            saved_at: notes.saved_at,
            fields,
            submitted_version: loaded
                .app
                .submitted_version
                .filter(|_| loaded.app.status() == Status::Submitted),
            ctx,
        },
    )
}

/// Saves a step: its answers and, when the step has file fields, the files chosen in it (one
/// form, `multipart/form-data`). The button pressed (`action`: "next", "previous" or "save")
/// says where to go next.
pub(super) async fn save_section(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path((id, section)): Path<(String, usize)>,
    request: Request,
) -> AppResult<Response> {
    let loaded = load_owned(&app, &id, &user).await?;
    let ctx = ctx.in_edition(&app, loaded.track.edition_id).await;
    if section >= loaded.form.sections.len() {
        return Err(AppError::NotFound);
    }
    let now = app.now_ms();
    if !loaded.app.status().editable() {
        return Err(AppError::BadRequest("application-not-editable"));
    }
    let is_multipart = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let posted = if is_multipart {
        uploads::read_step(&app, &ctx, &loaded, section, request).await?
    } else {
        let form = CsrfForm::<serde::de::IgnoredAny>::from_request(request, &app).await?;
        uploads::PostedStep {
            pairs: form.pairs,
            stored: Vec::new(),
            refused: Vec::new(),
        }
    };
    let action = posted
        .pairs
        .iter()
        .find(|(k, _)| k == "action")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let raw: Vec<(String, String)> = posted
        .pairs
        .into_iter()
        .filter(|(k, _)| k != "csrf" && k != "action")
        .collect();
    let mut outcome = form::parse_section(&loaded.form, section, &raw, &loaded.answers);
    if !loaded.track.is_open(now) {
        // The deadline passed while the page was open: nothing is saved, what was typed is
        // shown back so it is not lost from the screen.
        uploads::discard(&app, &posted.stored).await;
        let fields = form_view::section(
            &loaded.form,
            section,
            &outcome.answers,
            &outcome.errors,
            ctx.lang,
        );
        let message = tr(ctx.lang, "apply-call-closed");
        return section_page_response_full(
            &app,
            ctx,
            &loaded,
            section,
            fields,
            SectionNotes {
                page_error: Some(message),
                still_empty: None,
                saved_at: None,
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    if outcome.oversize() {
        // Drafts too are held to the fields' limits: nothing is saved, what was typed is shown.
        uploads::discard(&app, &posted.stored).await;
        let fields = form_view::section(
            &loaded.form,
            section,
            &outcome.answers,
            &outcome.errors,
            ctx.lang,
        );
        let message = format!(
            "{} {}",
            tr(ctx.lang, "form-has-errors"),
            tr(ctx.lang, "draft-too-long")
        );
        return section_page_response_full(
            &app,
            ctx,
            &loaded,
            section,
            fields,
            SectionNotes {
                page_error: Some(message),
                still_empty: None,
                saved_at: None,
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    // A refused file is said beside its field; the answers typed with it are saved.
    outcome.errors.extend(posted.refused);
    let mut tx = if posted.stored.is_empty() {
        app.db.begin_single_write().await?
    } else {
        app.db.begin().await?
    };
    let recorded = uploads::record_files(
        &mut tx,
        &loaded,
        user.id,
        &posted.stored,
        &mut outcome.answers,
        now,
    )
    .await;
    if let Err(e) = recorded {
        drop(tx);
        uploads::discard(&app, &posted.stored).await;
        return Err(e);
    }
    let summary = summarise(&loaded.form, &outcome.answers, &user.display_name);
    queries::save_answers(
        &mut tx,
        loaded.app.id,
        &outcome.answers,
        loaded.app.working_form_version(),
        &summary,
        now,
    )
    .await?;
    tx.commit().await?;

    if !outcome.errors.is_empty() {
        let fields = form_view::section(
            &loaded.form,
            section,
            &outcome.answers,
            &outcome.errors,
            ctx.lang,
        );
        let message = tr(ctx.lang, "form-has-errors");
        return section_page_response_full(
            &app,
            ctx,
            &loaded,
            section,
            fields,
            SectionNotes {
                page_error: Some(message),
                still_empty: None,
                saved_at: None,
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let base = format!("/applications/{}", loaded.app.public_id);
    let target = match action.as_str() {
        "previous" => format!("{base}/edit/{}", section.saturating_sub(1)),
        "save" => format!("{base}/edit/{section}?saved=1"),
        _ if section + 1 < loaded.form.sections.len() => {
            // Only a step left incomplete gets the notice (and the longer address).
            let incomplete = form_view::still_empty(
                &loaded.form,
                section,
                &outcome.answers,
                ctx.lang,
                &loaded.app.public_id,
            )
            .is_some();
            if incomplete {
                format!("{base}/edit/{}?after={section}", section + 1)
            } else {
                format!("{base}/edit/{}", section + 1)
            }
        }
        _ => format!("{base}/review"),
    };
    Ok(Redirect::to(&target).into_response())
}

/// The section page with per-field errors and no page-level message.
pub fn section_page_response(
    app: &AppState,
    ctx: Ctx,
    loaded: &Loaded,
    section: usize,
    fields: Vec<FieldView>,
    status: StatusCode,
) -> AppResult<Response> {
    let message = fields
        .iter()
        .any(FieldView::has_error)
        .then(|| tr(ctx.lang, "form-has-errors"));
    let notes = SectionNotes {
        page_error: message,
        still_empty: None,
        saved_at: None,
    };
    section_page_response_full(app, ctx, loaded, section, fields, notes, status)
}

/// Everything the review page shows.
pub struct ReviewData {
    pub sections: Vec<(String, Vec<(String, String)>)>,
    pub missing: Vec<(String, String)>,
    pub verdict: Vec<String>,
}

/// Every section with each field's label and displayed answer.
pub fn answer_sections(
    form_def: &FormDefinition,
    answers: &Answers,
    lang: Lang,
) -> Vec<(String, Vec<(String, String)>)> {
    form_def
        .sections
        .iter()
        .map(|s| {
            let rows = s
                .fields
                .iter()
                .filter(|f| f.is_asked(answers))
                .map(|f| {
                    let value = answers
                        .0
                        .get(&f.key)
                        .map(|a| crate::applications::form_view::answer_display(a, f, lang))
                        .unwrap_or_default();
                    (f.label.get(lang).to_owned(), value)
                })
                .collect();
            (s.title.get(lang).to_owned(), rows)
        })
        .collect()
}

pub fn review_data(
    form_def: &FormDefinition,
    answers: &Answers,
    rules: &[eligibility::Rule],
    lang: Lang,
    reference_date: jiff::civil::Date,
    public_id: &str,
) -> ReviewData {
    let sections = answer_sections(form_def, answers, lang);
    // Listed in the order the applicant meets the fields, step by step.
    let belongs = |key: &str, field: &form::Field| {
        key == field.key || key.starts_with(&format!("{}[", field.key))
    };
    let mut missing: Vec<(usize, (String, String))> = form::check_complete(form_def, answers)
        .into_iter()
        .map(|(key, error)| {
            let section = form_def
                .sections
                .iter()
                .position(|s| s.fields.iter().any(|f| belongs(&key, f)))
                .unwrap_or(0);
            let order = form_def
                .fields()
                .position(|f| belongs(&key, f))
                .unwrap_or(usize::MAX);
            let label = form_view::label_of(form_def, &key, lang);
            let link = (
                format!(
                    "/applications/{public_id}/edit/{section}#f-{}",
                    form_view::dom_id(&key)
                ),
                format!("{label} : {}", error.message(lang)),
            );
            (order, link)
        })
        .collect();
    missing.sort_by_key(|(order, _)| *order);
    let missing = missing.into_iter().map(|(_, link)| link).collect();
    let verdict = eligibility::evaluate(rules, form_def, answers, reference_date)
        .failures
        .iter()
        .map(|f| f.reason.message(lang))
        .collect();
    ReviewData {
        sections,
        missing,
        verdict,
    }
}

pub(super) async fn review_page(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let loaded = load_owned(&app, &id, &user).await?;
    let ctx = ctx.in_edition(&app, loaded.track.edition_id).await;
    review_response(&app, ctx, &loaded, None, StatusCode::OK)
}

fn review_response(
    app: &AppState,
    ctx: Ctx,
    loaded: &Loaded,
    error: Option<String>,
    status: StatusCode,
) -> AppResult<Response> {
    let now = app.now_ms();
    let rules = loaded.track.rules()?;
    let data = review_data(
        &loaded.form,
        &loaded.answers,
        &rules,
        ctx.lang,
        loaded.track.closing_date(),
        &loaded.app.public_id,
    );
    let app_status = loaded.app.status();
    let can_submit = app_status.editable()
        && loaded.track.is_open(now)
        && data.missing.is_empty()
        && (app_status == Status::Draft || loaded.app.has_changes);
    render_with_status(
        status,
        &ReviewTemplate {
            track: loaded.track.name(ctx.lang),
            public_id: loaded.app.public_id.clone(),
            deadline: deadline(&loaded.track, ctx.lang, now),
            last_section: loaded.form.sections.len().saturating_sub(1),
            already_submitted: app_status == Status::Submitted && !loaded.app.has_changes,
            form_changed: loaded.form_changed,
            data,
            can_submit,
            error,
            ctx,
        },
    )
}

pub(super) async fn submit(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
    _form: CsrfForm<serde::de::IgnoredAny>,
) -> AppResult<Response> {
    let loaded = load_owned(&app, &id, &user).await?;
    let ctx = ctx.in_edition(&app, loaded.track.edition_id).await;
    let now = app.now_ms();
    let status = loaded.app.status();
    let receipt_url = format!("/applications/{}/receipt", loaded.app.public_id);
    // A retried POST or a second tab: the first submit already went through.
    if status == Status::Submitted && !loaded.app.has_changes {
        return Ok(Redirect::to(&receipt_url).into_response());
    }
    if !status.editable() {
        return Err(AppError::BadRequest("application-not-editable"));
    }
    if !loaded.track.is_open(now) {
        let message = tr(ctx.lang, "submit-too-late");
        return review_response(
            &app,
            ctx,
            &loaded,
            Some(message),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    if loaded.form_changed {
        let message = tr(ctx.lang, "form-changed");
        return review_response(&app, ctx, &loaded, Some(message), StatusCode::CONFLICT);
    }
    if !form::check_complete(&loaded.form, &loaded.answers).is_empty() {
        let message = tr(ctx.lang, "submit-incomplete");
        return review_response(
            &app,
            ctx,
            &loaded,
            Some(message),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }

    let to = Recipient {
        locale: &user.locale,
        email: user.email.as_deref(),
        phone: user.phone.as_deref(),
    };
    let receipt = Receipt::prepare(&app, to, loaded.track.edition_id).await?;
    let mut tx = app.db.begin().await?;
    let current = queries::find_for_update(&mut tx, loaded.app.id).await?;
    if current.status() == Status::Submitted && !current.has_changes {
        tx.commit().await?;
        return Ok(Redirect::to(&receipt_url).into_response());
    }
    if current.working_answers_json() != loaded.app.working_answers_json() {
        // Saved from another tab since this page was loaded: show the newer answers.
        tx.commit().await?;
        return Ok(
            Redirect::to(&format!("/applications/{}/review", loaded.app.public_id)).into_response(),
        );
    }
    let summary = summarise(&loaded.form, &loaded.answers, &user.display_name);
    let dossier = (&current, &loaded.track, &loaded.form);
    actions::submit(&mut tx, dossier, &summary, receipt, user.id, now).await?;
    tx.commit().await?;
    app.outbox_wake.notify_one();
    Ok(Redirect::to(&receipt_url).into_response())
}

pub(super) async fn receipt(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let loaded = load_owned(&app, &id, &user).await?;
    let ctx = ctx.in_edition(&app, loaded.track.edition_id).await;
    let reference = loaded.app.reference.clone().ok_or(AppError::NotFound)?;
    let submitted = loaded
        .app
        .last_submitted_at
        .and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
        .map(|t| i18n::format_instant_in_zone(ctx.lang, t, &loaded.track.time_zone()))
        .unwrap_or_default();
    let versions = queries::versions(&app.db, loaded.app.id).await?;
    render(&ReceiptTemplate {
        reference,
        track: loaded.track.name(ctx.lang),
        submitted,
        version: versions.first().map(|v| v.version).unwrap_or(1),
        public_id: loaded.app.public_id.clone(),
        ctx,
    })
}

pub(super) async fn withdraw(
    State(app): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
    _form: CsrfForm<serde::de::IgnoredAny>,
) -> AppResult<Response> {
    let loaded = load_owned(&app, &id, &user).await?;
    if !loaded.app.status().editable() {
        return Err(AppError::BadRequest("application-not-editable"));
    }
    let mut tx = app.db.begin().await?;
    actions::withdraw(&mut tx, &loaded.app, user.id, app.now_ms()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/applications/{}", loaded.app.public_id)).into_response())
}

#[derive(Template)]
#[template(path = "applications/mine.html")]
pub struct MyApplicationsTemplate {
    pub ctx: Ctx,
    pub items: Vec<MyApplicationItem>,
}

#[derive(Template)]
#[template(path = "applications/overview.html")]
pub struct OverviewTemplate {
    pub ctx: Ctx,
    pub deadline: Deadline,
    pub track: String,
    pub status_label: String,
    pub decision_reason: String,
    pub editable: bool,
    pub withdrawable: bool,
    pub has_changes: bool,
    pub reference: String,
    pub public_id: String,
    pub form_changed: bool,
    pub sections: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "applications/section.html")]
pub struct SectionTemplate {
    pub ctx: Ctx,
    pub title: String,
    pub step: String,
    pub track: String,
    pub public_id: String,
    pub section: usize,
    pub previous: Option<usize>,
    pub is_last: bool,
    pub deadline: Deadline,
    pub form_changed: bool,
    pub editable: bool,
    pub has_errors: bool,
    pub page_error: Option<String>,
    pub still_empty: Option<crate::applications::form_view::StillEmpty>,
    pub fields: Vec<FieldView>,
    /// Editing after a submission: the version that still counts until the next one.
    pub submitted_version: Option<i64>,
    /// After "Save the draft": when it was saved (HH:MM, the call's clock).
    pub saved_at: Option<String>,
    /// The rules of the competition the consent accepts, when written.
    pub regulations_url: Option<String>,
}

impl SectionTemplate {
    /// A step with file fields is one `multipart/form-data` form: its buttons carry the files.
    pub fn has_files(&self) -> bool {
        self.fields.iter().any(|f| f.input == "file")
    }
}

#[derive(Template)]
#[template(path = "applications/review.html")]
pub struct ReviewTemplate {
    pub ctx: Ctx,
    pub track: String,
    pub public_id: String,
    pub deadline: Deadline,
    pub last_section: usize,
    pub already_submitted: bool,
    pub form_changed: bool,
    pub data: ReviewData,
    pub can_submit: bool,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "applications/receipt.html")]
pub struct ReceiptTemplate {
    pub ctx: Ctx,
    pub reference: String,
    pub track: String,
    pub submitted: String,
    pub version: i64,
    pub public_id: String,
}
