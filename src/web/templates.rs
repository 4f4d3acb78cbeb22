//! Page templates (askama, compiled into the binary). Each page carries the request's [`Ctx`]
//! for the layout, the language and the CSRF token.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::applications::admin::{
    AuditLine, BulkView, EditionLink, FileLink, ListRow, OutboxLine, Select,
};
use crate::applications::form_view::FieldView;
use crate::applications::routes::{Deadline, MyApplicationItem, ReviewData};
use crate::calls::admin::TrackForm;
use crate::calls::routes::TrackCard;
use crate::web::ctx::Ctx;
use crate::web::error::AppResult;
use crate::web::forms::FieldErrors;

pub fn render(template: &impl Template) -> AppResult<Response> {
    render_with_status(StatusCode::OK, template)
}

pub fn render_with_status(status: StatusCode, template: &impl Template) -> AppResult<Response> {
    Ok((status, Html(template.render()?)).into_response())
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorTemplate {
    pub ctx: Ctx,
    pub title: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomeTemplate {
    pub ctx: Ctx,
    pub tracks: Vec<TrackCard>,
}

#[derive(Template)]
#[template(path = "calls.html")]
pub struct CallsTemplate {
    pub ctx: Ctx,
    pub tracks: Vec<TrackCard>,
}

#[derive(Template)]
#[template(path = "track.html")]
pub struct TrackTemplate {
    pub ctx: Ctx,
    pub card: TrackCard,
    pub conditions: Vec<String>,
    /// The rules' own wording, folded under conditions the organisers wrote.
    pub checked: Vec<String>,
    pub apply_url: String,
    /// "Ce qu'il vous faut": the documents to have at hand, one line each.
    pub documents: Vec<String>,
    /// The number of steps and the time it takes.
    pub effort: String,
    /// The rules of the competition, when written.
    pub regulations_url: Option<String>,
}

#[derive(Template)]
#[template(path = "regulations.html")]
pub struct RegulationsTemplate {
    pub ctx: Ctx,
    pub card: TrackCard,
    pub track_url: String,
    /// (heading, paragraphs); an empty heading for a paragraph on its own.
    pub articles: Vec<(String, Vec<String>)>,
}

#[derive(Template)]
#[template(path = "accounts/signup.html")]
pub struct SignupTemplate {
    pub ctx: Ctx,
    pub display_name: String,
    pub login: String,
    pub next: String,
    pub errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "accounts/verify.html")]
pub struct VerifyTemplate {
    pub ctx: Ctx,
    /// The login as typed and normalised (known to the visitor already).
    pub destination: String,
    pub next: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "accounts/login.html")]
pub struct LoginTemplate {
    pub ctx: Ctx,
    pub login: String,
    pub next: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "accounts/login_code.html")]
pub struct LoginCodeTemplate {
    pub ctx: Ctx,
    pub login: String,
    pub next: String,
    /// A code was asked for: show the form to enter it.
    pub sent: bool,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "accounts/forgot.html")]
pub struct ForgotTemplate {
    pub ctx: Ctx,
    pub login: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "accounts/reset.html")]
pub struct ResetTemplate {
    pub ctx: Ctx,
    pub login: String,
    pub errors: FieldErrors,
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

#[derive(Template)]
#[template(path = "admin/outbox.html")]
pub struct AdminOutboxTemplate {
    pub ctx: Ctx,
    pub lines: Vec<OutboxLine>,
    pub sms_settings: Vec<crate::applications::admin::SmsSetting>,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
pub struct AdminAuditTemplate {
    pub ctx: Ctx,
    pub lines: Vec<AuditLine>,
    pub verdict: String,
    /// Whether the judged data matches what the log says, and each difference.
    pub data_verdict: String,
    pub mismatches: Vec<String>,
}

#[derive(Template)]
#[template(path = "admin/track.html")]
pub struct AdminTrackTemplate {
    pub ctx: Ctx,
    pub track_id: i64,
    pub timezone: String,
    pub version: i64,
    pub values: TrackForm,
    pub errors: FieldErrors,
    /// Set when the save was refused because the track changed since the form was loaded.
    pub stale: Option<crate::web::edit::StaleEdit>,
}

#[derive(Template)]
#[template(path = "editions/new.html")]
pub struct NewEditionTemplate {
    pub ctx: Ctx,
    pub sources: Vec<(String, i64)>,
    pub values: crate::editions::EditionForm,
    pub errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "editions/team.html")]
pub struct TeamTemplate {
    pub ctx: Ctx,
    pub edition_slug: String,
    pub edition_year: i64,
    pub members: Vec<crate::editions::Member>,
    pub roles: Vec<(String, String)>,
    pub login: String,
    pub error: Option<String>,
}
