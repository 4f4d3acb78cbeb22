//! The final before the jury: settings, the pitch schedule and timers, the jurors' progress,
//! the deliberation and the publication of the results.

mod deliberation;
mod pages;
mod progress;
mod queries;

pub use deliberation::{deliberate, render_deliberation, DeliberationState};
pub use pages::router;
