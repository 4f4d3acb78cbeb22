//! Scoring: each reviewer's queue, the score form of a dossier (blind where the round says
//! so), conflicts of interest declared by the reviewer, and the panel view of a final.

pub mod actions;
mod pages;

pub use pages::router;
