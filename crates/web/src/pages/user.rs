//! One account's page for the office (`/nguoi-dung/{id}`): change its name,
//! role, agency and email; deactivate or reactivate it; reset its password (the
//! new one-time password shown once, on the answer to that form); and its
//! recent history in words. Each change is a use case of `tiendo_service`, so it
//! is checked there and lands in the audit history.

use askama::Template;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use tiendo_core::model::User;
use tiendo_service::input::UserPatchInput;
use tiendo_store::EventFilter;

use super::users::{Fields, Opt, agency_options, field_error, require_office, role_label};
use crate::ctx::*;
use crate::history::{self, HistoryLine, PageNames};
use crate::i18n;

/// How many of the account's latest events the page shows.
const RECENT: usize = 20;

#[derive(Template)]
#[template(path = "user.html")]
struct UserPage {
    ctx: Ctx,
    id: i64,
    username: String,
    role: &'static str,
    agency: String,
    active: bool,
    must_change: bool,
    created: String,
    /// The page is the office member's own account (no deactivating oneself).
    own: bool,
    f: Fields,
    roles: Vec<Opt>,
    agencies: Vec<Opt>,
    /// A password just made, shown this once.
    one_time: Option<String>,
    done: Option<String>,
    history: Vec<HistoryLine>,
    history_total: usize,
}

/// The account's page; `fields` are the form as typed when it was refused.
pub async fn render_user(
    web: &Web,
    user: &User,
    status: StatusCode,
    fields: Option<Fields>,
    one_time: Option<String>,
    done: Option<String>,
) -> Out {
    let ctx = &web.ctx;
    let events = web
        .service
        .list_events(
            &web.actor,
            EventFilter {
                entity: Some("user".into()),
                entity_id: Some(user.id),
                page: 1,
                per_page: 1000,
                ..EventFilter::default()
            },
        )
        .await
        .or_page(ctx)?
        .items;
    let names = PageNames::new(&web.service);
    let history_total = events.len();
    let history = events
        .iter()
        .rev()
        .take(RECENT)
        .map(|e| history::line(ctx.lang, e, &names, false))
        .collect();
    let f = fields.unwrap_or_else(|| Fields::of_user(user));
    let agencies = agency_options(web, &f.agency).await;
    Ok(render_status(
        status,
        &UserPage {
            ctx: ctx.clone(),
            id: user.id,
            username: user.username.clone(),
            role: role_label(ctx.lang, &user.role),
            agency: user
                .agency_id
                .map(|a| web.service.agency_name(a))
                .unwrap_or_default(),
            active: user.active,
            must_change: user.must_change_password,
            created: i18n::instant(&user.created_at),
            own: user.id == web.actor.user_id,
            roles: f.roles(ctx.lang),
            agencies,
            f,
            one_time,
            done,
            history,
            history_total,
        },
    ))
}

async fn load(web: &Web, id: i64) -> Result<User, Response> {
    web.service.get_user(&web.actor, id).await.or_page(&web.ctx)
}

pub async fn page(web: Web, Path(id): Path<i64>, q: QueryPairs) -> Out {
    let web = web.nav("users");
    require_office(&web)?;
    let user = load(&web, id).await?;
    let done = match q.get("ok") {
        Some("luu") => Some(web.ctx.t("Đã lưu thay đổi.", "The changes are saved.")),
        Some("khoa") => Some(web.ctx.t(
            "Đã khóa tài khoản: người dùng bị đăng xuất và không đăng nhập được nữa.",
            "The account is deactivated: the user is signed out and can no longer sign in.",
        )),
        Some("mo") => Some(
            web.ctx
                .t("Đã mở lại tài khoản.", "The account is reactivated."),
        ),
        _ => None,
    };
    render_user(
        &web,
        &user,
        StatusCode::OK,
        None,
        None,
        done.map(str::to_string),
    )
    .await
}

/// Saves the name, role, agency and email.
pub async fn save(web: Web, Path(id): Path<i64>, body: Bytes) -> Out {
    let web = web.nav("users");
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    let user = load(&web, id).await?;
    // Role and agency are sent only when they change: changing either signs the
    // user out (the store revokes their sessions), which saving an email must not.
    let agency = form.raw("agency").trim().to_string();
    let agency_now = user.agency_id.map(|a| a.to_string()).unwrap_or_default();
    let input = UserPatchInput {
        role: form.text("role").filter(|r| *r != user.role),
        // "" takes the agency away (refused for a focal point).
        agency: (agency != agency_now).then_some(agency),
        // Always sent, so that the change is the office's (never one's own).
        display_name: Some(form.raw("display_name").trim().to_string()),
        email: Some(form.raw("email").trim().to_string()),
        ..UserPatchInput::default()
    };
    match web.service.update_user(&web.session, id, &input).await {
        Ok(_) => Ok(see_other(&format!("/nguoi-dung/{id}?ok=luu"))),
        Err(e) => match field_error(web.ctx.lang, e) {
            Ok((status, field, text)) => {
                let mut f = Fields::from_form(&form);
                f.username = user.username.clone();
                f.errors.push((field, text));
                render_user(&web, &user, status, Some(f), None, None).await
            }
            Err(e) => Err(error_page(&web.ctx, e)),
        },
    }
}

/// Deactivates (`active=0`) or reactivates (`active=1`) the account.
pub async fn set_active(web: Web, Path(id): Path<i64>, body: Bytes) -> Out {
    let web = web.nav("users");
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    let active = form.get("active") == Some("1");
    let input = UserPatchInput {
        active: Some(active),
        ..UserPatchInput::default()
    };
    web.service
        .update_user(&web.session, id, &input)
        .await
        .or_page(&web.ctx)?;
    let ok = if active { "mo" } else { "khoa" };
    Ok(see_other(&format!("/nguoi-dung/{id}?ok={ok}")))
}

/// Gives the account a new generated password, shown once; the user is signed
/// out everywhere and must choose their own at the next sign-in.
pub async fn reset_password(web: Web, Path(id): Path<i64>, body: Bytes) -> Out {
    let web = web.nav("users");
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    let (user, password) = web
        .service
        .reset_to_one_time_password(&web.actor, id)
        .await
        .or_page(&web.ctx)?;
    let done = web
        .ctx
        .t(
            "Đã đặt lại mật khẩu: mọi phiên của người dùng bị đăng xuất; họ phải đổi mật khẩu khi đăng nhập.",
            "The password is reset: the user is signed out everywhere and must choose a new one at the next sign-in.",
        )
        .to_string();
    // Answered as is (not a redirect), and not kept: the server marks every
    // answer no-store.
    render_user(
        &web,
        &user,
        StatusCode::OK,
        None,
        Some(password),
        Some(done),
    )
    .await
}
