//! Versioned form definitions, answers, and their validation.
//!
//! # Storage of answers
//! [`Answers`] maps a top-level field key to an [`Answer`]. A valid value is
//! stored in its normalized typed form:
//!
//! | field kind | stored as |
//! | --- | --- |
//! | text, long text, e-mail, phone (E.164), URL, date (`YYYY-MM-DD`), country (alpha-2), single choice (option value) | `Answer::Text` |
//! | number | `Answer::Number` |
//! | yes/no, consent | `Answer::Bool` |
//! | multiple choice | `Answer::Choices` |
//! | file | `Answer::File` |
//! | group | `Answer::Group` (rows keyed by sub-field key) |
//!
//! **Invalid input is kept too**, so the page can be re-rendered with what the
//! user typed: when a value cannot be parsed for its kind (e.g. `"douze"` for
//! a number, a malformed e-mail), the cleaned raw string is stored as
//! `Answer::Text`; an unknown choice value is stored as-is. [`check_complete`]
//! re-checks formats, so such values can never be submitted. A value beyond its
//! field's limit (length, number of rows or choices) is never kept, not even in a
//! draft: see [`SectionOutcome::oversize`].
//!
//! Blank inputs are removed from the answers (an unchecked consent box is
//! simply absent).
//!
//! # Two-step validation
//! * [`parse_section`] (on every save, drafts included) reports format errors
//!   only: a draft may be incomplete.
//! * [`check_complete`] (before submission) reports missing required fields,
//!   unchecked required consents, too few group rows, and format errors.

use crate::domain::types::UserMessage;
use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::country::{self, Country};
use super::types::{Email, Lang, Localized, PhoneNumber};

// ---------------------------------------------------------------------------
// Definitions
// ---------------------------------------------------------------------------

/// A form: an ordered list of sections (one page each).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormDefinition {
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub key: String,
    pub title: Localized,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    pub key: String,
    pub label: Localized,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<Localized>,
    #[serde(default)]
    pub required: bool,
    /// Personal data (names, contacts, ID documents…): hidden from reviewers.
    #[serde(default)]
    pub personal: bool,
    /// Asked only when an earlier choice has a given value (the passport upload only to
    /// those who chose "passport"): hidden, not required and not shown otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shown_when: Option<ShownWhen>,
    pub kind: FieldKind,
}

/// The condition of [`Field::shown_when`]: the single choice `field` answered `equals`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShownWhen {
    pub field: String,
    pub equals: String,
}

impl Field {
    /// Whether the field is asked, given the answers so far. A field whose condition is
    /// not answered yet is asked (a page without JavaScript shows it until the choice is
    /// saved).
    pub fn is_asked(&self, answers: &Answers) -> bool {
        match &self.shown_when {
            None => true,
            Some(when) => match answers.get(&when.field) {
                Some(Answer::Text(value)) => *value == when.equals,
                _ => true,
            },
        }
    }

    /// Whether the field is asked once every answer it depends on is given: what
    /// completeness and the review page go by.
    fn is_asked_when_complete(&self, answers: &Answers) -> bool {
        match &self.shown_when {
            None => true,
            Some(when) => answers.get(&when.field) == Some(&Answer::Text(when.equals.clone())),
        }
    }
}

/// What a field asks for. JSON: `{"type": "text", "max_len": 200}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum FieldKind {
    /// One line of text; `max_len` in characters.
    Text {
        max_len: u32,
    },
    /// Several lines of text; `max_len` in characters.
    LongText {
        max_len: u32,
    },
    /// An integer, bounds inclusive.
    Number {
        #[serde(default)]
        min: Option<i64>,
        #[serde(default)]
        max: Option<i64>,
    },
    Email,
    Phone,
    /// An http or https URL.
    Url,
    /// A calendar date (`YYYY-MM-DD`; `DD/MM/YYYY` is accepted on input).
    Date,
    SingleChoice {
        options: Vec<Choice>,
    },
    MultipleChoice {
        options: Vec<Choice>,
        #[serde(default)]
        max_selected: Option<u32>,
    },
    Country {
        /// Restricts the choice to these countries (`None`: any country).
        #[serde(default)]
        allowed: Option<Vec<Country>>,
    },
    YesNo,
    /// A checkbox that must be checked if the field is required.
    Consent,
    /// Uploaded separately from the HTML form; see [`check_upload`].
    File {
        kinds: Vec<FileKind>,
        max_bytes: u64,
        /// An identity document (shown only to those allowed to see it).
        #[serde(default)]
        id_document: bool,
    },
    /// A repeatable group of sub-fields (e.g. team members). No nested
    /// groups, no files.
    Group {
        fields: Vec<Field>,
        min_items: u32,
        max_items: u32,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub value: String,
    pub label: Localized,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    Pdf,
    Jpeg,
    Png,
}

impl FileKind {
    /// Detects the file type from its first bytes (magic numbers).
    pub fn detect(first_bytes: &[u8]) -> Option<FileKind> {
        if first_bytes.starts_with(b"%PDF-") {
            Some(FileKind::Pdf)
        } else if first_bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(FileKind::Jpeg)
        } else if first_bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Some(FileKind::Png)
        } else {
            None
        }
    }

    pub fn mime(&self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
        }
    }

    pub fn extension(&self) -> &'static str {
        match self {
            FileKind::Pdf => "pdf",
            FileKind::Jpeg => "jpg",
            FileKind::Png => "png",
        }
    }

    /// Upper-case name for messages ("PDF", "JPEG", "PNG").
    pub fn label(&self) -> &'static str {
        match self {
            FileKind::Pdf => "PDF",
            FileKind::Jpeg => "JPEG",
            FileKind::Png => "PNG",
        }
    }
}

/// Checks an upload for a file field: its type (by magic bytes, not by the
/// name the browser sent) and its size. Returns the detected kind.
pub fn check_upload(
    kind: &FieldKind,
    first_bytes: &[u8],
    size: u64,
) -> Result<FileKind, FieldError> {
    let FieldKind::File {
        kinds, max_bytes, ..
    } = kind
    else {
        return Err(FieldError::new(
            "not_a_file_field",
            "form-error-not-a-file-field",
        ));
    };
    if size == 0 {
        return Err(FieldError::new("empty_file", "form-error-empty-file"));
    }
    if size > *max_bytes {
        let mb = format_megabytes(*max_bytes);
        return Err(FieldError::new("file_too_large", "form-error-file-too-large").with("mb", mb));
    }
    match FileKind::detect(first_bytes) {
        Some(k) if kinds.contains(&k) => Ok(k),
        _ => {
            let list = kinds
                .iter()
                .map(FileKind::label)
                .collect::<Vec<_>>()
                .join(", ");
            Err(FieldError::new("file_type", "form-error-file-type").with("list", list))
        }
    }
}

fn format_megabytes(bytes: u64) -> String {
    let tenths = bytes.saturating_mul(10) / (1024 * 1024);
    if tenths.is_multiple_of(10) {
        format!("{}", tenths / 10)
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

impl FormDefinition {
    /// All top-level fields, in order.
    pub fn fields(&self) -> impl Iterator<Item = &Field> {
        self.sections.iter().flat_map(|s| s.fields.iter())
    }

    /// The top-level field with this key.
    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields().find(|f| f.key == key)
    }

    /// Validates the definition itself (organisers edit it as JSON). Returns
    /// every problem found, in readable English.
    pub fn check(&self) -> Result<(), Vec<String>> {
        let mut errors = Vec::new();
        if self.sections.is_empty() {
            errors.push("the form has no section".to_string());
        }
        let mut section_keys = BTreeSet::new();
        let mut field_keys = BTreeSet::new();
        for (i, section) in self.sections.iter().enumerate() {
            let at = format!("section {} ('{}')", i + 1, section.key);
            check_key(&section.key, &at, &mut errors);
            if !section_keys.insert(section.key.as_str()) {
                errors.push(format!("{at}: duplicate section key '{}'", section.key));
            }
            check_localized(&section.title, &format!("{at}: title"), &mut errors);
            if section.fields.is_empty() {
                errors.push(format!("{at}: the section has no field"));
            }
            for field in &section.fields {
                if let Some(when) = &field.shown_when {
                    check_shown_when(self, field, when, &field_keys, &at, &mut errors);
                }
                if !field_keys.insert(field.key.as_str()) {
                    errors.push(format!("{at}: duplicate field key '{}'", field.key));
                }
                check_field(field, &at, false, &mut errors);
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// A condition names an earlier single choice (earlier: `seen` holds the keys before this
/// field) and one of its options.
fn check_shown_when(
    def: &FormDefinition,
    field: &Field,
    when: &ShownWhen,
    seen: &BTreeSet<&str>,
    at: &str,
    errors: &mut Vec<String>,
) {
    let at = format!("{at}, field '{}': shown_when", field.key);
    let choice = def
        .field(&when.field)
        .filter(|f| seen.contains(f.key.as_str()));
    match choice.map(|f| &f.kind) {
        Some(FieldKind::SingleChoice { options }) => {
            if !options.iter().any(|o| o.value == when.equals) {
                errors.push(format!(
                    "{at}: '{}' is not an option of '{}'",
                    when.equals, when.field
                ));
            }
        }
        _ => errors.push(format!(
            "{at}: '{}' must be a single choice placed before this field",
            when.field
        )),
    }
}

fn check_key(key: &str, at: &str, errors: &mut Vec<String>) {
    let ok = key.len() <= 64
        && key.starts_with(|c: char| c.is_ascii_lowercase())
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !ok {
        errors.push(format!(
            "{at}: key '{key}' must start with a lowercase letter and contain only a-z, 0-9 and _ (64 characters at most)"
        ));
    }
}

fn check_localized(l: &Localized, at: &str, errors: &mut Vec<String>) {
    if l.fr.trim().is_empty() {
        errors.push(format!("{at}: the French text is empty"));
    }
    if l.en.trim().is_empty() {
        errors.push(format!("{at}: the English text is empty"));
    }
}

fn check_options(options: &[Choice], at: &str, errors: &mut Vec<String>) {
    if options.is_empty() {
        errors.push(format!("{at}: a choice needs at least one option"));
    }
    let mut seen = BTreeSet::new();
    for o in options {
        if o.value.trim().is_empty()
            || o.value.trim() != o.value
            || o.value.chars().any(char::is_control)
            || o.value.len() > MAX_OPTION_LEN
        {
            errors.push(format!(
                "{at}: option value '{}' must be non-empty, at most 100 characters, without surrounding spaces",
                o.value
            ));
        }
        if !seen.insert(o.value.as_str()) {
            errors.push(format!("{at}: duplicate option value '{}'", o.value));
        }
        check_localized(&o.label, &format!("{at}: option '{}'", o.value), errors);
    }
}

fn check_field(field: &Field, parent: &str, in_group: bool, errors: &mut Vec<String>) {
    let at = format!("{parent}, field '{}'", field.key);
    check_key(&field.key, &at, errors);
    check_localized(&field.label, &format!("{at}: label"), errors);
    if let Some(help) = &field.help {
        check_localized(help, &format!("{at}: help"), errors);
    }
    match &field.kind {
        FieldKind::Text { max_len: 0 } | FieldKind::LongText { max_len: 0 } => {
            errors.push(format!("{at}: max_len must be at least 1"));
        }
        FieldKind::Number {
            min: Some(min),
            max: Some(max),
        } if min > max => {
            errors.push(format!("{at}: min ({min}) is greater than max ({max})"));
        }
        FieldKind::SingleChoice { options } => check_options(options, &at, errors),
        FieldKind::MultipleChoice {
            options,
            max_selected,
        } => {
            check_options(options, &at, errors);
            if *max_selected == Some(0) {
                errors.push(format!("{at}: max_selected must be at least 1"));
            }
        }
        FieldKind::Country {
            allowed: Some(allowed),
        } => {
            if allowed.is_empty() {
                errors.push(format!(
                    "{at}: the list of allowed countries is empty (remove it to allow any country)"
                ));
            }
            let unique: BTreeSet<_> = allowed.iter().collect();
            if unique.len() != allowed.len() {
                errors.push(format!("{at}: duplicate country in the allowed list"));
            }
        }
        FieldKind::File {
            kinds, max_bytes, ..
        } => {
            if in_group {
                errors.push(format!("{at}: a group may not contain a file field"));
            }
            if kinds.is_empty() {
                errors.push(format!(
                    "{at}: a file field needs at least one accepted file kind"
                ));
            }
            if *max_bytes == 0 {
                errors.push(format!("{at}: max_bytes must be greater than 0"));
            }
        }
        FieldKind::Group {
            fields,
            min_items,
            max_items,
        } => {
            if in_group {
                errors.push(format!("{at}: groups may not be nested"));
                return;
            }
            if fields.is_empty() {
                errors.push(format!("{at}: the group has no field"));
            }
            if *max_items == 0 || *max_items > MAX_GROUP_ITEMS {
                errors.push(format!(
                    "{at}: max_items must be between 1 and {MAX_GROUP_ITEMS}"
                ));
            }
            if min_items > max_items {
                errors.push(format!(
                    "{at}: min_items ({min_items}) is greater than max_items ({max_items})"
                ));
            }
            let mut keys = BTreeSet::new();
            for sub in fields {
                if !keys.insert(sub.key.as_str()) {
                    errors.push(format!("{at}: duplicate sub-field key '{}'", sub.key));
                }
                check_field(sub, &at, true, errors);
            }
        }
        _ => {}
    }
}

/// Upper bound for `Group::max_items`.
pub const MAX_GROUP_ITEMS: u32 = 100;

// ---------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------

/// One answer. JSON is externally tagged, e.g. `{"text": "Bamako"}`,
/// `{"number": 3}`, `{"bool": true}`, `{"choices": ["ia"]}`,
/// `{"file": {"file_id": "…", "name": "cv.pdf"}}`, `{"group": [{…}]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Text(String),
    Number(i64),
    Bool(bool),
    Choices(Vec<String>),
    File { file_id: String, name: String },
    Group(Vec<BTreeMap<String, Answer>>),
}

impl Answer {
    /// The text, when this is a text answer.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Answer::Text(s) => Some(s),
            _ => None,
        }
    }

    fn is_blank(&self) -> bool {
        match self {
            Answer::Text(s) => s.trim().is_empty(),
            Answer::Choices(v) => v.is_empty(),
            Answer::Group(rows) => rows.is_empty(),
            Answer::File { file_id, .. } => file_id.is_empty(),
            Answer::Number(_) | Answer::Bool(_) => false,
        }
    }
}

/// A document a form asks for, as the call page announces it before anyone signs up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentNeed {
    /// One label, or the alternatives of an identity document (any one of them will do).
    pub labels: Vec<Localized>,
    pub kinds: Vec<FileKind>,
    pub max_bytes: u64,
    pub required: bool,
    /// An identity document (its alternatives share the line).
    pub id_document: bool,
}

impl DocumentNeed {
    /// "PDF, JPEG" and "5" (megabytes), as the page says them.
    pub fn formats(&self) -> (String, String) {
        let kinds: Vec<&str> = self.kinds.iter().map(FileKind::label).collect();
        (kinds.join(", "), format_megabytes(self.max_bytes))
    }
}

/// What applying takes: the documents to have at hand, the number of steps, a time estimate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirements {
    pub documents: Vec<DocumentNeed>,
    pub steps: usize,
    /// Rounded up to 5 minutes: about a minute per short answer, three per long text or list
    /// of people, two per document.
    pub minutes: u32,
}

pub fn requirements(form: &FormDefinition) -> Requirements {
    let mut documents: Vec<DocumentNeed> = Vec::new();
    let mut minutes = 0u32;
    for field in form.fields() {
        minutes += match &field.kind {
            FieldKind::LongText { .. } | FieldKind::Group { .. } => 3,
            FieldKind::File { .. } => 2,
            FieldKind::Consent => 0,
            _ => 1,
        };
        let FieldKind::File {
            kinds,
            max_bytes,
            id_document,
        } = &field.kind
        else {
            continue;
        };
        // The identity documents of a form are alternatives: one line for them all.
        let alternative = documents.iter_mut().find(|d| {
            *id_document && d.id_document && d.kinds == *kinds && d.max_bytes == *max_bytes
        });
        match alternative {
            Some(need) => need.labels.push(field.label.clone()),
            None => documents.push(DocumentNeed {
                labels: vec![field.label.clone()],
                kinds: kinds.clone(),
                max_bytes: *max_bytes,
                required: field.required,
                id_document: *id_document,
            }),
        }
    }
    Requirements {
        documents,
        steps: form.sections.len(),
        minutes: minutes.div_ceil(5).max(1) * 5,
    }
}

/// What an applicant's account already says about them, offered as first answers so that
/// nothing given at sign-up is asked again empty.
pub struct AccountDetails<'a> {
    pub name: &'a str,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
}

/// The first answers of a new application, from the account (the applicant may change them):
/// the form's first e-mail and first phone field, a `full_name` field, or `first_name` and
/// `last_name` (the name's last word read as the family name, as names are written in Mali).
pub fn prefill(form: &FormDefinition, account: &AccountDetails<'_>) -> Answers {
    let mut answers = BTreeMap::new();
    let mut give = |key: &str, value: Option<&str>| {
        if let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) {
            answers
                .entry(key.to_owned())
                .or_insert_with(|| Answer::Text(value.to_owned()));
        }
    };
    let words: Vec<&str> = account.name.split_whitespace().collect();
    let (given, family) = match words.split_last() {
        Some((last, rest)) if !rest.is_empty() => (Some(rest.join(" ")), Some(*last)),
        _ => (None, None),
    };
    let first_of = |wanted: fn(&FieldKind) -> bool| form.fields().find(|f| wanted(&f.kind));
    if let Some(f) = first_of(|k| matches!(k, FieldKind::Email)) {
        give(&f.key, account.email);
    }
    if let Some(f) = first_of(|k| matches!(k, FieldKind::Phone)) {
        give(&f.key, account.phone);
    }
    for field in form.fields() {
        let is_text = matches!(field.kind, FieldKind::Text { .. });
        match field.key.as_str() {
            "full_name" if is_text => give(&field.key, Some(account.name)),
            "first_name" if is_text => give(&field.key, given.as_deref()),
            "last_name" if is_text => give(&field.key, family),
            _ => {}
        }
    }
    Answers(answers)
}

/// A form definition typed by an organiser as JSON: read and checked, or what is wrong with
/// it, for the page to show.
pub fn parse_definition(json: &str) -> Result<FormDefinition, String> {
    let def = serde_json::from_str::<FormDefinition>(json).map_err(|e| format!("JSON: {e}"))?;
    def.check().map_err(|problems| problems.join(" · "))?;
    Ok(def)
}

/// All answers of an application, keyed by top-level field key.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Answers(pub BTreeMap<String, Answer>);

impl Answers {
    pub fn get(&self, key: &str) -> Option<&Answer> {
        self.0.get(key)
    }
}

/// A validation error on one field (or one group cell).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub code: &'static str,
    /// The message's Fluent key, and the values it names.
    key: &'static str,
    args: Vec<(&'static str, MessageArg)>,
}

/// A value a field's error message names.
#[derive(Debug, Clone, PartialEq, Eq)]
enum MessageArg {
    Text(String),
    /// Country names, in the reader's language.
    Countries(Vec<Country>),
}

impl FieldError {
    pub fn new(code: &'static str, key: &'static str) -> Self {
        FieldError {
            code,
            key,
            args: Vec::new(),
        }
    }

    /// The message names `value` as `$name`.
    pub fn with(mut self, name: &'static str, value: impl ToString) -> Self {
        self.args.push((name, MessageArg::Text(value.to_string())));
        self
    }

    fn parse(code: &'static str, error: crate::domain::types::ParseError) -> Self {
        Self::new(code, error.key())
    }

    fn required() -> Self {
        Self::new("required", "field-required")
    }
}

/// What the person reads beside the field.
impl UserMessage for FieldError {
    fn key(&self) -> &'static str {
        self.key
    }

    fn args(&self, lang: Lang) -> Vec<(&'static str, String)> {
        self.args
            .iter()
            .map(|(name, value)| {
                let text = match value {
                    MessageArg::Text(text) => text.clone(),
                    MessageArg::Countries(list) => country::names(list, lang),
                };
                (*name, text)
            })
            .collect()
    }
}

/// The result of parsing one submitted section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionOutcome {
    /// The previous answers with this section's fields replaced by what was
    /// submitted — kept even when invalid (see the module documentation).
    pub answers: Answers,
    /// Format errors, keyed by field key, or `group[row][sub]` for a group
    /// cell (row = position in `answers`, after blank rows were dropped).
    pub errors: BTreeMap<String, FieldError>,
}

impl SectionOutcome {
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }

    /// Some value is beyond its field's limit (see [`size_error`]): a draft may be incomplete
    /// or mistyped, never oversize, so nothing of such a section is saved.
    pub fn oversize(&self) -> bool {
        self.errors
            .values()
            .any(|e| OVERSIZE_CODES.contains(&e.code))
    }
}

const OVERSIZE_CODES: [&str; 2] = ["too_long", "too_many_items"];

/// The longest text kept as typed for a kind with no length of its own (an invalid e-mail,
/// URL or date is kept so it can be corrected): as long as the longest valid URL.
pub const MAX_RAW_LEN: usize = 2048;

/// Whether an answer is beyond what its field can hold: a text longer than `max_len` (or
/// than [`MAX_RAW_LEN`] for other kinds), more choices than the options or longer ones, more
/// group rows than `max_items`.
fn size_error(kind: &FieldKind, answer: &Answer) -> Option<FieldError> {
    let too_long = |max: usize, typed: usize| {
        FieldError::new("too_long", "form-error-too-long")
            .with("max", max)
            .with("typed", typed)
    };
    match (kind, answer) {
        (FieldKind::Text { max_len } | FieldKind::LongText { max_len }, Answer::Text(s)) => {
            let typed = s.chars().count();
            (typed > *max_len as usize).then(|| too_long(*max_len as usize, typed))
        }
        (_, Answer::Text(s)) => {
            let typed = s.chars().count();
            (typed > MAX_RAW_LEN).then(|| too_long(MAX_RAW_LEN, typed))
        }
        (FieldKind::MultipleChoice { options, .. }, Answer::Choices(values)) => (values.len()
            > options.len()
            || values.iter().any(|v| v.chars().count() > MAX_OPTION_LEN))
        .then(|| FieldError::new("too_long", "form-error-too-many-long-choices")),
        (FieldKind::Group { max_items, .. }, Answer::Group(rows)) => {
            (rows.len() > *max_items as usize).then(|| {
                FieldError::new("too_many_items", "form-error-too-many-items")
                    .with("max", max_items)
            })
        }
        _ => None,
    }
}

/// Longest option value a form may define (see `check_options`).
const MAX_OPTION_LEN: usize = 100;

/// Trims and removes control characters (except `\n` and `\t`, kept in long
/// texts; single-line kinds turn them into spaces). `\r\n` becomes `\n`.
fn clean(raw: &str, multiline: bool) -> String {
    let kept: String = raw
        .chars()
        .filter_map(|c| match c {
            '\n' | '\t' if multiline => Some(c),
            '\n' | '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect();
    kept.trim().to_string()
}

fn is_truthy(s: &str) -> bool {
    matches!(
        s.trim().to_ascii_lowercase().as_str(),
        "on" | "yes" | "true" | "1" | "oui"
    )
}

fn parse_yes_no(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "yes" | "oui" | "true" | "1" | "on" => Some(true),
        "no" | "non" | "false" | "0" => Some(false),
        _ => None,
    }
}

fn parse_date(s: &str) -> Option<jiff::civil::Date> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i32> {
        let part = s.get(r)?;
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let (y, m, d) = if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        (num(0..4)?, num(5..7)?, num(8..10)?)
    } else if b.len() == 10 && b[2] == b'/' && b[5] == b'/' {
        (num(6..10)?, num(3..5)?, num(0..2)?)
    } else {
        return None;
    };
    jiff::civil::Date::new(
        i16::try_from(y).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(d).ok()?,
    )
    .ok()
}

/// Parses a stored date answer (`YYYY-MM-DD`).
pub fn answer_date(answer: &Answer) -> Option<jiff::civil::Date> {
    answer.as_text().and_then(parse_date)
}

/// A web address as typed (`example.ml` gets `https://`); `None` when it is not one.
pub fn parse_url(s: &str) -> Option<String> {
    if s.len() > 2048 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let lower = s.to_ascii_lowercase();
    let url = if lower.starts_with("http://") || lower.starts_with("https://") {
        s.to_string()
    } else if s.contains("://") {
        return None;
    } else {
        format!("https://{s}")
    };
    let after_scheme = url.split_once("://").map(|(_, r)| r)?;
    let authority = after_scheme.split(['/', '?', '#']).next().unwrap_or("");
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (authority, None),
    };
    if let Some(p) = port {
        if p.is_empty() || p.len() > 5 || !p.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
    }
    let host_ok = host.contains('.')
        && host
            .split('.')
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-'));
    host_ok.then_some(url)
}

fn parse_number(s: &str) -> Option<i64> {
    let compact: String = s
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    compact.parse().ok()
}

pub(crate) fn option_label<'a>(options: &'a [Choice], value: &str) -> Option<&'a Localized> {
    options.iter().find(|o| o.value == value).map(|o| &o.label)
}

/// Converts cleaned raw values for a (non-group, non-file) field into an
/// answer. `None` when blank. Invalid values are kept as typed; use
/// [`check_format`] to find out whether the answer is valid.
fn answer_from_values(kind: &FieldKind, values: &[&str]) -> Option<Answer> {
    let multiline = matches!(kind, FieldKind::LongText { .. });
    let cleaned: Vec<String> = values
        .iter()
        .map(|v| clean(v, multiline))
        .filter(|v| !v.is_empty())
        .collect();
    // Single-valued kinds take the last non-empty value.
    let last = cleaned.last().cloned();
    match kind {
        FieldKind::Text { .. } | FieldKind::LongText { .. } | FieldKind::SingleChoice { .. } => {
            last.map(Answer::Text)
        }
        FieldKind::Number { .. } => last.map(|s| match parse_number(&s) {
            Some(n) => Answer::Number(n),
            None => Answer::Text(s),
        }),
        FieldKind::Email => last.map(|s| {
            Answer::Text(
                Email::parse(&s)
                    .map(|e| e.as_str().to_string())
                    .unwrap_or(s),
            )
        }),
        FieldKind::Phone => last.map(|s| {
            Answer::Text(
                PhoneNumber::parse(&s)
                    .map(|p| p.as_str().to_string())
                    .unwrap_or(s),
            )
        }),
        FieldKind::Url => last.map(|s| Answer::Text(parse_url(&s).unwrap_or(s))),
        FieldKind::Date => {
            last.map(|s| Answer::Text(parse_date(&s).map(|d| d.to_string()).unwrap_or(s)))
        }
        FieldKind::Country { .. } => last.map(|s| {
            Answer::Text(
                Country::parse(&s)
                    .map(|c| c.as_str().to_string())
                    .unwrap_or(s),
            )
        }),
        FieldKind::YesNo => last.map(|s| match parse_yes_no(&s) {
            Some(b) => Answer::Bool(b),
            None => Answer::Text(s),
        }),
        FieldKind::Consent => cleaned
            .iter()
            .any(|v| is_truthy(v))
            .then_some(Answer::Bool(true)),
        FieldKind::MultipleChoice { .. } => {
            let mut seen = BTreeSet::new();
            let unique: Vec<String> = cleaned
                .into_iter()
                .filter(|v| seen.insert(v.clone()))
                .collect();
            (!unique.is_empty()).then_some(Answer::Choices(unique))
        }
        FieldKind::File { .. } | FieldKind::Group { .. } => None,
    }
}

fn wrong_type() -> FieldError {
    FieldError::new("invalid", "form-error-invalid")
}

/// Checks the format of a non-blank answer (not whether it is required).
/// For groups, returns the errors of each cell keyed by `key[row][sub]`, and
/// the row-count error under `key`.
fn check_format(
    field: &Field,
    answer: &Answer,
    errors: &mut BTreeMap<String, FieldError>,
    key: &str,
) {
    if let Some(e) = format_error(&field.kind, answer) {
        errors.insert(key.to_string(), e);
    }
    if let (FieldKind::Group { fields, .. }, Answer::Group(rows)) = (&field.kind, answer) {
        for (i, row) in rows.iter().enumerate() {
            for sub in fields {
                if let Some(a) = row.get(&sub.key).filter(|a| !a.is_blank()) {
                    check_format(sub, a, errors, &format!("{key}[{i}][{}]", sub.key));
                }
            }
        }
    }
}

fn format_error(kind: &FieldKind, answer: &Answer) -> Option<FieldError> {
    if let Some(e) = size_error(kind, answer) {
        return Some(e);
    }
    match (kind, answer) {
        (FieldKind::Text { .. } | FieldKind::LongText { .. }, Answer::Text(_)) => None,
        (FieldKind::Number { min, max }, Answer::Number(n)) => {
            if let Some(min) = min.filter(|m| n < m) {
                Some(FieldError::new("too_small", "form-error-too-small").with("min", min))
            } else {
                max.filter(|m| n > m).map(|max| {
                    FieldError::new("too_large", "form-error-too-large").with("max", max)
                })
            }
        }
        (FieldKind::Number { .. }, Answer::Text(_)) => {
            Some(FieldError::new("not_a_number", "form-error-not-a-number"))
        }
        (FieldKind::Email, Answer::Text(s)) => Email::parse(s)
            .err()
            .map(|e| FieldError::parse("invalid_email", e)),
        (FieldKind::Phone, Answer::Text(s)) => PhoneNumber::parse(s)
            .err()
            .map(|e| FieldError::parse("invalid_phone", e)),
        (FieldKind::Url, Answer::Text(s)) => parse_url(s)
            .is_none()
            .then(|| FieldError::new("invalid_url", "form-error-invalid-url")),
        (FieldKind::Date, Answer::Text(s)) => parse_date(s)
            .is_none()
            .then(|| FieldError::new("invalid_date", "form-error-invalid-date")),
        (FieldKind::SingleChoice { options }, Answer::Text(s)) => {
            option_label(options, s).is_none().then(unknown_choice)
        }
        (
            FieldKind::MultipleChoice {
                options,
                max_selected,
            },
            Answer::Choices(values),
        ) => {
            if values.iter().any(|v| option_label(options, v).is_none()) {
                Some(unknown_choice())
            } else {
                max_selected
                    .filter(|m| values.len() > *m as usize)
                    .map(|m| {
                        FieldError::new("too_many_choices", "form-error-too-many-choices")
                            .with("max", m)
                    })
            }
        }
        (FieldKind::Country { allowed }, Answer::Text(s)) => match Country::parse(s) {
            Err(e) => Some(FieldError::parse("invalid_country", e)),
            Ok(c) => allowed.as_ref().filter(|a| !a.contains(&c)).map(|a| {
                let mut error = FieldError::new("country_not_allowed", "form-error-country");
                error.args.push(("list", MessageArg::Countries(a.clone())));
                error
            }),
        },
        (FieldKind::YesNo | FieldKind::Consent, Answer::Bool(_)) => None,
        (FieldKind::YesNo, Answer::Text(_)) => {
            Some(FieldError::new("invalid_yes_no", "form-error-yes-no"))
        }
        (FieldKind::File { .. }, Answer::File { .. }) => None,
        (FieldKind::Group { .. }, Answer::Group(_)) => None,
        _ => Some(wrong_type()),
    }
}

fn unknown_choice() -> FieldError {
    FieldError::new("unknown_choice", "form-error-unknown-choice")
}

/// Splits `group[12][sub]` into `("group", 12, "sub")`.
fn split_group_key(name: &str) -> Option<(&str, usize, &str)> {
    let (group, rest) = name.split_once('[')?;
    let (index, rest) = rest.split_once("][")?;
    let sub = rest.strip_suffix(']')?;
    if index.is_empty() || index.len() > 6 || !index.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((group, index.parse().ok()?, sub))
}

/// Parses the raw urlencoded pairs of one section (`section_index` into
/// `def.sections`) and merges them into `previous`.
///
/// * Every field of the section is replaced by the submitted value, or
///   removed if blank/absent (an unchecked checkbox is absent). File fields
///   are not in the HTML form: their previous value is kept.
/// * Group cells are named `group[index][sub]`; rows are ordered by index and
///   renumbered from 0; rows whose cells are all blank are dropped.
/// * Unknown keys are ignored. Only format errors are reported; see
///   [`check_complete`] for required fields.
///
/// An out-of-range `section_index` returns `previous` unchanged, without errors.
pub fn parse_section(
    def: &FormDefinition,
    section_index: usize,
    raw: &[(String, String)],
    previous: &Answers,
) -> SectionOutcome {
    let mut answers = previous.clone();
    let mut errors = BTreeMap::new();
    let Some(section) = def.sections.get(section_index) else {
        return SectionOutcome { answers, errors };
    };
    let mut by_key: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    // group key -> row index -> sub key -> values
    let mut cells: BTreeMap<&str, BTreeMap<usize, BTreeMap<&str, Vec<&str>>>> = BTreeMap::new();
    for (k, v) in raw {
        if let Some((group, index, sub)) = split_group_key(k) {
            cells
                .entry(group)
                .or_default()
                .entry(index)
                .or_default()
                .entry(sub)
                .or_default()
                .push(v);
        } else {
            by_key.entry(k.as_str()).or_default().push(v);
        }
    }
    for field in &section.fields {
        let answer = match &field.kind {
            FieldKind::File { .. } => continue,
            FieldKind::Group { fields, .. } => {
                let rows: Vec<BTreeMap<String, Answer>> = cells
                    .get(field.key.as_str())
                    .into_iter()
                    .flat_map(|rows| rows.values())
                    .map(|row| {
                        fields
                            .iter()
                            .filter_map(|sub| {
                                let values =
                                    row.get(sub.key.as_str()).map(Vec::as_slice).unwrap_or(&[]);
                                answer_from_values(&sub.kind, values).map(|a| (sub.key.clone(), a))
                            })
                            .collect::<BTreeMap<_, _>>()
                    })
                    .filter(|row| !row.is_empty())
                    .collect();
                (!rows.is_empty()).then_some(Answer::Group(rows))
            }
            kind => answer_from_values(
                kind,
                by_key
                    .get(field.key.as_str())
                    .map(Vec::as_slice)
                    .unwrap_or(&[]),
            ),
        };
        match answer {
            Some(a) => {
                check_format(field, &a, &mut errors, &field.key);
                answers.0.insert(field.key.clone(), a);
            }
            None => {
                answers.0.remove(&field.key);
            }
        }
    }
    SectionOutcome { answers, errors }
}

fn check_complete_field(
    field: &Field,
    answer: Option<&Answer>,
    key: &str,
    errors: &mut BTreeMap<String, FieldError>,
) {
    let answer = answer.filter(|a| !a.is_blank());
    match (&field.kind, answer) {
        (FieldKind::Consent, a) if field.required && a != Some(&Answer::Bool(true)) => {
            errors.insert(
                key.to_string(),
                FieldError::new("consent_required", "form-error-consent"),
            );
        }
        (_, None) => {
            let min = match &field.kind {
                FieldKind::Group { min_items, .. } => *min_items,
                _ => 0,
            };
            if field.required || min > 0 {
                errors.insert(key.to_string(), FieldError::required());
            }
        }
        (kind, Some(a)) => {
            check_format(field, a, errors, key);
            if let (
                FieldKind::Group {
                    fields, min_items, ..
                },
                Answer::Group(rows),
            ) = (kind, a)
            {
                if rows.len() < *min_items as usize {
                    errors.entry(key.to_string()).or_insert_with(|| {
                        FieldError::new("too_few_items", "form-error-too-few-items")
                            .with("min", min_items)
                    });
                }
                for (i, row) in rows.iter().enumerate() {
                    for sub in fields {
                        let sub_key = format!("{key}[{i}][{}]", sub.key);
                        if !errors.contains_key(&sub_key) {
                            check_complete_field(sub, row.get(&sub.key), &sub_key, errors);
                        }
                    }
                }
            }
        }
    }
}

/// Checks that the answers can be submitted: required fields present,
/// required consents checked, group row counts, and every format.
/// Empty map = complete.
pub fn check_complete(def: &FormDefinition, answers: &Answers) -> BTreeMap<String, FieldError> {
    let mut errors = BTreeMap::new();
    for field in def.fields().filter(|f| f.is_asked_when_complete(answers)) {
        check_complete_field(field, answers.get(&field.key), &field.key, &mut errors);
    }
    errors
}

/// The answers that count: those of the fields asked given the other answers (a passport
/// uploaded before the applicant chose "NINA card" is not part of the dossier).
pub fn asked_answers(def: &FormDefinition, answers: &Answers) -> Answers {
    Answers(
        answers
            .0
            .iter()
            .filter(|(key, _)| {
                def.field(key)
                    .is_none_or(|f| f.is_asked_when_complete(answers))
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    )
}

/// Converts an answer to what `kind` stores, if compatible.
fn coerce(kind: &FieldKind, answer: &Answer) -> Option<Answer> {
    match (kind, answer) {
        (FieldKind::Group { fields, .. }, Answer::Group(rows)) => {
            let rows: Vec<BTreeMap<String, Answer>> = rows
                .iter()
                .map(|row| {
                    fields
                        .iter()
                        .filter_map(|sub| {
                            row.get(&sub.key)
                                .and_then(|a| coerce(&sub.kind, a))
                                .map(|a| (sub.key.clone(), a))
                        })
                        .collect::<BTreeMap<_, _>>()
                })
                .filter(|row| !row.is_empty())
                .collect();
            (!rows.is_empty()).then_some(Answer::Group(rows))
        }
        (FieldKind::Group { .. }, _) | (_, Answer::Group(_)) => None,
        (FieldKind::File { .. }, a @ Answer::File { .. }) => Some(a.clone()),
        (FieldKind::File { .. }, _) | (_, Answer::File { .. }) => None,
        (FieldKind::SingleChoice { options }, Answer::Text(v)) => {
            option_label(options, v).map(|_| answer.clone())
        }
        (FieldKind::SingleChoice { options }, Answer::Choices(v)) if v.len() == 1 => {
            option_label(options, &v[0]).map(|_| Answer::Text(v[0].clone()))
        }
        (FieldKind::MultipleChoice { options, .. }, Answer::Choices(v)) => {
            let kept: Vec<String> = v
                .iter()
                .filter(|v| option_label(options, v).is_some())
                .cloned()
                .collect();
            (!kept.is_empty()).then_some(Answer::Choices(kept))
        }
        (FieldKind::MultipleChoice { options, .. }, Answer::Text(v)) => {
            option_label(options, v).map(|_| Answer::Choices(vec![v.clone()]))
        }
        (FieldKind::Number { .. }, Answer::Number(_)) => Some(answer.clone()),
        (FieldKind::Number { .. }, Answer::Text(s)) => parse_number(s).map(Answer::Number),
        (FieldKind::YesNo | FieldKind::Consent, Answer::Bool(_)) => Some(answer.clone()),
        (
            FieldKind::Text { .. }
            | FieldKind::LongText { .. }
            | FieldKind::Email
            | FieldKind::Phone
            | FieldKind::Url
            | FieldKind::Date
            | FieldKind::Country { .. },
            Answer::Text(_),
        ) => Some(answer.clone()),
        (FieldKind::Text { .. } | FieldKind::LongText { .. }, Answer::Number(n)) => {
            Some(Answer::Text(n.to_string()))
        }
        _ => None,
    }
}

/// Keeps the answers whose key still exists in `new_def` with a compatible
/// kind (used when organisers change a form while applicants have drafts).
/// Choice values that no longer exist are dropped; values that became
/// invalid (e.g. now too long) are kept so the applicant can fix them.
pub fn migrate_answers(new_def: &FormDefinition, answers: &Answers) -> Answers {
    Answers(
        new_def
            .fields()
            .filter_map(|f| {
                let a = answers.get(&f.key)?;
                coerce(&f.kind, a).map(|a| (f.key.clone(), a))
            })
            .collect(),
    )
}

/// The answers without anything the form marks personal, at any depth: personal fields,
/// and the personal sub-fields of every group row (each team member's name…). Answers to
/// fields the form does not know are left out too, since nothing says they are not personal.
pub fn without_personal(def: &FormDefinition, answers: &Answers) -> Answers {
    Answers(
        answers
            .0
            .iter()
            .filter_map(|(key, answer)| {
                let field = def.field(key).filter(|f| !f.personal)?;
                let kept = match (&field.kind, answer) {
                    (FieldKind::Group { fields, .. }, Answer::Group(rows)) => Answer::Group(
                        rows.iter()
                            .map(|row| {
                                row.iter()
                                    .filter(|(sub_key, _)| {
                                        fields.iter().any(|f| &f.key == *sub_key && !f.personal)
                                    })
                                    .map(|(k, a)| (k.clone(), a.clone()))
                                    .collect()
                            })
                            .collect(),
                    ),
                    _ => answer.clone(),
                };
                Some((key.clone(), kept))
            })
            .collect(),
    )
}

/// Whether a team is women-led: the leader is a woman (`leader_gender_key`,
/// a top-level single choice, has value `"f"`), or women (rows of group
/// `group_key` whose `gender_key` is `"f"`) are at least half of a non-empty
/// team. Any other value (`"m"`, missing, unknown) does not count as a woman.
/// An empty team with a female leader is women-led.
pub fn women_led(
    answers: &Answers,
    group_key: &str,
    gender_key: &str,
    leader_gender_key: Option<&str>,
) -> bool {
    let is_f = |a: Option<&Answer>| matches!(a, Some(Answer::Text(v)) if v == "f");
    if leader_gender_key.is_some_and(|k| is_f(answers.get(k))) {
        return true;
    }
    let Some(Answer::Group(rows)) = answers.get(group_key) else {
        return false;
    };
    let women = rows.iter().filter(|r| is_f(r.get(gender_key))).count();
    !rows.is_empty() && women * 2 >= rows.len()
}

/// All top-level fields as export columns, in form order (a group is one
/// column).
pub fn field_columns(def: &FormDefinition) -> Vec<(String, Localized)> {
    def.fields()
        .map(|f| (f.key.clone(), f.label.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::applications::form_view::answer_display;
    use crate::domain::country::{AES, MALI};
    use crate::i18n::Say;
    use proptest::prelude::*;

    #[test]
    fn the_hackathon_needs_one_identity_document_of_three() {
        let needs = requirements(&crate::domain::seed_forms::hackathon_form());
        let ids: Vec<_> = needs.documents.iter().filter(|d| d.id_document).collect();
        assert_eq!(ids.len(), 1, "one line for the three alternatives");
        let labels: Vec<&str> = ids[0].labels.iter().map(|l| l.fr.as_str()).collect();
        assert_eq!(
            labels,
            ["Carte d'identité nationale", "Carte NINA", "Passeport"]
        );
        assert_eq!(
            ids[0].formats(),
            ("JPEG, PNG, PDF".to_owned(), "12".to_owned())
        );
        assert_eq!(needs.steps, 3);
        assert!(
            needs.minutes >= 10 && needs.minutes.is_multiple_of(5),
            "{}",
            needs.minutes
        );
    }

    #[test]
    fn what_the_account_says_comes_prefilled() {
        let form = crate::domain::seed_forms::hackathon_form();
        let answers = prefill(
            &form,
            &AccountDetails {
                name: "Aïssata Bintou Traoré",
                email: Some("aissata@exemple.ml"),
                phone: Some("+22376000001"),
            },
        );
        let text = |k: &str| answers.get(k).and_then(Answer::as_text).map(str::to_owned);
        assert_eq!(text("first_name").as_deref(), Some("Aïssata Bintou"));
        assert_eq!(text("last_name").as_deref(), Some("Traoré"));
        assert_eq!(text("email").as_deref(), Some("aissata@exemple.ml"));
        assert_eq!(text("phone").as_deref(), Some("+22376000001"));
        // A one-word name is not split; an account without e-mail leaves the field empty.
        let answers = prefill(
            &form,
            &AccountDetails {
                name: "Seydou",
                email: None,
                phone: Some("+22376000001"),
            },
        );
        assert!(answers.get("first_name").is_none() && answers.get("email").is_none());
    }

    fn l(s: &str) -> Localized {
        Localized::new(format!("{s} (fr)"), s)
    }

    fn field(key: &str, required: bool, kind: FieldKind) -> Field {
        Field {
            key: key.into(),
            label: l(key),
            help: None,
            required,
            personal: false,
            shown_when: None,
            kind,
        }
    }

    fn choices(values: &[&str]) -> Vec<Choice> {
        values
            .iter()
            .map(|v| Choice {
                value: v.to_string(),
                label: l(&v.to_uppercase()),
            })
            .collect()
    }

    fn team_field() -> Field {
        field(
            "team",
            false,
            FieldKind::Group {
                fields: vec![
                    field("name", true, FieldKind::Text { max_len: 50 }),
                    field("role", false, FieldKind::Text { max_len: 50 }),
                    field(
                        "gender",
                        true,
                        FieldKind::SingleChoice {
                            options: choices(&["f", "m"]),
                        },
                    ),
                    field(
                        "age",
                        false,
                        FieldKind::Number {
                            min: Some(10),
                            max: Some(99),
                        },
                    ),
                ],
                min_items: 1,
                max_items: 3,
            },
        )
    }

    fn def() -> FormDefinition {
        FormDefinition {
            sections: vec![
                Section {
                    key: "main".into(),
                    title: l("Main"),
                    fields: vec![
                        field("name", true, FieldKind::Text { max_len: 10 }),
                        field("summary", false, FieldKind::LongText { max_len: 20 }),
                        field(
                            "count",
                            false,
                            FieldKind::Number {
                                min: Some(0),
                                max: Some(100),
                            },
                        ),
                        field("email", true, FieldKind::Email),
                        field("phone", false, FieldKind::Phone),
                        field("site", false, FieldKind::Url),
                        field("born", false, FieldKind::Date),
                        field(
                            "domain",
                            false,
                            FieldKind::SingleChoice {
                                options: choices(&["ia", "fintech"]),
                            },
                        ),
                        field(
                            "tags",
                            false,
                            FieldKind::MultipleChoice {
                                options: choices(&["a", "b", "c"]),
                                max_selected: Some(2),
                            },
                        ),
                        field(
                            "country",
                            false,
                            FieldKind::Country {
                                allowed: Some(AES.to_vec()),
                            },
                        ),
                        field("any_country", false, FieldKind::Country { allowed: None }),
                        field("malian", false, FieldKind::YesNo),
                        field("consent", true, FieldKind::Consent),
                    ],
                },
                Section {
                    key: "team".into(),
                    title: l("Team"),
                    fields: vec![
                        team_field(),
                        field(
                            "leader_gender",
                            false,
                            FieldKind::SingleChoice {
                                options: choices(&["f", "m"]),
                            },
                        ),
                        field(
                            "sheet",
                            true,
                            FieldKind::File {
                                kinds: vec![FileKind::Pdf],
                                max_bytes: 10 << 20,
                                id_document: false,
                            },
                        ),
                    ],
                },
            ],
        }
    }

    fn raw(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn parse0(pairs: &[(&str, &str)]) -> SectionOutcome {
        parse_section(&def(), 0, &raw(pairs), &Answers::default())
    }

    fn text(s: &str) -> Answer {
        Answer::Text(s.into())
    }

    #[test]
    fn definition_is_valid_and_json_roundtrips() {
        let d = def();
        assert_eq!(d.check(), Ok(()));
        let json = serde_json::to_string_pretty(&d).unwrap();
        assert!(json.contains(r#""type": "single_choice""#));
        let back: FormDefinition = serde_json::from_str(&json).unwrap();
        assert_eq!(back, d);
    }

    #[test]
    fn definition_json_is_friendly() {
        let json = r#"{"sections":[{"key":"s","title":{"fr":"S","en":"S"},"fields":[
            {"key":"age","label":{"fr":"Âge","en":"Age"},"kind":{"type":"number"}},
            {"key":"c","label":{"fr":"Pays","en":"Country"},"kind":{"type":"country"}},
            {"key":"f","label":{"fr":"F","en":"F"},"kind":{"type":"file","kinds":["pdf"],"max_bytes":100}}]}]}"#;
        let d: FormDefinition = serde_json::from_str(json).unwrap();
        assert_eq!(d.check(), Ok(()));
        assert_eq!(
            d.sections[0].fields[0].kind,
            FieldKind::Number {
                min: None,
                max: None
            }
        );
        let typo = json.replace("max_bytes", "max_byte");
        assert!(serde_json::from_str::<FormDefinition>(&typo).is_err());
    }

    #[test]
    fn definition_errors() {
        let mut d = def();
        d.sections[0]
            .fields
            .push(field("name", false, FieldKind::Text { max_len: 0 }));
        d.sections[0].fields.push(field(
            "n2",
            false,
            FieldKind::Number {
                min: Some(5),
                max: Some(1),
            },
        ));
        d.sections[0].fields.push(field(
            "c",
            false,
            FieldKind::SingleChoice { options: vec![] },
        ));
        d.sections[0].fields.push(field(
            "d",
            false,
            FieldKind::MultipleChoice {
                options: choices(&["x", "x"]),
                max_selected: None,
            },
        ));
        d.sections[0]
            .fields
            .push(field("Bad Key", false, FieldKind::Email));
        d.sections[0].fields.push(field(
            "e",
            false,
            FieldKind::Country {
                allowed: Some(vec![]),
            },
        ));
        d.sections[0].fields.push(field(
            "f",
            false,
            FieldKind::File {
                kinds: vec![],
                max_bytes: 0,
                id_document: false,
            },
        ));
        d.sections[0].fields.push(field(
            "g",
            false,
            FieldKind::Group {
                fields: vec![
                    field(
                        "x",
                        false,
                        FieldKind::File {
                            kinds: vec![FileKind::Pdf],
                            max_bytes: 1,
                            id_document: false,
                        },
                    ),
                    team_field(),
                    field("x", false, FieldKind::Email),
                ],
                min_items: 5,
                max_items: 2,
            },
        ));
        d.sections[1].key = "main".into();
        d.sections[1].title.en = " ".into();
        let errors = d.check().unwrap_err();
        let all = errors.join("\n");
        for needle in [
            "duplicate field key 'name'",
            "max_len must be at least 1",
            "min (5) is greater than max (1)",
            "at least one option",
            "duplicate option value 'x'",
            "key 'Bad Key'",
            "allowed countries is empty",
            "at least one accepted file kind",
            "max_bytes must be greater than 0",
            "a group may not contain a file field",
            "groups may not be nested",
            "min_items (5) is greater than max_items (2)",
            "duplicate sub-field key 'x'",
            "duplicate section key 'main'",
            "title: the English text is empty",
        ] {
            assert!(all.contains(needle), "missing {needle:?} in:\n{all}");
        }
        assert!(FormDefinition { sections: vec![] }.check().is_err());
    }

    #[test]
    fn text_fields() {
        let out = parse0(&[
            ("name", "  Awa\u{7} "),
            ("summary", "line1\r\nline2\t<script>alert(1)</script>"),
        ]);
        assert_eq!(out.answers.get("name"), Some(&text("Awa")));
        assert_eq!(
            out.answers.get("summary"),
            Some(&text("line1\nline2\t<script>alert(1)</script>"))
        );
        // Too long: kept as typed, with an error giving the limit.
        let e = &out.errors["summary"];
        assert_eq!(e.code, "too_long");
        assert_eq!(
            e.message(Lang::Fr),
            "Maximum 20 caractères (vous en avez saisi 37)."
        );
        assert_eq!(e.message(Lang::En), "At most 20 characters (you typed 37).");
        assert!(out.oversize());
        // HTML is kept as-is (escaping is the template's job).
        let out = parse0(&[("name", "<b>x</b>")]);
        assert_eq!(out.answers.get("name"), Some(&text("<b>x</b>")));
        assert!(out.errors.is_empty());
        // Single-line text: newlines become spaces; length in characters.
        let out = parse0(&[("name", "é\nè\u{0}à")]);
        assert_eq!(out.answers.get("name"), Some(&text("é èà")));
        let out = parse0(&[("name", "ééééééééééé")]);
        assert_eq!(out.errors["name"].code, "too_long");
        assert_eq!(out.answers.get("name"), Some(&text("ééééééééééé")));
    }

    #[test]
    fn only_values_beyond_a_limit_make_a_section_oversize() {
        // Mistyped or missing values may wait in a draft.
        assert!(!parse0(&[("email", "pas-une-adresse"), ("count", "douze")]).oversize());
        assert!(!parse0(&[("name", &"é".repeat(10))]).oversize());
        // Anything longer than its field can hold may not.
        assert!(parse0(&[("name", &"é".repeat(11))]).oversize());
        let out = parse0(&[("email", &"a".repeat(MAX_RAW_LEN + 1))]);
        assert!(out.oversize());
        assert_eq!(out.errors["email"].code, "too_long");
        let tags: Vec<(&str, String)> = (0..4).map(|i| ("tags", format!("t{i}"))).collect();
        let tags: Vec<(&str, &str)> = tags.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert!(parse0(&tags).oversize());
        let cell = "x".repeat(51);
        let out = parse_section(
            &def(),
            1,
            &raw(&[("team[0][name]", &cell)]),
            &Answers::default(),
        );
        assert_eq!(out.errors["team[0][name]"].code, "too_long");
        assert!(out.oversize());
    }

    #[test]
    fn number_field() {
        let out = parse0(&[("count", "1 0")]);
        assert_eq!(out.answers.get("count"), Some(&Answer::Number(10)));
        assert!(out.errors.is_empty());
        let out = parse0(&[("count", "douze")]);
        assert_eq!(out.answers.get("count"), Some(&text("douze")));
        assert_eq!(out.errors["count"].code, "not_a_number");
        let out = parse0(&[("count", "101")]);
        assert_eq!(out.errors["count"].message(Lang::En), "At most 100.");
        let out = parse0(&[("count", "-1")]);
        assert_eq!(out.errors["count"].message(Lang::Fr), "Minimum 0.");
        let out = parse0(&[("count", "1.5")]);
        assert_eq!(out.errors["count"].code, "not_a_number");
        let out = parse0(&[("count", "99999999999999999999999")]);
        assert_eq!(out.errors["count"].code, "not_a_number");
    }

    #[test]
    fn email_phone_url_date() {
        let out = parse0(&[
            ("email", " Awa@Example.ML "),
            ("phone", "70 12 34 56"),
            ("site", "www.kene.ml"),
            ("born", "29/02/2004"),
        ]);
        assert!(out.errors.is_empty(), "{:?}", out.errors);
        assert_eq!(out.answers.get("email"), Some(&text("awa@example.ml")));
        assert_eq!(out.answers.get("phone"), Some(&text("+22370123456")));
        assert_eq!(out.answers.get("site"), Some(&text("https://www.kene.ml")));
        assert_eq!(out.answers.get("born"), Some(&text("2004-02-29")));

        let out = parse0(&[
            ("email", "a@b"),
            ("phone", "+223 701 234 567"),
            ("site", "javascript:alert(1)"),
            ("born", "2003-02-29"),
        ]);
        assert_eq!(out.answers.get("email"), Some(&text("a@b")));
        assert_eq!(
            out.errors["email"].message(Lang::Fr),
            "Adresse e-mail invalide."
        );
        assert_eq!(out.errors["phone"].code, "invalid_phone");
        assert!(out.errors["phone"].message(Lang::En).contains("8 digits"));
        assert_eq!(out.errors["site"].code, "invalid_url");
        assert_eq!(out.errors["born"].code, "invalid_date");
        assert_eq!(
            parse0(&[("phone", "70 12 AB 56")]).errors["phone"].code,
            "invalid_phone"
        );
        assert_eq!(
            parse0(&[("site", "ftp://x.ml")]).errors["site"].code,
            "invalid_url"
        );
        assert_eq!(
            parse0(&[("site", "http://kene.ml/a b")]).errors["site"].code,
            "invalid_url"
        );
        assert!(parse0(&[("site", "http://kene.ml:8080/a?b#c")])
            .errors
            .is_empty());
        assert_eq!(
            parse0(&[("born", "2004-2-1")]).errors["born"].code,
            "invalid_date"
        );
    }

    #[test]
    fn choice_fields() {
        let out = parse0(&[
            ("domain", "ia"),
            ("tags", "a"),
            ("tags", "c"),
            ("tags", "a"),
        ]);
        assert!(out.errors.is_empty());
        assert_eq!(out.answers.get("domain"), Some(&text("ia")));
        assert_eq!(
            out.answers.get("tags"),
            Some(&Answer::Choices(vec!["a".into(), "c".into()]))
        );
        let out = parse0(&[("domain", "blockchain"), ("tags", "z")]);
        assert_eq!(out.errors["domain"].code, "unknown_choice");
        assert_eq!(out.errors["tags"].code, "unknown_choice");
        assert_eq!(out.answers.get("domain"), Some(&text("blockchain")));
        let out = parse0(&[("tags", "a"), ("tags", "b"), ("tags", "c")]);
        assert_eq!(
            out.errors["tags"].message(Lang::En),
            "Choose at most 2 option(s)."
        );
    }

    #[test]
    fn country_yes_no_consent() {
        let out = parse0(&[
            ("country", "ml"),
            ("any_country", "FR"),
            ("malian", "oui"),
            ("consent", "on"),
        ]);
        assert!(out.errors.is_empty());
        assert_eq!(out.answers.get("country"), Some(&text("ML")));
        assert_eq!(out.answers.get("malian"), Some(&Answer::Bool(true)));
        assert_eq!(out.answers.get("consent"), Some(&Answer::Bool(true)));
        let out = parse0(&[
            ("country", "SN"),
            ("any_country", "XX"),
            ("malian", "peut-être"),
            ("consent", ""),
        ]);
        assert_eq!(out.errors["country"].code, "country_not_allowed");
        assert!(out.errors["country"]
            .message(Lang::Fr)
            .contains("Mali, Burkina Faso, Niger"));
        assert_eq!(out.errors["any_country"].code, "invalid_country");
        assert_eq!(out.errors["malian"].code, "invalid_yes_no");
        assert_eq!(out.answers.get("consent"), None);
        assert_eq!(
            parse0(&[("malian", "no")]).answers.get("malian"),
            Some(&Answer::Bool(false))
        );
    }

    #[test]
    fn blank_fields_are_removed_and_other_sections_kept() {
        let mut prev = Answers::default();
        prev.0.insert("name".into(), text("Old"));
        prev.0.insert("leader_gender".into(), text("f"));
        let out = parse_section(&def(), 0, &raw(&[("name", "   "), ("csrf", "x")]), &prev);
        assert_eq!(out.answers.get("name"), None);
        assert_eq!(out.answers.get("leader_gender"), Some(&text("f")));
        assert!(!out.answers.0.contains_key("csrf"));
        // Out of range section: unchanged.
        let out = parse_section(&def(), 9, &raw(&[("name", "x")]), &prev);
        assert_eq!(out.answers, prev);
        assert!(out.is_valid());
    }

    #[test]
    fn file_fields_keep_previous_value() {
        let mut prev = Answers::default();
        let file = Answer::File {
            file_id: "f1".into(),
            name: "fiche.pdf".into(),
        };
        prev.0.insert("sheet".into(), file.clone());
        let out = parse_section(&def(), 1, &raw(&[("sheet", "hack")]), &prev);
        assert_eq!(out.answers.get("sheet"), Some(&file));
    }

    #[test]
    fn group_parsing() {
        let out = parse_section(
            &def(),
            1,
            &raw(&[
                ("team[5][name]", "Bakary"),
                ("team[5][gender]", "m"),
                ("team[0][name]", "Awa"),
                ("team[0][gender]", "f"),
                ("team[0][age]", "abc"),
                ("team[2][name]", "  "),
                ("team[2][role]", ""),
                ("team[x][name]", "ignored"),
                ("team[1]name]", "ignored"),
            ]),
            &Answers::default(),
        );
        let Some(Answer::Group(rows)) = out.answers.get("team") else {
            panic!("no group")
        };
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0]["name"], text("Awa"));
        assert_eq!(rows[1]["name"], text("Bakary"));
        assert_eq!(rows[0]["age"], text("abc"));
        assert_eq!(out.errors["team[0][age]"].code, "not_a_number");
        assert_eq!(out.errors.len(), 1);
        // Too many rows.
        let many: Vec<(String, String)> = (0..4)
            .map(|i| (format!("team[{i}][name]"), format!("P{i}")))
            .collect();
        let out = parse_section(&def(), 1, &many, &Answers::default());
        assert_eq!(out.errors["team"].code, "too_many_items");
        // No rows at all → removed.
        let out = parse_section(&def(), 1, &[], &Answers::default());
        assert_eq!(out.answers.get("team"), None);
    }

    #[test]
    fn completeness() {
        let d = def();
        let errors = check_complete(&d, &Answers::default());
        assert_eq!(errors["name"].code, "required");
        assert_eq!(
            errors["name"].message(Lang::Fr),
            "Ce champ est obligatoire."
        );
        assert_eq!(errors["email"].code, "required");
        assert_eq!(errors["consent"].code, "consent_required");
        assert_eq!(errors["team"].code, "required");
        assert_eq!(errors["sheet"].code, "required");
        assert!(!errors.contains_key("summary"));

        let mut a = parse0(&[
            ("name", "Awa"),
            ("email", "awa@kene.ml"),
            ("consent", "on"),
            ("count", "500"),
        ])
        .answers;
        a = parse_section(&d, 1, &raw(&[("team[0][role]", "CTO")]), &a).answers;
        a.0.insert(
            "sheet".into(),
            Answer::File {
                file_id: "1".into(),
                name: "x.pdf".into(),
            },
        );
        let errors = check_complete(&d, &a);
        assert_eq!(errors["count"].code, "too_large");
        assert_eq!(errors["team[0][name]"].code, "required");
        assert_eq!(errors["team[0][gender]"].code, "required");
        assert_eq!(errors.len(), 3, "{errors:?}");

        a.0.insert("count".into(), Answer::Number(5));
        a = parse_section(
            &d,
            1,
            &raw(&[("team[0][name]", "Awa"), ("team[0][gender]", "f")]),
            &a,
        )
        .answers;
        a.0.insert(
            "sheet".into(),
            Answer::File {
                file_id: "1".into(),
                name: "x.pdf".into(),
            },
        );
        assert_eq!(check_complete(&d, &a), BTreeMap::new());
        // A wrong answer type (e.g. corrupted data) is reported.
        a.0.insert("consent".into(), text("yes"));
        assert_eq!(check_complete(&d, &a)["consent"].code, "consent_required");
        a.0.insert("consent".into(), Answer::Bool(true));
        a.0.insert("email".into(), Answer::Number(3));
        assert_eq!(check_complete(&d, &a)["email"].code, "invalid");
    }

    #[test]
    fn group_min_items_when_not_required() {
        let d = def();
        let mut a = Answers::default();
        a.0.insert("team".into(), Answer::Group(vec![]));
        assert_eq!(check_complete(&d, &a)["team"].code, "required");
        let mut d2 = d.clone();
        if let FieldKind::Group { min_items, .. } = &mut d2.sections[1].fields[0].kind {
            *min_items = 2;
        }
        let row: BTreeMap<String, Answer> = [
            ("name".to_string(), text("A")),
            ("gender".to_string(), text("f")),
        ]
        .into();
        a.0.insert("team".into(), Answer::Group(vec![row]));
        assert_eq!(
            check_complete(&d2, &a)["team"].message(Lang::En),
            "At least 2 item(s)."
        );
    }

    #[test]
    fn migrate() {
        let d = def();
        let mut a = Answers::default();
        a.0.insert("name".into(), text("Awa"));
        a.0.insert("removed".into(), text("x"));
        a.0.insert("count".into(), text("42"));
        a.0.insert("domain".into(), text("fintech"));
        a.0.insert(
            "tags".into(),
            Answer::Choices(vec!["a".into(), "gone".into()]),
        );
        a.0.insert("email".into(), Answer::Bool(true));
        a.0.insert("sheet".into(), text("not a file"));
        a.0.insert(
            "team".into(),
            Answer::Group(vec![
                [
                    ("name".to_string(), text("A")),
                    ("old".to_string(), text("x")),
                ]
                .into(),
                [("old".to_string(), text("x"))].into(),
            ]),
        );
        let mut d2 = d.clone();
        d2.sections[0].fields[7].kind = FieldKind::SingleChoice {
            options: choices(&["ia"]),
        };
        let m = migrate_answers(&d2, &a);
        assert_eq!(m.get("name"), Some(&text("Awa")));
        assert_eq!(m.get("removed"), None);
        assert_eq!(m.get("count"), Some(&Answer::Number(42)));
        assert_eq!(m.get("domain"), None);
        assert_eq!(m.get("tags"), Some(&Answer::Choices(vec!["a".into()])));
        assert_eq!(m.get("email"), None);
        assert_eq!(m.get("sheet"), None);
        assert_eq!(
            m.get("team"),
            Some(&Answer::Group(vec![
                [("name".to_string(), text("A"))].into()
            ]))
        );
        // Migrating to the same definition keeps valid answers.
        let valid = parse0(&[("name", "Awa"), ("tags", "b"), ("malian", "no")]).answers;
        assert_eq!(migrate_answers(&d, &valid), valid);
    }

    fn team(genders: &[&str]) -> Answers {
        let rows = genders
            .iter()
            .map(|g| [("gender".to_string(), text(g))].into())
            .collect();
        Answers([("team".to_string(), Answer::Group(rows))].into())
    }

    #[test]
    fn women_led_rules() {
        assert!(women_led(&team(&["f", "m"]), "team", "gender", None));
        assert!(!women_led(&team(&["f", "m", "m"]), "team", "gender", None));
        assert!(!women_led(&team(&["F", "x"]), "team", "gender", None));
        assert!(!women_led(&team(&[]), "team", "gender", Some("leader")));
        let mut a = team(&["m", "m", "m"]);
        a.0.insert("leader".into(), text("f"));
        assert!(women_led(&a, "team", "gender", Some("leader")));
        let mut a = Answers::default();
        a.0.insert("leader".into(), text("f"));
        assert!(women_led(&a, "team", "gender", Some("leader")));
        assert!(!women_led(
            &Answers::default(),
            "team",
            "gender",
            Some("leader")
        ));
    }

    #[test]
    fn display_and_columns() {
        let d = def();
        let cols = field_columns(&d);
        assert_eq!(cols.len(), 16);
        assert_eq!(cols[0].0, "name");
        assert_eq!(cols[13].0, "team");
        let f = |k: &str| d.field(k).unwrap().clone();
        assert_eq!(answer_display(&text("ia"), &f("domain"), Lang::En), "IA");
        assert_eq!(answer_display(&text("zz"), &f("domain"), Lang::En), "zz");
        assert_eq!(
            answer_display(
                &Answer::Choices(vec!["a".into(), "b".into()]),
                &f("tags"),
                Lang::Fr
            ),
            "A (fr), B (fr)"
        );
        assert_eq!(answer_display(&text("ML"), &f("country"), Lang::En), "Mali");
        let birth = field("birth_date", true, FieldKind::Date);
        assert_eq!(
            answer_display(&text("2000-01-15"), &birth, Lang::Fr),
            "15 janvier 2000"
        );
        assert_eq!(
            answer_display(&text("2000-01-15"), &birth, Lang::En),
            "15 January 2000"
        );
        assert_eq!(
            answer_display(&Answer::Bool(true), &f("malian"), Lang::Fr),
            "Oui"
        );
        assert_eq!(
            answer_display(&Answer::Bool(false), &f("malian"), Lang::En),
            "No"
        );
        assert_eq!(
            answer_display(&Answer::Number(7), &f("count"), Lang::En),
            "7"
        );
        assert_eq!(
            answer_display(
                &Answer::File {
                    file_id: "1".into(),
                    name: "fiche.pdf".into()
                },
                &f("sheet"),
                Lang::En
            ),
            "fiche.pdf"
        );
        let out = parse_section(
            &d,
            1,
            &raw(&[
                ("team[0][name]", "Awa"),
                ("team[0][role]", "CEO"),
                ("team[0][gender]", "f"),
                ("team[0][age]", "30"),
                ("team[1][name]", "Bakary"),
            ]),
            &Answers::default(),
        );
        assert_eq!(
            answer_display(out.answers.get("team").unwrap(), &f("team"), Lang::En),
            "Awa (CEO, F, 30); Bakary"
        );
    }

    #[test]
    fn file_kinds_and_uploads() {
        assert_eq!(FileKind::detect(b"%PDF-1.7\n..."), Some(FileKind::Pdf));
        assert_eq!(
            FileKind::detect(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(FileKind::Jpeg)
        );
        assert_eq!(
            FileKind::detect(b"\x89PNG\r\n\x1a\n...."),
            Some(FileKind::Png)
        );
        assert_eq!(FileKind::detect(b"GIF89a"), None);
        assert_eq!(FileKind::detect(b""), None);
        assert_eq!(FileKind::Jpeg.mime(), "image/jpeg");
        assert_eq!(FileKind::Png.extension(), "png");
        let kind = FieldKind::File {
            kinds: vec![FileKind::Pdf],
            max_bytes: 10 << 20,
            id_document: false,
        };
        assert_eq!(check_upload(&kind, b"%PDF-1.4", 1000), Ok(FileKind::Pdf));
        let e = check_upload(&kind, b"%PDF-1.4", (10 << 20) + 1).unwrap_err();
        assert_eq!(
            e.message(Lang::Fr),
            "Le fichier dépasse la taille maximale de 10 Mo."
        );
        assert_eq!(
            check_upload(&kind, b"\x89PNG\r\n\x1a\n", 10)
                .unwrap_err()
                .message(Lang::En),
            "File type not accepted. Accepted formats: PDF."
        );
        assert_eq!(check_upload(&kind, b"", 0).unwrap_err().code, "empty_file");
        assert_eq!(
            check_upload(&FieldKind::Email, b"%PDF-", 5)
                .unwrap_err()
                .code,
            "not_a_file_field"
        );
    }

    #[test]
    fn answers_json_shape() {
        let mut a = Answers::default();
        a.0.insert("n".into(), Answer::Number(3));
        a.0.insert("g".into(), Answer::Group(vec![]));
        a.0.insert("c".into(), Answer::Choices(vec![]));
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(
            json,
            r#"{"c":{"choices":[]},"g":{"group":[]},"n":{"number":3}}"#
        );
        assert_eq!(serde_json::from_str::<Answers>(&json).unwrap(), a);
    }

    #[test]
    fn mali_constant_used() {
        assert_eq!(MALI.as_str(), "ML");
    }

    /// `def()` with the top-level `name`, the team members' `name` and the file marked personal.
    fn def_with_personal() -> FormDefinition {
        let mut d = def();
        for section in &mut d.sections {
            for f in &mut section.fields {
                if f.key == "name" || f.key == "sheet" {
                    f.personal = true;
                }
                if let FieldKind::Group { fields, .. } = &mut f.kind {
                    for sub in fields.iter_mut().filter(|s| s.key == "name") {
                        sub.personal = true;
                    }
                }
            }
        }
        d
    }

    #[test]
    fn personal_answers_are_left_out_at_any_depth() {
        let mut a = team(&["f", "m"]);
        if let Some(Answer::Group(rows)) = a.0.get_mut("team") {
            rows[0].insert("name".into(), text("Awa Traoré"));
            rows[1].insert("name".into(), text("Moussa Keïta"));
            rows[1].insert("role".into(), text("CTO"));
        }
        a.0.insert("name".into(), text("Fatou"));
        a.0.insert("summary".into(), text("Un projet"));
        a.0.insert(
            "sheet".into(),
            Answer::File {
                file_id: "f1".into(),
                name: "cv-fatou.pdf".into(),
            },
        );
        a.0.insert("not_in_form".into(), text("?"));
        let d = def_with_personal();
        let kept = without_personal(&d, &a);
        let json = serde_json::to_string(&kept).unwrap();
        for hidden in ["Awa", "Moussa", "Fatou", "cv-fatou", "not_in_form"] {
            assert!(!json.contains(hidden), "{hidden} in {json}");
        }
        assert_eq!(kept.get("summary"), Some(&text("Un projet")));
        let team_field = d.field("team").unwrap();
        assert_eq!(
            answer_display(kept.get("team").unwrap(), team_field, Lang::En),
            "F; CTO (M)"
        );
    }

    fn arb_answer() -> impl Strategy<Value = Answer> {
        let leaf = prop_oneof![
            "\\PC{0,12}".prop_map(Answer::Text),
            any::<i64>().prop_map(Answer::Number),
            any::<bool>().prop_map(Answer::Bool),
            prop::collection::vec("[a-z]{0,5}", 0..3).prop_map(Answer::Choices),
            ("[a-z0-9]{0,8}", "\\PC{0,8}")
                .prop_map(|(file_id, name)| Answer::File { file_id, name }),
        ];
        leaf.prop_recursive(2, 16, 4, |inner| {
            prop::collection::vec(prop::collection::btree_map("[a-z]{1,4}", inner, 0..3), 0..3)
                .prop_map(Answer::Group)
        })
    }

    proptest! {
        #[test]
        fn answers_json_roundtrip(map in prop::collection::btree_map("\\PC{0,8}", arb_answer(), 0..6)) {
            let a = Answers(map);
            let json = serde_json::to_string(&a).unwrap();
            prop_assert_eq!(serde_json::from_str::<Answers>(&json).unwrap(), a);
        }

        #[test]
        fn parse_section_never_panics(
            pairs in prop::collection::vec(
                (prop_oneof![
                    "\\PC{0,12}",
                    "(name|count|email|phone|site|born|domain|tags|country|malian|consent|summary)",
                    "team\\[[0-9x]{0,3}\\]\\[(name|role|gender|age|zz)\\]?",
                ], "\\PC{0,30}"),
                0..20,
            ),
            section in 0usize..3,
        ) {
            let d = def();
            let out = parse_section(&d, section, &pairs, &Answers::default());
            // Parsing again from the outcome never panics either, and migration keeps a subset.
            let _ = check_complete(&d, &out.answers);
            let migrated = migrate_answers(&d, &out.answers);
            for k in migrated.0.keys() {
                prop_assert!(out.answers.0.contains_key(k));
            }
            for f in d.fields() {
                if let Some(a) = out.answers.get(&f.key) {
                    let _ = answer_display(a, f, Lang::Fr);
                }
            }
        }

        #[test]
        fn no_personal_answer_survives(
            pairs in prop::collection::vec(
                (prop_oneof![
                    "(name|summary|email)",
                    "team\\[[0-9]\\]\\[(name|role|gender)\\]",
                ], "[A-Za-z]{1,8}"),
                0..12,
            ),
        ) {
            let d = def_with_personal();
            let answers = parse_section(&d, 0, &pairs, &Answers::default()).answers;
            let answers = parse_section(&d, 1, &pairs, &answers).answers;
            let kept = without_personal(&d, &answers);
            prop_assert!(kept.get("name").is_none());
            if let Some(Answer::Group(rows)) = kept.get("team") {
                prop_assert!(rows.iter().all(|r| !r.contains_key("name")));
            }
            // Everything not personal stays as it was.
            prop_assert_eq!(kept.get("summary"), answers.get("summary"));
        }

        #[test]
        fn adding_a_woman_keeps_women_led(genders in prop::collection::vec("(f|m|x)", 0..12), leader in "(f|m|)") {
            let mut a = team(&genders.iter().map(String::as_str).collect::<Vec<_>>());
            a.0.insert("leader".into(), text(&leader));
            let before = women_led(&a, "team", "gender", Some("leader"));
            let mut more = genders.clone();
            more.push("f".into());
            let mut b = team(&more.iter().map(String::as_str).collect::<Vec<_>>());
            b.0.insert("leader".into(), text(&leader));
            prop_assert!(!before || women_led(&b, "team", "gender", Some("leader")));
        }
    }
}
