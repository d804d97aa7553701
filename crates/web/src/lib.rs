//! The web application of tiendo: pages rendered on the server over the use cases
//! of `tiendo_service`, in Vietnamese first (English with `?lang=en`), usable on a
//! phone and with a keyboard, fully offline (every asset is in the binary).
//!
//! Sessions are the service's sign-in tokens, kept in an HttpOnly, SameSite=Lax
//! cookie; every form carries a CSRF field derived from the session token.

// Page handlers answer `Result<Response, Response>` (the page or an error page),
// the usual shape of axum handlers; the error is a response, not a small error.
#![allow(clippy::result_large_err)]

pub mod chart;
pub mod client;
pub mod ctx;
pub mod export;
pub mod history;
pub mod i18n;
mod pages;
pub mod upload;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tiendo_service::Service;

/// The pages, to be merged into the server's router.
pub fn router() -> Router<Service> {
    Router::new()
        .route("/", get(pages::dashboard::page))
        .route(
            "/dang-nhap",
            get(pages::auth::login_form).post(pages::auth::login),
        )
        .route("/login", get(pages::auth::login_alias))
        .route(
            "/thiet-lap",
            get(pages::setup::form).post(pages::setup::submit),
        )
        .route("/dang-xuat", post(pages::auth::logout))
        .route("/tai-khoan", get(pages::account::page))
        .route("/phan-cong/{id}/y-kien", post(pages::comments::add))
        .route("/phan-cong/{id}/phoi-hop", post(pages::parts::add))
        .route("/thong-bao", get(pages::notices::page))
        .route("/thong-bao/doc", post(pages::notices::mark_read))
        .route("/thong-bao/cai-dat", post(pages::notices::settings))
        .route("/thong-bao/{id}/mo", get(pages::notices::open))
        .route("/thong-bao/nhat-ky", get(pages::notices::log))
        .route(
            "/thong-bao/quy-tac",
            get(pages::notices::rules).post(pages::notices::save_rules),
        )
        .route("/thong-bao/webhook", post(pages::notices::add_webhook))
        .route(
            "/thong-bao/webhook/{id}",
            post(pages::notices::toggle_webhook),
        )
        .route("/tai-khoan/mat-khau", post(pages::account::change_password))
        .route("/tai-khoan/khoa", post(pages::account::create_token))
        .route(
            "/tai-khoan/khoa/{id}/thu-hoi",
            post(pages::account::revoke_token),
        )
        .route(
            "/tai-khoan/chinh-sach-khoa",
            post(pages::account::set_policy),
        )
        .route("/tim-kiem", get(pages::search::page))
        .route("/nhiem-vu", get(pages::tasks::list))
        .route("/nhiem-vu.csv", get(pages::tasks::export_csv))
        .route("/nhiem-vu.xlsx", get(pages::tasks::export_xlsx))
        .route("/nhiem-vu/{id}", get(pages::task::page))
        // the office edits a task and its assignments (issue 14.4)
        .route(
            "/nhiem-vu/{id}/sua",
            get(pages::task_edit::form).post(pages::task_edit::save),
        )
        .route("/nhiem-vu/{id}/huy", post(pages::task_edit::cancel))
        .route(
            "/nhiem-vu/{id}/phan-cong",
            post(pages::task_edit::add_agency),
        )
        .route(
            "/phan-cong/{id}/huy",
            post(pages::task_edit::cancel_assignment),
        )
        // the office restores a cancelled task or assignment (issue 14.4)
        .route(
            "/nhiem-vu/{id}/khoi-phuc",
            get(pages::restore::task_form).post(pages::restore::task_post),
        )
        .route(
            "/phan-cong/{id}/khoi-phuc",
            get(pages::restore::assignment_form).post(pages::restore::assignment_post),
        )
        .route("/van-ban", get(pages::document::list))
        .route("/van-ban/{id}", get(pages::document::page))
        // the office edits a document and makes a task on it (issue 14.4)
        .route(
            "/van-ban/{id}/sua",
            get(pages::document_edit::form).post(pages::document_edit::save),
        )
        .route(
            "/van-ban/{id}/nhiem-vu-moi",
            get(pages::task_new::form).post(pages::task_new::save),
        )
        .route("/chi-tieu", get(pages::indicators::list))
        .route("/chi-tieu/{code}", get(pages::indicators::page))
        .route("/chi-tieu/{code}/so-lieu", post(pages::indicators::record))
        .route("/co-quan", get(pages::agency::list))
        .route("/co-quan/{id}", get(pages::agency::page))
        // the office manages the agency register (issue 14.4)
        .route(
            "/co-quan/moi",
            get(pages::agency_edit::new_form).post(pages::agency_edit::create),
        )
        .route(
            "/co-quan/{id}/sua",
            get(pages::agency_edit::form).post(pages::agency_edit::save),
        )
        .route(
            "/co-quan/{id}/sap-nhap",
            get(pages::agency_merge::form).post(pages::agency_merge::post),
        )
        .route("/viec-cua-toi", get(pages::work::my_work))
        .route("/phan-cong/{id}", get(pages::work::assignment))
        .route(
            "/phan-cong/{id}/bao-cao",
            get(pages::work::report_form)
                .post(pages::work::report_submit)
                // The handler enforces the upload limit of the configuration.
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/phan-cong/{id}/cam-ket",
            get(pages::work::commitment_form).post(pages::work::commitment_submit),
        )
        .route(
            "/phan-cong/{id}/gia-han",
            get(pages::work::extension_form)
                .post(pages::work::extension_submit)
                // The handler enforces the upload limit of the configuration.
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/duyet", get(pages::review::queue))
        .route("/nhat-ky-an-ninh", get(pages::security::page))
        .route("/bao-cao/{id}/duyet", post(pages::review::review_report))
        .route("/duyet/chap-nhan", post(pages::review::accept_many))
        .route("/bao-cao/{id}/rut-lai", post(pages::withdraw::report))
        .route(
            "/bao-cao/{id}/sua",
            get(pages::edit::report_form).post(pages::edit::report_submit),
        )
        .route(
            "/cam-ket/{id}/sua",
            get(pages::edit::commitment_form).post(pages::edit::commitment_submit),
        )
        .route("/gia-han/{id}/rut-lai", post(pages::withdraw::extension))
        .route(
            "/gia-han/{id}/quyet-dinh",
            post(pages::review::decide_extension),
        )
        // Evidence files and the review of imported documents (issue 4).
        .route("/minh-chung/{id}", get(pages::evidence::download))
        .route("/cong-van-gia-han/{id}", get(pages::letters::download))
        .route(
            "/van-ban/nhap",
            get(pages::drafts::import_form)
                .post(pages::drafts::import_submit)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/van-ban/{id}/du-thao", get(pages::drafts::review))
        .route(
            "/van-ban/{id}/du-thao/xac-nhan",
            post(pages::drafts::confirm_all),
        )
        .route("/du-thao/{id}", post(pages::drafts::act))
        // database quality and the monthly rankings (docs/databases.md)
        .route("/co-so-du-lieu", get(pages::databases::ranking))
        .route("/co-so-du-lieu.csv", get(pages::databases::export_csv))
        .route("/co-so-du-lieu.xlsx", get(pages::databases::export_xlsx))
        .route(
            "/co-so-du-lieu/dot",
            get(pages::databases_rounds::list).post(pages::databases_rounds::open),
        )
        .route(
            "/co-so-du-lieu/dot/{id}",
            get(pages::databases_rounds::page),
        )
        .route(
            "/co-so-du-lieu/dot/{id}/cong-bo",
            get(pages::databases_rounds::confirm).post(pages::databases_rounds::publish),
        )
        .route("/co-so-du-lieu/{code}", get(pages::databases::detail))
        .route(
            "/co-so-du-lieu/{code}/tu-danh-gia",
            get(pages::databases::assess_form).post(pages::databases::assess_submit),
        )
        .route(
            "/co-so-du-lieu/{code}/tham-dinh",
            get(pages::databases::review_form).post(pages::databases::review_submit),
        )
        // the office manages accounts (issue 14.4, docs/web.md)
        .route(
            "/nguoi-dung",
            get(pages::users::list).post(pages::users::create),
        )
        .route("/nguoi-dung/moi", get(pages::users::new_form))
        .route(
            "/nguoi-dung/{id}",
            get(pages::user::page).post(pages::user::save),
        )
        .route("/nguoi-dung/{id}/trang-thai", post(pages::user::set_active))
        .route(
            "/nguoi-dung/{id}/mat-khau",
            post(pages::user::reset_password),
        )
        .route("/tai-bao-cao/{kind}", get(pages::printed::download))
        .route("/cong-van-don-doc", post(pages::urging::post))
        .route("/xep-hang", get(pages::rankings::page))
        .route(
            "/xep-hang/tinh-diem",
            get(pages::rankings_office::form).post(pages::rankings_office::compute),
        )
        .route(
            "/xep-hang/tinh-diem/cong-bo",
            post(pages::rankings_office::publish),
        )
        .route("/xep-hang.csv", get(pages::rankings::export_csv))
        .route("/xep-hang.xlsx", get(pages::rankings::export_xlsx))
        // spreadsheets in (docs/spreadsheets.md)
        .route(
            "/nhap-bang-tinh",
            get(pages::sheets::form)
                .post(pages::sheets::submit)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/nhap-bang-tinh/mau/{kind}", get(pages::sheets::template))
        .route("/static/app.css", get(css))
        .route("/static/favicon.svg", get(favicon))
        .layer(axum::middleware::from_fn(web_headers))
}

/// The dashboard (`/`) as HTML for an actor, as of `day` (today when `None`),
/// without a session: for measurements and tools. The same code as the page.
pub async fn dashboard_html(
    service: &Service,
    actor: &tiendo_core::policy::Actor,
    day: Option<chrono::NaiveDate>,
) -> Result<String, String> {
    let today = tiendo_core::time::today();
    let as_of = day.filter(|d| *d != today);
    let ctx = ctx::Ctx {
        lang: i18n::Lang::Vi,
        actor: Some(actor.clone()),
        user_label: actor.username.clone(),
        csrf: String::new(),
        as_of,
        day: as_of.unwrap_or(today),
        today,
        path: "/".into(),
        nav: "dashboard",
        notice: None,
        as_of_error: None,
        as_of_typed: String::new(),
        unread: 0,
    };
    let response = match pages::dashboard::dashboard(service, actor, &ctx).await {
        Ok(r) => r,
        Err(r) => return Err(format!("status {}", r.status())),
    };
    let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024 * 1024)
        .await
        .map_err(|e| e.to_string())?;
    String::from_utf8(bytes.to_vec()).map_err(|e| e.to_string())
}

/// The answer carrying an evidence file (attachment, safe name, nosniff), shared
/// with the API's download.
pub fn evidence_response(
    file: &tiendo_service::evidence::EvidenceFile,
    bytes: Vec<u8>,
) -> Response {
    pages::evidence::file_response(file, bytes)
}

/// A rendered report (tiendo-reports) as an attachment, for the API too.
pub fn report_response(
    printed: &tiendo_reports::Printed,
    format: tiendo_reports::Format,
    bytes: Vec<u8>,
) -> Response {
    pages::printed::report_response(printed, format, bytes)
}

/// A rendered letter (tiendo-reports) as an attachment, for the API too.
pub fn letter_response(
    letter: &tiendo_reports::Letter,
    format: tiendo_reports::Format,
    bytes: Vec<u8>,
    recorded: usize,
) -> Response {
    pages::urging::letter_response(letter, format, bytes, recorded)
}

const APP_CSS: &str = include_str!("../assets/app.css");
const FAVICON: &str = include_str!("../assets/favicon.svg");

async fn css() -> Response {
    asset("text/css; charset=utf-8", APP_CSS)
}

async fn favicon() -> Response {
    asset("image/svg+xml", FAVICON)
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        body,
    )
        .into_response()
}

/// The page for a path that is no page (a mistyped address): the 404 page in
/// the request's language, for the server's fallback outside `/api/`.
pub fn not_found_response(parts: &axum::http::request::Parts) -> Response {
    let c = ctx::base_ctx(parts);
    let detail = match c.lang {
        i18n::Lang::Vi => i18n::NOT_FOUND_VI,
        i18n::Lang::En => "There is no such page; the address may be mistyped.",
    };
    ctx::not_found_page(&c, detail)
}

/// An answer axum or a layer wrote as text (a path that does not parse, such as
/// `/nhiem-vu/abc`, a wrong method) becomes the error page in the page's
/// language; the English text goes to the server log only. Pages' own answers
/// (HTML), downloads and redirects pass unchanged.
async fn plain_error_as_page(c: &ctx::Ctx, res: Response) -> Response {
    let status = res.status();
    let typed = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| !t.starts_with("text/plain"));
    if !status.is_client_error() || typed {
        return res;
    }
    let text = axum::body::to_bytes(res.into_body(), 64 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    tracing::info!(%status, detail = %text, "plain error answered as a page");
    let (code, title, detail) = match status {
        axum::http::StatusCode::BAD_REQUEST | axum::http::StatusCode::NOT_FOUND => (
            axum::http::StatusCode::NOT_FOUND,
            c.t("Không tìm thấy", "Not found"),
            c.t(
                i18n::NOT_FOUND_VI,
                "There is no such page; the address may be mistyped.",
            ),
        ),
        axum::http::StatusCode::METHOD_NOT_ALLOWED => (
            status,
            c.t("Thao tác không hợp lệ", "Method not allowed"),
            c.t(
                "Trang này không nhận thao tác vừa gửi. Hãy mở lại trang từ đường dẫn trong ứng dụng.",
                "This page does not take that request. Open it again from a link in the app.",
            ),
        ),
        _ => (
            status,
            c.t("Yêu cầu không hợp lệ", "Invalid request"),
            c.t(
                "Yêu cầu gửi lên không hợp lệ. Hãy tải lại trang và thử lại.",
                "The request is not valid. Reload the page and try again.",
            ),
        ),
    };
    ctx::render_status(
        code,
        &ctx::ErrorPage {
            ctx: c.clone(),
            code: code.as_u16(),
            title: title.to_string(),
            detail: detail.to_string(),
        },
    )
}

/// Headers of every page: a strict content security policy (nothing from
/// elsewhere, no script), and the language cookie when `?lang=` picks one.
async fn web_headers(req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let lang = ctx::lang_of(&parts);
    let chose = parts
        .uri
        .query()
        .is_some_and(|q| q.split('&').any(|kv| kv.starts_with("lang=")));
    let secure = ctx::is_https(&parts);
    let page_ctx = ctx::base_ctx(&parts);
    let res = next.run(Request::from_parts(parts, body)).await;
    let mut res = plain_error_as_page(&page_ctx, res).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    if chose {
        h.append(
            header::SET_COOKIE,
            ctx::set_cookie(ctx::LANG_COOKIE, lang.code(), Some(31_536_000), secure),
        );
    }
    res
}

#[cfg(test)]
mod tests {
    /// Relative luminance of #rrggbb (WCAG 2.1).
    fn luminance(hex: &str) -> f64 {
        let v = u32::from_str_radix(hex.trim_start_matches('#'), 16).unwrap();
        let c = |shift: u32| {
            let s = ((v >> shift) & 0xff) as f64 / 255.0;
            if s <= 0.04045 {
                s / 12.92
            } else {
                ((s + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * c(16) + 0.7152 * c(8) + 0.0722 * c(0)
    }

    fn contrast(a: &str, b: &str) -> f64 {
        let (x, y) = (luminance(a), luminance(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    fn hex_after(rule: &str, prop: &str) -> Option<String> {
        let i = rule.find(prop)? + prop.len();
        let rest = rule[i..].trim_start();
        let end = rest.find([';', ' ', '}']).unwrap_or(rest.len());
        let v = &rest[..end];
        (v.starts_with('#') && v.len() == 7).then(|| v.to_string())
    }

    /// Every rule of the stylesheet that sets both a text colour and a background
    /// colour (badges, banners, buttons) meets WCAG 2.1 AA for normal text.
    #[test]
    fn stylesheet_colour_pairs_meet_wcag_aa() {
        let mut checked = 0;
        for rule in super::APP_CSS.split('}') {
            let (Some(bg), Some(fg)) = (hex_after(rule, "background:"), hex_after(rule, " color:"))
            else {
                continue;
            };
            let ratio = contrast(&fg, &bg);
            assert!(
                ratio >= 4.5,
                "{fg} on {bg}: {ratio:.2} in `{}`",
                rule.trim()
            );
            checked += 1;
        }
        assert!(checked >= 8, "only {checked} pairs found");
        // The page's own text and links on white.
        for fg in ["#1a1a1a", "#4a4a4a", "#0b4f8a", "#b3261e"] {
            assert!(contrast(fg, "#ffffff") >= 4.5, "{fg}");
        }
        // White on the header.
        assert!(contrast("#ffffff", "#0b4f8a") >= 4.5);
    }
}
