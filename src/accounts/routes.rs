//! Sign-up, verification, login (with a password or a code), logout, password reset.
//!
//! No answer tells whether an account exists: sign-up, verification, codes, forgot and reset
//! answer an unknown login exactly as a known one (the owner of an existing account is told
//! by message instead), and rate limits apply before any lookup.

use crate::i18n::Say;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use super::rate_limit::{self, FIFTEEN_MINUTES, ONE_HOUR};
use super::users::{self, CodePurpose, NewUser};
use super::NewPassword;
use crate::domain::types::{Lang, Login};
use crate::i18n::{tr, tr_args};
use crate::outbox::{self, Channel, NewMessage};
use crate::web::ctx::{cookie_value, set_cookie, CsrfForm, Ctx, SESSION_COOKIE};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{safe_next, FieldErrors};
use crate::web::sessions;
use crate::web::state::AppState;
use crate::web::templates::{render, render_with_status};
use crate::web::ClientIp;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/signup", get(signup_page).post(signup))
        .route("/verify", get(verify_page).post(verify))
        .route("/verify/resend", post(resend_code))
        .route("/login", get(login_page).post(login))
        .route("/login/code", get(login_code_page).post(send_login_code))
        .route(
            "/login/code/enter",
            get(enter_login_code_page).post(login_with_code),
        )
        .route("/logout", post(logout))
        .route("/password/forgot", get(forgot_page).post(forgot))
        .route("/password/reset", get(reset_page).post(reset))
}

#[derive(Deserialize, Default)]
pub struct NextQuery {
    next: Option<String>,
    login: Option<String>,
}

async fn signup_page(ctx: Ctx, Query(q): Query<NextQuery>) -> AppResult<Response> {
    render(&SignupTemplate {
        ctx,
        display_name: String::new(),
        login: String::new(),
        next: safe_next(q.next.as_deref()),
        errors: FieldErrors::default(),
    })
}

#[derive(Deserialize)]
struct SignupForm {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

async fn signup(
    State(app): State<AppState>,
    ctx: Ctx,
    ClientIp(ip): ClientIp,
    form: CsrfForm<SignupForm>,
) -> AppResult<Response> {
    let form = form.value;
    let lang = ctx.lang;
    let mut errors = FieldErrors::default();
    let display_name = form.display_name.trim().to_owned();
    if display_name.is_empty() {
        errors.add("display_name", tr(lang, "field-required"));
    } else if display_name.chars().count() > 100 {
        errors.add(
            "display_name",
            tr_args(lang, "field-too-long", &[("max", "100".into())]),
        );
    }
    let login = match Login::parse(&form.login) {
        Ok(login) => Some(login),
        Err(e) => {
            errors.add("login", e.message(lang));
            None
        }
    };
    let password = match NewPassword::parse(&form.password) {
        Ok(p) => Some(p),
        Err(e) => {
            errors.add("password", tr(lang, NewPassword::error_key(&e)));
            None
        }
    };
    let next = safe_next(form.next.as_deref());
    let (Some(login), Some(password), true) = (login, password, errors.is_empty()) else {
        return render(&SignupTemplate {
            ctx,
            display_name: form.display_name,
            login: form.login,
            next,
            errors,
        });
    };
    let now = app.now_ms();
    check_code_limits(&app, &login, &ip, now).await?;
    // Hashed whether or not the account exists, so that timing tells nothing either.
    let hash = super::hash_password_blocking(password.into_inner()).await?;
    let existing = users::find_by_login(&app.db, &login).await?;
    let mut tx = app.db.begin().await?;
    match existing {
        Some(existing) => tell_owner_of_signup_attempt(&mut tx, &existing, &login, now).await?,
        None => {
            let inserted = users::insert(
                &mut tx,
                &NewUser {
                    login: &login,
                    display_name: &display_name,
                    password_hash: &hash,
                    locale: ctx.lang_code(),
                    verified: false,
                    is_admin: false,
                },
                now,
            )
            .await;
            match inserted {
                Ok(user_id) => {
                    send_code(&mut tx, user_id, &login, CodePurpose::Verify, lang, now).await?;
                }
                // Two sign-ups racing for one address: the second is answered like the first.
                Err(crate::db::DbError::Sqlx(sqlx::Error::Database(d)))
                    if d.is_unique_violation() => {}
                Err(other) => return Err(other.into()),
            }
        }
    }
    tx.commit().await?;
    app.outbox_wake.notify_one();
    Ok(redirect_to_verify(&login, &next))
}

fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn redirect_to_verify(login: &Login, next: &str) -> Response {
    Redirect::to(&format!(
        "/verify?login={}&next={}",
        encode(login.as_str()),
        encode(next)
    ))
    .into_response()
}

fn channel_of(login: &Login) -> (Channel, String) {
    match login {
        Login::Email(e) => (Channel::Email, e.as_str().to_owned()),
        Login::Phone(p) => (Channel::Sms, p.as_str().to_owned()),
    }
}

fn lang_of(user: &users::UserRow) -> Lang {
    if user.locale == "en" {
        Lang::En
    } else {
        Lang::Fr
    }
}

/// Someone tried to create an account with an existing address: its owner hears of it (at
/// most once an hour), the visitor sees what a new sign-up sees.
async fn tell_owner_of_signup_attempt(
    tx: &mut crate::db::Tx,
    owner: &users::UserRow,
    login: &Login,
    now: i64,
) -> AppResult<()> {
    let lang = lang_of(owner);
    let (channel, recipient) = channel_of(login);
    let body_key = match channel {
        Channel::Email => "signup-exists-body",
        Channel::Sms => "signup-exists-sms",
    };
    outbox::enqueue(
        tx,
        &NewMessage {
            idempotency_key: format!("signup-exists:{}:{}", owner.id, now / ONE_HOUR),
            channel,
            recipient,
            subject: tr(lang, "signup-exists-subject"),
            body: tr(lang, body_key),
            edition_id: None,
        },
        now,
    )
    .await?;
    Ok(())
}

async fn send_code(
    tx: &mut crate::db::Tx,
    user_id: i64,
    login: &Login,
    purpose: CodePurpose,
    lang: Lang,
    now: i64,
) -> AppResult<()> {
    let (code_id, code) = users::issue_code(tx, user_id, purpose, now).await?;
    let (channel, recipient) = channel_of(login);
    let (subject_key, body_key, sms_key) = match purpose {
        CodePurpose::Verify => ("code-verify-subject", "code-verify-body", "code-verify-sms"),
        CodePurpose::Reset => ("code-reset-subject", "code-reset-body", "code-reset-sms"),
        CodePurpose::Login => ("code-login-subject", "code-login-body", "code-login-sms"),
    };
    let body_key = if channel == Channel::Sms {
        sms_key
    } else {
        body_key
    };
    outbox::enqueue_with_secret(
        tx,
        &NewMessage {
            idempotency_key: format!("code:{code_id}"),
            channel,
            recipient,
            subject: tr(lang, subject_key),
            body: tr_args(lang, body_key, &[("code", code.clone())]),
            edition_id: None,
        },
        &code,
        now,
    )
    .await?;
    Ok(())
}

/// The typed login of a query string, if it is one.
fn typed_login(raw: Option<&str>) -> AppResult<Login> {
    raw.and_then(|l| Login::parse(l).ok())
        .ok_or(AppError::NotFound)
}

async fn verify_page(ctx: Ctx, Query(q): Query<NextQuery>) -> AppResult<Response> {
    let login = typed_login(q.login.as_deref())?;
    render(&VerifyTemplate {
        ctx,
        destination: login.as_str().to_owned(),
        next: safe_next(q.next.as_deref()),
        error: None,
    })
}

#[derive(Deserialize)]
struct VerifyForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    code: String,
    next: Option<String>,
}

async fn verify(
    State(app): State<AppState>,
    ctx: Ctx,
    form: CsrfForm<VerifyForm>,
) -> AppResult<Response> {
    let form = form.value;
    let login = typed_login(Some(&form.login))?;
    let next = safe_next(form.next.as_deref());
    let now = app.now_ms();
    let user = users::find_by_login(&app.db, &login).await?;
    let mut tx = app.db.begin().await?;
    if let Some(user) = &user {
        if use_code(&mut tx, user.id, CodePurpose::Verify, &form.code, now).await? {
            users::mark_verified(&mut tx, user.id, now).await?;
            let token = sessions::create(&mut tx, user.id, now).await?;
            tx.commit().await?;
            return Ok(signed_in_redirect(&app, &next, &token));
        }
    }
    tx.commit().await?;
    render(&VerifyTemplate {
        error: Some(ctx.t("code-invalid")),
        ctx,
        destination: login.as_str().to_owned(),
        next,
    })
}

/// Checks and uses up a code in `tx`; false for a wrong, expired, used or over-tried one.
async fn use_code(
    tx: &mut crate::db::Tx,
    user_id: i64,
    purpose: CodePurpose,
    code: &str,
    now: i64,
) -> AppResult<bool> {
    Ok(
        match users::check_code(tx, user_id, purpose, code, now).await? {
            Some(code_id) => users::consume_code(tx, code_id, now).await?,
            None => false,
        },
    )
}

#[derive(Deserialize)]
struct ResendForm {
    #[serde(default)]
    login: String,
    next: Option<String>,
}

async fn resend_code(
    State(app): State<AppState>,
    ctx: Ctx,
    ClientIp(ip): ClientIp,
    form: CsrfForm<ResendForm>,
) -> AppResult<Response> {
    let form = form.value;
    let login = typed_login(Some(&form.login))?;
    let now = app.now_ms();
    check_code_limits(&app, &login, &ip, now).await?;
    if let Some(user) = users::find_by_login(&app.db, &login).await? {
        if user.verified_at.is_none() {
            let mut tx = app.db.begin().await?;
            send_code(&mut tx, user.id, &login, CodePurpose::Verify, ctx.lang, now).await?;
            tx.commit().await?;
            app.outbox_wake.notify_one();
        }
    }
    Ok(redirect_to_verify(&login, &safe_next(form.next.as_deref())))
}

/// Limits on sending codes, per typed login and per client address; checked before looking
/// the account up, so that they answer alike for existing and unknown accounts.
async fn check_code_limits(app: &AppState, login: &Login, ip: &str, now: i64) -> AppResult<()> {
    let limits = &app.config.limits;
    let per_account = rate_limit::hit(
        &app.db,
        &format!("code:acct:{}", login.as_str()),
        limits.codes_per_account,
        ONE_HOUR,
        now,
    )
    .await?;
    let per_ip = rate_limit::hit(
        &app.db,
        &format!("code:ip:{ip}"),
        limits.codes_per_ip,
        ONE_HOUR,
        now,
    )
    .await?;
    if per_account && per_ip {
        Ok(())
    } else {
        Err(AppError::RateLimited)
    }
}

fn signed_in_redirect(app: &AppState, next: &str, token: &str) -> Response {
    let mut response = Redirect::to(next).into_response();
    let cookie = set_cookie(
        SESSION_COOKIE,
        token,
        sessions::SESSION_LIFETIME_MS / 1000,
        app.config.secure_cookies,
    );
    response.headers_mut().append(SET_COOKIE, cookie);
    response
}

async fn login_page(ctx: Ctx, Query(q): Query<NextQuery>) -> AppResult<Response> {
    render(&LoginTemplate {
        ctx,
        login: q.login.unwrap_or_default(),
        next: safe_next(q.next.as_deref()),
        error: None,
    })
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

async fn login(
    State(app): State<AppState>,
    ctx: Ctx,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    form: CsrfForm<LoginForm>,
) -> AppResult<Response> {
    let form = form.value;
    let now = app.now_ms();
    let next = safe_next(form.next.as_deref());
    let limits = &app.config.limits;
    if !rate_limit::hit(
        &app.db,
        &format!("login:ip:{ip}"),
        limits.login_per_ip,
        FIFTEEN_MINUTES,
        now,
    )
    .await?
    {
        return Err(AppError::RateLimited);
    }
    let failed = |ctx: Ctx, login: String, next: String| {
        render(&LoginTemplate {
            error: Some(ctx.t("login-failed")),
            ctx,
            login,
            next,
        })
    };
    let Ok(login) = Login::parse(&form.login) else {
        return failed(ctx, form.login, next);
    };
    // Failures slow the account down; the password is not even checked while it waits, so
    // waiting is no oracle. Successes never count.
    let account = login.as_str();
    if let Some(wait_ms) =
        rate_limit::login_wait(&app.db, account, limits.login_per_account, now).await?
    {
        let seconds = (wait_ms + 999) / 1000;
        return render_with_status(
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            &LoginTemplate {
                error: Some(tr_args(
                    ctx.lang,
                    "login-wait",
                    &[("seconds", seconds.to_string())],
                )),
                ctx,
                login: form.login,
                next,
            },
        );
    }
    let user = users::find_by_login(&app.db, &login).await?;
    let verified = match &user {
        Some(user) => {
            super::verify_password_blocking(form.password, user.password_hash.clone()).await
        }
        None => {
            // Same work as a real check, so timing does not reveal which accounts exist.
            let _ = super::verify_password_blocking(form.password, DUMMY_HASH.clone()).await;
            false
        }
    };
    let Some(user) = user.filter(|_| verified) else {
        rate_limit::record_login_failure(&app.db, account, now).await?;
        return failed(ctx, form.login, next);
    };
    rate_limit::clear_login_failures(&app.db, account).await?;
    if user.verified_at.is_none() {
        check_code_limits(&app, &login, &ip, now).await?;
        let mut tx = app.db.begin().await?;
        send_code(&mut tx, user.id, &login, CodePurpose::Verify, ctx.lang, now).await?;
        tx.commit().await?;
        app.outbox_wake.notify_one();
        return Ok(redirect_to_verify(&login, &next));
    }
    // Rotation: the pre-login session token (if any) is dropped, a new one issued.
    if let Some(old) = cookie_value(&headers, SESSION_COOKIE) {
        sessions::delete(&app.db, old).await?;
    }
    let mut tx = app.db.begin().await?;
    let token = sessions::create(&mut tx, user.id, now).await?;
    tx.commit().await?;
    Ok(signed_in_redirect(&app, &next, &token))
}

/// A real argon2id hash, verified against when the account does not exist.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| super::hash_password("not a password").unwrap_or_default());

async fn login_code_page(ctx: Ctx, Query(q): Query<NextQuery>) -> AppResult<Response> {
    render(&LoginCodeTemplate {
        ctx,
        login: q.login.unwrap_or_default(),
        next: safe_next(q.next.as_deref()),
        sent: false,
        error: None,
    })
}

#[derive(Deserialize)]
struct LoginCodeForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    code: String,
    next: Option<String>,
}

/// Sends a one-time sign-in code: the way in for an owner whose account waits after failed
/// password attempts (or who prefers it).
async fn send_login_code(
    State(app): State<AppState>,
    ctx: Ctx,
    ClientIp(ip): ClientIp,
    form: CsrfForm<LoginCodeForm>,
) -> AppResult<Response> {
    let form = form.value;
    let next = safe_next(form.next.as_deref());
    let login = match Login::parse(&form.login) {
        Ok(login) => login,
        Err(e) => {
            return render(&LoginCodeTemplate {
                error: Some(e.message(ctx.lang).to_owned()),
                ctx,
                login: form.login,
                next,
                sent: false,
            })
        }
    };
    let now = app.now_ms();
    check_code_limits(&app, &login, &ip, now).await?;
    // Only verified accounts: someone may have signed up with another's address and chosen
    // the password; its owner gets in by resetting it, which replaces that password.
    let user = users::find_by_login(&app.db, &login).await?;
    if let Some(user) = user.filter(|u| u.verified_at.is_some()) {
        let mut tx = app.db.begin().await?;
        send_code(
            &mut tx,
            user.id,
            &login,
            CodePurpose::Login,
            lang_of(&user),
            now,
        )
        .await?;
        tx.commit().await?;
        app.outbox_wake.notify_one();
    }
    Ok(Redirect::to(&format!(
        "/login/code/enter?login={}&next={}",
        encode(login.as_str()),
        encode(&next)
    ))
    .into_response())
}

async fn enter_login_code_page(ctx: Ctx, Query(q): Query<NextQuery>) -> AppResult<Response> {
    let login = typed_login(q.login.as_deref())?;
    render(&LoginCodeTemplate {
        ctx,
        login: login.as_str().to_owned(),
        next: safe_next(q.next.as_deref()),
        sent: true,
        error: None,
    })
}

async fn login_with_code(
    State(app): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    form: CsrfForm<LoginCodeForm>,
) -> AppResult<Response> {
    let form = form.value;
    let login = typed_login(Some(&form.login))?;
    let next = safe_next(form.next.as_deref());
    let now = app.now_ms();
    let user = users::find_by_login(&app.db, &login).await?;
    let mut tx = app.db.begin().await?;
    if let Some(user) = &user {
        if use_code(&mut tx, user.id, CodePurpose::Login, &form.code, now).await? {
            let token = sessions::create(&mut tx, user.id, now).await?;
            tx.commit().await?;
            if let Some(old) = cookie_value(&headers, SESSION_COOKIE) {
                sessions::delete(&app.db, old).await?;
            }
            return Ok(signed_in_redirect(&app, &next, &token));
        }
    }
    tx.commit().await?;
    render(&LoginCodeTemplate {
        error: Some(ctx.t("code-invalid")),
        ctx,
        login: login.as_str().to_owned(),
        next,
        sent: true,
    })
}

async fn logout(
    State(app): State<AppState>,
    headers: HeaderMap,
    _form: CsrfForm<serde::de::IgnoredAny>,
) -> AppResult<Response> {
    if let Some(token) = cookie_value(&headers, SESSION_COOKIE) {
        sessions::delete(&app.db, token).await?;
    }
    let mut response = Redirect::to("/").into_response();
    response.headers_mut().append(
        SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", 0, app.config.secure_cookies),
    );
    Ok(response)
}

async fn forgot_page(ctx: Ctx) -> AppResult<Response> {
    render(&ForgotTemplate {
        ctx,
        login: String::new(),
        error: None,
    })
}

#[derive(Deserialize)]
struct ForgotForm {
    #[serde(default)]
    login: String,
}

async fn forgot(
    State(app): State<AppState>,
    ctx: Ctx,
    ClientIp(ip): ClientIp,
    form: CsrfForm<ForgotForm>,
) -> AppResult<Response> {
    let form = form.value;
    let login = match Login::parse(&form.login) {
        Ok(login) => login,
        Err(e) => {
            return render(&ForgotTemplate {
                error: Some(e.message(ctx.lang).to_owned()),
                ctx,
                login: form.login,
            })
        }
    };
    let now = app.now_ms();
    check_code_limits(&app, &login, &ip, now).await?;
    if let Some(user) = users::find_by_login(&app.db, &login).await? {
        let mut tx = app.db.begin().await?;
        send_code(&mut tx, user.id, &login, CodePurpose::Reset, ctx.lang, now).await?;
        tx.commit().await?;
        app.outbox_wake.notify_one();
    }
    Ok(Redirect::to(&format!("/password/reset?login={}", encode(login.as_str()))).into_response())
}

async fn reset_page(ctx: Ctx, Query(q): Query<NextQuery>) -> AppResult<Response> {
    render(&ResetTemplate {
        ctx,
        login: q.login.unwrap_or_default(),
        errors: FieldErrors::default(),
    })
}

#[derive(Deserialize)]
struct ResetForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    password: String,
}

async fn reset(
    State(app): State<AppState>,
    ctx: Ctx,
    ClientIp(ip): ClientIp,
    form: CsrfForm<ResetForm>,
) -> AppResult<Response> {
    let form = form.value;
    let lang = ctx.lang;
    let now = app.now_ms();
    if !rate_limit::hit(
        &app.db,
        &format!("reset:ip:{ip}"),
        app.config.limits.login_per_ip,
        FIFTEEN_MINUTES,
        now,
    )
    .await?
    {
        return Err(AppError::RateLimited);
    }
    let mut errors = FieldErrors::default();
    let password = NewPassword::parse(&form.password)
        .map_err(|e| errors.add("password", tr(lang, NewPassword::error_key(&e))))
        .ok();
    let login = Login::parse(&form.login)
        .map_err(|e| errors.add("login", e.message(lang)))
        .ok();
    let user = match &login {
        Some(login) => users::find_by_login(&app.db, login).await?,
        None => None,
    };
    let mut tx = app.db.begin().await?;
    // Checked (a wrong guess counts) but used up only if the password is accepted too.
    let code_id = match &user {
        Some(user) => {
            users::check_code(&mut tx, user.id, CodePurpose::Reset, &form.code, now).await?
        }
        None => None,
    };
    if code_id.is_none() && errors.get("login").is_none() {
        errors.add("code", tr(lang, "code-invalid"));
    }
    let (Some(login), Some(user), Some(password), Some(code_id), true) =
        (login, user, password, code_id, errors.is_empty())
    else {
        tx.commit().await?;
        return render(&ResetTemplate {
            ctx,
            login: form.login,
            errors,
        });
    };
    let hash = super::hash_password_blocking(password.into_inner()).await?;
    if !users::consume_code(&mut tx, code_id, now).await? {
        // A parallel request used the code first.
        errors.add("code", tr(lang, "code-invalid"));
        tx.commit().await?;
        return render(&ResetTemplate {
            ctx,
            login: form.login,
            errors,
        });
    }
    users::set_password(&mut tx, user.id, &hash).await?;
    // Receiving the code proves the address or number, so the account counts as verified.
    users::mark_verified(&mut tx, user.id, now).await?;
    sessions::delete_all_for_user(&mut tx, user.id).await?;
    let token = sessions::create(&mut tx, user.id, now).await?;
    tx.commit().await?;
    rate_limit::clear_login_failures(&app.db, login.as_str()).await?;
    Ok(signed_in_redirect(&app, "/", &token))
}

#[derive(Template)]
#[template(path = "accounts/signup.html")]
pub struct SignupTemplate {
    pub ctx: Ctx,
    pub display_name: String,
    pub login: String,
    pub next: String,
    pub errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "accounts/verify.html")]
pub struct VerifyTemplate {
    pub ctx: Ctx,
    /// The login as typed and normalised (known to the visitor already).
    pub destination: String,
    pub next: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "accounts/login.html")]
pub struct LoginTemplate {
    pub ctx: Ctx,
    pub login: String,
    pub next: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "accounts/login_code.html")]
pub struct LoginCodeTemplate {
    pub ctx: Ctx,
    pub login: String,
    pub next: String,
    /// A code was asked for: show the form to enter it.
    pub sent: bool,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "accounts/forgot.html")]
pub struct ForgotTemplate {
    pub ctx: Ctx,
    pub login: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "accounts/reset.html")]
pub struct ResetTemplate {
    pub ctx: Ctx,
    pub login: String,
    pub errors: FieldErrors,
}
