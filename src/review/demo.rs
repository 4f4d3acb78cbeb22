//! Demo data of the selection, for `kene demo`: the 2026 dossiers checked against the
//! eligibility rules, a preselection committee of five that has scored every eligible dossier
//! (closed round), and the published shortlist of finalists proposed from its ranking.

use crate::i18n::Say;
use std::collections::BTreeSet;

use super::committee::actions as committee;
use super::jury::{self, actions as pitch};
use super::queries::{self, RoundStatus};
use super::round::{round_ranking, RoundContext};
use super::rules::rubric::Round;
use super::rules::rubric::Rubric;
use super::rules::shortlist::{self, Candidate};
use super::scoring::actions::{self as scoring, Sheet};
use super::shortlist::actions::{self, Publication, Settings as ShortlistSettings};
use crate::accounts::users::{self, NewUser};
use crate::applications::decisions;
use crate::applications::queries::{self as applications, ListFilter};
use crate::calls::queries as calls;
use crate::domain::types::{Lang, Login};
use crate::web::state::AppState;

const REVIEWERS: [(&str, &str); 5] = [
    ("evaluatrice1@kene.demo", "Kadiatou Traoré"),
    ("evaluateur2@kene.demo", "Ousmane Diarra"),
    ("evaluatrice3@kene.demo", "Rokia Coulibaly"),
    ("evaluateur4@kene.demo", "Boubacar Keïta"),
    ("evaluateur5@kene.demo", "Issa Sangaré"),
];

/// An instant of the 2026 edition in Bamako's civil time, which is GMT all year (the demo's
/// story happens then, whenever the demo is started).
fn bamako(year: i16, month: i8, day: i8, hour: i8) -> i64 {
    jiff::civil::date(year, month, day)
        .at(hour, 0, 0, 0)
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(0)))
        .map(|z| z.timestamp().as_millisecond())
        .unwrap_or_default()
}

/// Reviewers' points: a deterministic spread around each dossier's merit, with one harsh and
/// one generous reviewer so that the normalisation has something to correct.
fn points(reviewer: usize, dossier: i64, criterion: usize, max: u32) -> u32 {
    let merit = (dossier * 37 + criterion as i64 * 11) % 7;
    let bias = [-2i64, 0, 1, 0, 2][reviewer % 5];
    let value = 3 + merit + bias + ((dossier + reviewer as i64) % 2);
    u32::try_from(value.clamp(0, i64::from(max))).unwrap_or(0)
}

pub async fn seed(app: &AppState, edition_id: i64, admin_id: i64) -> anyhow::Result<()> {
    let at = |day, hour| bamako(2026, 1, day, hour);
    let edition = calls::editions(&app.db)
        .await?
        .into_iter()
        .find(|e| e.id == edition_id)
        .ok_or_else(|| anyhow::anyhow!("edition {edition_id} not found"))?;
    let tracks = calls::tracks_of_edition(&app.db, edition_id).await?;

    // Eligibility, as organisers decide it from the verdict of the rules.
    let submitted = applications::list_for_edition(
        &app.db,
        edition_id,
        &ListFilter {
            status: Some("submitted".into()),
            ..ListFilter::default()
        },
    )
    .await?;
    let mut tx = app.db.begin().await?;
    for d in &submitted {
        let Some(track) = tracks.iter().find(|t| t.id == d.track_id) else {
            continue;
        };
        let application = applications::find_for_update(&mut tx, d.id).await?;
        let (_, _, _, verdict) = decisions::automatic_check(app, &application, track).await?;
        let status = decisions::proposed(&verdict);
        // Decided as an organiser confirms the rules' verdict on the decision form.
        let decision = decisions::prepare(app, &application, track, status, "", d.status.as_str())
            .await?
            .map_err(|refusal| anyhow::anyhow!("{refusal:?}"))?;
        decisions::record(&mut tx, admin_id, &decision, at(21, 10))
            .await?
            .map_err(|refusal| anyhow::anyhow!("{refusal:?}"))?;
    }
    tx.commit().await?;

    // The committee: every reviewer sits on every track's panel.
    let round = queries::ensure_round(&app.db, edition_id, Round::Preselection).await?;
    let mut reviewer_ids = Vec::new();
    for (email, name) in REVIEWERS {
        let id = demo_account(app, email, name, at(21, 11)).await?;
        let mut tx = app.db.begin().await?;
        for t in &tracks {
            committee::add_panel_member(&mut tx, &round, t.id, id, admin_id, at(21, 11)).await?;
        }
        tx.commit().await?;
        reviewer_ids.push(id);
    }

    let eligible = applications::list_for_edition(
        &app.db,
        edition_id,
        &ListFilter {
            status: Some("eligible".into()),
            ..ListFilter::default()
        },
    )
    .await?;
    let mut tx = app.db.begin().await?;
    super::round::set_status(&mut tx, &round, RoundStatus::Open, admin_id, at(21, 12)).await?;
    // Three reviewers a dossier, from its track's panel, as "assign automatically" does.
    let mut by_track = Vec::new();
    let mut pairs = Vec::new();
    for t in &tracks {
        let ids: Vec<i64> = eligible
            .iter()
            .filter(|d| d.track_id == t.id)
            .map(|d| d.id)
            .collect();
        let assignment =
            super::rules::assignment::assign(&ids, &reviewer_ids, 3, &BTreeSet::new(), &[]);
        pairs.extend(assignment.pairs.iter().copied());
        by_track.push((t, assignment.pairs));
    }
    let assignment = committee::Assignment {
        pairs,
        reviewers_per_dossier: 3,
        short: 0,
    };
    committee::assign(&mut tx, &round, &assignment, admin_id, at(21, 12)).await?;
    for (t, pairs) in by_track {
        let rubric = round.round().default_rubric(t.kind()?);
        for (reviewer, dossier) in pairs {
            let index = reviewer_ids
                .iter()
                .position(|r| *r == reviewer)
                .unwrap_or(0);
            let points = rubric
                .criteria()
                .iter()
                .enumerate()
                .filter(|(_, c)| !c.bonus)
                .map(|(i, c)| (c.key.clone(), points(index, dossier, i, c.max_points)))
                .collect();
            let public_id = eligible
                .iter()
                .find(|d| d.id == dossier)
                .map(|d| d.public_id.as_str())
                .unwrap_or_default();
            let sheet = (&round, &rubric, (dossier, public_id), reviewer);
            submit_sheet(&mut tx, sheet, &points, at(22 + (dossier % 3) as i8, 15)).await?;
        }
    }
    lock_round(&mut tx, &round, admin_id, at(25, 18)).await?;
    tx.commit().await?;

    // The shortlist, proposed from the ranking, locked and published.
    let round = queries::round_by_id(&app.db, round.id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("round vanished"))?;
    let context = RoundContext {
        edition,
        round,
        tracks,
    };
    let ranking = round_ranking(app, &context).await?;
    let ranking_sheets = ranking.stored;
    let candidates: Vec<Candidate> = ranking
        .ranked
        .into_iter()
        .flat_map(|(track, ranked)| {
            ranked
                .into_iter()
                .map(move |r| Candidate { track, ranked: r })
        })
        .collect();
    // Places reserved so that every category has a podium to award.
    let quotas: std::collections::BTreeMap<i64, usize> = context
        .tracks
        .iter()
        .filter_map(|t| match t.code.as_str() {
            "ADM" => Some((t.id, 6)),
            "CYB" => Some((t.id, 8)),
            _ => None,
        })
        .collect();
    let chosen = shortlist::propose(&candidates, 30, &quotas);
    let in_order = shortlist::in_ranking_order(&candidates, &chosen);
    let finalists: BTreeSet<i64> = chosen.iter().copied().collect();
    let stored = crate::review::shortlist::queries::ensure_shortlist(&app.db, edition_id).await?;
    let applicants = crate::review::shortlist::queries::applicants(&app.db, edition_id).await?;
    let link = format!("{}/finalists/{}", public_base(app), context.edition.slug);
    let settings = ShortlistSettings {
        size: 30,
        quotas,
        with_feedback: false,
    };
    let publication = Publication {
        finalists: &finalists,
        applicants: &applicants,
        link: &link,
        with_feedback: false,
        sheets: &ranking_sheets,
    };
    let edition = &context.edition;
    let at = at(26, 9);
    let mut tx = app.db.begin().await?;
    actions::save_settings(&mut tx, edition, &settings, stored.version, admin_id, at)
        .await?
        .map_err(|refused| anyhow::anyhow!("{refused:?}"))?;
    actions::propose(&mut tx, edition, &in_order, 30, admin_id, at)
        .await?
        .map_err(|refused| anyhow::anyhow!("{refused:?}"))?;
    let no_ties: [(); 0] = [];
    actions::lock(&mut tx, edition, &in_order, &no_ties, false, admin_id, at)
        .await?
        .map_err(|refused| anyhow::anyhow!("{refused:?}"))?;
    actions::publish(&mut tx, edition, &publication, admin_id, at)
        .await?
        .map_err(|refused| anyhow::anyhow!("{refused:?}"))?;
    tx.commit().await?;
    seed_final(app, &context, admin_id).await
}

const JURORS: [(&str, &str); 3] = [
    ("jure1@kene.demo", "Aïssata Maïga"),
    ("jure2@kene.demo", "Moussa Cissé"),
    ("jure3@kene.demo", "Salimata Touré"),
];

/// Creates (or finds) a demo account without a usable password.
async fn demo_account(app: &AppState, email: &str, name: &str, now: i64) -> anyhow::Result<i64> {
    let login = Login::parse(email).map_err(|e| anyhow::anyhow!("{}", e.message(Lang::En)))?;
    if let Some(user) = users::find_by_login(&app.db, &login).await? {
        return Ok(user.id);
    }
    let mut tx = app.db.begin().await?;
    let id = users::insert(
        &mut tx,
        &NewUser {
            login: &login,
            display_name: name,
            password_hash: "!demo-account-without-password",
            locale: "fr",
            verified: true,
            is_admin: false,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The final on 30 January 2026 at the CICB: every finalist pitches (the organisers' timer
/// measured each presentation), three jurors score every finalist of every category, the round
/// is closed, and the results are published with the audit chain head.
async fn seed_final(app: &AppState, context: &RoundContext, admin_id: i64) -> anyhow::Result<()> {
    let at = |day, hour| bamako(2026, 1, day, hour);
    let edition = &context.edition;
    let round = queries::ensure_round(&app.db, edition.id, Round::Final).await?;
    let mut jurors = Vec::new();
    for (email, name) in JURORS {
        jurors.push(demo_account(app, email, name, at(28, 10)).await?);
    }
    let finalists = queries::finalists(&app.db, edition.id).await?;
    let allowed_secs = super::queries::DEFAULT_ALLOWED_SECS;
    let bamako = jiff::tz::TimeZone::get("Africa/Bamako")?;
    let first_slot = jiff::civil::date(2026, 1, 30)
        .at(9, 0, 0, 0)
        .to_zoned(bamako)?
        .timestamp()
        .as_millisecond();
    let mut tx = app.db.begin().await?;
    for juror in &jurors {
        for t in &context.tracks {
            committee::add_panel_member(&mut tx, &round, t.id, *juror, admin_id, at(30, 8)).await?;
        }
    }
    super::round::set_status(&mut tx, &round, RoundStatus::Open, admin_id, at(30, 8)).await?;
    // Every juror scores every finalist (the jurors sit on every track's panel).
    let assignment = committee::Assignment {
        pairs: finalists
            .iter()
            .flat_map(|d| jurors.iter().map(move |juror| (*juror, d.id)))
            .collect(),
        reviewers_per_dossier: jurors.len(),
        short: 0,
    };
    committee::assign(&mut tx, &round, &assignment, admin_id, at(30, 8)).await?;
    for (i, d) in (0i64..).zip(&finalists) {
        let starts_at = first_slot + i * 600_000;
        let measured = 240 + (d.id * 53) % 150;
        let finalist = pitch::Finalist {
            id: d.id,
            public_id: &d.public_id,
            track_id: d.track_id,
        };
        let slot = pitch::Slot {
            position: i + 1,
            starts_at,
            minutes: 10,
            room: "CICB, salle 1",
        };
        pitch::set_slot(&mut tx, edition.id, finalist, slot, admin_id, at(30, 8)).await?;
        // Timed at the door of the room, as the organisers' timer buttons record it.
        let final_round = (edition.id, round.id);
        for (timer, at) in [
            (pitch::Timer::Start, starts_at),
            (pitch::Timer::Stop, starts_at + measured * 1000),
        ] {
            pitch::time_pitch(&mut tx, final_round, finalist, timer, admin_id, at)
                .await?
                .map_err(|key| anyhow::anyhow!("{key}"))?;
        }
        let track = context
            .tracks
            .iter()
            .find(|t| t.id == d.track_id)
            .ok_or_else(|| anyhow::anyhow!("track {} not found", d.track_id))?;
        let rubric = Round::Final.default_rubric(track.kind()?);
        for (j, juror) in jurors.iter().enumerate() {
            let points = rubric
                .criteria()
                .iter()
                .enumerate()
                .filter(|(_, c)| !c.bonus)
                .map(|(k, c)| {
                    let value = if c.key == super::queries::TIMING_CRITERION {
                        super::rules::rubric::Rubric::timing_points(
                            u32::try_from(measured).unwrap_or(0),
                            u32::try_from(allowed_secs).unwrap_or(300),
                            c.max_points,
                        )
                    } else {
                        points(j + 1, d.id, k, c.max_points)
                    };
                    (c.key.clone(), value)
                })
                .collect();
            let sheet = (&round, &rubric, (d.id, d.public_id.as_str()), *juror);
            submit_sheet(&mut tx, sheet, &points, starts_at + measured * 1000).await?;
        }
    }
    lock_round(&mut tx, &round, admin_id, at(30, 18)).await?;
    tx.commit().await?;

    let deliberation = jury::deliberate(app, edition, Lang::Fr)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    // As the publish form records it: the demo jury confirmed its ties.
    let arbitrary_ties_confirmed = deliberation
        .snapshot
        .ties
        .iter()
        .any(super::rules::prizes::PrizeTie::is_arbitrary);
    let link = format!("{}/results/{}", public_base(app), edition.slug);
    let publication = jury::Publication {
        snapshot: &deliberation.snapshot,
        reason: "",
        arbitrary_ties_confirmed,
        link: &link,
    };
    let mut tx = app.db.begin().await?;
    jury::publish_results(&mut tx, edition, &publication, admin_id, at(31, 17))
        .await?
        .map_err(|refused| anyhow::anyhow!("{refused:?}"))?;
    tx.commit().await?;
    Ok(())
}

/// Which sheet: the round, the dossier (its id and public id) and the panel member.
/// Where pages are read from, for the links in messages (the demo has no request to take a
/// host from): the public URL when configured, else the address the demo serves on.
fn public_base(app: &AppState) -> String {
    match app.config.public_url.as_deref() {
        Some(url) => url.trim_end_matches('/').to_owned(),
        None => format!("http://{}", app.config.addr),
    }
}

/// A submitted sheet, as the score form records it (without comments).
async fn submit_sheet(
    tx: &mut crate::db::Tx,
    sheet: (&super::queries::RoundRow, &Rubric, (i64, &str), i64),
    points: &std::collections::BTreeMap<String, u32>,
    at: i64,
) -> anyhow::Result<()> {
    let (round, rubric, dossier, reviewer_id) = sheet;
    let sheet = Sheet {
        round,
        rubric,
        dossier,
        reviewer_id,
        points,
        comments: &Default::default(),
        submit: true,
    };
    scoring::save(tx, &sheet, at)
        .await?
        .map_err(|refused| anyhow::anyhow!("{refused:?}"))
}

/// Closes a round, as the organisers' "close and lock" does.
async fn lock_round(
    tx: &mut crate::db::Tx,
    round: &super::queries::RoundRow,
    admin_id: i64,
    at: i64,
) -> anyhow::Result<()> {
    super::round::set_status(tx, round, RoundStatus::Closed, admin_id, at).await?;
    Ok(())
}
