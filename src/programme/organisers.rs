//! The organisers' programme pages: the sessions of an edition with the forms that add a
//! session, a room and a speaker, and one session's edit page.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::actions::{self, Refused, SessionDraft, Target};
use super::photo::SpeakerPhoto;
use super::queries::{
    self, NewRoom, NewSpeaker, RoomRow, SessionFields, SessionLinks, SessionRow, SpeakerRow,
};
use super::rules::{Clash, SessionKind};
use super::{parse_session, SessionForm, ValidSession, LANGUAGES};
use crate::calls::format_civil_input;
use crate::calls::queries::EditionRow;
use crate::domain::types::Lang;
use crate::editions::access::OrganisedEdition;
use crate::i18n::{format_instant, tr, tr_args};
use crate::web::ctx::{CsrfForm, Ctx};
use crate::web::edit::posted_version;
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{csrf_first, read_file_part, FieldErrors, FilePart};
use crate::web::state::AppState;
use crate::web::templates::render_with_status;

/// A session in the organisers' list.
pub struct SessionLine {
    pub url: String,
    pub when: String,
    pub title: String,
    pub kind: String,
    pub room: String,
    pub speakers: String,
}

/// A speaker in the organisers' list, with their photo and where to send a new one.
pub struct SpeakerLine {
    pub public_id: String,
    pub name: String,
    pub organisation: String,
    pub photo: Option<String>,
    pub photo_action: String,
}

/// A choice in a select or a list of boxes.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "programme/organisers.html")]
pub struct ProgrammeTemplate {
    pub ctx: Ctx,
    pub edition: String,
    pub base: String,
    pub public_url: String,
    pub sessions: Vec<SessionLine>,
    pub rooms: Vec<RoomRow>,
    pub speakers: Vec<SpeakerLine>,
    pub max_photo_mb: usize,
    pub editor: Editor,
    pub room_form: RoomForm,
    pub speaker_form: SpeakerForm,
    pub errors: FieldErrors,
}

/// The session form as shown: typed values, the choices, and where it posts.
pub struct Editor {
    pub action: String,
    pub form: SessionForm,
    pub kinds: Vec<Choice>,
    pub rooms: Vec<Choice>,
    pub languages: Vec<Choice>,
    pub moderators: Vec<Choice>,
    pub speakers: Vec<Choice>,
    pub zone_help: String,
}

#[derive(Template)]
#[template(path = "programme/organisers_session.html")]
pub struct SessionTemplate {
    pub ctx: Ctx,
    pub edition: String,
    pub base: String,
    pub title: String,
    pub editor: Editor,
    pub errors: FieldErrors,
}

fn base(edition: &EditionRow) -> String {
    format!("/admin/editions/{}/programme", edition.slug)
}

/// What the organisers' pages need of an edition's programme, read once.
struct Programme {
    sessions: Vec<SessionRow>,
    rooms: Vec<RoomRow>,
    speakers: Vec<SpeakerRow>,
    speakers_of: BTreeMap<i64, Vec<queries::SessionSpeakerRow>>,
}

impl Programme {
    /// The session `public_id` of this programme; 404 for any other.
    fn session(&self, public_id: &str) -> AppResult<&SessionRow> {
        self.sessions
            .iter()
            .find(|s| s.public_id == public_id)
            .ok_or(AppError::NotFound)
    }
}

async fn programme_of(app: &AppState, edition: &EditionRow) -> AppResult<Programme> {
    let speakers_of = queries::speakers_by_session(&app.db, edition.id).await?;
    Ok(Programme {
        sessions: queries::sessions(&app.db, edition.id).await?,
        rooms: queries::rooms(&app.db, edition.id).await?,
        speakers: queries::speakers(&app.db, edition.id).await?,
        speakers_of,
    })
}

fn when(lang: Lang, edition: &EditionRow, s: &SessionRow) -> String {
    let tz = edition.timezone.tz();
    let at = |ms: i64| {
        jiff::Timestamp::from_millisecond(ms)
            .map(|t| format_instant(lang, t, tz))
            .unwrap_or_default()
    };
    format!("{} – {}", at(s.starts_at), at(s.ends_at))
}

fn editor(
    lang: Lang,
    (edition, p): (&EditionRow, &Programme),
    action: String,
    form: SessionForm,
    ticked: &[String],
) -> Editor {
    let choice = |value: String, label: String, selected: bool| Choice {
        value,
        label,
        selected,
    };
    let kinds = SessionKind::ALL
        .iter()
        .map(|k| {
            let label = tr(lang, &format!("programme-kind-{}", k.as_str()));
            choice(k.as_str().into(), label, form.kind == k.as_str())
        })
        .collect();
    let rooms = p
        .rooms
        .iter()
        .map(|r| {
            choice(
                r.id.to_string(),
                r.name.clone(),
                form.room == r.id.to_string(),
            )
        })
        .collect();
    let languages = LANGUAGES
        .iter()
        .map(|l| {
            let label = tr(lang, &format!("programme-language-{l}"));
            choice((*l).into(), label, form.language == *l)
        })
        .collect();
    let speaker_label = |s: &SpeakerRow| {
        if s.organisation.is_empty() {
            s.name.clone()
        } else {
            format!("{} ({})", s.name, s.organisation)
        }
    };
    let moderators = p
        .speakers
        .iter()
        .map(|s| {
            let id = s.id.to_string();
            let selected = form.moderator == id;
            choice(id, speaker_label(s), selected)
        })
        .collect();
    let speakers = p
        .speakers
        .iter()
        .map(|s| {
            let id = s.id.to_string();
            let selected = ticked.contains(&id);
            choice(id, speaker_label(s), selected)
        })
        .collect();
    let zone_help = tr_args(
        lang,
        "programme-zone-help",
        &[("zone", edition.timezone.name().to_owned())],
    );
    Editor {
        action,
        form,
        kinds,
        rooms,
        languages,
        moderators,
        speakers,
        zone_help,
    }
}

/// Everything the programme page shows besides the stored programme: typed values kept and
/// the messages of a refused form.
#[derive(Default)]
struct Typed {
    session: SessionForm,
    ticked: Vec<String>,
    room: RoomForm,
    speaker: SpeakerForm,
    errors: FieldErrors,
}

async fn render_programme(
    app: &AppState,
    ctx: Ctx,
    edition: &EditionRow,
    typed: Typed,
    status: StatusCode,
) -> AppResult<Response> {
    let p = programme_of(app, edition).await?;
    let lang = ctx.lang;
    let sessions = p
        .sessions
        .iter()
        .map(|s| SessionLine {
            url: format!("{}/{}", base(edition), s.public_id),
            when: when(lang, edition, s),
            title: s.title(lang).to_owned(),
            kind: tr(lang, &format!("programme-kind-{}", s.kind.as_str())),
            room: s.room_name.clone().unwrap_or_default(),
            speakers: p
                .speakers_of
                .get(&s.id)
                .map(|list| {
                    let names: Vec<&str> = list.iter().map(|r| r.name.as_str()).collect();
                    names.join(", ")
                })
                .unwrap_or_default(),
        })
        .collect();
    let editor = editor(
        lang,
        (edition, &p),
        base(edition),
        typed.session,
        &typed.ticked,
    );
    let speakers = p
        .speakers
        .iter()
        .map(|sp| SpeakerLine {
            public_id: sp.public_id.clone(),
            name: sp.name.clone(),
            organisation: sp.organisation.clone(),
            photo: super::photo_url(edition, sp),
            photo_action: format!("{}/speakers/{}/photo", base(edition), sp.public_id),
        })
        .collect();
    render_with_status(
        status,
        &ProgrammeTemplate {
            edition: edition.name(lang),
            base: base(edition),
            public_url: format!("/programme/{}", edition.slug),
            sessions,
            rooms: p.rooms,
            speakers,
            max_photo_mb: super::photo::MAX_UPLOAD_BYTES / (1024 * 1024),
            editor,
            room_form: typed.room,
            speaker_form: typed.speaker,
            errors: typed.errors,
            ctx,
        },
    )
}

pub(super) async fn programme(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, .. }: OrganisedEdition,
) -> AppResult<Response> {
    let typed = Typed {
        session: SessionForm {
            language: "fr".into(),
            ..SessionForm::default()
        },
        ..Typed::default()
    };
    render_programme(&app, ctx, &edition, typed, StatusCode::OK).await
}

/// The speakers ticked in a posted session form, in the order posted.
fn ticked(pairs: &[(String, String)]) -> Vec<String> {
    pairs
        .iter()
        .filter(|(k, v)| k == "speakers" && !v.trim().is_empty())
        .map(|(_, v)| v.trim().to_owned())
        .collect()
}

/// Checks a posted session against the edition's rooms and speakers.
fn check(
    edition: &EditionRow,
    p: &Programme,
    form: &SessionForm,
    ticked: &[String],
    lang: Lang,
) -> Result<ValidSession, FieldErrors> {
    let rooms: Vec<i64> = p.rooms.iter().map(|r| r.id).collect();
    let speakers: Vec<i64> = p.speakers.iter().map(|s| s.id).collect();
    let known = (edition.timezone.tz(), rooms.as_slice(), speakers.as_slice());
    parse_session(form, ticked, known, lang)
}

fn draft(valid: &ValidSession) -> SessionDraft<'_> {
    SessionDraft {
        fields: SessionFields {
            kind: valid.kind,
            title_fr: &valid.title_fr,
            title_en: &valid.title_en,
            abstract_fr: &valid.abstract_fr,
            abstract_en: &valid.abstract_en,
            starts_at: valid.slot.starts_at(),
            ends_at: valid.slot.ends_at(),
            room_id: valid.room_id,
            theme: &valid.theme,
            language: valid.language,
            links: SessionLinks {
                online_url: &valid.online_url,
                stream_url: &valid.stream_url,
                public: valid.links_public,
            },
        },
        speakers: valid.speakers.clone(),
    }
}

/// The messages of a refused save, on the fields they concern.
fn refusal_errors(lang: Lang, p: &Programme, refused: &Refused) -> FieldErrors {
    let mut errors = FieldErrors::default();
    let title_of = |public_id: &str| {
        p.sessions
            .iter()
            .find(|s| s.public_id == public_id)
            .map(|s| s.title(lang).to_owned())
            .unwrap_or_default()
    };
    match refused {
        Refused::Clashes(clashes) => {
            for clash in clashes {
                match clash {
                    Clash::Room { session } => errors.add(
                        "room",
                        tr_args(
                            lang,
                            "programme-room-taken",
                            &[("session", title_of(session))],
                        ),
                    ),
                    Clash::Speaker { speaker, session } => {
                        let name = p
                            .speakers
                            .iter()
                            .find(|s| s.id == *speaker)
                            .map(|s| s.name.clone())
                            .unwrap_or_default();
                        let args = [("speaker", name), ("session", title_of(session))];
                        errors.add("speakers", tr_args(lang, "programme-speaker-busy", &args));
                    }
                }
            }
        }
        Refused::Stale => errors.add("version", tr(lang, "programme-stale")),
        Refused::RoomNameTaken => errors.add("room_name", tr(lang, "programme-room-name-taken")),
    }
    errors
}

pub(super) async fn create_session(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, user }: OrganisedEdition,
    form: CsrfForm<SessionForm>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let ticked = ticked(&form.pairs);
    let typed = form.value;
    let p = programme_of(&app, &edition).await?;
    let refused = |errors, status| {
        let typed = Typed {
            session: typed.clone(),
            ticked: ticked.clone(),
            errors,
            ..Typed::default()
        };
        (typed, status)
    };
    let valid = match check(&edition, &p, &typed, &ticked, lang) {
        Ok(valid) => valid,
        Err(errors) => {
            let (typed, status) = refused(errors, StatusCode::UNPROCESSABLE_ENTITY);
            return render_programme(&app, ctx, &edition, typed, status).await;
        }
    };
    let mut tx = app.db.begin().await?;
    let saved = actions::save_session(
        &mut tx,
        &edition,
        Target::New,
        &draft(&valid),
        user.id,
        app.now_ms(),
    )
    .await?;
    match saved {
        Ok(_) => {
            tx.commit().await?;
            Ok(Redirect::to(&base(&edition)).into_response())
        }
        Err(why) => {
            drop(tx);
            let errors = refusal_errors(lang, &p, &why);
            let (typed, status) = refused(errors, StatusCode::CONFLICT);
            render_programme(&app, ctx, &edition, typed, status).await
        }
    }
}

#[derive(Debug, Deserialize, Default, Clone)]
pub struct RoomForm {
    #[serde(default)]
    pub room_name: String,
    #[serde(default)]
    pub capacity: String,
    #[serde(default)]
    pub floor: String,
}

pub(super) async fn add_room(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, user }: OrganisedEdition,
    form: CsrfForm<RoomForm>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let typed = form.value;
    let mut errors = FieldErrors::default();
    let name = super::text(
        &mut errors,
        ("room_name", &typed.room_name),
        (true, 100),
        lang,
    );
    let floor = super::text(&mut errors, ("floor", &typed.floor), (false, 100), lang);
    let capacity = typed
        .capacity
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|c| (1..=100_000).contains(c));
    if capacity.is_none() {
        errors.add("capacity", tr(lang, "programme-bad-capacity"));
    }
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if let (Some(capacity), true) = (capacity, errors.is_empty()) {
        let mut tx = app.db.begin().await?;
        let room = NewRoom {
            name: &name,
            capacity,
            floor: &floor,
        };
        let added = actions::add_room(&mut tx, &edition, &room, user.id, app.now_ms()).await?;
        if added.is_ok() {
            tx.commit().await?;
            return Ok(Redirect::to(&format!("{}#rooms", base(&edition))).into_response());
        }
        errors.add("room_name", tr(lang, "programme-room-name-taken"));
        status = StatusCode::CONFLICT;
    }
    let typed = Typed {
        room: typed,
        errors,
        ..Typed::default()
    };
    render_programme(&app, ctx, &edition, typed, status).await
}

#[derive(Debug, Deserialize, Default, Clone)]
pub struct SpeakerForm {
    #[serde(default)]
    pub speaker_name: String,
    #[serde(default)]
    pub organisation: String,
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub bio_fr: String,
    #[serde(default)]
    pub bio_en: String,
}

pub(super) async fn add_speaker(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, user }: OrganisedEdition,
    form: CsrfForm<SpeakerForm>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let typed = form.value;
    let mut errors = FieldErrors::default();
    let name = super::text(
        &mut errors,
        ("speaker_name", &typed.speaker_name),
        (true, 100),
        lang,
    );
    let organisation = super::text(
        &mut errors,
        ("organisation", &typed.organisation),
        (false, 200),
        lang,
    );
    let country = typed.country.trim().to_uppercase();
    if !country.is_empty() && crate::domain::country::Country::parse(&country).is_err() {
        errors.add("country", tr(lang, "programme-unknown-country"));
    }
    let bio_fr = super::text(&mut errors, ("bio_fr", &typed.bio_fr), (false, 2000), lang);
    let bio_en = super::text(&mut errors, ("bio_en", &typed.bio_en), (false, 2000), lang);
    if !errors.is_empty() {
        let typed = Typed {
            speaker: typed,
            errors,
            ..Typed::default()
        };
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return render_programme(&app, ctx, &edition, typed, status).await;
    }
    let speaker = NewSpeaker {
        name: &name,
        organisation: &organisation,
        country: &country,
        bio_fr: &bio_fr,
        bio_en: &bio_en,
    };
    let mut tx = app.db.begin().await?;
    actions::add_speaker(&mut tx, &edition, &speaker, user.id, app.now_ms()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}#speakers", base(&edition))).into_response())
}

/// The form of a stored session, as an organiser edits it.
fn stored_form(
    edition: &EditionRow,
    s: &SessionRow,
    speakers: &[queries::SessionSpeakerRow],
) -> SessionForm {
    let tz = edition.timezone.tz();
    SessionForm {
        kind: s.kind.as_str().into(),
        title_fr: s.title_fr.clone(),
        title_en: s.title_en.clone(),
        abstract_fr: s.abstract_fr.clone(),
        abstract_en: s.abstract_en.clone(),
        starts_at: format_civil_input(s.starts_at, tz),
        ends_at: format_civil_input(s.ends_at, tz),
        room: s.room_id.map(|r| r.to_string()).unwrap_or_default(),
        theme: s.theme.clone(),
        language: s.language.clone(),
        moderator: speakers
            .iter()
            .find(|r| r.role == "moderator")
            .map(|r| r.speaker_id.to_string())
            .unwrap_or_default(),
        online_url: s.online_url.clone(),
        stream_url: s.stream_url.clone(),
        links_public: if s.links_public {
            "yes".into()
        } else {
            String::new()
        },
        version: s.version.to_string(),
    }
}

async fn render_session(
    app: &AppState,
    ctx: Ctx,
    (edition, p, s): (&EditionRow, &Programme, &SessionRow),
    (form, ticked, errors): (SessionForm, Vec<String>, FieldErrors),
    status: StatusCode,
) -> AppResult<Response> {
    let _ = app;
    let lang = ctx.lang;
    let action = format!("{}/{}", base(edition), s.public_id);
    render_with_status(
        status,
        &SessionTemplate {
            edition: edition.name(lang),
            base: base(edition),
            title: s.title(lang).to_owned(),
            editor: editor(lang, (edition, p), action, form, &ticked),
            errors,
            ctx,
        },
    )
}

pub(super) async fn session(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, .. }: OrganisedEdition,
    Path((_, session)): Path<(String, String)>,
) -> AppResult<Response> {
    let p = programme_of(&app, &edition).await?;
    let s = p.session(&session)?;
    let speakers = p.speakers_of.get(&s.id).cloned().unwrap_or_default();
    let form = stored_form(&edition, s, &speakers);
    let ticked = speakers
        .iter()
        .filter(|r| r.role == "speaker")
        .map(|r| r.speaker_id.to_string())
        .collect();
    let shown = (form, ticked, FieldErrors::default());
    render_session(&app, ctx, (&edition, &p, s), shown, StatusCode::OK).await
}

pub(super) async fn edit_session(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, user }: OrganisedEdition,
    Path((_, session)): Path<(String, String)>,
    form: CsrfForm<SessionForm>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let p = programme_of(&app, &edition).await?;
    let s = p.session(&session)?;
    let ticked = ticked(&form.pairs);
    let typed = form.value;
    let valid = match check(&edition, &p, &typed, &ticked, lang) {
        Ok(valid) => valid,
        Err(errors) => {
            let shown = (typed, ticked, errors);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return render_session(&app, ctx, (&edition, &p, s), shown, status).await;
        }
    };
    let target = Target::Existing {
        id: s.id,
        public_id: &s.public_id,
        expected_version: posted_version(&typed.version),
    };
    let mut tx = app.db.begin().await?;
    let saved = actions::save_session(
        &mut tx,
        &edition,
        target,
        &draft(&valid),
        user.id,
        app.now_ms(),
    )
    .await?;
    match saved {
        Ok(_) => {
            tx.commit().await?;
            Ok(Redirect::to(&base(&edition)).into_response())
        }
        Err(why) => {
            drop(tx);
            let errors = refusal_errors(lang, &p, &why);
            // A stale edit is shown against the stored version, so saving again is deliberate.
            let typed = SessionForm {
                version: s.version.to_string(),
                ..typed
            };
            let shown = (typed, ticked, errors);
            render_session(&app, ctx, (&edition, &p, s), shown, StatusCode::CONFLICT).await
        }
    }
}

/// An organiser sends a speaker's photo (a form with the CSRF token first, then `file`): kept
/// reduced; refused with the reason when too large or not an image.
pub(super) async fn speaker_photo(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, user }: OrganisedEdition,
    Path((_, speaker)): Path<(String, String)>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let p = programme_of(&app, &edition).await?;
    let speaker = p
        .speakers
        .iter()
        .find(|s| s.public_id == speaker)
        .ok_or(AppError::NotFound)?;
    csrf_first(&mut multipart, &ctx).await?;
    let max = super::photo::MAX_UPLOAD_BYTES;
    let FilePart { bytes, seen, .. } = read_file_part(&mut multipart, "file", max).await;
    match SpeakerPhoto::parse(&bytes, seen) {
        Ok(photo) => {
            let mut tx = app.db.begin().await?;
            actions::set_speaker_photo(&mut tx, speaker, Some(&photo), user.id, app.now_ms())
                .await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!("{}#speakers", base(&edition))).into_response())
        }
        Err(refused) => {
            let (key, args) = refused.message();
            let mut errors = FieldErrors::default();
            errors.add(
                format!("photo-{}", speaker.public_id),
                tr_args(lang, key, &args),
            );
            let typed = Typed {
                errors,
                ..Typed::default()
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            render_programme(&app, ctx, &edition, typed, status).await
        }
    }
}
