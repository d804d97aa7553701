//! The account page (`/tai-khoan`): change one's own password (needed at once
//! after an administrator's reset), one's API tokens and sessions (made,
//! listed, revoked), and for the standing office the token policy and everyone's
//! tokens (issue 15, docs/security.md).

use askama::Template;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use tiendo_core::model::TokenPolicy;
use tiendo_core::policy::Role;
use tiendo_service::ServiceError;
use tiendo_service::input::{ApiTokenInput, TokenOutput, UserPatchInput};

use crate::ctx::*;
use crate::i18n;

pub struct TokenLine {
    pub id: i64,
    pub username: String,
    pub kind: String,
    pub label: String,
    pub created: String,
    pub expires: String,
    pub live: bool,
    pub state: String,
    /// The session this page is seen in.
    pub current: bool,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    ctx: Ctx,
    username: String,
    must_change: bool,
    error: Option<String>,
    done: Option<String>,
    new_token: Option<TokenOutput>,
    policy: TokenPolicy,
    policy_roles: String,
    may_create: bool,
    tokens: Vec<TokenLine>,
    role_choices: Vec<(&'static str, &'static str, bool)>,
}

/// "2026-12-04T19:02:25+07:00" as "04/12/2026 19:02".
fn when(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.format("%d/%m/%Y %H:%M").to_string())
        .unwrap_or_else(|_| rfc3339.to_string())
}

async fn render_page(
    web: &Web,
    status: StatusCode,
    error: Option<String>,
    done: Option<String>,
    new_token: Option<TokenOutput>,
) -> Out {
    let ctx = &web.ctx;
    let must_change = web.session.must_change_password;
    let policy = web.service.token_policy().await.or_page(ctx)?;
    let tokens = if must_change {
        Vec::new()
    } else {
        web.service
            .list_tokens(&web.actor, None, true)
            .await
            .or_page(ctx)?
    };
    let role_name = |r: &str| match Role::parse(r) {
        Some(Role::Admin) => ctx.t("Cơ quan thường trực", "Standing office"),
        Some(Role::Focal) => ctx.t("Đầu mối", "Focal point"),
        Some(Role::Viewer) => ctx.t("Lãnh đạo (xem)", "Leader (read-only)"),
        None => "",
    };
    let lines = tokens
        .into_iter()
        .map(|t| {
            let live = t.revoked_at.is_none()
                && t.expires_at.as_deref().is_none_or(|e| {
                    chrono::DateTime::parse_from_rfc3339(e)
                        .map(|e| e > chrono::Utc::now())
                        .unwrap_or(false)
                });
            TokenLine {
                current: t.id == web.session.token_id,
                id: t.id,
                username: t.username,
                kind: if t.kind == "session" {
                    ctx.t("Phiên đăng nhập", "Sign-in session").to_string()
                } else {
                    ctx.t("Khóa API", "API token").to_string()
                },
                label: t.label,
                created: when(&t.created_at),
                expires: t.expires_at.as_deref().map(when).unwrap_or_default(),
                live,
                state: if t.revoked_at.is_some() {
                    ctx.t("Đã thu hồi", "Revoked").to_string()
                } else {
                    ctx.t("Đã hết hạn", "Expired").to_string()
                },
            }
        })
        .collect();
    let page = AccountPage {
        ctx: ctx.clone(),
        username: web.actor.username.clone(),
        must_change,
        error,
        done,
        new_token,
        policy_roles: policy
            .roles
            .iter()
            .map(|r| role_name(r))
            .collect::<Vec<_>>()
            .join(", "),
        may_create: policy.roles.iter().any(|r| r == web.actor.role.as_str()),
        role_choices: ["admin", "focal", "viewer"]
            .into_iter()
            .map(|r| (r, role_name(r), policy.roles.iter().any(|p| p == r)))
            .collect(),
        policy,
        tokens: lines,
    };
    Ok(render_status(status, &page))
}

/// A refusal the user can fix, said on the page; anything else is the error page.
async fn refused(web: &Web, e: ServiceError) -> Out {
    let lang = web.ctx.lang;
    match e {
        ServiceError::Invalid { message, .. } | ServiceError::Conflict(message) => {
            render_page(
                web,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(i18n::message(lang, &message)),
                None,
                None,
            )
            .await
        }
        ServiceError::Forbidden(message) => {
            render_page(
                web,
                StatusCode::FORBIDDEN,
                Some(i18n::message(lang, &message)),
                None,
                None,
            )
            .await
        }
        other => Err(error_page(&web.ctx, other)),
    }
}

pub async fn page(web: Web) -> Out {
    let web = web.nav("account");
    render_page(&web, StatusCode::OK, None, None, None).await
}

pub async fn change_password(web: Web, body: Bytes) -> Out {
    let web = web.nav("account");
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    let password = form.get("password").unwrap_or_default().to_string();
    if form.get("password_again").unwrap_or_default() != password {
        let message = web
            .ctx
            .t(
                "Hai lần nhập mật khẩu mới không giống nhau.",
                "The two new passwords differ.",
            )
            .to_string();
        return render_page(
            &web,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(message),
            None,
            None,
        )
        .await;
    }
    let input = UserPatchInput {
        password: Some(password),
        current_password: Some(form.get("current_password").unwrap_or_default().to_string()),
        ..UserPatchInput::default()
    };
    match web
        .service
        .update_user(&web.session, web.actor.user_id, &input)
        .await
    {
        Ok(_) => {
            // The session is read again: the forced change is over.
            let web = Web {
                session: web.service.session(&web.token).await.or_page(&web.ctx)?,
                ..web
            };
            let done = web
                .ctx
                .t("Đã đổi mật khẩu.", "The password was changed.")
                .to_string();
            render_page(&web, StatusCode::OK, None, Some(done), None).await
        }
        Err(e) => refused(&web, e).await,
    }
}

pub async fn create_token(web: Web, body: Bytes) -> Out {
    let web = web.nav("account");
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    let days = match form.get("days").map(str::trim).filter(|d| !d.is_empty()) {
        None => None,
        Some(d) => match d.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                let message = web
                    .ctx
                    .t(
                        "Số ngày phải là một số nguyên.",
                        "Days must be a whole number.",
                    )
                    .to_string();
                return render_page(
                    &web,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Some(message),
                    None,
                    None,
                )
                .await;
            }
        },
    };
    let input = ApiTokenInput {
        label: form.raw("label"),
        days,
    };
    match web.service.create_api_token(&web.session, &input).await {
        Ok(token) => render_page(&web, StatusCode::CREATED, None, None, Some(token)).await,
        Err(e) => refused(&web, e).await,
    }
}

pub async fn revoke_token(web: Web, Path(id): Path<i64>, body: Bytes) -> Out {
    let web = web.nav("account");
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    match web.service.revoke_token(&web.actor, id).await {
        Ok(_) => Ok(Redirect::to(ACCOUNT_PATH).into_response()),
        Err(e) => refused(&web, e).await,
    }
}

pub async fn set_policy(web: Web, body: Bytes) -> Out {
    let web = web.nav("account");
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    let roles = ["admin", "focal", "viewer"]
        .into_iter()
        .filter(|r| form.get(&format!("role_{r}")).is_some())
        .map(String::from)
        .collect();
    let max_days = form
        .get("max_days")
        .and_then(|d| d.trim().parse::<i64>().ok())
        .unwrap_or(0);
    match web
        .service
        .set_token_policy(&web.actor, &TokenPolicy { roles, max_days })
        .await
    {
        Ok(_) => {
            let done = web
                .ctx
                .t(
                    "Đã lưu chính sách khóa API.",
                    "The API token policy was saved.",
                )
                .to_string();
            render_page(&web, StatusCode::OK, None, Some(done), None).await
        }
        Err(e) => refused(&web, e).await,
    }
}
