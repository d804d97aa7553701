//! The account page (issue 15 part 3): changing one's own password with the
//! current one, the forced change after an administrator's reset, API tokens made
//! and revoked in the pages, the token policy, and the sign-in page's 429.

mod common;

use axum::http::StatusCode;
use common::*;

#[tokio::test]
async fn a_user_changes_their_password_on_the_account_page() {
    for (backend, service) in services().await {
        let mut c = signed_in(&service, "bo.yte", "focal", Some("Bộ Y tế")).await;
        let page = c.get("/tai-khoan").await;
        assert_eq!(page.status, StatusCode::OK, "[{backend}] {}", page.body);
        assert!(page.body.contains("id=\"current_password\""), "[{backend}]");
        assert!(
            page.body.contains("href=\"/tai-khoan\""),
            "the header links to it"
        );
        assert_eq!(
            page.body.matches("class=\"current-session\"").count(),
            1,
            "[{backend}] the session in use is marked"
        );
        let csrf = page.csrf();
        let change = |current: &'static str, new: &'static str, again: &'static str| {
            [
                ("csrf", csrf.clone()),
                ("current_password", current.to_string()),
                ("password", new.to_string()),
                ("password_again", again.to_string()),
            ]
        };
        for (form, says) in [
            (
                change(
                    "sai rồi đấy nhé",
                    "một mật khẩu mới hẳn",
                    "một mật khẩu mới hẳn",
                ),
                "Mật khẩu hiện tại không đúng",
            ),
            (
                change(PASSWORD, "một mật khẩu mới hẳn", "một mật khẩu khác hẳn"),
                "không giống nhau",
            ),
            (
                change(PASSWORD, "qwerty123456", "qwerty123456"),
                "10.000 mật khẩu phổ biến",
            ),
            (change(PASSWORD, "ngắn quá", "ngắn quá"), "ít nhất 12 ký tự"),
        ] {
            let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let a = c.post("/tai-khoan/mat-khau", &pairs).await;
            assert_eq!(
                a.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "[{backend}] {says}"
            );
            assert!(a.body.contains(says), "[{backend}] {says}: {}", a.body);
        }
        let form = change(PASSWORD, "một mật khẩu mới hẳn", "một mật khẩu mới hẳn");
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let a = c.post("/tai-khoan/mat-khau", &pairs).await;
        assert_eq!(a.status, StatusCode::OK, "[{backend}] {}", a.body);
        assert!(a.body.contains("Đã đổi mật khẩu"), "[{backend}]");
        assert_eq!(
            c.get("/viec-cua-toi").await.status,
            StatusCode::OK,
            "[{backend}] still signed in"
        );
        let mut again = Client::new(&service);
        assert_eq!(
            again.sign_in("bo.yte", PASSWORD).await.status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            again.sign_in("bo.yte", "một mật khẩu mới hẳn").await.status,
            StatusCode::SEE_OTHER
        );
    }
}

#[tokio::test]
async fn after_a_reset_every_page_leads_to_choosing_a_new_password() {
    for (backend, service) in services().await {
        user(&service, "bo.yte", "focal", Some("Bộ Y tế")).await;
        let office = service.system_actor();
        service
            .reset_password(&office, "bo.yte", "mật khẩu tạm thời")
            .await
            .unwrap();
        let mut c = Client::new(&service);
        assert_eq!(
            c.sign_in("bo.yte", "mật khẩu tạm thời").await.status,
            StatusCode::SEE_OTHER
        );
        let tasks = c.get("/nhiem-vu").await;
        assert_eq!(tasks.status, StatusCode::SEE_OTHER, "[{backend}]");
        assert_eq!(tasks.location(), "/tai-khoan");
        let page = c.get("/tai-khoan").await;
        assert!(page.body.contains("id=\"must-change\""), "[{backend}]");
        let csrf = page.csrf();
        let a = c
            .post(
                "/tai-khoan/mat-khau",
                &[
                    ("csrf", &csrf),
                    ("current_password", "mật khẩu tạm thời"),
                    ("password", "mật khẩu riêng của tôi"),
                    ("password_again", "mật khẩu riêng của tôi"),
                ],
            )
            .await;
        assert_eq!(a.status, StatusCode::OK, "[{backend}] {}", a.body);
        assert!(!a.body.contains("id=\"must-change\""), "[{backend}]");
        assert_eq!(
            c.get("/nhiem-vu").await.status,
            StatusCode::OK,
            "[{backend}]"
        );
    }
}

#[tokio::test]
async fn the_office_makes_and_revokes_api_tokens_and_sets_the_policy_in_the_pages() {
    for (backend, service) in services().await {
        let mut office = signed_in(&service, "vanphong", "admin", None).await;
        let mut focal = signed_in(&service, "bo.yte", "focal", Some("Bộ Y tế")).await;
        // A focal point sees no form to make one, and a forged post is refused.
        let page = focal.get("/tai-khoan").await;
        assert!(
            !page.body.contains("action=\"/tai-khoan/khoa\""),
            "[{backend}]"
        );
        let csrf = page.csrf();
        let a = focal
            .post(
                "/tai-khoan/khoa",
                &[("csrf", &csrf), ("label", "x"), ("days", "10")],
            )
            .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "[{backend}] {}", a.body);

        let page = office.get("/tai-khoan").await;
        let csrf = page.csrf();
        let a = office
            .post(
                "/tai-khoan/khoa",
                &[("csrf", &csrf), ("label", "LGSP tỉnh"), ("days", "30")],
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "[{backend}] {}", a.body);
        let start = a
            .body
            .find("id=\"new-token\">")
            .expect("the token is shown")
            + 15;
        let token = &a.body[start..start + 64];
        assert!(service.authenticate(token).await.is_ok(), "[{backend}]");
        assert!(a.body.contains("LGSP tỉnh"));
        let id = service
            .list_tokens(&service.system_actor(), None, false)
            .await
            .unwrap()[0]
            .id;
        let a = office
            .post(&format!("/tai-khoan/khoa/{id}/thu-hoi"), &[("csrf", &csrf)])
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "[{backend}] {}", a.body);
        assert!(
            service.authenticate(token).await.is_err(),
            "[{backend}] revoked"
        );

        let a = office
            .post(
                "/tai-khoan/chinh-sach-khoa",
                &[
                    ("csrf", &csrf),
                    ("role_admin", "1"),
                    ("role_focal", "1"),
                    ("max_days", "30"),
                ],
            )
            .await;
        assert_eq!(a.status, StatusCode::OK, "[{backend}] {}", a.body);
        let page = focal.get("/tai-khoan").await;
        assert!(
            page.body.contains("action=\"/tai-khoan/khoa\""),
            "[{backend}] now allowed"
        );
    }
}

#[tokio::test]
async fn the_sign_in_page_answers_429_with_retry_after_when_guessing() {
    for (backend, service) in services().await {
        user(&service, "vanphong", "admin", None).await;
        let mut c = Client::new(&service);
        for _ in 0..5 {
            assert_eq!(
                c.sign_in("vanphong", "sai mật khẩu").await.status,
                StatusCode::UNAUTHORIZED
            );
        }
        let a = c.sign_in("vanphong", PASSWORD).await;
        assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS, "[{backend}]");
        assert!(a.headers.contains_key("retry-after"), "[{backend}]");
        assert!(a.body.contains("Hãy thử lại sau"), "[{backend}] {}", a.body);
    }
}
