//! The demo's networking for the 2026 edition: a few of the registration demo's participants
//! in the directory, one meeting accepted and one waiting for an answer. Written through the
//! same use cases as the pages, without messages (the people are made up).

use super::actions::{self, Proposal};
use super::queries;
use super::rules::{self, EventDays, Profile, Sector, SlotInput, Status};
use crate::accounts::users;
use crate::calls::queries::EditionRow;
use crate::domain::types::Login;
use crate::web::ctx::SiteAddress;
use crate::web::state::AppState;

/// Participant number (of `registration::demo`), sector, what they look for and offer,
/// consent to share their contact details.
type Member = (usize, Sector, &'static str, &'static str, bool);

const MEMBERS: [Member; 4] = [
    (
        1,
        Sector::Education,
        "Des entreprises pour accueillir nos étudiants en stage",
        "Des profils formés au développement web",
        true,
    ),
    (
        3,
        Sector::Education,
        "Du matériel informatique pour notre lycée",
        "",
        false,
    ),
    (
        4,
        Sector::Finance,
        "Des start-up à accompagner dans leur comptabilité",
        "Conseil comptable et fiscal",
        true,
    ),
    (
        6,
        Sector::PublicService,
        "Des solutions de paiement mobile pour la mairie",
        "",
        false,
    ),
];

/// A request between two members: from, to, day of the event (0: the first), start, end,
/// place, accepted.
type Meeting = (
    usize,
    usize,
    usize,
    &'static str,
    &'static str,
    &'static str,
    bool,
);

const MEETINGS: [Meeting; 2] = [
    (4, 1, 1, "10:00", "10:30", "Stand 12, CICB", true),
    (6, 1, 0, "15:00", "15:30", "", false),
];

async fn account(app: &AppState, n: usize) -> anyhow::Result<i64> {
    let login = Login::parse(&format!("participant{n}@exemple.ml"))
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let user = users::find_by_login(&app.db, &login)
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo participant {n} is missing"))?;
    Ok(user.id)
}

pub async fn seed(app: &AppState, edition: &EditionRow) -> anyhow::Result<()> {
    let now = app.now_ms();
    let site = SiteAddress::of_config(app);
    let mut profiles = Vec::new();
    for (n, sector, looking_for, offers, contact_consent) in MEMBERS {
        let account_id = account(app, n).await?;
        let organisation =
            crate::registration::queries::live_registration(&app.db, edition.id, account_id)
                .await?
                .map(|r| r.organisation)
                .unwrap_or_default();
        let profile = Profile {
            organisation,
            sector,
            looking_for: looking_for.into(),
            offers: offers.into(),
            contact_consent,
        };
        profiles.push((account_id, profile));
    }
    let mut tx = app.db.begin().await?;
    for (account_id, profile) in &profiles {
        actions::save_profile(&mut tx, edition, *account_id, profile, now).await?;
    }
    tx.commit().await?;
    let days = EventDays::of(&edition.starts_on, &edition.ends_on, edition.timezone.tz())
        .ok_or_else(|| anyhow::anyhow!("the demo edition's days do not read"))?;
    for (from, to, day, start, end, place, accepted) in MEETINGS {
        let (from, to) = (account(app, from).await?, account(app, to).await?);
        let day = days
            .days()
            .get(day)
            .ok_or_else(|| anyhow::anyhow!("the demo edition is too short"))?
            .to_string();
        let input = SlotInput {
            day,
            from: start.into(),
            to: end.into(),
        };
        // The 2026 edition may be over when the demo runs: its meetings are checked against
        // its days, not against today.
        let slot = rules::check_slot(&input, &days, i64::MIN)
            .map_err(|e| anyhow::anyhow!("demo slot: {e:?}"))?;
        let recipient = queries::own_profile(&app.db, edition.id, to)
            .await?
            .ok_or_else(|| anyhow::anyhow!("demo profile is missing"))?;
        let proposal = Proposal {
            to: &recipient,
            slot,
            place,
            message: "Bonjour, je serais ravi d'échanger avec vous pendant la Semaine.",
            notify: false,
        };
        let mut tx = app.db.begin().await?;
        let public_id = actions::request(&mut tx, (&site, edition), from, &proposal, now)
            .await?
            .map_err(|e| anyhow::anyhow!("demo request: {e:?}"))?;
        tx.commit().await?;
        if accepted {
            let meeting = queries::meeting_of(&app.db, edition.id, &public_id, to)
                .await?
                .ok_or_else(|| anyhow::anyhow!("demo meeting is missing"))?;
            let mut tx = app.db.begin().await?;
            let what = (&meeting, rules::Act::Accept);
            let status = actions::act(&mut tx, (&site, edition), what, (to, now), false)
                .await?
                .map_err(|e| anyhow::anyhow!("demo acceptance: {e:?}"))?;
            anyhow::ensure!(status == Status::Accepted, "demo meeting not accepted");
            tx.commit().await?;
        }
    }
    Ok(())
}
