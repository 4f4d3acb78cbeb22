//! Flags, pure: what a contestant typed, how a challenge's flags are kept, and the check.
//!
//! A static flag is kept as its keyed hash under the server key (`crypto::ServerKey`, outside
//! the database) and compared in constant time; a regular-expression flag runs on the `regex`
//! crate, whose matching time grows linearly with the text whatever the pattern (no
//! catastrophic backtracking), matched whole, with a bounded compiled size. A per-team flag is
//! derived from the server key, the challenge and the team: nothing to store, and a flag passed
//! to another team names the team that passed it.

use data_encoding::BASE32_NOPAD;

use super::spec::FlagKind;
use crate::crypto::{constant_time_eq, ServerKey};

/// Longer than any real flag; bounds what a regular expression is run on.
pub const MAX_SUBMISSION_CHARS: usize = 256;
const MAX_PATTERN_CHARS: usize = 1_000;

impl FlagKind {
    pub const ALL: [FlagKind; 4] = [
        FlagKind::Static,
        FlagKind::StaticCaseInsensitive,
        FlagKind::Regex,
        FlagKind::RegexCaseInsensitive,
    ];

    /// Its stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            FlagKind::Static => "static",
            FlagKind::StaticCaseInsensitive => "static_ci",
            FlagKind::Regex => "regex",
            FlagKind::RegexCaseInsensitive => "regex_ci",
        }
    }

    pub fn parse(name: &str) -> Option<FlagKind> {
        FlagKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

/// What a contestant typed, without the spaces around it (copied from a terminal, a flag often
/// carries a newline or a space).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmissionError {
    Empty,
    TooLong,
}

impl SubmissionError {
    pub fn key(self) -> &'static str {
        match self {
            SubmissionError::Empty => "ctf-flag-empty",
            SubmissionError::TooLong => "ctf-flag-too-long",
        }
    }
}

impl Submission {
    pub fn parse(text: &str) -> Result<Submission, SubmissionError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(SubmissionError::Empty);
        }
        if text.chars().count() > MAX_SUBMISSION_CHARS {
            return Err(SubmissionError::TooLong);
        }
        Ok(Submission(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Characters outside printable ASCII: a wrong flag holding some is most often a
    /// look-alike (Cyrillic "а" for Latin "a", a zero-width space), which the page points out.
    pub fn has_look_alikes(&self) -> bool {
        self.0.chars().any(|c| !(c.is_ascii_graphic() || c == ' '))
    }

    /// The keyed hash attempts keep instead of the text: equal wrong flags typed by several
    /// teams show, what they typed does not.
    pub fn attempt_digest(&self, key: &ServerKey) -> String {
        hex::encode(key.mac("kene.ctf.attempt", self.0.as_bytes()))
    }
}

/// A flag as organisers type it into the editor or an import, before it is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFlag {
    pub kind: FlagKind,
    pub content: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlagError {
    Empty,
    TooLong,
    /// The pattern does not compile (or compiles too large); the crate's message.
    Pattern(String),
}

impl FlagError {
    pub fn key(&self) -> &'static str {
        match self {
            FlagError::Empty => "ctf-flag-content-empty",
            FlagError::TooLong => "ctf-flag-content-too-long",
            FlagError::Pattern(_) => "ctf-flag-pattern",
        }
    }
}

fn compile(pattern: &str, case_insensitive: bool) -> Result<regex::Regex, FlagError> {
    super::spec::flag_regex(pattern, case_insensitive)
        .map_err(|e| FlagError::Pattern(e.to_string()))
}

/// A flag as stored: the row's `digest` (hex) or `pattern`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptFlag {
    pub kind: FlagKind,
    pub digest: String,
    pub pattern: String,
}

impl NewFlag {
    /// What to store: the keyed hash of a static flag (its text is not kept), the pattern of
    /// a regular expression once it compiled.
    pub fn keep(&self, key: &ServerKey) -> Result<KeptFlag, FlagError> {
        let content = self.content.trim();
        if content.is_empty() {
            return Err(FlagError::Empty);
        }
        if self.kind.is_regex() {
            if content.chars().count() > MAX_PATTERN_CHARS {
                return Err(FlagError::TooLong);
            }
            compile(content, self.kind.is_case_insensitive())?;
            return Ok(KeptFlag {
                kind: self.kind,
                digest: String::new(),
                pattern: content.to_owned(),
            });
        }
        if content.chars().count() > MAX_SUBMISSION_CHARS {
            return Err(FlagError::TooLong);
        }
        Ok(KeptFlag {
            kind: self.kind,
            digest: hex::encode(static_digest(key, content, self.kind.is_case_insensitive())),
            pattern: String::new(),
        })
    }
}

fn static_digest(key: &ServerKey, text: &str, case_insensitive: bool) -> [u8; 32] {
    if case_insensitive {
        key.mac("kene.ctf.flag", text.to_lowercase().as_bytes())
    } else {
        key.mac("kene.ctf.flag", text.as_bytes())
    }
}

/// A challenge's flags, ready to check submissions against.
pub struct Checker {
    statics: Vec<([u8; 32], bool)>,
    patterns: Vec<regex::Regex>,
}

impl Checker {
    /// From the stored rows; a row that no longer decodes or compiles is a corrupt row.
    pub fn new(flags: &[KeptFlag]) -> Result<Checker, FlagError> {
        let mut checker = Checker {
            statics: Vec::new(),
            patterns: Vec::new(),
        };
        for flag in flags {
            if flag.kind.is_regex() {
                checker
                    .patterns
                    .push(compile(&flag.pattern, flag.kind.is_case_insensitive())?);
            } else {
                let bytes = hex::decode(&flag.digest)
                    .ok()
                    .and_then(|b| <[u8; 32]>::try_from(b).ok())
                    .ok_or_else(|| FlagError::Pattern("corrupt digest".into()))?;
                checker
                    .statics
                    .push((bytes, flag.kind.is_case_insensitive()));
            }
        }
        Ok(checker)
    }

    /// Whether `submission` is one of the flags. Every static flag is compared, in constant
    /// time, whatever matched before: the time taken says nothing about which is close.
    pub fn accepts(&self, key: &ServerKey, submission: &Submission) -> bool {
        let exact = static_digest(key, submission.as_str(), false);
        let folded = static_digest(key, submission.as_str(), true);
        let mut found = false;
        for (digest, case_insensitive) in &self.statics {
            let typed = if *case_insensitive { &folded } else { &exact };
            found |= constant_time_eq(typed, digest);
        }
        found
            || self
                .patterns
                .iter()
                .any(|p| p.is_match(submission.as_str()))
    }
}

/// The per-team flag of `team` for `challenge` (both public ids): `PREFIX{16 characters}`.
pub fn team_flag(key: &ServerKey, prefix: &str, challenge: &str, team: &str) -> String {
    let mac = key.mac(
        "kene.ctf.team-flag",
        format!("{challenge}\0{team}").as_bytes(),
    );
    let code = BASE32_NOPAD.encode(&mac[..10]).to_lowercase();
    format!("{prefix}{{{code}}}")
}

/// Whether `submission` is `team`'s flag for `challenge`, compared in constant time.
pub fn is_team_flag(
    key: &ServerKey,
    prefix: &str,
    challenge: &str,
    team: &str,
    submission: &Submission,
) -> bool {
    let expected = team_flag(key, prefix, challenge, team);
    constant_time_eq(expected.as_bytes(), submission.as_str().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(key: &ServerKey, kind: FlagKind, content: &str) -> KeptFlag {
        NewFlag {
            kind,
            content: content.into(),
        }
        .keep(key)
        .expect("a valid flag")
    }

    fn typed(text: &str) -> Submission {
        Submission::parse(text).expect("a submission")
    }

    #[test]
    fn a_static_flag_is_kept_as_a_keyed_hash_never_as_text() {
        let key = ServerKey::random();
        let flag = kept(&key, FlagKind::Static, "SDN{s3cr3t_fl4g}");
        assert!(flag.pattern.is_empty());
        assert!(!flag.digest.contains("s3cr3t"));
        assert_eq!(flag.digest.len(), 64);
        // Another server's key gives another hash: a dump alone does not allow guessing.
        let other = kept(&ServerKey::random(), FlagKind::Static, "SDN{s3cr3t_fl4g}");
        assert_ne!(flag.digest, other.digest);
    }

    #[test]
    fn static_flags_match_exactly_and_case_folded_ones_in_any_case() {
        let key = ServerKey::random();
        let checker = Checker::new(&[
            kept(&key, FlagKind::Static, "SDN{Exact}"),
            kept(&key, FlagKind::StaticCaseInsensitive, "SDN{Folded}"),
        ])
        .expect("checker");
        assert!(checker.accepts(&key, &typed("SDN{Exact}")));
        assert!(!checker.accepts(&key, &typed("sdn{exact}")));
        assert!(checker.accepts(&key, &typed("sdn{FOLDED}")));
        assert!(!checker.accepts(&key, &typed("SDN{Folded")));
    }

    #[test]
    fn spaces_around_a_flag_are_ignored_look_alikes_are_not() {
        let key = ServerKey::random();
        let checker = Checker::new(&[kept(&key, FlagKind::Static, "SDN{cat}")]).expect("checker");
        assert!(checker.accepts(&key, &typed("  SDN{cat}\n")));
        assert!(checker.accepts(&key, &typed("\u{a0}SDN{cat}\t")));
        // Cyrillic "а" (U+0430) for Latin "a"; a zero-width space inside.
        for look_alike in ["SDN{c\u{430}t}", "SDN{ca\u{200b}t}", "ＳＤＮ{cat}"] {
            let s = typed(look_alike);
            assert!(!checker.accepts(&key, &s), "{look_alike}");
            assert!(s.has_look_alikes());
        }
        assert!(!typed("SDN{cat}").has_look_alikes());
        assert_eq!(Submission::parse("  \n"), Err(SubmissionError::Empty));
        assert_eq!(
            Submission::parse(&"x".repeat(MAX_SUBMISSION_CHARS + 1)),
            Err(SubmissionError::TooLong)
        );
    }

    #[test]
    fn a_regex_flag_matches_whole_and_may_ignore_case() {
        let key = ServerKey::random();
        let checker = Checker::new(&[kept(
            &key,
            FlagKind::RegexCaseInsensitive,
            r"sdn\{[0-9]{4}\}",
        )])
        .expect("checker");
        assert!(checker.accepts(&key, &typed("SDN{2026}")));
        assert!(!checker.accepts(&key, &typed("xSDN{2026}")), "anchored");
        assert!(!checker.accepts(&key, &typed("SDN{2026}x")), "anchored");
        let exact = Checker::new(&[kept(&key, FlagKind::Regex, "a|b")]).expect("checker");
        assert!(
            !exact.accepts(&key, &typed("ab")),
            "alternation kept inside the anchors"
        );
    }

    #[test]
    fn a_pathological_pattern_runs_in_linear_time_or_is_refused() {
        let key = ServerKey::random();
        // Catastrophic for a backtracking engine: (a+)+$ on "aaaa…!" .
        let checker = Checker::new(&[kept(&key, FlagKind::Regex, "(a+)+")]).expect("checker");
        let evil = typed(&format!("{}!", "a".repeat(MAX_SUBMISSION_CHARS - 1)));
        let started = std::time::Instant::now();
        assert!(!checker.accepts(&key, &evil));
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        // Too big once compiled, or not a pattern at all: refused at the editor.
        let huge = NewFlag {
            kind: FlagKind::Regex,
            content: "((a{100}){100}){100}".into(),
        };
        assert!(matches!(huge.keep(&key), Err(FlagError::Pattern(_))));
        let broken = NewFlag {
            kind: FlagKind::Regex,
            content: "SDN{(".into(),
        };
        assert!(matches!(broken.keep(&key), Err(FlagError::Pattern(_))));
        let backreference = NewFlag {
            kind: FlagKind::Regex,
            content: r"(a)\1".into(),
        };
        assert!(matches!(
            backreference.keep(&key),
            Err(FlagError::Pattern(_))
        ));
    }

    #[test]
    fn per_team_flags_differ_by_team_and_challenge() {
        let key = ServerKey::random();
        let a = team_flag(&key, "SDN", "chal1", "teamA");
        let b = team_flag(&key, "SDN", "chal1", "teamB");
        assert_ne!(a, b);
        assert_ne!(a, team_flag(&key, "SDN", "chal2", "teamA"));
        assert!(a.starts_with("SDN{") && a.ends_with('}') && a.len() == 21);
        assert!(is_team_flag(&key, "SDN", "chal1", "teamA", &typed(&a)));
        assert!(!is_team_flag(&key, "SDN", "chal1", "teamB", &typed(&a)));
    }
}
