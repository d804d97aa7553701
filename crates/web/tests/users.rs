//! The office's user pages (issue 14.4): the list searched without accents, an
//! account made with a one-time password shown once, which signs in; deactivate,
//! reactivate, reset; errors next to their field; a focal point gets 403.

mod common;

use axum::http::StatusCode;
use common::*;
use tiendo_service::Service;

const OFFICE: &str = "vp.thuongtruc";

/// The text of the one-time password on a page, if the page shows one.
fn one_time(body: &str) -> Option<String> {
    let at = body.find("id=\"one-time-password\">")? + "id=\"one-time-password\">".len();
    let end = at + body[at..].find("</code>")?;
    Some(unescape(&body[at..end]))
}

/// The account's id, from the action of its page's reset form.
fn account_id(body: &str) -> i64 {
    let at = body.find("/mat-khau\"").expect("the reset form");
    let start = body[..at].rfind("/nguoi-dung/").expect("its action") + "/nguoi-dung/".len();
    body[start..at].parse().expect("an id")
}

fn agency_id(service: &Service, name: &str) -> String {
    service
        .resolve_agency("agency", name, None)
        .expect("agency")
        .id
        .to_string()
}

/// The office makes the focal point `bo.yte.daumoi` of Bộ Y tế through the form;
/// the answer to the form.
async fn make_focal(service: &Service, office: &mut Client) -> Answer {
    let form = office.get("/nguoi-dung/moi").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let csrf = form.csrf();
    let agency = agency_id(service, "Bộ Y tế");
    office
        .post(
            "/nguoi-dung",
            &[
                ("csrf", &csrf),
                ("username", "bo.yte.daumoi"),
                ("display_name", "Nguyễn Thị Đào"),
                ("role", "focal"),
                ("agency", &agency),
                ("email", "dao.nt@moh.gov.vn"),
            ],
        )
        .await
}

#[tokio::test]
async fn the_office_makes_a_focal_point_whose_one_time_password_is_shown_once_and_signs_in() {
    for (backend, service) in services().await {
        let mut office = signed_in(&service, OFFICE, "admin", None).await;
        let list = office.get("/nguoi-dung").await;
        assert_eq!(list.status, StatusCode::OK, "[{backend}] {}", list.body);
        assert!(
            list.body.contains("id=\"nav-users\""),
            "[{backend}] in the office's menu"
        );
        assert!(
            list.body.contains("class=\"table-wrap\""),
            "[{backend}] the table is wrapped for phones"
        );

        let made = make_focal(&service, &mut office).await;
        assert_eq!(made.status, StatusCode::OK, "[{backend}] {}", made.body);
        assert_eq!(
            made.headers
                .get("cache-control")
                .and_then(|v| v.to_str().ok()),
            Some("no-store"),
            "[{backend}] the password is not kept by the browser"
        );
        let password = one_time(&made.body).expect("the one-time password is shown");
        assert_eq!(password.chars().count(), 23, "[{backend}] {password}");
        let id = account_id(&made.body);

        // Shown once: not on the account's page, nor in the list; stored hashed.
        let page = office.get(&format!("/nguoi-dung/{id}")).await;
        assert_eq!(page.status, StatusCode::OK, "[{backend}]");
        assert!(one_time(&page.body).is_none(), "[{backend}]");
        assert!(!page.body.contains(&password), "[{backend}]");
        assert!(
            page.body
                .contains("tạo tài khoản bo.yte.daumoi, vai trò Đầu mối, thuộc Bộ Y tế"),
            "[{backend}] the history in words: {}",
            page.body
        );
        let list = office.get("/nguoi-dung").await;
        assert!(!list.body.contains(&password), "[{backend}]");
        let creds = service
            .store
            .user_credentials("bo.yte.daumoi")
            .await
            .unwrap()
            .expect("stored");
        assert!(
            !creds.password_hash.contains(&password) && creds.password_hash.starts_with("$argon2"),
            "[{backend}] only the hash is kept"
        );

        // The list: the role in words, the agency, searched without accents.
        let found = office.get("/nguoi-dung?q=dao").await;
        assert!(found.body.contains("bo.yte.daumoi"), "[{backend}]");
        assert!(found.body.contains("Nguyễn Thị Đào"), "[{backend}]");
        assert!(found.body.contains(">Đầu mối<"), "[{backend}]");
        assert!(found.body.contains(">Bộ Y tế<"), "[{backend}]");
        assert!(
            !found.body.contains(&format!(">{OFFICE}<")),
            "[{backend}] the office does not match “dao”"
        );
        let none = office.get("/nguoi-dung?q=khong+co+ai").await;
        assert!(none.body.contains("id=\"no-users\""), "[{backend}]");
        assert!(!none.body.contains("bo.yte.daumoi<"), "[{backend}]");

        // The new user signs in with it, and must choose their own first.
        let mut user = Client::new(&service);
        let signed = user.sign_in("bo.yte.daumoi", &password).await;
        assert_eq!(
            signed.status,
            StatusCode::SEE_OTHER,
            "[{backend}] {}",
            signed.body
        );
        let tasks = user.get("/nhiem-vu").await;
        assert_eq!(tasks.location(), "/tai-khoan", "[{backend}]");
    }
}

#[tokio::test]
async fn a_deactivated_user_cannot_sign_in_and_a_reset_gives_a_new_one_time_password() {
    for (backend, service) in services().await {
        let mut office = signed_in(&service, OFFICE, "admin", None).await;
        let made = make_focal(&service, &mut office).await;
        let first = one_time(&made.body).expect("password");
        let id = account_id(&made.body);
        let mut user = Client::new(&service);
        assert_eq!(
            user.sign_in("bo.yte.daumoi", &first).await.status,
            StatusCode::SEE_OTHER,
            "[{backend}]"
        );

        // Deactivated: signed out, and signing in fails.
        let csrf = office.get(&format!("/nguoi-dung/{id}")).await.csrf();
        let off = office
            .post(
                &format!("/nguoi-dung/{id}/trang-thai"),
                &[("csrf", &csrf), ("active", "0")],
            )
            .await;
        assert_eq!(
            off.status,
            StatusCode::SEE_OTHER,
            "[{backend}] {}",
            off.body
        );
        let page = office.get(&off.location()).await;
        assert!(
            page.body.contains("id=\"user-state\">Đã khóa"),
            "[{backend}] {}",
            page.body
        );
        assert!(page.body.contains("khóa tài khoản"), "[{backend}] history");
        let after = user.get("/nhiem-vu").await;
        assert!(
            after.location().starts_with("/dang-nhap"),
            "[{backend}] the session ended: {}",
            after.location()
        );
        let mut again = Client::new(&service);
        let refused = again.sign_in("bo.yte.daumoi", &first).await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "[{backend}]");

        // Reactivated: signing in works again.
        let on = office
            .post(
                &format!("/nguoi-dung/{id}/trang-thai"),
                &[("csrf", &csrf), ("active", "1")],
            )
            .await;
        assert_eq!(on.status, StatusCode::SEE_OTHER, "[{backend}]");
        assert_eq!(
            Client::new(&service)
                .sign_in("bo.yte.daumoi", &first)
                .await
                .status,
            StatusCode::SEE_OTHER,
            "[{backend}]"
        );

        // Reset: a new one-time password, once; the old one no longer works.
        let reset = office
            .post(&format!("/nguoi-dung/{id}/mat-khau"), &[("csrf", &csrf)])
            .await;
        assert_eq!(reset.status, StatusCode::OK, "[{backend}] {}", reset.body);
        let second = one_time(&reset.body).expect("a new password");
        assert_ne!(second, first, "[{backend}]");
        assert!(
            reset
                .body
                .contains("đặt lại mật khẩu (phải đổi khi đăng nhập)"),
            "[{backend}] history"
        );
        assert_eq!(
            Client::new(&service)
                .sign_in("bo.yte.daumoi", &first)
                .await
                .status,
            StatusCode::UNAUTHORIZED,
            "[{backend}]"
        );
        let mut fresh = Client::new(&service);
        assert_eq!(
            fresh.sign_in("bo.yte.daumoi", &second).await.status,
            StatusCode::SEE_OTHER,
            "[{backend}]"
        );
        assert_eq!(fresh.get("/nhiem-vu").await.location(), "/tai-khoan");
        assert!(
            one_time(&office.get(&format!("/nguoi-dung/{id}")).await.body).is_none(),
            "[{backend}] shown once"
        );
    }
}

#[tokio::test]
async fn a_focal_point_and_a_viewer_get_403_for_the_pages_and_the_forms() {
    for (backend, service) in services().await {
        let mut office = signed_in(&service, OFFICE, "admin", None).await;
        let made = make_focal(&service, &mut office).await;
        let target = account_id(&made.body);
        let mut focal = signed_in(&service, "bo.tc", "focal", Some("Bộ Tài chính")).await;
        let own = service.actor_named("bo.tc").await.unwrap().user_id;
        let home = focal.get("/nhiem-vu").await;
        assert!(
            !home.body.contains("href=\"/nguoi-dung\""),
            "[{backend}] not in a focal point's menu"
        );
        let csrf = home.csrf();
        for path in [
            "/nguoi-dung".to_string(),
            "/nguoi-dung/moi".into(),
            format!("/nguoi-dung/{target}"),
            format!("/nguoi-dung/{own}"),
        ] {
            assert_eq!(
                focal.get(&path).await.status,
                StatusCode::FORBIDDEN,
                "[{backend}] GET {path}"
            );
        }
        let agency = agency_id(&service, "Bộ Tài chính");
        let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
            (
                "/nguoi-dung".into(),
                vec![("username", "ke.mao.danh"), ("role", "admin")],
            ),
            (
                format!("/nguoi-dung/{target}"),
                vec![("role", "viewer"), ("display_name", "Đổi tên")],
            ),
            (
                format!("/nguoi-dung/{own}"),
                vec![("role", "admin"), ("agency", &agency), ("display_name", "")],
            ),
            (
                format!("/nguoi-dung/{target}/trang-thai"),
                vec![("active", "0")],
            ),
            (format!("/nguoi-dung/{target}/mat-khau"), vec![]),
            (format!("/nguoi-dung/{own}/mat-khau"), vec![]),
        ];
        for (path, fields) in posts {
            let mut form = vec![("csrf", csrf.as_str())];
            form.extend(fields);
            let a = focal.post(&path, &form).await;
            assert_eq!(a.status, StatusCode::FORBIDDEN, "[{backend}] POST {path}");
            assert!(one_time(&a.body).is_none(), "[{backend}] {path}");
        }
        // Nothing changed.
        let office_actor = service.actor_named(OFFICE).await.unwrap();
        assert!(
            service
                .store
                .user_credentials("ke.mao.danh")
                .await
                .unwrap()
                .is_none(),
            "[{backend}]"
        );
        let t = service.get_user(&office_actor, target).await.unwrap();
        assert!(t.active && t.role == "focal", "[{backend}]");
        assert_eq!(
            service.actor_named("bo.tc").await.unwrap().role.as_str(),
            "focal"
        );

        let mut viewer = signed_in(&service, "lanh.dao", "viewer", None).await;
        assert_eq!(
            viewer.get("/nguoi-dung").await.status,
            StatusCode::FORBIDDEN,
            "[{backend}]"
        );
    }
}

#[tokio::test]
async fn form_errors_are_said_next_to_their_field_with_the_values_kept() {
    for (backend, service) in services().await {
        let mut office = signed_in(&service, OFFICE, "admin", None).await;
        let made = make_focal(&service, &mut office).await;
        let id = account_id(&made.body);
        let csrf = office.get("/nguoi-dung/moi").await.csrf();
        let agency = agency_id(&service, "Bộ Y tế");

        // The same username, whatever its case: 409.
        let dup = office
            .post(
                "/nguoi-dung",
                &[
                    ("csrf", &csrf),
                    ("username", "BO.YTE.DAUMOI"),
                    ("display_name", "Trần Văn Bình"),
                    ("role", "focal"),
                    ("agency", &agency),
                    ("email", ""),
                ],
            )
            .await;
        assert_eq!(dup.status, StatusCode::CONFLICT, "[{backend}] {}", dup.body);
        assert!(
            dup.body
                .contains("id=\"username-error\">Tên đăng nhập này đã có người dùng"),
            "[{backend}] {}",
            dup.body
        );
        assert!(
            dup.body.contains("value=\"BO.YTE.DAUMOI\""),
            "[{backend}] kept"
        );
        assert!(
            dup.body.contains("value=\"Trần Văn Bình\""),
            "[{backend}] kept"
        );
        assert!(
            dup.body
                .contains(&format!("<option value=\"{agency}\" selected>")),
            "[{backend}] the agency kept"
        );
        assert!(one_time(&dup.body).is_none(), "[{backend}]");

        // A focal point without an agency, a bad email: 400.
        let no_agency = office
            .post(
                "/nguoi-dung",
                &[
                    ("csrf", &csrf),
                    ("username", "so.yte.hn"),
                    ("role", "focal"),
                    ("agency", ""),
                ],
            )
            .await;
        assert_eq!(no_agency.status, StatusCode::BAD_REQUEST, "[{backend}]");
        assert!(
            no_agency
                .body
                .contains("id=\"agency-error\">Đầu mối phải thuộc một cơ quan"),
            "[{backend}] {}",
            no_agency.body
        );
        assert!(
            no_agency.body.contains("value=\"so.yte.hn\""),
            "[{backend}]"
        );
        let bad_email = office
            .post(
                "/nguoi-dung",
                &[
                    ("csrf", &csrf),
                    ("username", "lanh.dao.2"),
                    ("role", "viewer"),
                    ("email", "lanh dao@vpcp"),
                ],
            )
            .await;
        assert_eq!(bad_email.status, StatusCode::BAD_REQUEST, "[{backend}]");
        assert!(
            bad_email
                .body
                .contains("id=\"email-error\">Địa chỉ email không hợp lệ"),
            "[{backend}] {}",
            bad_email.body
        );
        assert!(
            bad_email.body.contains("value=\"lanh dao@vpcp\""),
            "[{backend}]"
        );
        for name in ["so.yte.hn", "lanh.dao.2"] {
            assert!(
                service
                    .store
                    .user_credentials(name)
                    .await
                    .unwrap()
                    .is_none(),
                "[{backend}] {name} not made"
            );
        }

        // On the account's page: taking a focal point's agency away is refused;
        // changing the email and name is saved, in the history, and does not
        // sign the user out.
        let password = one_time(&made.body).unwrap();
        let mut user = Client::new(&service);
        user.sign_in("bo.yte.daumoi", &password).await;
        let away = office
            .post(
                &format!("/nguoi-dung/{id}"),
                &[
                    ("csrf", &csrf),
                    ("display_name", "Nguyễn Thị Đào"),
                    ("role", "focal"),
                    ("agency", ""),
                    ("email", "dao.nt@moh.gov.vn"),
                ],
            )
            .await;
        assert_eq!(away.status, StatusCode::BAD_REQUEST, "[{backend}]");
        assert!(
            away.body
                .contains("id=\"agency-error\">Đầu mối phải thuộc một cơ quan"),
            "[{backend}] {}",
            away.body
        );
        let saved = office
            .post(
                &format!("/nguoi-dung/{id}"),
                &[
                    ("csrf", &csrf),
                    ("display_name", "Nguyễn Thị Hồng Đào"),
                    ("role", "focal"),
                    ("agency", &agency),
                    ("email", "dao.nth@moh.gov.vn"),
                ],
            )
            .await;
        assert_eq!(
            saved.status,
            StatusCode::SEE_OTHER,
            "[{backend}] {}",
            saved.body
        );
        let page = office.get(&saved.location()).await;
        assert!(
            page.body.contains("value=\"dao.nth@moh.gov.vn\""),
            "[{backend}]"
        );
        assert!(
            page.body
                .contains("đổi email từ dao.nt@moh.gov.vn thành dao.nth@moh.gov.vn"),
            "[{backend}] {}",
            page.body
        );
        assert_eq!(
            user.get("/tai-khoan").await.status,
            StatusCode::OK,
            "[{backend}] still signed in"
        );
    }
}
