//! The contest's rules, pure: its window and freeze, the submission lock-out, team names and
//! the organisers' settings.

use crate::web::forms::FieldErrors;

/// One minute, in the clock's milliseconds.
pub const MINUTE_MS: i64 = 60_000;
/// A lock-out doubles with each strike within this time of the previous one.
const STRIKES_FORGOTTEN_AFTER_MS: i64 = 60 * MINUTE_MS;
/// The longest lock-out.
const MAX_LOCKOUT_MS: i64 = 30 * MINUTE_MS;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Teams form; challenges are hidden from contestants.
    Before,
    Running,
    /// Running, and the public board shows the standings at the freeze.
    Frozen,
    Ended,
}

/// The contest's window: starts ≤ freeze < ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub starts_at: i64,
    pub ends_at: i64,
    pub freeze_at: Option<i64>,
}

impl Window {
    pub fn phase(&self, now: i64) -> Phase {
        if now < self.starts_at {
            Phase::Before
        } else if now >= self.ends_at {
            Phase::Ended
        } else if self.freeze_at.is_some_and(|f| now >= f) {
            Phase::Frozen
        } else {
            Phase::Running
        }
    }

    /// The instant the public board stands at, when it is frozen at `now` (the end too keeps
    /// it frozen until organisers reveal the final standings).
    pub fn public_board_until(&self, now: i64, revealed: bool) -> Option<i64> {
        match self.freeze_at {
            Some(f) if now >= f && !revealed => Some(f),
            _ => None,
        }
    }

    /// The next instant a page depending on the phase changes by itself.
    pub fn next_change(&self, now: i64) -> Option<i64> {
        [Some(self.starts_at), self.freeze_at, Some(self.ends_at)]
            .into_iter()
            .flatten()
            .filter(|t| *t > now)
            .min()
    }
}

/// The submission gate of a team or an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    Open,
    /// Locked until then (already, or by this attempt: then `strikes` is the new count).
    Locked {
        until: i64,
        strikes: Option<i64>,
    },
}

/// A lock-out as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lockout {
    pub strikes: i64,
    pub until: i64,
}

/// Whether one more submission may go through, given the submissions of the last minute.
/// Past `per_minute`, a lock-out starts: one minute, doubling with each strike within the
/// hour after the previous lock-out ended, up to half an hour.
pub fn gate(now: i64, last_minute: i64, per_minute: i64, lockout: Option<Lockout>) -> Gate {
    if let Some(l) = lockout {
        if now < l.until {
            return Gate::Locked {
                until: l.until,
                strikes: None,
            };
        }
    }
    if last_minute < per_minute {
        return Gate::Open;
    }
    let strikes = match lockout {
        Some(l) if now - l.until < STRIKES_FORGOTTEN_AFTER_MS => l.strikes + 1,
        _ => 1,
    };
    let length = MINUTE_MS
        .saturating_mul(1i64 << (strikes - 1).clamp(0, 20))
        .min(MAX_LOCKOUT_MS);
    Gate::Locked {
        until: now + length,
        strikes: Some(strikes),
    }
}

/// A team's name as shown on the public board: 2 to 40 characters, no control characters.
pub fn team_name(text: &str) -> Result<String, &'static str> {
    let name: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let count = name.chars().count();
    if count < 2 {
        return Err("ctf-team-name-short");
    }
    if count > 40 {
        return Err("ctf-team-name-long");
    }
    if name.chars().any(char::is_control) {
        return Err("ctf-team-name-invalid");
    }
    Ok(name)
}

/// The organisers' settings of the contest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub window: Window,
    pub mode: super::scoring::Mode,
    pub first_blood_bonus: i64,
    pub board_public: bool,
    pub team_size_max: i64,
    pub attempts_per_minute: i64,
    pub flag_prefix: String,
    pub standings_use: StandingsUse,
}

/// How the final standings feed the selection: organisers choose per contest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StandingsUse {
    /// They inform the jury's "challenges solved" criterion of each finalist (the 2026 call
    /// judges the hackathon like the other categories).
    Criterion,
    /// They are the hackathon category's podium and enter the special prize.
    Podium,
}

impl StandingsUse {
    pub const ALL: [StandingsUse; 2] = [StandingsUse::Criterion, StandingsUse::Podium];

    pub fn as_str(self) -> &'static str {
        match self {
            StandingsUse::Criterion => "criterion",
            StandingsUse::Podium => "podium",
        }
    }

    pub fn parse(s: &str) -> Option<StandingsUse> {
        Self::ALL.into_iter().find(|u| u.as_str() == s)
    }
}

/// The settings form as typed (instants already read in Bamako time by the page).
pub struct TypedSettings<'a> {
    pub starts_at: Option<i64>,
    pub ends_at: Option<i64>,
    pub freeze_at: Option<i64>,
    pub mode: &'a str,
    pub first_blood_bonus: &'a str,
    pub board_public: bool,
    pub team_size_max: &'a str,
    pub attempts_per_minute: &'a str,
    pub flag_prefix: &'a str,
    pub standings_use: &'a str,
}

fn number(
    errors: &mut FieldErrors,
    field: &str,
    text: &str,
    range: std::ops::RangeInclusive<i64>,
    lang: crate::domain::types::Lang,
) -> i64 {
    match text.trim().parse::<i64>() {
        Ok(n) if range.contains(&n) => n,
        _ => {
            errors.add(
                field,
                crate::i18n::tr_args(
                    lang,
                    "ctf-settings-number",
                    &[
                        ("min", range.start().to_string()),
                        ("max", range.end().to_string()),
                    ],
                ),
            );
            *range.start()
        }
    }
}

pub fn parse_settings(
    t: &TypedSettings<'_>,
    lang: crate::domain::types::Lang,
) -> Result<Settings, FieldErrors> {
    use crate::i18n::tr;
    let mut errors = FieldErrors::default();
    let mode = super::scoring::Mode::parse(t.mode);
    if mode.is_none() {
        errors.add("mode", tr(lang, "ctf-settings-mode"));
    }
    let first_blood_bonus = number(
        &mut errors,
        "first_blood_bonus",
        t.first_blood_bonus,
        0..=1_000,
        lang,
    );
    let team_size_max = number(&mut errors, "team_size_max", t.team_size_max, 1..=10, lang);
    let attempts_per_minute = number(
        &mut errors,
        "attempts_per_minute",
        t.attempts_per_minute,
        0..=1_000,
        lang,
    );
    let standings_use = StandingsUse::parse(t.standings_use);
    if standings_use.is_none() {
        errors.add("standings_use", tr(lang, "ctf-settings-standings-use"));
    }
    let prefix = t.flag_prefix.trim();
    if prefix.is_empty()
        || prefix.len() > 16
        || !prefix
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        errors.add("flag_prefix", tr(lang, "ctf-settings-prefix"));
    }
    let (Some(starts_at), Some(ends_at)) = (t.starts_at, t.ends_at) else {
        if t.starts_at.is_none() {
            errors.add("starts_at", tr(lang, "ctf-settings-instant"));
        }
        if t.ends_at.is_none() {
            errors.add("ends_at", tr(lang, "ctf-settings-instant"));
        }
        return Err(errors);
    };
    if ends_at <= starts_at {
        errors.add("ends_at", tr(lang, "ctf-settings-ends-before"));
    }
    if let Some(f) = t.freeze_at {
        if f <= starts_at || f >= ends_at {
            errors.add("freeze_at", tr(lang, "ctf-settings-freeze"));
        }
    }
    match (mode, standings_use) {
        (Some(mode), Some(standings_use)) if errors.is_empty() => Ok(Settings {
            window: Window {
                starts_at,
                ends_at,
                freeze_at: t.freeze_at,
            },
            mode,
            first_blood_bonus,
            board_public: t.board_public,
            team_size_max,
            attempts_per_minute,
            flag_prefix: prefix.to_owned(),
            standings_use,
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: Window = Window {
        starts_at: 1_000,
        ends_at: 10_000,
        freeze_at: Some(9_000),
    };

    #[test]
    fn the_phase_follows_the_window() {
        assert_eq!(W.phase(999), Phase::Before);
        assert_eq!(W.phase(1_000), Phase::Running);
        assert_eq!(W.phase(9_000), Phase::Frozen);
        assert_eq!(W.phase(10_000), Phase::Ended);
        assert_eq!(W.public_board_until(8_999, false), None);
        assert_eq!(W.public_board_until(9_500, false), Some(9_000));
        assert_eq!(
            W.public_board_until(20_000, false),
            Some(9_000),
            "until revealed"
        );
        assert_eq!(W.public_board_until(20_000, true), None);
        assert_eq!(W.next_change(0), Some(1_000));
        assert_eq!(W.next_change(9_000), Some(10_000));
        assert_eq!(W.next_change(10_000), None);
    }

    #[test]
    fn the_gate_locks_past_the_limit_and_each_strike_doubles() {
        assert_eq!(gate(0, 9, 10, None), Gate::Open);
        let first = gate(0, 10, 10, None);
        assert_eq!(
            first,
            Gate::Locked {
                until: MINUTE_MS,
                strikes: Some(1)
            }
        );
        let kept = Lockout {
            strikes: 1,
            until: MINUTE_MS,
        };
        // Still locked: refused without a new strike.
        assert_eq!(
            gate(30_000, 0, 10, Some(kept)),
            Gate::Locked {
                until: MINUTE_MS,
                strikes: None
            }
        );
        // Over the limit again soon after: two minutes.
        let now = MINUTE_MS + 1;
        assert_eq!(
            gate(now, 10, 10, Some(kept)),
            Gate::Locked {
                until: now + 2 * MINUTE_MS,
                strikes: Some(2)
            }
        );
        // Much later: forgotten, one minute again.
        let later = MINUTE_MS + STRIKES_FORGOTTEN_AFTER_MS + 1;
        assert_eq!(
            gate(later, 10, 10, Some(kept)),
            Gate::Locked {
                until: later + MINUTE_MS,
                strikes: Some(1)
            }
        );
        // Never more than the maximum.
        let many = Lockout {
            strikes: 40,
            until: 0,
        };
        assert_eq!(
            gate(1, 10, 10, Some(many)),
            Gate::Locked {
                until: 1 + MAX_LOCKOUT_MS,
                strikes: Some(41)
            }
        );
    }

    #[test]
    fn team_names_are_tidied_and_bounded() {
        assert_eq!(
            team_name("  Les   Cyber  Lionnes "),
            Ok("Les Cyber Lionnes".into())
        );
        assert_eq!(team_name("x"), Err("ctf-team-name-short"));
        assert_eq!(team_name(&"x".repeat(41)), Err("ctf-team-name-long"));
        assert_eq!(team_name("ab\u{7}c"), Err("ctf-team-name-invalid"));
    }
}
