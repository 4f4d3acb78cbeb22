//! Uploads streamed to object storage, and guarded downloads.
//!
//! A file is never held whole in memory: chunks go to a multipart upload as they arrive, the
//! size limit is enforced while streaming (the upload is aborted, nothing is kept), the kind
//! is read from the first bytes, and the SHA-256 is computed on the way. The name the browser
//! sent is only ever displayed, never used as a path.
//!
//! A step with file fields is one form: its buttons carry the chosen files with the answers
//! ([`read_step`]), so a file picked before pressing "Next" is never dropped and an upload never
//! loses an answer typed beside it. The per-file endpoint (`file_pages::upload`) serves scripts.

use axum::extract::multipart::Field;
use axum::extract::Multipart;
use axum::http::header::CONTENT_LENGTH;
use axum::http::StatusCode;
use object_store::path::Path as StorePath;
use object_store::WriteMultipart;
use sha2::{Digest, Sha256};

use super::owned::Loaded;
use super::photos;
use super::queries::{self, NewFile};
use crate::domain::form::{self, Answer, FieldError, FieldKind, FileKind};
use crate::web::ctx::Ctx;
use crate::web::error::{AppError, AppResult};
use crate::web::forms::csrf_first;
use crate::web::state::AppState;

/// Bytes needed to recognise every accepted kind.
const SNIFF_BYTES: usize = 16;

pub(super) enum UploadError {
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

pub(super) struct Stored {
    storage_key: String,
    kind: FileKind,
    size: u64,
    sha256: String,
    display_name: String,
}
/// Streams the `file` part to storage. On any refusal the partial upload is aborted.
pub(super) async fn store_part(
    app: &AppState,
    multipart: &mut Multipart,
    kind: &FieldKind,
    prefix: &str,
) -> Result<Stored, UploadError> {
    let part = loop {
        match multipart.next_field().await {
            Ok(Some(part)) if part.name() == Some("file") => break part,
            Ok(Some(_)) => continue,
            Ok(None) => return Err(UploadError::Field(no_file())),
            Err(e) => return Err(multipart_error(e)),
        }
    };
    store_field(app, part, kind, prefix).await
}

/// Streams one file part to storage under `prefix`, checked against the field's `kind`.
async fn store_field(
    app: &AppState,
    mut part: Field<'_>,
    kind_of_field: &FieldKind,
    prefix: &str,
) -> Result<Stored, UploadError> {
    let kind = kind_of_field;
    let FieldKind::File {
        kinds, max_bytes, ..
    } = kind
    else {
        return Err(AppError::NotFound.into());
    };
    let display_name = display_name(part.file_name());
    let storage_key = format!("{prefix}/{}", crate::crypto::random_public_id());
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
    let stored = Stored {
        storage_key,
        kind,
        size,
        sha256: hex::encode(hasher.finalize()),
        display_name: with_extension(display_name, kind),
    };
    let id_document = matches!(
        kind_of_field,
        FieldKind::File {
            id_document: true,
            ..
        }
    );
    if id_document
        && matches!(kind, FileKind::Jpeg | FileKind::Png)
        && size > photos::REDUCE_ABOVE_BYTES
    {
        return reduce_photo(app, stored, prefix).await;
    }
    Ok(stored)
}

/// One photo decoded at a time: a 12-megapixel photo takes ~40 MB while it is reduced, and a
/// rush of uploads must not add those up.
static PHOTO_REDUCTION: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

/// Replaces a stored phone photo by its reduced JPEG (see [`photos`]); an image that cannot
/// be decoded is refused next to its field and deleted.
async fn reduce_photo(app: &AppState, sent: Stored, prefix: &str) -> Result<Stored, UploadError> {
    let sent_path = StorePath::from(sent.storage_key.as_str());
    let bytes = app.store.get(&sent_path).await?.bytes().await?;
    let reduced = {
        let _permit = PHOTO_REDUCTION
            .acquire()
            .await
            .map_err(|_| AppError::Internal("photo reduction closed".into()))?;
        tokio::task::spawn_blocking(move || photos::reduce(&bytes))
            .await
            .map_err(|e| AppError::Internal(format!("photo reduction: {e}")))?
    };
    let _ = app.store.delete(&sent_path).await;
    let reduced = match reduced {
        Ok(reduced) => reduced,
        Err(error) => {
            tracing::info!(%error, "an uploaded photo could not be decoded");
            return Err(UploadError::Field(FieldError::new(
                "unreadable_image",
                "form-error-unreadable-image",
            )));
        }
    };
    let storage_key = format!("{prefix}/{}", crate::crypto::random_public_id());
    app.store
        .put(
            &StorePath::from(storage_key.as_str()),
            reduced.clone().into(),
        )
        .await?;
    let stem = sent
        .display_name
        .rsplit_once('.')
        .map_or(sent.display_name.as_str(), |(stem, _)| stem);
    Ok(Stored {
        storage_key,
        kind: FileKind::Jpeg,
        size: reduced.len() as u64,
        sha256: hex::encode(Sha256::digest(&reduced)),
        display_name: with_extension(stem.to_owned(), FileKind::Jpeg),
    })
}

fn no_file() -> FieldError {
    FieldError::new("no_file", "form-error-no-file")
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

/// A step posted as one form with its files (the step's buttons carry the chosen files, so a
/// file picked before pressing "Next" is never dropped): its text fields, and each chosen file
/// stored or refused.
pub struct PostedStep {
    pub pairs: Vec<(String, String)>,
    pub stored: Vec<(String, StoredFile)>,
    pub refused: Vec<(String, FieldError)>,
}

/// A file stored for a step, not yet recorded (see [`record_files`]).
pub struct StoredFile(pub(super) Stored);

/// What a step's form may weigh beyond its files' limits (text fields, part headers).
const STEP_TEXT_ALLOWANCE: u64 = 2 * 1024 * 1024;

/// The step's files, as a multipart body may declare them: over this, the body is refused
/// from its declared length, before a byte of it is read.
/// Uploads that are alternatives (one per ID document type, each shown after its choice)
/// count once, at the largest.
fn step_limit(loaded: &Loaded, section: usize) -> u64 {
    let mut always = 0;
    let mut alternatives: std::collections::BTreeMap<&str, u64> = Default::default();
    for field in &loaded.form.sections[section].fields {
        let FieldKind::File { max_bytes, .. } = field.kind else {
            continue;
        };
        match &field.shown_when {
            None => always += max_bytes,
            Some(when) => {
                let largest = alternatives.entry(when.field.as_str()).or_default();
                *largest = (*largest).max(max_bytes);
            }
        }
    }
    always + alternatives.values().sum::<u64>() + STEP_TEXT_ALLOWANCE
}

/// Reads a step posted as `multipart/form-data`: the CSRF token first, then the fields in page
/// order; a part named `file:<key>` for a file field of this step is streamed to storage (an
/// empty one — no file chosen — is skipped; a refused one is read to its end and dropped, so
/// the answers typed after it still arrive).
pub async fn read_step(
    app: &AppState,
    ctx: &Ctx,
    loaded: &Loaded,
    section: usize,
    request: axum::extract::Request,
) -> AppResult<PostedStep> {
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > step_limit(loaded, section)) {
        return Err(AppError::PayloadTooLarge);
    }
    let mut multipart =
        <Multipart as axum::extract::FromRequest<AppState>>::from_request(request, app)
            .await
            .map_err(|_| AppError::BadRequest("error-bad-form"))?;
    csrf_first(&mut multipart, ctx).await?;
    let prefix = format!("applications/{}", loaded.app.public_id);
    let mut step = PostedStep {
        pairs: Vec::new(),
        stored: Vec::new(),
        refused: Vec::new(),
    };
    loop {
        let part = match multipart.next_field().await {
            Ok(Some(part)) => part,
            Ok(None) => break,
            Err(e) => {
                discard(app, &step.stored).await;
                return Err(match multipart_error(e) {
                    UploadError::App(e) => e,
                    UploadError::Field(_) => AppError::BadRequest("error-bad-form"),
                });
            }
        };
        let name = part.name().unwrap_or_default().to_owned();
        let Some(key) = name.strip_prefix("file:") else {
            let value = part.text().await.unwrap_or_default();
            step.pairs.push((name, value));
            continue;
        };
        let field = loaded.form.sections[section]
            .fields
            .iter()
            .find(|f| f.key == key && matches!(f.kind, FieldKind::File { .. }));
        let chosen = part.file_name().is_some_and(|n| !n.is_empty());
        let Some(field) = field.filter(|_| chosen) else {
            continue; // no file chosen, or not a file field of this step: skipped
        };
        match store_field(app, part, &field.kind, &prefix).await {
            Ok(stored) => step.stored.push((field.key.clone(), StoredFile(stored))),
            Err(UploadError::Field(error)) => step.refused.push((field.key.clone(), error)),
            Err(UploadError::App(e)) => {
                discard(app, &step.stored).await;
                return Err(e);
            }
        }
    }
    Ok(step)
}

/// Deletes files stored for a step that is not saved after all.
pub async fn discard(app: &AppState, stored: &[(String, StoredFile)]) {
    for (_, StoredFile(file)) in stored {
        let path = StorePath::from(file.storage_key.as_str());
        if let Err(error) = app.store.delete(&path).await {
            tracing::warn!(%error, key = %file.storage_key, "could not delete an unsaved upload");
        }
    }
}

/// Records a step's stored files in `answers` and in the files table (in the caller's
/// transaction, with the answers).
pub async fn record_files(
    tx: &mut crate::db::Tx,
    loaded: &Loaded,
    owner_id: i64,
    stored: &[(String, StoredFile)],
    answers: &mut form::Answers,
    now: i64,
) -> AppResult<()> {
    for (key, StoredFile(file)) in stored {
        let id_document = matches!(
            loaded.form.field(key).map(|f| &f.kind),
            Some(FieldKind::File {
                id_document: true,
                ..
            })
        );
        let file_id = crate::crypto::random_public_id();
        queries::insert_file(
            tx,
            &NewFile {
                public_id: &file_id,
                application_id: loaded.app.id,
                field_key: key,
                owner_id,
                display_name: &file.display_name,
                mime: file.kind.mime(),
                size_bytes: i64::try_from(file.size).unwrap_or(i64::MAX),
                sha256: &file.sha256,
                storage_key: &file.storage_key,
                id_document,
            },
            now,
        )
        .await?;
        answers.0.insert(
            key.clone(),
            Answer::File {
                file_id,
                name: file.display_name.clone(),
            },
        );
    }
    Ok(())
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
