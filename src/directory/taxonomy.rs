//! The directory's closed lists: kinds of actors, Mali's regions, a company's stage. Each
//! value is stored as its slug and labelled in Fluent (`directory-kind-…`, `region-…`,
//! `directory-stage-…`). No I/O.

/// An enum of slugs: `ALL`, `as_str`, `parse` and the Fluent key of its label.
macro_rules! slugs {
    ($(#[$meta:meta])* $name:ident, $prefix:literal, [$($variant:ident => $slug:literal),+ $(,)?]) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $slug),+
                }
            }

            pub fn parse(s: &str) -> Option<$name> {
                let s = s.trim();
                Self::ALL.iter().copied().find(|x| x.as_str() == s)
            }

            /// The Fluent key of its label.
            pub fn label_key(self) -> String {
                format!("{}{}", $prefix, self.as_str().replace('_', "-"))
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                $name::parse(&s).ok_or_else(|| format!("unknown {} {s:?}", stringify!($name)))
            }
        }
    };
}
pub(crate) use slugs;

slugs!(
    /// What an actor of the ecosystem is.
    ActorKind, "directory-kind-", [
        Startup => "startup",
        Sme => "sme",
        Incubator => "incubator",
        Investor => "investor",
        CivilSociety => "civil_society",
        PublicService => "public_service",
        University => "university",
        Partner => "partner",
        Media => "media",
    ]
);

impl ActorKind {
    /// Start-ups and SMEs have a stage; other actors do not.
    pub fn is_company(self) -> bool {
        matches!(self, ActorKind::Startup | ActorKind::Sme)
    }

    /// Investors and partners offer funding rather than seek it.
    pub fn offers_funding(self) -> bool {
        matches!(self, ActorKind::Investor | ActorKind::Partner)
    }
}

slugs!(
    /// Mali's administrative regions (the 19 regions in force since 2023) and the Bamako district.
    MaliRegion, "region-", [
        Bamako => "bamako",
        Kayes => "kayes",
        Koulikoro => "koulikoro",
        Sikasso => "sikasso",
        Segou => "segou",
        Mopti => "mopti",
        Tombouctou => "tombouctou",
        Gao => "gao",
        Kidal => "kidal",
        Taoudeni => "taoudeni",
        Menaka => "menaka",
        Nioro => "nioro",
        Kita => "kita",
        Dioila => "dioila",
        Nara => "nara",
        Bougouni => "bougouni",
        Koutiala => "koutiala",
        San => "san",
        Douentza => "douentza",
        Bandiagara => "bandiagara",
    ]
);

slugs!(
    /// How far a company has come.
    Stage, "directory-stage-", [
        Idea => "idea",
        Prototype => "prototype",
        Launch => "launch",
        Growth => "growth",
        Established => "established",
    ]
);

slugs!(
    /// Where a profile stands with the organisers: only a published one is public.
    Status, "directory-status-", [
        Pending => "pending",
        Published => "published",
        Rejected => "rejected",
    ]
);

slugs!(
    /// How a profile came in.
    Source, "directory-source-", [
        SelfRegistered => "self",
        Application => "application",
        Import => "import",
        Demo => "demo",
    ]
);

slugs!(
    /// Where a bulk import stands: previewed, then running (in the background, with its
    /// progress), then imported; or cancelled, or failed (nothing written).
    ImportStatus, "directory-import-status-", [
        Previewed => "previewed",
        Running => "running",
        Imported => "imported",
        Cancelled => "cancelled",
        Failed => "failed",
    ]
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_slug_parses_back_and_nothing_else_does() {
        for k in ActorKind::ALL {
            assert_eq!(ActorKind::parse(k.as_str()), Some(*k));
        }
        for r in MaliRegion::ALL {
            assert_eq!(MaliRegion::parse(r.as_str()), Some(*r));
        }
        for s in Stage::ALL {
            assert_eq!(Stage::parse(s.as_str()), Some(*s));
        }
        assert_eq!(MaliRegion::ALL.len(), 20);
        assert_eq!(MaliRegion::parse("Atlantis"), None);
        assert_eq!(ActorKind::parse("startup%"), None);
    }

    #[test]
    fn every_value_has_a_label_in_both_languages() {
        use crate::domain::sector::Sector;
        use crate::i18n::{tr, Lang};
        let keys = ActorKind::ALL
            .iter()
            .map(|x| x.label_key())
            .chain(MaliRegion::ALL.iter().map(|x| x.label_key()))
            .chain(Stage::ALL.iter().map(|x| x.label_key()))
            .chain(Status::ALL.iter().map(|x| x.label_key()))
            .chain(Source::ALL.iter().map(|x| x.label_key()))
            .chain(Sector::ALL.iter().map(|x| x.label_key()))
            .chain(
                crate::directory::rules::Hideable::ALL
                    .iter()
                    .map(|x| x.label_key()),
            )
            .chain(
                crate::opportunities::rules::OpportunityKind::ALL
                    .iter()
                    .map(|x| x.label_key()),
            );
        for key in keys {
            for lang in [Lang::Fr, Lang::En] {
                let label = tr(lang, &key);
                assert!(!label.is_empty() && label != key, "{key} in {lang:?}");
            }
        }
    }

    #[test]
    fn labels_have_dashes_not_underscores() {
        assert_eq!(
            ActorKind::CivilSociety.label_key(),
            "directory-kind-civil-society"
        );
        assert_eq!(MaliRegion::Segou.label_key(), "region-segou");
    }
}
