//! The 18 domains of the call for applications: one taxonomy shared by the application forms,
//! the ecosystem directory, the funding opportunities and the statistics. Labels live in
//! Fluent (`sector-…`); values are the slugs the forms store.

/// One of the call's domains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Sector {
    EAdministration,
    EEnvironment,
    EPost,
    ESecurityDefence,
    CivicTech,
    Cybersecurity,
    EHealth,
    ETransport,
    EEducation,
    Fintech,
    Robotics,
    EnergyTech,
    EAgriculture,
    ECommerce,
    ECulture,
    LegalTech,
    Ai,
    ELearning,
}

impl Sector {
    pub const ALL: [Sector; 18] = [
        Sector::EAdministration,
        Sector::EEnvironment,
        Sector::EPost,
        Sector::ESecurityDefence,
        Sector::CivicTech,
        Sector::Cybersecurity,
        Sector::EHealth,
        Sector::ETransport,
        Sector::EEducation,
        Sector::Fintech,
        Sector::Robotics,
        Sector::EnergyTech,
        Sector::EAgriculture,
        Sector::ECommerce,
        Sector::ECulture,
        Sector::LegalTech,
        Sector::Ai,
        Sector::ELearning,
    ];

    /// The slug the application forms store (`e_health`).
    pub fn as_str(self) -> &'static str {
        match self {
            Sector::EAdministration => "e_administration",
            Sector::EEnvironment => "e_environment",
            Sector::EPost => "e_post",
            Sector::ESecurityDefence => "e_security_defence",
            Sector::CivicTech => "civictech",
            Sector::Cybersecurity => "cybersecurity",
            Sector::EHealth => "e_health",
            Sector::ETransport => "e_transport",
            Sector::EEducation => "e_education",
            Sector::Fintech => "fintech",
            Sector::Robotics => "robotics",
            Sector::EnergyTech => "energytech",
            Sector::EAgriculture => "e_agriculture",
            Sector::ECommerce => "e_commerce",
            Sector::ECulture => "e_culture",
            Sector::LegalTech => "legaltech",
            Sector::Ai => "ai",
            Sector::ELearning => "e_learning",
        }
    }

    pub fn parse(s: &str) -> Option<Sector> {
        let s = s.trim();
        Sector::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The Fluent key of its label (`sector-e-health`).
    pub fn label_key(self) -> String {
        format!("sector-{}", self.as_str().replace('_', "-"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_forms_offer_exactly_the_shared_sectors() {
        let offered: Vec<String> = crate::domain::seed_forms::domains()
            .into_iter()
            .map(|c| c.value)
            .collect();
        let shared: Vec<&str> = Sector::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(offered, shared);
    }

    #[test]
    fn slugs_parse_back() {
        for s in Sector::ALL {
            assert_eq!(Sector::parse(s.as_str()), Some(s));
        }
        assert_eq!(Sector::parse("e-health"), None);
        assert_eq!(Sector::parse("'; DROP TABLE actors; --"), None);
    }
}
