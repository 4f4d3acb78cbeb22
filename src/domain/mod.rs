//! Pure domain logic: value types, countries, form definitions and answers,
//! eligibility rules. No I/O here.

pub mod country;
pub mod eligibility;
pub mod form;
pub mod identity;
pub mod sector;
pub mod seed_forms;
pub mod track;
pub mod types;
