//! Assembling and running the server: database, storage, notification worker, HTTP.

use std::net::SocketAddr;
use std::sync::Arc;

use object_store::local::LocalFileSystem;
use object_store::ObjectStore;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::clock::Clock;
use crate::config::{Config, StorageConfig};
use crate::crypto::ServerKey;
use crate::db::Db;
use crate::web::identities::IdentityCache;
use crate::web::state::AppState;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
    #[error("storage: {0}")]
    Storage(#[from] object_store::Error),
    #[error("cannot create {0}: {1}")]
    Dir(String, std::io::Error),
    #[error("cannot listen on {0}: {1}")]
    Listen(SocketAddr, std::io::Error),
    #[error(
        "another kene process is already serving the data directory {0} (it holds {1}); \
         stop it first, or give this one another --data-dir"
    )]
    DataDirInUse(String, String),
    #[error("cannot lock {0}: {1}")]
    Lock(String, std::io::Error),
    #[error("server key: {0}")]
    ServerKey(String),
}

/// Held while a server runs on a SQLite database: two servers on one SQLite file would each
/// keep their own caches and fight for its single writer, so the second one is refused. The
/// lock is the operating system's (released when the process dies, even by `kill -9`), on a
/// file in the data directory; PostgreSQL needs none.
pub struct DataDirLock {
    /// Kept open: closing it releases the lock.
    _file: Option<std::fs::File>,
}

impl DataDirLock {
    /// True when this process alone uses the data (SQLite, lock taken); false on PostgreSQL,
    /// where other instances may share the database.
    pub fn is_held(&self) -> bool {
        self._file.is_some()
    }

    pub fn acquire(config: &Config) -> Result<DataDirLock, StartError> {
        if !config.database_url().starts_with("sqlite:") {
            return Ok(DataDirLock { _file: None });
        }
        std::fs::create_dir_all(&config.data_dir)
            .map_err(|e| StartError::Dir(config.data_dir.display().to_string(), e))?;
        let path = config.data_dir.join("kene.lock");
        let shown = path.display().to_string();
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| StartError::Lock(shown.clone(), e))?;
        match file.try_lock() {
            Ok(()) => Ok(DataDirLock { _file: Some(file) }),
            Err(std::fs::TryLockError::WouldBlock) => Err(StartError::DataDirInUse(
                config.data_dir.display().to_string(),
                shown,
            )),
            Err(std::fs::TryLockError::Error(e)) => Err(StartError::Lock(shown, e)),
        }
    }
}

pub fn open_store(config: &Config) -> Result<Arc<dyn ObjectStore>, StartError> {
    Ok(match &config.storage {
        StorageConfig::Local { path } => {
            let dir = path
                .clone()
                .unwrap_or_else(|| config.data_dir.join("files"));
            std::fs::create_dir_all(&dir)
                .map_err(|e| StartError::Dir(dir.display().to_string(), e))?;
            Arc::new(LocalFileSystem::new_with_prefix(&dir)?)
        }
        StorageConfig::S3 {
            bucket,
            endpoint,
            region,
            access_key_id,
            secret_access_key,
            allow_http,
        } => {
            let mut builder = object_store::aws::AmazonS3Builder::from_env()
                .with_bucket_name(bucket)
                .with_allow_http(*allow_http);
            if let Some(endpoint) = endpoint {
                builder = builder
                    .with_endpoint(endpoint)
                    .with_virtual_hosted_style_request(false);
            }
            if let Some(region) = region {
                builder = builder.with_region(region);
            }
            if let Some(key) = access_key_id {
                builder = builder.with_access_key_id(key);
            }
            if let Some(secret) = secret_access_key {
                builder = builder.with_secret_access_key(secret);
            }
            Arc::new(builder.build()?)
        }
    })
}

/// Opens the database (running migrations) and storage, ready to serve.
pub async fn prepare(config: Config, clock: Arc<dyn Clock>) -> Result<AppState, StartError> {
    std::fs::create_dir_all(&config.data_dir)
        .map_err(|e| StartError::Dir(config.data_dir.display().to_string(), e))?;
    let db = Db::connect(&config.database_url(), config.db_max_connections).await?;
    let repaired = crate::applications::restore_submitted_versions(&db, clock.now_ms()).await?;
    if repaired > 0 {
        tracing::warn!(
            repaired,
            "edits made after a submission moved to pending drafts"
        );
    }
    let store = open_store(&config)?;
    let server_key = Arc::new(server_key(&config)?);
    Ok(AppState {
        db,
        config: Arc::new(config),
        clock,
        store,
        outbox_wake: Arc::new(Notify::new()),
        metrics: Arc::default(),
        public_cache: Arc::default(),
        identity: Arc::new(IdentityCache::new(crate::identity::queries::load_all_boxed)),
        live: Arc::default(),
        server_key,
        api_limit: Arc::default(),
        progress: Arc::default(),
    })
}

/// The configured key, else the one kept in the data directory (made on first start, readable
/// by the server's user only).
fn server_key(config: &Config) -> Result<ServerKey, StartError> {
    let bad = |what: String| StartError::ServerKey(what);
    if let Some(hex) = &config.server_key {
        return ServerKey::from_hex(hex)
            .ok_or_else(|| bad("KENE_SERVER_KEY is not 64 hex digits".into()));
    }
    let path = config.data_dir.join("server.key");
    match std::fs::read_to_string(&path) {
        Ok(text) => ServerKey::from_hex(&text)
            .ok_or_else(|| bad(format!("{} is not 64 hex digits", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            use std::io::Write;
            use std::os::unix::fs::OpenOptionsExt;
            let key = ServerKey::random();
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&path)
                .map_err(|e| bad(format!("cannot create {}: {e}", path.display())))?;
            file.write_all(key.to_hex().as_bytes())
                .map_err(|e| bad(format!("cannot write {}: {e}", path.display())))?;
            Ok(key)
        }
        Err(e) => Err(bad(format!("cannot read {}: {e}", path.display()))),
    }
}

/// A server running in the background (used by `kene serve`, `kene demo` and the tests).
pub struct RunningServer {
    pub addr: SocketAddr,
    pub state: AppState,
    shutdown: CancellationToken,
    server: JoinHandle<()>,
    worker: JoinHandle<()>,
    retention: JoinHandle<()>,
    _data_lock: DataDirLock,
}

impl RunningServer {
    /// Takes the data directory's lock, then starts.
    pub async fn start(state: AppState, addr: SocketAddr) -> Result<RunningServer, StartError> {
        let data_lock = DataDirLock::acquire(&state.config)?;
        RunningServer::start_holding(state, addr, data_lock).await
    }

    /// Starts with the lock the caller took before preparing the data (so that a second
    /// process is refused before it migrates or seeds anything).
    pub async fn start_holding(
        state: AppState,
        addr: SocketAddr,
        data_lock: DataDirLock,
    ) -> Result<RunningServer, StartError> {
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|e| StartError::Listen(addr, e))?;
        let addr = listener
            .local_addr()
            .map_err(|e| StartError::Listen(addr, e))?;
        let shutdown = CancellationToken::new();
        let stop = shutdown.clone();
        let worker = crate::notifications::worker::spawn_worker(
            state.db.clone(),
            state.clock.clone(),
            state.config.notifications.clone(),
            state.outbox_wake.clone(),
            shutdown.clone(),
            data_lock.is_held(),
        );
        let retention = crate::personal_data::retention::spawn(state.clone(), shutdown.clone());
        // The public cache answers before the router (see `web::public_cache`).
        let site = crate::web::public_cache::layer::CachedSite::new(
            state.clone(),
            crate::site::router(state.clone()),
        );
        let server = tokio::spawn(async move {
            let service =
                axum::ServiceExt::<axum::extract::Request>::into_make_service_with_connect_info::<
                    SocketAddr,
                >(site);
            let result = axum::serve(listener, service)
                .with_graceful_shutdown(async move { stop.cancelled().await })
                .await;
            if let Err(error) = result {
                tracing::error!(%error, "server stopped with an error");
            }
        });
        tracing::info!(%addr, "listening");
        Ok(RunningServer {
            addr,
            state,
            shutdown,
            server,
            worker,
            retention,
            _data_lock: data_lock,
        })
    }

    /// Stops accepting connections, lets requests in flight finish, stops the worker.
    pub async fn stop(self) {
        self.shutdown.cancel();
        // Live streams never end by themselves: closed, or the graceful stop would wait.
        self.state.live.close();
        let _ = self.server.await;
        let _ = self.worker.await;
        let _ = self.retention.await;
        self.state.db.close().await;
    }

    /// Runs until SIGTERM or Ctrl-C, then stops gracefully.
    pub async fn run_until_signal(self) {
        shutdown_signal().await;
        tracing::info!("shutting down");
        self.stop().await;
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
