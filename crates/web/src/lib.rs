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
pub mod ctx;
pub mod export;
pub mod i18n;
mod pages;

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
        .route("/dang-xuat", post(pages::auth::logout))
        .route("/nhiem-vu", get(pages::tasks::list))
        .route("/nhiem-vu.csv", get(pages::tasks::export_csv))
        .route("/nhiem-vu.xlsx", get(pages::tasks::export_xlsx))
        .route("/nhiem-vu/{id}", get(pages::task::page))
        .route("/van-ban", get(pages::document::list))
        .route("/van-ban/{id}", get(pages::document::page))
        .route("/co-quan", get(pages::agency::list))
        .route("/co-quan/{id}", get(pages::agency::page))
        .route("/viec-cua-toi", get(pages::work::my_work))
        .route("/phan-cong/{id}", get(pages::work::assignment))
        .route(
            "/phan-cong/{id}/bao-cao",
            get(pages::work::report_form).post(pages::work::report_submit),
        )
        .route(
            "/phan-cong/{id}/cam-ket",
            get(pages::work::commitment_form).post(pages::work::commitment_submit),
        )
        .route(
            "/phan-cong/{id}/gia-han",
            get(pages::work::extension_form).post(pages::work::extension_submit),
        )
        .route("/duyet", get(pages::review::queue))
        .route("/bao-cao/{id}/duyet", post(pages::review::review_report))
        .route(
            "/gia-han/{id}/quyet-dinh",
            post(pages::review::decide_extension),
        )
        .route("/static/app.css", get(css))
        .route("/static/favicon.svg", get(favicon))
        .layer(axum::middleware::from_fn(web_headers))
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
    let mut res = next.run(Request::from_parts(parts, body)).await;
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
