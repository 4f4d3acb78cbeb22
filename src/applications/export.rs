//! CSV and XLSX exports of the organisers' filtered list: one row per application, one column
//! per form field.

use rust_xlsxwriter::{Format, Workbook};

use crate::domain::form::{self, Answers, FormDefinition};
use crate::domain::types::Lang;

/// A table ready to be written in either format.
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// One column per distinct field key, in the order of first appearance across the forms.
pub fn columns(forms: &[&FormDefinition], lang: Lang) -> Vec<(String, String)> {
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for form in forms {
        for (key, label) in form::field_columns(form) {
            if seen.insert(key.clone()) {
                out.push((key, label.get(lang).to_owned()));
            }
        }
    }
    out
}

/// The cells of one application for the given columns.
pub fn answer_cells(
    form: &FormDefinition,
    answers: &Answers,
    columns: &[(String, String)],
    lang: Lang,
) -> Vec<String> {
    columns
        .iter()
        .map(|(key, _)| match (form.field(key), answers.0.get(key)) {
            (Some(field), Some(answer)) => form::answer_display(answer, field, lang),
            _ => String::new(),
        })
        .collect()
}

/// Spreadsheet programs run cells that start with these as formulas (CSV injection): such
/// cells get a leading apostrophe, as OWASP recommends.
fn defuse(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

pub fn to_csv(table: &Table) -> Result<Vec<u8>, csv::Error> {
    // A UTF-8 byte-order mark makes Excel read accents correctly.
    let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    writer.write_record(table.headers.iter().map(|h| defuse(h).into_owned()))?;
    for row in &table.rows {
        writer.write_record(row.iter().map(|c| defuse(c).into_owned()))?;
    }
    writer
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))
}

/// Every cell is written as a string: nothing a user typed can become a formula.
pub fn to_xlsx(table: &Table, sheet_name: &str) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name)?;
    let bold = Format::new().set_bold();
    for (col, header) in table.headers.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, header, &bold)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            sheet.write_string((r + 1) as u32, c as u16, cell)?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table {
            headers: vec!["Nom".into(), "Projet".into()],
            rows: vec![vec![
                "=cmd|' /C calc'!A0".into(),
                "<script>alert(1)</script> é".into(),
            ]],
        }
    }

    #[test]
    fn csv_defuses_formulas_and_keeps_text() {
        let bytes = to_csv(&table()).expect("csv");
        let text = String::from_utf8(bytes).expect("utf-8");
        assert!(text.contains("'=cmd|"), "{text}");
        assert!(text.contains("<script>alert(1)</script> é"));
    }

    #[test]
    fn xlsx_is_a_zip_with_shared_strings() {
        let bytes = to_xlsx(&table(), "Dossiers").expect("xlsx");
        assert_eq!(&bytes[..2], b"PK");
    }
}
