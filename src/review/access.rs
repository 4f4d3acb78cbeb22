//! What panel members may read of a dossier beyond its answers: its files, while it is
//! assigned to them in a round under way — never ID documents, and in blind mode nothing
//! the form marks personal.

use crate::db::{Db, DbResult};
use crate::run;

/// Whether `user_id` reviews or judges `application_id` in a round that has started, and
/// whether the strictest such round is blind.
pub async fn panel_access(db: &Db, user_id: i64, application_id: i64) -> DbResult<Option<bool>> {
    let sql = "SELECT r.blind FROM assignments x JOIN review_rounds r ON r.id = x.round_id \
               WHERE x.reviewer_id = $1 AND x.application_id = $2 AND r.status <> 'setup'";
    let blind: Vec<bool> = run!(db, |pool| sqlx::query_scalar(sql)
        .bind(user_id)
        .bind(application_id)
        .fetch_all(pool)
        .await)?;
    Ok(if blind.is_empty() {
        None
    } else {
        Some(blind.into_iter().any(|b| b))
    })
}

/// A file a panel member may open: not an ID document, and not personal in a blind round.
pub fn may_open_file(blind: bool, id_document: bool, personal_field: bool) -> bool {
    !id_document && (!blind || !personal_field)
}

#[cfg(test)]
mod tests {
    use super::may_open_file;

    #[test]
    fn id_documents_are_never_for_panels_and_personal_files_not_in_blind_rounds() {
        assert!(may_open_file(false, false, false));
        assert!(may_open_file(true, false, false));
        assert!(may_open_file(false, false, true));
        assert!(!may_open_file(true, false, true));
        assert!(!may_open_file(false, true, false));
        assert!(!may_open_file(true, true, true));
    }
}
