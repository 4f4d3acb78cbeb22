//! Statistics, pure (no I/O): the facts of one application, the tables built from them and
//! from the directory, small-cell suppression for the public version, and bar charts drawn
//! as SVG with their text alternative.
//!
//! Suppression rule (public version only): a cell counting 1 to 4 people (or actors) is
//! hidden (`null` in JSON); zero is shown (it describes nobody). So that a hidden cell
//! cannot be recovered by subtraction, every additive group of a table (the parts of a row or
//! column and their total) must have no hidden member or at least two: while a group has
//! exactly one, its smallest visible part that is not zero is hidden as well (else its
//! total), until no group has exactly one. A cell hidden this way may count 5 or more: every
//! hidden cell reads the same ("hidden"), so that which one is small is not told.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::domain::country::Country;
use crate::domain::sector::Sector;

/// The smallest count the public version shows.
pub const MIN_CELL: i64 = 5;
/// A founder is young under this age (the leader's age, or the applicant's).
pub const YOUNG_UNDER: i64 = 35;

/// The gender of the project's leader (or of the applicant, where there is no team).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Gender {
    Woman,
    Man,
    NotGiven,
}

impl Gender {
    pub const ALL: [Gender; 3] = [Gender::Woman, Gender::Man, Gender::NotGiven];

    /// From the forms' answer: `f` or `m`; anything else is not given.
    pub fn from_answer(value: Option<&str>) -> Gender {
        match value.map(str::trim) {
            Some("f") => Gender::Woman,
            Some("m") => Gender::Man,
            _ => Gender::NotGiven,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Gender::Woman => "women",
            Gender::Man => "men",
            Gender::NotGiven => "not_given",
        }
    }
}

/// How far a dossier went in the selection; each stage implies the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    Submitted,
    Eligible,
    Shortlisted,
    Finalist,
    Laureate,
}

impl Stage {
    pub const ALL: [Stage; 5] = [
        Stage::Submitted,
        Stage::Eligible,
        Stage::Shortlisted,
        Stage::Finalist,
        Stage::Laureate,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Stage::Submitted => "submitted",
            Stage::Eligible => "eligible",
            Stage::Shortlisted => "shortlisted",
            Stage::Finalist => "finalist",
            Stage::Laureate => "laureate",
        }
    }

    fn label_key(self) -> &'static str {
        match self {
            Stage::Submitted => "stats-stage-submitted",
            Stage::Eligible => "stats-stage-eligible",
            Stage::Shortlisted => "stats-stage-shortlisted",
            Stage::Finalist => "stats-stage-finalist",
            Stage::Laureate => "stats-stage-laureate",
        }
    }

    /// The furthest stage from what is stored: laureate (in the latest published results),
    /// finalist (a pitch at the final), shortlisted (on the published shortlist), eligible.
    pub fn reached(eligible: bool, shortlisted: bool, finalist: bool, laureate: bool) -> Stage {
        if laureate {
            Stage::Laureate
        } else if finalist {
            Stage::Finalist
        } else if shortlisted {
            Stage::Shortlisted
        } else if eligible {
            Stage::Eligible
        } else {
            Stage::Submitted
        }
    }
}

/// One application that reached the organisers (submitted, eligible or ineligible).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub edition_id: i64,
    pub track_id: i64,
    pub country: Option<String>,
    pub domain: Option<String>,
    pub women_led: bool,
    /// The leader (or applicant) is under [`YOUNG_UNDER`]; `None` when no age was given.
    pub young: Option<bool>,
    pub gender: Gender,
    pub reached: Stage,
}

/// Age in whole years on `on` of someone born on `born`.
pub fn age_on(born: jiff::civil::Date, on: jiff::civil::Date) -> i64 {
    let mut years = i64::from(on.year()) - i64::from(born.year());
    if (on.month(), on.day()) < (born.month(), born.day()) {
        years -= 1;
    }
    years
}

/// A directory profile as anyone may see it, reduced to what is counted; `None` for what
/// the actor keeps private (it is then counted as unknown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorFact {
    pub kind: &'static str,
    pub sectors: Vec<Sector>,
    /// Slug and label key of the Mali region; `None` outside Mali or private.
    pub region: Option<(&'static str, String)>,
    pub women_led: Option<bool>,
}

/// How a row is named: a Fluent key, a bilingual name (tracks, editions), a country code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Label {
    Key(String),
    Named { fr: String, en: String },
    Country(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowHead {
    /// Stable code for files and the API (track code, slug, ISO code, `total`…).
    pub code: String,
    pub label: Label,
}

/// Parts that add up to a total, as (row, column) positions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub parts: Vec<(usize, usize)>,
    pub total: (usize, usize),
}

/// One table of counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub key: &'static str,
    pub rows: Vec<RowHead>,
    pub columns: Vec<&'static str>,
    pub cells: Vec<Vec<i64>>,
    pub groups: Vec<Group>,
}

impl Table {
    /// The Fluent key of the table's caption.
    pub fn caption_key(&self) -> &'static str {
        match self.key {
            "tracks" => "stats-table-tracks",
            "editions" => "stats-table-editions",
            "domains" => "stats-table-domains",
            "countries" => "stats-table-countries",
            "funnel" => "stats-table-funnel",
            "actor_kinds" => "stats-table-actor-kinds",
            "actor_sectors" => "stats-table-actor-sectors",
            _ => "stats-table-actor-regions",
        }
    }

    /// The Fluent key of the rows' header.
    pub fn row_header_key(&self) -> &'static str {
        match self.key {
            "tracks" => "stats-row-track",
            "editions" => "stats-row-edition",
            "domains" | "actor_sectors" => "stats-row-domain",
            "countries" => "stats-row-country",
            "funnel" => "stats-row-stage",
            "actor_kinds" => "stats-row-kind",
            _ => "stats-row-region",
        }
    }

    /// The counts as shown: all of them to organisers, suppressed for the public.
    pub fn shown(&self, public: bool) -> Vec<Vec<Option<i64>>> {
        if public {
            suppress(&self.cells, &self.groups)
        } else {
            self.cells
                .iter()
                .map(|row| row.iter().map(|n| Some(*n)).collect())
                .collect()
        }
    }

    /// Whether an edition table has nothing to show.
    pub fn is_empty(&self) -> bool {
        self.cells.iter().flatten().all(|n| *n == 0)
    }
}

/// The Fluent key of a column.
pub fn column_key(code: &str) -> &'static str {
    match code {
        "applications" => "stats-col-applications",
        "women_led" => "stats-col-women-led",
        "young" => "stats-col-young",
        "women" => "stats-col-women",
        "men" => "stats-col-men",
        "not_given" => "stats-col-not-given",
        "total" => "stats-col-total",
        _ => "stats-col-actors",
    }
}

/// A row per value, a column per count, and a total row; every column adds up to it.
fn with_total_row(
    key: &'static str,
    columns: Vec<&'static str>,
    mut rows: Vec<(RowHead, Vec<i64>)>,
) -> Table {
    let width = columns.len();
    let mut total = vec![0; width];
    for (_, cells) in &rows {
        for (t, n) in total.iter_mut().zip(cells) {
            *t += n;
        }
    }
    rows.push((
        RowHead {
            code: "total".into(),
            label: Label::Key("stats-total".into()),
        },
        total,
    ));
    let last = rows.len() - 1;
    let groups = (0..width)
        .map(|c| Group {
            parts: (0..last).map(|r| (r, c)).collect(),
            total: (last, c),
        })
        .collect();
    let (heads, cells) = rows.into_iter().unzip();
    Table {
        key,
        rows: heads,
        columns,
        cells,
        groups,
    }
}

fn not_given() -> RowHead {
    RowHead {
        code: "not_given".into(),
        label: Label::Key("stats-not-given".into()),
    }
}

/// A track or an edition: its id, its code and its names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub id: i64,
    pub code: String,
    pub fr: String,
    pub en: String,
}

fn counts_of<'a>(facts: impl Iterator<Item = &'a Fact>) -> Vec<i64> {
    let mut cells = vec![0; 3];
    for f in facts {
        cells[0] += 1;
        cells[1] += i64::from(f.women_led);
        cells[2] += i64::from(f.young == Some(true));
    }
    cells
}

/// Applications, women-led and young-founder ones, per track (one edition) or per edition
/// (`by_edition`).
pub fn by_group(facts: &[Fact], groups: &[Named], by_edition: bool) -> Table {
    let rows = groups
        .iter()
        .map(|g| {
            let cells = counts_of(facts.iter().filter(|f| {
                if by_edition {
                    f.edition_id == g.id
                } else {
                    f.track_id == g.id
                }
            }));
            let head = RowHead {
                code: g.code.clone(),
                label: Label::Named {
                    fr: g.fr.clone(),
                    en: g.en.clone(),
                },
            };
            (head, cells)
        })
        .collect();
    let key = if by_edition { "editions" } else { "tracks" };
    with_total_row(key, vec!["applications", "women_led", "young"], rows)
}

/// Applications by the call's domain (in the domains' order), then "not given".
pub fn by_domain(facts: &[Fact]) -> Table {
    let mut counts: BTreeMap<Option<Sector>, i64> = BTreeMap::new();
    for f in facts {
        let sector = f.domain.as_deref().and_then(Sector::parse);
        *counts.entry(sector).or_default() += 1;
    }
    let mut rows: Vec<(RowHead, Vec<i64>)> = Sector::ALL
        .iter()
        .filter_map(|s| {
            counts.get(&Some(*s)).map(|n| {
                let head = RowHead {
                    code: s.as_str().into(),
                    label: Label::Key(s.label_key()),
                };
                (head, vec![*n])
            })
        })
        .collect();
    if let Some(n) = counts.get(&None) {
        rows.push((not_given(), vec![*n]));
    }
    with_total_row("domains", vec!["applications"], rows)
}

/// Applications by country (most first), then "not given".
pub fn by_country(facts: &[Fact]) -> Table {
    let mut counts: BTreeMap<String, i64> = BTreeMap::new();
    let mut missing = 0;
    for f in facts {
        match f.country.as_deref().map(Country::parse) {
            Some(Ok(c)) => *counts.entry(c.as_str().to_owned()).or_default() += 1,
            _ => missing += 1,
        }
    }
    let mut sorted: Vec<(String, i64)> = counts.into_iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut rows: Vec<(RowHead, Vec<i64>)> = sorted
        .into_iter()
        .map(|(code, n)| {
            let head = RowHead {
                label: Label::Country(code.clone()),
                code,
            };
            (head, vec![n])
        })
        .collect();
    if missing > 0 {
        rows.push((not_given(), vec![missing]));
    }
    with_total_row("countries", vec!["applications"], rows)
}

/// The selection's funnel by gender: dossiers that reached each stage (or a later one).
pub fn funnel(facts: &[Fact]) -> Table {
    let mut cells = vec![vec![0i64; 4]; Stage::ALL.len()];
    for f in facts {
        let g = Gender::ALL.iter().position(|g| *g == f.gender).unwrap_or(2);
        for (i, stage) in Stage::ALL.iter().enumerate() {
            if f.reached >= *stage {
                cells[i][g] += 1;
                cells[i][3] += 1;
            }
        }
    }
    let rows = Stage::ALL
        .iter()
        .map(|s| RowHead {
            code: s.code().into(),
            label: Label::Key(s.label_key().into()),
        })
        .collect();
    let groups = (0..Stage::ALL.len())
        .map(|r| Group {
            parts: (0..3).map(|c| (r, c)).collect(),
            total: (r, 3),
        })
        .collect();
    Table {
        key: "funnel",
        rows,
        columns: vec!["women", "men", "not_given", "total"],
        cells,
        groups,
    }
}

/// Published actors by kind (with the women-led ones, private ones not counted as such),
/// by sector (an actor may have several: no total), by Mali region.
pub fn directory(actors: &[ActorFact], kinds: &[(&'static str, String)]) -> Vec<Table> {
    let kind_rows = kinds
        .iter()
        .map(|(slug, key)| {
            let of_kind = actors.iter().filter(|a| a.kind == *slug);
            let (n, women) = of_kind.fold((0, 0), |(n, w), a| {
                (n + 1, w + i64::from(a.women_led == Some(true)))
            });
            let head = RowHead {
                code: (*slug).into(),
                label: Label::Key(key.clone()),
            };
            (head, vec![n, women])
        })
        .collect();
    let kinds = with_total_row("actor_kinds", vec!["actors", "women_led"], kind_rows);

    let (rows, cells): (Vec<RowHead>, Vec<Vec<i64>>) = Sector::ALL
        .iter()
        .filter_map(|s| {
            let n = actors.iter().filter(|a| a.sectors.contains(s)).count() as i64;
            (n > 0).then(|| {
                let head = RowHead {
                    code: s.as_str().into(),
                    label: Label::Key(s.label_key()),
                };
                (head, vec![n])
            })
        })
        .unzip();
    let sectors = Table {
        key: "actor_sectors",
        rows,
        columns: vec!["actors"],
        cells,
        groups: Vec::new(),
    };

    let mut by_region: BTreeMap<&'static str, (String, i64)> = BTreeMap::new();
    let mut elsewhere = 0;
    for a in actors {
        match &a.region {
            Some((slug, key)) => by_region.entry(*slug).or_insert((key.clone(), 0)).1 += 1,
            None => elsewhere += 1,
        }
    }
    let mut region_rows: Vec<(RowHead, Vec<i64>)> = by_region
        .into_iter()
        .map(|(slug, (key, n))| {
            let head = RowHead {
                code: slug.into(),
                label: Label::Key(key),
            };
            (head, vec![n])
        })
        .collect();
    if elsewhere > 0 {
        let head = RowHead {
            code: "other".into(),
            label: Label::Key("stats-region-other".into()),
        };
        region_rows.push((head, vec![elsewhere]));
    }
    let regions = with_total_row("actor_regions", vec!["actors"], region_rows);
    vec![kinds, sectors, regions]
}

/// Small-cell suppression (see the module's documentation): `None` is a hidden cell.
pub fn suppress(cells: &[Vec<i64>], groups: &[Group]) -> Vec<Vec<Option<i64>>> {
    let mut hidden: Vec<Vec<bool>> = cells
        .iter()
        .map(|row| row.iter().map(|n| *n > 0 && *n < MIN_CELL).collect())
        .collect();
    let value = |(r, c): (usize, usize)| cells.get(r).and_then(|row| row.get(c)).copied();
    let is_hidden = |h: &[Vec<bool>], (r, c): (usize, usize)| {
        h.get(r).and_then(|row| row.get(c)) == Some(&true)
    };
    loop {
        let mut changed = false;
        for g in groups {
            let members: Vec<(usize, usize)> = g.parts.iter().copied().chain([g.total]).collect();
            let count = members.iter().filter(|m| is_hidden(&hidden, **m)).count();
            if count != 1 {
                continue;
            }
            // The smallest visible part that is not zero (a zero beside it would tell
            // nothing, since zeros are shown), or else the total.
            let visible: Vec<(usize, usize)> = g
                .parts
                .iter()
                .copied()
                .filter(|m| !is_hidden(&hidden, *m) && value(*m).is_some())
                .collect();
            let next = visible
                .iter()
                .copied()
                .filter(|m| value(*m).unwrap_or(0) > 0)
                .min_by_key(|m| value(*m).unwrap_or(i64::MAX))
                .or_else(|| (!is_hidden(&hidden, g.total)).then_some(g.total))
                .or_else(|| visible.first().copied());
            if let Some((r, c)) = next {
                if let Some(cell) = hidden.get_mut(r).and_then(|row| row.get_mut(c)) {
                    *cell = true;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    cells
        .iter()
        .zip(&hidden)
        .map(|(row, h)| {
            row.iter()
                .zip(h)
                .map(|(n, hide)| (!hide).then_some(*n))
                .collect()
        })
        .collect()
}

/// `part` as a whole percentage of `whole`, when both are shown and `whole` is not zero.
pub fn percent(part: Option<i64>, whole: Option<i64>) -> Option<i64> {
    match (part, whole) {
        (Some(p), Some(w)) if w > 0 => Some((p * 100 + w / 2) / w),
        _ => None,
    }
}

/// Text escaped for XML (SVG) content and attributes.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// One bar: its label and its count (`None`: hidden, drawn as an outline marked `hidden`).
pub struct Bar {
    pub label: String,
    pub value: Option<i64>,
}

/// A horizontal bar chart as an inline SVG document: `<title>` and `<desc>` name it and say
/// every value (`hidden` is the text of a hidden value), so a screen reader needs no picture;
/// the page also gives the same figures as a table. `id` makes the element ids unique.
pub fn bar_chart(id: &str, title: &str, desc: &str, hidden: &str, bars: &[Bar]) -> String {
    const WIDTH: i64 = 320;
    const LABEL: i64 = 130;
    const ROW: i64 = 22;
    let max = bars
        .iter()
        .filter_map(|b| b.value)
        .max()
        .unwrap_or(0)
        .max(1);
    let height = ROW * bars.len() as i64 + 4;
    let id = xml_escape(id);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" \
         viewBox=\"0 0 {WIDTH} {height}\" width=\"100%\" \
         aria-labelledby=\"{id}-title {id}-desc\"><title id=\"{id}-title\">{}</title>\
         <desc id=\"{id}-desc\">{}</desc>",
        xml_escape(title),
        xml_escape(desc),
    );
    let span = WIDTH - LABEL - 40;
    for (i, bar) in bars.iter().enumerate() {
        let y = ROW * i as i64 + 2;
        let label: String = bar.label.chars().take(22).collect();
        svg.push_str(&format!(
            "<text x=\"0\" y=\"{}\" font-size=\"11\" fill=\"currentColor\">{}</text>",
            y + 14,
            xml_escape(&label)
        ));
        match bar.value {
            Some(n) => {
                let w = (n * span / max).max(i64::from(n > 0));
                svg.push_str(&format!(
                    "<rect x=\"{LABEL}\" y=\"{}\" width=\"{w}\" height=\"16\" fill=\"#0b6e4f\"/>\
                     <text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"currentColor\">{n}</text>",
                    y + 2,
                    LABEL + w + 4,
                    y + 14
                ));
            }
            None => svg.push_str(&format!(
                "<rect x=\"{LABEL}\" y=\"{}\" width=\"12\" height=\"16\" fill=\"none\" \
                 stroke=\"#888\" stroke-dasharray=\"2\"/>\
                 <text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"currentColor\">{}</text>",
                y + 2,
                LABEL + 16,
                y + 14,
                xml_escape(hidden)
            )),
        }
    }
    svg.push_str("</svg>");
    svg
}

/// The description of a chart: "label: value" for every bar.
pub fn describe(bars: &[Bar], hidden: &str) -> String {
    bars.iter()
        .map(|b| {
            let value = b.value.map_or_else(|| hidden.to_owned(), |n| n.to_string());
            format!("{}: {value}", b.label)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Every table's cells, for a [`Serialize`]d answer: `null` for a hidden cell.
#[derive(Debug, Serialize)]
pub struct OpenRow {
    pub row: String,
    pub counts: BTreeMap<&'static str, Option<i64>>,
}

#[derive(Debug, Serialize)]
pub struct OpenTable {
    pub table: &'static str,
    pub columns: Vec<&'static str>,
    pub rows: Vec<OpenRow>,
}

/// A table as open data: codes, and the public (suppressed) counts.
pub fn open_table(table: &Table) -> OpenTable {
    let shown = table.shown(true);
    OpenTable {
        table: table.key,
        columns: table.columns.clone(),
        rows: table
            .rows
            .iter()
            .zip(shown)
            .map(|(head, cells)| OpenRow {
                row: head.code.clone(),
                counts: table.columns.iter().copied().zip(cells).collect(),
            })
            .collect(),
    }
}

/// A column of the statistics file: its name, its type, and what it holds (FR, EN).
pub struct Column {
    pub name: &'static str,
    pub kind: &'static str,
    pub fr: &'static str,
    pub en: &'static str,
}

/// The data dictionary of `statistics.csv` / `.xlsx` (one line per shown count).
pub const DICTIONARY: [Column; 6] = [
    Column { name: "scope", kind: "code", fr: "Édition (son identifiant, ex. 2026) ou « all » pour toutes les éditions.", en: "Edition (its identifier, e.g. 2026) or \"all\" for every edition." },
    Column { name: "table", kind: "code", fr: "Tableau : tracks (catégories), editions, domains (domaines), countries (pays), funnel (sélection par genre du ou de la responsable), actor_kinds, actor_sectors, actor_regions (annuaire, fiches publiées).", en: "Table: tracks, editions, domains, countries, funnel (selection by the leader's gender), actor_kinds, actor_sectors, actor_regions (directory, published profiles)." },
    Column { name: "row", kind: "code", fr: "Ligne : code de catégorie, domaine, code pays ISO, étape (submitted, eligible, shortlisted, finalist, laureate), type d'acteur, région ; « total », « not_given » (non renseigné), « other » (hors du Mali ou non publique).", en: "Row: track code, domain, ISO country code, stage (submitted, eligible, shortlisted, finalist, laureate), kind of actor, region; \"total\", \"not_given\", \"other\" (outside Mali or not public)." },
    Column { name: "column", kind: "code", fr: "Colonne : applications (candidatures), women_led (portées par une femme), young (responsable de moins de 35 ans), women, men, not_given, total, actors (acteurs).", en: "Column: applications, women_led, young (leader under 35), women, men, not_given, total, actors." },
    Column { name: "count", kind: "integer", fr: "Nombre ; vide quand il est masqué.", en: "Count; empty when hidden." },
    Column { name: "hidden", kind: "boolean", fr: "Masqué : moins de 5 personnes, ou une case qui permettrait de le retrouver par soustraction.", en: "Hidden: fewer than 5 people, or a cell that would let it be found by subtraction." },
];

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fact(track: i64, gender: Gender, reached: Stage, women_led: bool) -> Fact {
        Fact {
            edition_id: 1,
            track_id: track,
            country: Some("ML".into()),
            domain: Some("fintech".into()),
            women_led,
            young: Some(true),
            gender,
            reached,
        }
    }

    #[test]
    fn a_cell_of_four_is_hidden_and_cannot_be_recovered_from_its_total() {
        // Row: 4 women, 10 men, 0 not given, total 14.
        let cells = vec![vec![4, 10, 0, 14]];
        let groups = vec![Group {
            parts: vec![(0, 0), (0, 1), (0, 2)],
            total: (0, 3),
        }];
        let shown = suppress(&cells, &groups);
        assert_eq!(shown[0][0], None);
        // 14 − 10 − 0 would tell: the 10 is hidden too (hiding the zero would not help).
        assert_eq!(shown[0][1], None);
        assert_eq!(shown[0][2], Some(0));
        assert_eq!(shown[0][3], Some(14));
    }

    #[test]
    fn the_funnel_counts_each_stage_and_those_beyond() {
        let facts = vec![
            fact(1, Gender::Woman, Stage::Laureate, true),
            fact(1, Gender::Man, Stage::Eligible, false),
            fact(1, Gender::Man, Stage::Submitted, false),
            fact(2, Gender::NotGiven, Stage::Finalist, false),
        ];
        let t = funnel(&facts);
        assert_eq!(t.cells[0], vec![1, 2, 1, 4]);
        assert_eq!(t.cells[1], vec![1, 1, 1, 3]);
        assert_eq!(t.cells[2], vec![1, 0, 1, 2]);
        assert_eq!(t.cells[3], vec![1, 0, 1, 2]);
        assert_eq!(t.cells[4], vec![1, 0, 0, 1]);
    }

    #[test]
    fn ages_count_whole_years() {
        let d = |y, m, day| jiff::civil::date(y, m, day);
        assert_eq!(age_on(d(1991, 1, 31), d(2026, 1, 30)), 34);
        assert_eq!(age_on(d(1991, 1, 30), d(2026, 1, 30)), 35);
    }

    #[test]
    fn the_chart_names_itself_and_escapes_labels() {
        let bars = [
            Bar {
                label: "<Fintech & co>".into(),
                value: Some(12),
            },
            Bar {
                label: "IA".into(),
                value: None,
            },
        ];
        let desc = describe(&bars, "< 5");
        let svg = bar_chart("c1", "Domaines", &desc, "< 5", &bars);
        assert!(svg.contains("<title id=\"c1-title\">Domaines</title>"));
        assert!(svg.contains("&lt;Fintech &amp; co&gt;: 12; IA: &lt; 5"));
        assert!(!svg.contains("<Fintech"));
    }

    /// Well-formed enough for a browser: every tag closed in order, nothing unescaped.
    fn balanced(svg: &str) -> bool {
        let mut stack: Vec<String> = Vec::new();
        let mut rest = svg;
        while let Some(start) = rest.find('<') {
            let Some(end) = rest[start..].find('>') else {
                return false;
            };
            let tag = &rest[start + 1..start + end];
            rest = &rest[start + end + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                if stack.pop().as_deref() != Some(name) {
                    return false;
                }
            } else if !tag.ends_with('/') {
                let name = tag.split_whitespace().next().unwrap_or_default();
                stack.push(name.to_owned());
            }
            // Text between tags holds no raw '<' or '&' that is not an entity.
            let text = &rest[..rest.find('<').unwrap_or(rest.len())];
            if text.contains('>') {
                return false;
            }
        }
        stack.is_empty()
    }

    proptest! {
        #[test]
        fn no_public_cell_under_five_survives_and_no_single_hidden_member_remains(
            cells in proptest::collection::vec(proptest::collection::vec(0i64..30, 3), 1..8)
        ) {
            // Rows with a total column, plus a total row: both kinds of groups.
            let mut rows: Vec<Vec<i64>> = cells
                .iter()
                .map(|r| { let mut r = r.clone(); r.push(r.iter().sum()); r })
                .collect();
            let total: Vec<i64> = (0..4).map(|c| rows.iter().map(|r| r[c]).sum()).collect();
            rows.push(total);
            let last = rows.len() - 1;
            let mut groups: Vec<Group> = (0..rows.len())
                .map(|r| Group { parts: (0..3).map(|c| (r, c)).collect(), total: (r, 3) })
                .collect();
            groups.extend((0..4).map(|c| Group { parts: (0..last).map(|r| (r, c)).collect(), total: (last, c) }));
            let shown = suppress(&rows, &groups);
            for n in shown.iter().flatten().flatten() {
                prop_assert!(*n == 0 || *n >= MIN_CELL);
            }
            for g in &groups {
                let hidden = g.parts.iter().chain([&g.total]).filter(|(r, c)| shown[*r][*c].is_none()).count();
                prop_assert!(hidden != 1);
            }
        }

        #[test]
        fn charts_are_well_formed_and_say_every_value(
            labels in proptest::collection::vec(".{0,30}", 1..10),
            values in proptest::collection::vec(proptest::option::of(0i64..10_000), 10)
        ) {
            let bars: Vec<Bar> = labels
                .iter()
                .zip(&values)
                .map(|(l, v)| Bar { label: l.clone(), value: *v })
                .collect();
            let desc = describe(&bars, "< 5");
            let svg = bar_chart("x", "t", &desc, "< 5", &bars);
            prop_assert!(balanced(&svg), "{}", svg);
            prop_assert!(svg.contains("<title id=\"x-title\">t</title>"));
            prop_assert!(svg.contains("<desc id=\"x-desc\">"));
            for b in &bars {
                if let Some(n) = b.value {
                    let said = format!("{}: {n}", xml_escape(&b.label));
                    prop_assert!(svg.contains(&said));
                }
            }
        }
    }
}
