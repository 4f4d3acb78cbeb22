//! Organisers' overrides of the message templates (see [`super::templates`]): storage, the
//! composition the senders use, and the pages to edit, preview and reset them.

use askama::Template as Askama;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use super::actions;
use super::templates::{self, MessageKind, Part, Texts, Values, MAX_SMS_PARTS};
use crate::calls::queries::{self as calls, EditionRow};
use crate::db::{Db, DbResult, Tx};
use crate::domain::types::Lang;
use crate::editions::access::OrganisedEdition;
use crate::i18n::{self, tr, tr_args};
use crate::outbox::sms_text;
use crate::outbox::Channel;
use crate::web::ctx::{CsrfForm, Ctx, SiteAddress};
use crate::web::edit::{posted_version, StaleEdit};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::FieldErrors;
use crate::web::state::AppState;
use crate::web::templates::{render, render_with_status};
use crate::{run, run_tx};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/editions/{edition}/messages", get(list))
        .route(
            "/admin/editions/{edition}/messages/{kind}/{lang}",
            get(edit_page).post(save),
        )
        .route(
            "/admin/editions/{edition}/messages/{kind}/{lang}/reset",
            post(reset),
        )
}

/// A stored row: the texts are `None` when reset to the default.
#[derive(Debug, Clone, sqlx::FromRow)]
struct StoredRow {
    subject: Option<String>,
    body: Option<String>,
    sms: Option<String>,
    version: i64,
}

impl StoredRow {
    fn texts(&self) -> Option<Texts> {
        Some(Texts {
            subject: self.subject.clone()?,
            body: self.body.clone()?,
            sms: self.sms.clone()?,
        })
    }
}

const SELECT_ROW: &str = "SELECT subject, body, sms, version FROM message_templates \
                          WHERE edition_id = $1 AND kind = $2 AND lang = $3";

async fn stored(
    db: &Db,
    edition_id: i64,
    kind: MessageKind,
    lang: Lang,
) -> DbResult<Option<StoredRow>> {
    Ok(run!(db, |pool| sqlx::query_as::<_, StoredRow>(SELECT_ROW)
        .bind(edition_id)
        .bind(kind.as_str())
        .bind(lang.as_str())
        .fetch_optional(pool)
        .await)?)
}

fn parse_lang(code: &str) -> Option<Lang> {
    match code {
        "fr" => Some(Lang::Fr),
        "en" => Some(Lang::En),
        _ => None,
    }
}

/// The texts of one kind of message in `lang`: the edition's override when there is one, else
/// the default translation. For a sender that reads them before its transaction (see
/// [`fill`]); [`compose`] reads them inside it.
pub async fn texts(db: &Db, edition_id: i64, kind: MessageKind, lang: Lang) -> DbResult<Texts> {
    let row = stored(db, edition_id, kind, lang).await?;
    Ok(in_force(row, kind, lang))
}

fn in_force(row: Option<StoredRow>, kind: MessageKind, lang: Lang) -> Texts {
    row.as_ref()
        .and_then(StoredRow::texts)
        .unwrap_or_else(|| Texts::defaults(kind, lang))
}

/// The subject and body of one message to send on `channel`: the edition's override in
/// `lang` when there is one, else the default translation. Read inside the sender's
/// transaction, so a message uses the wording in force when its cause commits.
pub async fn compose(
    tx: &mut Tx,
    edition_id: i64,
    kind: MessageKind,
    lang: Lang,
    channel: Channel,
    values: &Values,
) -> DbResult<(String, String)> {
    let row = run_tx!(tx, |conn| sqlx::query_as::<_, StoredRow>(SELECT_ROW)
        .bind(edition_id)
        .bind(kind.as_str())
        .bind(lang.as_str())
        .fetch_optional(conn)
        .await)?;
    let texts = in_force(row, kind, lang);
    Ok(fill(&texts, edition_id, kind, lang, channel, values))
}

/// The subject and body of a message of `kind` written with `texts`, to send on `channel`.
pub fn fill(
    texts: &Texts,
    edition_id: i64,
    kind: MessageKind,
    lang: Lang,
    channel: Channel,
    values: &Values,
) -> (String, String) {
    let body_part = match channel {
        Channel::Email => Part::Body,
        Channel::Sms => Part::Sms,
    };
    let render = |part: Part| match templates::parse(kind, part, texts.get(part)) {
        Ok(t) => t.render(values),
        // Stored texts were parsed when saved; one that no longer parses (a placeholder
        // retired since) must not stop a receipt: the default is sent instead.
        Err(e) => {
            tracing::warn!(edition_id, kind = kind.as_str(), error = ?e, "stored message template no longer valid");
            templates::parse(kind, part, &kind.default_text(lang, part))
                .map(|t| t.render(values))
                .unwrap_or_default()
        }
    };
    (
        templates::one_line(&render(Part::Subject)),
        render(body_part),
    )
}

// ---------------------------------------------------------------------------------------
// Pages

fn base(edition: &EditionRow) -> String {
    format!("/admin/editions/{}/messages", edition.slug)
}

fn kind_name(lang: Lang, kind: MessageKind) -> String {
    tr(lang, &format!("msgtpl-kind-{}", kind.as_str()))
}

fn lang_name(lang: Lang, of: Lang) -> String {
    tr(lang, &format!("msgtpl-lang-{}", of.as_str()))
}

pub struct ListLine {
    pub name: String,
    /// (edit URL, language name, customised?)
    pub langs: Vec<(String, String, bool)>,
}

#[derive(Askama)]
#[template(path = "admin/message_templates.html")]
pub struct ListTemplate {
    pub ctx: Ctx,
    pub edition: String,
    pub lines: Vec<ListLine>,
}

async fn list(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, .. }: OrganisedEdition,
) -> AppResult<Response> {
    let mut lines = Vec::new();
    for kind in MessageKind::ALL {
        let mut langs = Vec::new();
        for lang in [Lang::Fr, Lang::En] {
            let customised = stored(&app.db, edition.id, kind, lang)
                .await?
                .is_some_and(|r| r.texts().is_some());
            langs.push((
                format!("{}/{}/{}", base(&edition), kind.as_str(), lang.as_str()),
                lang_name(ctx.lang, lang),
                customised,
            ));
        }
        lines.push(ListLine {
            name: kind_name(ctx.lang, kind),
            langs,
        });
    }
    render(&ListTemplate {
        edition: edition.name(ctx.lang),
        lines,
        ctx,
    })
}

/// A message rendered with sample values.
pub struct Preview {
    pub subject: String,
    pub body: String,
    pub sms: String,
}

#[derive(Askama)]
#[template(path = "admin/message_template.html")]
pub struct EditTemplate {
    pub ctx: Ctx,
    pub edition: String,
    pub list_url: String,
    pub action: String,
    pub title: String,
    /// `{ name }` and what it stands for.
    pub placeholders: Vec<(String, String)>,
    pub required: String,
    pub customised: bool,
    pub version: i64,
    pub values: Texts,
    /// How long the SMS is once filled with the sample values, when it parses.
    pub sms_length: Option<String>,
    pub preview: Option<Preview>,
    pub saved: bool,
    pub errors: FieldErrors,
    pub stale: Option<StaleEdit>,
}

struct Target {
    edition: EditionRow,
    kind: MessageKind,
    lang: Lang,
}

/// The message of `edition` the address names by kind and language.
fn target(edition: EditionRow, kind: &str, lang: &str) -> AppResult<Target> {
    let kind = MessageKind::parse(kind).ok_or(AppError::NotFound)?;
    let lang = parse_lang(lang).ok_or(AppError::NotFound)?;
    Ok(Target {
        edition,
        kind,
        lang,
    })
}

/// The link a message of `kind` points to.
fn link_path(kind: MessageKind, edition: &EditionRow) -> String {
    match kind {
        MessageKind::Receipt => "/applications".to_owned(),
        MessageKind::ShortlistSelected | MessageKind::ShortlistNotSelected => {
            format!("/finalists/{}", edition.slug)
        }
        MessageKind::Results => format!("/results/{}", edition.slug),
    }
}

/// Values that look like real ones, in the template's language.
async fn sample_values(app: &AppState, site: &SiteAddress, t: &Target) -> AppResult<Values> {
    let tracks = calls::tracks_of_edition(&app.db, t.edition.id).await?;
    let track = tracks.first();
    let tz = t.edition.timezone.tz().clone();
    let when = jiff::Timestamp::from_millisecond(app.now_ms())
        .map(|at| i18n::format_instant(t.lang, at, &tz))
        .unwrap_or_default();
    let code = track.map_or("STA", |tr| tr.code.as_str());
    Ok(Values::new(vec![
        ("reference", format!("{}-{code}-0042", t.edition.ref_prefix)),
        (
            "track",
            track.map_or_else(
                || tr(t.lang, "msgtpl-sample-track"),
                |tr| {
                    if t.lang == Lang::En {
                        tr.name_en.clone()
                    } else {
                        tr.name_fr.clone()
                    }
                },
            ),
        ),
        ("when", when),
        ("title", tr(t.lang, "msgtpl-sample-title")),
        ("year", t.edition.year.to_string()),
        ("link", site.link(&link_path(t.kind, &t.edition))),
    ]))
}

fn sms_length_label(lang: Lang, sms: &str) -> String {
    let (text, length) = sms_text::prepare(sms, false);
    tr_args(
        lang,
        "msgtpl-sms-length",
        &[
            ("chars", text.chars().count().to_string()),
            ("parts", length.parts.to_string()),
        ],
    )
}

#[derive(Default)]
struct PageState {
    values: Option<Texts>,
    preview: bool,
    saved: bool,
    errors: FieldErrors,
    stale: Option<StaleEdit>,
    version: Option<i64>,
}

async fn render_edit(
    app: &AppState,
    ctx: Ctx,
    t: &Target,
    state: PageState,
    status: StatusCode,
) -> AppResult<Response> {
    let row = stored(&app.db, t.edition.id, t.kind, t.lang).await?;
    let current = row.as_ref().and_then(StoredRow::texts);
    let customised = current.is_some();
    let values = state
        .values
        .or(current)
        .unwrap_or_else(|| Texts::defaults(t.kind, t.lang));
    let samples = sample_values(app, &ctx.site, t).await?;
    let rendered = templates::parse_all(t.kind, &values).map(|[subject, body, sms]| Preview {
        subject: templates::one_line(&subject.render(&samples)),
        body: body.render(&samples),
        sms: sms_text::prepare(&sms.render(&samples), false).0,
    });
    let sms_length = rendered
        .as_ref()
        .map(|p| sms_length_label(ctx.lang, &p.sms));
    let lang = ctx.lang;
    render_with_status(
        status,
        &EditTemplate {
            edition: t.edition.name(lang),
            list_url: base(&t.edition),
            action: format!(
                "{}/{}/{}",
                base(&t.edition),
                t.kind.as_str(),
                t.lang.as_str()
            ),
            title: format!("{} · {}", kind_name(lang, t.kind), lang_name(lang, t.lang)),
            placeholders: t
                .kind
                .placeholders()
                .iter()
                .map(|p| (format!("{{ {p} }}"), tr(lang, &format!("msgtpl-ph-{p}"))))
                .collect(),
            required: t
                .kind
                .required()
                .iter()
                .map(|p| format!("{{ {p} }}"))
                .collect::<Vec<_>>()
                .join(", "),
            customised,
            version: state
                .version
                .unwrap_or_else(|| row.as_ref().map_or(0, |r| r.version)),
            values,
            sms_length,
            preview: rendered.filter(|_| state.preview),
            saved: state.saved,
            errors: state.errors,
            stale: state.stale,
            ctx,
        },
    )
}

async fn edit_page(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, .. }: OrganisedEdition,
    Path((_, kind, lang)): Path<(String, String, String)>,
    Query(q): Query<SavedParam>,
) -> AppResult<Response> {
    let t = target(edition, &kind, &lang)?;
    let state = PageState {
        saved: q.saved.is_some(),
        ..PageState::default()
    };
    render_edit(&app, ctx, &t, state, StatusCode::OK).await
}

#[derive(Debug, Deserialize)]
pub struct SavedParam {
    saved: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct TemplateForm {
    #[serde(default)]
    subject: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    sms: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    action: String,
}

/// The stored texts, for a refused save.
fn stale_edit(lang: Lang, row: Option<&StoredRow>, kind: MessageKind, of: Lang) -> StaleEdit {
    let texts = row
        .and_then(StoredRow::texts)
        .unwrap_or_else(|| Texts::defaults(kind, of));
    StaleEdit {
        version: row.map_or(0, |r| r.version),
        stored: Part::ALL
            .into_iter()
            .map(|p| {
                (
                    tr(lang, &format!("msgtpl-field-{}", p.field())),
                    texts.get(p).to_owned(),
                )
            })
            .collect(),
    }
}

/// Saves (or previews, with `action=preview`) the texts typed for one message.
async fn save(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, user }: OrganisedEdition,
    Path((_, kind, lang)): Path<(String, String, String)>,
    form: CsrfForm<TemplateForm>,
) -> AppResult<Response> {
    let t = target(edition, &kind, &lang)?;
    let form = form.value;
    // Browsers send CRLF line ends from a textarea; messages are stored with LF.
    let texts = Texts {
        subject: form.subject.trim().to_owned(),
        body: form.body.replace("\r\n", "\n").trim().to_owned(),
        sms: form.sms.replace("\r\n", "\n").trim().to_owned(),
    };
    let expected = posted_version(&form.version);
    let mut errors = FieldErrors::default();
    let samples = sample_values(&app, &ctx.site, &t).await?;
    for part in Part::ALL {
        let error = match templates::parse(t.kind, part, texts.get(part)) {
            Err(e) => Some(e),
            Ok(sms) if part == Part::Sms => {
                let (_, length) = sms_text::prepare(&sms.render(&samples), false);
                (length.parts > MAX_SMS_PARTS).then_some(
                    templates::TemplateError::TooManySmsParts {
                        parts: length.parts,
                    },
                )
            }
            Ok(_) => None,
        };
        if let Some(e) = error {
            let (key, args) = e.message();
            errors.add(part.field(), tr_args(ctx.lang, key, &args));
        }
    }
    let keep = |errors, preview, stale, version| PageState {
        values: Some(texts.clone()),
        preview,
        saved: false,
        errors,
        stale,
        version,
    };
    if !errors.is_empty() {
        let state = keep(errors, false, None, Some(expected));
        return render_edit(&app, ctx, &t, state, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    if form.action == "preview" {
        let state = keep(errors, true, None, Some(expected));
        return render_edit(&app, ctx, &t, state, StatusCode::OK).await;
    }
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    let message = (&t.edition, t.kind, t.lang);
    let saved = actions::change_texts(&mut tx, message, Some(&texts), expected, user.id, now);
    if !saved.await? {
        drop(tx);
        let row = stored(&app.db, t.edition.id, t.kind, t.lang).await?;
        let stale = stale_edit(ctx.lang, row.as_ref(), t.kind, t.lang);
        let version = stale.version;
        let state = keep(errors, false, Some(stale), Some(version));
        return render_edit(&app, ctx, &t, state, StatusCode::CONFLICT).await;
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "{}/{}/{}?saved=1",
        base(&t.edition),
        t.kind.as_str(),
        t.lang.as_str()
    ))
    .into_response())
}

#[derive(Debug, Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    version: String,
}

/// Back to the default translation.
async fn reset(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, user }: OrganisedEdition,
    Path((_, kind, lang)): Path<(String, String, String)>,
    form: CsrfForm<ResetForm>,
) -> AppResult<Response> {
    let t = target(edition, &kind, &lang)?;
    let expected = posted_version(&form.value.version);
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    let message = (&t.edition, t.kind, t.lang);
    let reset = actions::change_texts(&mut tx, message, None, expected, user.id, now);
    if !reset.await? {
        drop(tx);
        let row = stored(&app.db, t.edition.id, t.kind, t.lang).await?;
        // Already the default at the version the page showed: nothing to do.
        if row.as_ref().map_or(0, |r| r.version) == expected {
            return Ok(Redirect::to(&format!(
                "{}/{}/{}",
                base(&t.edition),
                t.kind.as_str(),
                t.lang.as_str()
            ))
            .into_response());
        }
        let stale = stale_edit(ctx.lang, row.as_ref(), t.kind, t.lang);
        let state = PageState {
            version: Some(stale.version),
            stale: Some(stale),
            ..PageState::default()
        };
        return render_edit(&app, ctx, &t, state, StatusCode::CONFLICT).await;
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "{}/{}/{}?saved=1",
        base(&t.edition),
        t.kind.as_str(),
        t.lang.as_str()
    ))
    .into_response())
}
