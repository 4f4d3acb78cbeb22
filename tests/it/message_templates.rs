//! Message templates: organisers edit the receipt, shortlist and results messages per
//! edition and language, preview them with sample values, reset them; the senders use them;
//! bad placeholders, stale forms and non-organisers are refused.

use reqwest::StatusCode;

use crate::applications::{fill_startup_application, start_application, PASSWORD};
use crate::edits::equal_sheet;
use crate::jury::{final_links, prepare_final, FINAL};
use crate::support::{fr, Backend, TestApp, TestClient};

both_dbs!(
    a_custom_french_receipt_reaches_the_applicant_and_english_keeps_the_default,
    the_preview_shows_sample_values_and_saves_nothing,
    a_bad_template_is_refused_with_the_typed_text_kept,
    a_stale_form_is_refused_and_reset_returns_to_the_default,
    someone_who_does_not_organise_the_edition_gets_404,
    finalists_receive_the_results_message_with_an_absolute_link,
);

const RECEIPT_FR: &str = "/admin/editions/sdn-2027/messages/receipt/fr";
const CUSTOM_BODY: &str =
    "Bonjour ! Nous avons bien reçu le dossier { reference } pour { track }, le { when }.";
const CUSTOM_SMS: &str = "Kene : dossier { reference } bien recu.";

fn form(
    subject: &str,
    body: &str,
    sms: &str,
    version: &str,
    action: &str,
) -> Vec<(String, String)> {
    [
        ("subject", subject),
        ("body", body),
        ("sms", sms),
        ("version", version),
        ("action", action),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect()
}

async fn audit_count(app: &TestApp) -> i64 {
    app.scalar_i64(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = 'message_template.changed'",
    )
    .await
}

async fn submit(client: &TestClient, title: &str) {
    let id = start_application(client).await;
    fill_startup_application(client, &id, title).await;
    let page = client
        .post_form(&format!("/applications/{id}/submit"), &[])
        .await;
    assert!(page.status.is_redirection(), "submit: {}", page.text());
}

async fn a_custom_french_receipt_reaches_the_applicant_and_english_keeps_the_default(
    backend: Backend,
) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let list = admin.get("/admin/editions/sdn-2027/messages").await;
    assert_eq!(list.status, StatusCode::OK);
    list.assert_contains(&fr("msgtpl-kind-receipt"));
    let page = admin.get(RECEIPT_FR).await;
    assert_eq!(page.status, StatusCode::OK);
    // The form starts from the default, written with the placeholders.
    assert_eq!(
        page.input_value("subject").as_deref(),
        Some("Candidature { reference } bien reçue")
    );
    let page = admin
        .post_form_owned(
            RECEIPT_FR,
            &form(
                "Dossier { reference } reçu",
                CUSTOM_BODY,
                CUSTOM_SMS,
                "0",
                "save",
            ),
        )
        .await;
    assert_eq!(
        page.redirect_target().as_deref(),
        Some(format!("{RECEIPT_FR}?saved=1").as_str()),
        "{}",
        page.text()
    );
    let page = admin.get(&format!("{RECEIPT_FR}?saved=1")).await;
    page.assert_contains(&fr("msgtpl-saved"));
    page.assert_contains(&fr("msgtpl-customised"));
    assert_eq!(audit_count(&app).await, 1);

    // A French applicant by e-mail gets the custom text with the reference.
    let aminata = app
        .signup_and_verify(
            "Aminata Diarra",
            "aminata@exemple.ml",
            "aminata@exemple.ml",
            PASSWORD,
        )
        .await;
    submit(&aminata, "SahelSanté").await;
    let mail = app
        .wait_mail(
            "aminata@exemple.ml",
            "Nous avons bien reçu le dossier SDN27-STA-0001",
        )
        .await;
    assert_eq!(mail.subject, "Dossier SDN27-STA-0001 reçu");
    assert!(!mail.body.contains('{'), "{}", mail.body);

    // A French applicant by SMS gets the custom SMS text.
    let moussa = app
        .signup_and_verify("Moussa Traoré", "70 12 34 56", "+22370123456", PASSWORD)
        .await;
    submit(&moussa, "Moussa Agri").await;
    let sms = app.wait_sms("+22370123456", "SDN27-STA-0002").await;
    assert_eq!(sms, "Kene : dossier SDN27-STA-0002 bien recu.");

    // An English applicant still gets the English default.
    let john = app
        .signup_and_verify(
            "John Mensah",
            "john@example.gh",
            "john@example.gh",
            PASSWORD,
        )
        .await;
    kene::run!(app.db(), |pool| sqlx::query(
        "UPDATE users SET locale = 'en' WHERE email = 'john@example.gh'"
    )
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))
    .expect("English locale");
    submit(&john, "Ghana Health").await;
    let english = kene::i18n::tr_args(
        kene::i18n::Lang::En,
        "receipt-subject",
        &[("reference", "SDN27-STA-0003".into())],
    );
    let mail = app.wait_mail("john@example.gh", "SDN27-STA-0003").await;
    assert_eq!(mail.subject, english);
    assert!(!mail.body.contains("Nous avons bien"), "{}", mail.body);
    app.finish().await;
}

async fn the_preview_shows_sample_values_and_saves_nothing(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let page = admin
        .post_form_owned(
            RECEIPT_FR,
            &form(
                "Dossier { reference }",
                CUSTOM_BODY,
                CUSTOM_SMS,
                "0",
                "preview",
            ),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let preview = page.text();
    let section = preview
        .split("id=\"msgtpl-preview\"")
        .nth(1)
        .expect("a preview section");
    assert!(
        section.contains("Nous avons bien reçu le dossier SDN27-STA-0042 pour Start-up"),
        "{section}"
    );
    assert!(section.contains("Dossier SDN27-STA-0042"), "{section}");
    assert!(!section.contains("{ reference }"), "{section}");
    // The SMS length with the samples is shown; the typed text is kept in the form.
    let length = page.element_text("sms-length").expect("SMS length");
    assert!(length.contains("1 SMS"), "{length}");
    assert_eq!(
        page.input_value("subject").as_deref(),
        Some("Dossier { reference }")
    );
    assert_eq!(app.count("message_templates").await, 0);
    assert_eq!(audit_count(&app).await, 0);

    // The English page previews in English.
    let page = admin
        .post_form_owned(
            "/admin/editions/sdn-2027/messages/receipt/en",
            &form(
                "File { reference }",
                "We received { reference } on { when }.",
                "Got { reference }",
                "0",
                "preview",
            ),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    page.assert_contains("We received SDN27-STA-0042 on 2 November 2026 at 09:00.");
    app.finish().await;
}

async fn a_bad_template_is_refused_with_the_typed_text_kept(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let unknown = "Dossier { reference }, montant { salary }.";
    let page = admin
        .post_form_owned(RECEIPT_FR, &form("Reçu", unknown, CUSTOM_SMS, "0", "save"))
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let error = page
        .element_text("body-error")
        .expect("an error under the body");
    assert!(error.contains("{ salary }"), "{error}");
    page.assert_contains(unknown);
    assert_eq!(page.input_value("subject").as_deref(), Some("Reçu"));

    // A receipt without its reference, a subject on two lines, an SMS too long.
    let page = admin
        .post_form_owned(
            RECEIPT_FR,
            &form(
                "Reçu\r\nBcc: tous@exemple.ml",
                "Merci pour votre dossier.",
                &format!("{{ reference }} {}", "Votre dossier est prêt. ".repeat(10)),
                "0",
                "save",
            ),
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let missing = page.element_text("body-error").expect("body error");
    assert!(missing.contains("{ reference }"), "{missing}");
    assert_eq!(
        page.element_text("subject-error"),
        Some(fr("msgtpl-error-subject-line"))
    );
    let sms = page.element_text("sms-error").expect("SMS error");
    // 254 characters with a ê: Unicode, 67 per part, 4 parts.
    assert!(sms.contains(" 4 "), "{sms}");
    page.assert_contains("Merci pour votre dossier.");
    // Nothing was written, not even in preview.
    let page = admin
        .post_form_owned(
            RECEIPT_FR,
            &form("Reçu", unknown, CUSTOM_SMS, "0", "preview"),
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!page.body.contains("id=\"msgtpl-preview\""));
    assert_eq!(app.count("message_templates").await, 0);
    assert_eq!(audit_count(&app).await, 0);
    app.finish().await;
}

async fn a_stale_form_is_refused_and_reset_returns_to_the_default(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let first = "Premier texte, dossier { reference }.";
    let page = admin
        .post_form_owned(RECEIPT_FR, &form("Reçu", first, CUSTOM_SMS, "0", "save"))
        .await;
    assert!(page.status.is_redirection(), "{}", page.text());
    // A second form loaded before that save (version 0) must not overwrite it.
    let second = "Second texte, dossier { reference }.";
    let page = admin
        .post_form_owned(RECEIPT_FR, &form("Reçu", second, CUSTOM_SMS, "0", "save"))
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    page.assert_contains(&fr("edit-conflict"));
    page.assert_contains(first);
    page.assert_contains(second);
    assert_eq!(page.input_value("version").as_deref(), Some("1"));
    assert_eq!(
        app.strings("SELECT body FROM message_templates").await,
        [first.to_owned()]
    );

    // Reset with a stale version is refused too; with the current one it works.
    let reset = format!("{RECEIPT_FR}/reset");
    let page = admin.post_form(&reset, &[("version", "0")]).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert_eq!(
        app.strings("SELECT body FROM message_templates WHERE body IS NOT NULL")
            .await
            .len(),
        1
    );
    let page = admin.post_form(&reset, &[("version", "1")]).await;
    assert!(page.status.is_redirection(), "{}", page.text());
    let page = admin.get(RECEIPT_FR).await;
    page.assert_contains(&fr("msgtpl-default"));
    assert_eq!(
        page.input_value("subject").as_deref(),
        Some("Candidature { reference } bien reçue")
    );
    assert_eq!(page.input_value("version").as_deref(), Some("2"));
    assert_eq!(audit_count(&app).await, 2);

    // The next receipt uses the default again.
    let client = app
        .signup_and_verify("Awa Keita", "awa@exemple.ml", "awa@exemple.ml", PASSWORD)
        .await;
    submit(&client, "Awa Solaire").await;
    let mail = app.wait_mail("awa@exemple.ml", "SDN27-STA-0001").await;
    assert_eq!(mail.subject, "Candidature SDN27-STA-0001 bien reçue");
    assert!(!mail.body.contains("Premier texte"));
    app.finish().await;
}

async fn someone_who_does_not_organise_the_edition_gets_404(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.seed_demo().await;
    let stranger = app
        .signup_and_verify(
            "Curieux",
            "curieux@exemple.ml",
            "curieux@exemple.ml",
            PASSWORD,
        )
        .await;
    for path in [
        "/admin/editions/sdn-2027/messages".to_owned(),
        RECEIPT_FR.to_owned(),
    ] {
        assert_eq!(
            stranger.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let page = stranger
        .post_form_owned(
            RECEIPT_FR,
            &form("Reçu", CUSTOM_BODY, CUSTOM_SMS, "0", "save"),
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let page = stranger
        .post_form(&format!("{RECEIPT_FR}/reset"), &[("version", "0")])
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    // Anonymous visitors are sent to the login page.
    let anonymous = app.client().get(RECEIPT_FR).await;
    assert!(anonymous.status.is_redirection() || anonymous.status == StatusCode::NOT_FOUND);
    assert_eq!(app.count("message_templates").await, 0);
    app.finish().await;
}

async fn finalists_receive_the_results_message_with_an_absolute_link(backend: Backend) {
    let app = TestApp::start_with(backend, |c| {
        c.public_url = Some("https://semaine.example.ml".into());
    })
    .await;
    let admin = app.admin_client().await;
    let page = admin
        .post_form_owned(
            "/admin/editions/sdn-2026/messages/results/fr",
            &form(
                "Résultats { year }",
                "Les résultats sont en ligne ({ reference }) : { link }",
                "Resultats : { link }",
                "0",
                "save",
            ),
        )
        .await;
    assert!(page.status.is_redirection(), "{}", page.text());
    let setup = prepare_final(&app, &admin, 3).await;
    for (path, fields) in [
        (format!("{FINAL}/assign"), vec![]),
        (format!("{FINAL}/status"), vec![("status", "open")]),
    ] {
        let page = admin.post_form(&path, &fields).await;
        assert!(page.status.is_redirection(), "{path}: {}", page.text());
    }
    for (_, juror) in &setup.jurors {
        for link in final_links(juror).await {
            let form = juror.get(&link).await;
            let page = juror.post_form_owned(&link, &equal_sheet(&form)).await;
            assert!(page.status.is_redirection(), "score: {}", page.text());
        }
    }
    let page = admin
        .post_form(&format!("{FINAL}/status"), &[("status", "closed")])
        .await;
    assert!(page.status.is_redirection(), "close: {}", page.text());
    assert_eq!(
        app.scalar_i64(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM outbox WHERE idempotency_key LIKE 'results:%'"
        )
        .await,
        0
    );
    let page = admin
        .post_form(
            "/admin/editions/sdn-2026/results/publish",
            &[("reason", ""), ("confirm_ties", "yes")],
        )
        .await;
    assert!(page.status.is_redirection(), "publish: {}", page.text());

    // Every finalist, laureate or not, gets one message with the absolute results link.
    let bodies = app
        .strings("SELECT body FROM outbox WHERE idempotency_key LIKE 'results:%' ORDER BY id")
        .await;
    let finalists = setup.startups.len() + setup.administration.len();
    assert_eq!(bodies.len(), finalists, "{bodies:?}");
    let link = "https://semaine.example.ml/results/sdn-2026";
    assert!(bodies.iter().all(|b| b.contains(link)), "{bodies:?}");
    let first = &setup.startups[0].reference;
    assert!(
        bodies.iter().any(
            |b| b == &format!("Les résultats sont en ligne ({first}) : {link}")
                || b == &format!("Resultats : {link}")
        ),
        "{bodies:?}"
    );
    app.finish().await;
}
