//! Message templates organisers may override per edition and language: what each message
//! is, which placeholders it offers, and the parsing and rendering of a template. Pure, no I/O.
//!
//! The syntax is `{ name }` (spaces and a Fluent-style `$` optional). It is parsed and
//! substituted here rather than by Fluent: organiser text must never be able to reach
//! Fluent's selectors, functions or term references, the set of placeholders is fixed per
//! message, and an unknown or missing one must be refused with a message naming it, which a
//! Fluent parse error does not give.

use crate::domain::types::Lang;
use crate::i18n::tr_args;

/// A message whose text organisers can change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MessageKind {
    /// Sent when an application is submitted.
    Receipt,
    /// Shortlist published, to a finalist.
    ShortlistSelected,
    /// Shortlist published, to an applicant not retained.
    ShortlistNotSelected,
    /// Results published, to every finalist (laureate or not).
    Results,
}

/// One part of a message: the e-mail subject, the e-mail body, the SMS text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    Subject,
    Body,
    Sms,
}

impl Part {
    pub const ALL: [Part; 3] = [Part::Subject, Part::Body, Part::Sms];

    /// The form field that holds it.
    pub fn field(self) -> &'static str {
        match self {
            Part::Subject => "subject",
            Part::Body => "body",
            Part::Sms => "sms",
        }
    }

    fn max_chars(self) -> usize {
        match self {
            Part::Subject => MAX_SUBJECT_CHARS,
            Part::Body => MAX_BODY_CHARS,
            Part::Sms => MAX_SMS_CHARS,
        }
    }
}

const MAX_SUBJECT_CHARS: usize = 200;
const MAX_BODY_CHARS: usize = 5000;
/// Before substitution; the rendered SMS is also held to [`MAX_SMS_PARTS`].
const MAX_SMS_CHARS: usize = 480;
/// An SMS of more parts costs too much to send to every applicant.
pub const MAX_SMS_PARTS: usize = 3;

impl MessageKind {
    pub const ALL: [MessageKind; 4] = [
        MessageKind::Receipt,
        MessageKind::ShortlistSelected,
        MessageKind::ShortlistNotSelected,
        MessageKind::Results,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Receipt => "receipt",
            MessageKind::ShortlistSelected => "shortlist-selected",
            MessageKind::ShortlistNotSelected => "shortlist-not-selected",
            MessageKind::Results => "results",
        }
    }

    pub fn parse(s: &str) -> Option<MessageKind> {
        MessageKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The placeholders this message offers, in the order the page lists them.
    pub fn placeholders(self) -> &'static [&'static str] {
        match self {
            MessageKind::Receipt => &["reference", "track", "when"],
            MessageKind::ShortlistSelected
            | MessageKind::ShortlistNotSelected
            | MessageKind::Results => &["reference", "title", "year", "link"],
        }
    }

    /// Placeholders the body and the SMS must contain: without them the message loses the
    /// one thing it exists to say (the reference to keep, the page to read).
    pub fn required(self) -> &'static [&'static str] {
        match self {
            MessageKind::Receipt
            | MessageKind::ShortlistSelected
            | MessageKind::ShortlistNotSelected => &["reference"],
            MessageKind::Results => &["link"],
        }
    }

    /// The Fluent keys of the default subject and body (the default SMS is the body), and
    /// for each Fluent variable the placeholder it stands for.
    fn fluent(
        self,
    ) -> (
        &'static str,
        &'static str,
        &'static [(&'static str, &'static str)],
    ) {
        const SHORTLIST_ARGS: &[(&str, &str)] = &[
            ("reference", "reference"),
            ("title", "title"),
            ("year", "year"),
            ("url", "link"),
        ];
        match self {
            MessageKind::Receipt => (
                "receipt-subject",
                "receipt-body",
                &[
                    ("reference", "reference"),
                    ("track", "track"),
                    ("when", "when"),
                ],
            ),
            MessageKind::ShortlistSelected => (
                "shortlist-mail-subject",
                "shortlist-mail-selected",
                SHORTLIST_ARGS,
            ),
            MessageKind::ShortlistNotSelected => (
                "shortlist-mail-subject",
                "shortlist-mail-not-selected",
                SHORTLIST_ARGS,
            ),
            MessageKind::Results => (
                "results-mail-subject",
                "results-mail-body",
                &[
                    ("reference", "reference"),
                    ("title", "title"),
                    ("year", "year"),
                    ("link", "link"),
                ],
            ),
        }
    }

    /// The default text of `part` in `lang`, written with this module's placeholders: the
    /// Fluent translation with each variable replaced by its `{ name }`.
    pub fn default_text(self, lang: Lang, part: Part) -> String {
        let (subject, body, args) = self.fluent();
        let args: Vec<(&'static str, String)> = args
            .iter()
            .map(|(var, name)| (*var, format!("{{ {name} }}")))
            .collect();
        tr_args(
            lang,
            if part == Part::Subject { subject } else { body },
            &args,
        )
    }
}

/// The three texts of one message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Texts {
    pub subject: String,
    pub body: String,
    pub sms: String,
}

impl Texts {
    pub fn get(&self, part: Part) -> &str {
        match part {
            Part::Subject => &self.subject,
            Part::Body => &self.body,
            Part::Sms => &self.sms,
        }
    }

    pub fn defaults(kind: MessageKind, lang: Lang) -> Texts {
        Texts {
            subject: kind.default_text(lang, Part::Subject),
            body: kind.default_text(lang, Part::Body),
            sms: kind.default_text(lang, Part::Sms),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Placeholder(&'static str),
}

/// A parsed template: literal text and known placeholders only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template(Vec<Piece>);

/// Why a template was refused; each names what to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateError {
    Empty,
    TooLong {
        max: usize,
    },
    /// A subject is one header line.
    LineBreakInSubject,
    /// A `{` without its `}`, or a `}` alone.
    Brace,
    Unknown(String),
    Missing(&'static str),
    TooManySmsParts {
        parts: usize,
    },
}

impl TemplateError {
    /// The Fluent key of the message and its arguments.
    pub fn message(&self) -> (&'static str, Vec<(&'static str, String)>) {
        match self {
            TemplateError::Empty => ("msgtpl-error-empty", vec![]),
            TemplateError::TooLong { max } => {
                ("msgtpl-error-too-long", vec![("max", max.to_string())])
            }
            TemplateError::LineBreakInSubject => ("msgtpl-error-subject-line", vec![]),
            TemplateError::Brace => ("msgtpl-error-brace", vec![]),
            TemplateError::Unknown(name) => (
                "msgtpl-error-unknown",
                vec![("name", format!("{{ {name} }}"))],
            ),
            TemplateError::Missing(name) => (
                "msgtpl-error-missing",
                vec![("name", format!("{{ {name} }}"))],
            ),
            TemplateError::TooManySmsParts { parts } => (
                "msgtpl-error-sms-parts",
                vec![
                    ("parts", parts.to_string()),
                    ("max", MAX_SMS_PARTS.to_string()),
                ],
            ),
        }
    }
}

/// Parses `text` as `part` of `kind`.
pub fn parse(kind: MessageKind, part: Part, text: &str) -> Result<Template, TemplateError> {
    if text.trim().is_empty() {
        return Err(TemplateError::Empty);
    }
    if text.chars().count() > part.max_chars() {
        return Err(TemplateError::TooLong {
            max: part.max_chars(),
        });
    }
    if part == Part::Subject && text.chars().any(|c| c == '\r' || c == '\n') {
        return Err(TemplateError::LineBreakInSubject);
    }
    let mut pieces = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let open = rest.find('{');
        let close = rest.find('}');
        match (open, close) {
            (_, Some(c)) if open.is_none_or(|o| c < o) => return Err(TemplateError::Brace),
            (None, _) => {
                pieces.push(Piece::Text(rest.to_owned()));
                rest = "";
            }
            (Some(o), _) => {
                if o > 0 {
                    pieces.push(Piece::Text(rest[..o].to_owned()));
                }
                let after = &rest[o + 1..];
                let end = after.find('}').ok_or(TemplateError::Brace)?;
                let inner = &after[..end];
                if inner.contains('{') {
                    return Err(TemplateError::Brace);
                }
                let name = inner.trim();
                let name = name.strip_prefix('$').unwrap_or(name).trim();
                let known = kind
                    .placeholders()
                    .iter()
                    .find(|p| **p == name)
                    .ok_or_else(|| TemplateError::Unknown(name.to_owned()))?;
                pieces.push(Piece::Placeholder(known));
                rest = &after[end + 1..];
            }
        }
    }
    let template = Template(pieces);
    if part != Part::Subject {
        if let Some(missing) = kind.required().iter().find(|r| !template.uses(r)) {
            return Err(TemplateError::Missing(missing));
        }
    }
    Ok(template)
}

impl Template {
    fn uses(&self, name: &str) -> bool {
        self.0
            .iter()
            .any(|p| matches!(p, Piece::Placeholder(n) if *n == name))
    }

    /// The text with each placeholder replaced by its value (an absent value leaves the
    /// placeholder empty). Values are inserted as they are: the message is plain text.
    pub fn render(&self, values: &Values) -> String {
        let mut out = String::new();
        for piece in &self.0 {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Placeholder(name) => out.push_str(values.get(name)),
            }
        }
        out
    }
}

/// The values of the placeholders for one message.
#[derive(Debug, Clone, Default)]
pub struct Values(Vec<(&'static str, String)>);

impl Values {
    pub fn new(values: Vec<(&'static str, String)>) -> Values {
        Values(values)
    }

    fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// A subject is one header line whatever the values hold (an applicant's title could carry
/// a line break): control characters become spaces.
pub fn one_line(subject: &str) -> String {
    subject
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Every part of `texts` parsed, when all three are valid.
pub fn parse_all(kind: MessageKind, texts: &Texts) -> Option<[Template; 3]> {
    Some([
        parse(kind, Part::Subject, &texts.subject).ok()?,
        parse(kind, Part::Body, &texts.body).ok()?,
        parse(kind, Part::Sms, &texts.sms).ok()?,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> Values {
        Values::new(vec![
            ("reference", "SDN27-STA-0001".into()),
            ("track", "Start-up".into()),
            ("when", "2 novembre 2026 à 09:00".into()),
        ])
    }

    #[test]
    fn placeholders_are_substituted_with_or_without_spaces_and_dollar() {
        let t = parse(
            MessageKind::Receipt,
            Part::Body,
            "Dossier {reference} ({ track }) reçu le { $when }.",
        )
        .expect("valid");
        assert_eq!(
            t.render(&values()),
            "Dossier SDN27-STA-0001 (Start-up) reçu le 2 novembre 2026 à 09:00."
        );
    }

    #[test]
    fn values_are_not_parsed_again() {
        let t = parse(MessageKind::Receipt, Part::Body, "{ reference }").expect("valid");
        let v = Values::new(vec![("reference", "{ track }".into())]);
        assert_eq!(t.render(&v), "{ track }");
    }

    #[test]
    fn bad_templates_are_refused_with_what_is_wrong() {
        let k = MessageKind::Receipt;
        assert_eq!(
            parse(k, Part::Body, "{ reference } { salary }"),
            Err(TemplateError::Unknown("salary".into()))
        );
        assert_eq!(
            parse(k, Part::Body, "Merci { track }"),
            Err(TemplateError::Missing("reference"))
        );
        assert_eq!(
            parse(k, Part::Sms, "Merci"),
            Err(TemplateError::Missing("reference"))
        );
        assert!(
            parse(k, Part::Subject, "Merci").is_ok(),
            "subject may omit it"
        );
        assert_eq!(
            parse(k, Part::Body, "{ reference"),
            Err(TemplateError::Brace)
        );
        assert_eq!(
            parse(k, Part::Body, "{ reference } }"),
            Err(TemplateError::Brace)
        );
        assert_eq!(
            parse(k, Part::Body, "{ {reference} }"),
            Err(TemplateError::Brace)
        );
        assert_eq!(parse(k, Part::Body, "  "), Err(TemplateError::Empty));
        assert_eq!(
            parse(k, Part::Subject, "Reçu\r\nBcc: x@y.z"),
            Err(TemplateError::LineBreakInSubject)
        );
        assert_eq!(
            parse(k, Part::Sms, &format!("{{ reference }}{}", "a".repeat(500))),
            Err(TemplateError::TooLong { max: MAX_SMS_CHARS })
        );
        assert_eq!(
            parse(MessageKind::Results, Part::Body, "{ reference }"),
            Err(TemplateError::Missing("link"))
        );
    }

    #[test]
    fn every_default_parses_in_both_languages() {
        for kind in MessageKind::ALL {
            for lang in [Lang::Fr, Lang::En] {
                let texts = Texts::defaults(kind, lang);
                assert!(
                    parse_all(kind, &texts).is_some(),
                    "{kind:?} {lang:?}: {texts:?}"
                );
                assert!(!texts.body.contains("results-mail"), "{texts:?}");
            }
        }
    }

    #[test]
    fn a_subject_stays_one_line() {
        assert_eq!(one_line("Dossier\r\nBcc: x"), "Dossier  Bcc: x");
    }

    #[test]
    fn kinds_round_trip() {
        for kind in MessageKind::ALL {
            assert_eq!(MessageKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(MessageKind::parse("other"), None);
    }
}
