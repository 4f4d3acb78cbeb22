//! Challenges in and out as CTFd-compatible YAML: the `challenge.yml` of CTFd's `ctfcli`
//! (specification 0.1), so organisers can bring challenges written for CTFd and take theirs
//! elsewhere. `docs/ctf-challenge-format.md` is the organisers' description of the format.
//!
//! Reading is two steps: a permissive serde mirror of ctfcli's file (its string-or-map forms
//! as untagged enums, unknown keys ignored), then a conversion into the typed
//! [`ChallengeSpec`] that refuses, with a precise [`SpecError`], whatever Kènè cannot run as
//! written. The YAML comes from organisers' uploads: its size is checked before parsing and
//! the parser runs on a tight budget (aliases, nodes, depth), so an alias bomb is an error,
//! not an exhausted server.

use std::fmt::Write as _;

use serde::Deserialize;
use serde_saphyr::MessageFormatter as _;

use crate::domain::types::{Lang, UserMessage};

/// The largest YAML document read (a description is at most 20,000 characters).
pub const MAX_YAML_BYTES: usize = 256 * 1024;
pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_DESCRIPTION_CHARS: usize = 20_000;
pub const MAX_AUTHOR_CHARS: usize = 100;
pub const MAX_CONNECTION_INFO_CHARS: usize = 1_000;
/// A flag's content, static text or regular expression.
pub const MAX_FLAG_CHARS: usize = 1_000;
pub const MAX_HINT_CHARS: usize = 5_000;
pub const MAX_TAG_CHARS: usize = 50;
pub const MAX_FILE_CHARS: usize = 255;
pub const MAX_FLAGS: usize = 20;
pub const MAX_HINTS: usize = 20;
/// Tags, files and requirements, each.
pub const MAX_LIST_ITEMS: usize = 20;
/// Points of a challenge or cost of a hint: far above any real scale, far below overflow.
pub const MAX_POINTS: i64 = 100_000;
/// Solves (parabolic) or points per solve (linear).
pub const MAX_DECAY: i64 = 1_000_000;
/// Compiled size of a flag's regular expression. The `regex` crate matches in linear time,
/// so no pattern backtracks catastrophically; this bounds its memory.
pub const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// The challenge categories Kènè knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    Web,
    Crypto,
    Forensics,
    Reverse,
    Pwn,
    Osint,
    Misc,
}

impl Category {
    pub const ALL: [Category; 7] = [
        Category::Web,
        Category::Crypto,
        Category::Forensics,
        Category::Reverse,
        Category::Pwn,
        Category::Osint,
        Category::Misc,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Web => "web",
            Category::Crypto => "crypto",
            Category::Forensics => "forensics",
            Category::Reverse => "reverse",
            Category::Pwn => "pwn",
            Category::Osint => "osint",
            Category::Misc => "misc",
        }
    }

    /// The category under the usual CTF spellings, in English or French, whatever the case,
    /// hyphens or underscores. An unknown one is an error, never `Misc`: a challenge filed
    /// under the wrong heading is one teams may not find.
    pub fn parse(text: &str) -> Result<Category, SpecError> {
        let normalised = text
            .to_lowercase()
            .replace(['-', '_', '/'], " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let category = match normalised.as_str() {
            "web" | "web exploitation" | "web security" | "webapp" | "web app" => Category::Web,
            "crypto" | "cryptography" | "cryptographie" | "cryptanalysis" => Category::Crypto,
            "forensics" | "forensic" | "digital forensics" | "forensique" | "stego"
            | "steganography" | "stéganographie" | "steganographie" => Category::Forensics,
            "reverse"
            | "rev"
            | "re"
            | "reversing"
            | "reverse engineering"
            | "rétro ingénierie"
            | "retro ingenierie"
            | "ingénierie inverse"
            | "ingenierie inverse" => Category::Reverse,
            "pwn" | "pwnable" | "binary exploitation" | "exploitation" | "binary" => Category::Pwn,
            "osint" | "open source intelligence" => Category::Osint,
            "misc" | "miscellaneous" | "divers" => Category::Misc,
            "" => return Err(SpecError::CategoryMissing),
            _ => return Err(SpecError::CategoryUnknown(text.trim().to_owned())),
        };
        Ok(category)
    }
}

/// How a challenge's value falls with its solves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DecaySpec {
    /// A fixed value (CTFd's `standard` type).
    Static,
    /// `initial − decay × solves`, floored at `minimum` (CTFd's `linear`).
    Linear,
    /// `ceil((minimum − initial) / decay² × solves² + initial)`, floored at `minimum`: CTFd
    /// calls it `logarithmic`, though the curve is a parabola reaching `minimum` after
    /// `decay` solves.
    Parabolic,
}

impl DecaySpec {
    pub fn as_str(self) -> &'static str {
        match self {
            DecaySpec::Static => "static",
            DecaySpec::Linear => "linear",
            DecaySpec::Parabolic => "parabolic",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FlagKind {
    Static,
    StaticCaseInsensitive,
    Regex,
    RegexCaseInsensitive,
}

impl FlagKind {
    pub fn is_regex(self) -> bool {
        matches!(self, FlagKind::Regex | FlagKind::RegexCaseInsensitive)
    }

    pub fn is_case_insensitive(self) -> bool {
        matches!(
            self,
            FlagKind::StaticCaseInsensitive | FlagKind::RegexCaseInsensitive
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagSpec {
    pub kind: FlagKind,
    /// The flag itself, or the regular expression a submission must match whole.
    pub content: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HintSpec {
    /// Markdown, like the description.
    pub content: String,
    /// Points taken from the team that unlocks it; 0 is a free hint.
    pub cost: i64,
}

/// One challenge as organisers write it; `parse` only returns valid ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChallengeSpec {
    pub name: String,
    pub author: String,
    pub category: Category,
    /// Markdown, rendered through `ctf::markdown::to_safe_html`.
    pub description: String,
    pub connection_info: String,
    /// For `DecaySpec::Static`, `initial == minimum` (the value) and `decay == 1`.
    pub initial: i64,
    pub minimum: i64,
    pub decay: i64,
    pub function: DecaySpec,
    pub flags: Vec<FlagSpec>,
    pub hints: Vec<HintSpec>,
    /// Names of the challenges to solve first.
    pub requirements: Vec<String>,
    /// Paths relative to the challenge's directory, as in ctfcli.
    pub files: Vec<String>,
    pub tags: Vec<String>,
    pub visible: bool,
}

/// Why a challenge file is refused: a Fluent key for the sentence (`key`) and the offending
/// value or place to show beside it (`detail`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpecError {
    #[error("the document is {bytes} bytes, over {MAX_YAML_BYTES}")]
    TooLarge { bytes: usize },
    #[error("the document expands past the parser's limits: {0}")]
    TooComplex(String),
    #[error("YAML syntax error: {message}")]
    Syntax { line: Option<u64>, message: String },
    #[error("no name")]
    NameMissing,
    #[error("no category")]
    CategoryMissing,
    #[error("unknown category {0:?}")]
    CategoryUnknown(String),
    #[error("unknown challenge type {0:?}")]
    TypeUnknown(String),
    #[error("missing {0}")]
    ValueMissing(&'static str),
    #[error("{field} is not a whole number between 1 and {MAX_POINTS}: {value}")]
    Value { field: String, value: String },
    #[error("minimum {minimum} above initial {initial}")]
    MinimumAboveInitial { minimum: i64, initial: i64 },
    #[error("decay {0} outside 1..={MAX_DECAY}")]
    Decay(i64),
    #[error("unknown decay function {0:?}")]
    FunctionUnknown(String),
    #[error("unknown state {0:?}")]
    StateUnknown(String),
    #[error("no flag")]
    FlagMissing,
    #[error("flag #{index}: unknown type {kind:?}")]
    FlagType { index: usize, kind: String },
    #[error("flag #{index}: unknown data {data:?}")]
    FlagData { index: usize, data: String },
    #[error("flag #{index}: {message}")]
    Regex { index: usize, message: String },
    #[error("hint #{index}: cost {cost} outside 0..={MAX_POINTS}")]
    HintCost { index: usize, cost: i64 },
    #[error("{field}: {count} items, over {max}")]
    TooMany {
        field: &'static str,
        count: usize,
        max: usize,
    },
    #[error("{field}: {chars} characters, over {max}")]
    TooLong {
        field: String,
        chars: usize,
        max: usize,
    },
    #[error("{0} is empty")]
    Empty(String),
    #[error("{0} is not text")]
    NotText(String),
    #[error("{0} holds a line break or control character")]
    NotSingleLine(String),
    #[error("requirement #{index}: {value}")]
    Requirement { index: usize, value: String },
    #[error("file #{index}: path {path:?} leaves the challenge's directory")]
    FilePath { index: usize, path: String },
}

impl SpecError {
    /// The Fluent key of the sentence the pages show.
    pub fn key(&self) -> &'static str {
        match self {
            SpecError::TooLarge { .. } => "ctf-spec-too-large",
            SpecError::TooComplex(_) => "ctf-spec-too-complex",
            SpecError::Syntax { .. } => "ctf-spec-syntax",
            SpecError::NameMissing => "ctf-spec-name-missing",
            SpecError::CategoryMissing => "ctf-spec-category-missing",
            SpecError::CategoryUnknown(_) => "ctf-spec-category-unknown",
            SpecError::TypeUnknown(_) => "ctf-spec-type",
            SpecError::ValueMissing(_) => "ctf-spec-value-missing",
            SpecError::Value { .. } => "ctf-spec-value",
            SpecError::MinimumAboveInitial { .. } => "ctf-spec-minimum",
            SpecError::Decay(_) => "ctf-spec-decay",
            SpecError::FunctionUnknown(_) => "ctf-spec-function",
            SpecError::StateUnknown(_) => "ctf-spec-state",
            SpecError::FlagMissing => "ctf-spec-flag-missing",
            SpecError::FlagType { .. } => "ctf-spec-flag-type",
            SpecError::FlagData { .. } => "ctf-spec-flag-data",
            SpecError::Regex { .. } => "ctf-spec-regex",
            SpecError::HintCost { .. } => "ctf-spec-hint-cost",
            SpecError::TooMany { .. } => "ctf-spec-too-many",
            SpecError::TooLong { .. } => "ctf-spec-too-long",
            SpecError::Empty(_) => "ctf-spec-empty",
            SpecError::NotText(_) => "ctf-spec-not-text",
            SpecError::NotSingleLine(_) => "ctf-spec-single-line",
            SpecError::Requirement { .. } => "ctf-spec-requirement",
            SpecError::FilePath { .. } => "ctf-spec-file-path",
        }
    }

    /// What to show beside the sentence: the offending value and where it is (YAML keys,
    /// items numbered from 1), never a sentence; empty when the key says it all.
    pub fn detail(&self) -> String {
        match self {
            SpecError::TooLarge { bytes } => format!("{bytes} > {MAX_YAML_BYTES}"),
            SpecError::TooComplex(message) => message.clone(),
            SpecError::Syntax {
                line: Some(line),
                message,
            } => format!("line {line}: {message}"),
            SpecError::Syntax {
                line: None,
                message,
            } => message.clone(),
            SpecError::NameMissing | SpecError::CategoryMissing | SpecError::FlagMissing => {
                String::new()
            }
            SpecError::CategoryUnknown(value)
            | SpecError::TypeUnknown(value)
            | SpecError::FunctionUnknown(value)
            | SpecError::StateUnknown(value) => value.clone(),
            SpecError::ValueMissing(field) => (*field).to_owned(),
            SpecError::Value { field, value } => format!("{field}: {value}"),
            SpecError::MinimumAboveInitial { minimum, initial } => {
                format!("minimum: {minimum} > initial: {initial}")
            }
            SpecError::Decay(decay) => format!("decay: {decay}"),
            SpecError::FlagType { index, kind } => format!("flags #{index}: {kind}"),
            SpecError::FlagData { index, data } => format!("flags #{index}: {data}"),
            SpecError::Regex { index, message } => format!("flags #{index}: {message}"),
            SpecError::HintCost { index, cost } => format!("hints #{index}: {cost}"),
            SpecError::TooMany { field, count, max } => format!("{field}: {count} > {max}"),
            SpecError::TooLong { field, chars, max } => format!("{field}: {chars} > {max}"),
            SpecError::Empty(field)
            | SpecError::NotText(field)
            | SpecError::NotSingleLine(field) => field.clone(),
            SpecError::Requirement { index, value } => {
                format!("requirements #{index}: {value}")
            }
            SpecError::FilePath { index, path } => format!("files #{index}: {path}"),
        }
    }
}

/// For the pages' message machinery: the detail is `$detail`.
impl UserMessage for SpecError {
    fn key(&self) -> &'static str {
        SpecError::key(self)
    }

    fn args(&self, _lang: Lang) -> Vec<(&'static str, String)> {
        vec![("detail", self.detail())]
    }
}

/// The regular expression a regex flag's submissions are checked with: the pattern must
/// match the whole submission, as in CTFd, on the `regex` crate's linear-time engine with a
/// bounded size. `parse` refuses a pattern this does not build.
pub fn flag_regex(pattern: &str, case_insensitive: bool) -> Result<regex::Regex, regex::Error> {
    regex::RegexBuilder::new(&format!("^(?:{pattern})$"))
        .case_insensitive(case_insensitive)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .build()
}

// ---------------------------------------------------------------------------------------
// Reading

/// ctfcli's `challenge.yml` as written, every field optional; keys Kènè ignores (image,
/// protocol, host, healthcheck, attempts, topics, version...) are skipped by serde.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawChallenge {
    name: Option<String>,
    author: Option<String>,
    attribution: Option<String>,
    category: Option<String>,
    description: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    value: Option<RawNumber>,
    extra: Option<RawExtra>,
    // CTFd's API puts the dynamic parameters at the top level; some exports do too.
    initial: Option<RawNumber>,
    decay: Option<RawNumber>,
    minimum: Option<RawNumber>,
    function: Option<String>,
    connection_info: Option<String>,
    flags: Option<Vec<RawFlag>>,
    hints: Option<Vec<RawHint>>,
    requirements: Option<RawRequirements>,
    files: Option<Vec<String>>,
    tags: Option<Vec<String>>,
    state: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawExtra {
    initial: Option<RawNumber>,
    decay: Option<RawNumber>,
    minimum: Option<RawNumber>,
    function: Option<String>,
}

/// ctfcli casts a quoted number (`value: "100"`) too.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawNumber {
    Int(i64),
    Text(String),
    // Floats, booleans, lists: kept to name them in the error.
    Other(serde_json::Value),
}

/// A plain string is a case-sensitive static flag.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawFlag {
    Text(String),
    Map(RawFlagMap),
    // An unquoted `1337`, `yes` or `null`: YAML reads them as other than text.
    Other(serde::de::IgnoredAny),
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawFlagMap {
    #[serde(rename = "type")]
    kind: Option<String>,
    content: Option<String>,
    data: Option<String>,
}

/// A plain string is a free hint.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawHint {
    Text(String),
    Map(RawHintMap),
    Other(serde::de::IgnoredAny),
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawHintMap {
    content: Option<String>,
    cost: Option<RawNumber>,
}

/// A list of names, or CTFd's `{prerequisites: [...], anonymize: bool}`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawRequirements {
    List(Vec<RawRequirement>),
    // `anonymize` is not read: Kènè has its own rule for showing locked challenges.
    Map {
        #[serde(default)]
        prerequisites: Vec<RawRequirement>,
    },
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawRequirement {
    Name(String),
    // A CTFd challenge id: means nothing outside that CTFd.
    Id(i64),
    Other(serde::de::IgnoredAny),
}

/// Parser limits well below the defaults: a challenge file is a few kilobytes of flat keys.
fn parser_options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_documents = 1;
    budget.max_depth = 16;
    budget.max_events = 100_000;
    budget.max_nodes = 50_000;
    budget.max_aliases = 50;
    budget.max_anchors = 50;
    budget.max_merge_keys = 50;
    budget.max_recorded_anchor_events = 10_000;
    budget.max_recorded_anchor_bytes = MAX_YAML_BYTES;
    budget.max_total_scalar_bytes = 2 * MAX_YAML_BYTES;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    // Two `flags:` keys are a mistake to show, not one to settle silently.
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::Error;
    // What defuses "billion laughs": an alias of an alias of ... is replayed, and counted.
    options.alias_limits.max_total_replayed_events = 10_000;
    options.alias_limits.max_replay_stack_depth = 8;
    options.alias_limits.max_alias_expansions_per_anchor = 50;
    options
}

fn yaml_error(error: serde_saphyr::Error) -> SpecError {
    let line = error.location().map(|location| location.line());
    // The cause, out of the wrappers that add a source excerpt or an alias's locations.
    let mut inner = &error;
    loop {
        inner = match inner {
            serde_saphyr::Error::WithSnippet { error, .. }
            | serde_saphyr::Error::AliasError { error, .. } => error,
            _ => break,
        };
    }
    // Without the " at line …" suffix: the detail puts the line first.
    let message = serde_saphyr::UserMessageFormatter
        .format_message(inner)
        .into_owned();
    match inner {
        serde_saphyr::Error::Budget { .. }
        | serde_saphyr::Error::AliasReplayLimitExceeded { .. }
        | serde_saphyr::Error::AliasExpansionLimitExceeded { .. }
        | serde_saphyr::Error::AliasReplayStackDepthExceeded { .. }
        | serde_saphyr::Error::AliasReplayCounterOverflow { .. } => SpecError::TooComplex(message),
        _ => SpecError::Syntax { line, message },
    }
}

/// Reads one ctfcli `challenge.yml`.
pub fn parse(yaml: &str) -> Result<ChallengeSpec, SpecError> {
    if yaml.len() > MAX_YAML_BYTES {
        return Err(SpecError::TooLarge { bytes: yaml.len() });
    }
    let raw: RawChallenge =
        serde_saphyr::from_str_with_options(yaml, parser_options()).map_err(yaml_error)?;
    convert(raw)
}

fn convert(raw: RawChallenge) -> Result<ChallengeSpec, SpecError> {
    let name = raw.name.as_deref().map(str::trim).unwrap_or_default();
    if name.is_empty() {
        return Err(SpecError::NameMissing);
    }
    single_line("name", name, MAX_NAME_CHARS)?;

    // CTFd's `attribution` is the credit shown to players: the author when none is given.
    let (author_field, author) = match (raw.author.as_deref(), raw.attribution.as_deref()) {
        (Some(author), _) if !author.trim().is_empty() => ("author", author.trim()),
        (_, Some(attribution)) => ("attribution", attribution.trim()),
        _ => ("author", ""),
    };
    single_line(author_field, author, MAX_AUTHOR_CHARS)?;

    let category = Category::parse(raw.category.as_deref().unwrap_or_default())?;

    let description = raw.description.unwrap_or_default();
    max_chars("description", &description, MAX_DESCRIPTION_CHARS)?;

    let connection_info = raw.connection_info.as_deref().unwrap_or_default().trim();
    max_chars(
        "connection_info",
        connection_info,
        MAX_CONNECTION_INFO_CHARS,
    )?;

    let kind = raw
        .kind
        .as_deref()
        .unwrap_or("standard")
        .trim()
        .to_lowercase();
    let (initial, minimum, decay, function) = match kind.as_str() {
        "standard" => {
            let value =
                points("value", raw.value.as_ref())?.ok_or(SpecError::ValueMissing("value"))?;
            (value, value, 1, DecaySpec::Static)
        }
        "dynamic" => {
            let extra = raw.extra.unwrap_or_default();
            let initial = match extra.initial.as_ref().or(raw.initial.as_ref()) {
                Some(initial) => points("extra.initial", Some(initial))?,
                // CTFd keeps the initial value in `value` too.
                None => points("value", raw.value.as_ref())?,
            }
            .ok_or(SpecError::ValueMissing("extra.initial"))?;
            let minimum = points(
                "extra.minimum",
                extra.minimum.as_ref().or(raw.minimum.as_ref()),
            )?
            .ok_or(SpecError::ValueMissing("extra.minimum"))?;
            let decay = integer("extra.decay", extra.decay.as_ref().or(raw.decay.as_ref()))?
                .ok_or(SpecError::ValueMissing("extra.decay"))?;
            if minimum > initial {
                return Err(SpecError::MinimumAboveInitial { minimum, initial });
            }
            if !(1..=MAX_DECAY).contains(&decay) {
                return Err(SpecError::Decay(decay));
            }
            // CTFd's default for dynamic challenges.
            let function = extra
                .function
                .or(raw.function)
                .unwrap_or_else(|| "logarithmic".to_owned());
            let function = match function.trim().to_lowercase().as_str() {
                "linear" => DecaySpec::Linear,
                "logarithmic" | "parabolic" => DecaySpec::Parabolic,
                _ => return Err(SpecError::FunctionUnknown(function)),
            };
            (initial, minimum, decay, function)
        }
        _ => return Err(SpecError::TypeUnknown(raw.kind.unwrap_or_default())),
    };

    let flags = convert_flags(raw.flags.unwrap_or_default())?;
    let hints = convert_hints(raw.hints.unwrap_or_default())?;
    let requirements = convert_requirements(raw.requirements, name)?;

    let files = raw.files.unwrap_or_default();
    too_many("files", files.len(), MAX_LIST_ITEMS)?;
    let files = files
        .iter()
        .enumerate()
        .map(|(i, path)| {
            let index = i + 1;
            let path = path.trim();
            let field = format!("files #{index}");
            non_empty(&field, path)?;
            single_line(&field, path, MAX_FILE_CHARS)?;
            if !is_relative_inside(path) {
                return Err(SpecError::FilePath {
                    index,
                    path: path.to_owned(),
                });
            }
            Ok(path.to_owned())
        })
        .collect::<Result<Vec<_>, _>>()?;

    let tags = raw.tags.unwrap_or_default();
    too_many("tags", tags.len(), MAX_LIST_ITEMS)?;
    let tags = tags
        .iter()
        .enumerate()
        .map(|(i, tag)| {
            let field = format!("tags #{}", i + 1);
            let tag = tag.trim();
            non_empty(&field, tag)?;
            single_line(&field, tag, MAX_TAG_CHARS)?;
            Ok(tag.to_owned())
        })
        .collect::<Result<Vec<_>, _>>()?;

    let visible = match raw.state.as_deref().map(|s| s.trim().to_lowercase()) {
        None => true,
        Some(state) if state == "visible" => true,
        Some(state) if state == "hidden" => false,
        Some(_) => return Err(SpecError::StateUnknown(raw.state.unwrap_or_default())),
    };

    Ok(ChallengeSpec {
        name: name.to_owned(),
        author: author.to_owned(),
        category,
        description,
        connection_info: connection_info.to_owned(),
        initial,
        minimum,
        decay,
        function,
        flags,
        hints,
        requirements,
        files,
        tags,
        visible,
    })
}

fn convert_flags(raw: Vec<RawFlag>) -> Result<Vec<FlagSpec>, SpecError> {
    if raw.is_empty() {
        return Err(SpecError::FlagMissing);
    }
    too_many("flags", raw.len(), MAX_FLAGS)?;
    raw.into_iter()
        .enumerate()
        .map(|(i, flag)| {
            let index = i + 1;
            let field = format!("flags #{index}");
            let (kind, content, data) = match flag {
                RawFlag::Text(content) => (None, Some(content), None),
                RawFlag::Map(map) => (map.kind, map.content, map.data),
                RawFlag::Other(_) => return Err(SpecError::NotText(field)),
            };
            let regex = match kind.as_deref().map(|k| k.trim().to_lowercase()).as_deref() {
                None | Some("static") => false,
                Some("regex") => true,
                // CTFd plugins' types (and typos): Kènè would check them as something else.
                Some(_) => {
                    return Err(SpecError::FlagType {
                        index,
                        kind: kind.unwrap_or_default(),
                    })
                }
            };
            let case_insensitive = match data.as_deref().map(str::trim) {
                None | Some("") | Some("case_sensitive") => false,
                Some("case_insensitive") => true,
                // A mistyped `case-insensitive` would otherwise silently stay case-sensitive.
                Some(_) => {
                    return Err(SpecError::FlagData {
                        index,
                        data: data.unwrap_or_default(),
                    })
                }
            };
            // Content is kept verbatim: spaces in a flag are the flag's.
            let content = content.unwrap_or_default();
            non_empty(&field, &content)?;
            // A submission is one line: a flag with a line break could never be found.
            single_line(&field, &content, MAX_FLAG_CHARS)?;
            if regex {
                // The pattern alone first, so an error points into what the organiser wrote.
                regex::RegexBuilder::new(&content)
                    .size_limit(REGEX_SIZE_LIMIT)
                    .build()
                    .and_then(|_| flag_regex(&content, case_insensitive))
                    .map_err(|error| SpecError::Regex {
                        index,
                        message: error.to_string(),
                    })?;
            }
            let kind = match (regex, case_insensitive) {
                (false, false) => FlagKind::Static,
                (false, true) => FlagKind::StaticCaseInsensitive,
                (true, false) => FlagKind::Regex,
                (true, true) => FlagKind::RegexCaseInsensitive,
            };
            Ok(FlagSpec { kind, content })
        })
        .collect()
}

fn convert_hints(raw: Vec<RawHint>) -> Result<Vec<HintSpec>, SpecError> {
    too_many("hints", raw.len(), MAX_HINTS)?;
    raw.into_iter()
        .enumerate()
        .map(|(i, hint)| {
            let index = i + 1;
            let field = format!("hints #{index}");
            let (content, cost) = match hint {
                RawHint::Text(content) => (content, 0),
                RawHint::Map(map) => {
                    let cost = integer(&format!("{field}.cost"), map.cost.as_ref())?.unwrap_or(0);
                    (map.content.unwrap_or_default(), cost)
                }
                RawHint::Other(_) => return Err(SpecError::NotText(field)),
            };
            if !(0..=MAX_POINTS).contains(&cost) {
                return Err(SpecError::HintCost { index, cost });
            }
            non_empty(&field, &content)?;
            max_chars(&field, &content, MAX_HINT_CHARS)?;
            Ok(HintSpec { content, cost })
        })
        .collect()
}

fn convert_requirements(
    raw: Option<RawRequirements>,
    own_name: &str,
) -> Result<Vec<String>, SpecError> {
    let raw = match raw {
        None => Vec::new(),
        Some(RawRequirements::List(list)) => list,
        Some(RawRequirements::Map { prerequisites, .. }) => prerequisites,
    };
    too_many("requirements", raw.len(), MAX_LIST_ITEMS)?;
    raw.into_iter()
        .enumerate()
        .map(|(i, requirement)| {
            let index = i + 1;
            let field = format!("requirements #{index}");
            let name = match requirement {
                RawRequirement::Name(name) => name.trim().to_owned(),
                RawRequirement::Id(id) => {
                    return Err(SpecError::Requirement {
                        index,
                        value: id.to_string(),
                    })
                }
                RawRequirement::Other(_) => return Err(SpecError::NotText(field)),
            };
            non_empty(&field, &name)?;
            single_line(&field, &name, MAX_NAME_CHARS)?;
            if name == own_name {
                return Err(SpecError::Requirement { index, value: name });
            }
            Ok(name)
        })
        .collect()
}

/// A whole number, written as one or quoted.
fn integer(field: &str, raw: Option<&RawNumber>) -> Result<Option<i64>, SpecError> {
    let invalid = |value: String| SpecError::Value {
        field: field.to_owned(),
        value,
    };
    match raw {
        None => Ok(None),
        Some(RawNumber::Int(n)) => Ok(Some(*n)),
        Some(RawNumber::Text(text)) => text
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| invalid(text.clone())),
        Some(RawNumber::Other(value)) => Err(invalid(value.to_string())),
    }
}

/// A challenge's points: a whole number from 1 to `MAX_POINTS`.
fn points(field: &str, raw: Option<&RawNumber>) -> Result<Option<i64>, SpecError> {
    match integer(field, raw)? {
        Some(n) if !(1..=MAX_POINTS).contains(&n) => Err(SpecError::Value {
            field: field.to_owned(),
            value: n.to_string(),
        }),
        n => Ok(n),
    }
}

fn too_many(field: &'static str, count: usize, max: usize) -> Result<(), SpecError> {
    if count > max {
        return Err(SpecError::TooMany { field, count, max });
    }
    Ok(())
}

fn max_chars(field: &str, value: &str, max: usize) -> Result<(), SpecError> {
    let chars = value.chars().count();
    if chars > max {
        return Err(SpecError::TooLong {
            field: field.to_owned(),
            chars,
            max,
        });
    }
    Ok(())
}

fn non_empty(field: &str, value: &str) -> Result<(), SpecError> {
    if value.trim().is_empty() {
        return Err(SpecError::Empty(field.to_owned()));
    }
    Ok(())
}

/// Names, tags and flags: one line, no control character, at most `max` characters.
fn single_line(field: &str, value: &str, max: usize) -> Result<(), SpecError> {
    max_chars(field, value, max)?;
    if value
        .chars()
        .any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}'))
    {
        return Err(SpecError::NotSingleLine(field.to_owned()));
    }
    Ok(())
}

/// A relative path that stays in the challenge's directory: callers look files up in an
/// uploaded archive by these paths.
fn is_relative_inside(path: &str) -> bool {
    let absolute = path.starts_with(['/', '\\'])
        || path.as_bytes().get(1) == Some(&b':')
        || path.contains("://");
    !absolute && !path.split(['/', '\\']).any(|part| part == "..")
}

// ---------------------------------------------------------------------------------------
// Writing

/// The challenge as a ctfcli `challenge.yml`. Every flag in `spec.flags` is written: the
/// caller leaves out what must not leave the platform (static flags, kept only as keyed
/// hashes). `parse(&to_yaml(spec)) == spec` for every spec `parse` returns.
pub fn to_yaml(spec: &ChallengeSpec) -> String {
    let mut out = String::with_capacity(1024 + spec.description.len());
    out.push_str("name: ");
    write_scalar(&mut out, &spec.name, 0);
    out.push_str("author: ");
    write_scalar(&mut out, &spec.author, 0);
    out.push_str("category: ");
    write_scalar(&mut out, spec.category.as_str(), 0);
    out.push_str("description: ");
    write_scalar(&mut out, &spec.description, 0);
    match spec.function {
        DecaySpec::Static => {
            let _ = write!(out, "type: standard\nvalue: {}\n", spec.initial);
        }
        DecaySpec::Linear | DecaySpec::Parabolic => {
            let function = match spec.function {
                DecaySpec::Linear => "linear",
                _ => "logarithmic",
            };
            // `value` too: CTFd and ctfcli expect one on every challenge.
            let _ = write!(
                out,
                "type: dynamic\nvalue: {initial}\nextra:\n  initial: {initial}\n  decay: {decay}\n  minimum: {minimum}\n  function: {function}\n",
                initial = spec.initial,
                decay = spec.decay,
                minimum = spec.minimum,
            );
        }
    }
    if !spec.connection_info.is_empty() {
        out.push_str("connection_info: ");
        write_scalar(&mut out, &spec.connection_info, 0);
    }

    out.push_str("flags:");
    if spec.flags.is_empty() {
        out.push_str(" []");
    }
    out.push('\n');
    for flag in &spec.flags {
        let kind = if flag.kind.is_regex() {
            "regex"
        } else {
            "static"
        };
        let _ = writeln!(out, "  - type: {kind}");
        out.push_str("    content: ");
        write_scalar(&mut out, &flag.content, 4);
        if flag.kind.is_case_insensitive() {
            out.push_str("    data: case_insensitive\n");
        }
    }

    out.push_str("hints:");
    if spec.hints.is_empty() {
        out.push_str(" []");
    }
    out.push('\n');
    for hint in &spec.hints {
        out.push_str("  - content: ");
        write_scalar(&mut out, &hint.content, 4);
        let _ = writeln!(out, "    cost: {}", hint.cost);
    }

    for (key, list) in [
        ("requirements", &spec.requirements),
        ("files", &spec.files),
        ("tags", &spec.tags),
    ] {
        out.push_str(key);
        out.push(':');
        if list.is_empty() {
            out.push_str(" []");
        }
        out.push('\n');
        for item in list {
            out.push_str("  - ");
            write_scalar(&mut out, item, 4);
        }
    }

    let state = if spec.visible { "visible" } else { "hidden" };
    let _ = writeln!(out, "state: {state}");
    out.push_str("version: \"0.1\"\n");
    out
}

/// A string value and its line end. Multi-line text an organiser will edit (descriptions,
/// hints) is a literal block; anything else, or text a block cannot hold exactly, is a
/// double-quoted scalar with escapes, which YAML reads back verbatim whatever it holds.
/// `indent` is the column of the key the value belongs to.
fn write_scalar(out: &mut String, value: &str, indent: usize) {
    if value.contains('\n')
        && value
            .chars()
            .all(|c| c == '\n' || c == '\t' || is_plain_printable(c))
    {
        write_literal_block(out, value, indent);
    } else {
        write_double_quoted(out, value);
        out.push('\n');
    }
}

/// `|2-` or `|2+`: an explicit indentation so leading spaces stay content, and the chomping
/// that keeps exactly the trailing line breaks the text has.
fn write_literal_block(out: &mut String, value: &str, indent: usize) {
    let (body, chomping) = match value.strip_suffix('\n') {
        Some(body) => (body, '+'),
        None => (value, '-'),
    };
    let _ = writeln!(out, "|2{chomping}");
    let margin = " ".repeat(indent + 2);
    for line in body.split('\n') {
        if !line.is_empty() {
            out.push_str(&margin);
            out.push_str(line);
        }
        out.push('\n');
    }
}

fn write_double_quoted(out: &mut String, value: &str) {
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if is_plain_printable(c) => out.push(c),
            c if (c as u32) <= 0xFF => {
                let _ = write!(out, "\\x{:02X}", c as u32);
            }
            c if (c as u32) <= 0xFFFF => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08X}", c as u32);
            }
        }
    }
    out.push('"');
}

/// YAML's printable characters less those some readers take for line breaks or byte-order
/// marks (NEL, LS, PS, BOM): these are written escaped.
fn is_plain_printable(c: char) -> bool {
    matches!(c,
        '\u{20}'..='\u{7E}'
        | '\u{A0}'..='\u{D7FF}'
        | '\u{E000}'..='\u{FFFD}'
        | '\u{10000}'..='\u{10FFFF}')
        && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every refusal's key starts so (written apart: a whole key is looked up in `locales`).
    const KEY_PREFIX: &str = concat!("ctf-", "spec-");
    use proptest::prelude::*;

    /// A challenge.yml as ctfcli users write them: comments, flow maps, keys Kènè ignores.
    const STANDARD: &str = r#"
# This file represents the base specification of your challenge.
name: "Admin's Portal"
author: Awa Traoré
category: Web
description: |
  ## Login

  The admin *forgot* the password: find it.

      curl -s https://portal.ctf.example/login
value: 300
type: standard

image: null
protocol: http
host: null
connection_info: https://portal.ctf.example
healthcheck: writeup/exploit.sh
attempts: 5

flags:
    - "flag{sql_1nj3ct10n}"
    - {
        type: "static",
        content: "flag{Case_Does_Not_Matter}",
        data: "case_insensitive",
    }
    - type: regex
      content: 'flag\{[0-9a-f]{8}\}'

topics:
    - sql injection
tags:
    - web
    - 2024
files:
    - dist/source.py
    - dist/schema.sql

hints:
    - Look at the login form.
    - {
        content: "Try a quote in the `user` field.",
        cost: 50
    }

requirements:
    - "Warmup"
    - Are you alive

state: hidden
version: "0.1"
"#;

    fn flag(kind: FlagKind, content: &str) -> FlagSpec {
        FlagSpec {
            kind,
            content: content.to_owned(),
        }
    }

    fn minimal() -> ChallengeSpec {
        parse("name: Warmup\ncategory: misc\nvalue: 50\nflags: [\"flag{hi}\"]\n").unwrap()
    }

    fn error_of(yaml: &str) -> SpecError {
        match parse(yaml) {
            Ok(spec) => panic!("accepted: {spec:?}\n{yaml}"),
            Err(error) => error,
        }
    }

    /// A valid document with one line replaced or added.
    fn with(line_prefix: &str, replacement: &str) -> String {
        let base =
            "name: Warmup\ncategory: misc\ntype: standard\nvalue: 50\nflags:\n  - \"flag{hi}\"\n";
        let mut lines: Vec<String> = base.lines().map(str::to_owned).collect();
        match lines.iter().position(|l| l.starts_with(line_prefix)) {
            Some(i) => lines[i] = replacement.to_owned(),
            None => lines.push(replacement.to_owned()),
        }
        lines.join("\n") + "\n"
    }

    #[test]
    fn a_ctfcli_standard_challenge_is_read() {
        let spec = parse(STANDARD).unwrap();
        assert_eq!(
            spec,
            ChallengeSpec {
                name: "Admin's Portal".into(),
                author: "Awa Traoré".into(),
                category: Category::Web,
                description: "## Login\n\nThe admin *forgot* the password: find it.\n\n    curl -s https://portal.ctf.example/login\n".into(),
                connection_info: "https://portal.ctf.example".into(),
                initial: 300,
                minimum: 300,
                decay: 1,
                function: DecaySpec::Static,
                flags: vec![
                    flag(FlagKind::Static, "flag{sql_1nj3ct10n}"),
                    flag(FlagKind::StaticCaseInsensitive, "flag{Case_Does_Not_Matter}"),
                    flag(FlagKind::Regex, r"flag\{[0-9a-f]{8}\}"),
                ],
                hints: vec![
                    HintSpec {
                        content: "Look at the login form.".into(),
                        cost: 0
                    },
                    HintSpec {
                        content: "Try a quote in the `user` field.".into(),
                        cost: 50
                    },
                ],
                requirements: vec!["Warmup".into(), "Are you alive".into()],
                files: vec!["dist/source.py".into(), "dist/schema.sql".into()],
                tags: vec!["web".into(), "2024".into()],
                visible: false,
            }
        );
    }

    #[test]
    fn a_dynamic_logarithmic_challenge_is_parabolic() {
        let spec = parse(
            "name: Heap of trouble\nauthor: Moussa\ncategory: Binary Exploitation\n\
             description: Overflow it.\ntype: dynamic\nvalue: 500\n\
             extra:\n  initial: 500\n  decay: 15\n  minimum: 100\n  function: logarithmic\n\
             connection_info: nc pwn.ctf.example 1337\nflags:\n  - flag{h34p}\n\
             requirements:\n  prerequisites: [\"Stack 101\"]\n  anonymize: true\n",
        )
        .unwrap();
        assert_eq!(spec.category, Category::Pwn);
        assert_eq!(spec.function, DecaySpec::Parabolic);
        assert_eq!((spec.initial, spec.minimum, spec.decay), (500, 100, 15));
        assert_eq!(spec.connection_info, "nc pwn.ctf.example 1337");
        assert_eq!(spec.requirements, vec!["Stack 101".to_owned()]);
        assert!(spec.visible);
    }

    #[test]
    fn dynamic_variants() {
        // Linear; the initial value only in `value`; quoted numbers, as ctfcli casts them.
        let linear = parse(
            "name: A\ncategory: crypto\ntype: dynamic\nvalue: \"400\"\n\
             extra: {decay: \"10\", minimum: 50, function: linear}\nflags: [x]\n",
        )
        .unwrap();
        assert_eq!(linear.function, DecaySpec::Linear);
        assert_eq!(
            (linear.initial, linear.minimum, linear.decay),
            (400, 50, 10)
        );

        // No function: CTFd's default, logarithmic. Parameters at the top level, as CTFd's
        // API gives them.
        let default = parse(
            "name: A\ncategory: crypto\ntype: Dynamic\ninitial: 400\ndecay: 20\nminimum: 400\n\
             flags: [x]\n",
        )
        .unwrap();
        assert_eq!(default.function, DecaySpec::Parabolic);
        assert_eq!(
            (default.initial, default.minimum, default.decay),
            (400, 400, 20)
        );
    }

    #[test]
    fn categories_under_their_usual_spellings() {
        for (text, category) in [
            ("Web", Category::Web),
            ("web-exploitation", Category::Web),
            ("Cryptography", Category::Crypto),
            ("CRYPTO", Category::Crypto),
            ("Forensics", Category::Forensics),
            ("Steganography", Category::Forensics),
            ("reverse engineering", Category::Reverse),
            ("Reverse_Engineering", Category::Reverse),
            ("rev", Category::Reverse),
            ("Rétro-ingénierie", Category::Reverse),
            ("pwn", Category::Pwn),
            ("Binary Exploitation", Category::Pwn),
            ("OSINT", Category::Osint),
            ("Misc", Category::Misc),
            ("miscellaneous", Category::Misc),
            ("  divers ", Category::Misc),
        ] {
            assert_eq!(Category::parse(text), Ok(category), "{text}");
        }
        for category in Category::ALL {
            assert_eq!(Category::parse(category.as_str()), Ok(category));
        }
        assert_eq!(
            Category::parse("Blockchain"),
            Err(SpecError::CategoryUnknown("Blockchain".into()))
        );
        assert_eq!(Category::parse("  "), Err(SpecError::CategoryMissing));
    }

    #[test]
    fn refusals_have_precise_keys_and_details() {
        let cases: Vec<(String, &str, &str)> = vec![
            ("name: [unclosed\n".into(), "ctf-spec-syntax", "line 1: "),
            ("name: a\n  bad: indent\n: x\n".into(), "ctf-spec-syntax", "line 2: "),
            ("- a list\n- not a map\n".into(), "ctf-spec-syntax", "line 1: "),
            ("flags: {a: 1}\n".into(), "ctf-spec-syntax", "line 1: "),
            (with("name", "name: \"  \""), "ctf-spec-name-missing", ""),
            (with("name", "author: x"), "ctf-spec-name-missing", ""),
            (with("category", "category: Blockchain"), "ctf-spec-category-unknown", "Blockchain"),
            (with("category", "author: x"), "ctf-spec-category-missing", ""),
            (with("type", "type: docker"), "ctf-spec-type", "docker"),
            (with("value", "author: x"), "ctf-spec-value-missing", "value"),
            (with("value", "value: 0"), "ctf-spec-value", "value: 0"),
            (with("value", "value: -5"), "ctf-spec-value", "value: -5"),
            (with("value", "value: 12.5"), "ctf-spec-value", "value: 12.5"),
            (with("value", "value: many"), "ctf-spec-value", "value: many"),
            (with("value", "value: 100001"), "ctf-spec-value", "value: 100001"),
            (
                with("type", "type: dynamic\nextra: {initial: 500, minimum: 100}"),
                "ctf-spec-value-missing",
                "extra.decay",
            ),
            (
                with("type", "type: dynamic\nextra: {initial: 500, decay: 10}"),
                "ctf-spec-value-missing",
                "extra.minimum",
            ),
            (
                with("value", "type: dynamic\nextra: {decay: 10, minimum: 5}").replace("type: standard\n", ""),
                "ctf-spec-value-missing",
                "extra.initial",
            ),
            (
                with("type", "type: dynamic\nextra: {initial: 500, decay: 10, minimum: 600}"),
                "ctf-spec-minimum",
                "minimum: 600 > initial: 500",
            ),
            (
                with("type", "type: dynamic\nextra: {initial: 500, decay: 0, minimum: 100}"),
                "ctf-spec-decay",
                "decay: 0",
            ),
            (
                with("type", "type: dynamic\nextra: {initial: 500, decay: 10, minimum: 0}"),
                "ctf-spec-value",
                "extra.minimum: 0",
            ),
            (
                with("type", "type: dynamic\nextra: {initial: 500, decay: 10, minimum: 1, function: exponential}"),
                "ctf-spec-function",
                "exponential",
            ),
            (with("flags", "author: x").replace("  - \"flag{hi}\"\n", ""), "ctf-spec-flag-missing", ""),
            (with("  - ", "  - {type: hmac, content: abc}"), "ctf-spec-flag-type", "flags #1: hmac"),
            (
                with("  - ", "  - {type: static, content: abc, data: case-insensitive}"),
                "ctf-spec-flag-data",
                "flags #1: case-insensitive",
            ),
            (with("  - ", "  - {type: regex, content: 'flag{(unclosed'}"), "ctf-spec-regex", "flags #1: "),
            (with("  - ", "  - {type: regex, content: 'a{100000}'}"), "ctf-spec-regex", "flags #1: "),
            (
                with("  - ", &format!("  - {{type: regex, content: '{}'}}", "a".repeat(1001))),
                "ctf-spec-too-long",
                "flags #1: 1001 > 1000",
            ),
            (with("  - ", "  - 1337"), "ctf-spec-not-text", "flags #1"),
            (with("  - ", "  - {content: yes}"), "ctf-spec-not-text", "flags #1"),
            (with("  - ", "  - \"   \""), "ctf-spec-empty", "flags #1"),
            (with("  - ", "  - \"flag{a\\nb}\""), "ctf-spec-single-line", "flags #1"),
            (with("hints", "hints: [{content: x, cost: -1}]"), "ctf-spec-hint-cost", "hints #1: -1"),
            (with("hints", "hints: [{cost: 5}]"), "ctf-spec-empty", "hints #1"),
            (with("name", &format!("name: {}", "n".repeat(101))), "ctf-spec-too-long", "name: 101 > 100"),
            (
                with("description", &format!("description: {}", "d".repeat(20_001))),
                "ctf-spec-too-long",
                "description: 20001 > 20000",
            ),
            (
                with("flags", &format!("flags: [{}]", vec!["f"; 21].join(", "))).replace("  - \"flag{hi}\"\n", ""),
                "ctf-spec-too-many",
                "flags: 21 > 20",
            ),
            (
                with("hints", &format!("hints: [{}]", vec!["h"; 21].join(", "))),
                "ctf-spec-too-many",
                "hints: 21 > 20",
            ),
            (with("requirements", "requirements: [Warmup]"), "ctf-spec-requirement", "requirements #1: Warmup"),
            (with("requirements", "requirements: [\"Intro\", 3]"), "ctf-spec-requirement", "requirements #2: 3"),
            (with("files", "files: [../../etc/passwd]"), "ctf-spec-file-path", "files #1: ../../etc/passwd"),
            (with("files", "files: [/etc/passwd]"), "ctf-spec-file-path", "files #1: /etc/passwd"),
            (with("files", "files: ['C:\\x.exe']"), "ctf-spec-file-path", "files #1: C:\\x.exe"),
            (with("state", "state: draft"), "ctf-spec-state", "draft"),
            (with("name", "name: \"two\\nlines\""), "ctf-spec-single-line", "name"),
        ];
        for (yaml, key, detail) in cases {
            let error = error_of(&yaml);
            assert_eq!(error.key(), key, "{yaml}\n{error:?}");
            assert!(
                error.detail().starts_with(detail),
                "{yaml}\n{error:?}: {:?}",
                error.detail()
            );
        }
    }

    #[test]
    fn oversized_documents_are_refused_before_parsing() {
        let yaml = format!("name: x\n#{}\n", " ".repeat(MAX_YAML_BYTES));
        let error = error_of(&yaml);
        assert_eq!(error.key(), "ctf-spec-too-large");
        assert_eq!(error.detail(), format!("{} > {MAX_YAML_BYTES}", yaml.len()));
    }

    #[test]
    fn a_billion_laughs_is_refused_quickly() {
        // Nine levels of nine aliases: 9^9 "lol"s if expanded.
        let mut yaml = String::from(
            "a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for level in 1..9 {
            let previous = format!("*a{}", level - 1);
            let _ = writeln!(
                yaml,
                "a{level}: &a{level} [{}]",
                vec![previous; 9].join(",")
            );
        }
        let started = std::time::Instant::now();
        // Under an ignored key, and under one that is read.
        for tail in ["name: x\n", "name: x\ntags: *a8\n"] {
            let error = error_of(&format!("{yaml}{tail}"));
            assert_eq!(error.key(), "ctf-spec-too-complex", "{error:?}");
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn a_few_anchors_are_fine() {
        let spec = parse(
            "name: x\ncategory: web\nvalue: 10\nflags: [f]\n\
             common: &tip Read the source.\nhints: [*tip, {content: *tip, cost: 5}]\n",
        )
        .unwrap();
        assert_eq!(spec.hints[0].content, "Read the source.");
        assert_eq!(spec.hints[1].cost, 5);
    }

    #[test]
    fn quoted_numbers_are_text() {
        let spec = parse(
            "name: x\ncategory: misc\nvalue: 10\nflags: [\"1337\", {content: '0x10'}]\n\
             hints: [\"42\"]\nrequirements: [\"2024\"]\ntags: [2024, true]\n",
        )
        .unwrap();
        assert_eq!(
            spec.flags,
            vec![
                flag(FlagKind::Static, "1337"),
                flag(FlagKind::Static, "0x10")
            ]
        );
        assert_eq!(spec.hints[0].content, "42");
        assert_eq!(spec.requirements, vec!["2024".to_owned()]);
        assert_eq!(spec.tags, vec!["2024".to_owned(), "true".to_owned()]);
    }

    #[test]
    fn duplicate_keys_are_a_syntax_error() {
        let error = error_of("name: a\nname: b\ncategory: web\nvalue: 1\nflags: [f]\n");
        assert_eq!(error.key(), "ctf-spec-syntax", "{error:?}");
    }

    #[test]
    fn every_key_is_a_ctf_spec_key() {
        let errors = [
            SpecError::TooLarge { bytes: 1 },
            SpecError::TooComplex(String::new()),
            SpecError::Syntax {
                line: Some(1),
                message: "x".into(),
            },
            SpecError::NameMissing,
            SpecError::FlagMissing,
            SpecError::NotSingleLine("name".into()),
        ];
        for error in errors {
            assert!(error.key().starts_with(KEY_PREFIX));
            assert_eq!(UserMessage::key(&error), error.key());
            assert_eq!(error.args(Lang::En), vec![("detail", error.detail())]);
        }
    }

    #[test]
    fn regex_flags_match_whole_submissions() {
        let regex = flag_regex(r"flag\{[a-z]+\}", false).unwrap();
        assert!(regex.is_match("flag{abc}"));
        assert!(!regex.is_match("xflag{abc}"));
        assert!(!regex.is_match("flag{abc}x"));
        assert!(!regex.is_match("FLAG{abc}"));
        // An alternation stays inside the anchors.
        let either = flag_regex("a|b", true).unwrap();
        assert!(either.is_match("B"));
        assert!(!either.is_match("ab"));
    }

    #[test]
    fn written_yaml_is_ctfcli_shaped_and_reads_back() {
        let standard = parse(STANDARD).unwrap();
        let yaml = to_yaml(&standard);
        assert!(yaml.contains("type: standard\nvalue: 300\n"), "{yaml}");
        assert!(yaml.contains("state: hidden\n"), "{yaml}");
        assert!(yaml.contains("version: \"0.1\"\n"), "{yaml}");
        assert!(yaml.contains("    data: case_insensitive\n"), "{yaml}");
        assert!(yaml.contains("  - type: regex\n"), "{yaml}");
        assert!(yaml.contains("description: |2+\n  ## Login\n\n"), "{yaml}");
        assert_eq!(parse(&yaml), Ok(standard));

        let mut dynamic = minimal();
        dynamic.function = DecaySpec::Parabolic;
        dynamic.initial = 500;
        dynamic.minimum = 100;
        dynamic.decay = 30;
        dynamic.flags = vec![flag(FlagKind::RegexCaseInsensitive, "ctf\\{.*\\}")];
        dynamic.hints = vec![HintSpec {
            content: "  leading spaces\n\n\tand a tab\n\n".into(),
            cost: 10,
        }];
        let yaml = to_yaml(&dynamic);
        assert!(
            yaml.contains("type: dynamic\nvalue: 500\nextra:\n  initial: 500\n  decay: 30\n  minimum: 100\n  function: logarithmic\n"),
            "{yaml}"
        );
        assert_eq!(parse(&yaml), Ok(dynamic.clone()));

        dynamic.function = DecaySpec::Linear;
        assert!(to_yaml(&dynamic).contains("  function: linear\n"));
        assert_eq!(parse(&to_yaml(&dynamic)), Ok(dynamic));
    }

    #[test]
    fn tricky_strings_read_back() {
        for text in [
            "",
            " ",
            "\n",
            "\n\n",
            "a\n",
            "\na",
            "  indented\nnot",
            "- item: \"q\" # not a comment",
            "key: value",
            "'single' \"double\" `back`",
            "%TAG ! x",
            "---\n...\n",
            "null",
            "~",
            "yes",
            "0x1F",
            "1e3",
            "\\ backslash \\n",
            "tab\there",
            "cr\r\nlf",
            "\u{85}nel\u{2028}ls\u{2029}ps\u{FEFF}bom",
            "\u{7}\u{1b}[31m\u{7f}\u{9f}",
            "émoji 🏴 漢字 ߒߞߏ",
            "trailing spaces   \n   \n",
            "\t\n\t",
            "\u{FFFE}\u{FFFF}",
        ] {
            let mut spec = minimal();
            spec.description = text.to_owned();
            spec.hints = vec![HintSpec {
                content: format!("x{text}"),
                cost: 1,
            }];
            let yaml = to_yaml(&spec);
            assert_eq!(parse(&yaml), Ok(spec), "{text:?}\n{yaml}");
        }
    }

    /// One line of text: what names, tags and flags may hold.
    fn line_text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[ a-zA-Z0-9:#'\"\\\\{}\\[\\],&*!|>%@`?=-]{1,40}",
            "\\PC{1,40}",
        ]
        .prop_map(|text| {
            text.chars()
                .filter(|c| !c.is_control() && !matches!(c, '\u{2028}' | '\u{2029}'))
                .collect()
        })
    }

    fn any_text(max: usize) -> impl Strategy<Value = String> {
        prop_oneof![
            proptest::collection::vec(any::<char>(), 0..max)
                .prop_map(|chars| chars.into_iter().collect::<String>()),
            "(( |\\t)*[a-z#:'\"\\-|>]*\\n?){0,8}",
            "(\\PC|\\n){0,80}",
        ]
    }

    fn spec_strategy() -> impl Strategy<Value = ChallengeSpec> {
        let flags = proptest::collection::vec(
            prop_oneof![
                (line_text(), any::<bool>()).prop_map(|(content, ci)| FlagSpec {
                    kind: if ci {
                        FlagKind::StaticCaseInsensitive
                    } else {
                        FlagKind::Static
                    },
                    content,
                }),
                (
                    prop::sample::select(vec![
                        r"flag\{[a-z_]+\}",
                        r#""quoted": \d+ # x"#,
                        r"(?i)ctf\{.*\}",
                        r"a|b: c",
                        r"\\ \x{1F600}",
                    ]),
                    any::<bool>()
                )
                    .prop_map(|(content, ci)| FlagSpec {
                        kind: if ci {
                            FlagKind::RegexCaseInsensitive
                        } else {
                            FlagKind::Regex
                        },
                        content: content.to_owned(),
                    }),
            ],
            1..4,
        );
        let hints = proptest::collection::vec(
            (any_text(60), 0..=MAX_POINTS).prop_map(|(content, cost)| HintSpec {
                content: format!("h{content}"),
                cost,
            }),
            0..3,
        );
        let names = || proptest::collection::vec(line_text(), 0..3);
        (
            (line_text(), line_text(), any_text(200), line_text()),
            (prop::sample::select(Category::ALL.to_vec()), 0..3usize),
            (1..=MAX_POINTS, 1..=MAX_POINTS, 1..=MAX_DECAY),
            (flags, hints, names(), names(), names()),
            any::<bool>(),
        )
            .prop_filter_map(
                "a valid spec",
                |(
                    (name, author, description, connection_info),
                    (category, function),
                    (a, b, decay),
                    (flags, hints, requirements, files, tags),
                    visible,
                )| {
                    let function =
                        [DecaySpec::Static, DecaySpec::Linear, DecaySpec::Parabolic][function];
                    let (initial, minimum, decay) = match function {
                        DecaySpec::Static => (a, a, 1),
                        _ => (a.max(b), a.min(b), decay),
                    };
                    let trimmed = |list: Vec<String>, max: usize| -> Vec<String> {
                        list.iter()
                            .map(|s| s.trim().chars().take(max).collect::<String>())
                            .map(|s| s.trim().to_owned())
                            .filter(|s| !s.is_empty() && !s.contains(".."))
                            .collect()
                    };
                    let name = name.trim().to_owned();
                    let spec = ChallengeSpec {
                        requirements: trimmed(requirements, MAX_NAME_CHARS)
                            .into_iter()
                            .filter(|r| *r != name)
                            .collect(),
                        name,
                        author: author.trim().to_owned(),
                        category,
                        description,
                        connection_info: connection_info.trim().to_owned(),
                        initial,
                        minimum,
                        decay,
                        function,
                        flags: flags
                            .into_iter()
                            .filter(|f| !f.content.trim().is_empty())
                            .collect(),
                        hints,
                        files: trimmed(files, MAX_FILE_CHARS)
                            .into_iter()
                            .filter(|f| is_relative_inside(f))
                            .collect(),
                        tags: trimmed(tags, MAX_TAG_CHARS),
                        visible,
                    };
                    (!spec.name.is_empty() && !spec.flags.is_empty()).then_some(spec)
                },
            )
    }

    proptest! {
        #[test]
        fn to_yaml_reads_back_as_the_same_spec(spec in spec_strategy()) {
            let yaml = to_yaml(&spec);
            prop_assert_eq!(parse(&yaml), Ok(spec), "{}", yaml);
        }
    }
}
