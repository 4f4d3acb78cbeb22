//! The S3 storage path end to end: a real S3-compatible server (`s3s-fs`, which checks every
//! request's signature) on a random loopback port, and the application configured with
//! `[storage] kind = "s3"` (endpoint, path-style requests, plain HTTP) talking to it.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use kene::config::{Config, StorageConfig};
use object_store::path::Path as StorePath;
use reqwest::StatusCode;
use sha2::{Digest, Sha256};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::support::{small_pdf, Backend, TestApp};
use crate::uploads::at_documents_section;

both_dbs!(an_upload_is_stored_in_a_real_s3_bucket_and_comes_back);

const BUCKET: &str = "kene-dossiers";
const ACCESS_KEY: &str = "kene-test-access-key";
const SECRET_KEY: &str = "kene-test-secret-key-0123456789";

/// An `s3s-fs` server: objects are plain files under `root/<bucket>/<key>`.
struct S3Server {
    addr: SocketAddr,
    root: PathBuf,
    task: JoinHandle<()>,
    _tmp: tempfile::TempDir,
}

impl Drop for S3Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl S3Server {
    /// Starts the server with one bucket and one access key; unsigned or wrongly signed
    /// requests are refused.
    async fn start() -> S3Server {
        let tmp = tempfile::tempdir().expect("temporary directory");
        let root = tmp.path().join("s3");
        // A bucket is a directory under the root.
        std::fs::create_dir_all(root.join(BUCKET)).expect("bucket directory");
        let fs = s3s_fs::FileSystem::new(&root).expect("s3s-fs file system");
        let mut builder = s3s::service::S3ServiceBuilder::new(fs);
        builder.set_auth(s3s::auth::SimpleAuth::from_single(ACCESS_KEY, SECRET_KEY));
        let service = builder.build();
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the S3 server");
        let addr = listener.local_addr().expect("S3 server address");
        let task = tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    continue;
                };
                let service = service.clone();
                tokio::spawn(async move {
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(socket), service)
                        .await;
                });
            }
        });
        S3Server {
            addr,
            root,
            task,
            _tmp: tmp,
        }
    }

    /// The application's storage configuration for this server.
    fn storage(&self, secret: &str) -> StorageConfig {
        StorageConfig::S3 {
            bucket: BUCKET.into(),
            endpoint: Some(format!("http://{}", self.addr)),
            region: Some("us-east-1".into()),
            access_key_id: Some(ACCESS_KEY.into()),
            secret_access_key: Some(secret.into()),
            allow_http: true,
        }
    }

    /// Objects (files) in the bucket under `prefix`, as keys.
    fn objects_under(&self, prefix: &str) -> Vec<String> {
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
        let bucket = self.root.join(BUCKET);
        let mut files = Vec::new();
        walk(&bucket.join(prefix), &mut files);
        let mut keys: Vec<String> = files
            .iter()
            .filter_map(|p| p.strip_prefix(&bucket).ok())
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        keys.sort();
        keys
    }

    /// Multipart uploads still open or parts left behind (s3s-fs keeps them at the root).
    fn pending_uploads(&self) -> Vec<String> {
        std::fs::read_dir(&self.root)
            .expect("S3 root")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with(".upload"))
            .collect()
    }
}

async fn an_upload_is_stored_in_a_real_s3_bucket_and_comes_back(backend: Backend) {
    let s3 = S3Server::start().await;
    let storage = s3.storage(SECRET_KEY);
    let app = TestApp::start_with(backend, |config| config.storage = storage).await;
    // Seeding the demo puts its sample files in the bucket too.
    let (client, id) = at_documents_section(&app, "kadiatou.s3@exemple.ml").await;
    assert!(
        !s3.objects_under("applications").is_empty(),
        "the demo's sample files went to the bucket"
    );
    assert!(
        app.stored_files().is_empty(),
        "nothing on the local disk: {:?}",
        app.stored_files()
    );
    let prefix = format!("applications/{id}");
    let upload_url = format!("/applications/{id}/files/technical_sheet");

    // A file of the wrong kind is refused: the multipart upload begun on the server is
    // aborted, nothing is stored in the bucket and no row is written.
    let page = client
        .upload(
            &upload_url,
            b"<html><script>alert(1)</script></html>".to_vec(),
            "cv.pdf",
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.text()
    );
    assert!(page.element_text("f-technical_sheet-error").is_some());
    assert_eq!(s3.objects_under(&prefix), Vec::<String>::new());
    assert_eq!(
        s3.pending_uploads(),
        Vec::<String>::new(),
        "the multipart upload was aborted"
    );
    let rows = app
        .strings_with(
            "SELECT f.storage_key FROM files f JOIN applications a ON a.id = f.application_id WHERE a.public_id = $1",
            &id,
        )
        .await;
    assert!(rows.is_empty(), "no row in files: {rows:?}");

    // A PDF is stored in the bucket with the exact bytes and the SHA-256 the app recorded.
    let pdf = small_pdf("Fiche technique S3");
    let page = client.upload(&upload_url, pdf.clone(), "fiche.pdf").await;
    assert!(
        page.status.is_redirection(),
        "{} {}",
        page.status,
        page.text()
    );
    let query = |column: &str| {
        format!(
            "SELECT f.{column} FROM files f JOIN applications a ON a.id = f.application_id WHERE a.public_id = $1"
        )
    };
    let keys = app.strings_with(&query("storage_key"), &id).await;
    assert_eq!(keys.len(), 1, "one row in files: {keys:?}");
    let key = &keys[0];
    assert_eq!(s3.objects_under(&prefix), vec![key.clone()]);
    let stored = std::fs::read(s3.root.join(BUCKET).join(key)).expect("object in the bucket");
    assert_eq!(stored, pdf, "the bucket holds the bytes sent");
    let recorded = app.strings_with(&query("sha256"), &id).await;
    let expected_sha = hex::encode(Sha256::digest(&pdf));
    assert_eq!(recorded, vec![expected_sha.clone()], "SHA-256 recorded");
    assert_eq!(hex::encode(Sha256::digest(&stored)), expected_sha);
    assert_eq!(s3.pending_uploads(), Vec::<String>::new());

    // The applicant downloads it back through the application.
    let file_id = app
        .strings_with(&query("public_id"), &id)
        .await
        .pop()
        .expect("file id");
    let download = client.get(&format!("/files/{file_id}")).await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(
        download
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );
    assert_eq!(
        download.bytes, pdf,
        "downloaded bytes are the uploaded ones"
    );

    // A second wrong-kind file for the same field leaves the stored PDF alone.
    let page = client
        .upload(
            &upload_url,
            b"PK\x03\x04 this is a zip archive, not a PDF document".to_vec(),
            "archive.pdf",
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(s3.objects_under(&prefix), vec![key.clone()]);
    assert_eq!(s3.pending_uploads(), Vec::<String>::new());
    assert_eq!(app.strings_with(&query("storage_key"), &id).await.len(), 1);

    // The server really checks signatures: a client with a wrong secret is refused.
    let forged = Config {
        storage: s3.storage("not-the-secret"),
        ..Config::default()
    };
    let store = kene::app::open_store(&forged).expect("store with a wrong secret");
    // (`GetResult` is not `Debug`, so no `expect_err`.)
    let Err(refused) = store.get(&StorePath::from(key.as_str())).await else {
        panic!("read with a wrong signature accepted");
    };
    let refused = refused.to_string();
    assert!(refused.contains("SignatureDoesNotMatch"), "{refused}");
    let intruder = StorePath::from(format!("{prefix}/forged").as_str());
    let refused = store
        .put(&intruder, b"forged".to_vec().into())
        .await
        .expect_err("write with a wrong signature refused")
        .to_string();
    assert!(refused.contains("SignatureDoesNotMatch"), "{refused}");
    assert_eq!(s3.objects_under(&prefix), vec![key.clone()]);
    app.finish().await;
}
