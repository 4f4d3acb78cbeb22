//! Who registers how: the attendee categories, in-person or online participation, the states
//! of a registration and what a new registration becomes. Pure, no I/O.

/// An attendee category of the event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CategoryCode {
    Visitor,
    Press,
    /// An AES country's delegation.
    Delegation,
    Exhibitor,
    Speaker,
    /// Officials and VIPs.
    Official,
    /// The organisers' own staff.
    Staff,
}

impl CategoryCode {
    /// In the order the registration page lists them; a badge carries the index.
    pub const ALL: [CategoryCode; 7] = [
        CategoryCode::Visitor,
        CategoryCode::Press,
        CategoryCode::Delegation,
        CategoryCode::Exhibitor,
        CategoryCode::Speaker,
        CategoryCode::Official,
        CategoryCode::Staff,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CategoryCode::Visitor => "visitor",
            CategoryCode::Press => "press",
            CategoryCode::Delegation => "delegation",
            CategoryCode::Exhibitor => "exhibitor",
            CategoryCode::Speaker => "speaker",
            CategoryCode::Official => "official",
            CategoryCode::Staff => "staff",
        }
    }

    pub fn parse(s: &str) -> Option<CategoryCode> {
        CategoryCode::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The number a badge carries.
    pub fn index(self) -> u8 {
        match self {
            CategoryCode::Visitor => 0,
            CategoryCode::Press => 1,
            CategoryCode::Delegation => 2,
            CategoryCode::Exhibitor => 3,
            CategoryCode::Speaker => 4,
            CategoryCode::Official => 5,
            CategoryCode::Staff => 6,
        }
    }

    /// How a new edition sets the category up: seats (`None`: no limit), whether an
    /// organiser approves each registration, whether people register themselves, and the
    /// badge's colour. Organisers change the seats and approval afterwards.
    pub fn defaults(self) -> CategoryDefaults {
        let (capacity, needs_approval, open_to_public, colour) = match self {
            CategoryCode::Visitor => (Some(3000), false, true, "#1f6f43"),
            // Press accreditation is checked by the communication team.
            CategoryCode::Press => (Some(150), true, true, "#b45309"),
            CategoryCode::Delegation => (Some(120), true, true, "#1d4ed8"),
            CategoryCode::Exhibitor => (Some(200), true, true, "#7c3aed"),
            CategoryCode::Speaker => (None, true, true, "#be123c"),
            // Officials are invited, not self-registered.
            CategoryCode::Official => (Some(100), false, false, "#111827"),
            CategoryCode::Staff => (None, false, false, "#4b5563"),
        };
        CategoryDefaults {
            capacity,
            needs_approval,
            open_to_public,
            colour,
        }
    }
}

/// See [`CategoryCode::defaults`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CategoryDefaults {
    pub capacity: Option<i64>,
    pub needs_approval: bool,
    pub open_to_public: bool,
    pub colour: &'static str,
}

/// How someone takes part: in the room (a seat and a badge) or online (links, no seat).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attendance {
    InPerson,
    Online,
}

impl Attendance {
    pub const ALL: [Attendance; 2] = [Attendance::InPerson, Attendance::Online];

    pub fn as_str(self) -> &'static str {
        match self {
            Attendance::InPerson => "in_person",
            Attendance::Online => "online",
        }
    }

    pub fn parse(s: &str) -> Option<Attendance> {
        Attendance::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// Where a registration stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Waits for an organiser's approval (press accreditation…).
    Pending,
    Confirmed,
    /// No seat was left; the first to wait gets the next seat freed.
    Waitlisted,
    /// An organiser declined it.
    Refused,
    /// Cancelled by the person (or an organiser): the seat is freed, the badge revoked.
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Pending,
        Status::Confirmed,
        Status::Waitlisted,
        Status::Refused,
        Status::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Confirmed => "confirmed",
            Status::Waitlisted => "waitlisted",
            Status::Refused => "refused",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Still counts: the person may not register a second time, and may cancel.
    pub fn is_live(self) -> bool {
        matches!(
            self,
            Status::Pending | Status::Confirmed | Status::Waitlisted
        )
    }
}

/// What a registration needs before it is confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// An organiser decides first.
    AwaitApproval,
    /// A seat, if one is left (else the waitlist).
    TakeSeat,
    /// Nothing: online participation takes no seat.
    Confirm,
}

/// What a new registration (or an approved one) needs, before any seat is counted.
pub fn admission(attendance: Attendance, needs_approval: bool, approved: bool) -> Admission {
    match (needs_approval && !approved, attendance) {
        (true, _) => Admission::AwaitApproval,
        (false, Attendance::InPerson) => Admission::TakeSeat,
        (false, Attendance::Online) => Admission::Confirm,
    }
}

/// Rows are decoded into these types once, when read.
macro_rules! decoded_from_text {
    ($($t:ty),*) => {$(
        impl TryFrom<String> for $t {
            type Error = crate::domain::types::UnknownValue;

            fn try_from(s: String) -> Result<Self, Self::Error> {
                <$t>::parse(&s).ok_or(crate::domain::types::UnknownValue(s))
            }
        }
    )*};
}
decoded_from_text!(CategoryCode, Attendance, Status);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::types::Lang;
    use crate::i18n::tr;

    #[test]
    fn codes_round_trip_and_badge_indexes_are_distinct() {
        let mut seen = std::collections::BTreeSet::new();
        for c in CategoryCode::ALL {
            assert_eq!(CategoryCode::parse(c.as_str()), Some(c));
            assert!(seen.insert(c.index()));
            assert_eq!(
                usize::from(c.index()),
                CategoryCode::ALL.iter().position(|x| *x == c).unwrap_or(99)
            );
        }
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        for a in Attendance::ALL {
            assert_eq!(Attendance::parse(a.as_str()), Some(a));
        }
    }

    #[test]
    fn every_category_status_and_attendance_is_named_in_both_languages() {
        let keys = CategoryCode::ALL
            .iter()
            .map(|c| format!("registration-category-{}", c.as_str()))
            .chain(
                Status::ALL
                    .iter()
                    .map(|s| format!("registration-status-{}", s.as_str())),
            )
            .chain(
                Attendance::ALL
                    .iter()
                    .map(|a| format!("registration-attendance-{}", a.as_str())),
            );
        for key in keys {
            for lang in Lang::ALL {
                assert_ne!(tr(lang, &key), key, "{key} in {lang:?}");
            }
        }
    }

    #[test]
    fn approval_comes_before_any_seat_and_online_takes_none() {
        use Admission::*;
        assert_eq!(admission(Attendance::InPerson, true, false), AwaitApproval);
        assert_eq!(admission(Attendance::Online, true, false), AwaitApproval);
        assert_eq!(admission(Attendance::InPerson, true, true), TakeSeat);
        assert_eq!(admission(Attendance::InPerson, false, false), TakeSeat);
        assert_eq!(admission(Attendance::Online, false, false), Confirm);
    }
}
