//! No silent overwrite. Every organiser form that edits a stored row carries the version of
//! the row it was loaded from (hidden field `version`); the write is
//! `UPDATE … SET …, version = version + 1 WHERE … AND version = $n`, and when no row matched
//! the save is refused (409) with both versions on the page: what the user typed, kept in
//! the form, and what is stored now. The re-rendered form carries the stored version, so
//! saving again is a deliberate choice made after seeing the other version.

/// The version a form says it was loaded from. A missing or garbled field reads as 0, which
/// no stored row has (rows start at version 1): such a save over a stored row is refused,
/// never applied blind. Where nothing is stored yet (a rubric or jury settings still at their
/// defaults), pages show version 0 and the first save creates the row.
pub fn posted_version(input: &str) -> i64 {
    input.trim().parse().unwrap_or(0)
}

/// A refused save: the version stored now and what it holds (label → value), shown next to
/// the form that keeps what the user typed (`templates/edit_conflict.html`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleEdit {
    pub version: i64,
    pub stored: Vec<(String, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_number_is_a_version() {
        assert_eq!(posted_version(" 7 "), 7);
        assert_eq!(posted_version(""), 0);
        assert_eq!(posted_version("7a"), 0);
    }
}
