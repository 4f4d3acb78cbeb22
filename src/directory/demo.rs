//! The demo's directory: a few hundred made-up actors of Mali and the other AES countries,
//! each marked as demo data (pages say so), most published, a handful waiting for the
//! organisers. Generated from a fixed seed, so every demo shows the same directory; written
//! through the same use case as a registration.

use std::collections::BTreeSet;

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use super::actions;
use super::queries::Origin;
use super::rules::{ActorProfile, Hideable};
use super::taxonomy::{ActorKind, MaliRegion, Source, Stage, Status};
use crate::domain::country::{self, Country};
use crate::domain::sector::Sector;
use crate::web::state::AppState;

/// How many actors the demo makes up.
pub const ACTORS: usize = 320;
/// Of which the last few wait for an organiser.
pub const PENDING: usize = 6;

const WORDS: [&str; 32] = [
    "Sahel", "Djoliba", "Faso", "Tassaght", "Kènè", "Dunya", "Jigi", "Baara", "Sinsin", "Nyeta",
    "Wassa", "Sigida", "Kalanko", "Teriya", "Hakili", "Yiriwa", "Sabali", "Daba", "Manden",
    "Sanké", "Hombori", "Bani", "Bagoué", "Falémé", "Tilemsi", "Aïr", "Liptako", "Gourma",
    "Kotéba", "Dôgô", "Bogolan", "Kora",
];

const STARTUP_SUFFIXES: [&str; 12] = [
    "Tech", "Pay", "Lab", "Santé", "Agri", "Connect", "Data", "Solaire", "Learn", "Mobile",
    "Services", "Digital",
];

const TOWNS: [(MaliRegion, &str); 12] = [
    (MaliRegion::Bamako, "Bamako"),
    (MaliRegion::Bamako, "Bamako"),
    (MaliRegion::Bamako, "Bamako"),
    (MaliRegion::Kayes, "Kayes"),
    (MaliRegion::Koulikoro, "Kati"),
    (MaliRegion::Sikasso, "Sikasso"),
    (MaliRegion::Segou, "Ségou"),
    (MaliRegion::Mopti, "Sévaré"),
    (MaliRegion::Tombouctou, "Tombouctou"),
    (MaliRegion::Gao, "Gao"),
    (MaliRegion::Koutiala, "Koutiala"),
    (MaliRegion::San, "San"),
];

const OTHER_TOWNS: [(Country, &str); 4] = [
    (country::BURKINA_FASO, "Ouagadougou"),
    (country::BURKINA_FASO, "Bobo-Dioulasso"),
    (country::NIGER, "Niamey"),
    (country::NIGER, "Zinder"),
];

/// What a made-up actor does, by sector (FR, EN).
fn activity(sector: Sector) -> (&'static str, &'static str) {
    match sector {
        Sector::EHealth => (
            "carnets de santé et téléconsultation pour les centres de santé communautaires",
            "health records and teleconsultation for community health centres",
        ),
        Sector::Fintech => (
            "paiement marchand et épargne par téléphone, même hors connexion",
            "merchant payments and savings by phone, even offline",
        ),
        Sector::EAgriculture => (
            "prix des marchés et conseils agricoles par SMS pour les producteurs",
            "market prices and farming advice by SMS for growers",
        ),
        Sector::EEducation | Sector::ELearning => (
            "cours en bambara et en français sur téléphone simple",
            "lessons in Bambara and French on basic phones",
        ),
        Sector::EnergyTech => (
            "kits solaires payés à l'usage pour les villages",
            "pay-as-you-go solar kits for villages",
        ),
        Sector::Cybersecurity | Sector::ESecurityDefence => (
            "audits de sécurité et formation des agents publics",
            "security audits and training for civil servants",
        ),
        Sector::ECommerce => (
            "boutique en ligne et livraison pour les artisans",
            "online shop and delivery for craftspeople",
        ),
        Sector::ETransport => (
            "réservation de places dans les cars interurbains",
            "seat booking on intercity coaches",
        ),
        Sector::EAdministration | Sector::CivicTech => (
            "démarches administratives et état civil en ligne",
            "online civil registration and public procedures",
        ),
        Sector::Ai => (
            "reconnaissance vocale des langues nationales",
            "speech recognition for national languages",
        ),
        Sector::Robotics => (
            "drones de cartographie des parcelles",
            "drones mapping farm plots",
        ),
        Sector::EEnvironment => (
            "suivi des crues et alertes pour les riverains du fleuve",
            "flood monitoring and alerts for riverside communities",
        ),
        Sector::ECulture => (
            "diffusion en ligne des musiques et du patrimoine",
            "online distribution of music and heritage",
        ),
        Sector::LegalTech => (
            "information juridique et modèles de contrats en langues nationales",
            "legal information and contract templates in national languages",
        ),
        Sector::EPost => (
            "adressage et colis entre villes secondaires",
            "addressing and parcels between secondary towns",
        ),
    }
}

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

fn kind_of(i: usize) -> ActorKind {
    match i % 20 {
        0..=8 => ActorKind::Startup,
        9..=11 => ActorKind::Sme,
        12 => ActorKind::Incubator,
        13 => ActorKind::Investor,
        14 | 15 => ActorKind::CivilSociety,
        16 => ActorKind::PublicService,
        17 => ActorKind::University,
        18 => ActorKind::Partner,
        _ => ActorKind::Media,
    }
}

fn name(rng: &mut StdRng, kind: ActorKind, town: &str, i: usize) -> String {
    let word = pick(rng, &WORDS);
    let base = match kind {
        ActorKind::Startup | ActorKind::Sme => format!("{word} {}", pick(rng, &STARTUP_SUFFIXES)),
        ActorKind::Incubator => format!("{word} Hub {town}"),
        ActorKind::Investor => format!("{word} Capital"),
        ActorKind::CivilSociety => format!("Association {word} des femmes du numérique de {town}"),
        ActorKind::PublicService => format!("Espace numérique public de {town}"),
        ActorKind::University => format!("Institut {word} des métiers du numérique"),
        ActorKind::Partner => format!("Programme {word} pour l'innovation"),
        ActorKind::Media => format!("{word} FM"),
    };
    // Made-up names may repeat; the number keeps them apart (and says "demo" once more).
    format!("{base} {}", i + 1)
}

fn profile(rng: &mut StdRng, i: usize) -> ActorProfile {
    let kind = kind_of(i);
    let (country, region, town) = if rng.gen_bool(0.8) {
        let (region, town) = *pick(rng, &TOWNS);
        (country::MALI, Some(region), town)
    } else {
        let (country, town) = *pick(rng, &OTHER_TOWNS);
        (country, None, town)
    };
    let mut sectors: Vec<Sector> = Sector::ALL.to_vec();
    sectors.shuffle(rng);
    let sectors: BTreeSet<Sector> = sectors.into_iter().take(rng.gen_range(1..=3)).collect();
    let main = sectors.iter().next().copied().unwrap_or(Sector::EHealth);
    let (what_fr, what_en) = activity(main);
    let name = name(rng, kind, town, i);
    let funding_sought = if kind.is_company() && rng.gen_bool(0.5) {
        format!("{} millions de FCFA", 5 * rng.gen_range(1..=20))
    } else {
        String::new()
    };
    let funding_offered = if kind.offers_funding() {
        "Subventions et prises de participation de 10 à 100 millions de FCFA".to_owned()
    } else {
        String::new()
    };
    let hidden: BTreeSet<Hideable> = if rng.gen_bool(0.2) {
        [Hideable::TeamSize].into()
    } else {
        BTreeSet::new()
    };
    ActorProfile {
        kind,
        description_fr: format!("Donnée de démonstration. {name} : {what_fr}."),
        description_en: format!("Demo data. {name}: {what_en}."),
        name,
        country,
        region,
        town: town.to_owned(),
        stage: kind.is_company().then(|| *pick(rng, Stage::ALL)),
        founded_year: Some(rng.gen_range(2008..=2025)),
        team_size: Some(rng.gen_range(2..=40)),
        women_led: rng.gen_bool(0.35),
        young_founders: rng.gen_bool(0.6),
        website: None,
        social_links: Vec::new(),
        contact_email: None,
        funding_sought,
        funding_offered,
        sectors,
        hidden,
    }
}

/// Writes the demo's actors once (a second run finds them and writes nothing).
pub async fn seed(app: &AppState) -> anyhow::Result<()> {
    if super::queries::demo_count(&app.db).await? > 0 {
        return Ok(());
    }
    let mut rng = StdRng::seed_from_u64(13);
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    for i in 0..ACTORS {
        let status = if i + PENDING >= ACTORS {
            Status::Pending
        } else {
            Status::Published
        };
        let origin = Origin {
            source: Source::Demo,
            owner_id: None,
            status,
        };
        actions::register(&mut tx, &profile(&mut rng, i), &origin, (None, now)).await?;
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_made_up_profile_passes_the_registration_checks() {
        let mut rng = StdRng::seed_from_u64(13);
        for i in 0..ACTORS {
            let p = profile(&mut rng, i);
            let input = super::super::rules::ActorInput {
                kind: p.kind.as_str().into(),
                name: p.name.clone(),
                description_fr: p.description_fr.clone(),
                description_en: p.description_en.clone(),
                country: p.country.as_str().into(),
                region: p.region.map(|r| r.as_str().into()).unwrap_or_default(),
                town: p.town.clone(),
                stage: p.stage.map(|s| s.as_str().into()).unwrap_or_default(),
                founded_year: p.founded_year.map(|y| y.to_string()).unwrap_or_default(),
                team_size: p.team_size.map(|n| n.to_string()).unwrap_or_default(),
                women_led: p.women_led.then(|| "yes".into()),
                young_founders: p.young_founders.then(|| "yes".into()),
                funding_sought: p.funding_sought.clone(),
                funding_offered: p.funding_offered.clone(),
                sectors: p.sectors.iter().map(|s| s.as_str().into()).collect(),
                private: p.hidden.iter().map(|h| h.as_str().into()).collect(),
                ..Default::default()
            };
            assert_eq!(super::super::rules::check_actor(&input, 2026), Ok(p));
        }
    }
}
