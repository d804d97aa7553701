//! Sign-in and sign-out. The session is the service's sign-in token, in an
//! HttpOnly, SameSite=Lax cookie (Secure over TLS). The sign-in form is protected
//! by a double-submit value (a random cookie repeated in a hidden field).

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use tiendo_core::policy::Role;
use tiendo_service::Service;

use crate::ctx::*;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    ctx: Ctx,
    pre: String,
    next: String,
    username: String,
    error: Option<String>,
    /// No account has been set up yet: say where the first run's accounts are.
    first_run: bool,
}

fn random_hex() -> String {
    let mut b = [0u8; 16];
    let _ = getrandom::fill(&mut b);
    hex::encode(b)
}

pub(crate) fn random_pre() -> String {
    random_hex()
}

#[allow(clippy::too_many_arguments)]
fn login_page(
    first_run: bool,
    ctx: Ctx,
    pre: String,
    secure: bool,
    next: String,
    username: String,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let mut r = render_status(
        status,
        &LoginPage {
            ctx,
            pre: pre.clone(),
            next,
            username,
            error,
            first_run,
        },
    );
    r.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(PRE_COOKIE, &pre, Some(3600), secure),
    );
    r
}

pub async fn login_form(State(service): State<Service>, parts: Parts) -> Response {
    let ctx = base_ctx(&parts);
    let secure = is_https(&parts);
    let q =
        QueryPairs(serde_urlencoded::from_str(parts.uri.query().unwrap_or("")).unwrap_or_default());
    let next = safe_next(q.get("next")).unwrap_or_default();
    // Already signed in: straight on.
    if let Some(token) = cookie(&parts.headers, SESSION_COOKIE)
        && service.authenticate(&token).await.is_ok()
    {
        return Redirect::to(if next.is_empty() { "/" } else { &next }).into_response();
    }
    let pre = cookie(&parts.headers, PRE_COOKIE)
        .filter(|c| c.len() == 32 && c.bytes().all(|b| b.is_ascii_hexdigit()))
        .unwrap_or_else(random_hex);
    login_page(
        service.setup_pending(),
        ctx,
        pre,
        secure,
        next,
        String::new(),
        None,
        StatusCode::OK,
    )
}

pub async fn login_alias(parts: Parts) -> Response {
    let q = parts
        .uri
        .query()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    Redirect::to(&format!("{LOGIN_PATH}{q}")).into_response()
}

pub async fn login(State(service): State<Service>, parts: Parts, body: Bytes) -> Response {
    let ctx = base_ctx(&parts);
    let secure = is_https(&parts);
    let form = Form::parse(&body);
    let next = safe_next(form.get("next")).unwrap_or_default();
    let username = form.raw("username");
    let pre = cookie(&parts.headers, PRE_COOKIE).unwrap_or_default();
    let sent = form.get("csrf").unwrap_or_default();
    if pre.is_empty() || !same(&pre, sent) {
        return forbidden_page(
            &ctx,
            ctx.t(
                "Biểu mẫu đăng nhập đã hết hạn hoặc không gửi từ trang của tiendo. Hãy mở lại trang đăng nhập.",
                "The sign-in form has expired or was not sent from a tiendo page. Open the sign-in page again.",
            ),
        );
    }
    let password = form.get("password").unwrap_or_default().to_string();
    let client = crate::client::client_address(
        &parts.extensions,
        &parts.headers,
        service.config.trust_forwarded_for,
    );
    match service.login_from(&username, &password, client).await {
        Ok((token, user)) => {
            let target = if !next.is_empty() {
                next
            } else if Role::parse(&user.role) == Some(Role::Focal) {
                "/viec-cua-toi".to_string()
            } else {
                "/".to_string()
            };
            let mut r = Redirect::to(&target).into_response();
            let age = service.config.session_hours * 3600;
            r.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(SESSION_COOKIE, &token.token, Some(age), secure),
            );
            r.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(PRE_COOKIE, "", Some(0), secure),
            );
            r
        }
        Err(e) => {
            let mut status = StatusCode::UNAUTHORIZED;
            let mut retry = None;
            let message = match e {
                tiendo_service::ServiceError::Unauthenticated(_) => ctx
                    .t(
                        "Sai tên đăng nhập hoặc mật khẩu.",
                        "Wrong username or password.",
                    )
                    .to_string(),
                tiendo_service::ServiceError::TooMany { retry_after, .. } => {
                    status = StatusCode::TOO_MANY_REQUESTS;
                    retry = Some(retry_after);
                    match ctx.lang {
                        crate::i18n::Lang::Vi => format!(
                            "Đã đăng nhập sai quá nhiều lần. Hãy thử lại sau {retry_after} giây."
                        ),
                        crate::i18n::Lang::En => {
                            format!("Too many failed sign-ins. Try again in {retry_after} s.")
                        }
                    }
                }
                other => {
                    tracing::error!(error = %other, "sign-in");
                    ctx.t(
                        "Không đăng nhập được; hãy thử lại.",
                        "Could not sign in; try again.",
                    )
                    .to_string()
                }
            };
            let mut r = login_page(
                service.setup_pending(),
                ctx,
                pre,
                secure,
                next,
                username,
                Some(message),
                status,
            );
            if let Some(seconds) = retry {
                r.headers_mut()
                    .insert(header::RETRY_AFTER, axum::http::HeaderValue::from(seconds));
            }
            r
        }
    }
}

pub async fn logout(web: Web, body: Bytes) -> Out {
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    // "Thu hồi cả các khóa API tạo trong phiên này" on the account page.
    let revoke_tokens = form.get("revoke_tokens").is_some_and(|v| !v.is_empty());
    web.service
        .logout(&web.actor, &web.token, revoke_tokens)
        .await
        .or_page(&web.ctx)?;
    let mut r = Redirect::to(LOGIN_PATH).into_response();
    r.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", Some(0), web.secure),
    );
    Ok(r)
}
