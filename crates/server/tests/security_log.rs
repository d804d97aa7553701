//! The security log (docs/audit.md) and the actors of the history, through the
//! API, on SQLite and on PostgreSQL: failed sign-ins, refused permissions and
//! token creation are kept, and only the standing office reads them.

mod common;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::StatusCode;
use serde_json::{Value, json};
use tiendo_service::input::UserInput;

use common::{Api, apis};

async fn sign_in_from(api: &Api, from: [u8; 4], username: &str, password: &str) -> StatusCode {
    let req = axum::http::Request::builder()
        .method("POST")
        .uri("/api/v1/auth/login")
        .header("content-type", "application/json")
        .extension(ConnectInfo(std::net::SocketAddr::from((from, 40_000))))
        .body(Body::from(
            json!({"username": username, "password": password}).to_string(),
        ))
        .unwrap();
    api.send(req).await.0
}

fn entries<'a>(log: &'a Value, kind: &str) -> Vec<&'a Value> {
    log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == kind)
        .collect()
}

#[tokio::test]
async fn failed_sign_ins_refusals_and_new_tokens_are_in_the_security_log() {
    for api in apis().await {
        let b = api.backend;
        let office = api.user("vanphong", "admin", None).await;
        let viewer = api.user("lanhdao", "viewer", None).await;

        // A failed sign-in, with the username tried and the client's address.
        assert_eq!(
            sign_in_from(&api, [203, 0, 113, 7], "vanphong", "sai mật khẩu").await,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            sign_in_from(&api, [203, 0, 113, 8], "khong-co-ai", "sai mật khẩu").await,
            StatusCode::UNAUTHORIZED
        );
        // A refused permission: a viewer tries to create a user, then to read the log.
        let (s, _) = api
            .call(
                "POST",
                "/api/v1/users",
                Some(&viewer),
                Some(json!({"username": "x1", "password": "mật khẩu tốt", "role": "admin"})),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "[{b}]");
        let (s, _) = api
            .call("GET", "/api/v1/security-log", Some(&viewer), None)
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "[{b}] the log is the office's");
        // A token made for another system.
        let (s, _) = api
            .call(
                "POST",
                "/api/v1/auth/tokens",
                Some(&office),
                Some(json!({"label": "cổng dữ liệu", "days": 30})),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "[{b}]");

        let log = api.get("/api/v1/security-log?per_page=100", &office).await;
        let failed = entries(&log, "sign_in_failed");
        assert_eq!(failed.len(), 2, "[{b}] {log}");
        assert_eq!(failed[1]["username"], "vanphong", "[{b}] newest first");
        assert_eq!(failed[1]["client"], "203.0.113.7", "[{b}]");
        assert_eq!(failed[0]["username"], "khong-co-ai", "[{b}]");
        assert_eq!(failed[0]["action"], "sign in", "[{b}]");

        let refused = entries(&log, "permission_refused");
        assert_eq!(refused.len(), 2, "[{b}] {log}");
        assert_eq!(refused[1]["username"], "lanhdao", "[{b}]");
        assert_eq!(refused[1]["action"], "POST /api/v1/users", "[{b}]");
        assert!(refused[1]["actor_id"].as_i64().unwrap() > 0, "[{b}]");
        assert!(
            !refused[1]["detail"].as_str().unwrap().is_empty(),
            "[{b}] the reason is kept"
        );
        assert_eq!(refused[0]["action"], "GET /api/v1/security-log", "[{b}]");

        let tokens = entries(&log, "token_created");
        // Two sign-ins and one API token.
        assert_eq!(tokens.len(), 3, "[{b}] {log}");
        assert_eq!(tokens[0]["detail"], "cổng dữ liệu", "[{b}]");
        assert_eq!(tokens[0]["username"], "vanphong", "[{b}]");

        let only = api
            .get("/api/v1/security-log?kind=sign_in_failed", &office)
            .await;
        assert_eq!(only["total"], 2, "[{b}] {only}");
        let (s, body) = api
            .call(
                "GET",
                "/api/v1/security-log?kind=nonsense",
                Some(&office),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "[{b}] {body}");
        assert_eq!(body["field"], "kind");
    }
}

#[tokio::test]
async fn every_event_has_a_real_actor_and_the_system_user_cannot_be_changed() {
    for api in apis().await {
        let b = api.backend;
        let system = api.service.system_actor();
        assert_eq!(system.username, "system");
        // A user made on the command line (no actor) is the system user's work.
        let office = api.user("vanphong", "admin", None).await;
        let events = api
            .get("/api/v1/events?entity=user&per_page=100", &office)
            .await;
        let created = &events["items"][0];
        assert_eq!(created["actor_id"], system.user_id, "[{b}] {events}");
        assert_eq!(created["actor_name"], "system", "[{b}]");

        // Made by a named operator (`--as vanphong`), the event is theirs.
        let operator = api.service.actor_named("vanphong").await.unwrap();
        let user = api
            .service
            .create_user(
                Some(&operator),
                &UserInput {
                    username: "daumoi".into(),
                    password: "mật khẩu tốt".into(),
                    role: "viewer".into(),
                    agency: None,
                    display_name: None,
                    email: None,
                },
            )
            .await
            .unwrap();
        let events = api
            .get(
                &format!("/api/v1/events?entity=user&entity_id={}", user.id),
                &office,
            )
            .await;
        assert_eq!(events["items"][0]["actor_name"], "vanphong", "[{b}]");
        assert!(api.service.actor_named("no-one").await.is_err());

        // No one signs in as the system user, and it cannot be given a password.
        let (s, _) = api
            .call(
                "POST",
                "/api/v1/auth/login",
                None,
                Some(json!({"username": "system", "password": "!"})),
            )
            .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "[{b}]");
        let (s, body) = api
            .call(
                "PATCH",
                &format!("/api/v1/users/{}", system.user_id),
                Some(&office),
                Some(json!({"password": "mật khẩu mới dài"})),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "[{b}] {body}");

        // The head of the chain, for any signed-in user.
        let head = api.get("/api/v1/audit/head", &office).await;
        assert!(head["event_id"].as_i64().unwrap() >= 2, "[{b}] {head}");
        assert_eq!(head["hash"].as_str().unwrap().len(), 64, "[{b}]");
    }
}
