//! Uploads: kind checked by content, size limit enforced while streaming, user file names
//! never reach the file system.

use kene::i18n::Say;
use reqwest::StatusCode;

use crate::applications::{
    company_section, pairs, save_section, seeded_files, start_application, PASSWORD,
};
use crate::support::{fr, small_pdf, Backend, TestApp, TestClient};

both_dbs!(
    a_file_of_the_wrong_kind_renamed_pdf_is_refused_and_nothing_stored,
    a_file_over_the_size_limit_is_refused_and_nothing_stored,
    a_path_in_the_file_name_never_reaches_the_file_system,
    a_file_chosen_then_next_pressed_is_kept_with_the_answers_typed_beside_it,
    a_refused_file_keeps_the_answers_typed_with_it,
    a_step_declaring_more_than_its_files_allow_is_refused_before_it_is_read,
    id_upload_boxes_follow_the_chosen_document_type,
    a_phone_photo_of_an_id_card_is_accepted_and_kept_lighter,
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
    .message(kene::i18n::Lang::Fr);
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
        .on_own_connections()
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

const MB: usize = 1024 * 1024;

/// A participant of the 2027 hackathon, identity saved, at the ID document step.
pub async fn hackathon_at_id_step(app: &TestApp, email: &str) -> (TestClient, String) {
    app.seed_demo().await;
    let client = app
        .signup_and_verify("Seydou Konaté", email, email, PASSWORD)
        .await;
    let page = client
        .post_form("/calls/sdn-2027/hackathon/apply", &[])
        .await;
    let id = page
        .redirect_target()
        .and_then(|t| {
            t.strip_prefix("/applications/")
                .and_then(|rest| rest.strip_suffix("/edit/0"))
                .map(str::to_owned)
        })
        .unwrap_or_else(|| panic!("apply: {} {}", page.status, page.text()));
    save_section(
        &client,
        &id,
        0,
        &pairs(&[
            ("first_name", "Seydou"),
            ("last_name", "Konaté"),
            ("birth_date", "2003-04-12"),
            ("gender", "m"),
            ("nationality", "ML"),
            ("email", email),
            ("phone", "76 00 00 01"),
        ]),
        &format!("/applications/{id}/edit/1"),
    )
    .await;
    (client, id)
}

/// Whether the page hides the box of the file field `key` (its wrapper's `hidden`).
fn box_hidden(page: &crate::support::Page, key: &str) -> bool {
    let marker = format!("id=\"f-{key}-wrap\"");
    let at = page
        .body
        .find(&marker)
        .unwrap_or_else(|| panic!("no box for {key}:\n{}", page.body));
    let tag_end = page.body[at..]
        .find('>')
        .map_or(page.body.len(), |e| at + e);
    page.body[at..tag_end].contains(" hidden")
}

/// A phone camera's photo: 4000 × 3000 pixels of a slightly noisy gradient, with the
/// camera's metadata segments (APP15 here) bringing it to `size` bytes, as a JPEG.
pub fn phone_photo(size: usize) -> Vec<u8> {
    let mut seed = 7u32;
    let picture = image::RgbImage::from_fn(4000, 3000, |x, y| {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
        let noise = (seed >> 24) as u8 / 32;
        image::Rgb([
            (x / 16) as u8 ^ noise,
            (y / 12) as u8 ^ noise,
            ((x + y) / 28) as u8,
        ])
    });
    let mut jpeg = std::io::Cursor::new(Vec::new());
    picture
        .write_to(&mut jpeg, image::ImageFormat::Jpeg)
        .expect("encode the photo");
    let jpeg = jpeg.into_inner();
    assert!(
        jpeg.len() < size,
        "the picture alone is {} bytes",
        jpeg.len()
    );
    let mut out = jpeg[..2].to_vec();
    while out.len() + (jpeg.len() - 2) < size {
        let room = size - out.len() - (jpeg.len() - 2);
        let data = room.saturating_sub(4).clamp(1, 65_533);
        out.extend_from_slice(&[0xFF, 0xEF]);
        out.extend_from_slice(
            &u16::try_from(data + 2)
                .expect("segment length")
                .to_be_bytes(),
        );
        out.resize(out.len() + data, b'x');
    }
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// The hackathon asks for the ID document of the kind chosen: all three boxes until a kind
/// is saved (a page without JavaScript cannot follow the choice), then only that one, and
/// only that one is required. The step's limit counts one document: 20 MB is refused from
/// its declared length.
async fn id_upload_boxes_follow_the_chosen_document_type(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (client, id) = hackathon_at_id_step(&app, "seydou.id@exemple.ml").await;
    let step_url = format!("/applications/{id}/edit/1");
    let step = client.get(&step_url).await;
    for key in ["id_card", "nina_card", "passport"] {
        assert!(!box_hidden(&step, key), "{key} shown before a choice");
    }
    let page = client
        .post_form(
            &step_url,
            &[("id_document_kind", "nina"), ("action", "save")],
        )
        .await;
    assert!(page.status.is_redirection(), "{}", page.text());
    let step = client.get(&step_url).await;
    assert!(!box_hidden(&step, "nina_card"), "the NINA card's box");
    assert!(box_hidden(&step, "id_card"), "no ID card box");
    assert!(box_hidden(&step, "passport"), "no passport box");
    let review = client.get(&format!("/applications/{id}/review")).await;
    assert!(
        review.body.contains(&format!("{step_url}#f-nina_card")),
        "the NINA card is missing:\n{}",
        review.body
    );
    for other in ["id_card", "passport"] {
        assert!(
            !review.body.contains(&format!("#f-{other}\"")),
            "{other} is not asked:\n{}",
            review.body
        );
    }

    let mut huge = small_pdf("Scan de 20 Mo");
    huge.resize(20 * MB, b' ');
    let sent = client
        .try_post_multipart(
            &step_url,
            &[("id_document_kind", "nina"), ("action", "next")],
            vec![("file:nina_card".into(), huge, "scan.pdf".into())],
        )
        .await;
    if let Ok(page) = sent {
        assert_eq!(
            page.status,
            StatusCode::PAYLOAD_TOO_LARGE,
            "{}",
            page.text()
        );
    }
    assert_eq!(files_rows_of(&app, &id).await, 0);
}

/// An 8 MB photo of the NINA card taken by a phone goes with the step's button; it is kept
/// as a JPEG of at most 2000 px, upright proportions kept, far lighter; the dossier can then
/// be submitted without the document types not chosen.
async fn a_phone_photo_of_an_id_card_is_accepted_and_kept_lighter(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (client, id) = hackathon_at_id_step(&app, "seydou.photo@exemple.ml").await;
    let photo = phone_photo(8 * MB);
    assert_eq!(photo.len(), 8 * MB);
    let page = client
        .try_post_multipart(
            &format!("/applications/{id}/edit/1"),
            &[("id_document_kind", "nina"), ("action", "next")],
            vec![(
                "file:nina_card".into(),
                photo,
                "IMG_20261205_0932.jpg".into(),
            )],
        )
        .await
        .expect("the photo is sent");
    assert_eq!(
        page.redirect_target().as_deref(),
        Some(format!("/applications/{id}/edit/2").as_str()),
        "{} {}",
        page.status,
        page.text()
    );
    let stored = files_of(&app, &id);
    assert_eq!(
        stored.len(),
        1,
        "only the reduced photo is kept: {stored:?}"
    );
    let kept = std::fs::read(&stored[0]).expect("read the stored photo");
    assert!(kept.starts_with(&[0xFF, 0xD8, 0xFF]), "a JPEG");
    assert!(kept.len() < 2 * MB, "{} bytes kept", kept.len());
    let decoded = image::load_from_memory(&kept).expect("a readable photo");
    assert_eq!((decoded.width(), decoded.height()), (2000, 1500));
    let names = app
        .strings_with(
            "SELECT f.display_name FROM files f JOIN applications a ON a.id = f.application_id WHERE a.public_id = $1",
            &id,
        )
        .await;
    assert_eq!(names, vec!["IMG_20261205_0932.jpg".to_owned()]);

    save_section(
        &client,
        &id,
        2,
        &pairs(&[
            (
                "motivation_letter",
                "Je veux défendre les systèmes du Mali.",
            ),
            ("team_name", "Les Pare-feu"),
            ("consent", "yes"),
        ]),
        &format!("/applications/{id}/review"),
    )
    .await;
    let page = client
        .post_form(&format!("/applications/{id}/submit"), &[])
        .await;
    assert!(
        page.status.is_redirection(),
        "submitted without a passport or ID card: {} {}",
        page.status,
        page.text()
    );
}
