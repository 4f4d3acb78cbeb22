//! Registration for the event over HTTP: categories opened by organisers, a person's
//! registration with its refusals, the badge (its signed code checked with the edition's
//! verifying key, an altered one refused), cancellation freeing the seat for the waitlist, the
//! last seat taken by two people at once, approvals only organisers may give, and the demo.

use ed25519_dalek::VerifyingKey;
use kene::registration::badge;
use reqwest::StatusCode;

use crate::support::{fr, Backend, TestApp, TestClient};

both_dbs!(
    a_visitor_registers_gets_a_signed_badge_and_cancels,
    the_last_seat_goes_to_one_of_two_people_registering_at_once,
    press_registrations_wait_for_an_organiser,
    the_demo_registers_people_for_2026,
    a_deleted_account_gives_its_seat_away_and_leaves_nothing_typed,
);

const ADMIN: &str = "/admin/editions/sdn-2027/registrations";
const PUBLIC: &str = "/registration/sdn-2027";

pub(crate) async fn open_registration(admin: &TestClient) {
    let page = admin.get(ADMIN).await;
    page.assert_contains(&fr("registration-admin-open"));
    let page = admin.post_form(&format!("{ADMIN}/open"), &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
}

pub(crate) async fn person(app: &TestApp, name: &str, email: &str) -> TestClient {
    app.signup_and_verify(name, email, email, "un mot de passe solide 42")
        .await
}

/// Registers through the form; returns the response (a redirect when accepted).
async fn register(
    client: &TestClient,
    category: &str,
    fields: &[(&str, &str)],
) -> crate::support::Page {
    client.get(&format!("{PUBLIC}/{category}")).await;
    client
        .post_form(&format!("{PUBLIC}/{category}"), fields)
        .await
}

async fn status_of(app: &TestApp, name: &str) -> String {
    app.strings_with(
        "SELECT status FROM registrations WHERE display_name = $1 ORDER BY id DESC",
        name,
    )
    .await
    .remove(0)
}

pub(crate) async fn verifying_key(app: &TestApp) -> VerifyingKey {
    let rows = app
        .strings("SELECT CAST(key_id AS TEXT) FROM badge_keys ORDER BY key_id")
        .await;
    assert_eq!(
        rows,
        vec!["1".to_owned()],
        "one key, made on the first badge"
    );
    let key: Vec<u8> = match app.db() {
        kene::db::Db::Sqlite { pool, .. } => {
            sqlx::query_scalar("SELECT public_key FROM badge_keys")
                .fetch_one(pool)
                .await
                .expect("key")
        }
        kene::db::Db::Postgres(pool) => sqlx::query_scalar("SELECT public_key FROM badge_keys")
            .fetch_one(pool)
            .await
            .expect("key"),
    };
    let bytes: [u8; 32] = key.try_into().expect("32 bytes");
    VerifyingKey::from_bytes(&bytes).expect("a verifying key")
}

/// A new person registered in person as a visitor: their client, badge code and
/// registration's public id.
pub(crate) async fn badge_holder(
    app: &TestApp,
    name: &str,
    email: &str,
) -> (TestClient, String, String) {
    let client = person(app, name, email).await;
    let page = register(
        &client,
        "visitor",
        &[
            ("display_name", name),
            ("attendance", "in_person"),
            ("consent", "yes"),
        ],
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    let mine = client.get(&format!("{PUBLIC}/mine")).await;
    let code = mine
        .tag_attr("<div class=\"badge\"", "data-code")
        .expect("a badge");
    let public_id = mine
        .tag_attr("<input type=\"hidden\" name=\"registration\"", "value")
        .expect("cancel form");
    (client, code, public_id)
}

async fn a_visitor_registers_gets_a_signed_badge_and_cancels(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let visitor = person(&app, "Aminata Traoré", "aminata@exemple.ml").await;
    // Before organisers open it, there is nothing to register in.
    let page = visitor.get(PUBLIC).await;
    page.assert_contains(&fr("registration-not-open"));
    open_registration(&admin).await;
    let page = visitor.get(PUBLIC).await;
    page.assert_contains(&fr("registration-category-visitor"));
    page.assert_contains(&fr("registration-category-press"));
    assert!(
        !page.text().contains(&fr("registration-category-staff")),
        "staff do not register themselves through the public page"
    );
    assert_eq!(
        visitor.get(&format!("{PUBLIC}/staff")).await.status,
        StatusCode::NOT_FOUND
    );

    // Refused: no consent, no participation chosen, HTML name too long. Typed data is kept,
    // nothing is written.
    let long = "<b>".repeat(30);
    let page = register(
        &visitor,
        "visitor",
        &[
            ("display_name", &long),
            ("organisation", "ODC Mali"),
            ("sector", "Agritech"),
        ],
    )
    .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(&fr("registration-fix-errors"));
    page.assert_contains(&fr("registration-choose-attendance"));
    assert_eq!(
        page.input_value("organisation").as_deref(),
        Some("ODC Mali")
    );
    assert_eq!(page.input_value("sector").as_deref(), Some("Agritech"));
    assert!(!page.body.contains("<b><b>"), "typed HTML is escaped");
    assert_eq!(app.count("registrations").await, 0);

    let page = register(
        &visitor,
        "visitor",
        &[
            ("display_name", "Aminata Traoré"),
            ("organisation", "ODC Mali"),
            ("attendance", "in_person"),
            ("consent", "yes"),
        ],
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    let mine = visitor.get(&format!("{PUBLIC}/mine")).await;
    mine.assert_contains(&fr("registration-status-confirmed"));
    mine.assert_contains("<svg");
    let code = mine
        .tag_attr("<div class=\"badge\"", "data-code")
        .expect("the badge's code");

    // The code is signed with the edition's key; any change to it is refused.
    let key = verifying_key(&app).await;
    let claim = badge::verify(&code, |id| (id == 1).then_some(key)).expect("a valid badge");
    let id = app
        .strings("SELECT CAST(id AS TEXT) FROM registrations")
        .await
        .remove(0);
    assert_eq!(claim.badge.to_string(), id);
    assert_eq!(claim.category, 0, "visitor");
    let mut altered = code.clone().into_bytes();
    altered[6] = if altered[6] == b'A' { b'B' } else { b'A' };
    let altered = String::from_utf8(altered).expect("ascii");
    assert!(badge::verify(&altered, |id| (id == 1).then_some(key)).is_err());

    // The confirmation e-mail links to the badge, which opens without signing in.
    let mail = app.wait_mail("aminata@exemple.ml", "/badge/").await;
    let link = mail
        .body
        .split_whitespace()
        .find(|w| w.contains("/badge/"))
        .expect("badge link")
        .to_owned();
    let path = &link[link.find("/badge/").expect("path")..];
    let stranger = app.client();
    let page = stranger.get(path).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Aminata Traoré");
    let cache = page
        .headers
        .get("cache-control")
        .and_then(|v| v.to_str().ok());
    assert_eq!(cache, Some("private, no-store"));
    assert_eq!(
        stranger.get("/badge/not-a-token").await.status,
        StatusCode::NOT_FOUND
    );

    // Registering twice is refused with a clear message.
    let page = visitor.get(&format!("{PUBLIC}/visitor")).await;
    assert_eq!(
        page.status,
        StatusCode::SEE_OTHER,
        "the form sends to my registration"
    );

    // Cancelling frees the seat and revokes the badge.
    let public_id = mine
        .tag_attr("<input type=\"hidden\" name=\"registration\"", "value")
        .expect("cancel form");
    let page = visitor
        .post_form(
            &format!("{PUBLIC}/mine/cancel"),
            &[("registration", &public_id)],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, "Aminata Traoré").await, "cancelled");
    let taken = app
        .scalar_i64("SELECT taken FROM attendee_categories WHERE code = 'visitor' AND edition_id = (SELECT id FROM editions WHERE slug = 'sdn-2027')")
        .await;
    assert_eq!(taken, 0);
    let page = stranger.get(path).await;
    page.assert_contains(&fr("registration-badge-invalid"));
    assert!(page.tag_attr("<div class=\"badge\"", "data-code").is_none());
    let audited = app
        .strings("SELECT action FROM audit_log WHERE action LIKE 'registration.%' ORDER BY id")
        .await;
    assert_eq!(
        audited,
        [
            "registration.opened",
            "registration.created",
            "registration.cancelled"
        ]
    );
    // Someone else's registration cannot be cancelled.
    let other = person(&app, "Intrus", "intrus@exemple.ml").await;
    let page = other
        .post_form(
            &format!("{PUBLIC}/mine/cancel"),
            &[("registration", &public_id)],
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    app.finish().await;
}

async fn the_last_seat_goes_to_one_of_two_people_registering_at_once(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    open_registration(&admin).await;
    // Bad seat numbers are refused with a message; seats cannot fall under those taken.
    let page = admin
        .post_form(
            &format!("{ADMIN}/categories/visitor"),
            &[("capacity", "-3"), ("open_to_public", "yes")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(&fr("registration-bad-capacity"));
    let page = admin
        .post_form(
            &format!("{ADMIN}/categories/visitor"),
            &[("capacity", "1"), ("open_to_public", "yes")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);

    let first = person(&app, "Premier", "premier@exemple.ml").await;
    let second = person(&app, "Second", "second@exemple.ml").await;
    for c in [&first, &second] {
        c.get(&format!("{PUBLIC}/visitor")).await;
    }
    let fields = |name: &'static str| {
        [
            ("display_name", name),
            ("attendance", "in_person"),
            ("consent", "yes"),
        ]
    };
    let url = format!("{PUBLIC}/visitor");
    let (first_fields, second_fields) = (fields("Premier"), fields("Second"));
    let (a, b) = tokio::join!(
        first.post_form(&url, &first_fields),
        second.post_form(&url, &second_fields),
    );
    assert_eq!(
        (a.status, b.status),
        (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER)
    );
    let mut statuses = vec![
        status_of(&app, "Premier").await,
        status_of(&app, "Second").await,
    ];
    statuses.sort();
    assert_eq!(
        statuses,
        ["confirmed", "waitlisted"],
        "one seat, given once"
    );
    let taken_sql = "SELECT taken FROM attendee_categories WHERE code = 'visitor' \
                     AND edition_id = (SELECT id FROM editions WHERE slug = 'sdn-2027')";
    assert_eq!(app.scalar_i64(taken_sql).await, 1);
    let (holder, holder_name, waiting, waiting_email) =
        if statuses[0] == status_of(&app, "Premier").await {
            (&first, "Premier", &second, "second@exemple.ml")
        } else {
            (&second, "Second", &first, "premier@exemple.ml")
        };
    let page = waiting.get(&format!("{PUBLIC}/mine")).await;
    let position = kene::i18n::tr_args(
        kene::i18n::Lang::Fr,
        "registration-waitlist-position",
        &[("n", "1".to_owned())],
    );
    page.assert_contains(&position);
    let page = admin
        .post_form(
            &format!("{ADMIN}/categories/visitor"),
            &[("capacity", "0"), ("open_to_public", "yes")],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);

    // The holder cancels: the seat goes to the person waiting, who is told.
    let mine = holder.get(&format!("{PUBLIC}/mine")).await;
    let public_id = mine
        .tag_attr("<input type=\"hidden\" name=\"registration\"", "value")
        .expect("cancel form");
    holder
        .post_form(
            &format!("{PUBLIC}/mine/cancel"),
            &[("registration", &public_id)],
        )
        .await;
    assert_eq!(status_of(&app, holder_name).await, "cancelled");
    let promoted = if holder_name == "Premier" {
        "Second"
    } else {
        "Premier"
    };
    assert_eq!(status_of(&app, promoted).await, "confirmed");
    assert_eq!(app.scalar_i64(taken_sql).await, 1);
    app.wait_mail(waiting_email, "/badge/").await;
    let page = waiting.get(&format!("{PUBLIC}/mine")).await;
    assert!(page.tag_attr("<div class=\"badge\"", "data-code").is_some());
    app.finish().await;
}

async fn press_registrations_wait_for_an_organiser(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    open_registration(&admin).await;
    let journalist = person(&app, "Rokia Dembélé", "rokia@exemple.ml").await;
    let page = register(
        &journalist,
        "press",
        &[
            ("display_name", "Rokia Dembélé"),
            ("attendance", "in_person"),
            ("media", "Radio Kledu"),
            ("consent", "yes"),
        ],
    )
    .await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "press card missing"
    );
    assert_eq!(page.input_value("media").as_deref(), Some("Radio Kledu"));
    let page = register(
        &journalist,
        "press",
        &[
            ("display_name", "Rokia Dembélé"),
            ("attendance", "in_person"),
            ("media", "Radio Kledu"),
            ("press_card", "ML-118"),
            ("consent", "yes"),
        ],
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, "Rokia Dembélé").await, "pending");
    let mine = journalist.get(&format!("{PUBLIC}/mine")).await;
    mine.assert_contains(&fr("registration-status-pending"));
    assert!(
        mine.tag_attr("<div class=\"badge\"", "data-code").is_none(),
        "no badge yet"
    );
    let public_id = mine
        .tag_attr("<input type=\"hidden\" name=\"registration\"", "value")
        .expect("cancel form");

    // A participant cannot decide, even on their own request.
    let decide = format!("{ADMIN}/{public_id}/decide");
    let page = journalist
        .post_form(&decide, &[("decision", "approve")])
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(journalist.get(ADMIN).await.status, StatusCode::NOT_FOUND);
    assert_eq!(status_of(&app, "Rokia Dembélé").await, "pending");

    let list = admin.get(&format!("{ADMIN}?status=pending")).await;
    list.assert_contains("Rokia Dembélé");
    let page = admin.post_form(&decide, &[("decision", "approve")]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, "Rokia Dembélé").await, "confirmed");
    app.wait_mail("rokia@exemple.ml", "/badge/").await;
    // Deciding again (a second organiser's stale page) is refused, nothing changes.
    let page = admin.post_form(&decide, &[("decision", "refuse")]).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    page.assert_contains(&fr("registration-changed-meanwhile"));
    assert_eq!(status_of(&app, "Rokia Dembélé").await, "confirmed");

    // Organisers change the press category's questions (the form engine's JSON): a file
    // field is refused (registration is one page, no uploads), bad JSON too, typed text kept.
    let form_page = format!("{ADMIN}/categories/press/form");
    let page = admin.get(&form_page).await;
    assert!(page.text().contains("press_card"));
    let with_file = r#"{"sections":[{"key":"s","title":{"fr":"S","en":"S"},"fields":[{"key":"card","label":{"fr":"Carte","en":"Card"},"kind":{"type":"file","kinds":["pdf"],"max_bytes":1000}}]}]}"#;
    let page = admin
        .post_form(&form_page, &[("form_json", with_file)])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(&fr("registration-form-no-files"));
    let page = admin
        .post_form(&form_page, &[("form_json", "{ pas du JSON")])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.text().contains("{ pas du JSON"), "typed text kept");
    let media_only = r#"{"sections":[{"key":"s","title":{"fr":"Presse","en":"Press"},"fields":[{"key":"media","label":{"fr":"Rédaction","en":"Newsroom"},"required":true,"kind":{"type":"text","max_len":80}}]}]}"#;
    let page = admin
        .post_form(&form_page, &[("form_json", media_only)])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    let another = person(&app, "Adama Touré", "adama@exemple.ml").await;
    let page = another.get(&format!("{PUBLIC}/press")).await;
    page.assert_contains("Rédaction");
    assert!(!page.body.contains("press_card"));

    // The badge prints with the others.
    let print = admin
        .get(&format!("{ADMIN}/badges?layout=a4&category=press"))
        .await;
    assert_eq!(print.status, StatusCode::OK);
    print.assert_contains("Rokia Dembélé");
    print.assert_contains("badges-a4");
    app.finish().await;
}

async fn the_demo_registers_people_for_2026(backend: Backend) {
    let app = TestApp::start(backend).await;
    let login = kene::demo::seed(&app.state).await.expect("full demo");
    let page = app.client().get("/registration/sdn-2026").await;
    page.assert_contains(&fr("registration-category-visitor"));
    let admin = app.client();
    admin.login(&login.email, &login.password).await;
    let page = admin.get("/admin/editions/sdn-2026/registrations").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Fatoumata Keïta");
    page.assert_contains(&fr("registration-status-pending"));
    let badges = admin
        .get("/admin/editions/sdn-2026/registrations/badges")
        .await;
    assert!(badges.text().matches("data-code=").count() >= 8);
    // The stands are allocated too.
    let page = app.client().get("/exhibitors/sdn-2026").await;
    page.assert_contains("Burkina Faso");
    // The made-up people are not written to.
    let queued = app
        .scalar_i64("SELECT CAST(COUNT(*) AS BIGINT) FROM outbox WHERE body LIKE '%/badge/%'")
        .await;
    assert_eq!(queued, 0);
    app.finish().await;
}

async fn a_deleted_account_gives_its_seat_away_and_leaves_nothing_typed(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    open_registration(&admin).await;
    admin
        .post_form(
            &format!("{ADMIN}/categories/visitor"),
            &[("capacity", "1"), ("open_to_public", "yes")],
        )
        .await;
    let (leaver, _, _) = badge_holder(&app, "Oumou Sangaré", "oumou@exemple.ml").await;
    let waiting = person(&app, "Patient", "patient@exemple.ml").await;
    let page = register(
        &waiting,
        "visitor",
        &[
            ("display_name", "Patient"),
            ("attendance", "in_person"),
            ("consent", "yes"),
        ],
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, "Patient").await, "waitlisted");
    leaver.get("/account").await;
    let page = leaver
        .post_form(
            "/account/delete",
            &[("password", "un mot de passe solide 42")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    assert_eq!(
        status_of(&app, "Patient").await,
        "confirmed",
        "the seat went on"
    );
    let left = app
        .strings("SELECT status || '|' || display_name || '|' || answers FROM registrations WHERE display_name <> 'Patient'")
        .await;
    assert_eq!(left, ["cancelled||{}"]);
    app.wait_mail("patient@exemple.ml", "/badge/").await;
    app.finish().await;
}
