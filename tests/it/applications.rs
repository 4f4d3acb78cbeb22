//! Applying on the open 2027 start-up track: sections, team members, upload, review,
//! submit, receipt; bad input; the exact deadline; double submit; other people's dossiers;
//! a form changed while a draft is open; HTML typed into fields.

use kene::i18n::Say;
use reqwest::StatusCode;
use sha2::{Digest, Sha256};

use crate::support::{fr, small_pdf, Backend, TestApp, TestClient};

pub const PASSWORD: &str = "mot-de-passe-solide";
pub const APPLY_URL: &str = "/calls/sdn-2027/startups/apply";

/// Starts an application on the start-up track; returns its public id.
pub async fn start_application(client: &TestClient) -> String {
    let page = client.get("/calls/sdn-2027/startups").await;
    assert_eq!(page.status, StatusCode::OK, "track page");
    assert!(
        page.body.contains(&format!("action=\"{APPLY_URL}\"")),
        "apply button:\n{}",
        page.body
    );
    let page = client.post_form(APPLY_URL, &[]).await;
    let target = page.redirect_target().unwrap_or_else(|| {
        panic!(
            "apply should redirect, got {}: {}",
            page.status,
            page.text()
        )
    });
    let id = target
        .strip_prefix("/applications/")
        .and_then(|rest| rest.strip_suffix("/edit/0"))
        .unwrap_or_else(|| panic!("unexpected redirect {target}"))
        .to_owned();
    assert_eq!(
        client.get(&target).await.status,
        StatusCode::OK,
        "first section"
    );
    id
}

/// Answers of the start-up form's first three sections (company, project, team).
pub fn company_section(company: &str) -> Vec<(String, String)> {
    pairs(&[
        ("applicant_kind", "company"),
        ("company_name", company),
        ("country", "ML"),
        ("founded_on", "2021-03-15"),
        ("website", "https://sahelsante.example.ml"),
        ("contact_email", "contact@sahelsante.example.ml"),
        ("contact_phone", "70 11 22 33"),
    ])
}

pub fn project_section(title: &str) -> Vec<(String, String)> {
    pairs(&[
        ("project_title", title),
        (
            "summary",
            "Des rendez-vous médicaux par SMS pour les centres de santé communautaires.",
        ),
        ("domain", "e_health"),
        (
            "innovation",
            "Fonctionne sur un téléphone simple, sans connexion Internet.",
        ),
        (
            "growth_potential",
            "Mille centres de santé au Mali, puis le Burkina Faso et le Niger.",
        ),
        ("awards", ""),
    ])
}

pub fn team_section() -> Vec<(String, String)> {
    pairs(&[
        ("team[0][name]", "Aminata Diarra"),
        ("team[0][role]", "Directrice"),
        ("team[0][gender]", "f"),
        ("team[0][age]", "29"),
        ("team[0][nationality]", "ML"),
        ("team[1][name]", "Moussa Traoré"),
        ("team[1][role]", "Développeur"),
        ("team[1][gender]", "m"),
        ("team[1][age]", "31"),
        ("team[1][nationality]", "BF"),
        ("leader_gender", "f"),
    ])
}

pub fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// Posts one section with `action=next` and asserts the redirect to `expected`.
pub async fn save_section(
    client: &TestClient,
    id: &str,
    n: usize,
    fields: &[(String, String)],
    expected: &str,
) {
    let mut all = fields.to_vec();
    all.push(("action".into(), "next".into()));
    let page = client
        .post_form_owned(&format!("/applications/{id}/edit/{n}"), &all)
        .await;
    let target = page.redirect_target().unwrap_or_else(|| {
        panic!(
            "section {n} should be accepted, got {}:\n{}",
            page.status,
            page.text()
        )
    });
    assert_eq!(target, expected, "after section {n}");
}

/// Fills every section, uploads the technical sheet, and lands on the review page.
pub async fn fill_startup_application(client: &TestClient, id: &str, title: &str) {
    let base = format!("/applications/{id}");
    save_section(
        client,
        id,
        0,
        &company_section("SahelSanté SARL"),
        &format!("{base}/edit/1"),
    )
    .await;
    save_section(
        client,
        id,
        1,
        &project_section(title),
        &format!("{base}/edit/2"),
    )
    .await;
    save_section(client, id, 2, &team_section(), &format!("{base}/edit/3")).await;
    let page = client
        .upload(
            &format!("{base}/files/technical_sheet"),
            small_pdf("Fiche technique"),
            "fiche-technique.pdf",
        )
        .await;
    let target = page.redirect_target().unwrap_or_else(|| {
        panic!(
            "upload should be accepted, got {}:\n{}",
            page.status,
            page.text()
        )
    });
    assert!(target.starts_with(&format!("{base}/edit/3")), "{target}");
    save_section(
        client,
        id,
        3,
        &pairs(&[("consent", "yes")]),
        &format!("{base}/review"),
    )
    .await;
}

pub async fn track_closes_at(app: &TestApp) -> i64 {
    app.scalar_i64(
        "SELECT CAST(t.closes_at AS BIGINT) FROM tracks t JOIN editions e ON e.id = t.edition_id \
         WHERE e.slug = 'sdn-2027' AND t.slug = 'startups'",
    )
    .await
}

pub async fn application_field(app: &TestApp, id: &str, column: &str) -> Option<String> {
    let sql = format!("SELECT CAST({column} AS TEXT) FROM applications WHERE public_id = $1");
    let rows = kene::run!(&app.state.db, |pool| {
        sqlx::query_scalar::<_, Option<String>>(&sql)
            .bind(id)
            .fetch_one(pool)
            .await
    })
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
    rows
}

pub async fn versions_of(app: &TestApp, id: &str) -> i64 {
    kene::run!(&app.state.db, |pool| sqlx::query_scalar::<_, i64>(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM application_versions v JOIN applications a ON a.id = v.application_id \
         WHERE a.public_id = $1"
    )
    .bind(id)
    .fetch_one(pool)
    .await)
    .expect("count versions")
}

both_dbs!(
    full_application_on_the_open_startup_track,
    section_errors_are_shown_next_to_fields_and_typed_values_kept,
    submit_one_second_after_the_close_is_refused_and_the_draft_kept,
    a_call_closing_at_23_59_accepts_23_59_30_and_refuses_midnight,
    double_submit_and_double_apply_make_one_application,
    another_applicant_gets_404_for_someone_elses_dossier_and_files,
    a_form_changed_by_organisers_carries_the_draft_over,
    html_typed_into_fields_is_rendered_inert,
    resubmitting_keeps_the_reference_and_every_version_and_withdrawing_ends_it,
    missing_answers_are_listed_in_the_order_of_the_form,
    saving_a_draft_says_when_and_the_main_button_comes_first,
);

async fn full_application_on_the_open_startup_track(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.seed_demo().await;
    let client = app
        .signup_and_verify(
            "Aminata Diarra",
            "aminata@exemple.ml",
            "aminata@exemple.ml",
            PASSWORD,
        )
        .await;
    let calls = client.get("/calls").await;
    assert_eq!(calls.status, StatusCode::OK);
    assert!(
        calls.body.contains("/calls/sdn-2027/startups"),
        "the open 2027 track is listed:\n{}",
        calls.body
    );
    let id = start_application(&client).await;
    fill_startup_application(&client, &id, "SahelSanté : rendez-vous par SMS").await;

    // The draft is on the server, team members included.
    assert_eq!(
        application_field(&app, &id, "status").await.as_deref(),
        Some("draft")
    );
    let answers = application_field(&app, &id, "answers_json")
        .await
        .expect("answers");
    assert!(
        answers.contains("Aminata Diarra") && answers.contains("Moussa Traoré"),
        "{answers}"
    );

    let review = client.get(&format!("/applications/{id}/review")).await;
    assert_eq!(review.status, StatusCode::OK);
    review.assert_contains("SahelSanté : rendez-vous par SMS");
    review.assert_contains("fiche-technique.pdf");
    assert!(
        review
            .body
            .contains(&format!("action=\"/applications/{id}/submit\"")),
        "the review page offers to submit:\n{}",
        review.body
    );

    let page = client
        .post_form(&format!("/applications/{id}/submit"), &[])
        .await;
    assert_eq!(
        page.redirect_target().as_deref(),
        Some(format!("/applications/{id}/receipt").as_str())
    );
    let receipt = client.get(&format!("/applications/{id}/receipt")).await;
    assert_eq!(receipt.status, StatusCode::OK);
    receipt.assert_contains("SDN27-STA-0001");
    // Whose clock the time is read on, and a way to print it (shown by the script).
    receipt.assert_contains("(heure de Bamako)");
    receipt.assert_contains(&format!(
        "<button type=\"button\" class=\"link\" data-print hidden>{}</button>",
        crate::support::fr("receipt-print")
    ));

    // Stored: submitted, one version, the reference, women-led (leader is a woman).
    assert_eq!(
        application_field(&app, &id, "status").await.as_deref(),
        Some("submitted")
    );
    assert_eq!(
        application_field(&app, &id, "reference").await.as_deref(),
        Some("SDN27-STA-0001")
    );
    let women_led = app
        .scalar_i64("SELECT CAST(COUNT(*) AS BIGINT) FROM applications WHERE reference = 'SDN27-STA-0001' AND women_led = TRUE")
        .await;
    assert_eq!(women_led, 1, "women-led flag stored");
    assert_eq!(versions_of(&app, &id).await, 1);
    let sha = app
        .strings("SELECT f.sha256 FROM files f JOIN applications a ON a.id = f.application_id WHERE a.reference = 'SDN27-STA-0001'")
        .await;
    assert_eq!(
        sha,
        vec![hex::encode(Sha256::digest(small_pdf("Fiche technique")))],
        "SHA-256 recorded"
    );

    // The receipt arrives by e-mail through the SMTP sink.
    let mail = app.wait_mail("aminata@exemple.ml", "SDN27-STA-0001").await;
    assert!(mail.subject.contains("SDN27-STA-0001") || mail.body.contains("SDN27-STA-0001"));
    // Signed by the event, with its contact.
    assert!(
        mail.body
            .contains("— Semaine du Numérique\nMinistère de la Communication")
            && mail.body.contains("info@semainedunumerique.gouv.ml"),
        "{}",
        mail.body
    );
    // My applications lists it.
    let mine = client.get("/applications").await;
    mine.assert_contains("SDN27-STA-0001");
    app.finish().await;
}

async fn section_errors_are_shown_next_to_fields_and_typed_values_kept(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.seed_demo().await;
    let client = app
        .signup_and_verify("Oumar", "oumar@exemple.ml", "oumar@exemple.ml", PASSWORD)
        .await;
    let id = start_application(&client).await;
    let long_name = "X".repeat(201);
    let mut fields = company_section(&long_name);
    for (k, v) in fields.iter_mut() {
        match k.as_str() {
            "contact_email" => *v = "pas-une-adresse".into(),
            "contact_phone" => *v = "+223 70 11".into(),
            "founded_on" => *v = "2021-02-30".into(),
            "country" => *v = "FR".into(),
            _ => {}
        }
    }
    fields.push(("action".into(), "next".into()));
    let page = client
        .post_form_owned(&format!("/applications/{id}/edit/0"), &fields)
        .await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.text()
    );
    page.assert_contains(&fr("form-has-errors"));
    for field in [
        "company_name",
        "contact_email",
        "contact_phone",
        "founded_on",
        "country",
    ] {
        let message = page.element_text(&format!("f-{field}-error"));
        assert!(
            message.as_deref().is_some_and(|m| !m.trim().is_empty()),
            "{field}: an error message next to the field:\n{}",
            page.body
        );
    }
    assert_eq!(
        page.element_text("f-contact_phone-error"),
        Some(
            kene::domain::types::PhoneNumber::parse("+223 70 11")
                .expect_err("invalid")
                .message(kene::i18n::Lang::Fr)
        )
    );
    assert_eq!(
        page.input_value("contact_email").as_deref(),
        Some("pas-une-adresse"),
        "typed e-mail kept"
    );
    assert_eq!(
        page.input_value("contact_phone").as_deref(),
        Some("+223 70 11"),
        "typed phone kept"
    );
    // The page is in English when the visitor chose English.
    client.get("/lang/en?next=/").await;
    let page = client
        .post_form_owned(&format!("/applications/{id}/edit/0"), &fields)
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(&kene::i18n::tr(kene::i18n::Lang::En, "form-has-errors"));
    // A required field left empty: the draft is saved (applicants may stop half-way), the
    // review page links to the missing field, and submitting is refused.
    client.get("/lang/fr?next=/").await;
    let mut missing = company_section("");
    missing.push(("action".into(), "next".into()));
    let page = client
        .post_form_owned(&format!("/applications/{id}/edit/0"), &missing)
        .await;
    assert!(page.status.is_redirection() || page.status == StatusCode::UNPROCESSABLE_ENTITY);
    let review = client.get(&format!("/applications/{id}/review")).await;
    assert_eq!(review.status, StatusCode::OK);
    review.assert_contains(&fr("review-missing"));
    assert!(
        review
            .body
            .contains(&format!("/applications/{id}/edit/0#f-company_name")),
        "the review page links to the missing field:\n{}",
        review.body
    );
    assert!(
        !review
            .body
            .contains(&format!("action=\"/applications/{id}/submit\"")),
        "no submit button yet"
    );
    let page = client
        .post_form(&format!("/applications/{id}/submit"), &[])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(&fr("submit-incomplete"));
    // An oversized request body is refused whole; the draft is unchanged.
    let before = application_field(&app, &id, "answers_json").await;
    let huge = "a".repeat(3 * 1024 * 1024);
    let mut fields = project_section("Énorme");
    for (k, v) in fields.iter_mut() {
        if k == "summary" {
            v.clone_from(&huge);
        }
    }
    let token = client.csrf().await;
    let mut raw: Vec<(&str, &str)> = vec![("csrf", token.as_str()), ("action", "save")];
    raw.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    match client
        .on_own_connections()
        .try_post_form_raw(&format!("/applications/{id}/edit/1"), &raw)
        .await
    {
        Ok(page) => {
            assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
            page.assert_contains(&fr("error-too-large"));
        }
        // The server may answer 413 before reading the body and close the connection while
        // the client is still sending; the browser's maxlength keeps real users far below.
        Err(e) => eprintln!("3 MB form cut off by the server: {e}"),
    }
    assert_eq!(
        application_field(&app, &id, "answers_json").await,
        before,
        "nothing saved"
    );
    // An over-long text (within the body limit) is refused next to its field, text kept.
    let long = "b".repeat(2001);
    let mut fields = project_section("Trop long");
    for (k, v) in fields.iter_mut() {
        if k == "summary" {
            v.clone_from(&long);
        }
    }
    fields.push(("action".into(), "next".into()));
    let page = client
        .post_form_owned(&format!("/applications/{id}/edit/1"), &fields)
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.element_text("f-summary-error").is_some(),
        "{}",
        page.body
    );
    assert_eq!(
        page.element_text("f-summary").as_deref(),
        Some(long.as_str()),
        "typed text kept"
    );
    // Nothing was submitted, no reference was taken.
    assert_eq!(
        application_field(&app, &id, "status").await.as_deref(),
        Some("draft")
    );
    assert_eq!(application_field(&app, &id, "reference").await, None);
    app.finish().await;
}

async fn submit_one_second_after_the_close_is_refused_and_the_draft_kept(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.seed_demo().await;
    // The applicants work in the last hour of the call (sessions are not 30 days old).
    let closes_at = track_closes_at(&app).await;
    app.clock
        .set(jiff::Timestamp::from_millisecond(closes_at - 3_600_000).expect("instant"));
    let early = app
        .signup_and_verify("Awa", "awa@exemple.ml", "awa@exemple.ml", PASSWORD)
        .await;
    let late = app
        .signup_and_verify(
            "Ibrahim",
            "ibrahim@exemple.ml",
            "ibrahim@exemple.ml",
            PASSWORD,
        )
        .await;
    let early_id = start_application(&early).await;
    fill_startup_application(&early, &early_id, "Projet à l'heure").await;
    let late_id = start_application(&late).await;
    fill_startup_application(&late, &late_id, "Projet en retard").await;
    // The review page shows the time left.
    let review = late.get(&format!("/applications/{late_id}/review")).await;
    review.assert_contains(&fr("time-left"));

    // One second before the close: accepted.
    app.clock
        .set(jiff::Timestamp::from_millisecond(closes_at - 1000).expect("instant"));
    let page = early
        .post_form(&format!("/applications/{early_id}/submit"), &[])
        .await;
    assert_eq!(
        page.redirect_target().as_deref(),
        Some(format!("/applications/{early_id}/receipt").as_str()),
        "submitted one second before the close: {} {}",
        page.status,
        page.text()
    );

    // One second after: refused with a clear message, the draft intact.
    let answers_before = application_field(&app, &late_id, "answers_json").await;
    app.clock
        .set(jiff::Timestamp::from_millisecond(closes_at + 1000).expect("instant"));
    let page = late
        .post_form(&format!("/applications/{late_id}/submit"), &[])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(&fr("submit-too-late"));
    assert_eq!(
        application_field(&app, &late_id, "status").await.as_deref(),
        Some("draft")
    );
    assert_eq!(
        application_field(&app, &late_id, "reference").await,
        None,
        "no reference taken"
    );
    assert_eq!(versions_of(&app, &late_id).await, 0, "no version recorded");
    assert_eq!(
        application_field(&app, &late_id, "answers_json").await,
        answers_before,
        "draft intact"
    );
    // Saving a section after the close does not change the draft either.
    let mut fields = project_section("Titre modifié trop tard");
    fields.push(("action".into(), "save".into()));
    let page = late
        .post_form_owned(&format!("/applications/{late_id}/edit/1"), &fields)
        .await;
    assert!(!page.status.is_success() || page.text().contains(&fr("apply-call-closed")));
    assert_eq!(
        application_field(&app, &late_id, "answers_json").await,
        answers_before,
        "draft intact"
    );
    // The review page still shows the answers.
    let review = late.get(&format!("/applications/{late_id}/review")).await;
    assert_eq!(review.status, StatusCode::OK);
    review.assert_contains("Projet en retard");
    app.finish().await;
}

async fn double_submit_and_double_apply_make_one_application(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.seed_demo().await;
    let client = app
        .signup_and_verify("Kadiatou", "76 54 32 10", "+22376543210", PASSWORD)
        .await;
    // Several tabs click "apply" at the same time: one application (one allowed per
    // applicant on this track).
    client.get("/calls/sdn-2027/startups").await;
    let (a, b, c, d) = tokio::join!(
        client.post_form(APPLY_URL, &[]),
        client.post_form(APPLY_URL, &[]),
        client.post_form(APPLY_URL, &[]),
        client.post_form(APPLY_URL, &[])
    );
    for page in [&a, &b, &c, &d] {
        assert!(
            page.status.is_redirection(),
            "{} {}",
            page.status,
            page.text()
        );
    }
    let drafts = app
        .strings("SELECT a.public_id FROM applications a JOIN users u ON u.id = a.applicant_id WHERE u.phone = '+22376543210'")
        .await;
    assert_eq!(
        drafts.len(),
        1,
        "two simultaneous clicks on apply make one application"
    );
    let id = drafts[0].clone();
    // Applying a second time brings the applicant back to the same application.
    let page = client.post_form(APPLY_URL, &[]).await;
    let target = page.redirect_target().expect("redirect");
    assert!(
        target.starts_with(&format!("/applications/{id}")),
        "back to the same application: {target}"
    );
    fill_startup_application(&client, &id, "Deux onglets").await;

    // Two tabs submit at once, then the browser retries the POST.
    let submit = format!("/applications/{id}/submit");
    let (a, b) = tokio::join!(
        client.post_form(&submit, &[]),
        client.post_form(&submit, &[])
    );
    let retry = client.post_form(&submit, &[]).await;
    let receipt = format!("/applications/{id}/receipt");
    for page in [&a, &b, &retry] {
        assert_eq!(
            page.redirect_target().as_deref(),
            Some(receipt.as_str()),
            "{} {}",
            page.status,
            page.text()
        );
    }
    let user_apps = app
        .scalar_i64("SELECT CAST(COUNT(*) AS BIGINT) FROM applications a JOIN users u ON u.id = a.applicant_id WHERE u.phone = '+22376543210'")
        .await;
    assert_eq!(user_apps, 1, "one application");
    assert_eq!(versions_of(&app, &id).await, 1, "one submitted version");
    let refs = app
        .strings("SELECT reference FROM applications WHERE reference LIKE 'SDN27-STA-%'")
        .await;
    assert_eq!(refs, vec!["SDN27-STA-0001".to_owned()], "one reference");
    // The receipt goes out once, by SMS.
    app.wait_sms("+22376543210", "SDN27-STA-0001").await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let receipts = app
        .sms
        .requests()
        .iter()
        .filter(|r| r.raw_body.contains("SDN27-STA-0001"))
        .count();
    assert_eq!(receipts, 1, "one receipt SMS");
    app.finish().await;
}

async fn another_applicant_gets_404_for_someone_elses_dossier_and_files(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.seed_demo().await;
    let owner = app
        .signup_and_verify(
            "Salimata",
            "salimata@exemple.ml",
            "salimata@exemple.ml",
            PASSWORD,
        )
        .await;
    let id = start_application(&owner).await;
    fill_startup_application(&owner, &id, "Mon dossier").await;
    let file_id = app
        .strings_with(
            "SELECT f.public_id FROM files f JOIN applications a ON a.id = f.application_id WHERE a.public_id = $1",
            &id,
        )
        .await
        .pop()
        .expect("uploaded file");
    // The owner can download the file.
    let own = owner.get(&format!("/files/{file_id}")).await;
    assert_eq!(own.status, StatusCode::OK);
    assert_eq!(own.bytes, small_pdf("Fiche technique"));

    let intruder = app
        .signup_and_verify("Adama", "adama@exemple.ml", "adama@exemple.ml", PASSWORD)
        .await;
    for path in [
        format!("/applications/{id}"),
        format!("/applications/{id}/edit/0"),
        format!("/applications/{id}/review"),
        format!("/applications/{id}/receipt"),
        format!("/files/{file_id}"),
        format!("/admin/applications/{id}"),
    ] {
        let page = intruder.get(&path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "GET {path}");
        assert!(
            !page.body.contains("Mon dossier"),
            "nothing leaks on {path}"
        );
    }
    for path in [
        format!("/applications/{id}/edit/0"),
        format!("/applications/{id}/submit"),
        format!("/applications/{id}/withdraw"),
    ] {
        let page = intruder
            .post_form(&path, &[("project_title", "Piraté"), ("action", "save")])
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "POST {path}");
    }
    let page = intruder
        .upload(
            &format!("/applications/{id}/files/technical_sheet"),
            small_pdf("x"),
            "x.pdf",
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::NOT_FOUND,
        "upload into someone else's dossier"
    );
    // Anonymous visitors are sent to the login page.
    let anonymous = app.client();
    let page = anonymous.get(&format!("/files/{file_id}")).await;
    assert!(
        page.redirect_target()
            .is_some_and(|t| t.starts_with("/login")),
        "{}",
        page.status
    );
    // Nothing changed.
    assert_eq!(
        application_field(&app, &id, "status").await.as_deref(),
        Some("draft")
    );
    let answers = application_field(&app, &id, "answers_json")
        .await
        .expect("answers");
    assert!(!answers.contains("Piraté"));
    assert_eq!(
        app.count("files").await - 1,
        seeded_files(&app).await,
        "no file added"
    );
    app.finish().await;
}

/// Files of the seeded 2026 sample applications.
pub async fn seeded_files(app: &TestApp) -> i64 {
    app.scalar_i64(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM files f JOIN applications a ON a.id = f.application_id \
         JOIN tracks t ON t.id = a.track_id JOIN editions e ON e.id = t.edition_id WHERE e.slug = 'sdn-2026'",
    )
    .await
}

/// Saves the start-up track with a changed form through the back office.
pub async fn change_startup_form(
    admin: &TestClient,
    app: &TestApp,
    form: &kene::domain::form::FormDefinition,
) {
    let track_id = app
        .scalar_i64(
            "SELECT CAST(t.id AS BIGINT) FROM tracks t JOIN editions e ON e.id = t.edition_id \
             WHERE e.slug = 'sdn-2027' AND t.slug = 'startups'",
        )
        .await;
    let path = format!("/admin/tracks/{track_id}");
    let page = admin.get(&path).await;
    assert_eq!(
        page.status,
        StatusCode::OK,
        "track editor:\n{}",
        page.text()
    );
    let value = |name: &str| {
        page.input_value(name)
            .or_else(|| page.element_text(name))
            .unwrap_or_else(|| panic!("no {name} in the track editor"))
    };
    let fields = vec![
        ("name_fr".to_owned(), value("name_fr")),
        ("name_en".to_owned(), value("name_en")),
        ("description_fr".to_owned(), value("description_fr")),
        ("description_en".to_owned(), value("description_en")),
        ("opens_at".to_owned(), value("opens_at")),
        ("closes_at".to_owned(), value("closes_at")),
        ("max_per_applicant".to_owned(), value("max_per_applicant")),
        (
            "form_json".to_owned(),
            serde_json::to_string(form).expect("form JSON"),
        ),
        ("rules_json".to_owned(), value("rules_json")),
        ("version".to_owned(), value("version")),
    ];
    let page = admin.post_form_owned(&path, &fields).await;
    assert!(
        page.status.is_redirection(),
        "track saved: {} {}",
        page.status,
        page.text()
    );
}

async fn a_form_changed_by_organisers_carries_the_draft_over(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let client = app
        .signup_and_verify(
            "Assétou",
            "assetou@exemple.ml",
            "assetou@exemple.ml",
            PASSWORD,
        )
        .await;
    let id = start_application(&client).await;
    let base = format!("/applications/{id}");
    save_section(
        &client,
        &id,
        0,
        &company_section("Kalanko SA"),
        &format!("{base}/edit/1"),
    )
    .await;
    save_section(
        &client,
        &id,
        1,
        &project_section("Kalanko"),
        &format!("{base}/edit/2"),
    )
    .await;

    // The organisers add a required field to the project section and drop "awards".
    let mut form = kene::domain::seed_forms::startup_form();
    let project = &mut form.sections[1];
    project.fields.retain(|f| f.key != "awards");
    project.fields.push(kene::domain::form::Field {
        key: "pitch_url".into(),
        label: kene::domain::types::Localized::new(
            "Lien vers la vidéo de présentation",
            "Pitch video link",
        ),
        help: None,
        required: true,
        personal: false,
        shown_when: None,
        kind: kene::domain::form::FieldKind::Url,
    });
    change_startup_form(&admin, &app, &form).await;

    // The applicant is told, and keeps the answers typed so far.
    let overview = client.get(&base).await;
    assert_eq!(overview.status, StatusCode::OK);
    overview.assert_contains(&fr("form-changed"));
    let section0 = client.get(&format!("{base}/edit/0")).await;
    assert_eq!(
        section0.input_value("company_name").as_deref(),
        Some("Kalanko SA")
    );
    let section1 = client.get(&format!("{base}/edit/1")).await;
    assert_eq!(
        section1.input_value("project_title").as_deref(),
        Some("Kalanko")
    );
    assert!(
        section1.body.contains("name=\"pitch_url\""),
        "the new field is asked for"
    );

    // Finishing the application: the new field is required before submitting.
    save_section(&client, &id, 2, &team_section(), &format!("{base}/edit/3")).await;
    let page = client
        .upload(
            &format!("{base}/files/technical_sheet"),
            small_pdf("Fiche"),
            "fiche.pdf",
        )
        .await;
    assert!(page.status.is_redirection(), "{}", page.text());
    save_section(
        &client,
        &id,
        3,
        &pairs(&[("consent", "yes")]),
        &format!("{base}/review"),
    )
    .await;
    let review = client.get(&format!("{base}/review")).await;
    review.assert_contains("Lien vers la vidéo de présentation");
    let page = client.post_form(&format!("{base}/submit"), &[]).await;
    assert!(
        !page.status.is_redirection(),
        "incomplete after the form change"
    );
    assert_eq!(
        application_field(&app, &id, "status").await.as_deref(),
        Some("draft")
    );
    let mut project = project_section("Kalanko");
    project.retain(|(k, _)| k != "awards");
    project.push((
        "pitch_url".into(),
        "https://video.example.ml/kalanko".into(),
    ));
    save_section(&client, &id, 1, &project, &format!("{base}/edit/2")).await;
    let page = client.post_form(&format!("{base}/submit"), &[]).await;
    assert_eq!(
        page.redirect_target(),
        Some(format!("{base}/receipt")),
        "{}",
        page.text()
    );
    let version = app
        .scalar_i64(
            "SELECT CAST(v.form_version AS BIGINT) FROM application_versions v JOIN applications a ON a.id = v.application_id \
             WHERE a.reference = 'SDN27-STA-0001'",
        )
        .await;
    assert_eq!(
        version, 2,
        "the submission keeps the form version it answered"
    );
    app.finish().await;
}

pub const SCRIPT: &str = "<script>alert('xss')</script>";
pub const IMG: &str = "\"><img src=x onerror=alert(1)>";

async fn html_typed_into_fields_is_rendered_inert(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let name = format!("Awa {SCRIPT}");
    let client = app
        .signup_and_verify(&name, "awa.xss@exemple.ml", "awa.xss@exemple.ml", PASSWORD)
        .await;
    let id = start_application(&client).await;
    let base = format!("/applications/{id}");
    save_section(
        &client,
        &id,
        0,
        &company_section(&format!("Société {IMG}")),
        &format!("{base}/edit/1"),
    )
    .await;
    let title = format!("Projet {SCRIPT}");
    save_section(
        &client,
        &id,
        1,
        &project_section(&title),
        &format!("{base}/edit/2"),
    )
    .await;
    save_section(&client, &id, 2, &team_section(), &format!("{base}/edit/3")).await;
    client
        .upload(
            &format!("{base}/files/technical_sheet"),
            small_pdf("x"),
            "<b>fiche</b>.pdf",
        )
        .await;
    save_section(
        &client,
        &id,
        3,
        &pairs(&[("consent", "yes")]),
        &format!("{base}/review"),
    )
    .await;
    let page = client.post_form(&format!("{base}/submit"), &[]).await;
    assert!(page.status.is_redirection(), "{}", page.text());

    let dossier = format!("/admin/applications/{id}");
    let mut pages = vec![
        (format!("{base}/edit/0"), &client),
        (format!("{base}/edit/1"), &client),
        (format!("{base}/edit/3"), &client),
        (format!("{base}/review"), &client),
        (format!("{base}/receipt"), &client),
        (base.clone(), &client),
        ("/applications".to_owned(), &client),
        ("/admin/editions/sdn-2027/applications".to_owned(), &admin),
        (
            "/admin/editions/sdn-2027/applications?q=Projet".to_owned(),
            &admin,
        ),
        ("/admin/audit".to_owned(), &admin),
    ];
    pages.push((dossier, &admin));
    for (path, who) in pages {
        let page = who.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "GET {path}");
        for raw in ["<script>alert", "<img src=x", "<b>fiche</b>"] {
            assert!(
                !page.body.contains(raw),
                "{path} contains raw {raw:?}:\n{}",
                page.body
            );
        }
    }
    let review = client.get(&format!("{base}/review")).await;
    review.assert_contains(&title);
    let listing = admin.get("/admin/editions/sdn-2027/applications").await;
    assert!(
        listing.text().contains(&title),
        "the text is shown, escaped:\n{}",
        listing.body
    );
    // The CSV export keeps the text as text.
    let csv = admin.get("/admin/editions/sdn-2027/applications.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.contains(&title), "the CSV holds the typed text");
    app.finish().await;
}

async fn resubmitting_keeps_the_reference_and_every_version_and_withdrawing_ends_it(
    backend: Backend,
) {
    let app = TestApp::start(backend).await;
    app.seed_demo().await;
    let client = app
        .signup_and_verify("Oumou", "oumou@exemple.ml", "oumou@exemple.ml", PASSWORD)
        .await;
    let id = start_application(&client).await;
    let base = format!("/applications/{id}");
    fill_startup_application(&client, &id, "Première version").await;
    let page = client.post_form(&format!("{base}/submit"), &[]).await;
    assert!(page.status.is_redirection());
    // Coming back before the close: edit and submit again.
    save_section(
        &client,
        &id,
        1,
        &project_section("Deuxième version"),
        &format!("{base}/edit/2"),
    )
    .await;
    // Each edit page says what still counts meanwhile.
    let step = client.get(&format!("{base}/edit/2")).await;
    assert_eq!(
        step.element_text("submitted-still-counts").as_deref(),
        Some(
            kene::i18n::tr_args(
                kene::i18n::Lang::Fr,
                "edit-submitted-still-counts",
                &[("version", "1".to_owned())]
            )
            .as_str()
        )
    );
    let review = client.get(&format!("{base}/review")).await;
    review.assert_contains("Deuxième version");
    let page = client.post_form(&format!("{base}/submit"), &[]).await;
    assert_eq!(page.redirect_target(), Some(format!("{base}/receipt")));
    assert_eq!(versions_of(&app, &id).await, 2, "both versions are kept");
    let step = client.get(&format!("{base}/edit/0")).await;
    assert!(
        step.element_text("submitted-still-counts")
            .is_some_and(|t| t.contains("(version 2)")),
        "{}",
        step.body
    );
    assert_eq!(
        application_field(&app, &id, "reference").await.as_deref(),
        Some("SDN27-STA-0001"),
        "same reference"
    );
    let receipt = client.get(&format!("{base}/receipt")).await;
    receipt.assert_contains("SDN27-STA-0001");
    let answers = app
        .strings(
            "SELECT v.answers_json FROM application_versions v JOIN applications a ON a.id = v.application_id \
             WHERE a.reference = 'SDN27-STA-0001' ORDER BY v.version",
        )
        .await;
    assert!(answers[0].contains("Première version") && answers[1].contains("Deuxième version"));
    // Withdrawing.
    let page = client.post_form(&format!("{base}/withdraw"), &[]).await;
    assert!(page.status.is_redirection(), "{}", page.text());
    assert_eq!(
        application_field(&app, &id, "status").await.as_deref(),
        Some("withdrawn")
    );
    let page = client.post_form(&format!("{base}/submit"), &[]).await;
    assert!(
        !page.status.is_redirection(),
        "a withdrawn application cannot be submitted"
    );
    assert_eq!(
        application_field(&app, &id, "status").await.as_deref(),
        Some("withdrawn")
    );
    assert_eq!(versions_of(&app, &id).await, 2);
    app.finish().await;
}

/// "Jusqu'au 19 janvier à 23h59" includes that minute: an organiser who types 23:59 gets a
/// call open through 23:59:59.999, shown as 23:59 on every page, refused from 00:00:00.000.
async fn a_call_closing_at_23_59_accepts_23_59_30_and_refuses_midnight(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (email, password) = app.seed_demo().await;
    let admin = app.client();
    admin.login(&email, &password).await;
    let track = crate::edits::startup_track(&app).await;
    let path = format!("/admin/tracks/{track}");
    let page = admin.get(&path).await;
    let mut fields = crate::edits::track_fields(&page);
    let day = fields
        .iter()
        .find(|(k, _)| k == "closes_at")
        .map(|(_, v)| v[..10].to_owned())
        .expect("closing input");
    for (key, value) in fields.iter_mut() {
        if key == "closes_at" {
            *value = format!("{day}T23:59");
        }
    }
    let page = admin.post_form_owned(&path, &fields).await;
    assert!(page.status.is_redirection(), "save: {}", page.text());
    let midnight = track_closes_at(&app).await;
    let shown_midnight = jiff::Timestamp::from_millisecond(midnight).expect("instant");
    assert_eq!(
        shown_midnight.to_string()[11..],
        *"00:00:00Z",
        "stored as the first instant refused (Bamako is UTC+0)"
    );
    // The organiser sees what they typed again.
    let page = admin.get(&path).await;
    assert_eq!(page.input_value("closes_at"), Some(format!("{day}T23:59")));

    app.clock
        .set(jiff::Timestamp::from_millisecond(midnight - 3_600_000).expect("instant"));
    let (on_time, late) = (
        app.signup_and_verify("Awa", "awa@exemple.ml", "awa@exemple.ml", PASSWORD)
            .await,
        app.signup_and_verify(
            "Ibrahim",
            "ibrahim@exemple.ml",
            "ibrahim@exemple.ml",
            PASSWORD,
        )
        .await,
    );
    let on_time_id = start_application(&on_time).await;
    fill_startup_application(&on_time, &on_time_id, "Projet de la dernière minute").await;
    let late_id = start_application(&late).await;
    fill_startup_application(&late, &late_id, "Projet de minuit").await;
    // Every page states the minute people read: 23:59, not 00:00.
    let public = on_time.get("/calls/sdn-2027/startups").await;
    public.assert_contains(" à 23:59");
    let review = on_time
        .get(&format!("/applications/{on_time_id}/review"))
        .await;
    review.assert_contains(" à 23:59");

    // 23:59:30: accepted.
    app.clock
        .set(jiff::Timestamp::from_millisecond(midnight - 30_000).expect("instant"));
    let page = on_time
        .post_form(&format!("/applications/{on_time_id}/submit"), &[])
        .await;
    assert_eq!(
        page.redirect_target().as_deref(),
        Some(format!("/applications/{on_time_id}/receipt").as_str()),
        "submitted at 23:59:30: {} {}",
        page.status,
        page.text()
    );
    // 00:00:00.000: refused, nothing recorded.
    app.clock
        .set(jiff::Timestamp::from_millisecond(midnight).expect("instant"));
    let page = late
        .post_form(&format!("/applications/{late_id}/submit"), &[])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(&fr("submit-too-late"));
    assert_eq!(
        application_field(&app, &late_id, "status").await.as_deref(),
        Some("draft")
    );
    assert_eq!(versions_of(&app, &late_id).await, 0);
    app.finish().await;
}

/// An empty application's review lists what is missing step by step, as the applicant meets
/// the fields (the consent of the last step last), each linking to its field.
async fn missing_answers_are_listed_in_the_order_of_the_form(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.seed_demo().await;
    let client = app
        .signup_and_verify(
            "Awa",
            "awa.order@exemple.ml",
            "awa.order@exemple.ml",
            PASSWORD,
        )
        .await;
    let id = start_application(&client).await;
    let review = client.get(&format!("/applications/{id}/review")).await;
    let list_start = review
        .body
        .find("id=\"review-missing\"")
        .expect("the missing list");
    let list =
        &review.body[list_start..list_start + review.body[list_start..].find("</ul>").unwrap_or(0)];
    let links: Vec<&str> = list
        .split("<a href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    assert!(links.len() > 3, "{list}");
    let steps: Vec<usize> = links
        .iter()
        .filter_map(|l| l.split("/edit/").nth(1)?.split('#').next()?.parse().ok())
        .collect();
    assert!(
        steps.windows(2).all(|w| w[0] <= w[1]),
        "step by step: {links:?}"
    );
    assert!(
        links.last().is_some_and(|l| l.ends_with("#f-consent")),
        "the last step's consent comes last: {links:?}"
    );
    app.finish().await;
}

/// "Save the draft" shows the time it was saved; the step's main button comes first (the one
/// Enter presses, the one a thumb finds).
async fn saving_a_draft_says_when_and_the_main_button_comes_first(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.seed_demo().await;
    let client = app
        .signup_and_verify(
            "Awa",
            "awa.draft@exemple.ml",
            "awa.draft@exemple.ml",
            PASSWORD,
        )
        .await;
    let id = start_application(&client).await;
    let step = client.get(&format!("/applications/{id}/edit/1")).await;
    let next = step.body.find("value=\"next\"").expect("the main button");
    let save = step.body.find("value=\"save\"").expect("the draft button");
    assert!(next < save, "the main button first");
    assert!(step.element_text("draft-saved").is_none());

    let mut fields = project_section("Brouillon");
    fields.push(("action".into(), "save".into()));
    let page = client
        .post_form_owned(&format!("/applications/{id}/edit/1"), &fields)
        .await;
    let target = page.redirect_target().expect("back to the step");
    let step = client.get(&target).await;
    let saved = step.element_text("draft-saved").expect("the saved notice");
    let time = saved
        .strip_prefix("Brouillon enregistré à ")
        .and_then(|t| t.strip_suffix('.'))
        .unwrap_or_default();
    assert!(
        time.len() == 5
            && time.as_bytes()[2] == b':'
            && time.replace(':', "").chars().all(|c| c.is_ascii_digit()),
        "{saved}"
    );
    app.finish().await;
}
