//! The file endpoints: the per-file upload that scripts use beside a step, and the guarded
//! download of a stored file (applicant, organisers, assigned reviewers; every read audited
//! where the file is personal).

use axum::body::Body;
use axum::extract::{Multipart, Path, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use object_store::path::Path as StorePath;

use super::owned::load_owned;
use super::queries;
use super::summarise;
use super::uploads::{record_files, store_part, StoredFile, UploadError};
use crate::accounts::roles::{self, Role};
use crate::audit;
use crate::domain::form::{Answer, FieldKind};
use crate::web::ctx::{Ctx, SignedIn};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::csrf_first;
use crate::web::state::AppState;

/// One file of a step, sent by the page's script as soon as it is picked (checked in the
/// browser first); the answers typed beside it are not touched.
pub async fn upload(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path((id, field_key)): Path<(String, String)>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    csrf_first(&mut multipart, &ctx).await?;
    let loaded = load_owned(&app, &id, &user).await?;
    let ctx = ctx.in_edition(&app, loaded.track.edition_id).await;
    let now = app.now_ms();
    if !loaded.app.status().editable() || !loaded.track.is_open(now) {
        return Err(AppError::BadRequest("apply-call-closed"));
    }
    let section = loaded
        .form
        .sections
        .iter()
        .position(|s| s.fields.iter().any(|f| f.key == field_key))
        .ok_or(AppError::NotFound)?;
    let field = loaded
        .form
        .field(&field_key)
        .ok_or(AppError::NotFound)?
        .clone();
    let FieldKind::File { .. } = field.kind else {
        return Err(AppError::NotFound);
    };
    let prefix = format!("applications/{}", loaded.app.public_id);
    let stored = match store_part(&app, &mut multipart, &field.kind, &prefix).await {
        Ok(stored) => stored,
        Err(UploadError::App(e)) => return Err(e),
        Err(UploadError::Field(error)) => {
            let mut errors = std::collections::BTreeMap::new();
            errors.insert(field_key.clone(), error);
            let fields = super::form_view::section(
                &loaded.form,
                section,
                &loaded.answers,
                &errors,
                ctx.lang,
            );
            return super::routes::section_page_response(
                &app,
                ctx,
                &loaded,
                section,
                fields,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };

    let mut answers = loaded.answers.clone();
    let mut tx = app.db.begin().await?;
    let stored = [(field_key.clone(), StoredFile(stored))];
    record_files(&mut tx, &loaded, user.id, &stored, &mut answers, now).await?;
    let summary = summarise(&loaded.form, &answers, &user.display_name);
    queries::save_answers(
        &mut tx,
        loaded.app.id,
        &answers,
        loaded.app.working_form_version(),
        &summary,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/applications/{}/edit/{section}#f-{}",
        loaded.app.public_id,
        super::form_view::dom_id(&field_key)
    ))
    .into_response())
}

/// Downloads a file: its owner (except ID documents) and the edition's organisers; every
/// view of an ID document is audited. Anyone else gets 404.
pub async fn download(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let file = queries::find_file(&app.db, &id)
        .await?
        .ok_or(AppError::NotFound)?;
    let application = queries::find_by_id(&app.db, file.application_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let track = crate::calls::queries::track_by_id(&app.db, application.track_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let organiser = roles::has_role(&app.db, user.id, track.edition_id, Role::Organiser).await?;
    let owner = file.owner_id == user.id;
    let panel_member = match super::panel_access::panel_access(&app.db, user.id, application.id)
        .await?
    {
        Some(blind) => {
            let form =
                crate::calls::queries::form_definition(&app.db, track.id, application.form_version)
                    .await?;
            let personal = form
                .sections
                .iter()
                .flat_map(|s| s.fields.iter())
                .any(|f| f.key == file.field_key && f.personal);
            // Panels judge the submitted version: a file uploaded to a later draft is not theirs.
            let submitted =
                application.answers()?.0.values().any(
                    |a| matches!(a, Answer::File { file_id, .. } if *file_id == file.public_id),
                );
            submitted && super::panel_access::may_open_file(blind, file.id_document, personal)
        }
        None => false,
    };
    if !(organiser || (owner && !file.id_document) || panel_member) {
        return Err(AppError::NotFound);
    }
    if let Some(purged_at) = file.purged_at {
        return crate::web::templates::render_with_status(
            StatusCode::GONE,
            &crate::web::ctx::ErrorTemplate {
                message: super::admin::purged_notice(ctx.lang, purged_at, &track.time_zone()),
                title: ctx.t("pd-retention-title"),
                ctx,
            },
        );
    }
    if file.id_document {
        let mut tx = app.db.begin().await?;
        audit::Entry::by(
            user.id,
            audit::Action::FileViewIdDocument,
            application
                .reference
                .as_deref()
                .unwrap_or(&application.public_id),
            serde_json::json!({ "file": file.public_id, "field": file.field_key }),
        )
        .append(&mut tx, app.now_ms())
        .await?;
        tx.commit().await?;
    }
    let stream = app
        .store
        .get(&StorePath::from(file.storage_key.as_str()))
        .await?
        .into_stream();
    let ext = file.mime.rsplit('/').next().unwrap_or("bin");
    let name = format!(
        "{}-{}.{}",
        application.reference.as_deref().unwrap_or("dossier"),
        file.field_key,
        if ext == "jpeg" { "jpg" } else { ext }
    );
    Ok((
        [
            (CONTENT_TYPE, file.mime.clone()),
            (CONTENT_LENGTH, file.size_bytes.to_string()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}
