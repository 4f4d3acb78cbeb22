//! The organisers' contest pages: settings, challenges (editor, YAML import, files, per-team
//! flags), teams with manual adjustments, the live unfrozen board, revealing the final one.

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::actions::{self, ChallengeSave};
use super::flags::{self, KeptFlag, NewFlag};
use super::pages::{board_lines, BoardLine};
use super::queries::{self, ChallengeFields, ChallengeRow, ContestRow};
use super::rules::{self, StandingsUse, TypedSettings};
use super::scoring::{Decay, Mode, ValueRule};
use super::spec::{self, Category, FlagKind};
use crate::audit::Action;
use crate::calls::queries::{EditionRow, TrackRow};
use crate::calls::{format_civil_input, parse_civil};
use crate::domain::track::TrackKind;
use crate::editions::access::OrganisedEdition;
use crate::i18n::{tr, tr_args};
use crate::web::ctx::{CsrfForm, Ctx};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{csrf_first, read_file_part, FieldErrors, FilePart};
use crate::web::live::Topic;
use crate::web::state::AppState;
use crate::web::templates::render_with_status;

/// Attached files are meant for small binaries, captures and images.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;

fn base(edition: &EditionRow) -> String {
    format!("/admin/editions/{}/ctf", edition.slug)
}

async fn hackathon_tracks(app: &AppState, edition: &EditionRow) -> AppResult<Vec<TrackRow>> {
    Ok(
        crate::calls::queries::tracks_of_edition(&app.db, edition.id)
            .await?
            .into_iter()
            .filter(|t| t.kind().ok() == Some(TrackKind::Hackathon))
            .collect(),
    )
}

async fn announce(app: &AppState, contest_id: i64) {
    if let Ok(version) = queries::version(&app.db, contest_id).await {
        app.live.publish(Topic::Scoreboard(contest_id), version);
    }
}

#[derive(Debug, Deserialize, Default, Clone)]
pub struct SettingsForm {
    #[serde(default)]
    pub track: String,
    #[serde(default)]
    pub starts_at: String,
    #[serde(default)]
    pub ends_at: String,
    #[serde(default)]
    pub freeze_at: String,
    #[serde(default)]
    pub mode: String,
    #[serde(default)]
    pub first_blood_bonus: String,
    #[serde(default)]
    pub board_public: Option<String>,
    #[serde(default)]
    pub team_size_max: String,
    #[serde(default)]
    pub attempts_per_minute: String,
    #[serde(default)]
    pub flag_prefix: String,
    #[serde(default)]
    pub standings_use: String,
}

impl SettingsForm {
    fn of(contest: Option<&ContestRow>, edition: &EditionRow) -> SettingsForm {
        let tz = edition.timezone.tz();
        match contest {
            Some(c) => SettingsForm {
                track: c.track_id.to_string(),
                starts_at: format_civil_input(c.starts_at, tz),
                ends_at: format_civil_input(c.ends_at, tz),
                freeze_at: c
                    .freeze_at
                    .map(|f| format_civil_input(f, tz))
                    .unwrap_or_default(),
                mode: c.mode.as_str().into(),
                first_blood_bonus: c.first_blood_bonus.to_string(),
                board_public: c.board_public.then(|| "on".into()),
                team_size_max: c.team_size_max.to_string(),
                attempts_per_minute: c.attempts_per_minute.to_string(),
                flag_prefix: c.flag_prefix.clone(),
                standings_use: c.standings_use.as_str().into(),
            },
            None => SettingsForm {
                mode: Mode::Retroactive.as_str().into(),
                first_blood_bonus: "0".into(),
                board_public: Some("on".into()),
                team_size_max: "4".into(),
                attempts_per_minute: "10".into(),
                flag_prefix: "SDN".into(),
                standings_use: StandingsUse::Criterion.as_str().into(),
                ..SettingsForm::default()
            },
        }
    }
}

pub struct ChallengeLine {
    pub public_id: String,
    pub name: String,
    pub category: String,
    pub rule: String,
    pub visible: bool,
}

#[derive(Template)]
#[template(path = "ctf/admin.html")]
pub struct AdminTemplate {
    pub ctx: Ctx,
    pub edition: String,
    pub base: String,
    pub public_base: String,
    pub exists: bool,
    pub tracks: Vec<(String, String)>,
    pub modes: Vec<(&'static str, String)>,
    pub standings_uses: Vec<(&'static str, String)>,
    pub settings: SettingsForm,
    pub challenges: Vec<ChallengeLine>,
    pub board: Vec<BoardLine>,
    pub teams: Vec<(String, String)>,
    pub revealed: bool,
    pub errors: FieldErrors,
    pub message: Option<String>,
    pub import_text: String,
    pub adjust: AdjustForm,
}

#[derive(Default)]
struct Typed {
    settings: Option<SettingsForm>,
    errors: FieldErrors,
    message: Option<String>,
    import_text: String,
    adjust: AdjustForm,
}

fn rule_line(lang: crate::domain::types::Lang, c: &ChallengeRow) -> String {
    match c.decay_function {
        Decay::Static => tr_args(
            lang,
            "ctf-rule-static",
            &[("value", c.initial_value.to_string())],
        ),
        _ => tr_args(
            lang,
            &format!("ctf-rule-{}", c.decay_function.as_str()),
            &[
                ("initial", c.initial_value.to_string()),
                ("minimum", c.minimum_value.to_string()),
                ("decay", c.decay.to_string()),
            ],
        ),
    }
}

async fn render_admin(
    app: &AppState,
    ctx: Ctx,
    edition: &EditionRow,
    typed: Typed,
    status: StatusCode,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let contest = queries::contest(&app.db, edition.id).await?;
    let tracks = hackathon_tracks(app, edition)
        .await?
        .into_iter()
        .map(|t| (t.id.to_string(), t.name(lang)))
        .collect();
    let (challenges, board, teams) = match &contest {
        Some(c) => {
            let challenges = queries::challenges(&app.db, c.id)
                .await?
                .iter()
                .map(|ch| ChallengeLine {
                    public_id: ch.public_id.clone(),
                    name: ch.name.clone(),
                    category: tr(lang, &format!("ctf-category-{}", ch.category.as_str())),
                    rule: rule_line(lang, ch),
                    visible: ch.visible,
                })
                .collect();
            // Organisers see the board as it is, frozen or not.
            let (board, _) = board_lines(app, c, None, app.now_ms()).await?;
            let teams = queries::teams(&app.db, c.id)
                .await?
                .into_iter()
                .map(|t| (t.public_id, t.name))
                .collect();
            (challenges, board, teams)
        }
        None => (Vec::new(), Vec::new(), Vec::new()),
    };
    let modes = [Mode::Retroactive, Mode::NonRetroactive]
        .iter()
        .map(|m| (m.as_str(), tr(lang, &format!("ctf-mode-{}", m.as_str()))))
        .collect();
    let standings_uses = StandingsUse::ALL
        .iter()
        .map(|u| {
            (
                u.as_str(),
                tr(lang, &format!("ctf-standings-use-{}", u.as_str())),
            )
        })
        .collect();
    render_with_status(
        status,
        &AdminTemplate {
            edition: edition.name(lang),
            base: base(edition),
            public_base: format!("/ctf/{}", edition.slug),
            exists: contest.is_some(),
            tracks,
            modes,
            standings_uses,
            settings: typed
                .settings
                .unwrap_or_else(|| SettingsForm::of(contest.as_ref(), edition)),
            challenges,
            board,
            teams,
            revealed: contest.as_ref().is_some_and(|c| c.revealed_at.is_some()),
            errors: typed.errors,
            message: typed.message,
            import_text: typed.import_text,
            adjust: typed.adjust,
            ctx,
        },
    )
}

pub(super) async fn admin(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, .. }: OrganisedEdition,
) -> AppResult<Response> {
    render_admin(&app, ctx, &edition, Typed::default(), StatusCode::OK).await
}

pub(super) async fn save_settings(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, user }: OrganisedEdition,
    form: CsrfForm<SettingsForm>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let f = form.value;
    let tz = edition.timezone.tz();
    let freeze = f.freeze_at.trim();
    let freeze_at = if freeze.is_empty() {
        None
    } else {
        parse_civil(freeze, tz)
    };
    let typed = TypedSettings {
        starts_at: parse_civil(&f.starts_at, tz),
        ends_at: parse_civil(&f.ends_at, tz),
        freeze_at,
        mode: &f.mode,
        first_blood_bonus: &f.first_blood_bonus,
        board_public: f.board_public.is_some(),
        team_size_max: &f.team_size_max,
        attempts_per_minute: &f.attempts_per_minute,
        flag_prefix: &f.flag_prefix,
        standings_use: &f.standings_use,
    };
    let mut parsed = rules::parse_settings(&typed, lang);
    if !freeze.is_empty() && freeze_at.is_none() {
        let mut errors = parsed.err().unwrap_or_default();
        errors.add("freeze_at", tr(lang, "ctf-settings-instant"));
        parsed = Err(errors);
    }
    let track = hackathon_tracks(&app, &edition)
        .await?
        .into_iter()
        .find(|t| t.id.to_string() == f.track);
    let (settings, track) = match (parsed, track) {
        (Ok(s), Some(t)) => (s, t),
        (parsed, track) => {
            let mut errors = parsed.err().unwrap_or_default();
            if track.is_none() {
                errors.add("track", tr(lang, "ctf-settings-track"));
            }
            let typed = Typed {
                settings: Some(f),
                errors,
                ..Typed::default()
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return render_admin(&app, ctx, &edition, typed, status).await;
        }
    };
    let mut tx = app.db.begin().await?;
    let by = (user.id, app.now_ms());
    actions::save_settings(&mut tx, &edition, track.id, &settings, by).await?;
    tx.commit().await?;
    if let Some(c) = queries::contest(&app.db, edition.id).await? {
        announce(&app, c.id).await;
    }
    Ok(Redirect::to(&base(&edition)).into_response())
}

async fn contest_of(app: &AppState, edition: &EditionRow) -> AppResult<ContestRow> {
    queries::contest(&app.db, edition.id)
        .await?
        .ok_or(AppError::NotFound)
}

#[derive(Debug, Deserialize, Default, Clone)]
pub struct AdjustForm {
    #[serde(default)]
    pub team: String,
    #[serde(default)]
    pub points: String,
    #[serde(default)]
    pub reason: String,
}

pub(super) async fn adjust(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, user }: OrganisedEdition,
    form: CsrfForm<AdjustForm>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let contest = contest_of(&app, &edition).await?;
    let f = form.value;
    let mut errors = FieldErrors::default();
    let team = queries::team_by_public_id(&app.db, contest.id, &f.team).await?;
    if team.is_none() {
        errors.add("team", tr(lang, "ctf-adjust-team"));
    }
    let points = f
        .points
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|p| *p != 0 && p.abs() <= 100_000);
    if points.is_none() {
        errors.add("points", tr(lang, "ctf-adjust-points"));
    }
    let reason = f.reason.trim();
    if reason.chars().count() < 10 || reason.chars().count() > 500 {
        errors.add("reason", tr(lang, "ctf-adjust-reason"));
    }
    let (Some(team), Some(points), true) = (team, points, errors.is_empty()) else {
        let typed = Typed {
            errors,
            adjust: f,
            ..Typed::default()
        };
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return render_admin(&app, ctx, &edition, typed, status).await;
    };
    let mut tx = app.db.begin().await?;
    let by = (user.id, app.now_ms());
    actions::adjust(&mut tx, &contest, &team, points, reason, by).await?;
    tx.commit().await?;
    announce(&app, contest.id).await;
    Ok(Redirect::to(&format!("{}#board", base(&edition))).into_response())
}

#[derive(Debug, Deserialize, Default)]
pub struct Confirm {}

pub(super) async fn reveal(
    State(app): State<AppState>,
    OrganisedEdition { edition, user }: OrganisedEdition,
    _form: CsrfForm<Confirm>,
) -> AppResult<Response> {
    let contest = contest_of(&app, &edition).await?;
    let mut tx = app.db.begin().await?;
    actions::reveal(&mut tx, &contest, (user.id, app.now_ms())).await?;
    tx.commit().await?;
    announce(&app, contest.id).await;
    Ok(Redirect::to(&base(&edition)).into_response())
}

#[derive(Debug, Deserialize, Default)]
pub struct ImportForm {
    #[serde(default)]
    pub yaml: String,
}

/// Reads a CTFd-style `challenge.yml` (see docs/ctf-challenge-format.md) into a new challenge,
/// hidden until organisers show it.
pub(super) async fn import(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, user }: OrganisedEdition,
    form: CsrfForm<ImportForm>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let contest = contest_of(&app, &edition).await?;
    let refuse = |message: String, yaml: String| Typed {
        errors: {
            let mut e = FieldErrors::default();
            e.add("yaml", message);
            e
        },
        import_text: yaml,
        ..Typed::default()
    };
    let parsed = match spec::parse(&form.value.yaml) {
        Ok(s) => s,
        Err(e) => {
            let message = tr_args(lang, e.key(), &[("detail", e.detail())]);
            let typed = refuse(message, form.value.yaml);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return render_admin(&app, ctx, &edition, typed, status).await;
        }
    };
    let existing = queries::challenges(&app.db, contest.id).await?;
    let requires_id = match parsed.requirements.first() {
        None => None,
        Some(name) => match existing.iter().find(|c| &c.name == name) {
            Some(c) => Some(c.id),
            None => {
                let message = tr_args(lang, "ctf-import-requirement", &[("name", name.clone())]);
                let typed = refuse(message, form.value.yaml);
                let status = StatusCode::UNPROCESSABLE_ENTITY;
                return render_admin(&app, ctx, &edition, typed, status).await;
            }
        },
    };
    let rule = match ValueRule::new(
        parsed.initial,
        parsed.minimum,
        parsed.decay,
        Decay::of_spec(parsed.function),
    ) {
        Ok(r) => r,
        Err(e) => {
            let typed = refuse(tr(lang, e.key()), form.value.yaml);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return render_admin(&app, ctx, &edition, typed, status).await;
        }
    };
    let mut kept = Vec::new();
    for flag in &parsed.flags {
        let new = NewFlag {
            kind: flag.kind,
            content: flag.content.clone(),
        };
        match new.keep(&app.server_key) {
            Ok(k) => kept.push(k),
            Err(e) => {
                let typed = refuse(tr(lang, e.key()), form.value.yaml);
                let status = StatusCode::UNPROCESSABLE_ENTITY;
                return render_admin(&app, ctx, &edition, typed, status).await;
            }
        }
    }
    let fields = ChallengeFields {
        name: parsed.name.clone(),
        category: parsed.category,
        author: parsed.author.clone(),
        description: parsed.description.clone(),
        connection_info: parsed.connection_info.clone(),
        rule,
        requires_id,
        visible: false,
        visible_from: None,
        visible_until: None,
        per_team_flag: false,
    };
    let hints: Vec<(String, i64)> = parsed
        .hints
        .iter()
        .map(|h| (h.content.clone(), h.cost))
        .collect();
    let save = ChallengeSave {
        fields: &fields,
        flags: &kept,
        replace_flags: false,
        hints: &hints,
    };
    let mut tx = app.db.begin().await?;
    let by = (user.id, app.now_ms());
    match actions::save_challenge(
        &mut tx,
        &contest,
        None,
        &save,
        Action::CtfChallengeImported,
        by,
    )
    .await?
    {
        Ok(public_id) => {
            tx.commit().await?;
            let to = format!("{}/challenges/{public_id}", base(&edition));
            Ok(Redirect::to(&to).into_response())
        }
        Err(refused) => {
            drop(tx);
            let typed = refuse(tr(lang, refused.key()), form.value.yaml);
            render_admin(&app, ctx, &edition, typed, StatusCode::CONFLICT).await
        }
    }
}

// ---- The challenge editor ----

#[derive(Debug, Deserialize, Default, Clone)]
pub struct ChallengeForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub author: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub connection_info: String,
    #[serde(default)]
    pub function: String,
    #[serde(default)]
    pub initial: String,
    #[serde(default)]
    pub minimum: String,
    #[serde(default)]
    pub decay: String,
    #[serde(default)]
    pub requires: String,
    #[serde(default)]
    pub visible: Option<String>,
    #[serde(default)]
    pub visible_from: String,
    #[serde(default)]
    pub visible_until: String,
    #[serde(default)]
    pub per_team_flag: Option<String>,
    /// New flags, one per line.
    #[serde(default)]
    pub flags: String,
    #[serde(default)]
    pub flag_kind: String,
    #[serde(default)]
    pub replace_flags: Option<String>,
    #[serde(default)]
    pub hint: String,
    #[serde(default)]
    pub hint_cost: String,
}

impl ChallengeForm {
    fn of(c: &ChallengeRow, edition: &EditionRow, all: &[ChallengeRow]) -> ChallengeForm {
        let tz = edition.timezone.tz();
        let instant = |t: Option<i64>| t.map(|t| format_civil_input(t, tz)).unwrap_or_default();
        ChallengeForm {
            name: c.name.clone(),
            category: c.category.as_str().into(),
            author: c.author.clone(),
            description: c.description.clone(),
            connection_info: c.connection_info.clone(),
            function: c.decay_function.as_str().into(),
            initial: c.initial_value.to_string(),
            minimum: c.minimum_value.to_string(),
            decay: c.decay.to_string(),
            requires: c
                .requires_id
                .and_then(|r| all.iter().find(|o| o.id == r))
                .map(|o| o.public_id.clone())
                .unwrap_or_default(),
            visible: c.visible.then(|| "on".into()),
            visible_from: instant(c.visible_from),
            visible_until: instant(c.visible_until),
            per_team_flag: c.per_team_flag.then(|| "on".into()),
            flag_kind: FlagKind::Static.as_str().into(),
            hint_cost: "0".into(),
            ..ChallengeForm::default()
        }
    }

    fn blank() -> ChallengeForm {
        ChallengeForm {
            category: Category::Web.as_str().into(),
            function: Decay::Static.as_str().into(),
            initial: "100".into(),
            minimum: "100".into(),
            decay: "1".into(),
            flag_kind: FlagKind::Static.as_str().into(),
            hint_cost: "0".into(),
            ..ChallengeForm::default()
        }
    }
}

#[derive(Template)]
#[template(path = "ctf/editor.html")]
pub struct EditorTemplate {
    pub ctx: Ctx,
    pub edition: String,
    pub base: String,
    pub action: String,
    pub public_id: Option<String>,
    pub form: ChallengeForm,
    pub errors: FieldErrors,
    pub categories: Vec<(&'static str, String)>,
    pub functions: Vec<(&'static str, String)>,
    pub flag_kinds: Vec<(&'static str, String)>,
    pub others: Vec<(String, String)>,
    /// Kept flags: kind, and the pattern of regular expressions (static ones are not readable).
    pub kept_flags: Vec<(String, String)>,
    pub hints: Vec<(String, i64)>,
    pub files: Vec<(String, i64, i64)>,
}

struct Editing<'a> {
    existing: Option<&'a ChallengeRow>,
    form: ChallengeForm,
    errors: FieldErrors,
}

async fn render_editor(
    app: &AppState,
    ctx: Ctx,
    edition: &EditionRow,
    contest: &ContestRow,
    editing: Editing<'_>,
    status: StatusCode,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let all = queries::challenges(&app.db, contest.id).await?;
    let (kept_flags, hints, files) = match editing.existing {
        Some(c) => (
            queries::flags(&app.db, c.id)
                .await?
                .into_iter()
                .map(|f| {
                    (
                        tr(lang, &format!("ctf-flag-kind-{}", f.kind.as_str())),
                        f.pattern,
                    )
                })
                .collect(),
            queries::hints(&app.db, c.id)
                .await?
                .into_iter()
                .map(|h| (h.content, h.cost))
                .collect(),
            queries::files(&app.db, c.id)
                .await?
                .into_iter()
                .map(|f| (f.name, f.size_bytes, f.downloads))
                .collect(),
        ),
        None => (Vec::new(), Vec::new(), Vec::new()),
    };
    let existing_id = editing.existing.map(|c| c.id);
    let admin = base(edition);
    render_with_status(
        status,
        &EditorTemplate {
            edition: edition.name(lang),
            action: match editing.existing {
                Some(c) => format!("{admin}/challenges/{}", c.public_id),
                None => format!("{admin}/challenges"),
            },
            base: admin,
            public_id: editing.existing.map(|c| c.public_id.clone()),
            form: editing.form,
            errors: editing.errors,
            categories: Category::ALL
                .iter()
                .map(|c| {
                    (
                        c.as_str(),
                        tr(lang, &format!("ctf-category-{}", c.as_str())),
                    )
                })
                .collect(),
            functions: [Decay::Static, Decay::Linear, Decay::Parabolic]
                .iter()
                .map(|d| {
                    (
                        d.as_str(),
                        tr(lang, &format!("ctf-function-{}", d.as_str())),
                    )
                })
                .collect(),
            flag_kinds: FlagKind::ALL
                .iter()
                .map(|k| {
                    (
                        k.as_str(),
                        tr(lang, &format!("ctf-flag-kind-{}", k.as_str())),
                    )
                })
                .collect(),
            others: all
                .iter()
                .filter(|c| Some(c.id) != existing_id)
                .map(|c| (c.public_id.clone(), c.name.clone()))
                .collect(),
            kept_flags,
            hints,
            files,
            ctx,
        },
    )
}

pub(super) async fn new_challenge(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, .. }: OrganisedEdition,
) -> AppResult<Response> {
    let contest = contest_of(&app, &edition).await?;
    let editing = Editing {
        existing: None,
        form: ChallengeForm::blank(),
        errors: FieldErrors::default(),
    };
    render_editor(&app, ctx, &edition, &contest, editing, StatusCode::OK).await
}

pub(super) async fn edit_challenge(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, .. }: OrganisedEdition,
    Path((_, public_id)): Path<(String, String)>,
) -> AppResult<Response> {
    let contest = contest_of(&app, &edition).await?;
    let all = queries::challenges(&app.db, contest.id).await?;
    let c = all
        .iter()
        .find(|c| c.public_id == public_id)
        .ok_or(AppError::NotFound)?;
    let editing = Editing {
        existing: Some(c),
        form: ChallengeForm::of(c, &edition, &all),
        errors: FieldErrors::default(),
    };
    render_editor(&app, ctx, &edition, &contest, editing, StatusCode::OK).await
}

/// A challenge's fields, the flags to add (kept form) and the hints to add (text, cost).
type ReadChallenge = (ChallengeFields, Vec<KeptFlag>, Vec<(String, i64)>);

/// The editor's fields read, or the messages of what is wrong (each beside its field).
fn read_challenge(
    f: &ChallengeForm,
    edition: &EditionRow,
    all: &[ChallengeRow],
    key: &crate::crypto::ServerKey,
    lang: crate::domain::types::Lang,
) -> Result<ReadChallenge, FieldErrors> {
    let mut errors = FieldErrors::default();
    let name = f.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        errors.add("name", tr(lang, "ctf-editor-name"));
    }
    let category = Category::ALL.into_iter().find(|c| c.as_str() == f.category);
    if category.is_none() {
        errors.add("category", tr(lang, "ctf-editor-category"));
    }
    if f.description.chars().count() > 20_000 {
        errors.add("description", tr(lang, "ctf-editor-description"));
    }
    let number = |text: &str| text.trim().parse::<i64>().ok();
    let function = Decay::parse(&f.function).unwrap_or(Decay::Static);
    let rule = match (number(&f.initial), number(&f.minimum), number(&f.decay)) {
        (Some(i), Some(m), Some(d)) => ValueRule::new(i, m, d, function)
            .map_err(|e| errors.add("initial", tr(lang, e.key())))
            .ok(),
        _ => {
            errors.add("initial", tr(lang, "ctf-value-initial"));
            None
        }
    };
    let requires_id = if f.requires.is_empty() {
        None
    } else {
        let found = all.iter().find(|c| c.public_id == f.requires).map(|c| c.id);
        if found.is_none() {
            errors.add("requires", tr(lang, "ctf-editor-requires"));
        }
        found
    };
    let tz = edition.timezone.tz();
    let mut instant = |field: &str, text: &str| {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let parsed = parse_civil(text, tz);
        if parsed.is_none() {
            errors.add(field, tr(lang, "ctf-settings-instant"));
        }
        parsed
    };
    let visible_from = instant("visible_from", &f.visible_from);
    let visible_until = instant("visible_until", &f.visible_until);
    let kind = FlagKind::parse(&f.flag_kind).unwrap_or(FlagKind::Static);
    let mut flags = Vec::new();
    for line in f.flags.lines().filter(|l| !l.trim().is_empty()) {
        let new = NewFlag {
            kind,
            content: line.to_owned(),
        };
        match new.keep(key) {
            Ok(k) => flags.push(k),
            Err(e) => {
                let detail = match &e {
                    flags::FlagError::Pattern(d) => d.clone(),
                    _ => String::new(),
                };
                errors.add("flags", tr_args(lang, e.key(), &[("detail", detail)]));
                break;
            }
        }
    }
    let mut hints = Vec::new();
    let hint = f.hint.trim();
    if !hint.is_empty() {
        match number(&f.hint_cost).filter(|c| (0..=100_000).contains(c)) {
            Some(cost) if hint.chars().count() <= 5_000 => hints.push((hint.to_owned(), cost)),
            _ => errors.add("hint", tr(lang, "ctf-editor-hint")),
        }
    }
    match (category, rule, errors.is_empty()) {
        (Some(category), Some(rule), true) => Ok((
            ChallengeFields {
                name: name.to_owned(),
                category,
                author: f.author.trim().chars().take(100).collect(),
                description: f.description.clone(),
                connection_info: f.connection_info.trim().chars().take(500).collect(),
                rule,
                requires_id,
                visible: f.visible.is_some(),
                visible_from,
                visible_until,
                per_team_flag: f.per_team_flag.is_some(),
            },
            flags,
            hints,
        )),
        _ => Err(errors),
    }
}

async fn save(
    app: &AppState,
    ctx: Ctx,
    OrganisedEdition { edition, user }: OrganisedEdition,
    public_id: Option<String>,
    form: ChallengeForm,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let contest = contest_of(app, &edition).await?;
    let all = queries::challenges(&app.db, contest.id).await?;
    let existing = match &public_id {
        Some(id) => Some(
            all.iter()
                .find(|c| &c.public_id == id)
                .ok_or(AppError::NotFound)?,
        ),
        None => None,
    };
    let (fields, flags, hints) = match read_challenge(&form, &edition, &all, &app.server_key, lang)
    {
        Ok(read) => read,
        Err(errors) => {
            let editing = Editing {
                existing,
                form,
                errors,
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return render_editor(app, ctx, &edition, &contest, editing, status).await;
        }
    };
    let save = ChallengeSave {
        fields: &fields,
        flags: &flags,
        replace_flags: form.replace_flags.is_some(),
        hints: &hints,
    };
    let mut tx = app.db.begin().await?;
    let by = (user.id, app.now_ms());
    match actions::save_challenge(
        &mut tx,
        &contest,
        existing,
        &save,
        Action::CtfChallengeSaved,
        by,
    )
    .await?
    {
        Ok(public_id) => {
            tx.commit().await?;
            announce(app, contest.id).await;
            let to = format!("{}/challenges/{public_id}", base(&edition));
            Ok(Redirect::to(&to).into_response())
        }
        Err(refused) => {
            drop(tx);
            let mut errors = FieldErrors::default();
            errors.add("name", tr(lang, refused.key()));
            let editing = Editing {
                existing,
                form,
                errors,
            };
            render_editor(app, ctx, &edition, &contest, editing, StatusCode::CONFLICT).await
        }
    }
}

pub(super) async fn create_challenge(
    State(app): State<AppState>,
    ctx: Ctx,
    organised: OrganisedEdition,
    form: CsrfForm<ChallengeForm>,
) -> AppResult<Response> {
    save(&app, ctx, organised, None, form.value).await
}

pub(super) async fn update_challenge(
    State(app): State<AppState>,
    ctx: Ctx,
    organised: OrganisedEdition,
    Path((_, public_id)): Path<(String, String)>,
    form: CsrfForm<ChallengeForm>,
) -> AppResult<Response> {
    save(&app, ctx, organised, Some(public_id), form.value).await
}

/// Attaches a file (a form with the CSRF token first, then `file`), stored in object storage.
pub(super) async fn add_file(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, user }: OrganisedEdition,
    Path((_, public_id)): Path<(String, String)>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let contest = contest_of(&app, &edition).await?;
    let all = queries::challenges(&app.db, contest.id).await?;
    let c = all
        .iter()
        .find(|c| c.public_id == public_id)
        .ok_or(AppError::NotFound)?;
    csrf_first(&mut multipart, &ctx).await?;
    let FilePart {
        file_name,
        bytes,
        seen,
    } = read_file_part(&mut multipart, "file", MAX_FILE_BYTES).await;
    let name: String = file_name.chars().take(120).collect();
    let refused = if seen > MAX_FILE_BYTES {
        Some("ctf-file-too-large")
    } else if bytes.is_empty() || name.trim().is_empty() {
        Some("ctf-file-missing")
    } else {
        None
    };
    if let Some(key) = refused {
        let mut errors = FieldErrors::default();
        errors.add("file", tr(ctx.lang, key));
        let editing = Editing {
            existing: Some(c),
            form: ChallengeForm::of(c, &edition, &all),
            errors,
        };
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return render_editor(&app, ctx, &edition, &contest, editing, status).await;
    }
    let object_key = format!("ctf/{}/{}", contest.id, crate::crypto::random_public_id());
    let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
    app.store
        .put(
            &object_store::path::Path::from(object_key.as_str()),
            bytes.into(),
        )
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let mut tx = app.db.begin().await?;
    let by = (user.id, app.now_ms());
    actions::add_file(&mut tx, &contest, c, (&name, &object_key, size), by).await?;
    tx.commit().await?;
    let to = format!("{}/challenges/{public_id}#files", base(&edition));
    Ok(Redirect::to(&to).into_response())
}

/// The per-team flags of a challenge, to deploy in each team's instance (CSV: team, flag).
pub(super) async fn team_flags(
    State(app): State<AppState>,
    OrganisedEdition { edition, user }: OrganisedEdition,
    Path((_, public_id)): Path<(String, String)>,
) -> AppResult<Response> {
    let contest = contest_of(&app, &edition).await?;
    let c = queries::challenge(&app.db, contest.id, &public_id)
        .await?
        .filter(|c| c.per_team_flag)
        .ok_or(AppError::NotFound)?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let row_error = |e: csv::Error| AppError::Internal(e.to_string());
    out.write_record(["team", "team_id", "flag"])
        .map_err(row_error)?;
    for t in queries::teams(&app.db, contest.id).await? {
        let flag = flags::team_flag(
            &app.server_key,
            &contest.flag_prefix,
            &c.public_id,
            &t.public_id,
        );
        out.write_record([t.name.as_str(), t.public_id.as_str(), flag.as_str()])
            .map_err(row_error)?;
    }
    let body = out
        .into_inner()
        .map_err(|e| AppError::Internal(e.to_string()))?;
    // Whoever holds this list can solve the challenge for any team: its reading is logged.
    let mut tx = app.db.begin().await?;
    crate::audit::Entry::by(
        user.id,
        Action::CtfTeamFlagsExported,
        &format!("ctf:{}:challenge:{}", contest.id, c.public_id),
        serde_json::json!({}),
    )
    .append(&mut tx, app.now_ms())
    .await?;
    tx.commit().await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"team-flags.csv\"".to_owned(),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}

/// A challenge as a ctfcli `challenge.yml` (see docs/ctf-challenge-format.md): regular
/// expressions are written, static flags cannot be (only their keyed hash is kept).
pub(super) async fn export(
    State(app): State<AppState>,
    OrganisedEdition { edition, .. }: OrganisedEdition,
    Path((_, public_id)): Path<(String, String)>,
) -> AppResult<Response> {
    let contest = contest_of(&app, &edition).await?;
    let all = queries::challenges(&app.db, contest.id).await?;
    let c = all
        .iter()
        .find(|c| c.public_id == public_id)
        .ok_or(AppError::NotFound)?;
    let flags = queries::flags(&app.db, c.id)
        .await?
        .into_iter()
        .filter(|f| f.kind.is_regex())
        .map(|f| spec::FlagSpec {
            kind: f.kind,
            content: f.pattern,
        })
        .collect();
    let hints = queries::hints(&app.db, c.id)
        .await?
        .into_iter()
        .map(|h| spec::HintSpec {
            content: h.content,
            cost: h.cost,
        })
        .collect();
    let files = queries::files(&app.db, c.id)
        .await?
        .into_iter()
        .map(|f| format!("dist/{}", f.name))
        .collect();
    let yaml = spec::to_yaml(&spec::ChallengeSpec {
        name: c.name.clone(),
        author: c.author.clone(),
        category: c.category,
        description: c.description.clone(),
        connection_info: c.connection_info.clone(),
        initial: c.initial_value,
        minimum: c.minimum_value,
        decay: c.decay,
        function: c.decay_function.to_spec(),
        flags,
        hints,
        requirements: c
            .requires_id
            .and_then(|r| all.iter().find(|o| o.id == r))
            .map(|o| vec![o.name.clone()])
            .unwrap_or_default(),
        files,
        tags: Vec::new(),
        visible: c.visible,
    });
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/yaml; charset=utf-8".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"challenge.yml\"".to_owned(),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        yaml,
    )
        .into_response())
}

impl Decay {
    fn to_spec(self) -> spec::DecaySpec {
        match self {
            Decay::Static => spec::DecaySpec::Static,
            Decay::Linear => spec::DecaySpec::Linear,
            Decay::Parabolic => spec::DecaySpec::Parabolic,
        }
    }

    pub fn of_spec(d: spec::DecaySpec) -> Decay {
        match d {
            spec::DecaySpec::Static => Decay::Static,
            spec::DecaySpec::Linear => Decay::Linear,
            spec::DecaySpec::Parabolic => Decay::Parabolic,
        }
    }
}

// ---- Solve matrix and attempts monitor ----

pub struct MatrixRow {
    pub team: String,
    /// One cell per challenge: the solve's time (HH:MM), empty when not solved.
    pub cells: Vec<String>,
}

pub struct Flagged {
    pub when: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "ctf/monitor.html")]
pub struct MonitorTemplate {
    pub ctx: Ctx,
    pub edition: String,
    pub base: String,
    pub challenges: Vec<String>,
    pub matrix: Vec<MatrixRow>,
    pub flagged: Vec<Flagged>,
    pub attempts: Vec<(String, String, String, String, String)>,
}

/// The solve matrix (teams × challenges) and the attempts with what looks suspicious: another
/// team's per-team flag, one wrong text typed by several teams, bursts that hit the lock-out.
/// Reloads itself every 15 s (no script needed).
pub(super) async fn monitor(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, .. }: OrganisedEdition,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let contest = contest_of(&app, &edition).await?;
    let tz = edition.timezone.tz();
    let clock = |at: i64| {
        jiff::Timestamp::from_millisecond(at)
            .map(|t| {
                t.to_zoned(tz.clone())
                    .strftime("%d/%m %H:%M:%S")
                    .to_string()
            })
            .unwrap_or_default()
    };
    let challenges = queries::challenges(&app.db, contest.id).await?;
    let teams = queries::teams(&app.db, contest.id).await?;
    let data = queries::board_data(&app.db, contest.id).await?;
    let matrix = teams
        .iter()
        .map(|t| MatrixRow {
            team: t.name.clone(),
            cells: challenges
                .iter()
                .map(|c| {
                    data.solves
                        .iter()
                        .find(|s| s.team == t.id && s.challenge == c.id)
                        .map(|s| clock(s.at))
                        .unwrap_or_default()
                })
                .collect(),
        })
        .collect();
    let mut flagged = Vec::new();
    for a in queries::shared_team_flags(&app.db, contest.id).await? {
        flagged.push(Flagged {
            when: clock(a.at),
            text: tr_args(
                lang,
                "ctf-monitor-shared-flag",
                &[
                    ("team", a.team),
                    ("account", a.account),
                    ("owner", a.flag_of.unwrap_or_default()),
                    ("challenge", a.challenge),
                ],
            ),
        });
    }
    for w in queries::shared_wrong_flags(&app.db, contest.id).await? {
        flagged.push(Flagged {
            when: clock(w.last_at),
            text: tr_args(
                lang,
                "ctf-monitor-same-wrong",
                &[
                    ("teams", w.teams.to_string()),
                    ("attempts", w.attempts.to_string()),
                    ("challenge", w.challenge),
                    ("since", clock(w.first_at)),
                ],
            ),
        });
    }
    for b in queries::bursts(&app.db, contest.id).await? {
        let who = b.team.or(b.account).unwrap_or_default();
        flagged.push(Flagged {
            when: clock(b.until_at),
            text: tr_args(
                lang,
                "ctf-monitor-burst",
                &[("who", who), ("strikes", b.strikes.to_string())],
            ),
        });
    }
    let attempts = queries::recent_attempts(&app.db, contest.id, 100)
        .await?
        .into_iter()
        .map(|a| {
            let outcome = match a.flag_of {
                Some(owner) => tr_args(lang, "ctf-monitor-flag-of", &[("owner", owner)]),
                None => tr(lang, &format!("ctf-attempt-{}", a.outcome)),
            };
            (clock(a.at), a.team, a.account, a.challenge, outcome)
        })
        .collect();
    render_with_status(
        StatusCode::OK,
        &MonitorTemplate {
            edition: edition.name(lang),
            base: base(&edition),
            challenges: challenges.into_iter().map(|c| c.name).collect(),
            matrix,
            flagged,
            attempts,
            ctx,
        },
    )
}
