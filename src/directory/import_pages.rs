//! The organisers' bulk import: send a CSV or XLSX file, see its preview (how it was read,
//! the rows ready, every skipped row and why), then import it in the background with a
//! progress bar (the page refreshes itself: no JavaScript) or cancel it. The report of
//! skipped rows downloads as CSV or XLSX.

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::access::Moderator;
use super::actions;
use super::import::{self, Existing, FileRefusal, Reading, Skipped, COLUMNS};
use super::queries::{self, ImportRow};
use super::taxonomy::{ActorKind, ImportStatus, MaliRegion, Stage};
use crate::applications::export::{self, Cell, Table};
use crate::domain::sector::Sector;
use crate::domain::types::Lang;
use crate::i18n::{tr, tr_args};
use crate::web::ctx::{CsrfForm, Ctx};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{csrf_first, read_file_part, FilePart};
use crate::web::state::AppState;
use crate::web::templates::render_with_status;

/// Rows shown on a page; the downloadable report has them all.
const SHOWN: usize = 200;
/// Ready rows shown on the preview.
const SAMPLE: usize = 10;

/// A column of the template and the values it takes.
pub struct ColumnHelp {
    pub name: &'static str,
    pub also: String,
    pub values: String,
}

fn column_help(lang: Lang) -> Vec<ColumnHelp> {
    fn listed<T: Copy>(
        lang: Lang,
        all: &[T],
        slug: fn(T) -> &'static str,
        key: fn(T) -> String,
    ) -> String {
        all.iter()
            .map(|&x| format!("{} ({})", slug(x), tr(lang, &key(x))))
            .collect::<Vec<_>>()
            .join(", ")
    }
    COLUMNS
        .iter()
        .map(|(name, also)| ColumnHelp {
            name,
            also: also.join(", "),
            values: match *name {
                "kind" => listed(
                    lang,
                    ActorKind::ALL,
                    ActorKind::as_str,
                    ActorKind::label_key,
                ),
                "region" => listed(
                    lang,
                    MaliRegion::ALL,
                    MaliRegion::as_str,
                    MaliRegion::label_key,
                ),
                "stage" => listed(lang, Stage::ALL, Stage::as_str, Stage::label_key),
                "sectors" => listed(lang, &Sector::ALL, Sector::as_str, Sector::label_key),
                "private" => super::rules::Hideable::ALL
                    .iter()
                    .map(|h| h.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                other => tr(
                    lang,
                    &format!("directory-import-help-{}", other.replace('_', "-")),
                ),
            },
        })
        .collect()
}

/// A past import in the list.
pub struct ImportLine {
    pub public_id: String,
    pub file_name: String,
    pub status: String,
    pub summary: String,
}

#[derive(Template)]
#[template(path = "directory/import.html")]
pub struct ImportTemplate {
    pub ctx: Ctx,
    pub error: Option<String>,
    pub columns: Vec<ColumnHelp>,
    pub recent: Vec<ImportLine>,
    pub intro: String,
}

fn summary(lang: Lang, row: &ImportRow) -> String {
    let args = [
        ("ready", row.rows_ready.to_string()),
        ("skipped", row.rows_skipped.to_string()),
        ("imported", row.imported.to_string()),
    ];
    let key = match row.status {
        ImportStatus::Imported => "directory-import-summary-imported",
        _ => "directory-import-summary-previewed",
    };
    tr_args(lang, key, &args)
}

async fn render_import(app: &AppState, ctx: Ctx, error: Option<String>) -> AppResult<Response> {
    let lang = ctx.lang;
    let recent = queries::recent_imports(&app.db)
        .await?
        .iter()
        .map(|row| ImportLine {
            public_id: row.public_id.clone(),
            file_name: row.file_name.clone(),
            status: tr(lang, &row.status.label_key()),
            summary: summary(lang, row),
        })
        .collect();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render_with_status(
        status,
        &ImportTemplate {
            ctx,
            error,
            columns: column_help(lang),
            recent,
            intro: tr_args(
                lang,
                "directory-import-intro",
                &[
                    ("max", (import::MAX_FILE_BYTES / (1024 * 1024)).to_string()),
                    ("rows", import::MAX_ROWS.to_string()),
                ],
            ),
        },
    )
}

pub(super) async fn form(
    State(app): State<AppState>,
    ctx: Ctx,
    Moderator(_user): Moderator,
) -> AppResult<Response> {
    render_import(&app, ctx, None).await
}

/// The template: the header row only, so that nothing made up is ever imported from it.
pub(super) async fn template(Moderator(_user): Moderator) -> AppResult<Response> {
    let table = Table {
        headers: import::template_header()
            .into_iter()
            .map(str::to_owned)
            .collect(),
        rows: Vec::new(),
    };
    let bytes = export::to_csv(&table).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(download(bytes, "import-template.csv"))
}

fn download(bytes: Vec<u8>, file: &str) -> Response {
    let kind = if file.ends_with(".xlsx") {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    } else {
        "text/csv; charset=utf-8"
    };
    let headers = [
        (CONTENT_TYPE, kind.to_owned()),
        (
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file}\""),
        ),
    ];
    (headers, bytes).into_response()
}

/// The directory's names and sites, which an import must not repeat.
async fn existing(app: &AppState) -> AppResult<Existing> {
    let mut existing = Existing::default();
    for (name, website) in queries::names_and_websites(&app.db).await? {
        existing.add(&name, &website);
    }
    Ok(existing)
}

/// Reads a file off the request's thread: 50,000 rows take a moment.
async fn read_file(
    app: &AppState,
    content: Vec<u8>,
) -> AppResult<(Vec<u8>, Result<Reading, FileRefusal>)> {
    let existing = existing(app).await?;
    let year = super::pages::this_year(app);
    tokio::task::spawn_blocking(move || {
        let reading = import::read(&content, year, &existing);
        (content, reading)
    })
    .await
    .map_err(|e| AppError::Internal(format!("import reading: {e}")))
}

/// The file sent (a form with the CSRF token first, then `file`): refused as a whole with
/// the reason, or kept and previewed.
pub(super) async fn upload(
    State(app): State<AppState>,
    ctx: Ctx,
    Moderator(user): Moderator,
    mut multipart: Multipart,
) -> AppResult<Response> {
    csrf_first(&mut multipart, &ctx).await?;
    let FilePart {
        file_name: name,
        bytes,
        seen,
    } = read_file_part(&mut multipart, "file", import::MAX_FILE_BYTES).await;
    let refused = |why: FileRefusal| {
        let (key, args) = why.message();
        Some(tr_args(ctx.lang, key, &args))
    };
    if seen > import::MAX_FILE_BYTES {
        let error = refused(FileRefusal::TooLarge);
        return render_import(&app, ctx, error).await;
    }
    let (bytes, reading) = read_file(&app, bytes).await?;
    let reading = match reading {
        Ok(reading) => reading,
        Err(why) => {
            let error = refused(why);
            return render_import(&app, ctx, error).await;
        }
    };
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    let public_id =
        actions::upload_import(&mut tx, (&name, &bytes), &reading, (user.id, now)).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/admin/directory/imports/{public_id}")).into_response())
}

/// A skipped row as the page and the report say it.
pub struct SkippedLine {
    pub line: usize,
    pub name: String,
    pub reasons: Vec<String>,
}

fn skipped_lines(lang: Lang, skipped: &[Skipped]) -> Vec<SkippedLine> {
    skipped
        .iter()
        .map(|s| SkippedLine {
            line: s.line,
            name: s.name.clone(),
            reasons: s.reasons.iter().map(|r| reason_text(lang, r)).collect(),
        })
        .collect()
}

fn reason_text(lang: Lang, r: &import::Reason) -> String {
    let args: Vec<(&'static str, String)> = r
        .args
        .iter()
        .map(|(name, value)| {
            let name: &'static str = match name.as_str() {
                "line" => "line",
                "name" => "name",
                _ => "value",
            };
            (name, value.clone())
        })
        .collect();
    let message = tr_args(lang, &r.key, &args);
    if r.column.is_empty() {
        message
    } else {
        format!("{} : {message}", r.column)
    }
}

/// A ready row on the preview.
pub struct ReadyLine {
    pub line: usize,
    pub name: String,
    pub kind: String,
    pub place: String,
}

#[derive(Template)]
#[template(path = "directory/import_status.html")]
pub struct StatusTemplate {
    pub ctx: Ctx,
    pub import: ImportRow,
    pub status: String,
    pub format: String,
    /// (done, total) while it runs here.
    pub progress: Option<(usize, usize)>,
    /// Running, but not on this instance any more (it stopped): it may be started again.
    pub interrupted: bool,
    pub sample: Vec<ReadyLine>,
    pub skipped: Vec<SkippedLine>,
    pub skipped_total: usize,
    pub skipped_more: String,
    pub progress_label: String,
    pub error: Option<String>,
}

async fn import_of(app: &AppState, public_id: &str) -> AppResult<ImportRow> {
    queries::import_by_public_id(&app.db, public_id)
        .await?
        .ok_or(AppError::NotFound)
}

fn skipped_of(row: &ImportRow) -> AppResult<Vec<Skipped>> {
    row.skipped()
        .map_err(|e| AppError::Internal(format!("import report {}: {e}", row.public_id)))
}

async fn render_status(
    app: &AppState,
    ctx: Ctx,
    row: ImportRow,
    error: Option<String>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let progress = app.progress.of(&row.public_id);
    let mut sample = Vec::new();
    if row.status == ImportStatus::Previewed {
        if let Some(content) = queries::import_content(&app.db, row.id).await? {
            if let (_, Ok(reading)) = read_file(app, content).await? {
                sample = reading
                    .ready
                    .iter()
                    .take(SAMPLE)
                    .map(|r| ReadyLine {
                        line: r.line,
                        name: r.profile.name.clone(),
                        kind: tr(lang, &r.profile.kind.label_key()),
                        place: match r.profile.region {
                            Some(region) => format!(
                                "{}, {}",
                                tr(lang, &region.label_key()),
                                r.profile.country.name(lang)
                            ),
                            None => r.profile.country.name(lang).to_owned(),
                        },
                    })
                    .collect();
            }
        }
    }
    let skipped = skipped_of(&row)?;
    let status = if error.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    let (done, total) = progress.unwrap_or_default();
    let progress_label = tr_args(
        lang,
        "directory-import-progress",
        &[("done", done.to_string()), ("total", total.to_string())],
    );
    let shown = skipped.len().min(SHOWN);
    let skipped_more = tr_args(
        lang,
        "directory-import-skipped-more",
        &[
            ("shown", shown.to_string()),
            ("total", skipped.len().to_string()),
        ],
    );
    render_with_status(
        status,
        &StatusTemplate {
            progress_label,
            skipped_more,
            status: tr(lang, &row.status.label_key()),
            format: tr(lang, &format!("directory-import-format-{}", row.format)),
            interrupted: row.status == ImportStatus::Running && progress.is_none(),
            progress,
            sample,
            skipped_total: skipped.len(),
            skipped: skipped_lines(lang, &skipped[..shown]),
            import: row,
            ctx,
            error,
        },
    )
}

pub(super) async fn status(
    State(app): State<AppState>,
    ctx: Ctx,
    Moderator(_user): Moderator,
    Path(public_id): Path<String>,
) -> AppResult<Response> {
    let row = import_of(&app, &public_id).await?;
    render_status(&app, ctx, row, None).await
}

/// Starts writing a previewed import (or one a stopped server left running) in the
/// background; the page shows its progress.
pub(super) async fn apply(
    State(app): State<AppState>,
    ctx: Ctx,
    Moderator(user): Moderator,
    Path(public_id): Path<String>,
    _form: CsrfForm<serde::de::IgnoredAny>,
) -> AppResult<Response> {
    let row = import_of(&app, &public_id).await?;
    let page = format!("/admin/directory/imports/{public_id}");
    let may_run = matches!(row.status, ImportStatus::Previewed | ImportStatus::Running);
    if !may_run || !app.progress.start(&row.public_id, row.rows_ready as usize) {
        let error = Some(tr(ctx.lang, "directory-import-error-not-waiting"));
        return render_status(&app, ctx, row, error).await;
    }
    let taken = async {
        let mut tx = app.db.begin().await?;
        let content = queries::take_import_file(&mut tx, row.id).await?;
        tx.commit().await?;
        AppResult::Ok(content)
    }
    .await;
    let content = match taken {
        Ok(Some(content)) => content,
        Ok(None) => {
            app.progress.finish(&row.public_id);
            let error = Some(tr(ctx.lang, "directory-import-error-not-waiting"));
            return render_status(&app, ctx, row, error).await;
        }
        Err(e) => {
            app.progress.finish(&row.public_id);
            return Err(e);
        }
    };
    tokio::spawn(run_import(app.clone(), row, content, user.id));
    Ok(Redirect::to(&page).into_response())
}

/// Writes an import in one transaction; on any failure nothing of it is written and the
/// import says it failed.
async fn run_import(app: AppState, row: ImportRow, content: Vec<u8>, by: i64) {
    let outcome = async {
        let reading = match read_file(&app, content).await?.1 {
            Ok(reading) => reading,
            Err(why) => return Err(AppError::Internal(format!("import unreadable: {why:?}"))),
        };
        let now = app.now_ms();
        let mut tx = app.db.begin().await?;
        let progress = |done: usize| app.progress.advance(&row.public_id, done);
        actions::apply_import(&mut tx, &row, &reading, &progress, (by, now)).await?;
        tx.commit().await?;
        queries::analyze(&app.db).await?;
        AppResult::Ok(())
    }
    .await;
    if let Err(e) = outcome {
        tracing::error!(import = %row.public_id, error = %e, "directory import failed");
        let failed = async {
            let mut tx = app.db.begin().await?;
            actions::fail_import(&mut tx, &row, app.now_ms()).await?;
            tx.commit().await?;
            AppResult::Ok(())
        };
        if let Err(e) = failed.await {
            tracing::error!(import = %row.public_id, error = %e, "recording the failure failed");
        }
    }
    app.progress.finish(&row.public_id);
}

pub(super) async fn cancel(
    State(app): State<AppState>,
    ctx: Ctx,
    Moderator(user): Moderator,
    Path(public_id): Path<String>,
    _form: CsrfForm<serde::de::IgnoredAny>,
) -> AppResult<Response> {
    let row = import_of(&app, &public_id).await?;
    let mut tx = app.db.begin().await?;
    if !actions::cancel_import(&mut tx, &row, (user.id, app.now_ms())).await? {
        drop(tx);
        let error = Some(tr(ctx.lang, "directory-import-error-not-waiting"));
        return render_status(&app, ctx, row, error).await;
    }
    tx.commit().await?;
    Ok(Redirect::to("/admin/directory/import").into_response())
}

/// Every skipped row and why, as CSV or XLSX (`report.csv`, `report.xlsx`).
pub(super) async fn report(
    State(app): State<AppState>,
    ctx: Ctx,
    Moderator(_user): Moderator,
    Path((public_id, file)): Path<(String, String)>,
) -> AppResult<Response> {
    let row = import_of(&app, &public_id).await?;
    let lang = ctx.lang;
    let table = Table {
        headers: ["line", "name", "reasons"]
            .iter()
            .map(|h| tr(lang, &format!("directory-import-report-{h}")))
            .collect(),
        rows: skipped_lines(lang, &skipped_of(&row)?)
            .into_iter()
            .map(|s| {
                vec![
                    Cell::Number(s.line as f64),
                    Cell::Text(s.name),
                    Cell::Text(s.reasons.join(" ; ")),
                ]
            })
            .collect(),
    };
    let name = format!("import-{public_id}-report");
    let bytes = match file.as_str() {
        "report.csv" => export::to_csv(&table).map_err(|e| AppError::Internal(e.to_string()))?,
        "report.xlsx" => {
            export::to_xlsx(&table, "report").map_err(|e| AppError::Internal(e.to_string()))?
        }
        _ => return Err(AppError::NotFound),
    };
    let extension = file.rsplit('.').next().unwrap_or("csv");
    Ok(download(bytes, &format!("{name}.{extension}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_is_explained_in_both_languages() {
        for lang in [Lang::Fr, Lang::En] {
            for help in column_help(lang) {
                assert!(!help.values.is_empty(), "{}", help.name);
                assert!(!help.values.starts_with("directory-"), "{}", help.values);
            }
        }
    }
}
