//! CSV and XLSX exports of the organisers' filtered list: one row per application, one column
//! per form field.

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

use crate::domain::form::{self, Answer, Answers, FieldKind, FormDefinition};
use crate::domain::types::Lang;

/// A table ready to be written in either format.
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// One cell, typed so that a spreadsheet can sum numbers and sort dates. Yes/no answers stay
/// text in the reader's language: they read the same in both formats and filter as well.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    /// A civil date and time, already in the edition's zone.
    Instant(jiff::civil::DateTime),
    Date(jiff::civil::Date),
}

impl Cell {
    /// A number the code formatted itself (scores), as a number; anything else (a dash for
    /// "no value") as text.
    pub fn number_or_text(s: &str) -> Cell {
        s.parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .map_or_else(|| Cell::Text(s.to_owned()), Cell::Number)
    }

    /// The cell as CSV text.
    fn to_text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Number(x) => x.to_string(),
            Cell::Instant(t) => t.strftime("%Y-%m-%d %H:%M").to_string(),
            Cell::Date(d) => d.strftime("%Y-%m-%d").to_string(),
        }
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
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

/// The cells of one application for the given columns: numbers and dates typed, the rest
/// as displayed on the review page.
pub fn answer_cells(
    form: &FormDefinition,
    answers: &Answers,
    columns: &[(String, String)],
    lang: Lang,
) -> Vec<Cell> {
    columns
        .iter()
        .map(|(key, _)| match (form.field(key), answers.0.get(key)) {
            (Some(_), Some(Answer::Number(n))) => Cell::Number(*n as f64),
            (Some(field), Some(Answer::Text(s))) if matches!(field.kind, FieldKind::Date) => s
                .parse::<jiff::civil::Date>()
                .map_or_else(|_| Cell::Text(s.clone()), Cell::Date),
            (Some(field), Some(answer)) => Cell::Text(
                crate::applications::form_view::answer_display(answer, field, lang),
            ),
            _ => Cell::Text(String::new()),
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
        writer.write_record(row.iter().map(|c| defuse(&c.to_text())))?;
    }
    writer
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))
}

/// Numbers and dates are typed cells; text is always written as a string cell, so nothing a
/// user typed can become a formula.
pub fn to_xlsx(table: &Table, sheet_name: &str) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name)?;
    let bold = Format::new().set_bold();
    let instant = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (col, header) in table.headers.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, header, &bold)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = (r + 1) as u32;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(s) => sheet.write_string(r, c, s)?,
                Cell::Number(x) => sheet.write_number(r, c, *x)?,
                Cell::Instant(t) => {
                    sheet.write_datetime_with_format(r, c, &excel_date_time(*t)?, &instant)?
                }
                Cell::Date(d) => {
                    let day =
                        ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
                    sheet.write_datetime_with_format(r, c, &day, &date)?
                }
            };
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    workbook.save_to_buffer()
}

fn excel_date_time(t: jiff::civil::DateTime) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(t.year() as u16, t.month() as u8, t.day() as u8)?.and_hms(
        t.hour() as u16,
        t.minute() as u8,
        t.second(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table {
            headers: vec!["Nom".into(), "Projet".into()],
            rows: vec![vec![
                Cell::Text("=cmd|' /C calc'!A0".into()),
                Cell::Text("<script>alert(1)</script> é".into()),
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
                Cell::Text("x;=HYPERLINK(\"http://evil.example\",\"clic\")".into()),
                Cell::Text("a\n-2+3, @SUM(A1)".into()),
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
            let rows: Vec<Vec<Cell>> = rows
                .into_iter()
                .map(|r| r.into_iter().map(Cell::Text).collect())
                .collect();
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
                let expected: Vec<String> = row.iter().map(|c| defuse(&c.to_text())).collect();
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
