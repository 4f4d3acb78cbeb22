//! The shortlist: the cut proposed from the preselection's ranking, changes with their
//! justification, the lock, and the finalists' page and messages once it is published.

pub mod actions;
mod pages;
pub mod queries;

pub use pages::router;
