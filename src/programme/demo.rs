//! The demo's programme of the 2026 edition (three days at the CICB, as the terms of reference
//! describe them): rooms, speakers and sessions, written through the same use cases as the
//! organisers' pages. The people are made up; their organisations are kinds of institution.

use jiff::civil::date;

use super::actions::{self, SessionDraft, Target};
use super::queries::{NewRoom, NewSpeaker, SessionFields, SessionLinks};
use super::rules::SessionKind;
use crate::calls::queries::EditionRow;
use crate::web::state::AppState;

const ROOMS: [(&str, i64, &str); 4] = [
    ("Salle des 1000", 1000, "Rez-de-chaussée"),
    ("Salle Kankou Moussa", 300, "1er étage"),
    ("Salle Soundiata", 150, "1er étage"),
    ("Espace exposants", 500, "Hall"),
];

/// Name, organisation, country, biography (fr, en).
const SPEAKERS: [(&str, &str, &str, &str, &str); 6] = [
    (
        "Aïssata Coulibaly",
        "Ministère chargé de l'Économie numérique",
        "ML",
        "Directrice de la transformation numérique de l'administration.",
        "Director of the digital transformation of the public administration.",
    ),
    (
        "Ibrahim Maïga",
        "Agence des technologies de l'information",
        "ML",
        "Responsable de la cybersécurité des systèmes de l'État.",
        "Head of cybersecurity for the State's systems.",
    ),
    (
        "Salimata Ouédraogo",
        "Incubateur de Ouagadougou",
        "BF",
        "Accompagne les start-up sahéliennes depuis dix ans.",
        "Has supported Sahelian start-ups for ten years.",
    ),
    (
        "Moussa Issoufou",
        "Autorité de régulation des télécommunications",
        "NE",
        "Travaille à l'interconnexion des réseaux de l'AES.",
        "Works on interconnecting the AES countries' networks.",
    ),
    (
        "Kadiatou Sangaré",
        "Association des femmes du numérique",
        "ML",
        "Forme des jeunes femmes au code et à l'entrepreneuriat.",
        "Trains young women in coding and entrepreneurship.",
    ),
    (
        "Boubacar Diallo",
        "Banque de développement",
        "ML",
        "Finance les PME innovantes.",
        "Finances innovative SMEs.",
    ),
];

/// Day (29–31 January 2026), start and end (hours, minutes), kind, titles, room (index in
/// `ROOMS`), theme, moderator and speakers (indexes in `SPEAKERS`).
type Session = (
    i8,
    (i8, i8),
    (i8, i8),
    SessionKind,
    (&'static str, &'static str),
    Option<usize>,
    &'static str,
    Option<usize>,
    &'static [usize],
);

const SESSIONS: [Session; 11] = [
    (
        29,
        (9, 0),
        (10, 30),
        SessionKind::Ceremony,
        ("Cérémonie d'ouverture", "Opening ceremony"),
        Some(0),
        "",
        None,
        &[0],
    ),
    (
        29,
        (11, 0),
        (12, 30),
        SessionKind::Panel,
        (
            "Souveraineté numérique : héberger nos données chez nous",
            "Digital sovereignty: hosting our data at home",
        ),
        Some(0),
        "Souveraineté",
        Some(4),
        &[0, 1, 3],
    ),
    (
        29,
        (11, 0),
        (12, 30),
        SessionKind::Workshop,
        (
            "Cybersécurité des PME : les gestes essentiels",
            "SME cybersecurity: the essentials",
        ),
        Some(1),
        "Cybersécurité",
        None,
        &[],
    ),
    (
        29,
        (14, 30),
        (17, 30),
        SessionKind::Pitch,
        ("Pitchs des start-up finalistes", "Finalist start-ups pitch"),
        Some(2),
        "Innovation",
        Some(2),
        &[5],
    ),
    (
        30,
        (9, 30),
        (10, 30),
        SessionKind::Keynote,
        (
            "L'intelligence artificielle dans nos langues nationales",
            "Artificial intelligence in our national languages",
        ),
        Some(0),
        "Innovation",
        None,
        &[2],
    ),
    (
        30,
        (11, 0),
        (12, 30),
        SessionKind::Panel,
        (
            "Inclusion numérique des femmes et des jeunes",
            "Digital inclusion of women and young people",
        ),
        Some(1),
        "Inclusion",
        Some(0),
        &[4, 2],
    ),
    (
        30,
        (14, 0),
        (16, 0),
        SessionKind::Pitch,
        (
            "Pitchs des services de l'administration",
            "Public services pitch",
        ),
        Some(2),
        "Innovation",
        None,
        &[0],
    ),
    (
        30,
        (16, 30),
        (18, 30),
        SessionKind::Networking,
        (
            "Rencontres entre start-up, investisseurs et administrations",
            "Start-ups meet investors and public services",
        ),
        Some(3),
        "",
        None,
        &[],
    ),
    (
        31,
        (10, 0),
        (12, 0),
        SessionKind::Panel,
        (
            "AES : interconnecter nos réseaux et nos services",
            "AES: interconnecting our networks and services",
        ),
        Some(0),
        "Intégration AES",
        Some(1),
        &[3, 5],
    ),
    (
        31,
        (15, 0),
        (16, 30),
        SessionKind::Ceremony,
        ("Clôture et remise des prix", "Closing and award ceremony"),
        Some(0),
        "",
        None,
        &[0],
    ),
    (
        31,
        (20, 0),
        (23, 0),
        SessionKind::Gala,
        ("Dîner de gala", "Gala dinner"),
        None,
        "",
        None,
        &[],
    ),
];

/// Writes the programme of `edition` (whose organiser is `admin_id`).
/// The demo's hybrid sessions: ceremonies streamed for everyone, panels also held as an
/// online meeting for the people registered to follow online.
fn demo_links(kind: SessionKind) -> SessionLinks<'static> {
    match kind {
        SessionKind::Ceremony => SessionLinks {
            online_url: "",
            stream_url: "https://live.exemple.ml/sdn-2026",
            public: true,
        },
        SessionKind::Panel => SessionLinks {
            online_url: "https://reunion.exemple.ml/sdn-2026-panel",
            stream_url: "https://live.exemple.ml/sdn-2026",
            public: false,
        },
        _ => SessionLinks::default(),
    }
}

pub async fn seed(app: &AppState, edition: &EditionRow, admin_id: i64) -> anyhow::Result<()> {
    let tz = edition.timezone.tz().clone();
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    let mut rooms = Vec::new();
    for (name, capacity, floor) in ROOMS {
        let room = NewRoom {
            name,
            capacity,
            floor,
        };
        let id = actions::add_room(&mut tx, edition, &room, admin_id, now)
            .await?
            .map_err(|e| anyhow::anyhow!("demo room {name}: {e:?}"))?;
        rooms.push(id);
    }
    let mut speakers = Vec::new();
    for (name, organisation, country, bio_fr, bio_en) in SPEAKERS {
        let speaker = NewSpeaker {
            name,
            organisation,
            country,
            bio_fr,
            bio_en,
        };
        let (id, _) = actions::add_speaker(&mut tx, edition, &speaker, admin_id, now).await?;
        speakers.push(id);
    }
    let speaker_id = |i: usize| speakers.get(i).copied();
    for (day, start, end, kind, (title_fr, title_en), room, theme, moderator, talking) in SESSIONS {
        let at = |(h, m): (i8, i8)| -> anyhow::Result<i64> {
            Ok(date(2026, 1, day)
                .at(h, m, 0, 0)
                .to_zoned(tz.clone())?
                .timestamp()
                .as_millisecond())
        };
        let mut with = Vec::new();
        if let Some(id) = moderator.and_then(speaker_id) {
            with.push((id, "moderator"));
        }
        with.extend(
            talking
                .iter()
                .filter_map(|i| speaker_id(*i))
                .map(|id| (id, "speaker")),
        );
        let draft = SessionDraft {
            fields: SessionFields {
                kind,
                title_fr,
                title_en,
                abstract_fr: "",
                abstract_en: "",
                starts_at: at(start)?,
                ends_at: at(end)?,
                room_id: room.map(|r| rooms[r]),
                theme,
                language: "fr",
                links: demo_links(kind),
            },
            speakers: with,
        };
        actions::save_session(&mut tx, edition, Target::New, &draft, admin_id, now)
            .await?
            .map_err(|e| anyhow::anyhow!("demo session {title_fr}: {e:?}"))?;
    }
    tx.commit().await?;
    Ok(())
}
