//! Configuration: an optional TOML file, then `KENE_*` environment variables.

pub mod notifications;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use self::notifications::NotifyConfig;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address the HTTP server listens on.
    pub addr: SocketAddr,
    /// Where the SQLite database and uploaded files live by default.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; defaults to `<data_dir>/kene.db`.
    pub database_url: Option<String>,
    pub db_max_connections: u32,
    /// Public origin, e.g. `https://semaine.example.ml`; used for the `Origin` check and links.
    pub public_url: Option<String>,
    /// Mark cookies `Secure` (set when served over TLS behind a reverse proxy).
    pub secure_cookies: bool,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted reverse proxy).
    pub trust_proxy: bool,
    /// Bearer token that `/metrics` requires; without one, `/metrics` is not served.
    pub metrics_token: Option<String>,
    /// The key of the CTF's keyed flag hashes (64 hex digits); default: made once and kept in
    /// `<data_dir>/server.key`. Several instances must share it.
    pub server_key: Option<String>,
    pub storage: StorageConfig,
    pub notifications: NotifyConfig,
    pub limits: Limits,
    pub retention: Retention,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Retention {
    /// Months after an edition's first results publication at which its applicants' ID
    /// documents are deleted (the selection may be contested until then, not later).
    pub id_document_months: u32,
}

impl Default for Retention {
    fn default() -> Self {
        Retention {
            id_document_months: 6,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum StorageConfig {
    /// Files under a local directory (default: `<data_dir>/files`).
    Local { path: Option<PathBuf> },
    /// An S3-compatible bucket.
    S3 {
        bucket: String,
        endpoint: Option<String>,
        region: Option<String>,
        access_key_id: Option<String>,
        secret_access_key: Option<String>,
        #[serde(default)]
        allow_http: bool,
    },
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Failed password logins on one account after which each attempt waits (5 s, doubling up
    /// to 15 minutes). Successful logins never count.
    pub login_per_account: i64,
    /// Login attempts per client address per 15 minutes.
    pub login_per_ip: i64,
    /// Verification codes sent per account per hour.
    pub codes_per_account: i64,
    /// Verification codes sent per client address per hour.
    pub codes_per_ip: i64,
    /// Largest request body accepted, uploads included.
    pub max_request_bytes: usize,
    /// Requests per client address and minute to the open-data API (`/api/v1/…`).
    pub api_per_minute: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            login_per_account: 5,
            login_per_ip: 60,
            codes_per_account: 5,
            codes_per_ip: 30,
            max_request_bytes: 25 * 1024 * 1024,
            api_per_minute: 120,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("kene-data"),
            database_url: None,
            db_max_connections: 8,
            public_url: None,
            secure_cookies: false,
            trust_proxy: false,
            metrics_token: None,
            server_key: None,
            storage: StorageConfig::Local { path: None },
            notifications: NotifyConfig::default(),
            limits: Limits::default(),
            retention: Retention::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid configuration file {path}: {source}")]
    Parse {
        path: PathBuf,
        source: toml::de::Error,
    },
    #[error("invalid value for {var}: {value}")]
    Env { var: &'static str, value: String },
}

impl Config {
    /// Reads the TOML file (if any) and applies `KENE_*` environment variables on top.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        let mut config = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.to_owned(),
                    source,
                })?;
                toml::from_str(&text).map_err(|source| ConfigError::Parse {
                    path: path.to_owned(),
                    source,
                })?
            }
            None => Config::default(),
        };
        config.apply_env(|name| std::env::var(name).ok())?;
        Ok(config)
    }

    fn apply_env(&mut self, var: impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        fn parsed<T: std::str::FromStr>(
            var: &'static str,
            value: String,
        ) -> Result<T, ConfigError> {
            value.parse().map_err(|_| ConfigError::Env { var, value })
        }
        if let Some(v) = var("KENE_ADDR") {
            self.addr = parsed("KENE_ADDR", v)?;
        }
        if let Some(v) = var("KENE_DATA_DIR") {
            self.data_dir = PathBuf::from(v);
        }
        if let Some(v) = var("KENE_DATABASE_URL") {
            self.database_url = Some(v);
        }
        if let Some(v) = var("KENE_DB_MAX_CONNECTIONS") {
            self.db_max_connections = parsed("KENE_DB_MAX_CONNECTIONS", v)?;
        }
        if let Some(v) = var("KENE_PUBLIC_URL") {
            self.public_url = Some(v);
        }
        if let Some(v) = var("KENE_SECURE_COOKIES") {
            self.secure_cookies = parsed("KENE_SECURE_COOKIES", v)?;
        }
        if let Some(v) = var("KENE_TRUST_PROXY") {
            self.trust_proxy = parsed("KENE_TRUST_PROXY", v)?;
        }
        if let Some(v) = var("KENE_METRICS_TOKEN") {
            self.metrics_token = Some(v).filter(|t| !t.is_empty());
        }
        if let Some(v) = var("KENE_SERVER_KEY") {
            self.server_key = Some(v).filter(|k| !k.is_empty());
        }
        if let Some(v) = var("KENE_ID_DOCUMENT_RETENTION_MONTHS") {
            self.retention.id_document_months = parsed("KENE_ID_DOCUMENT_RETENTION_MONTHS", v)?;
        }
        if let Some(v) = var("KENE_LOGIN_PER_IP") {
            self.limits.login_per_ip = parsed("KENE_LOGIN_PER_IP", v)?;
        }
        if let Some(v) = var("KENE_CODES_PER_IP") {
            self.limits.codes_per_ip = parsed("KENE_CODES_PER_IP", v)?;
        }
        if let Some(host) = var("KENE_SMTP_HOST") {
            let port = match var("KENE_SMTP_PORT") {
                Some(v) => parsed("KENE_SMTP_PORT", v)?,
                None => 25,
            };
            self.notifications.smtp = Some(notifications::SmtpConfig {
                host,
                port,
                username: var("KENE_SMTP_USERNAME"),
                password: var("KENE_SMTP_PASSWORD"),
                from: var("KENE_SMTP_FROM").unwrap_or_else(|| "Kènè <no-reply@localhost>".into()),
                tls: match var("KENE_SMTP_TLS").as_deref() {
                    Some("starttls") => notifications::SmtpTls::StartTls,
                    Some("tls") => notifications::SmtpTls::Tls,
                    _ => notifications::SmtpTls::None,
                },
            });
        }
        if let Some(url) = var("KENE_SMS_URL") {
            self.notifications.sms = Some(notifications::SmsConfig {
                url,
                token: var("KENE_SMS_TOKEN"),
                sender: var("KENE_SMS_SENDER"),
            });
        }
        Ok(())
    }

    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}", self.data_dir.join("kene.db").display()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_file_parses() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("kene.example.toml");
        let config = Config::load(Some(&path)).expect("example configuration is valid");
        assert!(config.secure_cookies);
        assert!(config.notifications.smtp.is_some());
        assert!(matches!(config.storage, StorageConfig::Local { .. }));
    }

    #[test]
    fn environment_overrides_the_file() {
        let mut config = Config::default();
        let vars = |name: &str| match name {
            "KENE_DATABASE_URL" => Some("postgres://x@127.0.0.1/kene".to_owned()),
            "KENE_SMTP_HOST" => Some("mail.local".to_owned()),
            "KENE_SMTP_TLS" => Some("starttls".to_owned()),
            _ => None,
        };
        config.apply_env(vars).expect("valid variables");
        assert_eq!(config.database_url(), "postgres://x@127.0.0.1/kene");
        let smtp = config.notifications.smtp.expect("smtp configured");
        assert_eq!(smtp.host, "mail.local");
        assert_eq!(smtp.port, 25);
    }

    #[test]
    fn a_bad_variable_is_reported() {
        let mut config = Config::default();
        let error = config
            .apply_env(|name| (name == "KENE_ADDR").then(|| "not an address".to_owned()))
            .expect_err("invalid address");
        assert!(error.to_string().contains("KENE_ADDR"));
    }

    #[test]
    fn default_database_is_sqlite_in_the_data_dir() {
        let config = Config::default();
        assert_eq!(config.database_url(), "sqlite://kene-data/kene.db");
    }
}
