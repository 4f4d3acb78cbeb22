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

/// What makes a spreadsheet program read a cell as a formula when it starts it.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Defuses a cell against formula injection (OWASP: a leading apostrophe) wherever a cell
/// could start when the file is read with either separator: at the start, and after every
/// `,` `;` or line break, since French Excel splits a comma file on `;` and, having lost
/// track of the quotes, on line breaks too. Spaces and quotes in between are skipped, as
/// such readers skip them.
fn defuse(cell: &str) -> String {
    let mut out = String::with_capacity(cell.len() + 1);
    let mut at_start = true;
    for c in cell.chars() {
        if at_start && FORMULA_STARTS.contains(&c) {
            out.push('\'');
        }
        out.push(c);
        at_start = match c {
            ',' | ';' | '\n' | '\r' => true,
            ' ' | '"' => at_start,
            _ => false,
        };
    }
    out
}

/// Every cell quoted and defused, whatever separator the reader picks.
pub fn to_csv(table: &Table) -> Result<Vec<u8>, csv::Error> {
    // A UTF-8 byte-order mark makes Excel read accents correctly.
    let mut writer = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Always)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    writer.write_record(table.headers.iter().map(|h| defuse(h)))?;
    for row in &table.rows {
        writer.write_record(row.iter().map(|c| defuse(c)))?;
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

    /// Reads the file as a spreadsheet program would with this separator, every cell.
    fn cells_read_with(bytes: &[u8], separator: u8) -> Vec<String> {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(separator)
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        reader
            .records()
            .flat_map(|r| {
                r.expect("readable CSV")
                    .iter()
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    fn starts_formula(cell: &str) -> bool {
        cell.trim_start_matches([' ', '"', '\u{feff}'])
            .starts_with(FORMULA_STARTS)
    }

    #[test]
    fn a_title_hiding_a_formula_after_a_semicolon_is_defused() {
        let table = Table {
            headers: vec!["Titre".into(), "Résumé".into()],
            rows: vec![vec![
                "x;=HYPERLINK(\"http://evil.example\",\"clic\")".into(),
                "a\n-2+3, @SUM(A1)".into(),
            ]],
        };
        let bytes = to_csv(&table).expect("csv");
        for separator in [b',', b';'] {
            let cells = cells_read_with(&bytes, separator);
            assert!(
                !cells.iter().any(|c| starts_formula(c)),
                "{:?}: {cells:?}",
                separator as char
            );
        }
        // Read with its own separator, the text is all there behind the apostrophes.
        let cells = cells_read_with(&bytes, b',');
        assert_eq!(cells[2], "x;'=HYPERLINK(\"http://evil.example\",\"clic\")");
    }

    proptest::proptest! {
        #[test]
        fn no_cell_starts_a_formula_whatever_the_separator(
            rows in proptest::collection::vec(
                proptest::collection::vec("[a-c =+@;,\"\t\r\n-]{0,12}", 3),
                1..4,
            )
        ) {
            let table = Table { headers: vec!["h".into(), "=i".into(), "j".into()], rows };
            let bytes = to_csv(&table).expect("csv");
            for separator in [b',', b';'] {
                let cells = cells_read_with(&bytes, separator);
                proptest::prop_assert!(
                    !cells.iter().any(|c| starts_formula(c)),
                    "{:?}: {:?}",
                    separator as char,
                    cells
                );
            }
            // Every cell is quoted: the file reads back cell for cell with its own separator.
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(true)
                .from_reader(&bytes[3..]);
            for (record, row) in reader.records().zip(&table.rows) {
                let record = record.expect("record");
                let expected: Vec<String> = row.iter().map(|c| defuse(c)).collect();
                proptest::prop_assert_eq!(record.iter().collect::<Vec<_>>(), expected);
            }
        }
    }

    #[test]
    fn xlsx_is_a_zip_with_shared_strings() {
        let bytes = to_xlsx(&table(), "Dossiers").expect("xlsx");
        assert_eq!(&bytes[..2], b"PK");
    }
}
