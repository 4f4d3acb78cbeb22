//! Arranging a test as organisers would: each builder writes through Kènè's own use cases (the
//! functions the pages call), so what a test starts from has the audit entries and rows of the
//! real thing, never a hand-written `INSERT`.

use kene::calls::queries::{edition_by_slug, EditionRow};
use kene::review::shortlist::actions as shortlist;
use kene::review::shortlist::queries::ensure_shortlist;

use super::TestApp;

/// A shortlist of an edition whose shortlist is still a draft (or absent): the dossiers given,
/// in this order, proposed and, when asked, locked, by the installation's administrator.
pub struct ShortlistBuilder {
    edition: String,
    dossiers: Vec<String>,
    locked: bool,
}

impl ShortlistBuilder {
    /// The shortlist of the edition `slug`.
    pub fn of(slug: &str) -> ShortlistBuilder {
        ShortlistBuilder {
            edition: slug.to_owned(),
            dossiers: Vec::new(),
            locked: false,
        }
    }

    /// Adds the dossier `public_id` after those already given.
    pub fn with(mut self, public_id: &str) -> ShortlistBuilder {
        self.dossiers.push(public_id.to_owned());
        self
    }

    /// Locks the shortlist once proposed.
    pub fn locked(mut self) -> ShortlistBuilder {
        self.locked = true;
        self
    }

    /// Writes it; panics (failing the test) if Kènè refuses.
    pub async fn build(self, app: &TestApp) {
        let db = app.db();
        let edition: EditionRow = edition_by_slug(db, &self.edition)
            .await
            .expect("read the edition")
            .expect("the edition exists");
        ensure_shortlist(db, edition.id).await.expect("a shortlist");
        let mut ids = Vec::with_capacity(self.dossiers.len());
        for public_id in &self.dossiers {
            let sql = "SELECT CAST(id AS TEXT) FROM applications WHERE public_id = $1";
            let id = app.strings_with(sql, public_id).await.remove(0);
            ids.push(id.parse::<i64>().expect("an id"));
        }
        let admin = app
            .scalar_i64("SELECT CAST(MIN(id) AS BIGINT) FROM users WHERE is_admin")
            .await;
        let now = app.state.now_ms();
        let mut tx = db.begin().await.expect("begin");
        shortlist::propose(&mut tx, &edition, &ids, ids.len(), admin, now)
            .await
            .expect("propose")
            .expect("a draft shortlist");
        tx.commit().await.expect("commit");
        if self.locked {
            lock_shortlist(app, &self.edition).await;
        }
    }
}

/// Locks the draft shortlist of the edition `slug` as it stands, as an organiser does.
pub async fn lock_shortlist(app: &TestApp, slug: &str) {
    let db = app.db();
    let edition = edition_by_slug(db, slug)
        .await
        .expect("read the edition")
        .expect("the edition exists");
    let sql = "SELECT CAST(application_id AS TEXT) FROM shortlist_entries \
               WHERE edition_id = (SELECT id FROM editions WHERE slug = $1) ORDER BY position";
    let ids: Vec<i64> = app
        .strings_with(sql, slug)
        .await
        .iter()
        .map(|id| id.parse().expect("an id"))
        .collect();
    let admin = app
        .scalar_i64("SELECT CAST(MIN(id) AS BIGINT) FROM users WHERE is_admin")
        .await;
    let mut tx = db.begin().await.expect("begin");
    let no_ties: [(); 0] = [];
    shortlist::lock(
        &mut tx,
        &edition,
        &ids,
        &no_ties,
        false,
        admin,
        app.state.now_ms(),
    )
    .await
    .expect("lock")
    .expect("a draft shortlist with finalists");
    tx.commit().await.expect("commit");
}
