//! The ecosystem database's directory: the sector's actors (start-ups, SMEs, incubators,
//! investors, civil society, public services, universities, partners, media), kept from one
//! edition to the next. Actors register their own profile, which organisers publish; anyone
//! searches the published ones (accent-insensitive, with filters, without JavaScript).
//!
//! Layout: `taxonomy` and `rules` (pure: closed lists, checks, folding), `public` (what anyone
//! may see of a profile), `queries`, `actions` (the writes), `pages`, `demo`; `import` (pure: reading a CSV/XLSX
//! file into profiles and skipped rows) and `import_pages` (preview, progress, report);
//! `duplicates` (pure: suggestions and what a merge keeps) and `merge_pages`;
//! `from_application` (pure: a profile pre-filled from an application, with consent).

pub mod access;
pub mod actions;
pub mod demo;
pub mod duplicates;
pub mod from_application;
pub mod import;
mod import_pages;
pub mod logo;
mod merge_pages;
mod pages;
pub mod public;
pub mod queries;
pub mod rules;
pub mod search;
pub mod taxonomy;

use axum::routing::{get, post};
use axum::Router;

use crate::web::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/directory", get(pages::list))
        .route("/directory/new", get(pages::new_form).post(pages::create))
        .route("/directory/mine", get(pages::mine))
        .route("/directory/{actor}", get(pages::profile))
        .route("/directory/{actor}/contact", post(pages::contact))
        .route("/directory/{actor}/logo", post(pages::logo))
        .route("/directory/{actor}/{file}", get(pages::logo_file))
        .route(
            "/directory/{actor}/edit",
            get(pages::edit_form).post(pages::save),
        )
        .route("/admin/directory", get(pages::moderation))
        .route("/admin/directory/{actor}", post(pages::decide))
        .route(
            "/admin/directory/duplicates",
            get(merge_pages::list).post(merge_pages::merge),
        )
        .route(
            "/admin/directory/import",
            get(import_pages::form).post(import_pages::upload),
        )
        .route(
            "/admin/directory/import/template.csv",
            get(import_pages::template),
        )
        .route(
            "/admin/directory/imports/{import}",
            get(import_pages::status),
        )
        .route(
            "/admin/directory/imports/{import}/apply",
            post(import_pages::apply),
        )
        .route(
            "/admin/directory/imports/{import}/cancel",
            post(import_pages::cancel),
        )
        .route(
            "/admin/directory/imports/{import}/{file}",
            get(import_pages::report),
        )
}
