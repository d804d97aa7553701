//! The office's user pages (issue 14.4): the list (`/nguoi-dung`, searched
//! without accents, paged) and the form that makes an account
//! (`/nguoi-dung/moi`), whose one-time password is shown once on the answer to
//! the form and never again. The account's own page is in [`super::user`].
//! Every write goes through `tiendo_service` (its permission check, its audit
//! record); a focal point or a viewer gets 403.

use askama::Template;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::Response;
use tiendo_core::model::User;
use tiendo_core::policy::{Role, Write};
use tiendo_service::input::UserInput;
use tiendo_service::{PageRequest, ServiceError};
use tiendo_store::AgencyFilter;

use crate::ctx::*;
use crate::i18n::{self, Lang};

const PER_PAGE: i64 = 50;

/// The role in words, Vietnamese first.
pub fn role_label(lang: Lang, role: &str) -> &'static str {
    match Role::parse(role) {
        Some(Role::Admin) => lang.t("Cơ quan thường trực", "Standing office"),
        Some(Role::Focal) => lang.t("Đầu mối", "Focal point"),
        Some(Role::Viewer) => lang.t("Lãnh đạo (xem)", "Leader (read-only)"),
        None => "—",
    }
}

/// The pages' gate before anything is read: the office only (the service
/// checks each write again).
pub fn require_office(web: &Web) -> Result<(), Response> {
    if web.actor.role == Role::Admin && web.actor.may(Write::ManageUsers) {
        Ok(())
    } else {
        Err(forbidden_page(
            &web.ctx,
            web.ctx.t(
                "Chỉ cơ quan thường trực quản lý người dùng.",
                "Only the standing office manages users.",
            ),
        ))
    }
}

/// One choice of a `<select>`.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The fields of the account form as typed, and their errors.
#[derive(Debug, Default, Clone)]
pub struct Fields {
    pub username: String,
    pub display_name: String,
    pub role: String,
    /// The agency's id, or "" for none.
    pub agency: String,
    pub email: String,
    pub errors: Vec<(String, String)>,
}

impl Fields {
    pub fn from_form(form: &Form) -> Fields {
        Fields {
            username: form.raw("username").trim().to_string(),
            display_name: form.raw("display_name"),
            role: form.raw("role"),
            agency: form.raw("agency").trim().to_string(),
            email: form.raw("email"),
            errors: Vec::new(),
        }
    }

    pub fn of_user(u: &User) -> Fields {
        Fields {
            username: u.username.clone(),
            display_name: u.display_name.clone().unwrap_or_default(),
            role: u.role.clone(),
            agency: u.agency_id.map(|a| a.to_string()).unwrap_or_default(),
            email: u.email.clone().unwrap_or_default(),
            errors: Vec::new(),
        }
    }

    pub fn has(&self, field: &str) -> bool {
        self.errors.iter().any(|(f, _)| f == field)
    }

    pub fn e(&self, field: &str) -> String {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.clone())
            .unwrap_or_default()
    }

    /// A form error: the account's own fields, else the top of the form.
    pub fn other(&self) -> Option<String> {
        self.errors
            .iter()
            .find(|(f, _)| {
                !["username", "display_name", "role", "agency", "email"].contains(&f.as_str())
            })
            .map(|(_, m)| m.clone())
    }

    pub fn roles(&self, lang: Lang) -> Vec<Opt> {
        [Role::Focal, Role::Viewer, Role::Admin]
            .into_iter()
            .map(|r| Opt {
                value: r.as_str().into(),
                label: role_label(lang, r.as_str()).into(),
                selected: self.role == r.as_str(),
            })
            .collect()
    }
}

/// The agencies of the register for the form's list (current ones, and the
/// one already chosen).
pub async fn agency_options(web: &Web, chosen: &str) -> Vec<Opt> {
    let agencies = web
        .service
        .list_agencies(AgencyFilter {
            current_only: true,
            page: 1,
            per_page: 1000,
            ..Default::default()
        })
        .await
        .map(|p| p.items)
        .unwrap_or_default();
    let mut opts: Vec<Opt> = agencies
        .into_iter()
        .map(|a| Opt {
            selected: a.id.to_string() == chosen,
            value: a.id.to_string(),
            label: a.name,
        })
        .collect();
    if let Ok(id) = chosen.parse::<i64>()
        && !opts.iter().any(|o| o.selected)
    {
        opts.insert(
            0,
            Opt {
                value: chosen.into(),
                label: web.service.agency_name(id),
                selected: true,
            },
        );
    }
    opts
}

/// A refusal of the service as an error next to its field, in words, with the
/// status of the answer (409 for a username already taken, 400 otherwise);
/// other errors are given back for the error page.
pub fn field_error(
    lang: Lang,
    e: ServiceError,
) -> Result<(StatusCode, String, String), ServiceError> {
    let ServiceError::Invalid { field, message } = e else {
        return Err(e);
    };
    let m = message.as_str();
    let (status, vi) = match field.as_str() {
        "username" if m.contains("already taken") => (
            StatusCode::CONFLICT,
            "Tên đăng nhập này đã có người dùng (không phân biệt chữ hoa, chữ thường); hãy chọn tên khác.",
        ),
        "username" if m.contains("may contain") => (
            StatusCode::BAD_REQUEST,
            "Tên đăng nhập chỉ gồm chữ cái, chữ số và các dấu . _ - @ (không có dấu cách).",
        ),
        "username" if m.contains("empty") => (StatusCode::BAD_REQUEST, "Cần nhập tên đăng nhập."),
        "agency" if m.contains("needs an agency") => (
            StatusCode::BAD_REQUEST,
            "Đầu mối phải thuộc một cơ quan: hãy chọn cơ quan trong danh mục.",
        ),
        "agency" => (
            StatusCode::BAD_REQUEST,
            "Không có cơ quan này trong danh mục.",
        ),
        "email" => (
            StatusCode::BAD_REQUEST,
            "Địa chỉ email không hợp lệ: cần một địa chỉ dạng ten@coquan.gov.vn, không có dấu cách.",
        ),
        "role" => (StatusCode::BAD_REQUEST, "Hãy chọn một vai trò."),
        _ => (StatusCode::BAD_REQUEST, ""),
    };
    let text = match (lang, vi) {
        (Lang::Vi, "") => i18n::message(lang, m),
        (Lang::Vi, vi) => vi.to_string(),
        (Lang::En, _) => format!("{field}: {m}"),
    };
    Ok((status, field, text))
}

// ---------------------------------------------------------------- the list

pub struct UserLine {
    pub username: String,
    pub name: String,
    pub role: &'static str,
    pub agency: String,
    pub email: String,
    pub active: bool,
    pub must_change: bool,
    pub created: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    ctx: Ctx,
    q: String,
    lines: Vec<UserLine>,
    total: String,
    prev: Option<String>,
    next: Option<String>,
}

pub async fn list(web: Web, q: QueryPairs) -> Out {
    let web = web.nav("users");
    let ctx = &web.ctx;
    let query = q.get("q").unwrap_or_default().to_string();
    let page_no = q.int("trang").unwrap_or(1).max(1);
    let found = web
        .service
        .find_users(
            &web.actor,
            &query,
            PageRequest {
                page: page_no,
                per_page: PER_PAGE,
            },
        )
        .await
        .or_page(ctx)?;
    let pages = ((found.total + PER_PAGE - 1) / PER_PAGE).max(1);
    let link = |n: i64| {
        let base = with_param("/nguoi-dung", "q", Some(&query));
        with_param(&base, "trang", Some(&n.to_string()))
    };
    let lines = found
        .items
        .iter()
        .map(|u| UserLine {
            username: u.username.clone(),
            name: u.display_name.clone().unwrap_or_default(),
            role: role_label(ctx.lang, &u.role),
            agency: u
                .agency_id
                .map(|a| web.service.agency_name(a))
                .unwrap_or_default(),
            email: u.email.clone().unwrap_or_default(),
            active: u.active,
            must_change: u.must_change_password,
            created: i18n::instant(&u.created_at),
            href: format!("/nguoi-dung/{}", u.id),
        })
        .collect();
    Ok(render(&UsersPage {
        ctx: ctx.clone(),
        lines,
        total: ctx.lang.int(found.total),
        prev: (page_no > 1).then(|| link(page_no - 1)),
        next: (page_no < pages).then(|| link(page_no + 1)),
        q: query,
    }))
}

// ---------------------------------------------------------------- the new account

#[derive(Template)]
#[template(path = "user_new.html")]
struct NewUserPage {
    ctx: Ctx,
    f: Fields,
    roles: Vec<Opt>,
    agencies: Vec<Opt>,
}

async fn new_page(web: &Web, status: StatusCode, f: Fields) -> Response {
    let agencies = agency_options(web, &f.agency).await;
    render_status(
        status,
        &NewUserPage {
            ctx: web.ctx.clone(),
            roles: f.roles(web.ctx.lang),
            agencies,
            f,
        },
    )
}

pub async fn new_form(web: Web) -> Out {
    let web = web.nav("users");
    require_office(&web)?;
    let f = Fields {
        role: Role::Focal.as_str().into(),
        ..Fields::default()
    };
    Ok(new_page(&web, StatusCode::OK, f).await)
}

/// Makes the account with a generated password, and answers with the account's
/// page showing that password once.
pub async fn create(web: Web, body: Bytes) -> Out {
    let web = web.nav("users");
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    let mut f = Fields::from_form(&form);
    let input = UserInput {
        username: f.username.clone(),
        // The service makes the password.
        password: String::new(),
        role: f.role.trim().to_string(),
        agency: form.text("agency"),
        display_name: form.text("display_name"),
        email: form.text("email"),
    };
    match web
        .service
        .create_user_with_one_time_password(&web.actor, &input)
        .await
    {
        Ok((user, password)) => {
            let done = web
                .ctx
                .t("Đã tạo tài khoản.", "The account is made.")
                .to_string();
            // Answered as is (not a redirect), and not kept: the server marks every
            // answer no-store.
            super::user::render_user(
                &web,
                &user,
                StatusCode::OK,
                None,
                Some(password),
                Some(done),
            )
            .await
        }
        Err(e) => match field_error(web.ctx.lang, e) {
            Ok((status, field, text)) => {
                f.errors.push((field, text));
                Ok(new_page(&web, status, f).await)
            }
            Err(e) => Err(error_page(&web.ctx, e)),
        },
    }
}
