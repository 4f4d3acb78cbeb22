//! The selection's rules: rubrics and score sheets, assignment of dossiers to reviewers,
//! normalisation and ranking, the shortlist's cut and the prizes' attribution.
//!
//! Everything here is pure and deterministic (no I/O, no clock, no randomness), so it is
//! unit- and property-tested on its own; the stages around it load the data, call these
//! functions and store the results.

pub mod assignment;
pub mod prizes;
pub mod ranking;
pub mod rubric;
pub mod shortlist;
