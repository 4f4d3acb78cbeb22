//! The organisers' counts per edition: by track and status, and, over the dossiers in
//! review (submitted, eligible or ineligible), by country and by women-led. Pure: the
//! grouped rows come from `queries::counts_for_edition`.

use std::collections::BTreeMap;

use super::queries::CountRow;
use super::Status;
use crate::domain::country::Country;
use crate::domain::types::Lang;
use crate::i18n::tr;

/// One table of counts: a row per value, a column per track, then the total.
pub struct CountTable {
    pub caption: String,
    pub row_header: String,
    pub columns: Vec<String>,
    pub rows: Vec<(String, Vec<i64>)>,
}

/// Dossiers that reached the organisers and are still in: drafts are the applicants' own
/// business and withdrawn ones no longer compete.
fn in_review(status: Status) -> bool {
    matches!(
        status,
        Status::Submitted | Status::Eligible | Status::Ineligible
    )
}

/// Builds the three tables; `tracks` gives the column order (id, name).
pub fn tables(rows: &[CountRow], tracks: &[(i64, String)], lang: Lang) -> Vec<CountTable> {
    let mut columns: Vec<String> = tracks.iter().map(|(_, name)| name.clone()).collect();
    columns.push(tr(lang, "backoffice-total"));
    // Cells of one table: row label → counts per track and total.
    let tally = |keep: &dyn Fn(&CountRow) -> bool,
                 label: &dyn Fn(&CountRow) -> String|
     -> BTreeMap<String, Vec<i64>> {
        let mut out: BTreeMap<String, Vec<i64>> = BTreeMap::new();
        for row in rows.iter().filter(|r| keep(r)) {
            let Some(col) = tracks.iter().position(|(id, _)| *id == row.track_id) else {
                continue;
            };
            let cells = out
                .entry(label(row))
                .or_insert_with(|| vec![0; tracks.len() + 1]);
            cells[col] += row.n;
            cells[tracks.len()] += row.n;
        }
        out
    };
    let by_status = tally(&|_| true, &|r| r.status.to_string());
    let status_rows = Status::ALL
        .iter()
        .map(|s| {
            let cells = by_status
                .get(s.as_str())
                .cloned()
                .unwrap_or_else(|| vec![0; tracks.len() + 1]);
            (s.label(lang), cells)
        })
        .collect();
    let country_label = |r: &CountRow| match r.country.as_deref() {
        Some(code) => Country::parse(code)
            .map(|c| c.name(lang).to_owned())
            .unwrap_or_else(|_| code.to_owned()),
        None => tr(lang, "backoffice-not-given"),
    };
    let by_country = tally(&|r| in_review(r.status), &country_label);
    let by_gender = tally(&|r| in_review(r.status), &|r| {
        tr(lang, if r.women_led { "yes" } else { "no" })
    });
    let gender_rows = [tr(lang, "yes"), tr(lang, "no")]
        .into_iter()
        .map(|label| {
            let cells = by_gender
                .get(&label)
                .cloned()
                .unwrap_or_else(|| vec![0; tracks.len() + 1]);
            (label, cells)
        })
        .collect();
    vec![
        CountTable {
            caption: tr(lang, "backoffice-by-status"),
            row_header: tr(lang, "export-status"),
            columns: columns.clone(),
            rows: status_rows,
        },
        CountTable {
            caption: tr(lang, "backoffice-by-country"),
            row_header: tr(lang, "admin-filter-country"),
            columns: columns.clone(),
            rows: by_country.into_iter().collect(),
        },
        CountTable {
            caption: tr(lang, "backoffice-by-women-led"),
            row_header: tr(lang, "export-women-led"),
            columns,
            rows: gender_rows,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(
        track_id: i64,
        status: &str,
        country: Option<&str>,
        women_led: bool,
        n: i64,
    ) -> CountRow {
        CountRow {
            track_id,
            status: Status::parse(status).expect("a known status"),
            country: country.map(str::to_owned),
            women_led,
            n,
        }
    }

    #[test]
    fn drafts_and_withdrawn_count_by_status_only() {
        let tracks = [(1, "A".to_owned()), (2, "B".to_owned())];
        let rows = [
            row(1, "submitted", Some("ML"), true, 2),
            row(2, "eligible", Some("ML"), false, 1),
            row(2, "draft", Some("NE"), true, 5),
            row(1, "withdrawn", Some("BF"), true, 1),
        ];
        let t = tables(&rows, &tracks, Lang::En);
        let status = &t[0].rows;
        assert_eq!(status[0].1, [0, 5, 5], "drafts");
        assert_eq!(status[1].1, [2, 0, 2], "submitted");
        assert_eq!(status[4].1, [1, 0, 1], "withdrawn");
        assert_eq!(t[1].rows, [("Mali".to_owned(), vec![2, 1, 3])]);
        assert_eq!(t[2].rows[0].1, [2, 0, 2], "women-led");
        assert_eq!(t[2].rows[1].1, [0, 1, 1], "not women-led");
    }
}
