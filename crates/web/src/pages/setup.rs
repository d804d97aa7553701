//! The first run's setup page (`/thiet-lap?ma=…`): the one-time link `serve`
//! prints makes the first administrator, who is then signed in. The form is
//! protected like the sign-in form (a double-submit value) and by the secret.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use tiendo_service::{Service, ServiceError};

use crate::ctx::*;
use crate::i18n;

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage {
    ctx: Ctx,
    valid: bool,
    pre: String,
    secret: String,
    username: String,
    display_name: String,
    error: Option<String>,
}

fn page(page: SetupPage, status: StatusCode, secure: bool) -> Response {
    let pre = page.pre.clone();
    let mut r = render_status(status, &page);
    r.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(PRE_COOKIE, &pre, Some(3600), secure),
    );
    r
}

pub async fn form(State(service): State<Service>, parts: Parts) -> Response {
    let ctx = base_ctx(&parts);
    let q =
        QueryPairs(serde_urlencoded::from_str(parts.uri.query().unwrap_or("")).unwrap_or_default());
    let secret = q.get("ma").unwrap_or_default().to_string();
    let valid = service.setup_secret_valid(&secret);
    let pre = cookie(&parts.headers, PRE_COOKIE)
        .filter(|c| c.len() == 32 && c.bytes().all(|b| b.is_ascii_hexdigit()))
        .unwrap_or_else(super::auth::random_pre);
    page(
        SetupPage {
            ctx,
            valid,
            pre,
            secret: if valid { secret } else { String::new() },
            username: String::new(),
            display_name: String::new(),
            error: None,
        },
        if valid {
            StatusCode::OK
        } else {
            StatusCode::FORBIDDEN
        },
        is_https(&parts),
    )
}

pub async fn submit(State(service): State<Service>, parts: Parts, body: Bytes) -> Response {
    let ctx = base_ctx(&parts);
    let secure = is_https(&parts);
    let form = Form::parse(&body);
    let pre = cookie(&parts.headers, PRE_COOKIE).unwrap_or_default();
    if pre.is_empty() || !same(&pre, form.get("csrf").unwrap_or_default()) {
        return forbidden_page(
            &ctx,
            ctx.t(
                "Biểu mẫu đã hết hạn hoặc không gửi từ trang của tiendo. Hãy mở lại đường dẫn thiết lập.",
                "The form has expired or was not sent from a tiendo page. Open the setup link again.",
            ),
        );
    }
    let secret = form.raw("ma");
    let username = form.raw("username");
    let display_name = form.raw("display_name");
    let password = form.get("password").unwrap_or_default().to_string();
    let again = |error: String| {
        page(
            SetupPage {
                ctx: ctx.clone(),
                valid: service.setup_secret_valid(&secret),
                pre: pre.clone(),
                secret: secret.clone(),
                username: username.clone(),
                display_name: display_name.clone(),
                error: Some(error),
            },
            StatusCode::UNPROCESSABLE_ENTITY,
            secure,
        )
    };
    if form.get("password2").unwrap_or_default() != password {
        return again(
            ctx.t(
                "Hai mật khẩu không giống nhau.",
                "The two passwords differ.",
            )
            .to_string(),
        );
    }
    let made = service
        .complete_setup(&secret, &username, &password, Some(&display_name))
        .await;
    match made {
        Ok(_) => match service.login(&username, &password).await {
            Ok((token, _)) => {
                let mut r = Redirect::to("/").into_response();
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
            Err(_) => Redirect::to(LOGIN_PATH).into_response(),
        },
        Err(ServiceError::Invalid { field, message }) => {
            let label = match field.as_str() {
                "username" => ctx.t("Tên đăng nhập", "Username"),
                "password" => ctx.t("Mật khẩu", "Password"),
                _ => field.as_str(),
            };
            again(format!("{label}: {}", i18n::message(ctx.lang, &message)))
        }
        Err(ServiceError::Conflict(_)) => again(
            ctx.t(
                "Tên đăng nhập này đã có người dùng.",
                "This username is taken.",
            )
            .to_string(),
        ),
        Err(ServiceError::Forbidden(_)) => page(
            SetupPage {
                ctx: ctx.clone(),
                valid: false,
                pre: pre.clone(),
                secret: String::new(),
                username: String::new(),
                display_name: String::new(),
                error: None,
            },
            StatusCode::FORBIDDEN,
            secure,
        ),
        Err(e) => error_page(&ctx, e),
    }
}
