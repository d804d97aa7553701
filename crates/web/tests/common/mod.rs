//! Test harness (after crates/server/tests/common): every test runs against the embedded SQLite database and against
//! the PostgreSQL server named by TIENDO_TEST_PG or DATABASE_URL (each test in a
//! schema of its own). Under CI (CI=true) PostgreSQL is required, not skipped.

#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use tiendo_service::Service;
use tiendo_service::input::UserInput;
use tower::ServiceExt;

#[path = "../../../server/tests/common/backends.rs"]
mod backends;
pub use backends::*;

/// An answer: status, headers, body as text.
pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn location(&self) -> String {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    }

    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::to_string)
            .collect()
    }

    /// The value of the first hidden `csrf` field.
    pub fn csrf(&self) -> String {
        attr_after(&self.body, "name=\"csrf\"", "value").unwrap_or_default()
    }
}

/// The value of `attr` in the tag that contains `marker`.
pub fn attr_after(html: &str, marker: &str, attr: &str) -> Option<String> {
    let at = html.find(marker)?;
    let start = html[..at].rfind('<')?;
    let end = at + html[at..].find('>')?;
    tag_attr(&html[start..=end], attr)
}

/// An attribute's value in one tag's text.
pub fn tag_attr(tag: &str, attr: &str) -> Option<String> {
    let needle = format!(" {attr}=\"");
    let i = tag.find(&needle)? + needle.len();
    let j = tag[i..].find('"')?;
    Some(unescape(&tag[i..i + j]))
}

pub fn unescape(s: &str) -> String {
    s.replace("&amp;", "&")
        .replace("&#38;", "&")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

/// A signed-in (or not) user agent over the router: keeps its cookies.
pub struct Client {
    pub router: Router,
    pub cookies: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
}

impl Client {
    pub fn new(service: &Service) -> Client {
        Client {
            router: tiendo_server::router(service.clone()),
            cookies: Vec::new(),
            headers: Vec::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub async fn send(
        &mut self,
        method: &str,
        path: &str,
        form: Option<&[(&str, &str)]>,
    ) -> Answer {
        let mut req = Request::builder().method(method).uri(path);
        if !self.cookies.is_empty() {
            req = req.header("cookie", self.cookie_header());
        }
        for (k, v) in &self.headers {
            req = req.header(k.as_str(), v.as_str());
        }
        let req = match form {
            Some(pairs) => req
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(
                    serde_urlencoded::to_string(pairs).expect("form"),
                )),
            None => req.body(Body::empty()),
        }
        .expect("request");
        let res = self.router.clone().oneshot(req).await.expect("response");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = axum::body::to_bytes(res.into_body(), 64 * 1024 * 1024)
            .await
            .expect("body");
        let answer = Answer {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).to_string(),
        };
        for c in answer.set_cookies() {
            let first = c.split(';').next().unwrap_or_default();
            if let Some((k, v)) = first.split_once('=') {
                self.cookies.retain(|(n, _)| n != k);
                if !v.is_empty() && !c.contains("Max-Age=0") {
                    self.cookies.push((k.to_string(), v.to_string()));
                }
            }
        }
        answer
    }

    pub async fn get(&mut self, path: &str) -> Answer {
        self.send("GET", path, None).await
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Answer {
        self.send("POST", path, Some(form)).await
    }

    /// Signs in through the sign-in page; returns the answer to the POST.
    pub async fn sign_in(&mut self, username: &str, password: &str) -> Answer {
        let page = self.get("/dang-nhap").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let csrf = page.csrf();
        self.post(
            "/dang-nhap",
            &[
                ("csrf", &csrf),
                ("username", username),
                ("password", password),
            ],
        )
        .await
    }
}

pub const PASSWORD: &str = "mật khẩu tốt";

/// Creates a user directly.
pub async fn user(service: &Service, username: &str, role: &str, agency: Option<&str>) {
    service
        .create_user(
            None,
            &UserInput {
                username: username.into(),
                password: PASSWORD.into(),
                role: role.into(),
                agency: agency.map(str::to_string),
                display_name: None,
                email: None,
            },
        )
        .await
        .expect("create user");
}

/// A client signed in as a new user of the role.
pub async fn signed_in(
    service: &Service,
    username: &str,
    role: &str,
    agency: Option<&str>,
) -> Client {
    user(service, username, role, agency).await;
    let mut c = Client::new(service);
    let a = c.sign_in(username, PASSWORD).await;
    assert_eq!(
        a.status,
        StatusCode::SEE_OTHER,
        "sign-in of {username}: {}",
        a.body
    );
    c
}

/// The assignments of a task today, as the office sees them.
pub async fn assignments_of(
    service: &Service,
    task_id: i64,
) -> Vec<tiendo_core::model::Assignment> {
    service
        .list_assignments(
            &service.system_actor(),
            tiendo_store::AssignmentFilter {
                task_id: Some(task_id),
                agency_id: None,
                document_id: None,
                status: None,
                as_of: tiendo_core::time::today(),
                due_soon_days: 0,
                confined_to: None,
                page: 1,
                per_page: 100,
            },
        )
        .await
        .expect("assignments")
        .items
}
