//! Uploads: kind checked by content, size limit enforced while streaming, user file names
//! never reach the file system.

use reqwest::StatusCode;

use crate::applications::{
    company_section, save_section, seeded_files, start_application, PASSWORD,
};
use crate::support::{fr, small_pdf, Backend, TestApp, TestClient};

both_dbs!(
    a_file_of_the_wrong_kind_renamed_pdf_is_refused_and_nothing_stored,
    a_file_over_the_size_limit_is_refused_and_nothing_stored,
    a_path_in_the_file_name_never_reaches_the_file_system,
    a_file_chosen_then_next_pressed_is_kept_with_the_answers_typed_beside_it,
    a_refused_file_keeps_the_answers_typed_with_it,
    a_step_declaring_more_than_its_files_allow_is_refused_before_it_is_read,
);

/// Signs up, starts an application and goes to the documents section; returns its id.
pub async fn at_documents_section(app: &TestApp, email: &str) -> (TestClient, String) {
    app.seed_demo().await;
    let client = app
        .signup_and_verify("Fatoumata", email, email, PASSWORD)
        .await;
    let id = start_application(&client).await;
    save_section(
        &client,
        &id,
        0,
        &company_section("Jigi SARL"),
        &format!("/applications/{id}/edit/1"),
    )
    .await;
    assert_eq!(
        client
            .get(&format!("/applications/{id}/edit/3"))
            .await
            .status,
        StatusCode::OK
    );
    (client, id)
}

fn files_of(app: &TestApp, id: &str) -> Vec<std::path::PathBuf> {
    app.stored_files()
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(id))
        .collect()
}

async fn files_rows_of(app: &TestApp, id: &str) -> usize {
    app.strings_with(
        "SELECT f.public_id FROM files f JOIN applications a ON a.id = f.application_id WHERE a.public_id = $1",
        id,
    )
    .await
    .len()
}

async fn a_file_of_the_wrong_kind_renamed_pdf_is_refused_and_nothing_stored(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (client, id) = at_documents_section(&app, "fatoumata@exemple.ml").await;
    let seeded = seeded_files(&app).await;
    let expected = kene::domain::form::check_upload(
        &kene::domain::form::FieldKind::File {
            kinds: vec![kene::domain::form::FileKind::Pdf],
            max_bytes: 10 * 1024 * 1024,
            id_document: false,
        },
        b"<html>",
        6,
    )
    .expect_err("HTML is not a PDF")
    .message
    .fr
    .clone();
    let fakes: [(&str, Vec<u8>); 3] = [
        ("cv.pdf", b"<html><script>alert(1)</script></html>".to_vec()),
        (
            "photo.pdf",
            vec![
                0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D',
                b'R', 0, 0,
            ],
        ),
        (
            "archive.pdf",
            b"PK\x03\x04 this is a zip archive, not a PDF document".to_vec(),
        ),
    ];
    for (name, bytes) in fakes {
        let page = client
            .upload(
                &format!("/applications/{id}/files/technical_sheet"),
                bytes,
                name,
            )
            .await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name}: {}",
            page.text()
        );
        assert_eq!(
            page.element_text("f-technical_sheet-error").as_deref(),
            Some(expected.as_str()),
            "{name}: a clear message next to the field:\n{}",
            page.body
        );
        page.assert_contains(&fr("form-has-errors"));
    }
    // An empty file is refused too.
    let page = client
        .upload(
            &format!("/applications/{id}/files/technical_sheet"),
            Vec::new(),
            "vide.pdf",
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.element_text("f-technical_sheet-error").is_some());
    assert_eq!(files_rows_of(&app, &id).await, 0, "no row in files");
    assert_eq!(app.count("files").await, seeded, "no row in files");
    assert!(
        files_of(&app, &id).is_empty(),
        "no file on disk: {:?}",
        files_of(&app, &id)
    );
    let answers = crate::applications::application_field(&app, &id, "answers_json")
        .await
        .expect("answers");
    assert!(
        !answers.contains("technical_sheet"),
        "no answer recorded: {answers}"
    );
    app.finish().await;
}

async fn a_file_over_the_size_limit_is_refused_and_nothing_stored(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (client, id) = at_documents_section(&app, "awa.big@exemple.ml").await;
    // A real PDF header followed by padding: 10 MB + 1 byte, over the field's 10 MB.
    let mut big = small_pdf("Trop gros");
    big.resize(10 * 1024 * 1024 + 1, b' ');
    // The server stops reading at the limit and answers at once: the applicant sees the
    // message next to the field, not a broken connection.
    let page = client
        .try_upload(
            &format!("/applications/{id}/files/technical_sheet"),
            big,
            "gros.pdf",
        )
        .await
        .expect("an answer to the oversized upload, not a reset connection");
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.text()
    );
    let message = page
        .element_text("f-technical_sheet-error")
        .unwrap_or_default();
    assert!(
        message.contains("10 Mo"),
        "the message names the limit:\n{}",
        page.body
    );
    // Over the whole-request limit (25 MB by default), the request is refused as too large.
    let mut huge = small_pdf("Bien trop gros");
    huge.resize(26 * 1024 * 1024, b' ');
    match client
        .try_upload(
            &format!("/applications/{id}/files/technical_sheet"),
            huge,
            "enorme.pdf",
        )
        .await
    {
        Ok(page) => assert!(
            page.status == StatusCode::UNPROCESSABLE_ENTITY
                || page.status == StatusCode::PAYLOAD_TOO_LARGE,
            "refused, got {}",
            page.status
        ),
        // A server may close the connection on a body it will not read; nothing is stored.
        Err(e) => eprintln!("26 MB upload cut off by the server: {e}"),
    }
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(files_rows_of(&app, &id).await, 0, "no row in files");
    assert!(
        files_of(&app, &id).is_empty(),
        "no file (or partial file) on disk: {:?}",
        files_of(&app, &id)
    );
    // A file under the limit is then accepted.
    let page = client
        .upload(
            &format!("/applications/{id}/files/technical_sheet"),
            small_pdf("Petit"),
            "petit.pdf",
        )
        .await;
    assert!(
        page.status.is_redirection(),
        "{} {}",
        page.status,
        page.text()
    );
    assert_eq!(files_rows_of(&app, &id).await, 1);
    assert_eq!(files_of(&app, &id).len(), 1);
    app.finish().await;
}

async fn a_path_in_the_file_name_never_reaches_the_file_system(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (client, id) = at_documents_section(&app, "seydou.path@exemple.ml").await;
    let pdf = small_pdf("Passwd");
    let page = client
        .upload(
            &format!("/applications/{id}/files/technical_sheet"),
            pdf.clone(),
            "../../etc/passwd",
        )
        .await;
    assert!(
        page.status.is_redirection(),
        "a PDF is accepted whatever its name: {}",
        page.text()
    );
    let names = app
        .strings_with(
            "SELECT f.display_name FROM files f JOIN applications a ON a.id = f.application_id WHERE a.public_id = $1",
            &id,
        )
        .await;
    assert_eq!(names, vec!["passwd.pdf".to_owned()], "shown as passwd.pdf");
    let keys = app
        .strings_with(
            "SELECT f.storage_key FROM files f JOIN applications a ON a.id = f.application_id WHERE a.public_id = $1",
            &id,
        )
        .await;
    let key = keys.first().expect("storage key");
    assert!(
        !key.contains("passwd") && !key.contains(".."),
        "random storage key, got {key}"
    );
    let on_disk = files_of(&app, &id);
    assert_eq!(on_disk.len(), 1, "{on_disk:?}");
    assert!(
        on_disk[0].starts_with(app.data_dir.join("files")),
        "stored under data_dir/files"
    );
    assert!(!on_disk[0].to_string_lossy().contains("passwd"));
    assert_eq!(
        std::fs::read(&on_disk[0]).expect("stored file"),
        pdf,
        "content stored as sent"
    );
    let parent = app.data_dir.parent().expect("temporary directory");
    assert!(
        !parent.join("etc").exists() && !app.data_dir.join("etc").exists(),
        "nothing written outside"
    );
    let section = client.get(&format!("/applications/{id}/edit/3")).await;
    section.assert_contains("passwd.pdf");
    app.finish().await;
}

/// The documents step is one form: pressing "Next" after choosing a file (no separate upload
/// button, no JavaScript) sends the file with the answers, and none is lost.
async fn a_file_chosen_then_next_pressed_is_kept_with_the_answers_typed_beside_it(
    backend: Backend,
) {
    let app = TestApp::start(backend).await;
    let (client, id) = at_documents_section(&app, "awa.step@exemple.ml").await;
    let step = client.get(&format!("/applications/{id}/edit/3")).await;
    assert!(
        step.body.contains("enctype=\"multipart/form-data\"")
            && step.body.contains("name=\"file:technical_sheet\""),
        "the file picker is in the step's form:\n{}",
        step.body
    );
    let page = next_with_technical_sheet(
        &client,
        &id,
        small_pdf("Fiche technique"),
        "fiche-technique.pdf",
    )
    .await
    .expect("the step is answered");
    let target = page
        .redirect_target()
        .unwrap_or_else(|| panic!("the step is saved, got {}:\n{}", page.status, page.text()));
    assert!(
        target.starts_with(&format!("/applications/{id}/edit/")) || target.ends_with("/review"),
        "{target}"
    );
    assert_eq!(files_rows_of(&app, &id).await, 1);
    assert_eq!(files_of(&app, &id).len(), 1);
    let step = client.get(&format!("/applications/{id}/edit/3")).await;
    let current = step
        .element_text("f-technical_sheet-current")
        .unwrap_or_default();
    assert!(
        current.starts_with(&fr("file-current")) && current.contains("fiche-technique.pdf"),
        "the file shown as the field's current one: {current}"
    );
    assert!(
        step.tag_attr("<input type=\"checkbox\" id=\"f-consent\"", "checked")
            .is_some()
            || step.body.contains("name=\"consent\" value=\"yes\" checked"),
        "the consent ticked with the file is saved:\n{}",
        step.body
    );
}

/// A file refused (not a PDF) is said beside its field; the consent ticked with it is saved
/// and nothing of the file is kept.
async fn a_refused_file_keeps_the_answers_typed_with_it(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (client, id) = at_documents_section(&app, "awa.refused@exemple.ml").await;
    let page = next_with_technical_sheet(
        &client,
        &id,
        b"MZ\x90\0 not a pdf at all".to_vec(),
        "fiche.pdf",
    )
    .await
    .expect("the step is answered");
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.text()
    );
    assert!(
        page.element_text("f-technical_sheet-error").is_some(),
        "the refusal beside the file field:\n{}",
        page.body
    );
    let answers = crate::applications::application_field(&app, &id, "answers_json")
        .await
        .unwrap_or_default();
    assert!(
        answers.contains("consent"),
        "the consent is saved: {answers}"
    );
    assert!(!answers.contains("technical_sheet"), "{answers}");
    assert_eq!(files_rows_of(&app, &id).await, 0);
    assert!(files_of(&app, &id).is_empty());
}

/// A step whose body declares more than its files may weigh (20 MB for a 10 MB field) is
/// refused from its declared length, before it is read.
async fn a_step_declaring_more_than_its_files_allow_is_refused_before_it_is_read(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (client, id) = at_documents_section(&app, "awa.huge@exemple.ml").await;
    let mut huge = small_pdf("Bien trop gros");
    huge.resize(20 * 1024 * 1024, b' ');
    let sent = next_with_technical_sheet(&client, &id, huge, "enorme.pdf").await;
    // The server may close the connection before the client has finished sending.
    if let Ok(page) = sent {
        assert_eq!(
            page.status,
            StatusCode::PAYLOAD_TOO_LARGE,
            "{}",
            page.text()
        );
    }
    assert_eq!(files_rows_of(&app, &id).await, 0);
    assert!(files_of(&app, &id).is_empty());
}

/// Ticks the documents step's consent, chooses `bytes` as the technical sheet and presses
/// "Next": the step posted as one multipart form, as a browser sends it.
async fn next_with_technical_sheet(
    client: &TestClient,
    id: &str,
    bytes: Vec<u8>,
    file_name: &str,
) -> Result<crate::support::Page, reqwest::Error> {
    client
        .try_post_multipart(
            &format!("/applications/{id}/edit/3"),
            &[("consent", "yes"), ("action", "next")],
            vec![("file:technical_sheet".into(), bytes, file_name.into())],
        )
        .await
}
