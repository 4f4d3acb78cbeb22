//! The applicant's own data: the download of everything (two at once), account deletion
//! (allowed, refused with its reason, wrong password), and the retention purge of ID
//! documents (dry-run list, interrupted half-way then finished, other uploads untouched).

use std::io::Read;

use reqwest::StatusCode;

use crate::applications::{fill_startup_application, start_application, PASSWORD};
use crate::support::{fr, small_pdf, Backend, TestApp, TestClient};

both_dbs!(
    two_exports_at_once_give_two_complete_identical_archives,
    an_account_nothing_binds_is_deleted_after_the_password,
    deletion_is_refused_while_a_submitted_dossier_is_being_selected,
    an_interrupted_id_document_purge_is_finished_by_a_rerun_and_touches_nothing_else,
    after_the_retention_period_a_judged_applicant_may_delete_and_the_record_stays,
    the_retention_command_lists_then_deletes_the_due_id_documents,
    the_consent_links_to_a_notice_that_says_how_long_id_documents_are_kept,
    the_consent_links_to_the_rules_of_the_competition,
);

const EMAIL: &str = "aminata@exemple.ml";

/// An applicant with a filled (not submitted) start-up application; returns its id.
async fn applicant_with_draft(app: &TestApp) -> (TestClient, String) {
    app.seed_demo().await;
    let client = app
        .signup_and_verify("Aminata", EMAIL, EMAIL, PASSWORD)
        .await;
    let id = start_application(&client).await;
    fill_startup_application(&client, &id, "SahelSanté").await;
    (client, id)
}

async fn submit(client: &TestClient, id: &str) {
    let page = client
        .post_form(&format!("/applications/{id}/submit"), &[])
        .await;
    assert_eq!(
        page.redirect_target().as_deref(),
        Some(format!("/applications/{id}/receipt").as_str()),
        "submitted: {}",
        page.text()
    );
}

/// The entries of a ZIP archive, by name.
pub fn unzip(bytes: &[u8]) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a readable ZIP archive");
    let mut out = std::collections::BTreeMap::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).expect("an entry");
        let mut content = Vec::new();
        entry
            .read_to_end(&mut content)
            .expect("entry bytes (CRC checked)");
        out.insert(entry.name().expect("an entry name").into_owned(), content);
    }
    out
}

async fn two_exports_at_once_give_two_complete_identical_archives(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (client, id) = applicant_with_draft(&app).await;
    submit(&client, &id).await;
    app.wait_mail(EMAIL, "SDN27-STA-0001").await;

    let mine = client.get("/applications").await;
    assert!(
        mine.body.contains("href=\"/account\""),
        "linked from my applications"
    );
    let account = client.get("/account").await;
    assert_eq!(account.status, StatusCode::OK);
    account.assert_contains(&fr("pd-export-submit"));
    assert!(account.body.contains("action=\"/account/export\""));

    let token = client.csrf().await;
    let export = || async {
        let response = client
            .http
            .post(client.url("/account/export"))
            .form(&[("csrf", token.as_str())])
            .send()
            .await
            .expect("export request");
        let status = response.status();
        let kind = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let bytes = response.bytes().await.expect("archive bytes").to_vec();
        (status, kind, bytes)
    };
    let (first, second) = tokio::join!(export(), export());
    for (status, kind, _) in [&first, &second] {
        assert_eq!(*status, StatusCode::OK);
        assert_eq!(kind, "application/zip");
    }
    let first = unzip(&first.2);
    let second = unzip(&second.2);
    assert_eq!(
        first, second,
        "both archives complete, with the same content"
    );

    let data: serde_json::Value =
        serde_json::from_slice(&first["data.json"]).expect("data.json is JSON");
    assert_eq!(data["account"]["email"], EMAIL);
    assert_eq!(data["account"]["name"], "Aminata");
    let text = String::from_utf8_lossy(&first["data.json"]).to_string();
    assert!(!text.contains("argon2"), "no password hash: {text}");
    let application = &data["applications"][0];
    assert_eq!(application["reference"], "SDN27-STA-0001");
    assert_eq!(application["status"], "submitted");
    assert_eq!(
        application["answers"]["project_title"]["text"],
        "SahelSanté"
    );
    assert_eq!(
        application["submitted_versions"].as_array().map(Vec::len),
        Some(1)
    );
    let messages = data["messages"].as_array().expect("messages");
    assert!(
        messages
            .iter()
            .any(|m| m["body"].as_str().unwrap_or("").contains("SDN27-STA-0001")),
        "the receipt message: {messages:?}"
    );
    // The sign-up code was sent to this address: the export shows it masked only.
    let code_messages: Vec<String> = app
        .strings_with(
            "SELECT body FROM outbox WHERE recipient = $1 AND masked_body IS NOT NULL",
            EMAIL,
        )
        .await;
    assert!(!code_messages.is_empty(), "a code was sent");
    for body in &code_messages {
        let code = crate::support::six_digits(body).expect("a code in the message");
        assert!(!text.contains(&code), "code {code} leaked into the export");
    }
    let file = data["files"][0]["in_archive"]
        .as_str()
        .expect("the upload is in the archive")
        .to_owned();
    assert_eq!(
        first[&file],
        small_pdf("Fiche technique"),
        "the file's bytes"
    );

    assert_eq!(
        app.scalar_i64(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = 'account.data_exported'"
        )
        .await,
        2,
        "each export audited"
    );
    let left = std::fs::read_dir(app.data_dir.join("exports"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(left, 0, "no temporary archive left behind");
    // Without the CSRF token nothing is exported.
    let page = client.post_form_raw("/account/export", &[]).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    app.finish().await;
}

async fn login_fails(app: &TestApp, login: &str, password: &str) {
    let client = app.client();
    client.get("/login").await;
    let page = client
        .post_form(
            "/login",
            &[("login", login), ("password", password), ("next", "/")],
        )
        .await;
    assert!(
        !page.status.is_redirection() && client.session().is_none(),
        "login as {login} should fail: {} {}",
        page.status,
        page.text()
    );
}

async fn an_account_nothing_binds_is_deleted_after_the_password(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (client, id) = applicant_with_draft(&app).await;
    let uploads = || {
        app.stored_files()
            .into_iter()
            .filter(|p| p.to_string_lossy().contains(&id))
            .count()
    };
    assert_eq!(uploads(), 1);
    let account = client.get("/account").await;
    assert!(
        account.body.contains("action=\"/account/delete\""),
        "{}",
        account.text()
    );
    account.assert_contains(&fr("pd-delete-rule-selection"));

    // A wrong password: a clear message, nothing erased.
    let page = client
        .post_form("/account/delete", &[("password", "pas-le-bon")])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        page.element_text("delete-error").as_deref(),
        Some(fr("pd-delete-wrong-password").as_str())
    );
    assert_eq!(uploads(), 1);
    assert_eq!(client.get("/applications").await.status, StatusCode::OK);
    let empty = client
        .post_form("/account/delete", &[("password", "")])
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);

    let page = client
        .post_form("/account/delete", &[("password", PASSWORD)])
        .await;
    assert_eq!(page.redirect_target().as_deref(), Some("/account/deleted"));
    let done = client.get("/account/deleted").await;
    done.assert_contains(&fr("pd-deleted-body"));

    // Signed out everywhere, cannot sign in again, files and draft gone.
    let after = client.get("/applications").await;
    assert!(
        after.status.is_redirection(),
        "signed out: {}",
        after.status
    );
    login_fails(&app, EMAIL, PASSWORD).await;
    assert_eq!(uploads(), 0, "uploads deleted from storage");
    assert_eq!(
        app.strings_with(
            "SELECT public_id FROM applications WHERE public_id = $1",
            &id
        )
        .await
        .len(),
        0,
        "draft deleted"
    );
    let email = app
        .strings_with("SELECT email FROM users WHERE email = $1", EMAIL)
        .await;
    assert!(email.is_empty(), "address erased");
    assert_eq!(
        app.scalar_i64("SELECT CAST(COUNT(*) AS BIGINT) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.deleted_at IS NOT NULL")
            .await,
        0
    );
    let details = app
        .strings("SELECT object || ' ' || details FROM audit_log WHERE action = 'account.deleted'")
        .await;
    assert_eq!(details.len(), 1, "audited once");
    assert!(
        !details[0].contains(EMAIL) && !details[0].contains("Aminata"),
        "no personal data in the audit entry: {}",
        details[0]
    );
    assert!(matches!(
        kene::audit::verify(app.db()).await.expect("verify"),
        kene::audit::ChainCheck::Intact { .. }
    ));
    app.finish().await;
}

async fn deletion_is_refused_while_a_submitted_dossier_is_being_selected(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (client, id) = applicant_with_draft(&app).await;
    submit(&client, &id).await;
    let account = client.get("/account").await;
    assert!(!account.body.contains("action=\"/account/delete\""));
    let reason = kene::i18n::tr_args(
        kene::i18n::Lang::Fr,
        "pd-bind-selection",
        &[("reference", "SDN27-STA-0001".to_owned())],
    );
    account.assert_contains(&reason);

    // Posting anyway (an old page): refused with the reason, nothing erased.
    let page = client
        .post_form("/account/delete", &[("password", PASSWORD)])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        page.element_text("delete-error").as_deref(),
        Some(fr("pd-delete-refused").as_str())
    );
    page.assert_contains(&reason);
    assert_eq!(client.get("/applications").await.status, StatusCode::OK);
    app.client().login(EMAIL, PASSWORD).await;
    assert_eq!(
        app.scalar_i64(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = 'account.deleted'"
        )
        .await,
        0
    );

    // An organiser is bound by the role.
    let admin = app.admin_client().await;
    let page = admin.get("/account").await;
    page.assert_contains(&fr("pd-bind-admin"));
    app.finish().await;
}

/// The 2026 results as published on 1 February 2026 (fixture: the publication row).
async fn publish_2026_results(app: &TestApp) {
    let published: jiff::Timestamp = "2026-02-01T12:00:00Z".parse().expect("instant");
    kene::run!(app.db(), |pool| sqlx::query(
        "INSERT INTO results_publications (edition_id, version, laureates_json, chain_head, published_at, actor_id) \
         SELECT e.id, 1, '[]', 'fixture', $1, (SELECT MIN(id) FROM users) FROM editions e WHERE e.slug = 'sdn-2026'"
    )
    .bind(published.as_millisecond())
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))
    .expect("publish the results");
}

async fn after_the_retention_period_a_judged_applicant_may_delete_and_the_record_stays(
    backend: Backend,
) {
    let app = TestApp::start(backend).await;
    app.seed_demo().await;
    publish_2026_results(&app).await;
    // A 2026 hackathon applicant of the demo, given a password to sign in with.
    let email = app
        .strings(
            "SELECT u.email FROM users u JOIN applications a ON a.applicant_id = u.id \
             JOIN files f ON f.application_id = a.id WHERE f.id_document = TRUE ORDER BY u.id",
        )
        .await
        .remove(0);
    let hash = kene::accounts::hash_password(PASSWORD).expect("hash");
    kene::run!(app.db(), |pool| sqlx::query(
        "UPDATE users SET password_hash = $1 WHERE email = $2"
    )
    .bind(&hash)
    .bind(&email)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))
    .expect("set a password");
    let reference = app
        .strings_with(
            "SELECT a.reference FROM applications a JOIN users u ON u.id = a.applicant_id WHERE u.email = $1",
            &email,
        )
        .await
        .remove(0);
    let keys = app
        .strings_with(
            "SELECT f.storage_key FROM files f JOIN users u ON u.id = f.owner_id WHERE u.email = $1",
            &email,
        )
        .await;
    assert!(!keys.is_empty(), "at least the ID document");
    let others = app
        .strings_with(
            "SELECT f.storage_key FROM files f JOIN users u ON u.id = f.owner_id WHERE u.email <> $1",
            &email,
        )
        .await;
    let exists = |key: &str| app.data_dir.join("files").join(key).exists();

    // Still within the 6 months: refused, with the date it ends.
    app.clock
        .set("2026-07-20T00:00:00Z".parse().expect("instant"));
    let client = app.client();
    client.login(&email, PASSWORD).await;
    let reason = kene::i18n::tr_args(
        kene::i18n::Lang::Fr,
        "pd-bind-retention",
        &[
            ("reference", reference.clone()),
            ("until", "1 août 2026".to_owned()),
        ],
    );
    client.get("/account").await.assert_contains(&reason);

    app.clock
        .set("2026-08-02T00:00:00Z".parse().expect("instant"));
    let page = client
        .post_form("/account/delete", &[("password", PASSWORD)])
        .await;
    assert_eq!(
        page.redirect_target().as_deref(),
        Some("/account/deleted"),
        "{}",
        page.text()
    );
    login_fails(&app, &email, PASSWORD).await;
    assert!(keys.iter().all(|k| !exists(k)), "every upload deleted");
    assert!(
        others.iter().all(|k| exists(k)),
        "nobody else's upload touched"
    );
    // The dossier stays in the edition's record, without its answers.
    let kept = app
        .strings_with(
            "SELECT status || ' ' || answers_json FROM applications WHERE reference = $1",
            &reference,
        )
        .await;
    assert_eq!(kept.len(), 1);
    assert!(kept[0].ends_with(" {}"), "answers erased: {}", kept[0]);
    assert!(!kept[0].starts_with("draft"));
    let versions = app
        .strings_with(
            "SELECT v.answers_json FROM application_versions v JOIN applications a ON a.id = v.application_id \
             WHERE a.reference = $1",
            &reference,
        )
        .await;
    assert!(versions.iter().all(|v| v == "{}"), "{versions:?}");
    assert_eq!(
        app.scalar_i64(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM users WHERE deleted_at IS NOT NULL AND display_name = '' \
             AND email IS NULL AND phone IS NULL"
        )
        .await,
        1
    );
    app.finish().await;
}

async fn id_documents_purged(app: &TestApp) -> i64 {
    app.scalar_i64(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM files WHERE id_document = TRUE AND purged_at IS NOT NULL",
    )
    .await
}

async fn an_interrupted_id_document_purge_is_finished_by_a_rerun_and_touches_nothing_else(
    backend: Backend,
) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let id_docs = app
        .strings("SELECT storage_key FROM files WHERE id_document = TRUE ORDER BY id")
        .await;
    assert!(
        id_docs.len() >= 3,
        "the demo's hackathon applicants sent ID documents"
    );
    let others = app
        .strings("SELECT storage_key FROM files WHERE id_document = FALSE ORDER BY id")
        .await;
    assert!(!others.is_empty());
    let exists = |key: &str| app.data_dir.join("files").join(key).exists();

    // Before the results, nothing is scheduled.
    let page = admin.get("/admin/retention").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(&fr("pd-retention-not-scheduled"));
    assert!(kene::personal_data::retention::purge(&app.state, None)
        .await
        .expect("purge")
        .is_empty());

    // The 2026 results are published, then 6 months pass.
    publish_2026_results(&app).await;
    app.clock
        .set("2026-08-01T11:00:00Z".parse().expect("instant"));
    let page = admin.get("/admin/retention").await;
    assert_eq!(
        page.body.matches("class=\"retention-line\"").count(),
        id_docs.len()
    );
    page.assert_contains("1 août 2026");
    assert!(
        !page.text().contains(&fr("pd-retention-due-now")),
        "not due yet"
    );
    assert!(kene::personal_data::retention::purge(&app.state, None)
        .await
        .expect("purge")
        .is_empty());

    app.clock
        .set("2026-08-01T12:00:00Z".parse().expect("instant"));
    admin
        .get("/admin/retention")
        .await
        .assert_contains(&fr("pd-retention-due-now"));
    // A run stopped after two files.
    let first = kene::personal_data::retention::purge(&app.state, Some(2))
        .await
        .expect("purge");
    assert_eq!(first.len(), 2);
    assert_eq!(id_documents_purged(&app).await, 2);
    // A run that crashed between deleting the third object and recording it.
    let third = &id_docs[2];
    std::fs::remove_file(app.data_dir.join("files").join(third)).expect("delete the object");
    kene::run!(app.db(), |pool| sqlx::query(
        "UPDATE files SET purge_started_at = $1 WHERE storage_key = $2"
    )
    .bind(app.state.now_ms())
    .bind(third)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))
    .expect("mark the third file");
    // The re-run finishes: every ID document once, nothing else.
    let rest = kene::personal_data::retention::purge(&app.state, None)
        .await
        .expect("purge");
    assert_eq!(rest.len(), id_docs.len() - 2);
    assert_eq!(id_documents_purged(&app).await, id_docs.len() as i64);
    assert!(id_docs.iter().all(|k| !exists(k)), "ID documents deleted");
    assert!(others.iter().all(|k| exists(k)), "other uploads kept");
    assert_eq!(
        app.scalar_i64("SELECT CAST(COUNT(*) AS BIGINT) FROM files WHERE id_document = FALSE AND purged_at IS NOT NULL")
            .await,
        0
    );
    assert_eq!(
        app.scalar_i64(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = 'upload.purged'"
        )
        .await,
        id_docs.len() as i64,
        "each purge audited once"
    );
    assert!(kene::personal_data::retention::purge(&app.state, None)
        .await
        .expect("purge")
        .is_empty());

    // The dossier says the document was deleted, and its link answers so.
    let (file_id, dossier) = app
        .strings(
            "SELECT f.public_id || ' ' || a.public_id FROM files f JOIN applications a ON a.id = f.application_id \
             WHERE f.id_document = TRUE ORDER BY f.id",
        )
        .await[0]
        .split_once(' ')
        .map(|(f, a)| (f.to_owned(), a.to_owned()))
        .expect("two ids");
    let notice = kene::i18n::tr_args(
        kene::i18n::Lang::Fr,
        "pd-file-purged",
        &[("date", "1 août 2026".to_owned())],
    );
    let page = admin.get(&format!("/admin/applications/{dossier}")).await;
    page.assert_contains(&notice);
    assert!(!page.body.contains(&format!("href=\"/files/{file_id}\"")));
    let gone = admin.get(&format!("/files/{file_id}")).await;
    assert_eq!(gone.status, StatusCode::GONE);
    gone.assert_contains(&notice);
    admin
        .get("/admin/retention")
        .await
        .assert_contains(&fr("pd-retention-none"));
    app.finish().await;
}

/// `kene retention purge` as an operator runs it (the real clock: the 2026 results of
/// February 2026 are more than 6 months old).
async fn the_retention_command_lists_then_deletes_the_due_id_documents(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.seed_demo().await;
    let id_docs = app
        .strings("SELECT storage_key FROM files WHERE id_document = TRUE ORDER BY id")
        .await;
    assert!(id_docs.len() >= 3, "the demo's hackathon ID documents");
    let exists = |key: &str| app.data_dir.join("files").join(key).exists();
    let run = |args: &[&str]| {
        let output = app.kene(args);
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(output.status.success(), "kene {args:?}: {stdout}");
        stdout
    };

    // Before any results, the dry run says nothing is scheduled, and nothing goes.
    let listed = run(&["retention", "purge", "--dry-run"]);
    assert_eq!(
        listed
            .matches("not scheduled (results not published)")
            .count(),
        id_docs.len(),
        "{listed}"
    );
    assert!(run(&["retention", "purge"]).contains("0 ID documents purged"));

    publish_2026_results(&app).await;
    let listed = run(&["retention", "purge", "--dry-run"]);
    assert_eq!(
        listed.matches(": due now").count(),
        id_docs.len(),
        "{listed}"
    );
    assert!(
        id_docs.iter().all(|k| exists(k)),
        "a dry run deletes nothing"
    );
    assert_eq!(id_documents_purged(&app).await, 0);

    let first = run(&["retention", "purge", "--limit", "1"]);
    assert!(first.contains("1 ID documents purged"), "{first}");
    assert_eq!(id_documents_purged(&app).await, 1);
    let rest = run(&["retention", "purge"]);
    assert!(
        rest.contains(&format!("{} ID documents purged", id_docs.len() - 1)),
        "{rest}"
    );
    assert!(
        id_docs.iter().all(|k| !exists(k)),
        "every ID document deleted"
    );
    assert_eq!(
        app.scalar_i64(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = 'upload.purged'"
        )
        .await,
        id_docs.len() as i64
    );
    app.finish().await;
}

/// The consent an applicant ticks points to the data-protection notice, which says who holds
/// the data, for how long the ID documents are kept (the configured period) and whom to ask.
async fn the_consent_links_to_a_notice_that_says_how_long_id_documents_are_kept(backend: Backend) {
    let app = TestApp::start_with(backend, |c| c.retention.id_document_months = 4).await;
    let (client, id) = applicant_with_draft(&app).await;
    let step = client.get(&format!("/applications/{id}/edit/3")).await;
    assert_eq!(
        step.tag_attr("<a href=\"/privacy\" target=\"_blank\"", "id")
            .as_deref(),
        Some("f-consent-privacy"),
        "{}",
        step.body
    );
    let notice = app.client().get("/privacy").await;
    assert_eq!(notice.status, StatusCode::OK);
    let kept = notice
        .element_text("privacy-id-documents")
        .unwrap_or_default();
    assert!(kept.contains("4 mois"), "{kept}");
    assert!(notice
        .element_text("privacy-controller")
        .is_some_and(|c| c.contains(&fr("privacy-controller"))));
    assert!(
        notice
            .body
            .contains("href=\"mailto:info@semainedunumerique.gouv.ml\""),
        "{}",
        notice.body
    );
}

/// The rules the consent accepts are a page of the call, linked from the call page and from
/// the consent itself; a track without written rules has no such page.
async fn the_consent_links_to_the_rules_of_the_competition(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (client, id) = applicant_with_draft(&app).await;
    let rules_url = "/calls/sdn-2027/startups/rules";
    let step = client.get(&format!("/applications/{id}/edit/3")).await;
    assert_eq!(
        step.tag_attr(&format!("<a href=\"{rules_url}\" target=\"_blank\""), "id")
            .as_deref(),
        Some("f-consent-regulations"),
        "{}",
        step.body
    );
    let visitor = app.client();
    let call = visitor.get("/calls/sdn-2027/startups").await;
    assert_eq!(
        call.tag_attr(&format!("<a href=\"{rules_url}\""), "id")
            .as_deref(),
        Some("regulations-link")
    );
    let rules = visitor.get(rules_url).await;
    assert_eq!(rules.status, StatusCode::OK);
    rules.assert_contains(&fr("regulations-title"));
    let text = crate::support::unescape(&rules.body);
    // The track's own conditions and the deadline rule, as the call states them.
    assert!(text.contains("pays de l'AES"), "{text}");
    assert!(text.contains("heure de Bamako"), "{text}");
    assert!(text.contains("prix spécial"), "{text}");
    visitor.get("/lang/en?next=/").await;
    let english = visitor.get(rules_url).await;
    assert!(english.body.contains("Bamako time"), "{}", english.body);
    assert_eq!(
        app.client()
            .get("/calls/sdn-2027/nowhere/rules")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // Without written rules, neither the page nor the links.
    app.exec("UPDATE tracks SET regulations_fr = '', regulations_en = ''")
        .await;
    let none = app.client();
    assert_eq!(none.get(rules_url).await.status, StatusCode::NOT_FOUND);
    assert!(!none
        .get("/calls/sdn-2027/startups")
        .await
        .body
        .contains(rules_url));
}
