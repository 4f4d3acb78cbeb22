//! Networking's pure rules: what a profile holds, which slot a meeting may take, how a request
//! moves from state to state, and how many requests a person may send in a day. No I/O.

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;

/// The longest organisation name (as on the badge).
pub const ORGANISATION_MAX: usize = 80;
/// The longest "what I look for" and "what I offer".
pub const TEXT_MAX: usize = 300;
/// The longest message of a request, and place of a meeting.
pub const MESSAGE_MAX: usize = 300;
pub const PLACE_MAX: usize = 80;
/// Meetings last from a quarter of an hour to an hour.
pub const MINUTES_MIN: i64 = 15;
pub const MINUTES_MAX: i64 = 60;
/// Requests a person may send in any 24 hours (cancelled ones count: a spammer could
/// otherwise send and cancel at will).
pub const DAILY_LIMIT: i64 = 10;
pub const DAY_MS: i64 = 24 * 3600 * 1000;

/// The sectors a profile chooses from (the directory's filter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sector {
    Agriculture,
    Commerce,
    Cybersecurity,
    Education,
    Energy,
    Finance,
    Health,
    Media,
    PublicService,
    Telecom,
    Other,
}

impl Sector {
    pub const ALL: [Sector; 11] = [
        Sector::Agriculture,
        Sector::Commerce,
        Sector::Cybersecurity,
        Sector::Education,
        Sector::Energy,
        Sector::Finance,
        Sector::Health,
        Sector::Media,
        Sector::PublicService,
        Sector::Telecom,
        Sector::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Sector::Agriculture => "agriculture",
            Sector::Commerce => "commerce",
            Sector::Cybersecurity => "cybersecurity",
            Sector::Education => "education",
            Sector::Energy => "energy",
            Sector::Finance => "finance",
            Sector::Health => "health",
            Sector::Media => "media",
            Sector::PublicService => "public_service",
            Sector::Telecom => "telecom",
            Sector::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Sector> {
        Sector::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

impl TryFrom<String> for Sector {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Sector::parse(&s).ok_or_else(|| format!("unknown sector {s:?}"))
    }
}

/// A profile as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
pub struct ProfileInput {
    #[serde(default)]
    pub organisation: String,
    #[serde(default)]
    pub sector: String,
    #[serde(default)]
    pub looking_for: String,
    #[serde(default)]
    pub offers: String,
    /// A checkbox: present when ticked.
    #[serde(default)]
    pub contact_consent: Option<String>,
}

/// A profile that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub organisation: String,
    pub sector: Sector,
    pub looking_for: String,
    pub offers: String,
    pub contact_consent: bool,
}

/// Checks a profile; refused, the Fluent key of each wrong field.
pub fn check_profile(input: &ProfileInput) -> Result<Profile, Vec<(&'static str, &'static str)>> {
    let mut errors = Vec::new();
    let organisation = input.organisation.trim();
    if organisation.chars().count() > ORGANISATION_MAX {
        errors.push(("organisation", "networking-error-organisation-long"));
    }
    let sector = Sector::parse(input.sector.trim());
    if sector.is_none() {
        errors.push(("sector", "networking-error-sector"));
    }
    let looking_for = input.looking_for.trim();
    if looking_for.is_empty() {
        errors.push(("looking_for", "networking-error-looking-for"));
    } else if looking_for.chars().count() > TEXT_MAX {
        errors.push(("looking_for", "networking-error-text-long"));
    }
    let offers = input.offers.trim();
    if offers.chars().count() > TEXT_MAX {
        errors.push(("offers", "networking-error-text-long"));
    }
    match sector {
        Some(sector) if errors.is_empty() => Ok(Profile {
            organisation: organisation.to_owned(),
            sector,
            looking_for: looking_for.to_owned(),
            offers: offers.to_owned(),
            contact_consent: input.contact_consent.is_some(),
        }),
        _ => Err(errors),
    }
}

/// The event's days in its time zone, the frame of every meeting.
#[derive(Debug, Clone)]
pub struct EventDays {
    pub first: Date,
    pub last: Date,
    pub tz: TimeZone,
}

impl EventDays {
    /// The edition's days; `None` when its stored dates do not read (or are reversed).
    pub fn of(starts_on: &str, ends_on: &str, tz: &TimeZone) -> Option<EventDays> {
        let first: Date = starts_on.trim().parse().ok()?;
        let last: Date = ends_on.trim().parse().ok()?;
        (first <= last).then(|| EventDays {
            first,
            last,
            tz: tz.clone(),
        })
    }

    /// Every day of the event, in order.
    pub fn days(&self) -> Vec<Date> {
        let mut out = Vec::new();
        let mut day = self.first;
        while day <= self.last {
            out.push(day);
            match day.tomorrow() {
                Ok(next) => day = next,
                Err(_) => break,
            }
        }
        out
    }
}

/// A slot as typed: a day of the event and two times of day.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SlotInput {
    pub day: String,
    pub from: String,
    pub to: String,
}

/// A slot that passed every check, UTC milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub starts_at: i64,
    pub ends_at: i64,
}

/// Why a slot was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotError {
    Unreadable,
    OutsideEvent,
    EndsBeforeStart,
    TooShort,
    TooLong,
    Past,
}

impl SlotError {
    pub fn key(self) -> &'static str {
        match self {
            SlotError::Unreadable => "networking-error-slot-unreadable",
            SlotError::OutsideEvent => "networking-error-slot-outside",
            SlotError::EndsBeforeStart => "networking-error-slot-order",
            SlotError::TooShort => "networking-error-slot-short",
            SlotError::TooLong => "networking-error-slot-long",
            SlotError::Past => "networking-error-slot-past",
        }
    }
}

/// Checks a proposed slot: on a day of the event (in its zone), ending after it starts,
/// 15 to 60 minutes long, not begun yet at `now`.
pub fn check_slot(input: &SlotInput, days: &EventDays, now_ms: i64) -> Result<Slot, SlotError> {
    let day: Date = input
        .day
        .trim()
        .parse()
        .map_err(|_| SlotError::Unreadable)?;
    let from: Time = input
        .from
        .trim()
        .parse()
        .map_err(|_| SlotError::Unreadable)?;
    let to: Time = input.to.trim().parse().map_err(|_| SlotError::Unreadable)?;
    if day < days.first || day > days.last {
        return Err(SlotError::OutsideEvent);
    }
    let at = |time: Time| {
        day.to_datetime(time)
            .to_zoned(days.tz.clone())
            .map(|z| z.timestamp().as_millisecond())
            .map_err(|_| SlotError::Unreadable)
    };
    let (starts_at, ends_at) = (at(from)?, at(to)?);
    if ends_at <= starts_at {
        return Err(SlotError::EndsBeforeStart);
    }
    let minutes = (ends_at - starts_at) / 60_000;
    if minutes < MINUTES_MIN {
        return Err(SlotError::TooShort);
    }
    if minutes > MINUTES_MAX {
        return Err(SlotError::TooLong);
    }
    if starts_at <= now_ms {
        return Err(SlotError::Past);
    }
    Ok(Slot { starts_at, ends_at })
}

/// A request's short message and place, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
pub struct RequestInput {
    #[serde(default)]
    pub day: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub message: String,
}

impl RequestInput {
    pub fn slot(&self) -> SlotInput {
        SlotInput {
            day: self.day.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
        }
    }
}

/// Checks the place and message (plain text, shown escaped); refused, the field and key.
pub fn check_words(input: &RequestInput) -> Result<(String, String), (&'static str, &'static str)> {
    let place = input.place.trim();
    if place.chars().count() > PLACE_MAX {
        return Err(("place", "networking-error-place-long"));
    }
    let message = input.message.trim();
    if message.chars().count() > MESSAGE_MAX {
        return Err(("message", "networking-error-message-long"));
    }
    Ok((place.to_owned(), message.to_owned()))
}

/// Where a meeting request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pending,
    Accepted,
    Declined,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Pending,
        Status::Accepted,
        Status::Declined,
        Status::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Accepted => "accepted",
            Status::Declined => "declined",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

impl TryFrom<String> for Status {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Status::parse(&s).ok_or_else(|| format!("unknown meeting status {s:?}"))
    }
}

/// Which end of a request a person holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Sender,
    Recipient,
}

/// What a person does to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    Accept,
    Decline,
    Cancel,
}

impl Act {
    pub const ALL: [Act; 3] = [Act::Accept, Act::Decline, Act::Cancel];

    pub fn as_str(self) -> &'static str {
        match self {
            Act::Accept => "accept",
            Act::Decline => "decline",
            Act::Cancel => "cancel",
        }
    }

    pub fn parse(s: &str) -> Option<Act> {
        Act::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// The state a request moves to, if `side` may do `act` now: the recipient accepts or
/// declines a pending request; either side cancels one pending or accepted. Declined and
/// cancelled requests are over.
pub fn next(status: Status, side: Side, act: Act) -> Option<Status> {
    match (status, side, act) {
        (Status::Pending, Side::Recipient, Act::Accept) => Some(Status::Accepted),
        (Status::Pending, Side::Recipient, Act::Decline) => Some(Status::Declined),
        (Status::Pending | Status::Accepted, _, Act::Cancel) => Some(Status::Cancelled),
        _ => None,
    }
}

/// Whether one more request may be sent, given those sent in the last 24 hours.
pub fn under_daily_limit(sent_last_day: i64) -> bool {
    sent_last_day < DAILY_LIMIT
}

/// Whether the owner's contact details are shown to the other person of a request.
pub fn shows_contact(status: Status, owner_consents: bool) -> bool {
    status == Status::Accepted && owner_consents
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn bamako() -> TimeZone {
        TimeZone::get("Africa/Bamako").expect("bundled zone")
    }

    fn days() -> EventDays {
        EventDays::of("2027-01-28", "2027-01-30", &bamako()).expect("days")
    }

    fn slot(day: &str, from: &str, to: &str) -> SlotInput {
        SlotInput {
            day: day.into(),
            from: from.into(),
            to: to.into(),
        }
    }

    fn now() -> i64 {
        let t: jiff::Timestamp = "2026-11-02T09:00:00Z".parse().expect("instant");
        t.as_millisecond()
    }

    #[test]
    fn a_half_hour_on_the_second_day_is_a_slot() {
        let s = check_slot(&slot("2027-01-29", "10:00", "10:30"), &days(), now()).expect("ok");
        assert_eq!(s.ends_at - s.starts_at, 30 * 60_000);
        let t: jiff::Timestamp = "2027-01-29T10:00:00Z".parse().expect("instant");
        assert_eq!(s.starts_at, t.as_millisecond(), "Bamako is UTC+0");
    }

    #[test]
    fn slots_are_refused_for_each_reason() {
        let d = days();
        let n = now();
        let cases = [
            (
                slot("2027-01-27", "10:00", "10:30"),
                SlotError::OutsideEvent,
            ),
            (
                slot("2027-01-31", "10:00", "10:30"),
                SlotError::OutsideEvent,
            ),
            (
                slot("2027-01-29", "10:30", "10:00"),
                SlotError::EndsBeforeStart,
            ),
            (
                slot("2027-01-29", "10:00", "10:00"),
                SlotError::EndsBeforeStart,
            ),
            (slot("2027-01-29", "10:00", "10:10"), SlotError::TooShort),
            (slot("2027-01-29", "10:00", "11:30"), SlotError::TooLong),
            (slot("29/01/2027", "10:00", "10:30"), SlotError::Unreadable),
            (
                slot("2027-01-29", "dix heures", "10:30"),
                SlotError::Unreadable,
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(check_slot(&input, &d, n), Err(expected), "{input:?}");
        }
        let during: jiff::Timestamp = "2027-01-29T12:00:00Z".parse().expect("instant");
        let past = check_slot(
            &slot("2027-01-29", "10:00", "10:30"),
            &d,
            during.as_millisecond(),
        );
        assert_eq!(past, Err(SlotError::Past));
    }

    #[test]
    fn the_event_days_are_listed_and_reversed_dates_refused() {
        assert_eq!(days().days().len(), 3);
        assert!(EventDays::of("2027-01-30", "2027-01-28", &bamako()).is_none());
        assert!(EventDays::of("soon", "2027-01-28", &bamako()).is_none());
    }

    #[test]
    fn a_profile_needs_a_sector_and_what_one_looks_for() {
        let input = ProfileInput {
            organisation: "  Orange Digital Center ".into(),
            sector: "telecom".into(),
            looking_for: "Des partenaires".into(),
            offers: String::new(),
            contact_consent: Some("yes".into()),
        };
        let p = check_profile(&input).expect("valid");
        assert_eq!(p.organisation, "Orange Digital Center");
        assert!(p.contact_consent);
        let bad = ProfileInput {
            sector: "astrology".into(),
            looking_for: " ".into(),
            offers: "x".repeat(TEXT_MAX + 1),
            ..input
        };
        let fields: Vec<_> = check_profile(&bad)
            .expect_err("refused")
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(fields, ["sector", "looking_for", "offers"]);
    }

    #[test]
    fn only_the_recipient_answers_and_either_side_cancels() {
        use Side::*;
        assert_eq!(
            next(Status::Pending, Recipient, Act::Accept),
            Some(Status::Accepted)
        );
        assert_eq!(next(Status::Pending, Sender, Act::Accept), None);
        assert_eq!(next(Status::Pending, Sender, Act::Decline), None);
        assert_eq!(
            next(Status::Accepted, Sender, Act::Cancel),
            Some(Status::Cancelled)
        );
        assert_eq!(next(Status::Accepted, Recipient, Act::Decline), None);
    }

    #[test]
    fn the_daily_limit_stops_the_eleventh_request() {
        assert!(under_daily_limit(DAILY_LIMIT - 1));
        assert!(!under_daily_limit(DAILY_LIMIT));
    }

    fn any_status() -> impl Strategy<Value = Status> {
        prop::sample::select(Status::ALL.to_vec())
    }

    fn any_act() -> impl Strategy<Value = Act> {
        prop::sample::select(Act::ALL.to_vec())
    }

    fn any_side() -> impl Strategy<Value = Side> {
        prop::sample::select(vec![Side::Sender, Side::Recipient])
    }

    proptest! {
        #[test]
        fn finished_requests_never_move(side in any_side(), act in any_act()) {
            prop_assert_eq!(next(Status::Declined, side, act), None);
            prop_assert_eq!(next(Status::Cancelled, side, act), None);
        }

        #[test]
        fn no_move_leads_back_to_pending(status in any_status(), side in any_side(), act in any_act()) {
            prop_assert_ne!(next(status, side, act), Some(Status::Pending));
        }

        #[test]
        fn contacts_show_only_on_an_accepted_meeting_with_consent(status in any_status(), consent: bool) {
            prop_assert_eq!(shows_contact(status, consent), status == Status::Accepted && consent);
        }

        #[test]
        fn every_accepted_slot_lies_within_the_event_and_lasts_15_to_60_minutes(
            day in 0i64..6, from in 0i64..(24 * 60), minutes in -30i64..120,
        ) {
            let d = days();
            let date = d.first.checked_add(jiff::Span::new().days(day - 1)).expect("date");
            let to = from + minutes;
            let fmt = |m: i64| format!("{:02}:{:02}", m.div_euclid(60), m.rem_euclid(60));
            let input = slot(&date.to_string(), &fmt(from), &fmt(to));
            if let Ok(s) = check_slot(&input, &d, now()) {
                prop_assert!(date >= d.first && date <= d.last);
                let length = (s.ends_at - s.starts_at) / 60_000;
                prop_assert!((MINUTES_MIN..=MINUTES_MAX).contains(&length));
                prop_assert!(s.starts_at > now());
            }
        }

        #[test]
        fn words_over_the_limit_are_refused(len in 0usize..400) {
            let input = RequestInput { message: "é".repeat(len), ..RequestInput::default() };
            prop_assert_eq!(check_words(&input).is_ok(), len <= MESSAGE_MAX);
        }
    }
}
