//! Turns a form definition, answers and errors into plain data for the section template.

use std::collections::BTreeMap;

use crate::domain::country::{Country, AES};
use crate::domain::form::{self, Answer, Field, FieldError, FieldKind, FormDefinition};
use crate::domain::types::Lang;
use crate::i18n::tr;
use crate::i18n::Say;

#[derive(Debug, Clone)]
pub struct OptionView {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Debug, Clone, Default)]
pub struct FieldView {
    /// The `name` of the input.
    pub name: String,
    /// The `id` of the input, referenced by its label and error message.
    pub id: String,
    pub label: String,
    pub help: String,
    pub required: bool,
    /// Which control to draw: text, textarea, number, email, tel, url, date, select, radio,
    /// checkboxes, yesno, consent, file, group.
    pub input: &'static str,
    pub value: String,
    pub options: Vec<OptionView>,
    pub max_len: Option<u32>,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub error: Option<String>,
    /// For files: the current file, the accepted kinds and size.
    pub file_name: Option<String>,
    pub accept: String,
    pub max_mb: String,
    /// The accepted formats, for people ("JPEG, PNG, PDF").
    pub formats: String,
    /// The same limit in bytes, for the browser's check before sending.
    pub max_bytes: u64,
    /// For groups: one row of cells per item.
    pub rows: Vec<Vec<FieldView>>,
    /// For a select whose options come in labelled groups (countries: the AES first).
    pub option_groups: Vec<(String, Vec<OptionView>)>,
    /// `choice=value` when the field is asked only after that choice (scripts show and hide
    /// it as the choice changes).
    pub shown_when: Option<String>,
    /// Not asked, given the answers saved so far.
    pub hidden: bool,
}

impl FieldView {
    pub fn has_error(&self) -> bool {
        self.error.is_some() || self.rows.iter().flatten().any(|c| c.error.is_some())
    }

    pub fn is_checked(&self) -> bool {
        self.value == "yes"
    }
}

/// `team[0][name]` → `team-0-name`: a valid, predictable HTML id.
pub fn dom_id(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect::<String>()
        .trim_matches('-')
        .replace("--", "-")
}

/// The label of a field or group cell (for "missing" lists).
pub fn label_of(form: &FormDefinition, key: &str, lang: Lang) -> String {
    let top = key.split('[').next().unwrap_or(key);
    let Some(field) = form
        .sections
        .iter()
        .flat_map(|s| s.fields.iter())
        .find(|f| f.key == top)
    else {
        return key.to_owned();
    };
    let mut label = field.label.get(lang).to_owned();
    if let (FieldKind::Group { fields, .. }, Some(rest)) = (&field.kind, key.strip_prefix(top)) {
        let parts: Vec<&str> = rest.split(['[', ']']).filter(|p| !p.is_empty()).collect();
        if let [row, sub] = parts.as_slice() {
            let row = row.parse::<usize>().map(|r| r + 1).unwrap_or(0);
            if let Some(cell) = fields.iter().find(|f| f.key == *sub) {
                label = format!("{label} {row} — {}", cell.label.get(lang));
            }
        }
    }
    label
}

/// The fields of one section, filled with the answers and errors.
pub fn section(
    form: &FormDefinition,
    index: usize,
    answers: &crate::domain::form::Answers,
    errors: &BTreeMap<String, FieldError>,
    lang: Lang,
) -> Vec<FieldView> {
    let Some(section) = form.sections.get(index) else {
        return Vec::new();
    };
    section
        .fields
        .iter()
        .map(|field| {
            let mut v = view(field, &field.key, answers.0.get(&field.key), errors, lang);
            v.shown_when = field
                .shown_when
                .as_ref()
                .map(|w| format!("{}={}", w.field, w.equals));
            v.hidden = !field.is_asked(answers);
            v
        })
        .collect()
}

fn view(
    field: &Field,
    name: &str,
    answer: Option<&Answer>,
    errors: &BTreeMap<String, FieldError>,
    lang: Lang,
) -> FieldView {
    let mut v = FieldView {
        name: name.to_owned(),
        id: format!("f-{}", dom_id(name)),
        label: field.label.get(lang).to_owned(),
        help: field
            .help
            .as_ref()
            .map(|h| h.get(lang).to_owned())
            .unwrap_or_default(),
        required: field.required,
        error: errors.get(name).map(|e| e.message(lang)),
        value: match answer {
            Some(Answer::Text(s)) => s.clone(),
            Some(Answer::Number(n)) => n.to_string(),
            Some(Answer::Bool(true)) => "yes".into(),
            Some(Answer::Bool(false)) => "no".into(),
            _ => String::new(),
        },
        ..FieldView::default()
    };
    let chosen: Vec<String> = match answer {
        Some(Answer::Choices(c)) => c.clone(),
        Some(Answer::Text(s)) => vec![s.clone()],
        _ => Vec::new(),
    };
    let options = |choices: &[crate::domain::form::Choice]| {
        choices
            .iter()
            .map(|c| OptionView {
                selected: chosen.contains(&c.value),
                value: c.value.clone(),
                label: c.label.get(lang).to_owned(),
            })
            .collect()
    };
    match &field.kind {
        FieldKind::Text { max_len } => {
            v.input = "text";
            v.max_len = Some(*max_len);
        }
        FieldKind::LongText { max_len } => {
            v.input = "textarea";
            v.max_len = Some(*max_len);
        }
        FieldKind::Number { min, max } => {
            v.input = "number";
            v.min = *min;
            v.max = *max;
        }
        FieldKind::Email => v.input = "email",
        FieldKind::Phone => v.input = "tel",
        FieldKind::Url => v.input = "url",
        FieldKind::Date => v.input = "date",
        FieldKind::SingleChoice { options: o } => {
            v.input = if o.len() <= 4 { "radio" } else { "select" };
            v.options = options(o);
        }
        FieldKind::MultipleChoice { options: o, .. } => {
            v.input = "checkboxes";
            v.options = options(o);
        }
        FieldKind::Country { allowed } => {
            v.input = "select";
            // A list of one country is already answered.
            if let (Some([only]), true) = (allowed.as_deref(), v.value.is_empty()) {
                v.value = only.as_str().to_owned();
            }
            let option = |c: &Country| OptionView {
                selected: v.value == c.as_str(),
                value: c.as_str().to_owned(),
                label: c.name(lang).to_owned(),
            };
            match allowed {
                Some(list) => v.options = list.iter().map(option).collect(),
                // The whole world, the Sahel States' countries first: most applicants are
                // from there, and the list is long on a phone.
                None => {
                    let aes = AES.iter().map(option).collect();
                    let others = Country::all(lang)
                        .filter(|c| !c.is_aes())
                        .map(|c| option(&c))
                        .collect();
                    v.option_groups = vec![
                        (tr(lang, "countries-aes"), aes),
                        (tr(lang, "countries-others"), others),
                    ];
                }
            }
        }
        FieldKind::YesNo => v.input = "yesno",
        FieldKind::Consent => v.input = "consent",
        FieldKind::File {
            kinds, max_bytes, ..
        } => {
            v.input = "file";
            v.accept = kinds.iter().map(|k| k.mime()).collect::<Vec<_>>().join(",");
            v.max_mb = format!("{}", max_bytes / (1024 * 1024));
            v.max_bytes = *max_bytes;
            v.file_name = match answer {
                Some(Answer::File { name, .. }) => Some(name.clone()),
                _ => None,
            };
            v.formats = kinds
                .iter()
                .map(|k| k.label())
                .collect::<Vec<_>>()
                .join(", ");
            if v.help.is_empty() {
                v.help.clone_from(&v.formats);
            }
        }
        FieldKind::Group {
            fields,
            min_items,
            max_items,
        } => {
            v.input = "group";
            let existing: &[BTreeMap<String, Answer>] = match answer {
                Some(Answer::Group(rows)) => rows,
                _ => &[],
            };
            // Without JavaScript there is no "add row" script: always offer blank rows up to
            // the minimum, plus one spare while below the maximum.
            let wanted = existing
                .len()
                .max(*min_items as usize)
                .max(existing.len() + 1)
                .min((*max_items as usize).max(existing.len()));
            v.rows = (0..wanted)
                .map(|i| {
                    let row = existing.get(i);
                    fields
                        .iter()
                        .map(|cell| {
                            let cell_name = format!("{name}[{i}][{}]", cell.key);
                            let mut c = view(
                                cell,
                                &cell_name,
                                row.and_then(|r| r.get(&cell.key)),
                                errors,
                                lang,
                            );
                            c.required = false;
                            c
                        })
                        .collect()
                })
                .collect();
        }
    }
    v
}

/// After "Next": the step just saved and its required fields still empty, each linked to
/// its place in that step, so the applicant knows what to come back to before submitting.
pub struct StillEmpty {
    /// Says the draft is saved and these fields must be filled before submitting.
    pub notice: String,
    pub step_url: String,
    /// Link to the field, its label.
    pub fields: Vec<(String, String)>,
}

/// What [`StillEmpty`] shows for `section` of the saved `answers`; `None` when the step is
/// complete (or does not exist).
pub fn still_empty(
    form: &FormDefinition,
    section: usize,
    answers: &crate::domain::form::Answers,
    lang: Lang,
    public_id: &str,
) -> Option<StillEmpty> {
    let step = form.sections.get(section)?;
    let step_url = format!("/applications/{public_id}/edit/{section}");
    let in_step = |key: &str| {
        let top = key.split('[').next().unwrap_or(key);
        step.fields.iter().any(|f| f.key == top)
    };
    let fields: Vec<(String, String)> = crate::domain::form::check_complete(form, answers)
        .into_keys()
        .filter(|key| in_step(key))
        .map(|key| {
            (
                format!("{step_url}#f-{}", dom_id(&key)),
                label_of(form, &key, lang),
            )
        })
        .collect();
    (!fields.is_empty()).then(|| StillEmpty {
        notice: crate::i18n::tr_args(
            lang,
            "draft-saved-still-empty",
            &[("step", step.title.get(lang).to_owned())],
        ),
        step_url,
        fields,
    })
}

/// Renders an answer as plain text for exports and the review page: choice
/// labels, country names, Oui/Non or Yes/No, file names, and group rows as
/// `first (second, third, …); …`. Not HTML-escaped.
pub fn answer_display(answer: &Answer, field: &Field, lang: Lang) -> String {
    match (&field.kind, answer) {
        (FieldKind::SingleChoice { options }, Answer::Text(v)) => form::option_label(options, v)
            .map(|l| l.get(lang).to_string())
            .unwrap_or_else(|| v.clone()),
        (FieldKind::Country { .. }, Answer::Text(v)) => Country::parse(v)
            .map(|c| c.name(lang).to_string())
            .unwrap_or_else(|_| v.clone()),
        // People read "15 janvier 2000", not "2000-01-15".
        (FieldKind::Date, Answer::Text(v)) => v
            .parse::<jiff::civil::Date>()
            .map(|d| crate::i18n::format_date(lang, d))
            .unwrap_or_else(|_| v.clone()),
        (FieldKind::MultipleChoice { options, .. }, Answer::Choices(vs)) => vs
            .iter()
            .map(|v| {
                form::option_label(options, v)
                    .map(|l| l.get(lang))
                    .unwrap_or(v)
            })
            .collect::<Vec<_>>()
            .join(", "),
        (FieldKind::Group { fields, .. }, Answer::Group(rows)) => rows
            .iter()
            .map(|row| {
                let cells: Vec<String> = fields
                    .iter()
                    .filter_map(|sub| row.get(&sub.key).map(|a| answer_display(a, sub, lang)))
                    .filter(|s| !s.is_empty())
                    .collect();
                match cells.split_first() {
                    Some((first, [])) => first.clone(),
                    Some((first, rest)) => format!("{first} ({})", rest.join(", ")),
                    None => String::new(),
                }
            })
            .collect::<Vec<_>>()
            .join("; "),
        (_, Answer::Text(s)) => s.clone(),
        (_, Answer::Number(n)) => n.to_string(),
        (_, Answer::Bool(b)) => tr(lang, if *b { "yes" } else { "no" }),
        (_, Answer::Choices(vs)) => vs.join(", "),
        (_, Answer::File { name, .. }) => name.clone(),
        (_, Answer::Group(rows)) => format!("{} ×", rows.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn country_field(allowed: Option<Vec<Country>>) -> Field {
        Field {
            key: "nationality".into(),
            label: crate::domain::types::Localized::new("Nationalité", "Nationality"),
            help: None,
            required: true,
            personal: false,
            shown_when: None,
            kind: FieldKind::Country { allowed },
        }
    }

    #[test]
    fn the_sahel_states_come_first_in_a_world_list() {
        let field = country_field(None);
        let v = view(&field, "nationality", None, &BTreeMap::new(), Lang::Fr);
        let (label, first) = &v.option_groups[0];
        assert_eq!(label, "Espace AES");
        let names: Vec<&str> = first.iter().map(|o| o.label.as_str()).collect();
        assert_eq!(names, ["Mali", "Burkina Faso", "Niger"]);
        let others = &v.option_groups[1].1;
        assert!(others.len() > 190 && others.iter().all(|o| o.value != "ML"));
        assert!(v.value.is_empty(), "nothing chosen for the applicant");
    }

    #[test]
    fn a_list_of_one_country_comes_chosen() {
        let field = country_field(Some(vec![crate::domain::country::MALI]));
        let v = view(&field, "nationality", None, &BTreeMap::new(), Lang::Fr);
        assert_eq!(v.value, "ML");
        assert!(v.options[0].selected);
    }

    #[test]
    fn dom_ids_are_valid() {
        assert_eq!(dom_id("team[0][name]"), "team-0-name");
        assert_eq!(dom_id("email"), "email");
    }
}
