//! Sign-up, verification, login, logout, password reset.

use axum::extract::{Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use super::rate_limit::{self, FIFTEEN_MINUTES, ONE_HOUR};
use super::users::{self, CodeCheck, CodePurpose, NewUser};
use super::{sessions, NewPassword};
use crate::domain::types::{Lang, Login};
use crate::i18n::{tr, tr_args};
use crate::notifications::{self, Channel, NewMessage};
use crate::web::ctx::{cookie_value, set_cookie, CsrfForm, Ctx, SESSION_COOKIE};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{safe_next, FieldErrors};
use crate::web::state::AppState;
use crate::web::templates::{
    render, ForgotTemplate, LoginTemplate, ResetTemplate, SignupTemplate, VerifyTemplate,
};
use crate::web::ClientIp;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/signup", get(signup_page).post(signup))
        .route("/verify", get(verify_page).post(verify))
        .route("/verify/resend", post(resend_code))
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/password/forgot", get(forgot_page).post(forgot))
        .route("/password/reset", get(reset_page).post(reset))
}

#[derive(Deserialize, Default)]
pub struct NextQuery {
    next: Option<String>,
    u: Option<String>,
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
    if let Some(login) = &login {
        if users::find_by_login(&app.db, login).await?.is_some() {
            errors.add("login", tr(lang, "signup-account-exists"));
        }
    }
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
    if !rate_limit::hit(
        &app.db,
        &format!("code:ip:{ip}"),
        app.config.limits.codes_per_ip,
        ONE_HOUR,
        now,
    )
    .await?
    {
        return Err(AppError::RateLimited);
    }
    let hash = super::hash_password_blocking(password.into_inner()).await?;
    let mut tx = app.db.begin().await?;
    let user_id = users::insert(
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
    .await
    .map_err(|e| match e {
        // Two sign-ups racing for one address: the second one sees the first.
        crate::db::DbError::Sqlx(sqlx::Error::Database(d)) if d.is_unique_violation() => {
            AppError::BadRequest("signup-account-exists")
        }
        other => other.into(),
    })?;
    send_code(&mut tx, user_id, &login, CodePurpose::Verify, lang, now).await?;
    tx.commit().await?;
    app.outbox_wake.notify_one();
    let public_id = users::find_by_id(&app.db, user_id)
        .await?
        .map(|u| u.public_id)
        .ok_or(AppError::NotFound)?;
    Ok(Redirect::to(&format!("/verify?u={public_id}&next={}", encode(&next))).into_response())
}

fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
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
    let (channel, recipient) = match login {
        Login::Email(e) => (Channel::Email, e.as_str().to_owned()),
        Login::Phone(p) => (Channel::Sms, p.as_str().to_owned()),
    };
    let (subject_key, body_key) = match purpose {
        CodePurpose::Verify => ("code-verify-subject", "code-verify-body"),
        CodePurpose::Reset => ("code-reset-subject", "code-reset-body"),
    };
    notifications::enqueue(
        tx,
        &NewMessage {
            idempotency_key: format!("code:{code_id}"),
            channel,
            recipient,
            subject: tr(lang, subject_key),
            body: tr_args(lang, body_key, &[("code", code)]),
        },
        now,
    )
    .await?;
    Ok(())
}

async fn verify_page(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NextQuery>,
) -> AppResult<Response> {
    let user = match &q.u {
        Some(u) => users::find_by_public_id(&app.db, u).await?,
        None => None,
    };
    let user = user.ok_or(AppError::NotFound)?;
    render(&VerifyTemplate {
        ctx,
        user_public_id: user.public_id,
        destination: user.email.or(user.phone).unwrap_or_default(),
        next: safe_next(q.next.as_deref()),
        error: None,
    })
}

#[derive(Deserialize)]
struct VerifyForm {
    u: String,
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
    let user = users::find_by_public_id(&app.db, &form.u)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    let check = users::check_code(&mut tx, user.id, CodePurpose::Verify, &form.code, now).await?;
    let next = safe_next(form.next.as_deref());
    if check != CodeCheck::Valid {
        tx.commit().await?;
        let key = if check == CodeCheck::Wrong {
            "code-wrong"
        } else {
            "code-expired"
        };
        return render(&VerifyTemplate {
            error: Some(ctx.t(key)),
            ctx,
            user_public_id: user.public_id,
            destination: user.email.or(user.phone).unwrap_or_default(),
            next,
        });
    }
    users::mark_verified(&mut tx, user.id, now).await?;
    let token = sessions::create(&mut tx, user.id, now).await?;
    tx.commit().await?;
    Ok(signed_in_redirect(&app, &next, &token))
}

#[derive(Deserialize)]
struct ResendForm {
    u: String,
    next: Option<String>,
}

async fn resend_code(
    State(app): State<AppState>,
    ctx: Ctx,
    ClientIp(ip): ClientIp,
    form: CsrfForm<ResendForm>,
) -> AppResult<Response> {
    let form = form.value;
    let user = users::find_by_public_id(&app.db, &form.u)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = app.now_ms();
    check_code_limits(&app, &user.public_id, &ip, now).await?;
    let login = login_of(&user).ok_or(AppError::NotFound)?;
    let mut tx = app.db.begin().await?;
    send_code(&mut tx, user.id, &login, CodePurpose::Verify, ctx.lang, now).await?;
    tx.commit().await?;
    app.outbox_wake.notify_one();
    let next = safe_next(form.next.as_deref());
    Ok(Redirect::to(&format!(
        "/verify?u={}&next={}",
        user.public_id,
        encode(&next)
    ))
    .into_response())
}

async fn check_code_limits(app: &AppState, account: &str, ip: &str, now: i64) -> AppResult<()> {
    let limits = &app.config.limits;
    let per_account = rate_limit::hit(
        &app.db,
        &format!("code:acct:{account}"),
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

fn login_of(user: &users::UserRow) -> Option<Login> {
    user.email
        .as_deref()
        .or(user.phone.as_deref())
        .and_then(|l| Login::parse(l).ok())
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
    let account_key = format!("login:acct:{}", login.as_str());
    if !rate_limit::hit(
        &app.db,
        &account_key,
        limits.login_per_account,
        FIFTEEN_MINUTES,
        now,
    )
    .await?
    {
        return Err(AppError::RateLimited);
    }
    let Some(user) = users::find_by_login(&app.db, &login).await? else {
        // Same work as a real check, so timing does not reveal which accounts exist.
        let _ = super::verify_password_blocking(form.password, DUMMY_HASH.clone()).await;
        return failed(ctx, form.login, next);
    };
    if !super::verify_password_blocking(form.password, user.password_hash.clone()).await {
        return failed(ctx, form.login, next);
    }
    if user.verified_at.is_none() {
        check_code_limits(&app, &user.public_id, &ip, now).await?;
        let mut tx = app.db.begin().await?;
        send_code(&mut tx, user.id, &login, CodePurpose::Verify, ctx.lang, now).await?;
        tx.commit().await?;
        app.outbox_wake.notify_one();
        return Ok(Redirect::to(&format!(
            "/verify?u={}&next={}",
            user.public_id,
            encode(&next)
        ))
        .into_response());
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
    if let Some(user) = users::find_by_login(&app.db, &login).await? {
        check_code_limits(&app, &user.public_id, &ip, now).await?;
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
    form: CsrfForm<ResetForm>,
) -> AppResult<Response> {
    let form = form.value;
    let lang = ctx.lang;
    let mut errors = FieldErrors::default();
    let password = NewPassword::parse(&form.password)
        .map_err(|e| errors.add("password", tr(lang, NewPassword::error_key(&e))))
        .ok();
    let user = match Login::parse(&form.login) {
        Ok(login) => users::find_by_login(&app.db, &login).await?,
        Err(e) => {
            errors.add("login", e.message(lang));
            None
        }
    };
    let now = app.now_ms();
    let mut tx = app.db.begin().await?;
    let verdict = match &user {
        Some(user) => {
            users::check_code(&mut tx, user.id, CodePurpose::Reset, &form.code, now).await?
        }
        None => CodeCheck::Wrong,
    };
    match verdict {
        CodeCheck::Valid => {}
        CodeCheck::Wrong => errors.add("code", tr(lang, "code-wrong")),
        CodeCheck::Expired => errors.add("code", tr(lang, "code-expired")),
    }
    let (Some(user), Some(password), true) = (user, password, errors.is_empty()) else {
        tx.commit().await?;
        return render(&ResetTemplate {
            ctx,
            login: form.login,
            errors,
        });
    };
    let hash = super::hash_password_blocking(password.into_inner()).await?;
    users::set_password(&mut tx, user.id, &hash).await?;
    // Receiving the code proves the address or number, so the account counts as verified.
    users::mark_verified(&mut tx, user.id, now).await?;
    sessions::delete_all_for_user(&mut tx, user.id).await?;
    let token = sessions::create(&mut tx, user.id, now).await?;
    tx.commit().await?;
    Ok(signed_in_redirect(&app, "/", &token))
}
