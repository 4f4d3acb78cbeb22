//! Sign-up (e-mail and phone), verification, bad input, CSRF, login, session rotation,
//! logout, password reset, login rate limit.

use kene::domain::types::{Lang, Login};
use kene::i18n::Say;
use reqwest::StatusCode;

use crate::support::{fr, Backend, TestApp};

const PASSWORD: &str = "mot-de-passe-solide";

both_dbs!(
    signup_by_email_is_verified_by_a_code_sent_over_smtp,
    signup_by_mali_phone_is_stored_in_e164_and_verified_by_sms,
    invalid_phone_and_email_show_a_french_message_next_to_the_field,
    missing_or_wrong_csrf_token_is_refused_and_nothing_is_written,
    login_rotates_the_session_and_logout_ends_it,
    password_reset_with_a_code_replaces_the_password,
    login_attempts_are_rate_limited,
    sending_codes_is_rate_limited,
    sessions_survive_a_server_restart,
    pages_switch_language_and_carry_security_headers,
);

async fn signup_by_email_is_verified_by_a_code_sent_over_smtp(backend: Backend) {
    let app = TestApp::start(backend).await;
    let client = app
        .signup_and_verify(
            "Awa Traoré",
            "Awa.Traore@Exemple.ml",
            "awa.traore@exemple.ml",
            PASSWORD,
        )
        .await;
    let rows = app
        .strings("SELECT email FROM users WHERE verified_at IS NOT NULL AND email IS NOT NULL")
        .await;
    assert_eq!(
        rows,
        vec!["awa.traore@exemple.ml".to_owned()],
        "one verified account, e-mail normalised"
    );
    // The code went through the real SMTP path, with a subject.
    let mail = app.wait_mail("awa.traore@exemple.ml", "").await;
    assert!(!mail.subject.is_empty(), "the code e-mail has a subject");
    // Signed in: the page offers to log out and lists the user's applications.
    let home = client.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(
        home.body.contains("action=\"/logout\""),
        "signed-in header expected:\n{}",
        home.body
    );
    let mine = client.get("/applications").await;
    assert_eq!(
        mine.status,
        StatusCode::OK,
        "my applications page for a signed-in user"
    );
    app.finish().await;
}

async fn signup_by_mali_phone_is_stored_in_e164_and_verified_by_sms(backend: Backend) {
    let app = TestApp::start(backend).await;
    let client = app
        .signup_and_verify("Moussa Keïta", "70 12 34 56", "+22370123456", PASSWORD)
        .await;
    let phones = app
        .strings("SELECT phone FROM users WHERE verified_at IS NOT NULL")
        .await;
    assert_eq!(phones, vec!["+22370123456".to_owned()]);
    // The SMS gateway got a bearer token and the number in E.164.
    let request = app
        .sms
        .requests()
        .into_iter()
        .find(|r| r.json.get("to").and_then(|v| v.as_str()) == Some("+22370123456"))
        .expect("an SMS request");
    assert_eq!(request.header("authorization"), Some("Bearer test-token"));
    // Logging in with the 8 digits finds the same account.
    let other = app.client();
    other.login("70123456", PASSWORD).await;
    assert!(client.session().is_some());
    app.finish().await;
}

async fn invalid_phone_and_email_show_a_french_message_next_to_the_field(backend: Backend) {
    let app = TestApp::start(backend).await;
    let client = app.client();
    let signup = client.get("/signup").await;
    // One field for an e-mail or a phone number: the phone's keyboard is not forced to e-mail.
    assert_eq!(signup.tag_attr("<input id=\"login\"", "inputmode"), None);
    assert!(signup.tag_attr("<input id=\"login\"", "name").is_some());
    // A short number is told what the hint says: 8 digits for Mali, else a country code.
    for typed in [
        "70 12 34 5",
        "+223 70 12 34",
        "70-12-ab-56",
        "awa@@exemple",
        "awa@",
    ] {
        let expected = Login::parse(typed)
            .expect_err("the input is invalid")
            .message(Lang::Fr);
        let page = client
            .post_form(
                "/signup",
                &[
                    ("display_name", "Fatoumata <b>Diarra</b>"),
                    ("login", typed),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert!(
            !page.status.is_redirection(),
            "{typed}: no account created, got a redirect"
        );
        assert_eq!(
            page.element_text("login-error"),
            Some(expected.to_string()),
            "{typed}: the message sits next to the login field:\n{}",
            page.body
        );
        assert!(
            page.body.contains("aria-describedby=\"login-error\""),
            "error linked to the field"
        );
        assert_eq!(
            page.input_value("login").as_deref(),
            Some(typed),
            "typed login kept"
        );
        assert_eq!(
            page.input_value("display_name").as_deref(),
            Some("Fatoumata <b>Diarra</b>"),
            "typed name kept"
        );
        assert!(
            !page.body.contains("<b>Diarra</b>"),
            "typed HTML is escaped"
        );
        page.assert_contains(&fr("form-has-errors"));
    }
    // A short password and an empty name get their own messages.
    let page = client
        .post_form(
            "/signup",
            &[
                ("display_name", ""),
                ("login", "awa@exemple.ml"),
                ("password", "court"),
            ],
        )
        .await;
    assert_eq!(
        page.element_text("password-error"),
        Some(fr("password-too-short"))
    );
    // The error says what the hint said: the hint is not repeated above it.
    assert!(
        page.element_text("password-help").is_none(),
        "{}",
        page.body
    );
    assert_eq!(
        page.element_text("display_name-error"),
        Some(fr("field-required"))
    );
    assert_eq!(page.input_value("login").as_deref(), Some("awa@exemple.ml"));
    // An over-long name is refused too.
    let long_name = "N".repeat(101);
    let page = client
        .post_form(
            "/signup",
            &[
                ("display_name", &long_name),
                ("login", "awa@exemple.ml"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert!(
        page.element_text("display_name-error").is_some(),
        "over-long name refused:\n{}",
        page.body
    );
    assert_eq!(app.count("users").await, 0, "nothing written");
    assert_eq!(app.count("outbox").await, 0, "no code sent");
    app.finish().await;
}

async fn missing_or_wrong_csrf_token_is_refused_and_nothing_is_written(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.seed_demo().await;
    let users_before = app.count("users").await;
    let client = app.client();
    client.get("/signup").await;
    let fields = [
        ("display_name", "Awa"),
        ("login", "awa@exemple.ml"),
        ("password", PASSWORD),
    ];
    let page = client.post_form_raw("/signup", &fields).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "missing token");
    page.assert_contains(&fr("error-csrf"));
    let mut wrong = vec![("csrf", "0123456789abcdef0123456789abcdef0123456789abcdef")];
    wrong.extend_from_slice(&fields);
    let page = client.post_form_raw("/signup", &wrong).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "wrong token");
    // Right token, but the request comes from another site.
    let token = client.csrf().await;
    let mut right = vec![("csrf", token.as_str())];
    right.extend_from_slice(&fields);
    let response = client
        .http
        .post(client.url("/signup"))
        .header("Origin", "https://evil.example")
        .form(&right)
        .send()
        .await
        .expect("POST with a foreign Origin");
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "foreign Origin");
    assert_eq!(app.count("users").await, users_before, "no account written");
    assert_eq!(app.count("outbox").await, 0, "no code sent");

    // Signed in, starting an application without the token writes nothing either.
    let applicant = app
        .signup_and_verify("Awa", "awa@exemple.ml", "awa@exemple.ml", PASSWORD)
        .await;
    let page = applicant
        .post_form_raw("/calls/sdn-2027/startups/apply", &[])
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let page = applicant
        .post_form_raw(
            "/calls/sdn-2027/startups/apply",
            &[("csrf", "forged-token-forged-token-forged-token")],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let drafts = app
        .scalar_i64("SELECT CAST(COUNT(*) AS BIGINT) FROM applications a JOIN users u ON u.id = a.applicant_id WHERE u.email = 'awa@exemple.ml'")
        .await;
    assert_eq!(drafts, 0, "no draft created without a valid token");
    // Logout without the token does not end the session.
    let page = applicant.post_form_raw("/logout", &[]).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(
        applicant.get("/applications").await.status,
        StatusCode::OK,
        "still signed in"
    );
    app.finish().await;
}

async fn login_rotates_the_session_and_logout_ends_it(backend: Backend) {
    let app = TestApp::start(backend).await;
    let first = app
        .signup_and_verify("Seydou", "seydou@exemple.ml", "seydou@exemple.ml", PASSWORD)
        .await;
    let old_token = first.session().expect("session after verification");
    // Logging in again on the same browser replaces the session token.
    first.login("seydou@exemple.ml", PASSWORD).await;
    let new_token = first.session().expect("session after login");
    assert_ne!(old_token, new_token, "the session is rotated at login");
    // The old token no longer signs anyone in.
    let stale = app.client();
    stale
        .jar
        .add_cookie_str(&format!("kene_session={old_token}; Path=/"), &stale.base);
    let page = stale.get("/applications").await;
    assert!(
        page.redirect_target()
            .is_some_and(|t| t.starts_with("/login")),
        "old session must be dead, got {} {:?}",
        page.status,
        page.redirect_target()
    );
    // A wrong password shows the message and keeps the typed login.
    let other = app.client();
    other.get("/login").await;
    let page = other
        .post_form(
            "/login",
            &[("login", "seydou@exemple.ml"), ("password", "pas le bon")],
        )
        .await;
    assert!(!page.status.is_redirection());
    page.assert_contains(&fr("login-failed"));
    assert_eq!(
        page.input_value("login").as_deref(),
        Some("seydou@exemple.ml")
    );
    assert!(other.session().is_none());
    // Logout.
    let page = first.post_form("/logout", &[]).await;
    assert!(
        page.status.is_redirection(),
        "logout redirects, got {}",
        page.status
    );
    let page = first.get("/applications").await;
    assert!(
        page.redirect_target()
            .is_some_and(|t| t.starts_with("/login")),
        "signed out"
    );
    let replay = app.client();
    replay
        .jar
        .add_cookie_str(&format!("kene_session={new_token}; Path=/"), &replay.base);
    let page = replay.get("/applications").await;
    assert!(
        page.redirect_target()
            .is_some_and(|t| t.starts_with("/login")),
        "a logged-out token cannot be replayed"
    );
    assert_eq!(app.count("sessions").await, 0, "no session left");
    app.finish().await;
}

async fn password_reset_with_a_code_replaces_the_password(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.signup_and_verify("Mariam", "mariam@exemple.ml", "mariam@exemple.ml", PASSWORD)
        .await;
    let client = app.client();
    client.get("/password/forgot").await;
    let seen = app.delivered_to("mariam@exemple.ml");
    let page = client
        .post_form("/password/forgot", &[("login", "mariam@exemple.ml")])
        .await;
    let target = page.redirect_target().expect("redirect to the reset page");
    assert!(target.starts_with("/password/reset"), "{target}");
    let code = app.wait_code("mariam@exemple.ml", seen).await;
    client.get(&target).await;
    // A wrong code is refused next to the code field; the password is unchanged.
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let page = client
        .post_form(
            "/password/reset",
            &[
                ("login", "mariam@exemple.ml"),
                ("code", wrong),
                ("password", "nouveau-secret-2026"),
            ],
        )
        .await;
    assert!(!page.status.is_redirection());
    assert_eq!(
        page.element_text("code-error"),
        Some(fr("code-invalid")),
        "{}",
        page.body
    );
    let page = client
        .post_form(
            "/password/reset",
            &[
                ("login", "mariam@exemple.ml"),
                ("code", &code),
                ("password", "nouveau-secret-2026"),
            ],
        )
        .await;
    assert!(
        page.status.is_redirection(),
        "reset succeeds: {} {}",
        page.status,
        page.text()
    );
    assert!(client.session().is_some(), "signed in after the reset");
    // The old password no longer works, the new one does.
    let old = app.client();
    old.get("/login").await;
    let page = old
        .post_form(
            "/login",
            &[("login", "mariam@exemple.ml"), ("password", PASSWORD)],
        )
        .await;
    assert!(!page.status.is_redirection());
    page.assert_contains(&fr("login-failed"));
    app.client()
        .login("mariam@exemple.ml", "nouveau-secret-2026")
        .await;
    // A code is single-use.
    let page = client
        .post_form(
            "/password/reset",
            &[
                ("login", "mariam@exemple.ml"),
                ("code", &code),
                ("password", "encore-un-autre-1"),
            ],
        )
        .await;
    assert!(
        !page.status.is_redirection(),
        "a used code cannot be replayed"
    );
    app.finish().await;
}

async fn login_attempts_are_rate_limited(backend: Backend) {
    let app = TestApp::start_with(backend, |config| config.limits.login_per_account = 3).await;
    app.signup_and_verify("Bakary", "bakary@exemple.ml", "bakary@exemple.ml", PASSWORD)
        .await;
    let client = app.client();
    client.get("/login").await;
    for attempt in 1..=3 {
        let page = client
            .post_form(
                "/login",
                &[
                    ("login", "bakary@exemple.ml"),
                    ("password", "devine-encore"),
                ],
            )
            .await;
        assert_eq!(
            page.status,
            StatusCode::OK,
            "attempt {attempt} is answered normally"
        );
        page.assert_contains(&fr("login-failed"));
    }
    let page = client
        .post_form(
            "/login",
            &[("login", "bakary@exemple.ml"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits now"
    );
    page.assert_contains(&kene::i18n::tr_args(
        Lang::Fr,
        "login-wait",
        &[("seconds", "5".into())],
    ));
    assert!(client.session().is_none());
    // After the wait, the right password works again.
    app.clock.advance(jiff::SignedDuration::from_secs(5));
    client.login("bakary@exemple.ml", PASSWORD).await;
    app.finish().await;
}

async fn sending_codes_is_rate_limited(backend: Backend) {
    let app = TestApp::start_with(backend, |config| config.limits.codes_per_account = 2).await;
    let client = app.client();
    client.get("/signup").await;
    let page = client
        .post_form(
            "/signup",
            &[
                ("display_name", "Adama"),
                ("login", "adama@exemple.ml"),
                ("password", PASSWORD),
            ],
        )
        .await;
    let verify = page.redirect_target().expect("redirect to /verify");
    let login = crate::support::query_param(&verify, "login").expect("login");
    // The sign-up's code counts: one resend is left.
    let page = client
        .post_form("/verify/resend", &[("login", login.as_str())])
        .await;
    assert!(
        page.status.is_redirection(),
        "resend accepted: {}",
        page.status
    );
    let page = client
        .post_form("/verify/resend", &[("login", login.as_str())])
        .await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    page.assert_contains(&fr("error-rate-limited"));
    let codes = app
        .scalar_i64(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM outbox WHERE recipient = 'adama@exemple.ml'",
        )
        .await;
    assert_eq!(codes, 2, "the sign-up code and one resend, no more");
    app.finish().await;
}

async fn sessions_survive_a_server_restart(backend: Backend) {
    let mut app = TestApp::start(backend).await;
    let client = app
        .signup_and_verify(
            "Souleymane",
            "souleymane@exemple.ml",
            "souleymane@exemple.ml",
            PASSWORD,
        )
        .await;
    assert_eq!(client.get("/applications").await.status, StatusCode::OK);
    app.restart().await;
    let page = client.get("/applications").await;
    assert_eq!(
        page.status,
        StatusCode::OK,
        "still signed in after the restart"
    );
    assert_eq!(client.get("/readyz").await.status, StatusCode::OK);
    app.finish().await;
}

async fn pages_switch_language_and_carry_security_headers(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.seed_demo().await;
    let client = app.client();
    assert_eq!(client.get("/healthz").await.status, StatusCode::OK);
    assert_eq!(client.get("/readyz").await.status, StatusCode::OK);
    let page = client.get("/calls").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("<html lang=\"fr\">"),
        "French by default"
    );
    page.assert_contains(&fr("nav-calls"));
    let headers = &page.headers;
    let csp = headers
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(
        headers
            .get("x-content-type-options")
            .and_then(|v| v.to_str().ok()),
        Some("nosniff")
    );
    assert_eq!(
        headers.get("x-frame-options").and_then(|v| v.to_str().ok()),
        Some("DENY")
    );
    // Cookies are HttpOnly and SameSite=Lax (a page with a form sets the CSRF one; public
    // pages set none, see `public_cache`).
    let fresh = app.client();
    let first = fresh.get("/login").await;
    let cookies: Vec<&str> = first
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    assert!(!cookies.is_empty(), "a CSRF cookie is set");
    for cookie in cookies {
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
    }
    // The language switch is a plain link that brings the visitor back.
    let page = client.get("/lang/en?next=/calls").await;
    assert_eq!(page.redirect_target().as_deref(), Some("/calls"));
    let page = client.get("/calls").await;
    assert!(
        page.body.contains("<html lang=\"en\">"),
        "English after the switch"
    );
    page.assert_contains(&kene::i18n::tr(Lang::En, "nav-calls"));
    // Metrics are not public (see `operations::metrics_need_the_configured_token`).
    assert_eq!(client.get("/metrics").await.status, StatusCode::NOT_FOUND);
    // The switch never redirects to another site.
    let page = client.get("/lang/fr?next=//evil.example").await;
    assert_eq!(page.redirect_target().as_deref(), Some("/"));
    app.finish().await;
}
