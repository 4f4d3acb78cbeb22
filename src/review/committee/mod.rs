//! The committee's round, as its organisers run it: settings, rubrics, the panel and the
//! assignment of dossiers, conflicts, reopened sheets, the round's status, and the ranking
//! with its exports.

mod pages;
mod panel;
mod ranking;
mod rubric;

pub use pages::router;
