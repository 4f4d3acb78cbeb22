//! Reading a bulk import, free of I/O: a CSV (UTF-8, or Latin-1 as spreadsheets on Windows
//! save it; `;`, `,` or tab between cells) or an XLSX file, one profile a row under a header
//! row. Each row becomes a checked profile or is skipped with the reasons, so the report can
//! say exactly which rows were left out and why; a file that cannot be read as a whole (wrong
//! columns, too many rows, not a spreadsheet) is refused before any row is.

use std::collections::{BTreeMap, HashMap};
use std::io::Cursor;

use super::rules::{check_actor, fold, ActorInput, ActorProfile, Hideable};
use super::taxonomy::{ActorKind, MaliRegion, Stage};
use crate::domain::country::Country;
use crate::domain::sector::Sector;
use crate::domain::types::Lang;

/// The largest file accepted.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
/// The most profiles one file may hold (rows under the header, empty rows not counted).
pub const MAX_ROWS: usize = 50_000;

/// The columns a file may have, in the order of the template, with the other names
/// (French, as organisers type them) they are known by. Names are compared folded, with
/// spaces, hyphens and apostrophes as `_`.
pub const COLUMNS: &[(&str, &[&str])] = &[
    ("name", &["nom", "raison_sociale"]),
    ("kind", &["type", "categorie"]),
    ("description_fr", &["description"]),
    ("description_en", &[]),
    ("country", &["pays"]),
    ("region", &[]),
    ("town", &["ville", "city", "localite"]),
    ("sectors", &["secteurs", "sector", "secteur"]),
    ("stage", &["stade"]),
    ("founded_year", &["annee_de_creation", "annee_creation"]),
    ("team_size", &["effectif", "taille_equipe"]),
    ("women_led", &["dirigee_par_une_femme", "dirigee_par_femme"]),
    ("young_founders", &["jeunes_fondateurs"]),
    ("website", &["site_web", "site"]),
    ("social_links", &["reseaux_sociaux"]),
    ("contact_email", &["email", "e_mail", "courriel"]),
    ("funding_sought", &["financement_recherche"]),
    ("funding_offered", &["financement_propose"]),
    ("private", &["champs_prives"]),
];

/// The columns a file must have.
pub const REQUIRED: [&str; 3] = ["name", "kind", "country"];

/// Why a whole file was refused; nothing of it is imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileRefusal {
    Empty,
    TooLarge,
    /// More than [`MAX_ROWS`] profiles.
    TooManyRows(usize),
    /// An old binary `.xls`, an ODS, a ZIP that is no workbook…
    Unreadable,
    UnknownColumns(Vec<String>),
    MissingColumns(Vec<&'static str>),
    RepeatedColumn(String),
}

impl FileRefusal {
    /// The Fluent key saying why, and its arguments.
    pub fn message(&self) -> (&'static str, Vec<(&'static str, String)>) {
        match self {
            FileRefusal::Empty => ("directory-import-error-empty", vec![]),
            FileRefusal::TooLarge => (
                "directory-import-error-too-large",
                vec![("max", (MAX_FILE_BYTES / (1024 * 1024)).to_string())],
            ),
            FileRefusal::TooManyRows(n) => (
                "directory-import-error-too-many-rows",
                vec![("rows", n.to_string()), ("max", MAX_ROWS.to_string())],
            ),
            FileRefusal::Unreadable => ("directory-import-error-unreadable", vec![]),
            FileRefusal::UnknownColumns(names) => (
                "directory-import-error-unknown-columns",
                vec![("columns", names.join(", "))],
            ),
            FileRefusal::MissingColumns(names) => (
                "directory-import-error-missing-columns",
                vec![("columns", names.join(", "))],
            ),
            FileRefusal::RepeatedColumn(name) => (
                "directory-import-error-repeated-column",
                vec![("column", name.clone())],
            ),
        }
    }
}

/// How the file was read, shown on the preview so that a wrong guess is seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    CsvUtf8,
    /// Not UTF-8: read as Windows-1252, Latin-1 with the printable characters spreadsheets
    /// add to it.
    CsvLatin1,
    CsvUtf16,
}

impl Format {
    /// As stored: its label's key is `directory-import-format-` followed by it.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::CsvUtf8 => "csv-utf8",
            Format::CsvLatin1 => "csv-latin1",
            Format::CsvUtf16 => "csv-utf16",
        }
    }
}

/// Why one row was skipped: the column (empty for the whole row) and the Fluent key, with
/// its arguments.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Reason {
    pub column: String,
    pub key: String,
    #[serde(default)]
    pub args: Vec<(String, String)>,
}

impl Reason {
    fn new(column: &str, key: &str) -> Reason {
        Reason {
            column: column.to_owned(),
            key: key.to_owned(),
            args: Vec::new(),
        }
    }

    fn with(mut self, name: &str, value: impl ToString) -> Reason {
        self.args.push((name.to_owned(), value.to_string()));
        self
    }
}

/// A row left out, by its number in the spreadsheet (the header is row 1).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Skipped {
    pub line: usize,
    pub name: String,
    pub reasons: Vec<Reason>,
}

/// A row that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ready {
    pub line: usize,
    pub profile: ActorProfile,
}

/// What a file holds, row by row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    pub format: Format,
    pub ready: Vec<Ready>,
    pub skipped: Vec<Skipped>,
    pub empty_rows: usize,
}

/// The directory's profiles a new row must not repeat: folded name → name, and site → name.
#[derive(Debug, Clone, Default)]
pub struct Existing {
    pub names: HashMap<String, String>,
    pub websites: HashMap<String, String>,
}

impl Existing {
    pub fn add(&mut self, name: &str, website: &str) {
        self.names.insert(name_key(name), name.to_owned());
        if let Some(site) = website_key(website) {
            self.websites.insert(site, name.to_owned());
        }
    }
}

/// Two names are the same organisation when they fold to the same words.
pub fn name_key(name: &str) -> String {
    fold(name)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Two sites are the same when they differ only by scheme, `www.`, case or a final `/`.
pub fn website_key(url: &str) -> Option<String> {
    let url = url.trim().to_lowercase();
    let url = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(&url);
    let url = url
        .strip_prefix("www.")
        .unwrap_or(url)
        .trim_end_matches('/');
    (!url.is_empty()).then(|| url.to_owned())
}

/// Reads a whole file; `this_year` bounds the founding years.
pub fn read(bytes: &[u8], this_year: i64, existing: &Existing) -> Result<Reading, FileRefusal> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(FileRefusal::TooLarge);
    }
    let (format, table) = table(bytes)?;
    let mut rows = table.into_iter();
    let header = loop {
        match rows.next() {
            None => return Err(FileRefusal::Empty),
            Some((_, cells)) if cells.iter().all(|c| c.trim().is_empty()) => continue,
            Some((_, cells)) => break cells,
        }
    };
    let columns = columns(&header)?;
    let words = Vocabulary::new();
    let mut reading = Reading {
        format,
        ready: Vec::new(),
        skipped: Vec::new(),
        empty_rows: 0,
    };
    let mut seen_lines: HashMap<String, usize> = HashMap::new();
    let mut seen_site_lines: HashMap<String, usize> = HashMap::new();
    let mut counted = 0usize;
    for (line, cells) in rows {
        if cells.iter().all(|c| c.trim().is_empty()) {
            reading.empty_rows += 1;
            continue;
        }
        counted += 1;
        if counted > MAX_ROWS {
            continue;
        }
        let row = Row::new(&columns, &cells);
        let name = row.get("name").trim().to_owned();
        match row.profile(&words, this_year) {
            Err(reasons) => reading.skipped.push(Skipped {
                line,
                name,
                reasons,
            }),
            Ok(profile) => {
                let mut reasons = Vec::new();
                let key = name_key(&profile.name);
                let site = profile.website.as_deref().and_then(website_key);
                if let Some(first) = seen_lines.get(&key) {
                    reasons.push(
                        Reason::new("name", "directory-import-duplicate-row").with("line", first),
                    );
                } else if let Some(other) = existing.names.get(&key) {
                    reasons.push(
                        Reason::new("name", "directory-import-duplicate-existing")
                            .with("name", other),
                    );
                }
                if let Some(site) = &site {
                    if let Some(first) = seen_site_lines.get(site) {
                        reasons.push(
                            Reason::new("website", "directory-import-duplicate-row")
                                .with("line", first),
                        );
                    } else if let Some(other) = existing.websites.get(site) {
                        reasons.push(
                            Reason::new("website", "directory-import-duplicate-existing")
                                .with("name", other),
                        );
                    }
                }
                if reasons.is_empty() {
                    seen_lines.insert(key, line);
                    if let Some(site) = site {
                        seen_site_lines.insert(site, line);
                    }
                    reading.ready.push(Ready { line, profile });
                } else {
                    reading.skipped.push(Skipped {
                        line,
                        name,
                        reasons,
                    });
                }
            }
        }
    }
    if counted > MAX_ROWS {
        return Err(FileRefusal::TooManyRows(counted));
    }
    if counted == 0 {
        return Err(FileRefusal::Empty);
    }
    Ok(reading)
}

/// A spreadsheet's cells, row by row, each row with its number (from 1).
type Table = Vec<(usize, Vec<String>)>;

fn table(bytes: &[u8]) -> Result<(Format, Table), FileRefusal> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(FileRefusal::Empty);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return xlsx(bytes).map(|t| (Format::Xlsx, t));
    }
    // An old binary workbook (.xls) or anything with NUL bytes that is not UTF-16.
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(FileRefusal::Unreadable);
    }
    let (format, text) = decode(bytes);
    if text.contains('\0') {
        return Err(FileRefusal::Unreadable);
    }
    Ok((format, csv_rows(&text)))
}

/// UTF-8 (with or without its byte-order mark), UTF-16 with its mark, else Windows-1252.
fn decode(bytes: &[u8]) -> (Format, String) {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom..]);
        let format = if encoding == encoding_rs::UTF_8 {
            Format::CsvUtf8
        } else {
            Format::CsvUtf16
        };
        return (format, text.into_owned());
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => (Format::CsvUtf8, text.to_owned()),
        Err(_) => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            (Format::CsvLatin1, text.into_owned())
        }
    }
}

/// The cell separator of the header line: the most frequent of `;`, `,` and tab outside
/// quotes (French spreadsheets write `;`).
fn separator(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or_default();
    let mut quoted = false;
    let mut counts = [(b';', 0usize), (b',', 0), (b'\t', 0)];
    for c in first.bytes() {
        if c == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for (sep, n) in counts.iter_mut() {
                if *sep == c {
                    *n += 1;
                }
            }
        }
    }
    counts
        .iter()
        .max_by_key(|(_, n)| *n)
        .map_or(b',', |(sep, _)| *sep)
}

fn csv_rows(text: &str) -> Table {
    // Old Macintosh files end lines with a lone CR: every row starts on a line of its own,
    // so that the report's row numbers are those the spreadsheet shows.
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let text = text.as_str();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(separator(text))
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        match record {
            Ok(record) => {
                let line = record
                    .position()
                    .map_or(rows.len() + 1, |p| p.line() as usize);
                rows.push((line, record.iter().map(str::to_owned).collect()));
            }
            // The text is valid UTF-8 by now; an unbalanced quote ends the file, and the
            // rows read so far are what it holds.
            Err(_) => break,
        }
    }
    rows
}

fn xlsx(bytes: &[u8]) -> Result<Table, FileRefusal> {
    use calamine::{Data, Reader, Xlsx};
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(|_| FileRefusal::Unreadable)?;
    let sheet = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or(FileRefusal::Unreadable)?;
    let range = book
        .worksheet_range(&sheet)
        .map_err(|_| FileRefusal::Unreadable)?;
    // A formula is refused like a typed one: its cached value may be stale, and a cell
    // starting with `=` is what the report names.
    let formulas = book.worksheet_formula(&sheet).unwrap_or_default();
    let mut formula_at = std::collections::HashSet::new();
    if let Some((row0, col0)) = formulas.start() {
        for (r, row) in formulas.rows().enumerate() {
            for (c, formula) in row.iter().enumerate() {
                if !formula.is_empty() {
                    formula_at.insert((row0 as usize + r, col0 as usize + c));
                }
            }
        }
    }
    let Some((row0, col0)) = range.start() else {
        return Ok(Vec::new());
    };
    let mut rows = Vec::new();
    for (r, row) in range.rows().enumerate() {
        let absolute_row = row0 as usize + r;
        // Cells left of the used range are empty.
        let mut cells = vec![String::new(); col0 as usize];
        for (c, cell) in row.iter().enumerate() {
            let text = if formula_at.contains(&(absolute_row, col0 as usize + c)) {
                format!("={}", cell_text(cell))
            } else {
                cell_text(cell)
            };
            cells.push(text);
        }
        rows.push((absolute_row + 1, cells));
    }
    return Ok(rows);

    fn cell_text(cell: &Data) -> String {
        match cell {
            Data::Empty => String::new(),
            Data::String(s) => s.clone(),
            Data::Int(i) => i.to_string(),
            // Whole numbers (years, team sizes) as typed, without ".0".
            Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            Data::Float(f) => f.to_string(),
            Data::Bool(b) => if *b { "true" } else { "false" }.to_owned(),
            Data::DateTime(d) => d.to_string(),
            Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
            Data::Error(e) => format!("#{e:?}"),
        }
    }
}

/// A header cell's column, compared folded.
fn column_of(header: &str) -> Option<&'static str> {
    let key = slug(header);
    COLUMNS
        .iter()
        .find(|(name, aliases)| *name == key || aliases.contains(&key.as_str()))
        .map(|(name, _)| *name)
}

/// Folded, with anything but letters and digits as `_`: "Année de création" →
/// "annee_de_creation".
fn slug(text: &str) -> String {
    fold(text.trim())
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

/// Which column each cell of a row is in (`None`: an empty header cell, ignored).
fn columns(header: &[String]) -> Result<Vec<Option<&'static str>>, FileRefusal> {
    let mut unknown = Vec::new();
    let mut found = Vec::new();
    for cell in header {
        let cell = cell.trim().trim_start_matches('\u{feff}');
        if cell.is_empty() {
            found.push(None);
            continue;
        }
        match column_of(cell) {
            Some(column) if found.contains(&Some(column)) => {
                return Err(FileRefusal::RepeatedColumn(cell.to_owned()))
            }
            Some(column) => found.push(Some(column)),
            None => {
                unknown.push(cell.chars().take(60).collect());
                found.push(None);
            }
        }
    }
    if !unknown.is_empty() {
        return Err(FileRefusal::UnknownColumns(unknown));
    }
    let missing: Vec<&'static str> = REQUIRED
        .into_iter()
        .filter(|r| !found.contains(&Some(*r)))
        .collect();
    if !missing.is_empty() {
        return Err(FileRefusal::MissingColumns(missing));
    }
    Ok(found)
}

/// One row's cells by column.
struct Row<'a> {
    cells: BTreeMap<&'static str, &'a str>,
    /// Text in a cell with no header above it.
    overflow: bool,
}

impl<'a> Row<'a> {
    fn new(columns: &[Option<&'static str>], cells: &'a [String]) -> Row<'a> {
        let mut map = BTreeMap::new();
        let mut overflow = false;
        for (i, cell) in cells.iter().enumerate() {
            match columns.get(i).copied().flatten() {
                Some(column) => {
                    map.insert(column, cell.as_str());
                }
                None => overflow |= !cell.trim().is_empty(),
            }
        }
        Row {
            cells: map,
            overflow,
        }
    }

    fn get(&self, column: &str) -> &'a str {
        self.cells.get(column).copied().unwrap_or("")
    }

    /// The row as a checked profile, or every reason it is not one.
    fn profile(&self, words: &Vocabulary, this_year: i64) -> Result<ActorProfile, Vec<Reason>> {
        let mut reasons = Vec::new();
        if self.overflow {
            reasons.push(Reason::new("", "directory-import-error-extra-cells"));
        }
        for (column, cell) in &self.cells {
            if cell.trim_start().starts_with('=') {
                reasons.push(Reason::new(column, "directory-import-error-formula"));
            }
        }
        let mut input = ActorInput {
            kind: words.kinds.value(self.get("kind")),
            name: self.get("name").to_owned(),
            description_fr: self.get("description_fr").to_owned(),
            description_en: self.get("description_en").to_owned(),
            country: country(self.get("country")),
            region: words.regions.value(self.get("region")),
            town: self.get("town").to_owned(),
            stage: words.stages.value(self.get("stage")),
            founded_year: self.get("founded_year").trim().to_owned(),
            team_size: self.get("team_size").trim().to_owned(),
            women_led: None,
            young_founders: None,
            website: self.get("website").to_owned(),
            social_links: list(self.get("social_links")).join("\n"),
            contact_email: self.get("contact_email").to_owned(),
            funding_sought: self.get("funding_sought").to_owned(),
            funding_offered: self.get("funding_offered").to_owned(),
            sectors: Vec::new(),
            private: Vec::new(),
        };
        for (column, slot) in [
            ("women_led", &mut input.women_led),
            ("young_founders", &mut input.young_founders),
        ] {
            match yes_no(self.get(column)) {
                Some(true) => *slot = Some("on".into()),
                Some(false) => {}
                None => reasons.push(Reason::new(column, "directory-import-error-yes-no")),
            }
        }
        for sector in list(self.get("sectors")) {
            let slug = words.sectors.value(sector);
            if Sector::parse(&slug).is_none() {
                reasons.push(
                    Reason::new("sectors", "directory-import-error-sector").with("value", sector),
                );
            }
            input.sectors.push(slug);
        }
        for field in list(self.get("private")) {
            match Hideable::ALL
                .into_iter()
                .find(|h| h.as_str() == slug(field))
            {
                Some(h) => input.private.push(h.as_str().to_owned()),
                None => reasons.push(
                    Reason::new("private", "directory-import-error-private").with("value", field),
                ),
            }
        }
        match check_actor(&input, this_year) {
            Ok(profile) if reasons.is_empty() => Ok(profile),
            Ok(_) => Err(reasons),
            Err(refusals) => {
                for (field, key) in refusals {
                    // The form's `sector` checkboxes are the file's `sectors` column.
                    let column = if field == "sector" { "sectors" } else { field };
                    // A sector already named above is not named twice.
                    if column == "sectors" && reasons.iter().any(|r| r.column == "sectors") {
                        continue;
                    }
                    reasons.push(Reason::new(column, key));
                }
                Err(reasons)
            }
        }
    }
}

/// The words a closed list's values are typed with: its slugs, its labels in French and
/// English ("Incubateur ou accélérateur", "E-santé"), and the short forms organisers use
/// ("PME", "ONG"), all compared as [`slug`]s and without `_` ("Start-up" is `startup`).
struct Words(HashMap<String, &'static str>);

impl Words {
    fn new<T: Copy>(all: &[T], slug_of: fn(T) -> &'static str, key: fn(T) -> String) -> Words {
        let mut words = HashMap::new();
        for &x in all {
            let value = slug_of(x);
            words.insert(squeeze(value), value);
            for lang in [Lang::Fr, Lang::En] {
                words.insert(squeeze(&slug(&crate::i18n::tr(lang, &key(x)))), value);
            }
        }
        Words(words)
    }

    fn also(mut self, aliases: &[(&str, &'static str)]) -> Words {
        for (alias, value) in aliases {
            self.0.insert(squeeze(alias), value);
        }
        self
    }

    /// The slug typed; unknown values are passed on as typed, for the check to refuse.
    fn value(&self, typed: &str) -> String {
        self.0
            .get(&squeeze(&slug(typed)))
            .map_or_else(|| typed.trim().to_owned(), |v| (*v).to_owned())
    }
}

fn squeeze(slug: &str) -> String {
    slug.replace('_', "")
}

struct Vocabulary {
    kinds: Words,
    regions: Words,
    stages: Words,
    sectors: Words,
}

impl Vocabulary {
    fn new() -> Vocabulary {
        Vocabulary {
            kinds: Words::new(ActorKind::ALL, ActorKind::as_str, ActorKind::label_key).also(&[
                ("incubateur", "incubator"),
                ("accelerateur", "incubator"),
                ("accelerator", "incubator"),
                ("investisseur", "investor"),
                ("fonds", "investor"),
                ("fund", "investor"),
                ("osc", "civil_society"),
                ("ong", "civil_society"),
                ("ngo", "civil_society"),
                ("association", "civil_society"),
                ("societe civile", "civil_society"),
                ("administration", "public_service"),
                ("universite", "university"),
                ("ecole", "university"),
                ("school", "university"),
                ("partenaire", "partner"),
                ("ptf", "partner"),
                ("medias", "media"),
            ]),
            regions: Words::new(MaliRegion::ALL, MaliRegion::as_str, MaliRegion::label_key)
                .also(&[("district de bamako", "bamako")]),
            stages: Words::new(Stage::ALL, Stage::as_str, Stage::label_key).also(&[
                ("lancement", "launch"),
                ("etablie", "established"),
                ("etabli", "established"),
                ("maturite", "established"),
            ]),
            sectors: Words::new(&Sector::ALL, Sector::as_str, Sector::label_key),
        }
    }
}

/// A country as its code (`ML`) or its French or English name ("Mali", "Burkina Faso",
/// "Côte d'Ivoire").
fn country(typed: &str) -> String {
    if Country::parse(typed).is_ok() {
        return typed.trim().to_owned();
    }
    let typed_slug = slug(typed);
    [Lang::Fr, Lang::En]
        .into_iter()
        .flat_map(|lang| Country::all(lang).map(move |c| (c, c.name(lang))))
        .find(|(_, name)| slug(name) == typed_slug)
        .map_or_else(|| typed.trim().to_owned(), |(c, _)| c.as_str().to_owned())
}

/// A cell holding several values, separated by `;`, `,`, `|` or line breaks.
fn list(cell: &str) -> Vec<&str> {
    cell.split([';', ',', '|', '\n'])
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect()
}

/// Yes or no as spreadsheets say it; empty is no; `None`: neither.
fn yes_no(cell: &str) -> Option<bool> {
    match slug(cell).as_str() {
        "" | "non" | "no" | "n" | "0" | "false" | "faux" => Some(false),
        "oui" | "yes" | "o" | "y" | "1" | "true" | "vrai" | "x" => Some(true),
        _ => None,
    }
}

/// The template's header row, in the columns' order.
pub fn template_header() -> Vec<&'static str> {
    COLUMNS.iter().map(|(name, _)| *name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const HEADER: &str = "name;kind;description_fr;country;region;sectors;stage;website\n";

    fn read_csv(text: &str) -> Result<Reading, FileRefusal> {
        read(text.as_bytes(), 2026, &Existing::default())
    }

    #[test]
    fn a_french_csv_with_labels_reads_into_profiles() {
        let text = "Nom;Type;Description;Pays;Région;Secteurs;Stade;Site web;Dirigée par une femme\n\
                    Réseau Ségou;Start-up;Paiements;Mali;Ségou;fintech, E-agriculture;Prototype;https://reseau.ml;oui\n\
                    \n\
                    ;;;;;;;;\n\
                    Faso Lab;Incubateur;Incubation;Burkina Faso;;e-education;;;non\n";
        let reading = read_csv(text).expect("read");
        assert_eq!(reading.format, Format::CsvUtf8);
        // A blank line is no row at all; a row of empty cells is counted.
        assert_eq!(reading.empty_rows, 1);
        assert!(reading.skipped.is_empty(), "{:?}", reading.skipped);
        let first = &reading.ready[0];
        assert_eq!(first.line, 2);
        assert_eq!(first.profile.kind, ActorKind::Startup);
        assert_eq!(first.profile.region, Some(MaliRegion::Segou));
        assert!(first.profile.women_led);
        assert_eq!(first.profile.sectors.len(), 2);
        assert_eq!(reading.ready[1].line, 5);
        assert_eq!(reading.ready[1].profile.kind, ActorKind::Incubator);
        assert_eq!(reading.ready[1].profile.country.as_str(), "BF");
    }

    #[test]
    fn latin1_is_read_as_such() {
        let mut bytes = b"nom,type,description,pays,region,secteurs,stade\n".to_vec();
        // "Société Générale Ségou" in Latin-1.
        bytes.extend_from_slice(b"Soci\xe9t\xe9 S\xe9gou,sme,Banque,ML,S\xe9gou,fintech,growth\n");
        let reading = read(&bytes, 2026, &Existing::default()).expect("read");
        assert_eq!(reading.format, Format::CsvLatin1);
        assert!(reading.skipped.is_empty(), "{:?}", reading.skipped);
        assert_eq!(reading.ready[0].profile.name, "Société Ségou");
    }

    #[test]
    fn wrong_columns_refuse_the_file() {
        assert_eq!(
            read_csv("name;kind;colour;country\n"),
            Err(FileRefusal::UnknownColumns(vec!["colour".into()]))
        );
        assert_eq!(
            read_csv("name;description\nA;b\n"),
            Err(FileRefusal::MissingColumns(vec!["kind", "country"]))
        );
        assert_eq!(
            read_csv("name;nom;kind;country\n"),
            Err(FileRefusal::RepeatedColumn("nom".into()))
        );
        assert_eq!(read_csv(HEADER), Err(FileRefusal::Empty));
        assert_eq!(read_csv("\n \n"), Err(FileRefusal::Empty));
        assert_eq!(
            read(b"\xD0\xCF\x11\xE0rest", 2026, &Existing::default()),
            Err(FileRefusal::Unreadable)
        );
        assert_eq!(
            read(b"PK\x03\x04not a workbook", 2026, &Existing::default()),
            Err(FileRefusal::Unreadable)
        );
    }

    #[test]
    fn bad_rows_are_skipped_with_every_reason() {
        let text = format!(
            "{HEADER}=HYPERLINK(\"http://x\");startup;d;ML;bamako;fintech;idea;\n\
             Bon;startup;d;ML;atlantis;spaceflight;idea;\n\
             Bon;startup;d;ML;bamako;fintech;idea;https://bon.ml\n\
             BON !;sme;d;ML;kayes;fintech;growth;\n\
             Autre;sme;d;ML;kayes;fintech;growth;http://www.bon.ml/\n\
             Trop;sme;d;ML;kayes;fintech;growth;;surplus\n"
        );
        let reading = read_csv(&text).expect("read");
        let reasons = |line: usize| -> Vec<(String, String)> {
            reading
                .skipped
                .iter()
                .find(|s| s.line == line)
                .map(|s| {
                    s.reasons
                        .iter()
                        .map(|r| (r.column.clone(), r.key.clone()))
                        .collect()
                })
                .unwrap_or_default()
        };
        assert_eq!(
            reasons(2),
            vec![("name".into(), "directory-import-error-formula".into())]
        );
        let bad = reasons(3);
        assert!(bad.contains(&("region".into(), "directory-error-region".into())));
        assert!(bad.contains(&("sectors".into(), "directory-import-error-sector".into())));
        assert_eq!(reading.ready.len(), 1);
        assert_eq!(reading.ready[0].line, 4);
        assert_eq!(
            reasons(5),
            vec![("name".into(), "directory-import-duplicate-row".into())]
        );
        assert_eq!(
            reasons(6),
            vec![("website".into(), "directory-import-duplicate-row".into())]
        );
        assert_eq!(
            reasons(7),
            vec![("".into(), "directory-import-error-extra-cells".into())]
        );
    }

    #[test]
    fn names_and_sites_already_listed_are_skipped() {
        let mut existing = Existing::default();
        existing.add("Réseau Ségou", "https://www.reseau.ml");
        let text = format!(
            "{HEADER}reseau  segou;startup;d;ML;bamako;ai;idea;\n\
             Nouveau;startup;d;ML;bamako;ai;idea;reseau.ml\n"
        );
        let reading = read(text.as_bytes(), 2026, &existing).expect("read");
        assert!(reading.ready.is_empty());
        assert_eq!(reading.skipped.len(), 2);
        assert!(reading
            .skipped
            .iter()
            .all(|s| s.reasons[0].key == "directory-import-duplicate-existing"));
    }

    #[test]
    fn too_many_rows_refuse_the_file_and_the_limit_itself_is_read() {
        let row = "A;startup;d;ML;bamako;ai;idea;\n";
        let mut text = HEADER.to_owned();
        for i in 0..MAX_ROWS {
            text.push_str(&row.replacen('A', &format!("A{i}"), 1));
        }
        let reading = read_csv(&text).expect("at the limit");
        assert_eq!(reading.ready.len(), MAX_ROWS);
        text.push_str("Z;startup;d;ML;bamako;ai;idea;\n");
        assert_eq!(read_csv(&text), Err(FileRefusal::TooManyRows(MAX_ROWS + 1)));
    }

    proptest! {
        /// Whatever the bytes, reading ends with a refusal or rows: every line is either
        /// ready, skipped or empty, never two of them.
        #[test]
        fn any_bytes_are_read_or_refused(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let mut file = b"name,kind,country,description\n".to_vec();
            file.extend_from_slice(&bytes);
            if let Ok(reading) = read(&file, 2026, &Existing::default()) {
                let mut lines: Vec<usize> = reading.ready.iter().map(|r| r.line)
                    .chain(reading.skipped.iter().map(|s| s.line)).collect();
                let n = lines.len();
                lines.sort_unstable();
                lines.dedup();
                prop_assert_eq!(lines.len(), n);
            }
        }
    }
}
