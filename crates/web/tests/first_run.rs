//! The first run, through the whole router on SQLite and (when configured)
//! PostgreSQL: the sign-in page says where the first accounts are while none
//! exists; the one-time setup link makes the first administrator and signs them
//! in, once; the demo accounts sign in with the passwords made for them.

mod common;

use axum::http::StatusCode;
use common::{Client, services};
use tiendo_service::ServiceError;

#[tokio::test]
async fn the_setup_link_makes_the_first_administrator_once() {
    for (backend, service) in services().await {
        assert!(!service.has_accounts().await.unwrap(), "[{backend}]");
        assert!(!service.setup_pending());
        let secret = service
            .begin_setup()
            .await
            .unwrap()
            .expect("a setup secret while no account exists");
        assert_eq!(secret.len(), 48);
        assert!(service.setup_pending());

        // The sign-in page says where the first accounts are.
        let mut c = Client::new(&service);
        let login = c.get("/dang-nhap").await;
        assert_eq!(login.status, StatusCode::OK);
        assert!(login.body.contains("id=\"first-run\""), "[{backend}]");
        assert!(login.body.contains("tiendo serve"));

        // A wrong or missing secret: refused, no form.
        for path in ["/thiet-lap?ma=00", "/thiet-lap"] {
            let bad = c.get(path).await;
            assert_eq!(bad.status, StatusCode::FORBIDDEN, "[{backend}] {path}");
            assert!(bad.body.contains("id=\"setup-invalid\""));
            assert!(!bad.body.contains("name=\"password\""));
        }

        // The right one: the form; a mismatch and a short password are shown on it
        // and leave the link usable.
        let page = c.get(&format!("/thiet-lap?ma={secret}")).await;
        assert_eq!(page.status, StatusCode::OK, "[{backend}]");
        let csrf = page.csrf();
        assert!(!csrf.is_empty());
        let mismatch = c
            .post(
                "/thiet-lap",
                &[
                    ("csrf", &csrf),
                    ("ma", &secret),
                    ("username", "vanphong"),
                    ("password", "một mật khẩu dài đủ"),
                    ("password2", "khác hẳn"),
                ],
            )
            .await;
        assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(mismatch.body.contains("Hai mật khẩu không giống nhau"));
        assert!(
            mismatch.body.contains("value=\"vanphong\""),
            "the name is kept"
        );
        let short = c
            .post(
                "/thiet-lap",
                &[
                    ("csrf", &csrf),
                    ("ma", &secret),
                    ("username", "vanphong"),
                    ("password", "ngắn"),
                    ("password2", "ngắn"),
                ],
            )
            .await;
        assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(short.body.contains("id=\"setup-error\""));
        assert!(service.setup_secret_valid(&secret), "still usable");
        assert!(!service.has_accounts().await.unwrap());

        // Without the form's own value: refused.
        let forged = c
            .post(
                "/thiet-lap",
                &[
                    ("csrf", "0123456789abcdef0123456789abcdef"),
                    ("ma", &secret),
                    ("username", "kexau"),
                    ("password", "một mật khẩu dài đủ"),
                    ("password2", "một mật khẩu dài đủ"),
                ],
            )
            .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        assert!(!service.has_accounts().await.unwrap());

        // Made: signed in as the new administrator, on the dashboard.
        let made = c
            .post(
                "/thiet-lap",
                &[
                    ("csrf", &csrf),
                    ("ma", &secret),
                    ("username", "vanphong"),
                    ("display_name", "Văn phòng thường trực"),
                    ("password", "một mật khẩu dài đủ"),
                    ("password2", "một mật khẩu dài đủ"),
                ],
            )
            .await;
        assert_eq!(
            made.status,
            StatusCode::SEE_OTHER,
            "[{backend}] {}",
            made.body
        );
        assert_eq!(made.location(), "/");
        let home = c.get("/").await;
        assert_eq!(home.status, StatusCode::OK, "[{backend}] signed in");
        let (users, _) = service.store.list_users(1, 10, None).await.unwrap();
        let admin = users.iter().find(|u| u.username == "vanphong").unwrap();
        assert_eq!(admin.role, "admin");
        assert_eq!(admin.display_name.as_deref(), Some("Văn phòng thường trực"));

        // Spent: the link no longer works, the sign-in page no longer hints, and a
        // new start offers no link since an account exists.
        assert!(!service.setup_pending());
        let again = Client::new(&service)
            .get(&format!("/thiet-lap?ma={secret}"))
            .await;
        assert_eq!(again.status, StatusCode::FORBIDDEN);
        match service
            .complete_setup(&secret, "thuhai", "một mật khẩu dài đủ", None)
            .await
        {
            Err(ServiceError::Forbidden(_)) => {}
            other => panic!("[{backend}] a spent link made {other:?}"),
        }
        let login = Client::new(&service).get("/dang-nhap").await;
        assert!(!login.body.contains("id=\"first-run\""));
        assert_eq!(service.begin_setup().await.unwrap(), None);
    }
}

#[tokio::test]
async fn demo_accounts_of_each_role_sign_in_with_their_printed_passwords() {
    for (backend, service) in services().await {
        let accounts = service.create_demo_accounts().await.unwrap();
        let roles: Vec<&str> = accounts.iter().map(|a| a.role).collect();
        assert_eq!(roles, ["admin", "focal", "viewer"], "[{backend}]");
        assert!(accounts.iter().all(|a| a.password.chars().count() >= 20));
        assert_ne!(accounts[0].password, accounts[1].password);
        for a in &accounts {
            let mut c = Client::new(&service);
            let answer = c.sign_in(&a.username, &a.password).await;
            assert_eq!(
                answer.status,
                StatusCode::SEE_OTHER,
                "[{backend}] {} signs in",
                a.username
            );
            let landing = if a.role == "focal" {
                "/viec-cua-toi"
            } else {
                "/"
            };
            assert_eq!(answer.location(), landing);
        }
        // Made once: a second start makes none and does not change the passwords.
        assert!(service.create_demo_accounts().await.unwrap().is_empty());
        let mut c = Client::new(&service);
        let answer = c
            .sign_in(&accounts[2].username, &accounts[2].password)
            .await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER);
    }
}
