//! The README's first command: `kene demo` serves the open 2027 call, prints the admin login,
//! refuses a second process on its data directory, and stops gracefully on SIGTERM.

use std::process::Stdio;
use std::time::Duration;

use reqwest::StatusCode;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

use crate::support::TestClient;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kene_demo_serves_the_open_call_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().expect("data directory");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let mut child = Command::new(env!("CARGO_BIN_EXE_kene"))
        .arg("--data-dir")
        .arg(dir.path())
        .arg("demo")
        .arg("--addr")
        .arg(format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start kene demo");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let mut email = None;
    let mut password = None;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while email.is_none() {
        let line = tokio::time::timeout_at(deadline, lines.next_line())
            .await
            .expect("kene demo prints the admin login within a minute")
            .expect("read stdout")
            .expect("kene demo exited before printing the admin login");
        if let Some(rest) = line.trim().strip_prefix("admin:") {
            let mut words = rest.split_whitespace();
            email = words.next().map(str::to_owned);
            password = words.last().map(str::to_owned);
        }
    }
    let email = email.expect("admin e-mail");
    let password = password.expect("admin password");
    let base = url::Url::parse(&format!("http://127.0.0.1:{port}/")).expect("URL");
    let client = TestClient::new(base);
    assert_eq!(client.get("/readyz").await.status, StatusCode::OK);
    let calls = client.get("/calls").await;
    assert_eq!(calls.status, StatusCode::OK);
    assert!(
        calls.body.contains("/calls/sdn-2027/startups"),
        "the 2027 call is open:\n{}",
        calls.body
    );
    client.login(&email, &password).await;
    let list = client.get("/admin/editions/sdn-2026/applications").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.body.matches("SDN26-").count() >= 60,
        "the 2026 sample applications"
    );
    assert!(
        dir.path().join("kene.db").exists(),
        "SQLite database in the data directory"
    );

    // A second server on the same data directory is refused, saying why, and serves nothing.
    let other_port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let second = tokio::time::timeout(
        Duration::from_secs(30),
        Command::new(env!("CARGO_BIN_EXE_kene"))
            .arg("--data-dir")
            .arg(dir.path())
            .arg("serve")
            .arg("--addr")
            .arg(format!("127.0.0.1:{other_port}"))
            .env("RUST_LOG", "warn")
            .kill_on_drop(true)
            .output(),
    )
    .await
    .expect("the second process stops by itself")
    .expect("run a second kene");
    assert!(!second.status.success(), "a second server must be refused");
    let said = String::from_utf8_lossy(&second.stderr);
    assert!(
        said.contains("another kene process is already serving the data directory"),
        "the refusal says why: {said}"
    );
    assert_eq!(client.get("/readyz").await.status, StatusCode::OK);

    let pid = child.id().expect("pid");
    let status = std::process::Command::new("kill")
        .arg("-TERM")
        .arg(pid.to_string())
        .status()
        .expect("send SIGTERM");
    assert!(status.success());
    let exit = tokio::time::timeout(Duration::from_secs(20), child.wait())
        .await
        .expect("kene stops within 20 s of SIGTERM")
        .expect("exit status");
    assert!(exit.success(), "graceful shutdown exits with 0, got {exit}");
}
