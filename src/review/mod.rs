//! Selection process of the competition: rubrics and scores, assignment of
//! dossiers to reviewers, normalisation and ranking, shortlist proposal and
//! prize deliberation.
//!
//! Everything in these modules is pure and deterministic (no I/O, no clock,
//! no randomness), so it is unit- and property-tested on its own; the routes
//! and queries around it load the data, call these functions and store the
//! results.

pub mod assignment;
pub mod prizes;
pub mod ranking;
pub mod rubric;
pub mod shortlist;
pub mod ties;

pub mod access;
pub mod admin;
pub mod certificate_pdf;
pub mod demo;
pub mod finalists;
pub mod jury;
pub mod queries;
pub mod results;
pub mod routes;
