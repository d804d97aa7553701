//! Notifications in the pages (issue 13): the bell with its unread count, the
//! notifications page (open, mark read, one's email), and for the office the
//! delivery log and the rules and webhooks; a focal point cannot reach those.

mod common;

use axum::http::StatusCode;
use chrono::Duration;
use common::*;
use tiendo_core::time::{format_date_vi, now_micros, today};
use tiendo_service::Service;

/// A task for Bộ Y tế due in 7 days, made by the system, and the 7-day reminder
/// as the only rule (what the pages show then does not depend on the weekday).
async fn task_due_in_a_week(service: &Service) {
    let system = service.system_actor();
    let seven = "[[rule]]\nname = \"Nhắc trước hạn 7 ngày\"\nwhen = \"before_deadline\"\ndays = 7\nto = [\"focal\"]\nchannels = [\"in_app\"]\n";
    service
        .save_notify_rules(&system, seven)
        .await
        .expect("rules");
    let doc: tiendo_service::input::DocumentInput =
        serde_json::from_value(serde_json::json!({"number": "9/TB-WEB", "kind": "Thông báo", "title": "Kết luận", "issued_on": "2025-11-16"})).unwrap();
    let doc = service
        .create_document(&system, &doc)
        .await
        .expect("document");
    let task: tiendo_service::input::TaskInput = serde_json::from_value(serde_json::json!({
        "document_id": doc.id, "text": "Số hóa hồ sơ sức khỏe điện tử", "lead": ["Bộ Y tế"],
        "deadline": {"kind": "date", "due": today() + Duration::days(7)},
    }))
    .unwrap();
    service.create_task(&system, &task).await.expect("task");
}

#[tokio::test]
async fn the_bell_counts_unread_notices_and_the_page_reads_them() {
    for (backend, service) in services().await {
        let mut focal = signed_in(&service, "bo.yte", "focal", Some("Bộ Y tế")).await;
        let page = focal.get("/thong-bao").await;
        assert_eq!(page.status, StatusCode::OK, "[{backend}]");
        assert!(
            page.body.contains("id=\"no-notices\""),
            "[{backend}] an empty page says so"
        );
        assert!(
            !page.body.contains("id=\"unread-count\""),
            "[{backend}] no number on the bell"
        );

        task_due_in_a_week(&service).await;
        service.notify_tick(now_micros()).await.expect("tick");
        let home = focal.get("/viec-cua-toi").await;
        assert!(
            home.body.contains("href=\"/thong-bao\""),
            "[{backend}] the bell is in the header"
        );
        let count = attr_after(&home.body, "id=\"unread-count\"", "id").map(|_| ());
        assert!(
            count.is_some() && home.body.contains("id=\"unread-count\">1<"),
            "[{backend}] {}",
            home.body
        );

        let page = focal.get("/thong-bao").await;
        let subject = format!(
            "Nhắc hạn: 1 nhiệm vụ của Bộ Y tế đến hạn ngày {}",
            format_date_vi(today() + Duration::days(7))
        );
        assert!(page.body.contains(&subject), "[{backend}] {}", page.body);
        assert!(
            page.body.contains("Số hóa hồ sơ sức khỏe điện tử"),
            "[{backend}] the task is listed"
        );

        // Opening it leads to the assignment and marks it read.
        let id: String = page
            .body
            .split("/thong-bao/")
            .skip(1)
            .map(|s| {
                s.chars()
                    .take_while(char::is_ascii_digit)
                    .collect::<String>()
            })
            .find(|d| !d.is_empty())
            .expect("a notice link");
        let open = focal.get(&format!("/thong-bao/{id}/mo")).await;
        assert_eq!(open.status, StatusCode::SEE_OTHER, "[{backend}]");
        assert!(
            open.location().starts_with("/phan-cong/"),
            "[{backend}] {}",
            open.location()
        );
        assert!(
            !focal
                .get("/thong-bao")
                .await
                .body
                .contains("id=\"unread-count\""),
            "[{backend}] read now"
        );

        // Another user's notice does not open.
        let mut other = signed_in(&service, "bo.tc", "focal", Some("Bộ Tài chính")).await;
        assert_eq!(
            other.get(&format!("/thong-bao/{id}/mo")).await.status,
            StatusCode::NOT_FOUND,
            "[{backend}]"
        );

        // One's email: a slip is refused next to the field, typed text kept.
        let csrf = focal.get("/thong-bao").await.csrf();
        let bad = focal
            .post(
                "/thong-bao/cai-dat",
                &[
                    ("csrf", &csrf),
                    ("email", "bo yte@moh"),
                    ("notify_email", "1"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "[{backend}]");
        assert!(
            bad.body.contains("id=\"settings-error\"") && bad.body.contains("value=\"bo yte@moh\""),
            "[{backend}] {}",
            bad.body
        );
        let ok = focal
            .post(
                "/thong-bao/cai-dat",
                &[("csrf", &csrf), ("email", "daumoi@moh.gov.vn")],
            )
            .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "[{backend}] {}", ok.body);
        let user = service
            .store
            .list_users(1, 100, None)
            .await
            .unwrap()
            .0
            .into_iter()
            .find(|u| u.username == "bo.yte")
            .unwrap();
        assert_eq!(
            (user.email.as_deref(), user.notify_email),
            (Some("daumoi@moh.gov.vn"), false),
            "[{backend}] unchecked box: no email"
        );

        // The office's pages are the office's.
        assert_eq!(
            focal.get("/thong-bao/nhat-ky").await.status,
            StatusCode::FORBIDDEN,
            "[{backend}]"
        );
        assert_eq!(
            focal.get("/thong-bao/quy-tac").await.status,
            StatusCode::FORBIDDEN,
            "[{backend}]"
        );
    }
}

#[tokio::test]
async fn the_office_reads_the_log_edits_the_rules_and_adds_a_webhook() {
    for (backend, service) in services().await {
        let mut office = signed_in(&service, "vanphong", "admin", None).await;
        user(&service, "bo.yte", "focal", Some("Bộ Y tế")).await;
        task_due_in_a_week(&service).await;
        service.notify_tick(now_micros()).await.expect("tick");
        let log = office.get("/thong-bao/nhat-ky").await;
        assert_eq!(log.status, StatusCode::OK, "[{backend}]");
        assert!(
            log.body.contains("id=\"notice-log\"")
                && log.body.contains("Nhắc hạn: 1 nhiệm vụ của Bộ Y tế"),
            "[{backend}] {}",
            log.body
        );
        assert!(
            log.body.contains("Đã gửi"),
            "[{backend}] its state in words"
        );

        let rules = office.get("/thong-bao/quy-tac").await;
        assert_eq!(rules.status, StatusCode::OK, "[{backend}]");
        assert!(
            rules.body.contains("before_deadline"),
            "[{backend}] the rules' text"
        );
        let csrf = rules.csrf();
        let bad = office
            .post(
                "/thong-bao/quy-tac",
                &[
                    ("csrf", &csrf),
                    ("rules", "[[rule]]\nname = \"x\"\nwhen = \"soon\"\n"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "[{backend}]");
        assert!(
            bad.body.contains("id=\"rules-error\"") && bad.body.contains("line 3"),
            "[{backend}] {}",
            bad.body
        );
        assert!(
            bad.body.contains("soon&#34;") || bad.body.contains("soon&quot;"),
            "[{backend}] the typed text is kept"
        );
        let good = "[[rule]]\nname = \"Nhắc 3 ngày\"\nwhen = \"before_deadline\"\ndays = 3\nto = [\"focal\"]\nchannels = [\"in_app\"]\n";
        let saved = office
            .post("/thong-bao/quy-tac", &[("csrf", &csrf), ("rules", good)])
            .await;
        assert_eq!(
            saved.status,
            StatusCode::SEE_OTHER,
            "[{backend}] {}",
            saved.body
        );
        assert_eq!(
            service.notify_rules().await.unwrap().version,
            2,
            "[{backend}]"
        );

        let added = office
            .post(
                "/thong-bao/webhook",
                &[
                    ("csrf", &csrf),
                    ("url", "https://lgsp.example.gov.vn/tiendo"),
                    ("description", "LGSP"),
                ],
            )
            .await;
        assert_eq!(added.status, StatusCode::OK, "[{backend}] {}", added.body);
        assert!(
            added.body.contains("id=\"webhook-secret\""),
            "[{backend}] the secret shown once"
        );
        let again = office.get("/thong-bao/quy-tac").await;
        assert!(
            again.body.contains("lgsp.example.gov.vn")
                && !again.body.contains("id=\"webhook-secret\""),
            "[{backend}]"
        );
        let bad = office
            .post("/thong-bao/webhook", &[("csrf", &csrf), ("url", "ftp://x")])
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "[{backend}]");
    }
}

#[tokio::test]
async fn the_assignment_page_holds_its_comment_thread() {
    for (backend, service) in services().await {
        let mut focal = signed_in(&service, "bo.yte", "focal", Some("Bộ Y tế")).await;
        let mut office = signed_in(&service, "vanphong", "admin", None).await;
        let mut viewer = signed_in(&service, "lanhdao", "viewer", None).await;
        task_due_in_a_week(&service).await;
        let filter = tiendo_store::AssignmentFilter {
            task_id: None,
            agency_id: None,
            document_id: None,
            status: None,
            as_of: today(),
            due_soon_days: 7,
            confined_to: None,
            page: 1,
            per_page: 10,
        };
        let id = service.store.list_assignments(&filter).await.unwrap().0[0].id;
        let path = format!("/phan-cong/{id}");

        let page = focal.get(&path).await;
        assert!(
            page.body.contains("id=\"trao-doi\"") && page.body.contains("id=\"comment-body\""),
            "[{backend}] the focal point may write"
        );
        let csrf = page.csrf();
        let sent = focal
            .post(
                &format!("{path}/y-kien"),
                &[
                    ("csrf", &csrf),
                    ("body", "Xin gia hạn <b>một</b> tuần vì chờ số liệu."),
                ],
            )
            .await;
        assert_eq!(
            sent.status,
            StatusCode::SEE_OTHER,
            "[{backend}] {}",
            sent.body
        );
        assert!(sent.location().ends_with("#trao-doi"), "[{backend}]");
        let empty = focal
            .post(
                &format!("{path}/y-kien"),
                &[("csrf", &csrf), ("body", "  ")],
            )
            .await;
        assert_eq!(
            empty.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{backend}]"
        );
        assert!(
            empty.body.contains("id=\"comment-error\""),
            "[{backend}] said beside the form"
        );

        let seen = office.get(&path).await;
        assert!(
            seen.body
                .contains("Xin gia hạn &#60;b&#62;một&#60;/b&#62; tuần"),
            "[{backend}] escaped: {}",
            seen.body.split("trao-doi").nth(1).unwrap_or("")
        );
        assert!(
            seen.body.contains("Bộ Y tế"),
            "[{backend}] the author's agency"
        );
        let read_only = viewer.get(&path).await;
        assert!(
            read_only.body.contains("Xin gia hạn")
                && !read_only.body.contains("id=\"comment-body\""),
            "[{backend}] a viewer reads only"
        );
        let csrf = read_only.csrf();
        assert_eq!(
            viewer
                .post(&format!("{path}/y-kien"), &[("csrf", &csrf), ("body", "x")])
                .await
                .status,
            StatusCode::FORBIDDEN,
            "[{backend}]"
        );
    }
}
