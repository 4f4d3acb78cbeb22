//! Selection process of the competition: rubrics and scores, assignment of
//! dossiers to reviewers, normalisation and ranking, shortlist proposal and
//! prize deliberation.
//!
//! Everything in these modules is pure and deterministic (no I/O, no clock,
//! no randomness), so it is unit- and property-tested on its own; the routes
//! and queries around it load the data, call these functions and store the
//! results.

// The shared core: pure rules, then what every stage reads.
pub mod names;
pub mod publication;
pub mod queries;
pub mod round;
pub mod rules;
pub mod ties;

// The stages, in the order a competition goes through them; none imports another.
pub mod committee;
pub mod jury;
pub mod results;
pub mod scoring;
pub mod shortlist;

pub mod demo;
