//! The `kene` binary in its own process, as an operator starts it: `kene demo` or
//! `kene serve` on a free loopback port, configured through `KENE_*` variables.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use reqwest::StatusCode;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use super::TestClient;

/// A running `kene` process; killed when dropped.
pub struct KeneProcess {
    pub child: Child,
    pub port: u16,
}

/// The administrator `kene demo` printed.
pub struct DemoAdmin {
    pub email: String,
    pub password: String,
}

/// A port nobody listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn kene(data_dir: &Path, env: &[(&str, String)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kene"));
    command
        .arg("--data-dir")
        .arg(data_dir)
        .env("RUST_LOG", "warn")
        .envs(env.iter().map(|(k, v)| (k, v)))
        .kill_on_drop(true);
    command
}

impl KeneProcess {
    /// `kene demo`: seeds the demo data in `data_dir` and serves it; returns once the admin
    /// login is printed and `/readyz` answers.
    pub async fn demo(data_dir: &Path, env: &[(&str, String)]) -> (KeneProcess, DemoAdmin) {
        let port = free_port();
        let mut child = kene(data_dir, env)
            .arg("demo")
            .arg("--addr")
            .arg(format!("127.0.0.1:{port}"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start kene demo");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        let admin = loop {
            let line = tokio::time::timeout_at(deadline, lines.next_line())
                .await
                .expect("kene demo prints the admin login within a minute")
                .expect("read stdout")
                .expect("kene demo exited before printing the admin login");
            if let Some(rest) = line.trim().strip_prefix("admin:") {
                let mut words = rest.split_whitespace();
                let email = words.next().expect("admin e-mail").to_owned();
                let password = words.last().expect("admin password").to_owned();
                break DemoAdmin { email, password };
            }
        };
        let process = KeneProcess { child, port };
        process.wait_ready().await;
        (process, admin)
    }

    /// `kene serve` on `data_dir` and `port` (a restart keeps its clients' address); returns
    /// once `/readyz` answers.
    pub async fn serve(data_dir: &Path, port: u16, env: &[(&str, String)]) -> KeneProcess {
        let child = kene(data_dir, env)
            .arg("serve")
            .arg("--addr")
            .arg(format!("127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start kene serve");
        let process = KeneProcess { child, port };
        process.wait_ready().await;
        process
    }

    /// A new visitor of this server.
    pub fn client(&self) -> TestClient {
        TestClient::new(self.base())
    }

    pub fn base(&self) -> url::Url {
        url::Url::parse(&format!("http://127.0.0.1:{}/", self.port)).expect("URL")
    }

    async fn wait_ready(&self) {
        let client = self.client();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            let ready = client
                .http
                .get(client.url("/readyz"))
                .send()
                .await
                .is_ok_and(|r| r.status() == StatusCode::OK);
            if ready {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "kene answers /readyz within a minute"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Sends `signal` (`TERM`, `KILL`) to the process.
    pub fn signal(&self, signal: &str) {
        let pid = self.child.id().expect("a running process");
        let status = std::process::Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(pid.to_string())
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{signal} {pid}");
    }

    /// Waits for the process to end (at most `within`).
    pub async fn wait(&mut self, within: Duration) -> std::process::ExitStatus {
        tokio::time::timeout(within, self.child.wait())
            .await
            .expect("kene stops in time")
            .expect("exit status")
    }
}

impl super::TestApp {
    /// Runs the `kene` binary on this server's data directory and database with `args`, as
    /// an operator would on the same machine (e.g. `["audit", "verify"]`).
    pub fn kene(&self, args: &[&str]) -> std::process::Output {
        std::process::Command::new(env!("CARGO_BIN_EXE_kene"))
            .arg("--data-dir")
            .arg(&self.data_dir)
            .arg("--database-url")
            .arg(self.state.config.database_url())
            .args(args)
            .env("RUST_LOG", "warn")
            .output()
            .expect("run kene")
    }
}
