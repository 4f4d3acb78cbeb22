//! What a scan at the door means: the direction of the scan, the verdict on a badge, and what
//! a door phone may send. Pure, no I/O.

/// Entering or leaving a room (or the venue).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    In,
    Out,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::In => "in",
            Direction::Out => "out",
        }
    }

    pub fn parse(s: &str) -> Option<Direction> {
        match s {
            "in" => Some(Direction::In),
            "out" => Some(Direction::Out),
            _ => None,
        }
    }
}

/// The verdict on a badge with a valid signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Let in (or out).
    Admitted,
    /// This badge already entered this door today: someone may be using it twice.
    Duplicate,
    /// The registration was cancelled: the badge no longer lets anyone in.
    Revoked,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Admitted => "admitted",
            Verdict::Duplicate => "duplicate",
            Verdict::Revoked => "revoked",
        }
    }

    pub fn parse(s: &str) -> Option<Verdict> {
        [Verdict::Admitted, Verdict::Duplicate, Verdict::Revoked]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// The verdict on a genuine badge: revoked ones never pass; an entry is a duplicate when the
/// badge already entered the same door the same day. Leaving is always recorded as such.
pub fn verdict(revoked: bool, direction: Direction, entered_before: bool) -> Verdict {
    match (revoked, direction, entered_before) {
        (true, _, _) => Verdict::Revoked,
        (false, Direction::In, true) => Verdict::Duplicate,
        _ => Verdict::Admitted,
    }
}

/// The longest identifiers a phone may send (its own scan ids and device name).
pub const MAX_ID_CHARS: usize = 64;
/// The most scans one request may carry (a phone offline for a whole morning sends in parts).
pub const MAX_BATCH: usize = 500;

/// A phone's identifier: short, and only letters, digits, `-` and `_` (it ends up in lists).
pub fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_ID_CHARS
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A badge number typed by hand (the digits printed under the QR code), if that is what `s` is.
pub fn typed_number(s: &str) -> Option<u32> {
    let digits = s.trim().trim_start_matches(['N', 'n', '°', ' ']);
    (!digits.is_empty() && digits.len() <= 9 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

/// When a scan happened, as far as the server will believe the phone's clock: a clock more
/// than a day ahead of the server, or more than thirty days behind, is replaced by the time of
/// reception.
pub fn believable_instant(scanned_at: i64, received_at: i64) -> i64 {
    const DAY: i64 = 86_400_000;
    if scanned_at > received_at + DAY || scanned_at < received_at - 30 * DAY {
        received_at
    } else {
        scanned_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn revoked_badges_never_pass_and_a_second_entry_is_flagged() {
        assert_eq!(verdict(false, Direction::In, false), Verdict::Admitted);
        assert_eq!(verdict(false, Direction::In, true), Verdict::Duplicate);
        assert_eq!(verdict(false, Direction::Out, true), Verdict::Admitted);
        for d in [Direction::In, Direction::Out] {
            for before in [false, true] {
                assert_eq!(verdict(true, d, before), Verdict::Revoked);
            }
        }
        for v in [Verdict::Admitted, Verdict::Duplicate, Verdict::Revoked] {
            assert_eq!(Verdict::parse(v.as_str()), Some(v));
        }
    }

    #[test]
    fn badge_numbers_typed_by_hand() {
        assert_eq!(typed_number("000042"), Some(42));
        assert_eq!(typed_number(" N° 42 "), Some(42));
        assert_eq!(typed_number(""), None);
        assert_eq!(typed_number("42a"), None);
        assert_eq!(typed_number("9999999999"), None);
    }

    #[test]
    fn identifiers_are_short_and_plain() {
        assert!(is_identifier("door-1_a"));
        assert!(!is_identifier(""));
        assert!(!is_identifier("<script>"));
        assert!(!is_identifier(&"a".repeat(65)));
    }

    proptest! {
        #[test]
        fn a_believed_instant_is_never_far_from_reception(scanned in any::<i64>(), received in 0i64..4_000_000_000_000) {
            let at = believable_instant(scanned, received);
            prop_assert!(at <= received + 86_400_000);
            prop_assert!(at >= received - 30 * 86_400_000);
        }
    }
}
