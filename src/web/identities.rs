//! The identities pages show, cached by public content version. They are read by the
//! `identity` area's loader, handed over when the state is built (`web` does not depend on
//! the areas whose pages it serves).

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, RwLock};

use crate::db::{Db, DbResult};
use crate::domain::identity::Identities;
use crate::web::public_cache::PublicCache;

/// Reads every identity from the database (see `identity::queries::load_all`).
pub type Loader =
    for<'a> fn(&'a Db) -> Pin<Box<dyn Future<Output = DbResult<Identities>> + Send + 'a>>;

/// The identities as of the public content version (identity writes bump it): read again
/// only when that version moved, so a page costs no query for them.
pub struct IdentityCache {
    current: RwLock<Option<(i64, Arc<Identities>)>>,
    load: Loader,
}

impl IdentityCache {
    pub fn new(load: Loader) -> IdentityCache {
        IdentityCache {
            current: RwLock::default(),
            load,
        }
    }

    pub async fn get(&self, db: &Db, public_cache: &PublicCache) -> Arc<Identities> {
        let version = public_cache.current_version(db).await;
        let cached = self
            .current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if let (Some((at, identities)), Some(version)) = (&cached, version) {
            if *at == version {
                return identities.clone();
            }
        }
        match ((self.load)(db).await, version) {
            (Ok(identities), Some(version)) => {
                let identities = Arc::new(identities);
                *self.current.write().unwrap_or_else(|e| e.into_inner()) =
                    Some((version, identities.clone()));
                identities
            }
            (Ok(identities), None) => Arc::new(identities),
            (Err(error), _) => {
                tracing::warn!(%error, "cannot read the identity; showing the last one known");
                cached.map(|(_, i)| i).unwrap_or_default()
            }
        }
    }
}
