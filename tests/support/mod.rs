//! Test harness: a real Kènè server on a random loopback port, against a fresh SQLite file or
//! a fresh PostgreSQL database, with a manual clock, an SMTP sink and an SMS recorder, and an
//! HTTP client with a cookie jar that does not follow redirects (so tests can assert them).
#![allow(dead_code)]

pub mod builders;
pub mod process;
pub mod sinks;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::Timestamp;
use kene::app::RunningServer;
use kene::clock::ManualClock;
use kene::config::notifications::{SmsConfig, SmtpConfig, SmtpTls};
use kene::config::Config;
use kene::db::Db;
use kene::web::state::AppState;
use reqwest::cookie::{CookieStore, Jar};
use reqwest::header::{HeaderMap, LOCATION};
use reqwest::StatusCode;

use self::sinks::{SmsRecorder, SmtpSink};

/// Generates one `#[tokio::test]` per database for `async fn $name(backend: Backend)`:
/// `$name::sqlite` and `$name::postgres` (a module next to the function, so no
/// identifier-pasting crate is needed; `cargo test postgres` selects every PostgreSQL run).
#[macro_export]
macro_rules! both_dbs {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::support::Backend::Sqlite).await
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::support::Backend::Postgres).await
                }
            }
        )+
    };
}

/// The two backends every integration test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The instant every test starts at (the demo's 2027 call opens at this instant).
pub fn start_instant() -> Timestamp {
    "2026-11-02T09:00:00Z".parse().expect("valid start instant")
}

mod databases;
pub use databases::{create_pg_database, drop_pg_database};

/// A running server and everything around it.
pub struct TestApp {
    pub backend: Backend,
    pub addr: std::net::SocketAddr,
    pub base: url::Url,
    pub state: AppState,
    pub clock: ManualClock,
    pub smtp: SmtpSink,
    pub sms: SmsRecorder,
    pub data_dir: PathBuf,
    server: Option<RunningServer>,
    pg_database: Option<String>,
    _tmp: tempfile::TempDir,
}

impl TestApp {
    pub async fn start(backend: Backend) -> TestApp {
        Self::start_with(backend, |_| {}).await
    }

    /// Starts a server after letting the test adjust the configuration.
    pub async fn start_with(backend: Backend, adjust: impl FnOnce(&mut Config)) -> TestApp {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_env("KENE_TEST_LOG")
                    .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
            )
            .with_test_writer()
            .try_init();
        let tmp = tempfile::tempdir().expect("temporary directory");
        let data_dir = tmp.path().join("data");
        let (smtp_port, smtp) = sinks::start_smtp_sink().await;
        let (sms_url, sms) = sinks::start_sms_recorder().await;
        let (database_url, pg_database) = match backend {
            Backend::Sqlite => (
                format!("sqlite://{}", tmp.path().join("kene.db").display()),
                None,
            ),
            Backend::Postgres => {
                let (url, name) = create_pg_database().await;
                (url, Some(name))
            }
        };
        let mut config = Config {
            data_dir: data_dir.clone(),
            database_url: Some(database_url),
            // KENE_TEST_DB_MAX_CONNECTIONS=1 finds any path that holds a connection (an open
            // transaction) while asking the pool for another: it then times out.
            db_max_connections: std::env::var("KENE_TEST_DB_MAX_CONNECTIONS")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(4),
            ..Config::default()
        };
        config.notifications.smtp = Some(SmtpConfig {
            host: "127.0.0.1".into(),
            port: smtp_port,
            username: None,
            password: None,
            from: "Kènè <no-reply@kene.test>".into(),
            tls: SmtpTls::None,
        });
        config.notifications.sms = Some(SmsConfig {
            url: sms_url,
            token: Some("test-token".into()),
            sender: Some("KENE".into()),
        });
        adjust(&mut config);
        let clock = ManualClock::new(start_instant());
        let state = kene::app::prepare(config, Arc::new(clock.clone()))
            .await
            .expect("prepare the application (database, migrations, storage)");
        let server = RunningServer::start(state, "127.0.0.1:0".parse().expect("loopback address"))
            .await
            .expect("start the server");
        let addr = server.addr;
        let base = url::Url::parse(&format!("http://{addr}/")).expect("base URL");
        TestApp {
            backend,
            addr,
            base,
            state: server.state.clone(),
            clock,
            smtp,
            sms,
            data_dir,
            server: Some(server),
            pg_database,
            _tmp: tmp,
        }
    }

    /// A new visitor: its own cookie jar.
    pub fn client(&self) -> TestClient {
        TestClient::new(self.base.clone())
    }

    pub fn url(&self, path: &str) -> String {
        self.base.join(path).expect("valid path").to_string()
    }

    /// Seeds the demo's calls (2026 closed and not yet reviewed, 2027 open for 30 days from
    /// the clock's now) and returns the admin's login and password.
    pub async fn seed_demo(&self) -> (String, String) {
        let login = kene::demo::seed_with(&self.state, kene::demo::Scope::Calls)
            .await
            .expect("seed demo data");
        (login.email, login.password)
    }

    /// Stops the server (gracefully) and starts a new one on the same address, database and
    /// data directory, as after a deployment or a crash-free restart.
    pub async fn restart(&mut self) {
        self.stop_server().await;
        self.start_server().await;
    }

    /// Stops the server: its address stops answering (the network is down, for a phone).
    pub async fn stop_server(&mut self) {
        let server = self.server.take().expect("a running server");
        server.stop().await;
    }

    /// Starts the server again on the same address, database and data directory.
    pub async fn start_server(&mut self) {
        let config = (*self.state.config).clone();
        let state = kene::app::prepare(config, Arc::new(self.clock.clone()))
            .await
            .expect("prepare the application again");
        let server = RunningServer::start(state, self.addr)
            .await
            .expect("restart the server on the same address");
        self.state = server.state.clone();
        self.server = Some(server);
    }

    /// A second instance on the same database and data directory, as behind a load
    /// balancer: its own process state (caches), the same data.
    pub async fn start_peer(&self) -> Peer {
        let config = (*self.state.config).clone();
        let state = kene::app::prepare(config, Arc::new(self.clock.clone()))
            .await
            .expect("prepare the second instance");
        let server = RunningServer::start(state, "127.0.0.1:0".parse().expect("loopback address"))
            .await
            .expect("start the second instance");
        let base = url::Url::parse(&format!("http://{}/", server.addr)).expect("base URL");
        Peer { server, base }
    }

    /// Stops the server and drops the PostgreSQL database.
    pub async fn finish(mut self) {
        if let Some(server) = self.server.take() {
            server.stop().await;
        }
        if let Some(name) = self.pg_database.take() {
            drop_pg_database(&name).await;
        }
    }

    pub fn db(&self) -> &Db {
        &self.state.db
    }

    /// One BIGINT-compatible number (cast in SQL: `CAST(x AS BIGINT)`).
    pub async fn scalar_i64(&self, sql: &str) -> i64 {
        kene::run!(&self.state.db, |pool| sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(pool)
            .await)
        .unwrap_or_else(|e| panic!("query failed: {sql}: {e}"))
    }

    /// Runs one statement (arranging what no page does, e.g. erasing a text); rows changed.
    pub async fn exec(&self, sql: &str) -> u64 {
        kene::run!(&self.state.db, |pool| sqlx::query(sql)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))
        .unwrap_or_else(|e| panic!("statement failed: {sql}: {e}"))
    }

    /// One text column of every row.
    pub async fn strings(&self, sql: &str) -> Vec<String> {
        kene::run!(&self.state.db, |pool| sqlx::query_scalar::<_, String>(sql)
            .fetch_all(pool)
            .await)
        .unwrap_or_else(|e| panic!("query failed: {sql}: {e}"))
    }

    /// Same as [`TestApp::strings`] with one bound text parameter (`$1`).
    pub async fn strings_with(&self, sql: &str, arg: &str) -> Vec<String> {
        kene::run!(&self.state.db, |pool| sqlx::query_scalar::<_, String>(sql)
            .bind(arg)
            .fetch_all(pool)
            .await)
        .unwrap_or_else(|e| panic!("query failed: {sql}: {e}"))
    }

    pub async fn count(&self, table: &str) -> i64 {
        self.scalar_i64(&format!("SELECT CAST(COUNT(*) AS BIGINT) FROM {table}"))
            .await
    }

    /// Regular files under `data_dir/files` (uploads on local storage).
    pub fn stored_files(&self) -> Vec<PathBuf> {
        fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else {
                    out.push(path);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.data_dir.join("files"), &mut out);
        out
    }

    /// The latest message the outbox holds for `recipient` (body), if any.
    pub async fn outbox_body(&self, recipient: &str) -> Option<String> {
        self.strings_with(
            "SELECT body FROM outbox WHERE recipient = $1 ORDER BY id DESC",
            recipient,
        )
        .await
        .into_iter()
        .next()
    }

    /// Waits for an e-mail to `to` delivered to the SMTP sink whose body contains `needle`.
    pub async fn wait_mail(&self, to: &str, needle: &str) -> sinks::ReceivedMail {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(mail) = self
                .smtp
                .messages()
                .into_iter()
                .rev()
                .find(|m| m.rcpt_to.iter().any(|r| r == to) && m.body.contains(needle))
            {
                return mail;
            }
            if tokio::time::Instant::now() >= deadline {
                panic!(
                    "no e-mail to {to} containing {needle:?} reached the SMTP sink; got {:?}; outbox: {:?}",
                    self.smtp.messages().iter().map(|m| (&m.rcpt_to, &m.body)).collect::<Vec<_>>(),
                    self.outbox_body(to).await
                );
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits for an SMS to `to` (E.164) recorded by the gateway whose text contains `needle`.
    pub async fn wait_sms(&self, to: &str, needle: &str) -> String {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(text) = self.sms.requests().into_iter().rev().find_map(|r| {
                let text = r
                    .json
                    .get("text")
                    .and_then(|t| t.as_str())
                    .unwrap_or("")
                    .to_owned();
                (r.json.get("to").and_then(|t| t.as_str()) == Some(to) && text.contains(needle))
                    .then_some(text)
            }) {
                return text;
            }
            if tokio::time::Instant::now() >= deadline {
                panic!(
                    "no SMS to {to} containing {needle:?} reached the gateway; got {:?}; outbox: {:?}",
                    self.sms.requests().iter().map(|r| r.raw_body.clone()).collect::<Vec<_>>(),
                    self.outbox_body(to).await
                );
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The sinks this server's messages reach.
    pub fn inboxes(&self) -> Inboxes<'_> {
        Inboxes {
            smtp: &self.smtp,
            sms: &self.sms,
        }
    }

    /// See [`Inboxes::wait_code`].
    pub async fn wait_code(&self, login: &str, already_seen: usize) -> String {
        self.inboxes().wait_code(login, already_seen).await
    }

    /// See [`Inboxes::delivered_to`].
    pub fn delivered_to(&self, login: &str) -> usize {
        self.inboxes().delivered_to(login)
    }

    /// See [`Inboxes::signup_and_verify`].
    pub async fn signup_and_verify(
        &self,
        name: &str,
        login: &str,
        canonical: &str,
        password: &str,
    ) -> TestClient {
        self.inboxes()
            .signup_and_verify(self.client(), name, login, canonical, password)
            .await
    }

    /// Creates an administrator (organiser of the demo editions once seeded) and signs in.
    pub async fn admin_client(&self) -> TestClient {
        let (email, password) = self.seed_demo().await;
        let client = self.client();
        client.login(&email, &password).await;
        client
    }
}

/// The SMTP sink and SMS gateway recorder a server (in this process or another) sends to.
#[derive(Clone, Copy)]
pub struct Inboxes<'a> {
    pub smtp: &'a SmtpSink,
    pub sms: &'a SmsRecorder,
}

impl Inboxes<'_> {
    /// Waits for the latest verification/reset code sent to `login` (e-mail or +223… phone)
    /// through the real transports, and returns its 6 digits.
    pub async fn wait_code(&self, login: &str, already_seen: usize) -> String {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        loop {
            let bodies: Vec<String> = if login.contains('@') {
                self.smtp
                    .messages()
                    .into_iter()
                    .filter(|m| m.rcpt_to.iter().any(|r| r == login))
                    .map(|m| m.body)
                    .collect()
            } else {
                self.sms
                    .requests()
                    .into_iter()
                    .filter(|r| r.json.get("to").and_then(|t| t.as_str()) == Some(login))
                    .map(|r| {
                        r.json
                            .get("text")
                            .and_then(|t| t.as_str())
                            .unwrap_or("")
                            .to_owned()
                    })
                    .collect()
            };
            if bodies.len() > already_seen {
                if let Some(code) = bodies.last().and_then(|b| six_digits(b)) {
                    return code;
                }
            }
            if tokio::time::Instant::now() >= deadline {
                panic!("no code for {login} arrived (messages: {bodies:?})");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Number of messages delivered to `login` so far (to wait for the next one).
    pub fn delivered_to(&self, login: &str) -> usize {
        if login.contains('@') {
            self.smtp
                .messages()
                .iter()
                .filter(|m| m.rcpt_to.iter().any(|r| r == login))
                .count()
        } else {
            self.sms
                .requests()
                .iter()
                .filter(|r| r.json.get("to").and_then(|t| t.as_str()) == Some(login))
                .count()
        }
    }

    /// Signs a new account up through the pages and verifies it with the code that arrived by
    /// e-mail or SMS. `login` is what the user types; `canonical` is what messages go to
    /// (the e-mail, or the E.164 number). Returns a signed-in client.
    pub async fn signup_and_verify(
        &self,
        client: TestClient,
        name: &str,
        login: &str,
        canonical: &str,
        password: &str,
    ) -> TestClient {
        let page = client.get("/signup").await;
        assert_eq!(page.status, StatusCode::OK, "sign-up page");
        let seen = self.delivered_to(canonical);
        let page = client
            .post_form(
                "/signup",
                &[
                    ("display_name", name),
                    ("login", login),
                    ("password", password),
                    ("next", "/"),
                ],
            )
            .await;
        let verify_url = page.redirect_target().unwrap_or_else(|| {
            panic!(
                "sign-up should redirect to /verify, got {}: {}",
                page.status,
                page.text()
            )
        });
        assert!(verify_url.starts_with("/verify?login="), "{verify_url}");
        let page = client.get(&verify_url).await;
        assert_eq!(page.status, StatusCode::OK, "verify page");
        let login = query_param(&verify_url, "login").expect("login in the verify URL");
        let code = self.wait_code(canonical, seen).await;
        let page = client
            .post_form(
                "/verify",
                &[
                    ("login", login.as_str()),
                    ("code", code.as_str()),
                    ("next", "/"),
                ],
            )
            .await;
        assert!(
            page.status.is_redirection(),
            "verify should redirect, got {}: {}",
            page.status,
            page.text()
        );
        assert!(
            client.session().is_some(),
            "a session cookie after verification"
        );
        client
    }
}

/// A second server on a [`TestApp`]'s database (see [`TestApp::start_peer`]).
pub struct Peer {
    server: RunningServer,
    pub base: url::Url,
}

impl Peer {
    /// A new visitor of this instance.
    pub fn client(&self) -> TestClient {
        TestClient::new(self.base.clone())
    }

    pub async fn stop(self) {
        self.server.stop().await;
    }
}

pub fn six_digits(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    (0..bytes.len()).find_map(|i| {
        let end = i + 6;
        let before_ok = i == 0 || !bytes[i - 1].is_ascii_digit();
        let after_ok = end == bytes.len() || (end < bytes.len() && !bytes[end].is_ascii_digit());
        (end <= bytes.len()
            && before_ok
            && after_ok
            && bytes[i..end].iter().all(u8::is_ascii_digit))
        .then(|| text[i..end].to_owned())
    })
}

pub fn query_param(url: &str, name: &str) -> Option<String> {
    let parsed = url::Url::parse("http://x").ok()?.join(url).ok()?;
    parsed
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// A response, read whole.
#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
    pub bytes: Vec<u8>,
}

impl Page {
    /// Where a redirect points (path and query).
    pub fn redirect_target(&self) -> Option<String> {
        if !self.status.is_redirection() {
            return None;
        }
        self.headers
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    /// The body with HTML character references for `& < > " '` decoded, for searching
    /// messages that contain apostrophes or quotes.
    pub fn text(&self) -> String {
        unescape(&self.body)
    }

    /// Asserts the decoded body contains `needle`.
    #[track_caller]
    pub fn assert_contains(&self, needle: &str) {
        let text = self.text();
        assert!(
            text.contains(needle),
            "expected {needle:?} in the page (status {}):\n{text}",
            self.status
        );
    }

    /// The value of the first `<input … name="NAME" … value="…">` (decoded).
    pub fn input_value(&self, name: &str) -> Option<String> {
        let marker = format!("name=\"{name}\"");
        let start = self.body.find(&marker)?;
        let tag_start = self.body[..start].rfind('<')?;
        let tag_end = start + self.body[start..].find('>')?;
        let tag = &self.body[tag_start..tag_end];
        let v = tag.find("value=\"")? + "value=\"".len();
        let rest = &tag[v..];
        Some(unescape(&rest[..rest.find('"')?]))
    }

    /// The value of attribute `attr` of the first tag written starting with `opening`
    /// (e.g. `<meta name="description"`), decoded.
    pub fn tag_attr(&self, opening: &str, attr: &str) -> Option<String> {
        let start = self.body.find(opening)?;
        let tag = &self.body[start..start + self.body[start..].find('>')?];
        let marker = format!(" {attr}=\"");
        let v = tag.find(&marker)? + marker.len();
        let rest = &tag[v..];
        Some(unescape(&rest[..rest.find('"')?]))
    }

    /// The text of the element with `id="ID"` up to its closing tag (decoded; rough).
    pub fn element_text(&self, id: &str) -> Option<String> {
        let marker = format!("id=\"{id}\"");
        let start = self.body.find(&marker)?;
        let open_end = start + self.body[start..].find('>')? + 1;
        let close = open_end + self.body[open_end..].find("</")?;
        Some(unescape(&self.body[open_end..close]))
    }
}

/// Decodes the character references askama and browsers produce: named ones for
/// `& < > " '` and numeric ones (`&#60;`, `&#x3c;`).
pub fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let decoded = rest.find(';').filter(|&end| end <= 10).and_then(|end| {
            let entity = &rest[1..end];
            let c = match entity {
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => {
                    if let Some(hex) = entity
                        .strip_prefix("#x")
                        .or_else(|| entity.strip_prefix("#X"))
                    {
                        u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
                    } else if let Some(dec) = entity.strip_prefix('#') {
                        dec.parse::<u32>().ok().and_then(char::from_u32)
                    } else {
                        None
                    }
                }
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// An HTTP client with its own cookie jar; redirects are not followed.
pub struct TestClient {
    pub http: reqwest::Client,
    pub jar: Arc<Jar>,
    pub base: url::Url,
    last_csrf: Mutex<Option<String>>,
}

impl TestClient {
    pub fn new(base: url::Url) -> TestClient {
        let jar = Arc::new(Jar::default());
        let http = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(60))
            .build()
            .expect("HTTP client");
        TestClient {
            http,
            jar,
            base,
            last_csrf: Mutex::new(None),
        }
    }

    pub fn url(&self, path: &str) -> url::Url {
        self.base.join(path).expect("valid path")
    }

    /// The same visitor (cookies shared) on connections of its own: for a request the server
    /// may cut off (an oversized body), so that the next requests never reuse a connection
    /// the server is closing.
    pub fn on_own_connections(&self) -> TestClient {
        let http = reqwest::Client::builder()
            .cookie_provider(self.jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(60))
            .build()
            .expect("HTTP client");
        TestClient {
            http,
            jar: self.jar.clone(),
            base: self.base.clone(),
            last_csrf: Mutex::new(self.last_csrf.lock().expect("csrf lock").clone()),
        }
    }

    /// An organiser declares a submitted dossier eligible (a reason is needed where the
    /// automatic check disagrees) and the decision is taken.
    pub async fn declare_eligible(&self, public_id: &str, reason: &str) {
        self.decide_eligibility(public_id, "eligible", reason).await;
    }

    /// An organiser decides a submitted dossier's eligibility (`eligible` or `ineligible`)
    /// and the decision is taken.
    pub async fn decide_eligibility(&self, public_id: &str, status: &str, reason: &str) {
        let page = self
            .post_form(
                &format!("/admin/applications/{public_id}/status"),
                &[
                    ("status", status),
                    ("reason", reason),
                    ("from", "submitted"),
                ],
            )
            .await;
        assert!(
            page.status.is_redirection(),
            "{status} {public_id}: {}",
            page.text()
        );
    }

    /// A cookie's current value in the jar.
    pub fn cookie(&self, name: &str) -> Option<String> {
        let header = self.jar.cookies(&self.base)?;
        let text = header.to_str().ok()?.to_owned();
        text.split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_owned())
            .filter(|v| !v.is_empty())
    }

    pub fn session(&self) -> Option<String> {
        self.cookie("kene_session")
    }

    pub async fn read(response: reqwest::Response) -> Page {
        Self::try_read(response).await.expect("read response body")
    }

    /// Like [`TestClient::read`], returning the error when the body is cut off (a server
    /// that refuses an oversized request early may reset the connection mid-answer).
    pub async fn try_read(response: reqwest::Response) -> Result<Page, reqwest::Error> {
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await?.to_vec();
        let body = String::from_utf8_lossy(&bytes).into_owned();
        Ok(Page {
            status,
            headers,
            body,
            bytes,
        })
    }

    fn remember_csrf(&self, page: &Page) {
        let marker = "name=\"csrf\" value=\"";
        if let Some(i) = page.body.find(marker) {
            let rest = &page.body[i + marker.len()..];
            if let Some(end) = rest.find('"') {
                *self.last_csrf.lock().expect("csrf lock") = Some(rest[..end].to_owned());
            }
        }
    }

    pub async fn get(&self, path: &str) -> Page {
        let response = self
            .http
            .get(self.url(path))
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        let page = Self::read(response).await;
        self.remember_csrf(&page);
        page
    }

    /// Follows redirects (GET) until a non-redirect page.
    pub async fn get_following(&self, path: &str) -> Page {
        let mut page = self.get(path).await;
        for _ in 0..10 {
            match page.redirect_target() {
                Some(target) => page = self.get(&target).await,
                None => break,
            }
        }
        page
    }

    /// The CSRF token: the `kene_csrf` cookie, else the one printed in the last page, else
    /// one obtained by a GET.
    pub async fn csrf(&self) -> String {
        if let Some(token) = self.cookie("kene_csrf") {
            return token;
        }
        if let Some(token) = self.last_csrf.lock().expect("csrf lock").clone() {
            return token;
        }
        self.get("/healthz").await;
        self.cookie("kene_csrf")
            .expect("the server sets a kene_csrf cookie")
    }

    /// POSTs an url-encoded form with the CSRF token added.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.csrf().await;
        let mut all: Vec<(&str, &str)> = vec![("csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.post_form_raw(path, &all).await
    }

    /// Same with owned values.
    pub async fn post_form_owned(&self, path: &str, fields: &[(String, String)]) -> Page {
        let pairs: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        self.post_form(path, &pairs).await
    }

    /// POSTs exactly these fields (no CSRF token added).
    pub async fn post_form_raw(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        self.try_post_form_raw(path, fields)
            .await
            .unwrap_or_else(|e| panic!("POST {path}: {e}"))
    }

    /// Like [`TestClient::post_form_raw`], returning transport errors (a server may answer
    /// an oversized body early and close the connection before the client finished sending).
    pub async fn try_post_form_raw(
        &self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> Result<Page, reqwest::Error> {
        let response = self.http.post(self.url(path)).form(fields).send().await?;
        let page = Self::try_read(response).await?;
        self.remember_csrf(&page);
        Ok(page)
    }

    /// Uploads `bytes` as the `file` part (after the `csrf` part), like the upload form.
    pub async fn upload(&self, path: &str, bytes: Vec<u8>, file_name: &str) -> Page {
        self.try_upload(path, bytes, file_name)
            .await
            .unwrap_or_else(|e| panic!("upload to {path}: {e}"))
    }

    /// Like [`TestClient::upload`], returning transport errors (a server may cut off an
    /// oversized upload before reading it all).
    pub async fn try_upload(
        &self,
        path: &str,
        bytes: Vec<u8>,
        file_name: &str,
    ) -> Result<Page, reqwest::Error> {
        let file = ("file".to_owned(), bytes, file_name.to_owned());
        self.try_post_multipart(path, &[], vec![file]).await
    }

    /// Posts a form as `multipart/form-data`, as a browser posts a step with file fields: the
    /// CSRF token first, then `fields`, then `files` as `(field name, bytes, file name)`.
    pub async fn try_post_multipart(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        files: Vec<(String, Vec<u8>, String)>,
    ) -> Result<Page, reqwest::Error> {
        let mut form = reqwest::multipart::Form::new().text("csrf", self.csrf().await);
        for (name, value) in fields {
            form = form.text(name.to_string(), value.to_string());
        }
        for (name, bytes, file_name) in files {
            let part = reqwest::multipart::Part::bytes(bytes)
                .file_name(file_name)
                .mime_str("application/octet-stream")?;
            form = form.part(name, part);
        }
        let response = self
            .http
            .post(self.url(path))
            .multipart(form)
            .send()
            .await?;
        Self::try_read(response).await
    }

    /// Signs in through the login form; asserts a redirect and a session cookie.
    pub async fn login(&self, login: &str, password: &str) -> Page {
        self.get("/login").await;
        let page = self
            .post_form(
                "/login",
                &[("login", login), ("password", password), ("next", "/")],
            )
            .await;
        assert!(
            page.status.is_redirection() && self.session().is_some(),
            "login as {login} failed: {} {}",
            page.status,
            page.text()
        );
        page
    }
}

/// A real (tiny, valid) PDF document made in the test.
pub fn small_pdf(title: &str) -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_owned(),
        {
            let stream = format!("BT /F1 18 Tf 20 100 Td ({title}) Tj ET");
            format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len())
        },
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// The French translation of `key`; fails the test if the key has no translation.
#[track_caller]
pub fn fr(key: &str) -> String {
    let text = kene::i18n::tr(kene::i18n::Lang::Fr, key);
    assert!(
        !text.is_empty() && text != key,
        "no French translation for {key}"
    );
    text
}
