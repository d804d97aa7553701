//! Tokens, passwords and sign-in limits (issue 15 part 3, docs/security.md), on
//! SQLite and PostgreSQL.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use serde_json::{Value, json};
use tower::ServiceExt;

const PASSWORD: &str = "mật khẩu tốt";

async fn login(api: &Api, username: &str, password: &str) -> (StatusCode, Value) {
    api.call(
        "POST",
        "/api/v1/auth/login",
        None,
        Some(json!({"username": username, "password": password})),
    )
    .await
}

async fn token_of(api: &Api, username: &str, password: &str) -> String {
    let (s, body) = login(api, username, password).await;
    assert_eq!(s, StatusCode::OK, "[{}] {body}", api.backend);
    body["token"].as_str().unwrap().to_string()
}

async fn make_token(api: &Api, token: &str, body: Value) -> (StatusCode, Value) {
    api.call("POST", "/api/v1/auth/tokens", Some(token), Some(body))
        .await
}

async fn status_with(api: &Api, token: &str) -> StatusCode {
    api.call("GET", "/api/v1/tasks", Some(token), None).await.0
}

#[tokio::test]
async fn api_tokens_only_for_allowed_roles_never_longer_than_the_policy_and_never_from_a_token() {
    for api in apis().await {
        let b = api.backend;
        let admin = api.user("vanphong", "admin", None).await;
        let focal = api.user("bo.yte", "focal", Some("Bộ Y tế")).await;
        let viewer = api.user("lanhdao", "viewer", None).await;

        // A viewer (and, by default, a focal point) is refused.
        for t in [&viewer, &focal] {
            let (s, body) = make_token(&api, t, json!({"label": "hệ thống khác"})).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "[{b}] {body}");
            assert!(
                body["error"].as_str().unwrap().contains("token policy"),
                "[{b}] {body}"
            );
        }
        // An administrator gets one for at most 90 days; the default is the longest.
        let (s, body) = make_token(&api, &admin, json!({"label": "LGSP", "days": 91})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "[{b}] {body}");
        assert_eq!(body["field"], "days", "[{b}] {body}");
        let (s, body) = make_token(&api, &admin, json!({"label": "LGSP"})).await;
        assert_eq!(s, StatusCode::CREATED, "[{b}] {body}");
        let expires =
            chrono::DateTime::parse_from_rfc3339(body["expires_at"].as_str().unwrap()).unwrap();
        let days =
            (expires.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_hours() as f64 / 24.0;
        assert!((89.9..=90.1).contains(&days), "[{b}] {days}");
        let api_token = body["token"].as_str().unwrap().to_string();
        assert_eq!(status_with(&api, &api_token).await, StatusCode::OK, "[{b}]");

        // A token cannot make tokens.
        let (s, body) = make_token(&api, &api_token, json!({"label": "con"})).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "[{b}] {body}");
        assert!(
            body["error"]
                .as_str()
                .unwrap()
                .contains("cannot make tokens"),
            "[{b}] {body}"
        );

        // Listed by its owner, not shown to another user.
        let (s, list) = api
            .call("GET", "/api/v1/auth/tokens", Some(&admin), None)
            .await;
        assert_eq!(s, StatusCode::OK, "[{b}] {list}");
        let mine = list.as_array().unwrap();
        assert_eq!(mine.len(), 1, "[{b}] {list}");
        assert_eq!(mine[0]["label"], "LGSP");
        assert!(
            mine[0].get("token").is_none() && mine[0].get("token_hash").is_none(),
            "the secret is never listed"
        );
        let id = mine[0]["id"].as_i64().unwrap();
        let (s, list) = api
            .call("GET", "/api/v1/auth/tokens", Some(&focal), None)
            .await;
        assert_eq!(
            (s, list.as_array().unwrap().len()),
            (StatusCode::OK, 0),
            "[{b}] {list}"
        );
        let (s, _) = api
            .call("GET", "/api/v1/auth/tokens?user=1", Some(&focal), None)
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "[{b}]");
        let (s, _) = api
            .call(
                "DELETE",
                &format!("/api/v1/auth/tokens/{id}"),
                Some(&focal),
                None,
            )
            .await;
        assert_eq!(
            s,
            StatusCode::NOT_FOUND,
            "[{b}] another user's token is not theirs to revoke"
        );
        assert_eq!(status_with(&api, &api_token).await, StatusCode::OK, "[{b}]");

        // Its owner revokes it: it stops at once; a second revocation is a conflict.
        let (s, body) = api
            .call(
                "DELETE",
                &format!("/api/v1/auth/tokens/{id}"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "[{b}] {body}");
        assert!(body["revoked_at"].is_string(), "[{b}] {body}");
        assert_eq!(
            status_with(&api, &api_token).await,
            StatusCode::UNAUTHORIZED,
            "[{b}]"
        );
        let (s, _) = api
            .call(
                "DELETE",
                &format!("/api/v1/auth/tokens/{id}"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "[{b}]");

        // The office lets focal points hold tokens for 30 days; taking the role out
        // again revokes theirs.
        let (s, body) = api
            .call(
                "PUT",
                "/api/v1/auth/token-policy",
                Some(&focal),
                Some(json!({"roles": ["admin", "focal"], "max_days": 30})),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "[{b}] {body}");
        let (s, body) = api
            .call(
                "PUT",
                "/api/v1/auth/token-policy",
                Some(&admin),
                Some(json!({"roles": ["admin", "focal"], "max_days": 30})),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "[{b}] {body}");
        let (s, body) = make_token(
            &api,
            &focal,
            json!({"label": "phần mềm của Bộ", "days": 31}),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "[{b}] {body}");
        let (s, body) = make_token(&api, &focal, json!({"label": "phần mềm của Bộ"})).await;
        assert_eq!(s, StatusCode::CREATED, "[{b}] {body}");
        let focal_api = body["token"].as_str().unwrap().to_string();
        assert_eq!(status_with(&api, &focal_api).await, StatusCode::OK, "[{b}]");
        let (s, body) = api
            .call(
                "PUT",
                "/api/v1/auth/token-policy",
                Some(&admin),
                Some(json!({"roles": ["admin"], "max_days": 30})),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "[{b}] {body}");
        assert_eq!(
            status_with(&api, &focal_api).await,
            StatusCode::UNAUTHORIZED,
            "[{b}]"
        );
        let (s, body) = api
            .call(
                "PUT",
                "/api/v1/auth/token-policy",
                Some(&admin),
                Some(json!({"roles": ["chief"], "max_days": 30})),
            )
            .await;
        assert_eq!(
            (s, body["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("roles")),
            "[{b}] {body}"
        );
        // Every change is in the audit history.
        let (s, events) = api
            .call(
                "GET",
                "/api/v1/events?entity=token_policy",
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "[{b}] {events}");
        assert!(
            events.to_string().contains("token_policy"),
            "[{b}] {events}"
        );
    }
}

#[tokio::test]
async fn signing_out_can_revoke_the_tokens_the_session_made() {
    for api in apis().await {
        let b = api.backend;
        api.user("vanphong", "admin", None).await;
        let session = token_of(&api, "vanphong", PASSWORD).await;
        let (_, body) = make_token(&api, &session, json!({"label": "giữ lại"})).await;
        let kept = body["token"].as_str().unwrap().to_string();
        let (s, _) = api
            .call("POST", "/api/v1/auth/logout", Some(&session), None)
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT, "[{b}]");
        assert_eq!(
            status_with(&api, &session).await,
            StatusCode::UNAUTHORIZED,
            "[{b}]"
        );
        assert_eq!(
            status_with(&api, &kept).await,
            StatusCode::OK,
            "[{b}] a plain sign-out keeps the tokens"
        );

        let session = token_of(&api, "vanphong", PASSWORD).await;
        let (_, body) = make_token(&api, &session, json!({"label": "thu hồi cùng phiên"})).await;
        let child = body["token"].as_str().unwrap().to_string();
        let (s, body) = api
            .call(
                "POST",
                "/api/v1/auth/logout",
                Some(&session),
                Some(json!({"revoke_tokens": true})),
            )
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT, "[{b}] {body}");
        assert_eq!(
            status_with(&api, &child).await,
            StatusCode::UNAUTHORIZED,
            "[{b}]"
        );
        assert_eq!(
            status_with(&api, &kept).await,
            StatusCode::OK,
            "[{b}] another session's token stays"
        );
    }
}

#[tokio::test]
async fn changing_ones_password_needs_the_current_one_and_weak_ones_are_refused() {
    for api in apis().await {
        let b = api.backend;
        let first = api.user("bo.yte", "focal", Some("Bộ Y tế")).await;
        let other = token_of(&api, "bo.yte", PASSWORD).await;
        let me: Value = api.get("/api/v1/auth/me", &first).await;
        let path = format!("/api/v1/users/{}", me["id"]);
        let patch = |body: Value| api.call("PATCH", &path, Some(&first), Some(body));

        let (s, body) = patch(json!({"password": "một mật khẩu mới hẳn"})).await;
        assert_eq!(
            (s, body["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("current_password")),
            "[{b}] {body}"
        );
        let (s, body) =
            patch(json!({"password": "một mật khẩu mới hẳn", "current_password": "không phải nó"}))
                .await;
        assert_eq!(
            (s, body["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("current_password")),
            "[{b}] {body}"
        );
        for (weak, why) in [
            ("12345678", "at least 12"),
            ("            ", "only spaces"),
            ("qwerty123456", "most common"),
            ("Bo.Yte", "at least 12"),
        ] {
            let (s, body) = patch(json!({"password": weak, "current_password": PASSWORD})).await;
            assert_eq!(
                s,
                StatusCode::UNPROCESSABLE_ENTITY,
                "[{b}] {weak:?}: {body}"
            );
            assert!(
                body["error"].as_str().unwrap().contains(why),
                "[{b}] {weak:?}: {body}"
            );
        }
        let (s, body) =
            patch(json!({"password": "một mật khẩu mới hẳn", "current_password": PASSWORD})).await;
        assert_eq!(s, StatusCode::OK, "[{b}] {body}");
        assert_eq!(
            status_with(&api, &first).await,
            StatusCode::OK,
            "[{b}] this session stays"
        );
        assert_eq!(
            status_with(&api, &other).await,
            StatusCode::UNAUTHORIZED,
            "[{b}] the other session ends"
        );
        assert_eq!(
            login(&api, "bo.yte", PASSWORD).await.0,
            StatusCode::UNAUTHORIZED,
            "[{b}]"
        );
        token_of(&api, "bo.yte", "một mật khẩu mới hẳn").await;
    }
}

#[tokio::test]
async fn an_administrators_reset_signs_the_user_out_and_forces_a_new_password() {
    for api in apis().await {
        let b = api.backend;
        let admin = api.user("vanphong", "admin", None).await;
        let focal = api.user("bo.yte", "focal", Some("Bộ Y tế")).await;
        let me: Value = api.get("/api/v1/auth/me", &focal).await;
        let path = format!("/api/v1/users/{}", me["id"]);
        let (s, body) = api
            .call(
                "PATCH",
                &path,
                Some(&admin),
                Some(json!({"password": "mật khẩu tạm thời"})),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "[{b}] {body}");
        assert_eq!(body["must_change_password"], true, "[{b}] {body}");
        assert_eq!(
            status_with(&api, &focal).await,
            StatusCode::UNAUTHORIZED,
            "[{b}] signed out"
        );

        let reset = token_of(&api, "bo.yte", "mật khẩu tạm thời").await;
        let (s, body) = api.call("GET", "/api/v1/tasks", Some(&reset), None).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "[{b}] {body}");
        assert!(
            body["error"]
                .as_str()
                .unwrap()
                .contains("choose a new one first"),
            "[{b}] {body}"
        );
        let (s, _) = api.call("GET", "/api/v1/auth/me", Some(&reset), None).await;
        assert_eq!(s, StatusCode::OK, "[{b}]");
        let (s, body) = api
            .call("PATCH", &path, Some(&reset), Some(json!({"password": "mật khẩu riêng của tôi", "current_password": "mật khẩu tạm thời"})))
            .await;
        assert_eq!(s, StatusCode::OK, "[{b}] {body}");
        assert_eq!(body["must_change_password"], false, "[{b}] {body}");
        assert_eq!(status_with(&api, &reset).await, StatusCode::OK, "[{b}]");
    }
}

/// The limit answers 429 with `Retry-After`, and servers sharing one database
/// count together.
#[tokio::test]
async fn the_sign_in_limit_is_429_with_retry_after_and_shared_by_every_server() {
    for (b, one, two) in service_pairs().await {
        let one = Api::new(b, one);
        let two = Api::new(b, two);
        one.user("vanphong", "admin", None).await;
        // Five failures, spread over both servers.
        for i in 0..5 {
            let api = if i % 2 == 0 { &one } else { &two };
            let (s, body) = login(api, "vanphong", "sai mật khẩu").await;
            assert_eq!(s, StatusCode::UNAUTHORIZED, "[{b}] attempt {i}: {body}");
        }
        for api in [&one, &two] {
            let req = Request::builder()
                .method("POST")
                .uri("/api/v1/auth/login")
                .header("content-type", "application/json")
                .body(Body::from(
                    json!({"username": "VanPhong", "password": PASSWORD}).to_string(),
                ))
                .unwrap();
            let res = api.router.clone().oneshot(req).await.unwrap();
            assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS, "[{b}]");
            let wait: i64 = res.headers()["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!((1..=60).contains(&wait), "[{b}] {wait}");
        }
    }
}
