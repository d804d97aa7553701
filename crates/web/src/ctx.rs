//! The context of a page: who is signed in (from the session cookie), the
//! language, the day the page is viewed as of, the CSRF token of the session; and
//! the answers every page shares (sign-in redirect, 403, 404, errors).

use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use sha2::{Digest, Sha256};
use tiendo_core::policy::{Actor, Role};
use tiendo_core::time::{parse_day, today};
use tiendo_service::{Service, ServiceError};

use crate::i18n::{self, Lang};

pub const SESSION_COOKIE: &str = "tiendo_session";
pub const LANG_COOKIE: &str = "tiendo_lang";
pub const PRE_COOKIE: &str = "tiendo_pre";
pub const LOGIN_PATH: &str = "/dang-nhap";

/// What every page knows about its request.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub lang: Lang,
    pub actor: Option<Actor>,
    pub user_label: String,
    pub csrf: String,
    /// The day asked for with `?as_of=`, when it is not today.
    pub as_of: Option<NaiveDate>,
    /// The day the page shows: `as_of` or today.
    pub day: NaiveDate,
    pub today: NaiveDate,
    /// Path and query of the request.
    pub path: String,
    /// The navigation entry of the page.
    pub nav: &'static str,
    /// A message shown once at the top (after a successful form).
    pub notice: Option<String>,
    /// `?as_of=` was given but cannot be answered (not a date, outside
    /// 2000–2100, after today): why, shown at the top while the page shows today.
    pub as_of_error: Option<String>,
    /// `?as_of=` as typed, shown again in the as-of form when it is refused.
    pub as_of_typed: String,
    /// The signed-in user's unread notices (the bell's number).
    pub unread: i64,
}

impl Ctx {
    pub fn t<'a>(&self, vi: &'a str, en: &'a str) -> &'a str {
        self.lang.t(vi, en)
    }

    pub fn lang_code(&self) -> &'static str {
        self.lang.code()
    }

    pub fn other_lang_label(&self) -> &'static str {
        match self.lang {
            Lang::Vi => "English",
            Lang::En => "Tiếng Việt",
        }
    }

    pub fn other_lang_code(&self) -> &'static str {
        self.lang.other().code()
    }

    /// The current page in the other language.
    pub fn switch_url(&self) -> String {
        with_param(&self.path, "lang", Some(self.lang.other().code()))
    }

    /// A link to one of the app's pages, keeping the as-of day.
    pub fn link(&self, path: &str) -> String {
        match self.as_of {
            Some(d) => with_param(path, "as_of", Some(&d.to_string())),
            None => path.to_string(),
        }
    }

    /// In a past view, the instant that ends its day: lists then hold only what
    /// was recorded before it, in the state it had then (`known_by` of the filters).
    pub fn known_by(&self) -> Option<tiendo_core::time::Micros> {
        self.as_of.map(tiendo_core::time::end_of_day)
    }

    /// Whether something recorded at `rfc3339` is part of the page's day.
    pub fn known(&self, rfc3339: &str) -> bool {
        self.as_of
            .is_none_or(|d| tiendo_core::time::known_on(rfc3339, d))
    }

    pub fn date<D: AsDay>(&self, d: D) -> String {
        i18n::date(d.day())
    }

    pub fn day_iso(&self) -> String {
        self.day.to_string()
    }

    pub fn day_label(&self) -> String {
        if self.as_of_error.is_some() {
            return self.as_of_typed.clone();
        }
        i18n::date(self.day)
    }

    /// The current page as of today (leaves the past view).
    pub fn today_url(&self) -> String {
        with_param(&self.path, "as_of", None)
    }

    pub fn signed_in(&self) -> bool {
        self.actor.is_some()
    }

    pub fn role(&self) -> Option<Role> {
        self.actor.as_ref().map(|a| a.role)
    }

    pub fn is_admin(&self) -> bool {
        self.role() == Some(Role::Admin)
    }

    pub fn is_focal(&self) -> bool {
        self.role() == Some(Role::Focal)
    }

    pub fn role_label(&self) -> &'static str {
        match self.role() {
            Some(Role::Admin) => self.lang.t("Cơ quan thường trực", "Standing office"),
            Some(Role::Focal) => self.lang.t("Đầu mối", "Focal point"),
            Some(Role::Viewer) => self.lang.t("Lãnh đạo (xem)", "Leader (read-only)"),
            None => "",
        }
    }

    pub fn current(&self, nav: &str) -> &'static str {
        if self.nav == nav { "page" } else { "false" }
    }

    pub fn login_next(&self) -> String {
        urlencode(&self.path)
    }
}

/// A day, however many references deep a template holds it.
pub trait AsDay {
    fn day(&self) -> NaiveDate;
}

impl AsDay for NaiveDate {
    fn day(&self) -> NaiveDate {
        *self
    }
}

impl<T: AsDay + ?Sized> AsDay for &T {
    fn day(&self) -> NaiveDate {
        (**self).day()
    }
}

/// The path with a query parameter set (or removed when `value` is `None`).
pub fn with_param(path: &str, key: &str, value: Option<&str>) -> String {
    let (base, query) = path.split_once('?').unwrap_or((path, ""));
    let mut pairs: Vec<(String, String)> =
        serde_urlencoded::from_str::<Vec<(String, String)>>(query)
            .unwrap_or_default()
            .into_iter()
            .filter(|(k, _)| k != key)
            .collect();
    if let Some(v) = value {
        pairs.push((key.to_string(), v.to_string()));
    }
    build(base, &pairs)
}

/// A path with its query from pairs (empty values left out).
pub fn build(base: &str, pairs: &[(String, String)]) -> String {
    let kept: Vec<&(String, String)> = pairs.iter().filter(|(_, v)| !v.is_empty()).collect();
    if kept.is_empty() {
        return base.to_string();
    }
    let q = serde_urlencoded::to_string(&kept).unwrap_or_default();
    format!("{base}?{q}")
}

pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("x", s)])
        .unwrap_or_default()
        .trim_start_matches("x=")
        .to_string()
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_string())
}

/// Whether the request came over TLS (directly or through a proxy that says so).
pub fn is_https(parts: &Parts) -> bool {
    let h = &parts.headers;
    let forwarded = h
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"));
    let standard = h
        .get(header::FORWARDED)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("proto=https"));
    forwarded || standard || parts.uri.scheme_str() == Some("https")
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Path=/, Secure over TLS.
pub fn set_cookie(name: &str, value: &str, max_age: Option<i64>, secure: bool) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static("x=; Path=/"))
}

/// The CSRF token of a session: hex SHA-256 of the session token and a label.
pub fn csrf_for(token: &str) -> String {
    hex::encode(Sha256::digest(
        format!("{token}|tiendo-web-csrf").as_bytes(),
    ))
}

/// Compares without an early exit.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn query_pairs(parts: &Parts) -> Vec<(String, String)> {
    serde_urlencoded::from_str(parts.uri.query().unwrap_or("")).unwrap_or_default()
}

fn param<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// The language of a request: `?lang=`, else the cookie, else Vietnamese.
pub fn lang_of(parts: &Parts) -> Lang {
    let pairs = query_pairs(parts);
    param(&pairs, "lang")
        .and_then(Lang::parse)
        .or_else(|| cookie(&parts.headers, LANG_COOKIE).and_then(|c| Lang::parse(&c)))
        .unwrap_or_default()
}

/// The context of a request, without the session.
pub fn base_ctx(parts: &Parts) -> Ctx {
    let pairs = query_pairs(parts);
    let today = today();
    let raw_as_of = param(&pairs, "as_of")
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let lang = lang_of(parts);
    // The rule of the API's `as_of` (tiendo_core::time::bad_as_of): a day to come
    // or outside 2000–2100 is refused with the reason, never shown as a guess.
    let (parsed, as_of_error) = match raw_as_of {
        None => (None, None),
        Some(raw) => match parse_day(raw) {
            None => (
                None,
                Some(
                    lang.t(
                        "Ngày xem không hợp lệ (cần dạng dd/mm/yyyy); đang hiển thị hôm nay.",
                        "The as-of day is not a date (use dd/mm/yyyy); showing today.",
                    )
                    .to_string(),
                ),
            ),
            Some(d) => match tiendo_core::time::bad_as_of(d, today) {
                None => (Some(d), None),
                Some(why) => (
                    None,
                    Some(match lang {
                        Lang::Vi => format!(
                            "Ngày xem {raw}: {} Đang hiển thị hôm nay.",
                            i18n::message(lang, &why)
                        ),
                        Lang::En => format!("The as-of day {raw} {why}; showing today."),
                    }),
                ),
            },
        },
    };
    let as_of = parsed.filter(|d| *d != today);
    Ctx {
        lang,
        actor: None,
        user_label: String::new(),
        csrf: String::new(),
        as_of,
        day: as_of.unwrap_or(today),
        today,
        path: parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into()),
        nav: "",
        notice: None,
        as_of_typed: raw_as_of.unwrap_or_default().to_string(),
        as_of_error,
        unread: 0,
    }
}

/// A signed-in request: the actor, its session token, and the page context.
pub struct Web {
    pub ctx: Ctx,
    pub actor: Actor,
    pub token: String,
    /// What the token is (a sign-in session, or an API token sent as a cookie).
    pub session: tiendo_service::Session,
    pub service: Service,
    pub secure: bool,
}

/// The account page, where a user changes their password and manages tokens.
pub const ACCOUNT_PATH: &str = "/tai-khoan";

impl FromRequestParts<Service> for Web {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, service: &Service) -> Result<Self, Response> {
        let mut ctx = base_ctx(parts);
        let secure = is_https(parts);
        let to_login = |ctx: &Ctx, clear: bool| {
            let next = if parts.method == axum::http::Method::GET {
                format!("{LOGIN_PATH}?next={}", ctx.login_next())
            } else {
                LOGIN_PATH.to_string()
            };
            let mut r = Redirect::to(&next).into_response();
            if clear {
                r.headers_mut().append(
                    header::SET_COOKIE,
                    set_cookie(SESSION_COOKIE, "", Some(0), secure),
                );
            }
            r
        };
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE).filter(|t| !t.is_empty()) else {
            return Err(to_login(&ctx, false));
        };
        let session = match service.session(&token).await {
            Ok(s) => s,
            Err(ServiceError::Unauthenticated(_)) => return Err(to_login(&ctx, true)),
            Err(e) => return Err(error_page(&ctx, e)),
        };
        // After an administrator's reset, only the account page (to choose a new
        // password) and signing out are open.
        if session.must_change_password
            && !matches!(
                parts.uri.path(),
                ACCOUNT_PATH | "/tai-khoan/mat-khau" | "/dang-xuat"
            )
        {
            return Err(Redirect::to(ACCOUNT_PATH).into_response());
        }
        let actor = session.actor.clone();
        ctx.user_label = match (actor.role, actor.agency_id) {
            (Role::Focal, Some(a)) => format!("{} — {}", actor.username, service.agency_name(a)),
            _ => actor.username.clone(),
        };
        ctx.csrf = csrf_for(&token);
        // The bell: one indexed count; a failure leaves it at 0 rather than the page.
        ctx.unread = service.unread_notices(&actor).await.unwrap_or(0);
        ctx.actor = Some(actor.clone());
        if let Some(slot) = parts
            .extensions
            .get::<tiendo_service::security::RequestActor>()
        {
            slot.set(&actor);
        }
        Ok(Web {
            ctx,
            actor,
            token,
            session,
            service: service.clone(),
            secure,
        })
    }
}

impl Web {
    pub fn nav(mut self, nav: &'static str) -> Web {
        self.ctx.nav = nav;
        self
    }

    /// Checks the CSRF field of a posted form; the 403 page when it is wrong.
    pub fn check_csrf(&self, form: &Form) -> Result<(), Response> {
        match form.get("csrf") {
            Some(sent) if same(sent, &self.ctx.csrf) => Ok(()),
            _ => Err(forbidden_page(
                &self.ctx,
                self.ctx.t(
                    "Biểu mẫu đã hết hạn hoặc không gửi từ trang của tiendo (thiếu mã chống giả mạo). Hãy tải lại trang và gửi lại.",
                    "The form has expired or was not sent from a tiendo page (missing anti-forgery token). Reload the page and send it again.",
                ),
            )),
        }
    }
}

/// A posted form (application/x-www-form-urlencoded), text in NFC.
#[derive(Debug, Default, Clone)]
pub struct Form {
    pub pairs: Vec<(String, String)>,
}

impl Form {
    pub fn parse(body: &[u8]) -> Form {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
        Form {
            pairs: pairs
                .into_iter()
                .map(|(k, v)| (k, tiendo_core::text::nfc(&v)))
                .collect(),
        }
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        param(&self.pairs, key)
    }

    /// The trimmed value, `None` when absent or blank.
    pub fn text(&self, key: &str) -> Option<String> {
        self.get(key)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    }

    /// The value as typed (for showing it again).
    pub fn raw(&self, key: &str) -> String {
        self.get(key).unwrap_or_default().to_string()
    }

    pub fn checked(&self, key: &str) -> bool {
        matches!(self.get(key), Some("on" | "true" | "1"))
    }

    /// Every value of a repeated key (checkboxes of one name), in order.
    pub fn all(&self, key: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// The query string of a page, leniently: unknown keys are ignored.
#[derive(Debug, Default, Clone)]
pub struct QueryPairs(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for QueryPairs {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(QueryPairs(query_pairs(parts)))
    }
}

impl QueryPairs {
    pub fn get(&self, key: &str) -> Option<&str> {
        param(&self.0, key).map(str::trim).filter(|s| !s.is_empty())
    }

    pub fn int(&self, key: &str) -> Option<i64> {
        self.get(key).and_then(|v| v.parse().ok())
    }

    pub fn day(&self, key: &str) -> Option<NaiveDate> {
        self.get(key).and_then(parse_day)
    }
}

/// The answer of a page handler: the page, or an error page / redirect.
pub type Out = Result<Response, Response>;

pub fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template");
            (StatusCode::INTERNAL_SERVER_ERROR, "template error").into_response()
        }
    }
}

pub fn render_status<T: Template>(status: StatusCode, t: &T) -> Response {
    let mut r = render(t);
    if r.status() == StatusCode::OK {
        *r.status_mut() = status;
    }
    r
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub ctx: Ctx,
    pub code: u16,
    pub title: String,
    pub detail: String,
}

pub fn forbidden_page(ctx: &Ctx, detail: &str) -> Response {
    let mut response = render_status(
        StatusCode::FORBIDDEN,
        &ErrorPage {
            ctx: ctx.clone(),
            code: 403,
            title: ctx
                .t("Không có quyền truy cập", "Access not allowed")
                .to_string(),
            detail: detail.to_string(),
        },
    );
    // For the security log (docs/audit.md).
    response
        .extensions_mut()
        .insert(tiendo_service::security::Refusal(detail.to_string()));
    response
}

pub fn not_found_page(ctx: &Ctx, what: &str) -> Response {
    render_status(
        StatusCode::NOT_FOUND,
        &ErrorPage {
            ctx: ctx.clone(),
            code: 404,
            title: ctx.t("Không tìm thấy", "Not found").to_string(),
            detail: what.to_string(),
        },
    )
}

/// A 404 for something opened as of a day before it existed ("did not exist
/// yet on dd/mm/yyyy"), with the way back to today in the as-of banner.
pub fn not_yet_page(ctx: &Ctx, what: &str) -> Response {
    render_status(
        StatusCode::NOT_FOUND,
        &ErrorPage {
            ctx: ctx.clone(),
            code: 404,
            title: ctx
                .t("Chưa có vào ngày này", "Did not exist yet on that day")
                .to_string(),
            detail: what.to_string(),
        },
    )
}

/// The page for an error of a use case.
pub fn error_page(ctx: &Ctx, e: ServiceError) -> Response {
    match e {
        ServiceError::Forbidden(m) => {
            let detail = match ctx.lang {
                Lang::Vi => match i18n::forbidden_vi(&m) {
                    Some(why) => format!(
                        "Tài khoản của bạn không được xem hoặc thực hiện thao tác này. {why}"
                    ),
                    None => {
                        // The English reason stays in the server log (and the
                        // security log), never raw on a Vietnamese page.
                        tracing::info!(reason = %m, "refusal without a Vietnamese reason");
                        "Tài khoản của bạn không được xem hoặc thực hiện thao tác này.".to_string()
                    }
                },
                Lang::En => format!("Your account may not see or do this. ({m})"),
            };
            let mut r = forbidden_page(ctx, &detail);
            r.extensions_mut()
                .insert(tiendo_service::security::Refusal(m));
            r
        }
        ServiceError::NotFound(what) if what.contains("did not exist") => not_yet_page(
            ctx,
            &match ctx.lang {
                Lang::Vi => format!(
                    "Dữ liệu này chưa có trong hệ thống vào ngày {}.",
                    i18n::date(ctx.day)
                ),
                Lang::En => format!("This did not exist yet on {}.", i18n::date(ctx.day)),
            },
        ),
        ServiceError::NotFound(what) => not_found_page(
            ctx,
            &match ctx.lang {
                Lang::Vi => i18n::not_found_vi(&what),
                Lang::En => format!("{what} not found."),
            },
        ),
        ServiceError::Unauthenticated(_) => Redirect::to(LOGIN_PATH).into_response(),
        ServiceError::Invalid { field, message } => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ErrorPage {
                ctx: ctx.clone(),
                code: 422,
                title: ctx.t("Yêu cầu không hợp lệ", "Invalid request").to_string(),
                detail: format!("{field}: {}", i18n::message(ctx.lang, &message)),
            },
        ),
        ServiceError::Conflict(m) => render_status(
            StatusCode::CONFLICT,
            &ErrorPage {
                ctx: ctx.clone(),
                code: 409,
                title: ctx.t("Xung đột dữ liệu", "Conflict").to_string(),
                detail: i18n::message(ctx.lang, &m),
            },
        ),
        ServiceError::TooMany {
            message,
            retry_after,
        } => {
            let mut r = render_status(
                StatusCode::TOO_MANY_REQUESTS,
                &ErrorPage {
                    ctx: ctx.clone(),
                    code: 429,
                    title: ctx.t("Quá nhiều lần thử", "Too many attempts").to_string(),
                    detail: i18n::message(ctx.lang, &message),
                },
            );
            r.headers_mut().insert(
                header::RETRY_AFTER,
                axum::http::HeaderValue::from(retry_after),
            );
            r
        }
        ServiceError::Internal(detail) => {
            tracing::error!(%detail, "internal error (web)");
            render_status(
                StatusCode::INTERNAL_SERVER_ERROR,
                &ErrorPage {
                    ctx: ctx.clone(),
                    code: 500,
                    title: ctx.t("Lỗi hệ thống", "System error").to_string(),
                    detail: ctx
                        .t(
                            "Đã xảy ra lỗi; chi tiết được ghi trong nhật ký máy chủ.",
                            "Something went wrong; the details are in the server log.",
                        )
                        .to_string(),
                },
            )
        }
    }
}

/// `?` on a use case's result inside a page handler.
pub trait OrPage<T> {
    fn or_page(self, ctx: &Ctx) -> Result<T, Response>;
}

impl<T> OrPage<T> for Result<T, ServiceError> {
    fn or_page(self, ctx: &Ctx) -> Result<T, Response> {
        self.map_err(|e| error_page(ctx, e))
    }
}

/// A 303 to a page of the app (after a form).
pub fn see_other(path: &str) -> Response {
    Redirect::to(path).into_response()
}

/// Only local paths are followed after sign-in.
pub fn safe_next(next: Option<&str>) -> Option<String> {
    let n = next?.trim();
    if !n.starts_with('/') || n.starts_with("//") || n.contains('\\') || n.starts_with(LOGIN_PATH) {
        return None;
    }
    // A header value: anything but visible ASCII is percent-encoded.
    let mut out = String::with_capacity(n.len());
    for b in n.bytes() {
        if (0x21..=0x7e).contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Some(out)
}
