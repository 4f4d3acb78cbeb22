//! The statistics pages: an edition's for its organisers, every edition's for moderators
//! (administrators and organisers), and the public version of both with small cells hidden;
//! every table as CSV and XLSX. The open-data files and the API read [`public_tables`].

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

use super::queries;
use super::rules::{self, Bar, Label, Named, Table};
use crate::applications::export::{self, Cell};
use crate::calls::queries::{self as calls, EditionRow};
use crate::directory::access::Moderator;
use crate::directory::taxonomy::ActorKind;
use crate::domain::country::Country;
use crate::domain::types::Lang;
use crate::editions::access::OrganisedEdition;
use crate::i18n::tr;
use crate::web::ctx::Ctx;
use crate::web::error::{AppError, AppResult};
use crate::web::public_cache::public_page;
use crate::web::state::AppState;
use crate::web::templates::render;

/// How long the public page may be served from memory: applications and decisions do not
/// bump the site's content version.
const PUBLIC_FOR_MS: i64 = 5 * 60 * 1000;

/// The tables of one edition: by track, by domain, by country, the funnel by gender.
pub async fn edition_tables(app: &AppState, edition: &EditionRow) -> AppResult<Vec<Table>> {
    let facts = queries::facts(&app.db, edition.id).await?;
    let tracks: Vec<Named> = calls::tracks_of_edition(&app.db, edition.id)
        .await?
        .into_iter()
        .map(|t| Named {
            id: t.id,
            code: t.code,
            fr: t.name_fr,
            en: t.name_en,
        })
        .collect();
    Ok(vec![
        rules::by_group(&facts, &tracks, false),
        rules::by_domain(&facts),
        rules::by_country(&facts),
        rules::funnel(&facts),
    ])
}

/// The tables across editions: by edition, domain, country, the funnel, and the directory.
pub async fn all_tables(app: &AppState) -> AppResult<Vec<Table>> {
    let editions = calls::editions(&app.db).await?;
    let mut facts = Vec::new();
    let mut named = Vec::new();
    for e in &editions {
        facts.extend(queries::facts(&app.db, e.id).await?);
        named.push(Named {
            id: e.id,
            code: e.slug.clone(),
            fr: e.name(Lang::Fr),
            en: e.name(Lang::En),
        });
    }
    let kinds: Vec<(&'static str, String)> = ActorKind::ALL
        .iter()
        .map(|k| (k.as_str(), k.label_key()))
        .collect();
    let actors = queries::actors(&app.db).await?;
    let mut tables = vec![
        rules::by_group(&facts, &named, true),
        rules::by_domain(&facts),
        rules::by_country(&facts),
        rules::funnel(&facts),
    ];
    tables.extend(rules::directory(&actors, &kinds));
    Ok(tables)
}

/// The public tables of a scope (`all` or an edition's identifier); `None`: no such edition.
pub async fn public_tables(app: &AppState, scope: &str) -> AppResult<Option<Vec<Table>>> {
    if scope == "all" {
        return Ok(Some(all_tables(app).await?));
    }
    match calls::edition_by_slug(&app.db, scope).await? {
        Some(edition) => Ok(Some(edition_tables(app, &edition).await?)),
        None => Ok(None),
    }
}

/// Every scope of the public statistics: `all`, then each edition.
pub async fn public_scopes(app: &AppState) -> AppResult<Vec<(String, Vec<Table>)>> {
    let mut out = vec![("all".to_owned(), all_tables(app).await?)];
    for e in calls::editions(&app.db).await? {
        let tables = edition_tables(app, &e).await?;
        out.push((e.slug, tables));
    }
    Ok(out)
}

/// The public statistics as one long table (scope, table, row, column, count, hidden), the
/// shape of `statistics.csv` and `.xlsx` (see [`rules::DICTIONARY`]).
pub fn long_table(scopes: &[(String, Vec<Table>)]) -> export::Table {
    let mut rows = Vec::new();
    for (scope, tables) in scopes {
        for table in tables {
            for (head, cells) in table.rows.iter().zip(table.shown(true)) {
                for (column, cell) in table.columns.iter().zip(cells) {
                    rows.push(vec![
                        Cell::Text(scope.clone()),
                        Cell::Text(table.key.to_owned()),
                        Cell::Text(head.code.clone()),
                        Cell::Text((*column).to_owned()),
                        cell.map_or(Cell::Text(String::new()), |n| Cell::Number(n as f64)),
                        Cell::Text(cell.is_none().to_string()),
                    ]);
                }
            }
        }
    }
    export::Table {
        headers: rules::DICTIONARY
            .iter()
            .map(|c| c.name.to_owned())
            .collect(),
        rows,
    }
}

fn label(lang: Lang, label: &Label) -> String {
    match label {
        Label::Key(key) => tr(lang, key),
        Label::Named { fr, en } => match lang {
            Lang::Fr => fr.clone(),
            Lang::En => en.clone(),
        },
        Label::Country(code) => Country::parse(code)
            .map(|c| c.name(lang).to_owned())
            .unwrap_or_else(|_| code.clone()),
    }
}

/// A table as the page shows it.
pub struct ShownTable {
    pub id: &'static str,
    pub caption: String,
    pub row_header: String,
    pub columns: Vec<String>,
    pub rows: Vec<(String, Vec<String>)>,
    /// The chart (SVG written by [`rules::bar_chart`], its text escaped there).
    pub chart: String,
}

fn shown_table(lang: Lang, table: &Table, public: bool) -> ShownTable {
    let hidden = tr(lang, "stats-hidden");
    let shown = table.shown(public);
    let with_shares = matches!(table.key, "tracks" | "editions");
    let rows = table
        .rows
        .iter()
        .zip(&shown)
        .map(|(head, cells)| {
            let texts = cells
                .iter()
                .enumerate()
                .map(|(i, cell)| {
                    let text = cell.map_or_else(|| hidden.clone(), |n| n.to_string());
                    match rules::percent(*cell, cells.first().copied().flatten()) {
                        Some(p) if with_shares && i > 0 => format!("{text} ({p} %)"),
                        _ => text,
                    }
                })
                .collect();
            (label(lang, &head.label), texts)
        })
        .collect();
    // The chart draws one column: the total of the funnel, the first one elsewhere; never
    // the total row.
    let column = if table.key == "funnel" { 3 } else { 0 };
    let bars: Vec<Bar> = table
        .rows
        .iter()
        .zip(&shown)
        .filter(|(head, _)| head.code != "total")
        .map(|(head, cells)| Bar {
            label: label(lang, &head.label),
            value: cells.get(column).copied().flatten(),
        })
        .collect();
    let caption = tr(lang, table.caption_key());
    let desc = rules::describe(&bars, &hidden);
    ShownTable {
        id: table.key,
        chart: rules::bar_chart(table.key, &caption, &desc, &hidden, &bars),
        caption,
        row_header: tr(lang, table.row_header_key()),
        columns: table
            .columns
            .iter()
            .map(|c| tr(lang, rules::column_key(c)))
            .collect(),
        rows,
    }
}

#[derive(Template)]
#[template(path = "stats/page.html")]
pub struct StatsTemplate {
    pub ctx: Ctx,
    pub title: String,
    pub public: bool,
    /// Where the files of this page are (`…/{table}.csv`).
    pub files: String,
    /// The other version of this page (public ↔ organisers'), if the reader may see it.
    pub other_version: Option<String>,
    /// The editions, for the public pages' links: (identifier, name).
    pub editions: Vec<(String, String)>,
    /// Whether the tables count applications (an edition, or every edition).
    pub tables: Vec<ShownTable>,
    pub empty: bool,
}

fn page(ctx: Ctx, title: String, tables: &[Table], public: bool, files: String) -> StatsTemplate {
    let shown: Vec<ShownTable> = tables
        .iter()
        .map(|t| shown_table(ctx.lang, t, public))
        .collect();
    StatsTemplate {
        title,
        public,
        files,
        other_version: None,
        editions: Vec::new(),
        empty: tables.first().is_none_or(Table::is_empty),
        tables: shown,
        ctx,
    }
}

async fn edition_names(app: &AppState, lang: Lang) -> AppResult<Vec<(String, String)>> {
    Ok(calls::editions(&app.db)
        .await?
        .into_iter()
        .map(|e| {
            let name = e.name(lang);
            (e.slug, name)
        })
        .collect())
}

/// `GET /admin/editions/{edition}/statistics`: every figure, for the edition's organisers.
pub(super) async fn edition_page(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, .. }: OrganisedEdition,
) -> AppResult<Response> {
    let tables = edition_tables(&app, &edition).await?;
    let title = ctx.t_args("stats-edition-title", "edition", edition.name(ctx.lang));
    let files = format!("/admin/editions/{}/statistics", edition.slug);
    let mut page = page(ctx, title, &tables, false, files);
    page.other_version = Some(format!("/statistics/{}", edition.slug));
    render(&page)
}

/// `GET /admin/statistics`: every edition and the directory, for moderators.
pub(super) async fn all_page(
    State(app): State<AppState>,
    ctx: Ctx,
    Moderator(_): Moderator,
) -> AppResult<Response> {
    let tables = all_tables(&app).await?;
    let title = ctx.t("stats-all-title");
    let editions = edition_names(&app, ctx.lang).await?;
    let mut page = page(ctx, title, &tables, false, "/admin/statistics".into());
    page.other_version = Some("/statistics".into());
    page.editions = editions;
    render(&page)
}

/// `GET /statistics` and `GET /statistics/{scope}`: the public version.
async fn public_page_of(app: &AppState, ctx: Ctx, scope: &str) -> AppResult<Response> {
    let tables = public_tables(app, scope).await?.ok_or(AppError::NotFound)?;
    let title = if scope == "all" {
        ctx.t("stats-all-title")
    } else {
        let edition = calls::edition_by_slug(&app.db, scope)
            .await?
            .ok_or(AppError::NotFound)?;
        ctx.t_args("stats-edition-title", "edition", edition.name(ctx.lang))
    };
    let editions = edition_names(app, ctx.lang).await?;
    let mut page = page(ctx, title, &tables, true, format!("/statistics/{scope}"));
    page.editions = editions;
    let valid_until = app.now_ms() + PUBLIC_FOR_MS;
    Ok(public_page(render(&page)?, Some(valid_until)))
}

pub(super) async fn public_all(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    public_page_of(&app, ctx, "all").await
}

pub(super) async fn public_scope(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(scope): Path<String>,
) -> AppResult<Response> {
    public_page_of(&app, ctx, &scope).await
}

/// One table as CSV or XLSX: `{table}.csv` or `{table}.xlsx`.
fn table_file(
    lang: Lang,
    tables: &[Table],
    public: bool,
    scope: &str,
    file: &str,
) -> AppResult<Response> {
    let (key, ext) = file.rsplit_once('.').ok_or(AppError::NotFound)?;
    let table = tables
        .iter()
        .find(|t| t.key == key)
        .ok_or(AppError::NotFound)?;
    let hidden = tr(lang, "stats-hidden");
    let mut headers = vec!["code".to_owned(), tr(lang, table.row_header_key())];
    headers.extend(table.columns.iter().map(|c| tr(lang, rules::column_key(c))));
    let rows = table
        .rows
        .iter()
        .zip(table.shown(public))
        .map(|(head, cells)| {
            let mut row = vec![
                Cell::Text(head.code.clone()),
                Cell::Text(label(lang, &head.label)),
            ];
            row.extend(cells.into_iter().map(|cell| {
                cell.map_or_else(|| Cell::Text(hidden.clone()), |n| Cell::Number(n as f64))
            }));
            row
        })
        .collect();
    let data = export::Table { headers, rows };
    let (bytes, kind) = match ext {
        "csv" => (
            export::to_csv(&data).map_err(|e| AppError::Internal(e.to_string()))?,
            "text/csv; charset=utf-8",
        ),
        "xlsx" => (
            export::to_xlsx(&data, key).map_err(|e| AppError::Internal(e.to_string()))?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        _ => return Err(AppError::NotFound),
    };
    let name = format!("statistics-{scope}-{key}.{ext}");
    let cache = if public {
        "public, max-age=300"
    } else {
        "private, no-store"
    };
    Ok((
        [
            (CONTENT_TYPE, kind.to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (CACHE_CONTROL, cache.to_owned()),
        ],
        bytes,
    )
        .into_response())
}

/// `GET /admin/editions/{edition}/statistics/{file}`
pub(super) async fn edition_file(
    State(app): State<AppState>,
    ctx: Ctx,
    OrganisedEdition { edition, .. }: OrganisedEdition,
    Path((_, file)): Path<(String, String)>,
) -> AppResult<Response> {
    let tables = edition_tables(&app, &edition).await?;
    table_file(ctx.lang, &tables, false, &edition.slug, &file)
}

/// `GET /admin/statistics/{file}`
pub(super) async fn all_file(
    State(app): State<AppState>,
    ctx: Ctx,
    Moderator(_): Moderator,
    Path(file): Path<String>,
) -> AppResult<Response> {
    let tables = all_tables(&app).await?;
    table_file(ctx.lang, &tables, false, "all", &file)
}

/// `GET /statistics/{scope}/{file}`: a public table.
pub(super) async fn public_file(
    State(app): State<AppState>,
    ctx: Ctx,
    Path((scope, file)): Path<(String, String)>,
) -> AppResult<Response> {
    let tables = public_tables(&app, &scope)
        .await?
        .ok_or(AppError::NotFound)?;
    table_file(ctx.lang, &tables, true, &scope, &file)
}
