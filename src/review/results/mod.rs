//! The results as citizens see them: the laureates and the history of corrections, the
//! pitches' programme, each laureate's certificate (page and PDF) and its public check.

pub mod certificate_pdf;
mod pages;

pub use pages::router;
