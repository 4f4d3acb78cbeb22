//! Issue 7, accounts and messages: the outbox shows no code and only an organiser's own
//! editions (and the platform-wide audit log only administrators); no account takeover through it; failed logins slow an account down instead of
//! locking it, and a code gets its owner in; no answer reveals whether an account exists;
//! codes are used up only by a successful use and tried at most five times, in parallel too;
//! personal responses are not stored; HSTS behind TLS; SMS kept to one GSM-7 part.

use kene::clock::Clock;
use kene::domain::types::Lang;
use kene::i18n::tr_args;
use kene::outbox::{self, Channel, NewMessage};
use reqwest::StatusCode;

use crate::support::{fr, six_digits, Backend, TestApp, TestClient};

const PASSWORD: &str = "mot-de-passe-solide";

both_dbs!(
    an_organiser_cannot_read_an_admins_reset_code_nor_take_the_account,
    organisers_see_and_retry_only_their_editions_messages,
    failed_logins_slow_an_account_down_and_a_code_gets_its_owner_in,
    successful_logins_never_count,
    signup_forgot_and_reset_answer_alike_for_existing_and_unknown_accounts,
    a_reset_refused_for_a_weak_password_keeps_the_code,
    parallel_guesses_get_five_tries_at_a_code,
    personal_responses_are_not_stored,
    accented_sms_take_one_part_when_the_organiser_allows_it,
);

/// A verified account made organiser of `edition` by the demo's administrator.
async fn organiser_of(app: &TestApp, admin: &TestClient, edition: &str, email: &str) -> TestClient {
    let client = app
        .signup_and_verify("Oumar Sidibé", email, email, PASSWORD)
        .await;
    let team = format!("/admin/editions/{edition}/team");
    admin.get(&team).await;
    let page = admin
        .post_form(&team, &[("login", email), ("role", "organiser")])
        .await;
    assert!(
        page.status.is_success() || page.status.is_redirection(),
        "grant: {} {}",
        page.status,
        page.text()
    );
    client
}

async fn edition_id(app: &TestApp, slug: &str) -> i64 {
    app.scalar_i64(&format!(
        "SELECT CAST(id AS BIGINT) FROM editions WHERE slug = '{slug}'"
    ))
    .await
}

async fn queue(app: &TestApp, msg: NewMessage) {
    let mut tx = app.db().begin().await.expect("begin");
    outbox::enqueue(&mut tx, &msg, app.clock.now_ms())
        .await
        .expect("enqueue");
    tx.commit().await.expect("commit");
    app.state.outbox_wake.notify_one();
}

fn mail(key: &str, to: &str, body: &str, edition_id: Option<i64>) -> NewMessage {
    NewMessage {
        idempotency_key: key.into(),
        channel: Channel::Email,
        recipient: to.into(),
        subject: "Sujet".into(),
        body: body.into(),
        edition_id,
    }
}

async fn an_organiser_cannot_read_an_admins_reset_code_nor_take_the_account(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (admin_email, admin_password) = app.seed_demo().await;
    let admin = app.client();
    admin.login(&admin_email, &admin_password).await;
    let organiser = organiser_of(&app, &admin, "sdn-2027", "oumar@exemple.ml").await;

    // The organiser asks for a reset of the administrator's password…
    let seen = app.delivered_to(&admin_email);
    organiser.get("/password/forgot").await;
    let page = organiser
        .post_form("/password/forgot", &[("login", admin_email.as_str())])
        .await;
    assert!(page.status.is_redirection(), "{}", page.status);
    let code = app.wait_code(&admin_email, seen).await;

    // …and opens the outbox: the message is not theirs to see, the code nowhere.
    let outbox = organiser.get("/admin/outbox").await;
    assert_eq!(outbox.status, StatusCode::OK, "organisers have an outbox");
    assert!(
        !outbox.body.contains(&code),
        "the code leaked:\n{}",
        outbox.body
    );
    assert!(
        !outbox.body.contains(&admin_email),
        "account messages are the administrators' only:\n{}",
        outbox.body
    );
    // Guessing from what the page shows does not reset the password.
    let guess = six_digits(&outbox.text()).unwrap_or_else(|| "000000".into());
    organiser.get("/password/reset").await;
    let page = organiser
        .post_form(
            "/password/reset",
            &[
                ("login", admin_email.as_str()),
                ("code", guess.as_str()),
                ("password", "pris-par-l-organisateur"),
            ],
        )
        .await;
    assert!(!page.status.is_redirection(), "the reset must fail");
    assert_eq!(page.element_text("code-error"), Some(fr("code-invalid")));
    app.client().login(&admin_email, &admin_password).await;

    // The administrator sees the account message, masked.
    let outbox = admin.get("/admin/outbox").await;
    assert!(outbox.body.contains(&admin_email), "{}", outbox.body);
    assert!(outbox.body.contains(outbox::SECRET_MASK));
    assert!(!outbox.body.contains(&code), "masked for admins too");

    // Retrying a failed account message is not the organiser's either.
    let id = app
        .scalar_i64(&format!(
            "SELECT CAST(MAX(id) AS BIGINT) FROM outbox WHERE recipient = '{admin_email}'"
        ))
        .await;
    kene::run!(app.db(), |pool| sqlx::query(
        "UPDATE outbox SET status = 'failed' WHERE id = $1"
    )
    .bind(id)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))
    .expect("fail the message");
    let page = organiser
        .post_form(&format!("/admin/outbox/{id}/retry"), &[])
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let status = app
        .strings(&format!("SELECT status FROM outbox WHERE id = {id}"))
        .await;
    assert_eq!(status, ["failed"]);
    app.finish().await;
}

async fn organisers_see_and_retry_only_their_editions_messages(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (admin_email, admin_password) = app.seed_demo().await;
    let admin = app.client();
    admin.login(&admin_email, &admin_password).await;
    let organiser = organiser_of(&app, &admin, "sdn-2027", "oumar@exemple.ml").await;
    let (e2026, e2027) = (
        edition_id(&app, "sdn-2026").await,
        edition_id(&app, "sdn-2027").await,
    );
    queue(
        &app,
        mail(
            "t:2027",
            "awa@exemple.ml",
            "Message de l'édition 2027",
            Some(e2027),
        ),
    )
    .await;
    queue(
        &app,
        mail(
            "t:2026",
            "binta@exemple.ml",
            "Message de l'édition 2026",
            Some(e2026),
        ),
    )
    .await;
    app.wait_mail("binta@exemple.ml", "2026").await;
    let page = organiser.get("/admin/outbox").await;
    page.assert_contains("Message de l'édition 2027");
    assert!(
        !page.body.contains("Message de l'édition 2026") && !page.body.contains("binta@"),
        "another edition's message is shown:\n{}",
        page.body
    );
    let page = admin.get("/admin/outbox").await;
    page.assert_contains("Message de l'édition 2026");

    let id_2026 = app
        .scalar_i64("SELECT CAST(id AS BIGINT) FROM outbox WHERE idempotency_key = 't:2026'")
        .await;
    kene::run!(app.db(), |pool| sqlx::query(
        "UPDATE outbox SET status = 'failed' WHERE idempotency_key LIKE 't:%'"
    )
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))
    .expect("fail the messages");
    let page = organiser
        .post_form(&format!("/admin/outbox/{id_2026}/retry"), &[])
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let id_2027 = app
        .scalar_i64("SELECT CAST(id AS BIGINT) FROM outbox WHERE idempotency_key = 't:2027'")
        .await;
    let page = organiser
        .post_form(&format!("/admin/outbox/{id_2027}/retry"), &[])
        .await;
    assert!(page.status.is_redirection(), "own edition: {}", page.status);
    let failed = app
        .strings("SELECT idempotency_key FROM outbox WHERE status = 'failed' ORDER BY id")
        .await;
    assert_eq!(
        failed,
        ["t:2026"],
        "only the own edition's message was retried"
    );

    // The audit log spans every edition and names people: administrators only.
    let page = organiser.get("/admin/audit").await;
    assert_eq!(
        page.status,
        StatusCode::NOT_FOUND,
        "organiser reads the audit log"
    );
    assert_eq!(admin.get("/admin/audit").await.status, StatusCode::OK);
    app.finish().await;
}

fn wait_text(seconds: i64) -> String {
    tr_args(Lang::Fr, "login-wait", &[("seconds", seconds.to_string())])
}

async fn try_login(client: &TestClient, login: &str, password: &str) -> crate::support::Page {
    client
        .post_form(
            "/login",
            &[("login", login), ("password", password), ("next", "/")],
        )
        .await
}

async fn failed_logins_slow_an_account_down_and_a_code_gets_its_owner_in(backend: Backend) {
    let app = TestApp::start_with(backend, |c| c.limits.login_per_account = 3).await;
    app.signup_and_verify("Kadia", "kadia@exemple.ml", "kadia@exemple.ml", PASSWORD)
        .await;
    let attacker = app.client();
    attacker.get("/login").await;
    for login in ["kadia@exemple.ml", "personne@exemple.ml"] {
        for attempt in 1..=3 {
            let page = try_login(&attacker, login, "devine").await;
            assert_eq!(page.status, StatusCode::OK, "{login}: attempt {attempt}");
            page.assert_contains(&fr("login-failed"));
        }
        // Existing or not, the account now waits 5 s before its password is checked.
        let page = try_login(&attacker, login, PASSWORD).await;
        assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS, "{login}");
        page.assert_contains(&wait_text(5));
    }
    // The wait doubles with each further failure.
    app.clock.advance(jiff::SignedDuration::from_secs(5));
    let page = try_login(&attacker, "kadia@exemple.ml", "devine").await;
    page.assert_contains(&fr("login-failed"));
    let page = try_login(&attacker, "kadia@exemple.ml", "devine").await;
    page.assert_contains(&wait_text(10));

    // The owner is slowed down too, but a code sent to them gets them in at once.
    let owner = app.client();
    owner.get("/login").await;
    let page = try_login(&owner, "kadia@exemple.ml", PASSWORD).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(page.body.contains("href=\"/login/code"), "a way in by code");
    owner.get("/login/code").await;
    let seen = app.delivered_to("kadia@exemple.ml");
    let page = owner
        .post_form(
            "/login/code",
            &[("login", "kadia@exemple.ml"), ("next", "/")],
        )
        .await;
    let enter = page.redirect_target().expect("to the code form");
    assert!(enter.starts_with("/login/code/enter?"), "{enter}");
    assert_eq!(owner.get(&enter).await.status, StatusCode::OK);
    let code = app.wait_code("kadia@exemple.ml", seen).await;
    let page = owner
        .post_form(
            "/login/code/enter",
            &[
                ("login", "kadia@exemple.ml"),
                ("code", "999999"),
                ("next", "/"),
            ],
        )
        .await;
    if code != "999999" {
        assert_eq!(page.element_text("code-error"), Some(fr("code-invalid")));
    }
    let page = owner
        .post_form(
            "/login/code/enter",
            &[
                ("login", "kadia@exemple.ml"),
                ("code", &code),
                ("next", "/"),
            ],
        )
        .await;
    assert!(
        page.status.is_redirection(),
        "{} {}",
        page.status,
        page.text()
    );
    assert_eq!(owner.get("/applications").await.status, StatusCode::OK);
    // A code works once.
    let again = app.client();
    again.get("/login/code").await;
    let page = again
        .post_form(
            "/login/code/enter",
            &[
                ("login", "kadia@exemple.ml"),
                ("code", &code),
                ("next", "/"),
            ],
        )
        .await;
    assert!(!page.status.is_redirection());

    // An address someone else signed up with (unverified, their password) gets no sign-in
    // code: its owner would be let into an account whose password a stranger knows.
    let squatter = app.client();
    squatter.get("/signup").await;
    squatter
        .post_form(
            "/signup",
            &[
                ("display_name", "Pirate"),
                ("login", "victime@exemple.ml"),
                ("password", "mot-de-passe-du-pirate"),
            ],
        )
        .await;
    let queued = || async {
        app.scalar_i64(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM outbox WHERE recipient = 'victime@exemple.ml'",
        )
        .await
    };
    let before = queued().await;
    let page = squatter
        .post_form(
            "/login/code",
            &[("login", "victime@exemple.ml"), ("next", "/")],
        )
        .await;
    assert!(page.status.is_redirection(), "answered as usual");
    assert_eq!(
        queued().await,
        before,
        "no sign-in code for an unverified account"
    );
    app.finish().await;
}

async fn successful_logins_never_count(backend: Backend) {
    let app = TestApp::start_with(backend, |c| c.limits.login_per_account = 3).await;
    app.signup_and_verify("Modibo", "modibo@exemple.ml", "modibo@exemple.ml", PASSWORD)
        .await;
    for _ in 0..8 {
        app.client().login("modibo@exemple.ml", PASSWORD).await;
    }
    // Two failures, a success, two failures: never three in a row, so no wait.
    let client = app.client();
    client.get("/login").await;
    for _ in 0..2 {
        try_login(&client, "modibo@exemple.ml", "devine").await;
    }
    client.login("modibo@exemple.ml", PASSWORD).await;
    for _ in 0..2 {
        let page = try_login(&client, "modibo@exemple.ml", "devine").await;
        assert_eq!(page.status, StatusCode::OK);
    }
    client.login("modibo@exemple.ml", PASSWORD).await;
    app.finish().await;
}

/// The page with the login it shows (as is, URL-encoded once or twice) replaced, to compare
/// the answers for two logins.
fn without(body: &str, login: &str) -> String {
    let encode = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let once = encode(login);
    let twice = encode(&once);
    body.replace(login, "LOGIN")
        .replace(&once, "LOGIN")
        .replace(&twice, "LOGIN")
}

async fn signup_forgot_and_reset_answer_alike_for_existing_and_unknown_accounts(backend: Backend) {
    let app = TestApp::start_with(backend, |c| c.limits.codes_per_account = 3).await;
    let known = "awa@exemple.ml";
    let unknown = "inconnu@exemple.ml";
    app.signup_and_verify("Awa", known, known, PASSWORD).await;
    let visitor = app.client();
    visitor.get("/signup").await;

    // Sign-up: the same redirect and the same page; the owner is told by message.
    let seen = app.delivered_to(known);
    let mut pages = Vec::new();
    for login in [known, unknown] {
        let page = visitor
            .post_form(
                "/signup",
                &[
                    ("display_name", "Quelqu'un"),
                    ("login", login),
                    ("password", "un-autre-secret"),
                    ("next", "/"),
                ],
            )
            .await;
        let target = page.redirect_target().expect("a redirect");
        let shown = visitor.get(&target).await;
        pages.push((
            page.status,
            without(&target, login),
            shown.status,
            without(&shown.body, login),
        ));
    }
    assert_eq!(pages[0], pages[1], "sign-up tells the two apart");
    app.wait_mail(known, "Vous avez déjà un compte").await;
    assert_eq!(app.delivered_to(known), seen + 1, "one notice, no code");
    assert_eq!(
        app.strings_with("SELECT display_name FROM users WHERE email = $1", known)
            .await,
        ["Awa"],
        "the existing account is untouched"
    );

    // Forgot: same redirect, and the limit of three codes an hour strikes both alike, before
    // any lookup (in a new hour: the sign-ups above sent codes and notices).
    app.clock.advance(jiff::SignedDuration::from_hours(1));
    visitor.get("/password/forgot").await;
    let mut answers = Vec::new();
    for login in [known, unknown] {
        let mut statuses = Vec::new();
        for _ in 0..4 {
            let page = visitor
                .post_form("/password/forgot", &[("login", login)])
                .await;
            statuses.push((
                page.status,
                page.redirect_target().map(|t| without(&t, login)),
            ));
        }
        answers.push(statuses);
    }
    assert_eq!(answers[0], answers[1], "forgot tells the two apart");
    assert_eq!(answers[0][2].0, StatusCode::SEE_OTHER, "{answers:?}");
    assert_eq!(
        answers[0][3].0,
        StatusCode::TOO_MANY_REQUESTS,
        "{answers:?}"
    );

    // Reset: a wrong code gets the same answer whether the account exists or not.
    visitor.get("/password/reset").await;
    let mut resets = Vec::new();
    for login in [known, unknown] {
        let page = visitor
            .post_form(
                "/password/reset",
                &[
                    ("login", login),
                    ("code", "123456"),
                    ("password", "nouveau-secret-1"),
                ],
            )
            .await;
        resets.push((page.status, without(&page.body, login)));
    }
    assert_eq!(resets[0], resets[1], "reset tells the two apart");
    app.finish().await;
}

async fn a_reset_refused_for_a_weak_password_keeps_the_code(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.signup_and_verify("Mariam", "mariam@exemple.ml", "mariam@exemple.ml", PASSWORD)
        .await;
    let client = app.client();
    client.get("/password/forgot").await;
    let seen = app.delivered_to("mariam@exemple.ml");
    client
        .post_form("/password/forgot", &[("login", "mariam@exemple.ml")])
        .await;
    let code = app.wait_code("mariam@exemple.ml", seen).await;
    let reset = |password: &'static str| {
        let (client, code) = (&client, code.clone());
        async move {
            client
                .post_form(
                    "/password/reset",
                    &[
                        ("login", "mariam@exemple.ml"),
                        ("code", code.as_str()),
                        ("password", password),
                    ],
                )
                .await
        }
    };
    let page = reset("court").await;
    assert!(!page.status.is_redirection());
    assert_eq!(
        page.element_text("password-error"),
        Some(fr("password-too-short"))
    );
    assert_eq!(page.element_text("code-error"), None, "the code was right");
    let page = reset("assez-long-cette-fois").await;
    assert!(
        page.status.is_redirection(),
        "{} {}",
        page.status,
        page.text()
    );
    app.client()
        .login("mariam@exemple.ml", "assez-long-cette-fois")
        .await;
    app.finish().await;
}

async fn parallel_guesses_get_five_tries_at_a_code(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.signup_and_verify("Issa", "issa@exemple.ml", "issa@exemple.ml", PASSWORD)
        .await;
    let client = app.client();
    client.get("/password/forgot").await;
    let seen = app.delivered_to("issa@exemple.ml");
    client
        .post_form("/password/forgot", &[("login", "issa@exemple.ml")])
        .await;
    let code = app.wait_code("issa@exemple.ml", seen).await;
    let mut guessers = Vec::new();
    for i in 0..12 {
        let guesser = app.client();
        guesser.get("/password/reset").await;
        let guess = format!(
            "{:06}",
            (code.parse::<u32>().unwrap_or(0) + 1 + i) % 1_000_000
        );
        guessers.push(tokio::spawn(async move {
            guesser
                .post_form(
                    "/password/reset",
                    &[
                        ("login", "issa@exemple.ml"),
                        ("code", guess.as_str()),
                        ("password", "pris-par-force-1"),
                    ],
                )
                .await
                .status
        }));
    }
    for guesser in guessers {
        assert_eq!(guesser.await.expect("join"), StatusCode::OK);
    }
    let tries = app
        .scalar_i64(
            "SELECT CAST(attempts AS BIGINT) FROM verification_codes c JOIN users u ON u.id = c.user_id \
             WHERE u.email = 'issa@exemple.ml' AND c.purpose = 'reset'",
        )
        .await;
    assert_eq!(tries, 5, "twelve parallel guesses, five tries counted");
    // The code is dead now, even when right.
    let page = client
        .post_form(
            "/password/reset",
            &[
                ("login", "issa@exemple.ml"),
                ("code", code.as_str()),
                ("password", "pris-par-force-1"),
            ],
        )
        .await;
    assert!(!page.status.is_redirection());
    assert_eq!(page.element_text("code-error"), Some(fr("code-invalid")));
    app.client().login("issa@exemple.ml", PASSWORD).await;
    app.finish().await;
}

fn header<'a>(page: &'a crate::support::Page, name: &str) -> Option<&'a str> {
    page.headers.get(name).and_then(|v| v.to_str().ok())
}

async fn personal_responses_are_not_stored(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    for path in [
        "/applications",
        "/admin",
        "/admin/outbox",
        "/admin/editions/sdn-2027/applications.csv",
        "/admin/editions/sdn-2027/applications.xlsx",
    ] {
        let page = admin.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert_eq!(header(&page, "cache-control"), Some("no-store"), "{path}");
        assert_eq!(
            header(&page, "strict-transport-security"),
            None,
            "{path}: no TLS"
        );
    }
    // Anonymous pages that show a login are not stored either; hashed assets stay cached.
    let visitor = app.client();
    let page = visitor.get("/verify?login=awa%40exemple.ml").await;
    assert_eq!(header(&page, "cache-control"), Some("no-store"));
    let home = visitor.get("/").await;
    let css = kene::web::assets::css_url();
    assert!(home.body.contains(css));
    let asset = visitor.get(css).await;
    assert_eq!(
        header(&asset, "cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    app.finish().await;

    // Behind TLS (secure cookies), browsers are told to keep to HTTPS.
    let app = TestApp::start_with(backend, |c| c.secure_cookies = true).await;
    // The second visit of "/" is served from the public cache.
    for path in ["/login", "/", "/"] {
        let page = app.client().get(path).await;
        assert_eq!(
            header(&page, "strict-transport-security"),
            Some("max-age=31536000"),
            "{path}"
        );
    }
    let page = app.client().get("/login").await;
    assert_eq!(header(&page, "cache-control"), Some("no-store"));
    app.finish().await;
}

async fn accented_sms_take_one_part_when_the_organiser_allows_it(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let e2027 = edition_id(&app, "sdn-2027").await;
    let text = "Bonne nouvelle : votre dossier « Lumière » est retenu pour l’étape suivante. \
                Présentez-vous à l’hôtel de l’Amitié le 12 décembre à 9h avec votre pièce d’identité.";
    let sms = |key: &str| NewMessage {
        idempotency_key: key.into(),
        channel: Channel::Sms,
        recipient: "+22376000001".into(),
        subject: String::new(),
        body: text.into(),
        edition_id: Some(e2027),
    };
    queue(&app, sms("sms:before")).await;
    let sent = app.wait_sms("+22376000001", "Bonne nouvelle").await;
    assert!(sent.contains("hôtel"), "accents kept by default: {sent}");
    let parts_before = app
        .scalar_i64(
            "SELECT CAST(sms_parts AS BIGINT) FROM outbox WHERE idempotency_key = 'sms:before'",
        )
        .await;
    assert!(parts_before >= 2, "{parts_before}");

    // The organiser allows stripping the accents GSM-7 lacks, for this edition's SMS.
    let page = admin.get("/admin/outbox").await;
    page.assert_contains(&fr("outbox-sms-strip"));
    let page = admin
        .post_form("/admin/editions/sdn-2027/sms", &[("strip_accents", "on")])
        .await;
    assert!(page.status.is_redirection(), "{}", page.status);
    queue(&app, sms("sms:after")).await;
    let sent = app.wait_sms("+22376000001", "hotel").await;
    assert!(
        sent.contains("Présentez-vous à l'hotel de l'Amitié"),
        "{sent}"
    );
    let parts_after = app
        .scalar_i64(
            "SELECT CAST(sms_parts AS BIGINT) FROM outbox WHERE idempotency_key = 'sms:after'",
        )
        .await;
    assert_eq!(parts_after, 2, "GSM-7 now: 153 characters a part");
    assert!(parts_after < parts_before);
    let page = admin.get("/admin/outbox").await;
    page.assert_contains(&format!("{} {parts_after}", fr("outbox-sms-parts")));

    // Codes sent by SMS hold in one part, accents and all.
    app.signup_and_verify("Moussa Keïta", "76 00 00 02", "+22376000002", PASSWORD)
        .await;
    let code_parts = app
        .scalar_i64(
            "SELECT CAST(MAX(sms_parts) AS BIGINT) FROM outbox WHERE recipient = '+22376000002'",
        )
        .await;
    assert_eq!(code_parts, 1);
    app.finish().await;
}
