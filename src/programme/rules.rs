//! What makes a programme hold together, free of I/O: the kinds of session, a time slot that
//! ends after it starts, and the clashes refused — two sessions at once in one room, a speaker
//! in two places at once.

use std::fmt;

/// The longest a session may last: conference apps reading the schedule want durations under
/// a day, and nothing at the event lasts longer.
pub const MAX_SESSION_MS: i64 = 12 * 3_600_000;

/// What kind of session it is (the organisers' terms of reference list these).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SessionKind {
    Ceremony,
    Keynote,
    Panel,
    Pitch,
    Workshop,
    Coaching,
    Networking,
    Gala,
}

impl SessionKind {
    pub const ALL: [SessionKind; 8] = [
        SessionKind::Ceremony,
        SessionKind::Keynote,
        SessionKind::Panel,
        SessionKind::Pitch,
        SessionKind::Workshop,
        SessionKind::Coaching,
        SessionKind::Networking,
        SessionKind::Gala,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SessionKind::Ceremony => "ceremony",
            SessionKind::Keynote => "keynote",
            SessionKind::Panel => "panel",
            SessionKind::Pitch => "pitch",
            SessionKind::Workshop => "workshop",
            SessionKind::Coaching => "coaching",
            SessionKind::Networking => "networking",
            SessionKind::Gala => "gala",
        }
    }

    pub fn parse(s: &str) -> Option<SessionKind> {
        SessionKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl TryFrom<String> for SessionKind {
    type Error = crate::domain::types::UnknownValue;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        SessionKind::parse(&s).ok_or(crate::domain::types::UnknownValue(s))
    }
}

impl fmt::Display for SessionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// When a session takes place: from `starts_at` (included) to `ends_at` (excluded), in UTC
/// milliseconds. It cannot end before it starts, nor last longer than [`MAX_SESSION_MS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    starts_at: i64,
    ends_at: i64,
}

/// Why a slot was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotError {
    EndsBeforeStart,
    TooLong,
}

impl SlotError {
    /// The Fluent key of the message.
    pub fn key(self) -> &'static str {
        match self {
            SlotError::EndsBeforeStart => "programme-ends-before-start",
            SlotError::TooLong => "programme-too-long",
        }
    }
}

impl Slot {
    pub fn new(starts_at: i64, ends_at: i64) -> Result<Slot, SlotError> {
        if ends_at <= starts_at {
            Err(SlotError::EndsBeforeStart)
        } else if ends_at - starts_at > MAX_SESSION_MS {
            Err(SlotError::TooLong)
        } else {
            Ok(Slot { starts_at, ends_at })
        }
    }

    pub fn starts_at(self) -> i64 {
        self.starts_at
    }

    pub fn ends_at(self) -> i64 {
        self.ends_at
    }

    pub fn minutes(self) -> i64 {
        (self.ends_at - self.starts_at) / 60_000
    }

    /// Two slots overlap when one starts before the other ends: back to back is no overlap.
    pub fn overlaps(self, other: Slot) -> bool {
        self.starts_at < other.ends_at && other.starts_at < self.ends_at
    }
}

/// A session as far as clashes go: where, when and who speaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    /// The session's public id (a new session has none yet).
    pub session: Option<String>,
    pub room: Option<i64>,
    pub slot: Slot,
    pub speakers: Vec<i64>,
}

/// Why a booking cannot stand beside the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clash {
    /// The room already holds another session then.
    Room { session: String },
    /// The speaker already speaks elsewhere then.
    Speaker { speaker: i64, session: String },
}

/// The clashes of `new` with the sessions already booked (itself excluded, when it is an edit).
pub fn clashes(new: &Booking, booked: &[Booking]) -> Vec<Clash> {
    let mut found = Vec::new();
    for other in booked {
        let Some(other_id) = &other.session else {
            continue;
        };
        if new.session.as_ref() == Some(other_id) || !new.slot.overlaps(other.slot) {
            continue;
        }
        if new.room.is_some() && new.room == other.room {
            found.push(Clash::Room {
                session: other_id.clone(),
            });
        }
        for speaker in &new.speakers {
            if other.speakers.contains(speaker) {
                found.push(Clash::Speaker {
                    speaker: *speaker,
                    session: other_id.clone(),
                });
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const H: i64 = 3_600_000;

    fn booking(id: &str, room: Option<i64>, from: i64, to: i64, speakers: &[i64]) -> Booking {
        Booking {
            session: Some(id.to_owned()),
            room,
            slot: Slot::new(from * H, to * H).expect("a slot"),
            speakers: speakers.to_vec(),
        }
    }

    #[test]
    fn a_session_ending_before_it_starts_is_refused() {
        assert_eq!(Slot::new(10 * H, 9 * H), Err(SlotError::EndsBeforeStart));
        assert_eq!(Slot::new(10 * H, 10 * H), Err(SlotError::EndsBeforeStart));
        assert_eq!(Slot::new(0, 13 * H), Err(SlotError::TooLong));
        assert!(Slot::new(0, 12 * H).is_ok());
    }

    #[test]
    fn one_room_holds_one_session_at_a_time() {
        let booked = [booking("a", Some(1), 9, 11, &[])];
        let new = booking("b", Some(1), 10, 12, &[]);
        assert_eq!(
            clashes(&new, &booked),
            vec![Clash::Room {
                session: "a".into()
            }]
        );
        let next_door = booking("b", Some(2), 10, 12, &[]);
        assert!(clashes(&next_door, &booked).is_empty());
        let back_to_back = booking("b", Some(1), 11, 12, &[]);
        assert!(clashes(&back_to_back, &booked).is_empty());
    }

    #[test]
    fn a_speaker_is_in_one_place_at_a_time() {
        let booked = [booking("a", Some(1), 9, 11, &[7, 8])];
        let new = booking("b", Some(2), 10, 12, &[8]);
        assert_eq!(
            clashes(&new, &booked),
            vec![Clash::Speaker {
                speaker: 8,
                session: "a".into()
            }]
        );
    }

    #[test]
    fn an_edit_does_not_clash_with_itself() {
        let booked = [booking("a", Some(1), 9, 11, &[7])];
        let moved = booking("a", Some(1), 10, 12, &[7]);
        assert!(clashes(&moved, &booked).is_empty());
    }

    #[test]
    fn kinds_read_back_what_they_write() {
        for kind in SessionKind::ALL {
            assert_eq!(SessionKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(SessionKind::parse("party"), None);
    }

    proptest! {
        /// Overlap is symmetric, and a room clash is found exactly when the slots overlap.
        #[test]
        fn room_clashes_are_exactly_overlaps(a in 0i64..48, la in 1i64..12, b in 0i64..48, lb in 1i64..12) {
            let x = booking("x", Some(1), a, a + la, &[]);
            let y = booking("y", Some(1), b, b + lb, &[]);
            prop_assert_eq!(x.slot.overlaps(y.slot), y.slot.overlaps(x.slot));
            let overlap = a < b + lb && b < a + la;
            prop_assert_eq!(!clashes(&x, std::slice::from_ref(&y)).is_empty(), overlap);
        }
    }
}
