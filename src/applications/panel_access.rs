//! What panel members may read of a dossier beyond its answers: its files, while it is
//! assigned to them in a round under way — never ID documents, and in blind mode nothing
//! the form marks personal. It lives beside the files it guards (the file endpoint asks it;
//! the review pages list what it allows), reading the review's assignments in one query.

use crate::db::{Db, DbResult};
use crate::domain::form::{Answer, Answers, FieldKind, FormDefinition};
use crate::domain::types::Lang;
use crate::run;

/// Whether `user_id` reviews or judges `application_id` in a round that has started, and
/// whether the strictest such round is blind.
pub async fn panel_access(db: &Db, user_id: i64, application_id: i64) -> DbResult<Option<bool>> {
    let sql = "SELECT r.blind FROM assignments x JOIN review_rounds r ON r.id = x.round_id \
               WHERE x.reviewer_id = $1 AND x.application_id = $2 AND r.status <> 'setup'";
    let blind: Vec<bool> = run!(db, |pool| sqlx::query_scalar(sql)
        .bind(user_id)
        .bind(application_id)
        .fetch_all(pool)
        .await)?;
    Ok(if blind.is_empty() {
        None
    } else {
        Some(blind.into_iter().any(|b| b))
    })
}

/// A file a panel member may open: not an ID document, and not personal in a blind round.
pub fn may_open_file(blind: bool, id_document: bool, personal_field: bool) -> bool {
    !id_document && (!blind || !personal_field)
}

/// A file of the dossier a panel member may open: its field's label, its URL, its name.
pub struct OpenableFile {
    pub label: String,
    pub url: String,
    pub name: String,
}

/// The dossier's files a panel member may open (see [`may_open_file`]). In a blind round a
/// file is named after its field, never by the name it was uploaded with (often a person's).
pub fn openable_files(
    form: &FormDefinition,
    answers: &Answers,
    blind: bool,
    lang: Lang,
) -> Vec<OpenableFile> {
    form.sections
        .iter()
        .flat_map(|s| s.fields.iter())
        .filter_map(|f| {
            let FieldKind::File { id_document, .. } = f.kind else {
                return None;
            };
            let Some(Answer::File { file_id, name }) = answers.0.get(&f.key) else {
                return None;
            };
            may_open_file(blind, id_document, f.personal).then(|| OpenableFile {
                label: f.label.get(lang).to_owned(),
                url: format!("/files/{file_id}"),
                name: if blind {
                    let ext = name
                        .rsplit_once('.')
                        .map(|(_, e)| e.to_ascii_lowercase())
                        .filter(|e| matches!(e.as_str(), "pdf" | "jpg" | "png"))
                        .unwrap_or_else(|| "pdf".to_owned());
                    format!("{}.{ext}", f.key)
                } else {
                    name.clone()
                },
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::form::{Field, FileKind, Section};
    use crate::domain::types::Localized;

    #[test]
    fn in_a_blind_round_a_file_is_named_after_its_field() {
        let form = FormDefinition {
            sections: vec![Section {
                key: "docs".into(),
                title: Localized::new("Documents", "Documents"),
                fields: vec![Field {
                    key: "pitch_deck".into(),
                    label: Localized::new("Présentation", "Pitch deck"),
                    help: None,
                    required: false,
                    personal: false,
                    shown_when: None,
                    kind: FieldKind::File {
                        kinds: vec![FileKind::Pdf],
                        max_bytes: 1 << 20,
                        id_document: false,
                    },
                }],
            }],
        };
        let mut answers = Answers::default();
        answers.0.insert(
            "pitch_deck".into(),
            Answer::File {
                file_id: "abc".into(),
                name: "Awa Traoré - pitch.PDF".into(),
            },
        );
        let blind = openable_files(&form, &answers, true, Lang::Fr);
        assert_eq!(blind[0].name, "pitch_deck.pdf");
        assert_eq!(blind[0].url, "/files/abc");
        let open = openable_files(&form, &answers, false, Lang::Fr);
        assert_eq!(open[0].name, "Awa Traoré - pitch.PDF");
    }

    #[test]
    fn id_documents_are_never_for_panels_and_personal_files_not_in_blind_rounds() {
        assert!(may_open_file(false, false, false));
        assert!(may_open_file(true, false, false));
        assert!(may_open_file(false, false, true));
        assert!(!may_open_file(true, false, true));
        assert!(!may_open_file(false, true, false));
        assert!(!may_open_file(true, true, true));
    }
}
