//! The demo's stands at the 2026 edition: start-ups in hall A, the AES delegations and the
//! guest of honour (for the demo, Burkina Faso) in hall B, partners at the entrance; two stands
//! left free. Written through the organisers' use cases; the exhibitors are kinds of
//! institution, the start-ups made up.

use super::actions;
use super::rules::{Allocation, ExhibitorKind, NewStand};
use crate::calls::queries::EditionRow;
use crate::web::state::AppState;

/// Number, zone, size (m²), holder (kind, name, description) or free.
type Stand = (
    &'static str,
    &'static str,
    i64,
    Option<(ExhibitorKind, &'static str, &'static str)>,
);

const STANDS: [Stand; 9] = [
    (
        "A1",
        "Hall A — Start-up",
        9,
        Some((
            ExhibitorKind::Startup,
            "Start-up agritech",
            "Irrigation pilotée par SMS pour les maraîchers.",
        )),
    ),
    (
        "A2",
        "Hall A — Start-up",
        9,
        Some((
            ExhibitorKind::Startup,
            "Fintech sahélienne",
            "Paiement marchand hors ligne par USSD.",
        )),
    ),
    (
        "A3",
        "Hall A — Start-up",
        9,
        Some((
            ExhibitorKind::Startup,
            "Santé connectée",
            "Carnet de vaccination numérique.",
        )),
    ),
    ("A4", "Hall A — Start-up", 9, None),
    (
        "B1",
        "Hall B — AES",
        36,
        Some((
            ExhibitorKind::GuestCountry,
            "Burkina Faso, pays invité d'honneur",
            "Le numérique burkinabè à l'honneur.",
        )),
    ),
    (
        "B2",
        "Hall B — AES",
        24,
        Some((ExhibitorKind::Delegation, "Délégation du Niger", "")),
    ),
    (
        "B3",
        "Hall B — AES",
        24,
        Some((ExhibitorKind::Delegation, "Délégation du Mali", "")),
    ),
    (
        "P1",
        "Entrée — Partenaires",
        18,
        Some((
            ExhibitorKind::Partner,
            "Opérateur de télécommunications",
            "Connexion du site et démonstrations 5G.",
        )),
    ),
    ("P2", "Entrée — Partenaires", 18, None),
];

pub async fn seed(app: &AppState, edition: &EditionRow, admin_id: i64) -> anyhow::Result<()> {
    let by = (admin_id, app.now_ms());
    let mut tx = app.db.begin().await?;
    for (number, zone, size_m2, holder) in STANDS {
        let stand = NewStand {
            number: number.into(),
            zone: zone.into(),
            size_m2,
        };
        actions::add_stand(&mut tx, edition, &stand, by)
            .await?
            .map_err(|e| anyhow::anyhow!("demo stand {number}: {e:?}"))?;
        if let Some((kind, exhibitor, description)) = holder {
            let to = Allocation {
                kind,
                exhibitor: exhibitor.into(),
                description: description.into(),
            };
            actions::allocate(&mut tx, edition, number, Some(&to), by)
                .await?
                .map_err(|e| anyhow::anyhow!("demo stand {number}: {e:?}"))?;
        }
    }
    tx.commit().await?;
    Ok(())
}
