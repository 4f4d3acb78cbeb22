//! The application a signed-in applicant works on, as every applicant page loads it.

use super::queries::{self, ApplicationRow};
use super::summarise;
use crate::calls::queries::{self as calls, TrackRow};
use crate::domain::form::{self, Answers, FormDefinition};
use crate::web::error::{AppError, AppResult};
use crate::web::sessions::SessionUser;
use crate::web::state::AppState;

/// An application with its track and the form version it is answered against.
pub struct Loaded {
    pub app: ApplicationRow,
    pub track: TrackRow,
    pub form: FormDefinition,
    pub answers: Answers,
    /// The organisers changed the form since this draft was last saved.
    pub form_changed: bool,
}

/// Loads an application of the signed-in applicant (404 for anyone else's) with what they
/// work on (the pending draft after a submission) and, if the organisers changed the form
/// while it is still editable, carries the answers over to the new version.
pub async fn load_owned(app: &AppState, public_id: &str, user: &SessionUser) -> AppResult<Loaded> {
    let row = queries::find_owned(&app.db, public_id, user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let track = calls::track_by_id(&app.db, row.track_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let answers = row.working_answers()?;
    if row.working_form_version() != track.form_version
        && row.status().editable()
        && track.is_open(app.now_ms())
    {
        let form = calls::form_definition(&app.db, track.id, track.form_version).await?;
        let answers = form::migrate_answers(&form, &answers);
        let summary = summarise(&form, &answers, &user.display_name);
        let mut tx = app.db.begin_single_write().await?;
        queries::save_answers(
            &mut tx,
            row.id,
            &answers,
            track.form_version,
            &summary,
            app.now_ms(),
        )
        .await?;
        tx.commit().await?;
        let row = queries::find_owned(&app.db, public_id, user.id)
            .await?
            .ok_or(AppError::NotFound)?;
        return Ok(Loaded {
            app: row,
            track,
            form,
            answers,
            form_changed: true,
        });
    }
    let form = calls::form_definition(&app.db, track.id, row.working_form_version()).await?;
    Ok(Loaded {
        app: row,
        track,
        form,
        answers,
        form_changed: false,
    })
}
