//! The demo's registrations to the 2026 edition: registration opened with its seven
//! categories, visitors in the room and online, press and exhibitors approved by the demo
//! administrator, a press request still waiting. Written through the same use cases as the
//! pages, without messages (the people are made up).

use super::actions::{self, Registration};
use super::queries;
use super::rules::{Attendance, CategoryCode};
use crate::accounts::users::{self, NewUser};
use crate::calls::queries::EditionRow;
use crate::domain::types::Login;
use crate::web::ctx::SiteAddress;
use crate::web::state::AppState;

/// Name, organisation, category, attendance, approved by the organisers (when needed).
type Person = (&'static str, &'static str, CategoryCode, Attendance, bool);

const PEOPLE: [Person; 14] = [
    (
        "Fatoumata Keïta",
        "Université de Bamako",
        CategoryCode::Visitor,
        Attendance::InPerson,
        false,
    ),
    (
        "Sékou Traoré",
        "",
        CategoryCode::Visitor,
        Attendance::InPerson,
        false,
    ),
    (
        "Mariam Diarra",
        "Lycée technique de Sikasso",
        CategoryCode::Visitor,
        Attendance::InPerson,
        false,
    ),
    (
        "Oumar Sidibé",
        "Cabinet comptable",
        CategoryCode::Visitor,
        Attendance::InPerson,
        false,
    ),
    (
        "Awa Konaté",
        "",
        CategoryCode::Visitor,
        Attendance::Online,
        false,
    ),
    (
        "Hamidou Cissé",
        "Mairie de Gao",
        CategoryCode::Visitor,
        Attendance::Online,
        false,
    ),
    (
        "Rokia Dembélé",
        "Radio communautaire",
        CategoryCode::Press,
        Attendance::InPerson,
        true,
    ),
    (
        "Adama Touré",
        "Quotidien national",
        CategoryCode::Press,
        Attendance::InPerson,
        false,
    ),
    (
        "Nana Sanogo",
        "Start-up agritech",
        CategoryCode::Exhibitor,
        Attendance::InPerson,
        true,
    ),
    (
        "Yacouba Kanté",
        "Fintech sahélienne",
        CategoryCode::Exhibitor,
        Attendance::InPerson,
        true,
    ),
    (
        "Idrissa Ouédraogo",
        "Délégation du Burkina Faso",
        CategoryCode::Delegation,
        Attendance::InPerson,
        true,
    ),
    (
        "Zeinabou Abdou",
        "Délégation du Niger",
        CategoryCode::Delegation,
        Attendance::InPerson,
        true,
    ),
    (
        "Bakary Coulibaly",
        "Comité d'organisation",
        CategoryCode::Staff,
        Attendance::InPerson,
        false,
    ),
    (
        "Djeneba Maïga",
        "Comité d'organisation",
        CategoryCode::Staff,
        Attendance::InPerson,
        false,
    ),
];

pub async fn seed(app: &AppState, edition: &EditionRow, admin_id: i64) -> anyhow::Result<()> {
    let now = app.now_ms();
    let site = SiteAddress::of_config(app);
    let mut tx = app.db.begin().await?;
    actions::open_registration(&mut tx, edition, admin_id, now).await?;
    tx.commit().await?;
    for (n, (name, organisation, code, attendance, approved)) in PEOPLE.into_iter().enumerate() {
        let category = queries::category(&app.db, edition.id, code.as_str())
            .await?
            .ok_or_else(|| anyhow::anyhow!("demo category {} is missing", code.as_str()))?;
        let login = Login::parse(&format!("participant{}@exemple.ml", n + 1))
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let answers = serde_json::json!({ "consent": { "bool": true } }).to_string();
        let at = now + i64::try_from(n)? * 60_000;
        let mut tx = app.db.begin().await?;
        let person = NewUser {
            login: &login,
            display_name: name,
            password_hash: "!demo-account-without-password",
            locale: "fr",
            verified: true,
            is_admin: false,
        };
        let user_id = users::insert(&mut tx, &person, at).await?;
        let registration = Registration {
            category: &category,
            attendance,
            display_name: name,
            organisation,
            answers: &answers,
            notify: false,
        };
        let r = actions::register(
            &mut tx,
            (&site, edition),
            user_id,
            &registration,
            (user_id, at),
        )
        .await?
        .map_err(|e| anyhow::anyhow!("demo registration {name}: {e:?}"))?;
        if approved {
            actions::decide(
                &mut tx,
                (&site, edition),
                (&r, &category),
                true,
                (admin_id, at),
                false,
            )
            .await?
            .map_err(|e| anyhow::anyhow!("demo approval {name}: {e:?}"))?;
        }
        tx.commit().await?;
    }
    Ok(())
}
