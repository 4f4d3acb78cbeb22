//! What a stand is and who may hold one. Pure, no I/O.

use crate::domain::types::Lang;
use crate::i18n::tr;
use crate::web::forms::FieldErrors;

/// Who holds a stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExhibitorKind {
    /// A finalist start-up of the competition.
    Startup,
    /// An AES country's delegation.
    Delegation,
    /// The guest-of-honour country.
    GuestCountry,
    Partner,
}

impl ExhibitorKind {
    pub const ALL: [ExhibitorKind; 4] = [
        ExhibitorKind::Startup,
        ExhibitorKind::Delegation,
        ExhibitorKind::GuestCountry,
        ExhibitorKind::Partner,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ExhibitorKind::Startup => "startup",
            ExhibitorKind::Delegation => "delegation",
            ExhibitorKind::GuestCountry => "guest_country",
            ExhibitorKind::Partner => "partner",
        }
    }

    pub fn parse(s: &str) -> Option<ExhibitorKind> {
        ExhibitorKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The largest stand accepted, in square metres (the guest of honour's pavilion).
pub const MAX_SIZE_M2: i64 = 500;
const NUMBER_MAX: usize = 10;
const ZONE_MAX: usize = 80;
const NAME_MAX: usize = 120;
const DESCRIPTION_MAX: usize = 300;

/// A stand to add, as checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStand {
    pub number: String,
    pub zone: String,
    pub size_m2: i64,
}

/// Checks a new stand: a short number of letters, digits and dashes ("A12"), a zone, a size
/// in whole square metres.
pub fn parse_stand(
    (number, zone, size): (&str, &str, &str),
    lang: Lang,
) -> Result<NewStand, FieldErrors> {
    let mut errors = FieldErrors::default();
    let number = number.trim().to_uppercase();
    if number.is_empty() {
        errors.add("number", tr(lang, "field-required"));
    } else if number.chars().count() > NUMBER_MAX
        || !number
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        errors.add("number", tr(lang, "stands-bad-number"));
    }
    let zone = zone.trim().to_owned();
    if zone.is_empty() {
        errors.add("zone", tr(lang, "field-required"));
    } else if zone.chars().count() > ZONE_MAX {
        errors.add("zone", tr(lang, "stands-too-long"));
    }
    let size_m2 = size
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|s| (1..=MAX_SIZE_M2).contains(s));
    if size_m2.is_none() {
        errors.add("size_m2", tr(lang, "stands-bad-size"));
    }
    match size_m2 {
        Some(size_m2) if errors.is_empty() => Ok(NewStand {
            number,
            zone,
            size_m2,
        }),
        _ => Err(errors),
    }
}

/// Who is given a stand, as checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    pub kind: ExhibitorKind,
    pub exhibitor: String,
    pub description: String,
}

/// Checks an allocation: the kind of exhibitor, their name, an optional short description.
pub fn parse_allocation(
    (kind, exhibitor, description): (&str, &str, &str),
    lang: Lang,
) -> Result<Allocation, FieldErrors> {
    let mut errors = FieldErrors::default();
    let kind = ExhibitorKind::parse(kind.trim());
    if kind.is_none() {
        errors.add("kind", tr(lang, "field-required"));
    }
    let exhibitor = exhibitor.trim().to_owned();
    if exhibitor.is_empty() {
        errors.add("exhibitor", tr(lang, "field-required"));
    } else if exhibitor.chars().count() > NAME_MAX {
        errors.add("exhibitor", tr(lang, "stands-too-long"));
    }
    let description = description.trim().to_owned();
    if description.chars().count() > DESCRIPTION_MAX {
        errors.add("description", tr(lang, "stands-too-long"));
    }
    match kind {
        Some(kind) if errors.is_empty() => Ok(Allocation {
            kind,
            exhibitor,
            description,
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stand_has_a_plain_number_a_zone_and_a_size() {
        let stand = parse_stand(("a-12", " Hall A ", "9"), Lang::Fr).expect("valid");
        assert_eq!(stand.number, "A-12");
        assert_eq!(stand.zone, "Hall A");
        for (number, size, field) in [
            ("<b>", "9", "number"),
            ("", "9", "number"),
            ("A1", "0", "size_m2"),
            ("A1", "beaucoup", "size_m2"),
            ("A1", "501", "size_m2"),
        ] {
            let errors = parse_stand((number, "Hall", size), Lang::En).expect_err("refused");
            assert!(errors.get(field).is_some(), "{number} {size}");
        }
    }

    #[test]
    fn an_allocation_names_its_exhibitor() {
        let a = parse_allocation(("delegation", "Burkina Faso", ""), Lang::Fr).expect("valid");
        assert_eq!(a.kind, ExhibitorKind::Delegation);
        let errors = parse_allocation(("pirate", "", &"x".repeat(301)), Lang::Fr).expect_err("no");
        for field in ["kind", "exhibitor", "description"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
    }

    #[test]
    fn every_kind_is_named_in_both_languages() {
        for kind in ExhibitorKind::ALL {
            let key = format!("stands-kind-{}", kind.as_str());
            for lang in Lang::ALL {
                assert_ne!(tr(lang, &key), key);
            }
        }
    }
}
