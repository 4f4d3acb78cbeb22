use std::sync::Arc;

use object_store::ObjectStore;
use tokio::sync::Notify;

use crate::clock::Clock;
use crate::config::Config;
use crate::db::Db;

/// Everything a handler may need; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub clock: Arc<dyn Clock>,
    pub store: Arc<dyn ObjectStore>,
    /// Wakes the notification worker after an outbox row is committed.
    pub outbox_wake: Arc<Notify>,
    pub metrics: crate::web::metrics::SharedMetrics,
    pub public_cache: Arc<crate::web::public_cache::PublicCache>,
    pub identity: Arc<crate::web::identities::IdentityCache>,
    /// Live pages' channels (the questions of a session).
    pub live: Arc<crate::web::live::Live>,
    /// The key of keyed hashes (the CTF's flags), never stored in the database.
    pub server_key: Arc<crate::crypto::ServerKey>,
    /// Requests per client and minute to the open-data API.
    pub api_limit: Arc<crate::web::rate::PerMinute>,
    /// Work that outlives its request (bulk imports), for its progress bar.
    pub progress: Arc<crate::web::progress::Progress>,
}

impl AppState {
    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// The identities pages show, as of the public content version.
    pub async fn identities(&self) -> Arc<crate::domain::identity::Identities> {
        self.identity.get(&self.db, &self.public_cache).await
    }
}
