//! The demo's contest at the 2026 edition: running since three hours when the demo starts
//! (for two days, the public board frozen during the last hour), twelve challenges of every
//! category, the eligible applicants of the hackathon in teams of three, and their solves
//! spread over the first hours. Written through the use cases, submissions judged as the page
//! judges them. The first challenge gives its flag in its text (`SDN{bienvenue_au_ctf}`), so
//! that a visitor can watch the board move.

use super::actions::{self, ChallengeSave, Target};
use super::flags::{Checker, NewFlag, Submission};
use super::queries::{self, ChallengeFields};
use super::rules::{Settings, StandingsUse, Window};
use super::scoring::{Decay, Mode, ValueRule};
use super::spec::{Category, FlagKind};
use crate::audit::Action;
use crate::calls::queries::EditionRow;
use crate::domain::track::TrackKind;
use crate::web::state::AppState;

const HOUR: i64 = 3_600_000;

/// Name, category, value (initial, minimum, decay, function), flag, description.
type Demo = (
    &'static str,
    Category,
    (i64, i64, i64, Decay),
    &'static str,
    &'static str,
);

const CHALLENGES: [Demo; 12] = [
    ("Bienvenue", Category::Misc, (50, 50, 1, Decay::Static), "SDN{bienvenue_au_ctf}",
     "Bienvenue au hackathon de cybersécurité ! Votre premier drapeau : `SDN{bienvenue_au_ctf}`.\n\n*Welcome! Your first flag is above.*"),
    ("Cookie de session", Category::Web, (500, 100, 10, Decay::Parabolic), "SDN{c00k13_n0n_s1gn3}",
     "Le portail de démonstration signe mal ses cookies de session. Devenez administrateur."),
    ("Injection au guichet", Category::Web, (500, 100, 10, Decay::Parabolic), "SDN{sql_1nj3ct10n_gu1ch3t}",
     "Le formulaire de recherche du guichet unique construit sa requête SQL à la main."),
    ("César au marché", Category::Crypto, (200, 50, 15, Decay::Linear), "SDN{c3s4r_4u_m4rch3}",
     "Un commerçant de Bamako chiffre ses prix avec un décalage de lettres : `FGQ{f3v4u_4x_p4ufk3}`."),
    ("XOR répété", Category::Crypto, (500, 100, 10, Decay::Parabolic), "SDN{x0r_r3p3t3}",
     "Le message a été chiffré par XOR avec une clé courte répétée."),
    ("Capture réseau", Category::Forensics, (400, 100, 10, Decay::Parabolic), "SDN{pc4p_ftp_3n_cl41r}",
     "Une capture de trafic d'un poste de l'administration : un mot de passe y circule en clair."),
    ("Photo de Tombouctou", Category::Forensics, (300, 100, 10, Decay::Parabolic), "SDN{m3t4d0nn33s_3x1f}",
     "Les métadonnées d'une photo en disent souvent plus que l'image."),
    ("Binaire bavard", Category::Reverse, (500, 100, 8, Decay::Parabolic), "SDN{str1ngs_su5f1t}",
     "Ce programme vérifie un mot de passe. Retrouvez-le."),
    ("Clé cachée", Category::Reverse, (600, 150, 8, Decay::Parabolic), "SDN{x0r_d4ns_l3_b1n41r3}",
     "La clé est dans le binaire, mais pas en clair."),
    ("Débordement", Category::Pwn, (700, 200, 6, Decay::Parabolic), "SDN{buff3r_0v3rfl0w}",
     "Le service lit votre nom dans un tampon de 32 octets."),
    ("Qui a posté ?", Category::Osint, (250, 50, 12, Decay::Linear), "SDN{s0urc3s_0uv3rt3s}",
     "Retrouvez l'auteur d'une publication à partir de la seule photo jointe."),
    ("Journal d'audit", Category::Misc, (300, 100, 10, Decay::Parabolic), "SDN{ch41n3_d3_h4ch4g3}",
     "Une ligne du journal a été modifiée. Laquelle ? Le drapeau est dans la ligne d'origine."),
];

/// Which challenges each demo team solves, by index in `CHALLENGES`, in the order solved.
const SOLVES: [&[usize]; 4] = [
    &[0, 3, 1, 6, 10, 2, 5],
    &[0, 3, 10, 1, 4],
    &[0, 6, 3, 7],
    &[0, 10],
];

const TEAM_NAMES: [&str; 4] = [
    "Les Gardiens du Djoliba",
    "Sahel Cyber",
    "Bamako 0day",
    "Les Lionnes du Code",
];

pub async fn seed(app: &AppState, edition: &EditionRow, admin_id: i64) -> anyhow::Result<()> {
    let tracks = crate::calls::queries::tracks_of_edition(&app.db, edition.id).await?;
    let Some(track) = tracks
        .iter()
        .find(|t| t.kind().ok() == Some(TrackKind::Hackathon))
    else {
        return Ok(());
    };
    let now = app.now_ms();
    let starts_at = now - 3 * HOUR;
    let ends_at = starts_at + 48 * HOUR;
    let settings = Settings {
        window: Window {
            starts_at,
            ends_at,
            freeze_at: Some(ends_at - HOUR),
        },
        mode: Mode::Retroactive,
        first_blood_bonus: 20,
        board_public: true,
        team_size_max: 4,
        attempts_per_minute: 10,
        flag_prefix: "SDN".into(),
        standings_use: StandingsUse::Criterion,
    };
    let mut tx = app.db.begin().await?;
    let before = (admin_id, starts_at - 2 * HOUR);
    actions::save_settings(&mut tx, edition, track.id, &settings, before).await?;
    tx.commit().await?;
    let contest = queries::contest(&app.db, edition.id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo contest was just written"))?;

    for (name, category, (initial, minimum, decay, function), flag, description) in CHALLENGES {
        let rule = ValueRule::new(initial, minimum, decay, function)
            .map_err(|e| anyhow::anyhow!("demo value rule of {name}: {}", e.key()))?;
        let fields = ChallengeFields {
            name: name.into(),
            category,
            author: "Équipe d'organisation (démo)".into(),
            description: description.into(),
            connection_info: String::new(),
            rule,
            requires_id: None,
            visible: true,
            visible_from: None,
            visible_until: None,
            per_team_flag: false,
        };
        let kept = NewFlag {
            kind: FlagKind::StaticCaseInsensitive,
            content: flag.into(),
        }
        .keep(&app.server_key)
        .map_err(|e| anyhow::anyhow!("demo flag of {name}: {e:?}"))?;
        let hints = vec![("Lisez l'énoncé jusqu'au bout.".to_owned(), 0)];
        let save = ChallengeSave {
            fields: &fields,
            flags: &[kept],
            replace_flags: false,
            hints: if name == "Bienvenue" { &[] } else { &hints },
        };
        let mut tx = app.db.begin().await?;
        actions::save_challenge(
            &mut tx,
            &contest,
            None,
            &save,
            Action::CtfChallengeSaved,
            before,
        )
        .await?
        .map_err(|r| anyhow::anyhow!("demo challenge {name}: {}", r.key()))?;
        tx.commit().await?;
    }

    // The hackathon's eligible applicants, three to a team.
    let players = queries::entries(&app.db, track.id).await?;
    let mut teams = Vec::new();
    for (n, chunk) in players.chunks(3).take(TEAM_NAMES.len()).enumerate() {
        let mut tx = app.db.begin().await?;
        let (founder, application) = chunk[0];
        let at = starts_at - HOUR + (n as i64) * 60_000;
        let code =
            actions::create_team(&mut tx, &contest, TEAM_NAMES[n], application, (founder, at))
                .await?
                .map_err(|r| anyhow::anyhow!("demo team: {}", r.key()))?;
        for (member, application) in &chunk[1..] {
            actions::join_team(
                &mut tx,
                &contest,
                &code,
                *application,
                (*member, at + 60_000),
            )
            .await?
            .map_err(|r| anyhow::anyhow!("demo member: {}", r.key()))?;
        }
        tx.commit().await?;
        if let Some(team) = queries::team_of(&app.db, contest.id, founder).await? {
            teams.push((team, chunk.to_vec()));
        }
    }

    // Their solves, spread over the contest's first hours, flags judged as the page does.
    let challenges = queries::challenges(&app.db, contest.id).await?;
    for (t, (team, members)) in teams.iter().enumerate() {
        for (k, index) in SOLVES[t].iter().enumerate() {
            let (Some(c), Some((_, _, _, flag, _))) =
                (challenges.get(*index), CHALLENGES.get(*index))
            else {
                continue;
            };
            let kept = queries::flags(&app.db, c.id).await?;
            let checker = Checker::new(&kept).map_err(|e| anyhow::anyhow!("{e:?}"))?;
            let target = Target {
                contest: &contest,
                challenge: c,
                checker: &checker,
                team,
                teams: &[],
            };
            let (account, _) = members[k % members.len()];
            let at = starts_at + 10 * 60_000 + (k as i64) * 25 * 60_000 + (t as i64) * 7 * 60_000;
            let submission = Submission::parse(flag).map_err(|e| anyhow::anyhow!("{e:?}"))?;
            let judged = actions::judge(
                &app.db,
                &app.server_key,
                &target,
                &submission,
                (account, at),
            )
            .await?;
            actions::record(&app.db, &target, judged, (account, at)).await?;
        }
    }
    Ok(())
}
