//! The event's identity: set by an administrator, shown on every page (cached public pages
//! included) and in link previews; colours that cannot be read and logos that are not small
//! raster images are refused with a message that says why.

use reqwest::StatusCode;

use crate::applications::PASSWORD;
use crate::support::{fr, Backend, TestApp, TestClient};

both_dbs!(
    an_administrator_sets_the_identity_and_every_page_shows_it,
    colours_too_close_to_read_are_refused_with_their_ratio,
    a_logo_must_be_a_small_raster_image,
    shared_calls_and_results_have_link_previews,
    an_edition_carries_its_own_identity_on_its_pages,
    an_application_shows_and_signs_with_its_edition_identity,
);

/// A real 1×1 PNG.
pub const PNG: [u8; 68] = [
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x04, 0x00, 0x00, 0x00, 0xb5, 0x1c, 0x0c,
    0x02, 0x00, 0x00, 0x00, 0x0b, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x64, 0x60, 0x00, 0x00,
    0x00, 0x06, 0x00, 0x02, 0x30, 0x81, 0xd0, 0x2f, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44,
    0xae, 0x42, 0x60, 0x82,
];

const CYBER_DAYS: [(&str, &str); 12] = [
    ("name_fr", "Journées nationales de la cybersécurité"),
    ("name_en", "National Cybersecurity Days"),
    ("organiser_fr", "Agence des technologies de l'information"),
    ("organiser_en", ""),
    ("motto_fr", "La sécurité numérique, affaire de tous"),
    ("motto_en", ""),
    ("contact_phone", "76 00 00 01"),
    ("contact_whatsapp", "+223 66 00 00 02"),
    ("contact_email", "Aide@Exemple.ml"),
    ("official_domain", "https://cyber.exemple.ml/"),
    ("brand_colour", "#1D3557"),
    ("on_brand_colour", "#ffffff"),
];

/// Posts the settings form as loaded, with `changes` typed over it.
async fn save_identity(admin: &TestClient, changes: &[(&str, &str)]) -> crate::support::Page {
    save_identity_at(admin, "/admin/identity", changes).await
}

/// The same on the settings page at `page` (the installation's or an edition's).
async fn save_identity_at(
    admin: &TestClient,
    page: &str,
    changes: &[(&str, &str)],
) -> crate::support::Page {
    let form = admin.get(page).await;
    assert_eq!(form.status, StatusCode::OK);
    let mut fields: Vec<(String, String)> = [
        "name_fr",
        "name_en",
        "organiser_fr",
        "organiser_en",
        "motto_fr",
        "motto_en",
        "contact_phone",
        "contact_whatsapp",
        "contact_email",
        "official_domain",
        "brand_colour",
        "on_brand_colour",
        "signatory_1_fr",
        "signatory_1_en",
        "signatory_2_fr",
        "signatory_2_en",
        "version",
    ]
    .iter()
    .map(|name| {
        let value = form.input_value(name).unwrap_or_default();
        (name.to_string(), value)
    })
    .collect();
    for (name, value) in changes {
        match fields.iter_mut().find(|(n, _)| n == name) {
            Some(field) => field.1 = value.to_string(),
            None => fields.push((name.to_string(), value.to_string())),
        }
    }
    admin.post_form_owned(page, &fields).await
}

async fn an_administrator_sets_the_identity_and_every_page_shows_it(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let visitor = app.client();

    // The demo carries the Semaine du Numérique's identity and says it is a demonstration.
    let home = visitor.get("/").await;
    assert!(
        home.body.contains("· Semaine du Numérique</title>"),
        "{}",
        home.body
    );
    assert_eq!(
        home.element_text("demo-banner").as_deref(),
        Some(fr("identity-demo-banner").as_str())
    );
    assert!(home
        .element_text("organiser")
        .is_some_and(|o| o.starts_with("Ministère de la Communication")));
    visitor.get("/").await; // now served from the public cache

    let saved = save_identity(&admin, &CYBER_DAYS).await;
    assert_eq!(
        saved.redirect_target().as_deref(),
        Some("/admin/identity?saved=1"),
        "{}",
        saved.text()
    );

    // The cached page shows the new identity at once.
    let home = visitor.get("/").await;
    assert!(
        home.body
            .contains("· Journées nationales de la cybersécurité</title>"),
        "{}",
        home.body
    );
    assert_eq!(
        home.tag_attr("<meta property=\"og:site_name\"", "content")
            .as_deref(),
        Some("Journées nationales de la cybersécurité")
    );
    assert_eq!(
        home.element_text("organiser").as_deref(),
        Some("Agence des technologies de l'information")
    );
    for link in [
        "href=\"tel:+22376000001\"",
        "href=\"https://wa.me/22366000002\"",
        "href=\"mailto:aide@exemple.ml\"",
        "href=\"https://cyber.exemple.ml\"",
    ] {
        assert!(
            home.body.contains(link),
            "{link} in the footer:\n{}",
            home.body
        );
    }
    let colours = home
        .tag_attr("<link rel=\"stylesheet\" href=\"/identity/", "href")
        .expect("the brand colours' stylesheet");
    let css = visitor.get(&colours).await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(
        css.body.contains("--brand:#1d3557;--on-brand:#ffffff"),
        "{}",
        css.body
    );

    // In English: the English name; the organiser left empty in English reads in French.
    visitor.get("/lang/en?next=/").await;
    let home = visitor.get("/calls").await;
    assert!(
        home.body.contains("· National Cybersecurity Days</title>"),
        "{}",
        home.body
    );
    assert_eq!(
        home.element_text("organiser").as_deref(),
        Some("Agence des technologies de l'information")
    );

    let audited = app
        .strings("SELECT details FROM audit_log WHERE action = 'identity.update' ORDER BY id DESC")
        .await;
    assert!(
        audited
            .first()
            .is_some_and(|d| d.contains("cyber.exemple.ml") && d.contains("affaire de tous")),
        "{audited:?}"
    );
    // The motto, printed on certificates, is kept; left empty in English it reads in French.
    let form = admin.get("/admin/identity").await;
    assert_eq!(
        form.input_value("motto_en").as_deref(),
        Some("La sécurité numérique, affaire de tous")
    );
    app.finish().await;
}

async fn colours_too_close_to_read_are_refused_with_their_ratio(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let before = app.strings("SELECT brand_colour FROM identity").await;

    let mut typed = CYBER_DAYS.to_vec();
    typed.retain(|(name, _)| *name != "brand_colour");
    typed.push(("brand_colour", "#f2a900"));
    let page = save_identity(&admin, &typed).await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.text()
    );
    let error = page
        .element_text("on_brand_colour-error")
        .expect("the refusal next to the text colour");
    assert!(
        error.contains("2,0:1") && error.contains("4,5:1"),
        "the ratio found and the one needed: {error}"
    );
    // What was typed is kept; nothing was saved.
    assert_eq!(
        page.input_value("name_fr").as_deref(),
        Some("Journées nationales de la cybersécurité")
    );
    assert_eq!(page.input_value("brand_colour").as_deref(), Some("#f2a900"));
    assert_eq!(
        app.strings("SELECT brand_colour FROM identity").await,
        before
    );
    assert_eq!(
        app.strings("SELECT name_fr FROM identity").await,
        vec!["Semaine du Numérique".to_owned()]
    );

    // A colour that is not one is named as such.
    typed.retain(|(name, _)| *name != "brand_colour");
    typed.push(("brand_colour", "red;}body{display:none"));
    let page = save_identity(&admin, &typed).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        page.element_text("brand_colour-error").as_deref(),
        Some(fr("identity-error-colour").as_str())
    );
    app.finish().await;
}

async fn a_logo_must_be_a_small_raster_image(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let size_limit = kene::i18n::tr_args(
        kene::i18n::Lang::Fr,
        "identity-error-logo-size",
        &[("size", "150".to_owned()), ("max", "100".to_owned())],
    );
    let demo_emblem = app
        .strings("SELECT COALESCE(logo_sha256, '') FROM identity")
        .await;
    assert_eq!(demo_emblem.len(), 1);
    let refusals: [(&str, Vec<u8>, String); 3] = [
        (
            "emblem.svg",
            br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>fetch('/admin')</script></svg>"#
                .to_vec(),
            fr("identity-error-svg"),
        ),
        ("emblem.png", b"this is not an image".to_vec(), fr("identity-error-not-image")),
        ("emblem.png", {
            let mut big = PNG.to_vec();
            big.resize(150 * 1024, 0);
            big
        }, size_limit),
    ];
    for (name, bytes, expected) in refusals {
        let page = admin.upload("/admin/identity/logo", bytes, name).await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name}: {}",
            page.text()
        );
        let error = page
            .element_text("logo-error")
            .expect("the refusal by the logo field");
        assert_eq!(error, expected, "{name}");
    }
    // Refused from its declared length: a 3 MB body is not read.
    let page = admin
        .try_upload(
            "/admin/identity/logo",
            vec![0x89; 3 * 1024 * 1024],
            "photo.png",
        )
        .await;
    if let Ok(page) = page {
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    // Nothing refused replaced the demo's emblem.
    assert_eq!(
        app.strings("SELECT COALESCE(logo_sha256, '') FROM identity")
            .await,
        demo_emblem
    );

    let page = admin
        .upload("/admin/identity/logo", PNG.to_vec(), "emblem.png")
        .await;
    assert!(page.status.is_redirection(), "{}", page.text());
    let home = app.client().get("/").await;
    let logo = home
        .tag_attr("<img src=\"/identity/logo-", "src")
        .unwrap_or_else(|| panic!("the logo in the header:\n{}", home.body));
    let served = app.client().get(&logo).await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(served.headers["content-type"], "image/png");
    assert_eq!(served.headers["x-content-type-options"], "nosniff");
    assert_eq!(served.bytes, PNG.to_vec());
    assert_eq!(
        app.client()
            .get("/identity/logo-0000000000000000.png")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let actions = app
        .strings("SELECT action FROM audit_log WHERE object = 'identity' ORDER BY id DESC")
        .await;
    assert_eq!(actions.first().map(String::as_str), Some("identity.logo"));
    app.finish().await;
}

async fn shared_calls_and_results_have_link_previews(backend: Backend) {
    let app = TestApp::start(backend).await;
    kene::demo::seed(&app.state)
        .await
        .expect("the full demo, results published");
    let visitor = app.client();
    let call = visitor.get("/calls/sdn-2027/startups").await;
    assert_eq!(call.status, StatusCode::OK);
    let title = call
        .tag_attr("<meta property=\"og:title\"", "content")
        .expect("og:title");
    assert!(title.contains("2027"), "{title}");
    let description = call
        .tag_attr("<meta property=\"og:description\"", "content")
        .expect("og:description");
    assert!(
        description.starts_with("Candidatures jusqu'au "),
        "{description}"
    );
    assert_eq!(
        call.tag_attr("<meta name=\"description\"", "content"),
        Some(description)
    );

    let results = visitor.get("/results/sdn-2026").await;
    assert_eq!(results.status, StatusCode::OK);
    let description = results
        .tag_attr("<meta property=\"og:description\"", "content")
        .expect("og:description");
    assert!(description.starts_with("Les lauréats de "), "{description}");
    assert_eq!(
        results
            .tag_attr("<meta property=\"og:site_name\"", "content")
            .as_deref(),
        Some("Semaine du Numérique")
    );
    app.finish().await;
}

const EDITION_2026: &str = "/admin/editions/sdn-2026/identity";

async fn an_edition_carries_its_own_identity_on_its_pages(backend: Backend) {
    let app = TestApp::start_with(backend, |config| {
        config.public_url = Some("https://kene.exemple.ml".into());
    })
    .await;
    let login = kene::demo::seed(&app.state)
        .await
        .expect("the full demo, results published");
    let admin = app.client();
    admin.login(&login.email, &login.password).await;
    let visitor = app.client();
    let certificate = visitor
        .get("/results/sdn-2026")
        .await
        .tag_attr("<a href=\"/results/sdn-2026/certificates/", "href")
        .expect("a laureate's certificate");
    visitor.get("/results/sdn-2026").await; // now served from the public cache

    // Only organisers of the edition reach its settings.
    let stranger = app
        .signup_and_verify("Awa", "awa@exemple.ml", "awa@exemple.ml", PASSWORD)
        .await;
    assert_eq!(
        stranger.get(EDITION_2026).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        stranger.post_form(EDITION_2026, &CYBER_DAYS).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        stranger.get("/admin/identity").await.status,
        StatusCode::NOT_FOUND
    );

    // Until it is given one, the edition shows the installation's identity, copied in the form.
    let form = admin.get(EDITION_2026).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.element_text("identity-inherited").is_some(),
        "{}",
        form.text()
    );
    assert_eq!(
        form.input_value("name_fr").as_deref(),
        Some("Semaine du Numérique")
    );
    assert_eq!(form.input_value("version").as_deref(), Some("0"));

    let mut changes = CYBER_DAYS.to_vec();
    changes.push(("signatory_1_fr", "Le Directeur général de l'AGETIC"));
    let saved = save_identity_at(&admin, EDITION_2026, &changes).await;
    assert_eq!(
        saved.redirect_target().as_deref(),
        Some("/admin/editions/sdn-2026/identity?saved=1"),
        "{}",
        saved.text()
    );
    // A second save over the first form's version 0 is a stale edit, not a second copy.
    let stale = save_identity_at(
        &admin,
        EDITION_2026,
        &[("version", "0"), ("name_fr", "Autre")],
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.text());

    // The edition's pages (cached ones included) show its identity; the others do not.
    let results = visitor.get("/results/sdn-2026").await;
    assert!(
        results
            .body
            .contains("· Journées nationales de la cybersécurité</title>"),
        "{}",
        results.body
    );
    assert_eq!(
        results.element_text("organiser").as_deref(),
        Some("Agence des technologies de l'information")
    );
    assert!(results.body.contains("href=\"mailto:aide@exemple.ml\""));
    let home = visitor.get("/").await;
    assert!(
        home.body.contains("· Semaine du Numérique</title>"),
        "{}",
        home.body
    );
    let call = visitor.get("/calls/sdn-2027/startups").await;
    assert!(
        call.body.contains("· Semaine du Numérique</title>"),
        "{}",
        call.body
    );
    let page = visitor.get(&certificate).await;
    assert_eq!(
        page.element_text("certificate-motto").as_deref(),
        Some("La sécurité numérique, affaire de tous")
    );
    assert!(
        page.body
            .contains("<p>Le Directeur général de l&#39;AGETIC</p>")
            || page
                .body
                .contains("<p>Le Directeur général de l&#x27;AGETIC</p>"),
        "{}",
        page.body
    );

    // Its own emblem: served, in its pages' header and link preview; the home keeps the demo's.
    let home_logo = home
        .tag_attr("<img src=\"/identity/logo-", "src")
        .expect("the demo's emblem");
    let sent = admin
        .upload(&format!("{EDITION_2026}/logo"), PNG.to_vec(), "embleme.png")
        .await;
    assert!(sent.status.is_redirection(), "{}", sent.text());
    let results = visitor.get("/results/sdn-2026").await;
    let logo = results
        .tag_attr("<img src=\"/identity/logo-", "src")
        .expect("the edition's emblem");
    assert_ne!(logo, home_logo);
    assert_eq!(visitor.get(&logo).await.bytes, PNG.to_vec());
    assert_eq!(
        results
            .tag_attr("<meta property=\"og:image\"", "content")
            .as_deref(),
        Some(format!("https://kene.exemple.ml{logo}").as_str())
    );
    assert_eq!(
        visitor
            .get("/")
            .await
            .tag_attr("<img src=\"/identity/logo-", "src"),
        Some(home_logo.clone())
    );
    // A refused logo leaves the edition's in place.
    let refused = admin
        .upload(
            &format!("{EDITION_2026}/logo"),
            b"not an image".to_vec(),
            "embleme.png",
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.element_text("logo-error").as_deref(),
        Some(fr("identity-error-not-image").as_str())
    );

    let audited = app
        .strings(
            "SELECT a.action FROM audit_log a JOIN editions e ON a.object = 'identity/edition/' || CAST(e.id AS TEXT) \
             WHERE e.slug = 'sdn-2026' ORDER BY a.id",
        )
        .await;
    assert_eq!(audited, ["identity.update", "identity.logo"]);

    // Back to the installation's identity, emblem included.
    let form = admin.get(EDITION_2026).await;
    assert!(
        form.element_text("identity-own").is_some(),
        "{}",
        form.text()
    );
    let reset = admin.post_form(&format!("{EDITION_2026}/reset"), &[]).await;
    assert!(reset.status.is_redirection(), "{}", reset.text());
    let results = visitor.get("/results/sdn-2026").await;
    assert!(
        results.body.contains("· Semaine du Numérique</title>"),
        "{}",
        results.body
    );
    assert_eq!(
        results.tag_attr("<img src=\"/identity/logo-", "src"),
        Some(home_logo)
    );
    assert_eq!(visitor.get(&logo).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("edition_identity").await, 0);
    app.finish().await;
}

async fn an_application_shows_and_signs_with_its_edition_identity(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let saved = save_identity_at(&admin, "/admin/editions/sdn-2027/identity", &CYBER_DAYS).await;
    assert!(saved.status.is_redirection(), "{}", saved.text());

    let client = app
        .signup_and_verify(
            "Aminata",
            "aminata@exemple.ml",
            "aminata@exemple.ml",
            PASSWORD,
        )
        .await;
    let id = crate::applications::start_application(&client).await;
    // Pages of the application, whose address does not name the edition, show its identity.
    let overview = client.get(&format!("/applications/{id}")).await;
    assert!(
        overview
            .body
            .contains("· Journées nationales de la cybersécurité</title>"),
        "{}",
        overview.body
    );
    crate::applications::fill_startup_application(&client, &id, "SahelSanté").await;
    let submitted = client
        .post_form(&format!("/applications/{id}/submit"), &[])
        .await;
    assert!(submitted.status.is_redirection(), "{}", submitted.text());
    let receipt = client.get(&format!("/applications/{id}/receipt")).await;
    assert_eq!(
        receipt.element_text("organiser").as_deref(),
        Some("Agence des technologies de l'information")
    );
    // The receipt e-mail is signed by the edition's organisers, with their contact.
    let mail = app.wait_mail("aminata@exemple.ml", "SDN27-STA-0001").await;
    assert!(
        mail.body.contains(
            "— Journées nationales de la cybersécurité\nAgence des technologies de l'information"
        ) && mail.body.contains("aide@exemple.ml"),
        "{}",
        mail.body
    );
    // Pages of no edition keep the installation's.
    let mine = client.get("/applications").await;
    assert!(
        mine.body.contains("· Semaine du Numérique</title>"),
        "{}",
        mine.body
    );
    app.finish().await;
}
