//! Demo data for `kene demo`: the 2026 edition exactly as in the organisers' call (closed,
//! with sample applications) and a 2027 edition whose call is open for 30 days from now.

use crate::i18n::Say;
use jiff::civil::date;
use jiff::tz::TimeZone;
use object_store::path::Path as StorePath;
use object_store::PutPayload;
use rand::distributions::Alphanumeric;
use rand::{Rng, SeedableRng};

use crate::accounts::roles::{self, Role};
use crate::accounts::users::{self, NewUser};
use crate::applications::actions;
use crate::applications::{queries, summarise};
use crate::calls::queries::{self as calls, NewEdition, NewEvent};
use crate::calls::TrackSettings;
use crate::domain::form::{self, Answer, Answers, Field, FieldKind, FormDefinition};
use crate::domain::seed_forms;
use crate::domain::track::TrackKind;
use crate::domain::types::{Email, Localized, Login};
use crate::identity::{self, Colours, SiteDomain};
use crate::web::state::AppState;

pub struct DemoLogin {
    pub email: String,
    pub password: String,
}

pub fn generate_password() -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(16)
        .map(char::from)
        .collect()
}

/// Creates an administrator, or resets the password of an existing one.
pub async fn create_admin(
    app: &AppState,
    email: &str,
    name: &str,
    password: &str,
) -> anyhow::Result<i64> {
    let login = Login::parse(email)
        .map_err(|e| anyhow::anyhow!("{}", e.message(crate::domain::types::Lang::En)))?;
    let hash = crate::accounts::hash_password(password).map_err(|e| anyhow::anyhow!("{e}"))?;
    let now = app.now_ms();
    let existing = users::find_by_login(&app.db, &login).await?;
    let mut tx = app.db.begin().await?;
    let id = match existing {
        Some(user) => {
            users::set_password(&mut tx, user.id, &hash).await?;
            user.id
        }
        None => {
            users::insert(
                &mut tx,
                &NewUser {
                    login: &login,
                    display_name: name,
                    password_hash: &hash,
                    locale: "fr",
                    verified: true,
                    is_admin: true,
                },
                now,
            )
            .await?
        }
    };
    tx.commit().await?;
    Ok(id)
}

const DEMO_ADMIN: &str = "admin@kene.demo";

/// The call's qualification criteria, kept as data for the selection rubrics.
fn criteria_json() -> String {
    serde_json::json!([
        {"key": "innovation", "fr": "Projet innovant en lien avec les domaines de l'appel", "en": "Innovative project in the call's domains"},
        {"key": "growth", "fr": "Facteurs démontrant le fort potentiel de croissance économique", "en": "Evidence of strong economic growth potential"},
        {"key": "team", "fr": "Qualifications techniques de l'équipe", "en": "Technical qualifications of the team"},
        {"key": "presentation", "fr": "Qualité de la présentation", "en": "Quality of the presentation"},
        {"key": "timing", "fr": "Temps de présentation", "en": "Presentation time"},
        {"key": "demo", "fr": "Démonstration du produit, du prototype ou de l'application", "en": "Demonstration of the product, prototype or application"},
        {"key": "awards", "fr": "Distinctions, récompenses ou brevets (facultatif)", "en": "Distinctions, awards or patents (optional)", "optional": true}
    ])
    .to_string()
}

struct TrackSeed {
    kind: TrackKind,
    slug: &'static str,
    code: &'static str,
    name: Localized,
    description: Localized,
    /// As the call for applications words them (one condition per line).
    conditions: Localized,
    form: FormDefinition,
    rules: Vec<crate::domain::eligibility::Rule>,
}

/// The rules of the competition, as the 2026 call for applications states them; the track's
/// own conditions in the middle.
fn demo_regulations(conditions: &Localized) -> Localized {
    let fr = format!(
        "Article 1 — Objet\nLa Semaine du Numérique organise un concours pour favoriser la compétitivité, la créativité et l'exposition du savoir-faire malien dans le domaine des TIC, en vue de la modernisation de l'Administration, de la sécurité ou de la défense.\n\n\
         Article 2 — Conditions de participation\n{}\n\n\
         Article 3 — Dépôt des candidatures\nLes candidatures sont enregistrées exclusivement en ligne, sur cette plateforme, jusqu'à la date et l'heure de clôture indiquées sur la page de l'appel (heure de Bamako). Une candidature peut être modifiée et déposée à nouveau jusqu'à la clôture : la dernière version déposée est celle qui est examinée. Un accusé de réception avec un numéro de dossier est envoyé à chaque dépôt.\n\n\
         Article 4 — Sélection\nUn comité de présélection examine les dossiers éligibles et les note selon des critères pondérés publiés : caractère innovant du projet, potentiel de croissance, qualifications de l'équipe. Trente (30) candidats sont présélectionnés et bénéficient d'un coaching de l'AGETIC dans son Centre d'incubation, puis présentent leur projet devant un jury (qualité et durée de la présentation, démonstration).\n\n\
         Article 5 — Prix\nLes trois meilleurs de chaque catégorie sont primés. Un prix spécial récompense la meilleure initiative portée par une femme. Les résultats sont publiés sur cette plateforme, avec les moyens de les vérifier.\n\n\
         Article 6 — Données personnelles\nLes informations fournies ne servent qu'à la sélection et à l'organisation de l'événement. La notice sur les données personnelles dit qui y a accès et combien de temps elles sont gardées ; les pièces d'identité ne sont vues que des organisateurs habilités, et chaque consultation est enregistrée.\n\n\
         Article 7 — Acceptation\nDéposer une candidature vaut acceptation du présent règlement.",
        conditions.fr
    );
    let en = format!(
        "Article 1 — Purpose\nThe Semaine du Numérique holds a competition to foster the competitiveness, creativity and visibility of Malian know-how in ICT, for the modernisation of the Administration, security or defence.\n\n\
         Article 2 — Who may apply\n{}\n\n\
         Article 3 — Applying\nApplications are accepted online only, on this platform, until the closing date and time shown on the call page (Bamako time). An application may be changed and submitted again until the call closes: the last submitted version is the one examined. A receipt with a reference number is sent at each submission.\n\n\
         Article 4 — Selection\nA preselection committee examines the eligible applications and scores them on published weighted criteria: innovation, growth potential, the team's qualifications. Thirty (30) applicants are shortlisted and coached by AGETIC in its incubation centre, then pitch their project before a jury (quality and length of the pitch, demonstration).\n\n\
         Article 5 — Prizes\nThe top three of each category receive a prize. A special prize rewards the best initiative led by a woman. The results are published on this platform, with the means to verify them.\n\n\
         Article 6 — Personal data\nThe information given is used only for the selection and the organisation of the event. The personal data notice says who may see it and how long it is kept; ID documents are seen only by authorised organisers, and every view is recorded.\n\n\
         Article 7 — Acceptance\nSubmitting an application means accepting these rules.",
        conditions.en
    );
    Localized::new(&fr, &en)
}

fn track_seeds() -> Vec<TrackSeed> {
    vec![
        TrackSeed {
            kind: TrackKind::Startup,
            slug: "startups",
            code: "STA",
            name: Localized::new("Start-ups et PME de l'espace AES", "Start-ups and SMEs of the AES"),
            description: Localized::new(
                "Concours des meilleurs projets innovants de e-gouvernement, d'amélioration des services, d'intelligence artificielle et de promotion culturelle, ouvert aux start-ups et PME du Mali, du Burkina Faso et du Niger.",
                "Competition for the best innovative e-government, service-improvement, artificial-intelligence and cultural-promotion projects, open to start-ups and SMEs of Mali, Burkina Faso and Niger.",
            ),
            conditions: Localized::new(
                "Être une start-up ou une PME d'un pays de l'AES (Mali, Burkina Faso, Niger).\nAvoir au moins un projet innovant dans le numérique, en lien avec la modernisation de l'Administration, la sécurité ou la défense, décrit dans une fiche technique.",
                "Be a start-up or SME from an AES country (Mali, Burkina Faso, Niger).\nHave at least one innovative digital project linked to the modernisation of the Administration, security or defence, described in a technical sheet.",
            ),
            form: seed_forms::startup_form(),
            rules: seed_forms::startup_rules(),
        },
        TrackSeed {
            kind: TrackKind::Administration,
            slug: "administration",
            code: "ADM",
            name: Localized::new("Services de l'administration malienne", "Services of the Malian administration"),
            description: Localized::new(
                "Concours des meilleurs projets de transformation numérique des services de l'administration malienne : remplissez le questionnaire du concours.",
                "Competition for the best digital-transformation projects of Malian public services: answer the competition questionnaire.",
            ),
            conditions: Localized::new(
                "Être un service de l'administration malienne.\nRemplir le questionnaire du concours.",
                "Be a service of the Malian administration.\nAnswer the competition questionnaire.",
            ),
            form: seed_forms::administration_form(),
            rules: seed_forms::administration_rules(),
        },
        TrackSeed {
            kind: TrackKind::Hackathon,
            slug: "hackathon",
            code: "CYB",
            name: Localized::new("Hackathon de cybersécurité", "Cybersecurity hackathon"),
            description: Localized::new(
                "Hackathon réservé aux cyberdéfenseurs juniors de nationalité malienne. Joignez une pièce d'identité : carte d'identité, carte NINA ou passeport.",
                "Hackathon for junior cyber-defenders of Malian nationality. Attach an identity document: national ID card, NINA card or passport.",
            ),
            conditions: Localized::new(
                "Être de nationalité malienne.\nJoindre une pièce d'identité : carte d'identité, carte NINA ou passeport.",
                "Be a Malian national.\nAttach an identity document: national identity card, NINA card or passport.",
            ),
            form: seed_forms::hackathon_form(),
            rules: seed_forms::hackathon_rules(),
        },
    ]
}

/// How much of the story the demo tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The calls and their applications, the 2026 call closed and not yet reviewed: where
    /// the tests of the selection start.
    Calls,
    /// Everything: the 2026 selection done as well (`kene demo`).
    Full,
}

/// Seeds the whole demo once (a second run keeps the data) and returns a fresh admin login.
pub async fn seed(app: &AppState) -> anyhow::Result<DemoLogin> {
    seed_with(app, Scope::Full).await
}

pub async fn seed_with(app: &AppState, scope: Scope) -> anyhow::Result<DemoLogin> {
    let password = generate_password();
    let admin_id = create_admin(app, DEMO_ADMIN, "Administrateur démo", &password).await?;
    seed_identity(app, admin_id).await?;
    if calls::edition_by_slug(&app.db, "sdn-2026").await?.is_none() {
        let e2026 = seed_editions(app, admin_id).await?;
        if scope == Scope::Full {
            crate::review::demo::seed(app, e2026, admin_id).await?;
            let edition = calls::edition_by_slug(&app.db, "sdn-2026")
                .await?
                .ok_or_else(|| anyhow::anyhow!("the 2026 edition was just written"))?;
            crate::programme::demo::seed(app, &edition, admin_id).await?;
            crate::registration::demo::seed(app, &edition, admin_id).await?;
            crate::stands::demo::seed(app, &edition, admin_id).await?;
            crate::questions::demo::seed(app, &edition, admin_id).await?;
            crate::networking::demo::seed(app, &edition).await?;
            crate::ctf::demo::seed(app, &edition, admin_id).await?;
            crate::directory::demo::seed(app).await?;
            crate::opportunities::demo::seed(app, &edition.timezone, admin_id).await?;
        }
    }
    Ok(DemoLogin {
        email: DEMO_ADMIN.into(),
        password,
    })
}

/// The Semaine du Numérique's identity, as its call for applications gives it (no phone
/// number is made up), marked as a demonstration on every page.
async fn seed_identity(app: &AppState, admin_id: i64) -> anyhow::Result<()> {
    let current = identity::queries::installation(&app.db).await?;
    if current.demo {
        return Ok(());
    }
    let settings = identity::Settings {
        name: Localized::new("Semaine du Numérique", "Semaine du Numérique (Digital Week)"),
        organiser: Localized::new(
            "Ministère de la Communication, de l'Économie numérique et de la Modernisation de l'Administration",
            "Ministry of Communication, Digital Economy and Modernisation of the Administration",
        ),
        motto: Localized::new(
            "Un Peuple – Un But – Une Foi",
            "One People – One Goal – One Faith",
        ),
        contact_phone: None,
        contact_whatsapp: None,
        contact_email: Some(
            Email::parse("info@semainedunumerique.gouv.ml").map_err(|e| anyhow::anyhow!("{e}"))?,
        ),
        official_domain: Some(
            SiteDomain::parse("semainedunumerique.gouv.ml")
                .map_err(|e| anyhow::anyhow!("{e:?}"))?,
        ),
        colours: Colours::default(),
        signatories: [
            Localized::new(
                "Le Ministre de la Communication, de l'Économie numérique et de la Modernisation de l'Administration",
                "The Minister of Communication, Digital Economy and Modernisation of the Administration",
            ),
            Localized::new("Le Président du jury", "The President of the jury"),
        ],
    };
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    identity::queries::update(
        &mut tx,
        identity::Scope::Installation,
        &settings,
        current.version,
        admin_id,
        now,
    )
    .await?;
    let emblem = identity::Logo::parse(demo_emblem()?).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    identity::queries::set_logo(
        &mut tx,
        identity::Scope::Installation,
        Some(&emblem),
        admin_id,
        now,
    )
    .await?;
    identity::queries::mark_demo(&mut tx, admin_id, now).await?;
    tx.commit().await?;
    Ok(())
}

/// A stand-in emblem for the demonstration: a roundel in Mali's colours (green, gold, red)
/// in a green ring. An installation uploads its real emblem on the identity page.
fn demo_emblem() -> anyhow::Result<Vec<u8>> {
    const SIZE: u32 = 160;
    let centre = SIZE as f32 / 2.0;
    let image = image::RgbaImage::from_fn(SIZE, SIZE, |x, y| {
        let (dx, dy) = (x as f32 + 0.5 - centre, y as f32 + 0.5 - centre);
        let radius = (dx * dx + dy * dy).sqrt();
        if radius > centre - 1.0 {
            image::Rgba([0, 0, 0, 0])
        } else if radius > centre - 8.0 {
            image::Rgba([0x0b, 0x6e, 0x4f, 0xff])
        } else if x < SIZE / 3 {
            image::Rgba([0x14, 0xb5, 0x3a, 0xff])
        } else if x < 2 * SIZE / 3 {
            image::Rgba([0xfc, 0xd1, 0x16, 0xff])
        } else {
            image::Rgba([0xce, 0x11, 0x26, 0xff])
        }
    });
    let mut png = std::io::Cursor::new(Vec::new());
    image.write_to(&mut png, image::ImageFormat::Png)?;
    Ok(png.into_inner())
}

/// Returns the 2026 edition's id.
async fn seed_editions(app: &AppState, admin_id: i64) -> anyhow::Result<i64> {
    let bamako = TimeZone::get("Africa/Bamako")?;
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    let event = calls::insert_event(
        &mut tx,
        &NewEvent {
            slug: "semaine-du-numerique",
            code: "SDN",
            name_fr: "Semaine du Numérique",
            name_en: "Digital Week",
        },
    )
    .await?;
    let theme_fr = "Le E-Gouvernement à l'ère de l'Intelligence artificielle : Opportunité et défis pour la culture";
    let theme_en = "E-Government in the age of Artificial Intelligence: opportunity and challenges for culture";
    let call_fr = "Concours des meilleurs projets de e-gouvernement et hackathon de cybersécurité";
    let call_en = "Best e-government projects competition and cybersecurity hackathon";
    let criteria = criteria_json();
    let e2026 = calls::insert_edition(
        &mut tx,
        &NewEdition {
            event_id: event,
            slug: "sdn-2026",
            year: 2026,
            ref_prefix: "SDN26",
            theme_fr,
            theme_en,
            venue: "Centre International de Conférence de Bamako (CICB)",
            starts_on: "2026-01-29",
            ends_on: "2026-01-31",
            timezone: "Africa/Bamako",
            call_title_fr: call_fr,
            call_title_en: call_en,
            criteria_json: &criteria,
        },
        now,
    )
    .await?;
    let opens_2026 = date(2026, 1, 9)
        .at(0, 0, 0, 0)
        .to_zoned(bamako.clone())?
        .timestamp()
        .as_millisecond();
    // "jusqu'au 19 janvier 2026 à 23h59": open through that minute, refused from 00:00.
    let closes_2026 = date(2026, 1, 20)
        .at(0, 0, 0, 0)
        .to_zoned(bamako.clone())?
        .timestamp()
        .as_millisecond();
    let e2027 = calls::insert_edition(
        &mut tx,
        &NewEdition {
            event_id: event,
            slug: "sdn-2027",
            year: 2027,
            ref_prefix: "SDN27",
            theme_fr: "Édition de démonstration : appel ouvert",
            theme_en: "Demo edition: open call",
            venue: "Centre International de Conférence de Bamako (CICB)",
            starts_on: "2027-01-28",
            ends_on: "2027-01-30",
            timezone: "Africa/Bamako",
            call_title_fr: call_fr,
            call_title_en: call_en,
            criteria_json: &criteria,
        },
        now,
    )
    .await?;
    let closes_2027 = now + 30 * 24 * 3600 * 1000;
    let mut tracks_2026 = Vec::new();
    for (position, seed) in track_seeds().into_iter().enumerate() {
        for (edition, opens, closes) in
            [(e2026, opens_2026, closes_2026), (e2027, now, closes_2027)]
        {
            let settings = TrackSettings {
                slug: seed.slug.into(),
                code: seed.code.into(),
                position: position as i64,
                name: seed.name.clone(),
                description: seed.description.clone(),
                conditions: seed.conditions.clone(),
                regulations: demo_regulations(&seed.conditions),
                opens_at: opens,
                closes_at: closes,
                max_per_applicant: 1,
                rules: seed.rules.clone(),
            };
            let id = calls::insert_track(&mut tx, edition, seed.kind, &settings, &seed.form, now)
                .await?;
            if edition == e2026 {
                // Sample applicants are of the kind the track admits (the rules' first).
                let kind = seed
                    .rules
                    .iter()
                    .find_map(|r| match r {
                        crate::domain::eligibility::Rule::ApplicantKindIn { kinds, .. } => {
                            kinds.first().cloned()
                        }
                        _ => None,
                    })
                    .unwrap_or_default();
                tracks_2026.push((id, seed.form.clone(), kind));
            }
        }
    }
    tx.commit().await?;
    roles::grant(&app.db, admin_id, e2026, Role::Organiser).await?;
    roles::grant(&app.db, admin_id, e2027, Role::Organiser).await?;
    seed_applications(app, &tracks_2026, closes_2026 - 3 * 24 * 3600 * 1000).await?;
    Ok(e2026)
}

const FIRST_NAMES_F: [&str; 8] = [
    "Aminata",
    "Fatoumata",
    "Mariam",
    "Awa",
    "Kadiatou",
    "Oumou",
    "Assétou",
    "Salimata",
];
const FIRST_NAMES_M: [&str; 8] = [
    "Moussa",
    "Ibrahim",
    "Seydou",
    "Bakary",
    "Oumar",
    "Abdoulaye",
    "Souleymane",
    "Adama",
];
const LAST_NAMES: [&str; 10] = [
    "Traoré",
    "Coulibaly",
    "Diarra",
    "Keïta",
    "Konaté",
    "Sangaré",
    "Maïga",
    "Touré",
    "Ouédraogo",
    "Diallo",
];
const PROJECTS: [&str; 12] = [
    "SahelSanté",
    "FasoPay",
    "Jigi Éducation",
    "Kalanko",
    "DonniTech",
    "Baara Connect",
    "Niger AgriData",
    "e-Mairie Bamako",
    "KeneCivic",
    "Sira Transport",
    "Bolomako Énergie",
    "Sanu Archives",
];

/// Plausible answers for any form, made through the same parser as real input.
fn sample_answers(form: &FormDefinition, kind: &str, n: usize, rng: &mut impl Rng) -> Answers {
    let mut answers = Answers::default();
    for (index, section) in form.sections.iter().enumerate() {
        let mut raw = Vec::new();
        for field in &section.fields {
            sample_field(field, &field.key, n, rng, &mut raw);
        }
        for (key, value) in raw.iter_mut() {
            if key == "applicant_kind" && !kind.is_empty() {
                *value = kind.to_owned();
            }
        }
        answers = form::parse_section(form, index, &raw, &answers).answers;
    }
    answers
}

fn sample_field(
    field: &Field,
    name: &str,
    n: usize,
    rng: &mut impl Rng,
    raw: &mut Vec<(String, String)>,
) {
    let woman = n.is_multiple_of(3);
    let value: Option<String> = match &field.kind {
        FieldKind::Text { .. } => Some(match field.key.as_str() {
            "first_name" if woman => FIRST_NAMES_F[rng.gen_range(0..8)].into(),
            "first_name" => FIRST_NAMES_M[rng.gen_range(0..8)].into(),
            // A full name (team members); the family name from `n`, not drawn, so that the
            // rest of the demo's draws stay as they were.
            "name" => {
                let first = if woman { FIRST_NAMES_F } else { FIRST_NAMES_M };
                format!("{} {}", first[rng.gen_range(0..8)], LAST_NAMES[n % LAST_NAMES.len()])
            }
            "last_name" => LAST_NAMES[rng.gen_range(0..10)].into(),
            "project_title" | "company_name" | "team_name" => format!("{} {}", PROJECTS[n % PROJECTS.len()], n),
            _ => "Bamako".into(),
        }),
        FieldKind::LongText { .. } => Some(
            "Une solution numérique conçue au Mali, utilisable sur un téléphone simple, en français et en bambara.".into(),
        ),
        FieldKind::Number { min, max } => Some(((min.unwrap_or(0) + max.unwrap_or(10)) / 2).to_string()),
        FieldKind::Email => Some(format!("contact{n}@exemple.ml")),
        FieldKind::Phone => Some(format!("7{:07}", n)),
        FieldKind::Url => Some(format!("https://projet{n}.exemple.ml")),
        FieldKind::Date => Some(format!("{}-0{}-1{}", 1995 + n % 10, 1 + n % 9, n % 9)),
        FieldKind::SingleChoice { options } => {
            let pick = match field.key.as_str() {
                "gender" | "leader_gender" => if woman { "f" } else { "m" }.to_owned(),
                // Replaced by the kind the track admits, in `sample_answers`.
                "applicant_kind" => options.first().map(|o| o.value.clone()).unwrap_or_default(),
                _ => options.get(n % options.len().max(1)).map(|o| o.value.clone()).unwrap_or_default(),
            };
            Some(pick)
        }
        FieldKind::MultipleChoice { options, .. } => options.first().map(|o| o.value.clone()),
        FieldKind::Country { allowed } => Some(match allowed {
            Some(list) if !list.is_empty() => list[n % list.len()].as_str().to_owned(),
            // Some applicants and team members are not from the AES; leaders (row 0) always are.
            _ if n % 17 == 5 && !name.contains("[0]") => "SN".to_owned(),
            _ => "ML".to_owned(),
        }),
        FieldKind::YesNo => Some("yes".into()),
        FieldKind::Consent => Some("yes".into()),
        FieldKind::File { .. } => None,
        FieldKind::Group { fields, .. } => {
            for row in 0..(1 + n % 4) {
                for cell in fields {
                    sample_field(cell, &format!("{name}[{row}][{}]", cell.key), n + row, rng, raw);
                }
            }
            None
        }
    };
    if let Some(value) = value {
        raw.push((name.to_owned(), value));
    }
}

/// A one-page PDF, enough for the demo's technical sheets and ID documents.
const SAMPLE_PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

async fn seed_applications(
    app: &AppState,
    tracks: &[(i64, FormDefinition, String)],
    submitted_at: i64,
) -> anyhow::Result<()> {
    // Seeded, so that two demo databases hold the same people (comparable dumps, stable screenshots).
    let mut rng = rand::rngs::StdRng::seed_from_u64(2026);
    let unusable_hash = "!demo-account-without-password";
    for n in 0..60usize {
        let (track_id, form, kind) = &tracks[match n % 10 {
            0..=5 => 0,
            6..=7 => 1,
            _ => 2,
        }];
        let woman = n.is_multiple_of(3);
        let first = if woman {
            FIRST_NAMES_F[n % 8]
        } else {
            FIRST_NAMES_M[n % 8]
        };
        let name = format!("{first} {}", LAST_NAMES[n % 10]);
        let login = Login::parse(&format!("candidat{n}@exemple.ml"))
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let mut answers = sample_answers(form, kind, n, &mut rng);
        let at = submitted_at + (n as i64) * 3_600_000;
        let track = calls::track_by_id(&app.db, *track_id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("demo track {track_id} is missing"))?;
        let mut tx = app.db.begin().await?;
        let user_id = users::insert(
            &mut tx,
            &NewUser {
                login: &login,
                display_name: &name,
                password_hash: unusable_hash,
                locale: "fr",
                verified: true,
                is_admin: false,
            },
            at,
        )
        .await?;
        // A new applicant: the first application of the track is always within its limit.
        let public_id = queries::insert_draft_within_limit(
            &mut tx,
            &queries::NewDraft {
                track_id: *track_id,
                applicant_id: user_id,
                form_version: 1,
                answers: &Answers::default(),
            },
            1,
            at,
        )
        .await?
        .ok_or_else(|| anyhow::anyhow!("a new demo applicant already has an application"))?;
        let row = queries::find_by_public_id_tx(&mut tx, &public_id).await?;
        for field in form.sections.iter().flat_map(|s| s.fields.iter()) {
            if let FieldKind::File { id_document, .. } = field.kind {
                // Hackathon applicants attach the ID document of the kind they chose.
                if id_document && !field.is_asked(&answers) {
                    continue;
                }
                let file_id = crate::crypto::random_public_id();
                let key = format!("applications/{public_id}/{file_id}");
                app.store
                    .put(
                        &StorePath::from(key.as_str()),
                        PutPayload::from_static(SAMPLE_PDF),
                    )
                    .await?;
                queries::insert_file(
                    &mut tx,
                    &queries::NewFile {
                        public_id: &file_id,
                        application_id: row.id,
                        field_key: &field.key,
                        owner_id: user_id,
                        display_name: "document.pdf",
                        mime: "application/pdf",
                        size_bytes: SAMPLE_PDF.len() as i64,
                        sha256: &crate::crypto::sha256_hex(SAMPLE_PDF),
                        storage_key: &key,
                        id_document,
                    },
                    at,
                )
                .await?;
                answers.0.insert(
                    field.key.clone(),
                    Answer::File {
                        file_id,
                        name: "document.pdf".into(),
                    },
                );
            }
        }
        let summary = summarise(form, &answers, &name);
        queries::save_answers(&mut tx, row.id, &answers, 1, &summary, at).await?;
        let row = queries::find_for_update(&mut tx, row.id).await?;
        // Submitted as an applicant submits (reference, version, audit entry), without the
        // receipt: the demo's applicants are made up, their addresses must receive nothing.
        actions::submit(&mut tx, (&row, &track, form), &summary, None, user_id, at).await?;
        tx.commit().await?;
    }
    Ok(())
}
