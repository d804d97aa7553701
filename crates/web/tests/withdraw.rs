//! Withdrawing from the assignment page (issue 14 item 4), on both backends: the
//! author sees the button on a report waiting for review and on a request not
//! decided yet, withdraws them, and the page and the history say so in words.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;

#[tokio::test]
async fn the_author_withdraws_a_report_and_a_request_from_the_page() {
    for (backend, service) in services().await {
        let system = service.system_actor();
        let doc: tiendo_service::input::DocumentInput = serde_json::from_value(json!({
            "number": "51/TB-RL", "kind": "Thông báo", "title": "Kết luận",
            "issued_on": "2025-06-01", "issuer": "Văn phòng Chính phủ"
        }))
        .unwrap();
        let doc = service.create_document(&system, &doc).await.expect("doc");
        let task: tiendo_service::input::TaskInput = serde_json::from_value(json!({
            "document_id": doc.id, "text": "Số hóa hồ sơ bệnh án", "lead": ["Bộ Y tế"],
            "deadline": {"kind": "date", "due": "2030-06-30"}
        }))
        .unwrap();
        let task = service.create_task(&system, &task).await.expect("task");
        let mut focal = signed_in(&service, "daumoi.byt", "focal", Some("Bộ Y tế")).await;
        let author = service.actor_named("daumoi.byt").await.expect("actor");
        let a = assignments_of(&service, task.id).await[0].id;
        let input: tiendo_service::input::ReportInput = serde_json::from_value(json!({
            "assignment_id": a, "narrative": "Đã hoàn thành", "claims_completion": true, "completed_on": "2025-12-01"
        }))
        .unwrap();
        let r = service
            .create_report(&author, &input)
            .await
            .expect("report");
        let x: tiendo_service::input::ExtensionInput = serde_json::from_value(json!({
            "assignment_id": a, "deadline": {"kind": "date", "due": "2031-06-30"}, "reason": "Chờ kinh phí"
        }))
        .unwrap();
        let x = service
            .request_extension(&author, &x)
            .await
            .expect("extension");

        let page = focal.get(&format!("/phan-cong/{a}")).await;
        assert!(
            page.body
                .contains(&format!("action=\"/bao-cao/{}/rut-lai\"", r.id))
                && page
                    .body
                    .contains(&format!("action=\"/gia-han/{}/rut-lai\"", x.id)),
            "[{backend}] the author may withdraw both: {}",
            page.body
        );
        let csrf = page.csrf();
        let done = focal
            .post(&format!("/bao-cao/{}/rut-lai", r.id), &[("csrf", &csrf)])
            .await;
        assert_eq!(
            done.status,
            StatusCode::SEE_OTHER,
            "[{backend}] {}",
            done.body
        );
        let done = focal
            .post(&format!("/gia-han/{}/rut-lai", x.id), &[("csrf", &csrf)])
            .await;
        assert_eq!(
            done.status,
            StatusCode::SEE_OTHER,
            "[{backend}] {}",
            done.body
        );
        let page = focal.get(&done.location()).await;
        assert!(
            page.body.contains("Đã rút lại đề nghị gia hạn.")
                && page.body.matches("Đã rút lại</span>").count() == 2,
            "[{backend}] both show as withdrawn: {}",
            page.body
        );
        assert!(
            !page.body.contains("/rut-lai\""),
            "[{backend}] nothing left to withdraw"
        );
        assert!(
            page.body.contains("rút lại báo cáo tiến độ")
                && page.body.contains("rút lại đề nghị gia hạn"),
            "[{backend}] the history says it in words: {}",
            page.body
        );
        // Again: the error page says why, in Vietnamese.
        let again = focal
            .post(&format!("/bao-cao/{}/rut-lai", r.id), &[("csrf", &csrf)])
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT, "[{backend}]");
        assert!(
            again.body.contains("không còn chờ duyệt"),
            "[{backend}] {}",
            again.body
        );
    }
}
