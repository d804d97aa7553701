//! Test harness: every test runs against the embedded SQLite database and against
//! the PostgreSQL server named by TIENDO_TEST_PG or DATABASE_URL (each test in a
//! schema of its own). Under CI (CI=true) PostgreSQL is required, not skipped.

#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::Value;
use tiendo_service::Service;
use tiendo_service::input::UserInput;
use tower::ServiceExt;

#[path = "backends.rs"]
mod backends;
pub use backends::*;

pub struct Api {
    pub router: Router,
    pub service: Service,
    pub backend: &'static str,
}

impl Api {
    pub fn new(backend: &'static str, service: Service) -> Api {
        Api {
            router: tiendo_server::router(service.clone()),
            service,
            backend,
        }
    }

    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let req = match body {
            Some(b) => req
                .header("content-type", "application/json")
                .body(Body::from(b.to_string())),
            None => req.body(Body::empty()),
        }
        .expect("request");
        self.send(req).await
    }

    pub async fn raw(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: &str,
    ) -> (StatusCode, Value) {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header("content-type", "application/json");
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        self.send(req.body(Body::from(body.to_string())).expect("request"))
            .await
    }

    pub async fn send(&self, req: Request<Body>) -> (StatusCode, Value) {
        let res = self.router.clone().oneshot(req).await.expect("response");
        let status = res.status();
        let bytes = axum::body::to_bytes(res.into_body(), 64 * 1024 * 1024)
            .await
            .expect("body");
        let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        (status, value)
    }

    pub async fn get(&self, path: &str, token: &str) -> Value {
        let (status, body) = self.call("GET", path, Some(token), None).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "[{}] GET {path}: {body}",
            self.backend
        );
        body
    }

    /// Creates a user directly and signs in through the API; returns the token.
    pub async fn user(&self, username: &str, role: &str, agency: Option<&str>) -> String {
        self.service
            .create_user(
                None,
                &UserInput {
                    username: username.into(),
                    password: "mật khẩu tốt".into(),
                    role: role.into(),
                    agency: agency.map(str::to_string),
                    display_name: None,
                    email: None,
                },
            )
            .await
            .expect("create user");
        let (status, body) = self
            .call(
                "POST",
                "/api/v1/auth/login",
                None,
                Some(serde_json::json!({"username": username, "password": "mật khẩu tốt"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "login: {body}");
        body["token"].as_str().expect("token").to_string()
    }
}

pub async fn apis() -> Vec<Api> {
    services()
        .await
        .into_iter()
        .map(|(b, s)| Api::new(b, s))
        .collect()
}
