//! The README's first command: `kene demo` serves the open 2027 call, prints the admin login,
//! refuses a second process on its data directory, and stops gracefully on SIGTERM.

use std::time::Duration;

use reqwest::StatusCode;
use tokio::process::Command;

use crate::support::process::{free_port, KeneProcess};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kene_demo_serves_the_open_call_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().expect("data directory");
    let (mut server, admin) = KeneProcess::demo(dir.path(), &[]).await;
    let client = server.client();
    assert_eq!(client.get("/readyz").await.status, StatusCode::OK);
    let calls = client.get("/calls").await;
    assert_eq!(calls.status, StatusCode::OK);
    assert!(
        calls.body.contains("/calls/sdn-2027/startups"),
        "the 2027 call is open:\n{}",
        calls.body
    );
    client.login(&admin.email, &admin.password).await;
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
    let second = tokio::time::timeout(
        Duration::from_secs(30),
        Command::new(env!("CARGO_BIN_EXE_kene"))
            .arg("--data-dir")
            .arg(dir.path())
            .arg("serve")
            .arg("--addr")
            .arg(format!("127.0.0.1:{}", free_port()))
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

    server.signal("TERM");
    let exit = server.wait(Duration::from_secs(20)).await;
    assert!(exit.success(), "graceful shutdown exits with 0, got {exit}");
}
