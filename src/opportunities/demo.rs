//! The demo's opportunities: five made-up calls from made-up funders, open for weeks, each
//! marked as demo data, posted in the demo administrator's name (so that an interest
//! expressed in the demo reaches the demo's outbox).

use jiff::civil::Date;

use super::actions;
use super::queries::Closing;
use super::rules::{Eligibility, Opportunity, OpportunityKind};
use crate::directory::taxonomy::Stage;
use crate::domain::country::{self};
use crate::domain::sector::Sector;
use crate::domain::types::Zone;
use crate::web::state::AppState;

fn postings() -> Vec<(i64, Opportunity)> {
    let demo = |title: &str| format!("{title} (démonstration)");
    let any = Eligibility::default;
    let placeholder = Date::constant(2026, 1, 1);
    vec![
        (
            45,
            Opportunity {
                kind: OpportunityKind::Grant,
                title: demo("Subvention e-santé pour les centres ruraux"),
                description: "Donnée de démonstration. Jusqu'à 25 millions de FCFA pour les \
                    solutions de santé numérique déployées hors de Bamako."
                    .into(),
                offered_by: "Fonds Sahel Santé Numérique".into(),
                deadline: placeholder,
                eligibility: Eligibility {
                    sectors: [Sector::EHealth].into(),
                    stages: [Stage::Prototype, Stage::Launch].into(),
                    countries: country::AES.into(),
                },
            },
        ),
        (
            30,
            Opportunity {
                kind: OpportunityKind::Incubation,
                title: demo("Programme d'incubation agritech, cohorte 2027"),
                description: "Donnée de démonstration. Six mois d'accompagnement, un bureau \
                    partagé et une mise en relation avec les coopératives."
                    .into(),
                offered_by: "Djoliba Hub".into(),
                deadline: placeholder,
                eligibility: Eligibility {
                    sectors: [Sector::EAgriculture, Sector::EEnvironment].into(),
                    stages: [Stage::Idea, Stage::Prototype].into(),
                    countries: [country::MALI].into(),
                },
            },
        ),
        (
            60,
            Opportunity {
                kind: OpportunityKind::Equity,
                title: demo("Prise de participation fintech"),
                description: "Donnée de démonstration. Tickets de 50 à 200 millions de FCFA \
                    pour les fintech en croissance de l'espace AES."
                    .into(),
                offered_by: "Liptako Capital".into(),
                deadline: placeholder,
                eligibility: Eligibility {
                    sectors: [Sector::Fintech, Sector::ECommerce].into(),
                    stages: [Stage::Growth, Stage::Established].into(),
                    countries: country::AES.into(),
                },
            },
        ),
        (
            20,
            Opportunity {
                kind: OpportunityKind::Loan,
                title: demo("Prêt d'honneur jeunes entrepreneurs"),
                description: "Donnée de démonstration. Prêt à taux zéro jusqu'à 5 millions de \
                    FCFA pour les fondateurs de moins de 35 ans."
                    .into(),
                offered_by: "Programme Yiriwa pour l'innovation".into(),
                deadline: placeholder,
                eligibility: any(),
            },
        ),
        (
            90,
            Opportunity {
                kind: OpportunityKind::Prize,
                title: demo("Prix de la cybersécurité citoyenne"),
                description: "Donnée de démonstration. Un prix de 10 millions de FCFA pour un \
                    outil qui protège les usagers des arnaques par téléphone."
                    .into(),
                offered_by: "Réseau Kènè pour la confiance numérique".into(),
                deadline: placeholder,
                eligibility: Eligibility {
                    sectors: [Sector::Cybersecurity, Sector::CivicTech].into(),
                    ..any()
                },
            },
        ),
    ]
}

/// Writes the demo's opportunities once, with deadlines `days` after today.
pub async fn seed(app: &AppState, zone: &Zone, admin_id: i64) -> anyhow::Result<()> {
    if super::queries::demo_count(&app.db).await? > 0 {
        return Ok(());
    }
    let now = app.now_ms();
    let today = jiff::Timestamp::from_millisecond(now)?
        .to_zoned(zone.tz().clone())
        .date();
    let mut tx = app.db.begin().await?;
    for (days, mut opportunity) in postings() {
        opportunity.deadline = today.checked_add(jiff::Span::new().days(days))?;
        let closing = Closing {
            timezone: zone.name(),
            closes_at: super::closing_instant(opportunity.deadline, zone)
                .map_err(|e| anyhow::anyhow!("{e}"))?,
        };
        actions::post(&mut tx, &opportunity, &closing, (Some(admin_id), true, now)).await?;
    }
    tx.commit().await?;
    Ok(())
}
