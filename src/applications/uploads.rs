//! Uploads streamed to object storage, and guarded downloads.
//!
//! A file is never held whole in memory: chunks go to a multipart upload as they arrive, the
//! size limit is enforced while streaming (the upload is aborted, nothing is kept), the kind
//! is read from the first bytes, and the SHA-256 is computed on the way. The name the browser
//! sent is only ever displayed, never used as a path.

use axum::body::Body;
use axum::extract::{Multipart, Path, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use object_store::path::Path as StorePath;
use object_store::WriteMultipart;
use sha2::{Digest, Sha256};

use super::queries::{self, NewFile};
use super::routes::load_owned;
use super::summarise;
use crate::accounts::roles::{self, Role};
use crate::audit;
use crate::domain::form::{self, Answer, FieldError, FieldKind, FileKind};
use crate::web::ctx::{Ctx, SignedIn};
use crate::web::error::{AppError, AppResult};
use crate::web::state::AppState;

/// Bytes needed to recognise every accepted kind.
const SNIFF_BYTES: usize = 16;

enum UploadError {
    /// Shown next to the field.
    Field(FieldError),
    App(AppError),
}

impl From<AppError> for UploadError {
    fn from(e: AppError) -> Self {
        UploadError::App(e)
    }
}

impl From<object_store::Error> for UploadError {
    fn from(e: object_store::Error) -> Self {
        UploadError::App(e.into())
    }
}

struct Stored {
    storage_key: String,
    kind: FileKind,
    size: u64,
    sha256: String,
    display_name: String,
}

pub async fn upload(
    State(app): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path((id, field_key)): Path<(String, String)>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    // The CSRF token is the first part of the form, before the file.
    let token = match multipart.next_field().await {
        Ok(Some(part)) if part.name() == Some("csrf") => part.text().await.unwrap_or_default(),
        _ => String::new(),
    };
    if !crate::accounts::constant_time_eq(token.as_bytes(), ctx.csrf.as_bytes()) {
        return Err(AppError::Csrf);
    }
    let loaded = load_owned(&app, &id, &user).await?;
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
    let FieldKind::File { id_document, .. } = field.kind else {
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

    let file_id = crate::accounts::random_public_id();
    let mut answers = loaded.answers.clone();
    answers.0.insert(
        field_key.clone(),
        Answer::File {
            file_id: file_id.clone(),
            name: stored.display_name.clone(),
        },
    );
    let summary = summarise(&loaded.form, &answers, &user.display_name);
    let mut tx = app.db.begin().await?;
    queries::insert_file(
        &mut tx,
        &NewFile {
            public_id: &file_id,
            application_id: loaded.app.id,
            field_key: &field_key,
            owner_id: user.id,
            display_name: &stored.display_name,
            mime: stored.kind.mime(),
            size_bytes: i64::try_from(stored.size).unwrap_or(i64::MAX),
            sha256: &stored.sha256,
            storage_key: &stored.storage_key,
            id_document,
        },
        now,
    )
    .await?;
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

/// Streams the `file` part to storage. On any refusal the partial upload is aborted.
async fn store_part(
    app: &AppState,
    multipart: &mut Multipart,
    kind: &FieldKind,
    prefix: &str,
) -> Result<Stored, UploadError> {
    let FieldKind::File {
        kinds, max_bytes, ..
    } = kind
    else {
        return Err(AppError::NotFound.into());
    };
    let mut part = loop {
        match multipart.next_field().await {
            Ok(Some(part)) if part.name() == Some("file") => break part,
            Ok(Some(_)) => continue,
            Ok(None) => return Err(UploadError::Field(no_file())),
            Err(e) => return Err(multipart_error(e)),
        }
    };
    let display_name = display_name(part.file_name());
    let storage_key = format!("{prefix}/{}", crate::accounts::random_public_id());
    let path = StorePath::from(storage_key.as_str());
    let mut writer = WriteMultipart::new(app.store.put_multipart(&path).await?);
    let mut hasher = Sha256::new();
    let mut head: Vec<u8> = Vec::with_capacity(SNIFF_BYTES);
    let mut size: u64 = 0;
    let mut detected: Option<FileKind> = None;
    let outcome: Result<(), UploadError> = async {
        loop {
            let chunk = match part.chunk().await {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break,
                Err(e) => return Err(multipart_error(e)),
            };
            size += chunk.len() as u64;
            if size > *max_bytes {
                // Stop reading: the rest of the body is never consumed.
                return Err(UploadError::Field(
                    form::check_upload(kind, &head, size)
                        .err()
                        .unwrap_or_else(no_file),
                ));
            }
            if detected.is_none() {
                let take = (SNIFF_BYTES - head.len()).min(chunk.len());
                head.extend_from_slice(&chunk[..take]);
                if head.len() >= SNIFF_BYTES {
                    detected =
                        Some(form::check_upload(kind, &head, size).map_err(UploadError::Field)?);
                }
            }
            hasher.update(&chunk);
            writer.wait_for_capacity(4).await?;
            writer.write(&chunk);
        }
        if detected.is_none() {
            detected = Some(form::check_upload(kind, &head, size).map_err(UploadError::Field)?);
        }
        Ok(())
    }
    .await;
    let kind = match (outcome, detected) {
        (Ok(()), Some(kind)) if kinds.contains(&kind) && size > 0 => kind,
        (Err(e), _) => {
            let _ = writer.abort().await;
            return Err(e);
        }
        _ => {
            let _ = writer.abort().await;
            return Err(UploadError::Field(no_file()));
        }
    };
    writer.finish().await?;
    Ok(Stored {
        storage_key,
        kind,
        size,
        sha256: hex::encode(hasher.finalize()),
        display_name: with_extension(display_name, kind),
    })
}

fn no_file() -> FieldError {
    FieldError::new(
        "no_file",
        "Choisissez un fichier à envoyer.",
        "Choose a file to upload.",
    )
}

fn multipart_error(e: axum::extract::multipart::MultipartError) -> UploadError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        UploadError::App(AppError::PayloadTooLarge)
    } else {
        UploadError::App(AppError::BadRequest("error-bad-form"))
    }
}

/// The name to show for an upload: the last path component of what the browser sent,
/// without control characters, at most 100 characters.
pub fn display_name(raw: Option<&str>) -> String {
    let raw = raw.unwrap_or("");
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control())
        .take(100)
        .collect::<String>()
        .trim()
        .trim_start_matches('.')
        .to_owned();
    if cleaned.is_empty() {
        "document".to_owned()
    } else {
        cleaned
    }
}

/// The shown name always carries the extension of the kind actually detected.
fn with_extension(name: String, kind: FileKind) -> String {
    let ext = kind.extension();
    if name.to_lowercase().ends_with(&format!(".{ext}")) {
        name
    } else {
        format!("{name}.{ext}")
    }
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
    let panel_member = match crate::review::access::panel_access(&app.db, user.id, application.id)
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
            submitted && crate::review::access::may_open_file(blind, file.id_document, personal)
        }
        None => false,
    };
    if !(organiser || (owner && !file.id_document) || panel_member) {
        return Err(AppError::NotFound);
    }
    if let Some(purged_at) = file.purged_at {
        return crate::web::templates::render_with_status(
            StatusCode::GONE,
            &crate::web::templates::ErrorTemplate {
                message: super::admin::purged_notice(ctx.lang, purged_at, &track.time_zone()),
                title: ctx.t("pd-retention-title"),
                ctx,
            },
        );
    }
    if file.id_document {
        let mut tx = app.db.begin().await?;
        audit::append(
            &mut tx,
            &audit::Entry {
                actor_id: Some(user.id),
                action: "file.view_id_document",
                object: application
                    .reference
                    .as_deref()
                    .unwrap_or(&application.public_id),
                details: serde_json::json!({ "file": file.public_id, "field": file.field_key }),
            },
            app.now_ms(),
        )
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_file_names_never_carry_paths() {
        assert_eq!(display_name(Some("../../etc/passwd")), "passwd");
        assert_eq!(display_name(Some("C:\\Users\\a\\cv.pdf")), "cv.pdf");
        assert_eq!(display_name(Some("..")), "document");
        assert_eq!(display_name(Some("a\u{0}b\nc.pdf")), "abc.pdf");
        assert_eq!(display_name(None), "document");
        assert_eq!(with_extension("passwd".into(), FileKind::Pdf), "passwd.pdf");
        assert_eq!(with_extension("cv.PDF".into(), FileKind::Pdf), "cv.PDF");
    }
}
