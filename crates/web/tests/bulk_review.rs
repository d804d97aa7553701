//! Accepting several reports at once in the review queue (issue 14 item 4), on
//! both backends: the ticked reports are accepted together; nothing ticked is
//! said above the list; a focal point cannot.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;

#[tokio::test]
async fn the_office_ticks_reports_and_accepts_them_at_once() {
    for (backend, service) in services().await {
        let system = service.system_actor();
        let doc: tiendo_service::input::DocumentInput = serde_json::from_value(json!({
            "number": "41/TB-DL", "kind": "Thông báo", "title": "Kết luận",
            "issued_on": "2025-06-01", "issuer": "Văn phòng Chính phủ"
        }))
        .unwrap();
        let doc = service.create_document(&system, &doc).await.expect("doc");
        let mut focal = signed_in(&service, "daumoi.byt", "focal", Some("Bộ Y tế")).await;
        let author = service.actor_named("daumoi.byt").await.expect("actor");
        let mut ids = Vec::new();
        for text in ["Số hóa hồ sơ bệnh án", "Kết nối dữ liệu khám bệnh"] {
            let task: tiendo_service::input::TaskInput = serde_json::from_value(json!({
                "document_id": doc.id, "text": text, "lead": ["Bộ Y tế"],
                "deadline": {"kind": "date", "due": "2030-06-30"}
            }))
            .unwrap();
            let task = service.create_task(&system, &task).await.expect("task");
            let a = assignments_of(&service, task.id).await[0].id;
            let input: tiendo_service::input::ReportInput = serde_json::from_value(json!({
                "assignment_id": a, "narrative": "Đã hoàn thành", "claims_completion": true, "completed_on": "2025-12-01"
            }))
            .unwrap();
            ids.push(
                service
                    .create_report(&author, &input)
                    .await
                    .expect("report")
                    .id,
            );
        }
        let mut office = signed_in(&service, "vanphong", "admin", None).await;
        let queue = office.get("/duyet").await;
        for id in &ids {
            assert!(
                queue.body.contains(&format!("id=\"pick-r{id}\"")),
                "[{backend}] each report can be ticked"
            );
        }
        let csrf = queue.csrf();
        let none = office.post("/duyet/chap-nhan", &[("csrf", &csrf)]).await;
        assert!(
            none.body
                .contains("Chưa chấp nhận báo cáo nào: Chưa chọn báo cáo nào."),
            "[{backend}] nothing ticked is said: {}",
            none.body
        );
        let focal_csrf = focal.get("/").await.csrf();
        let denied = focal
            .post(
                "/duyet/chap-nhan",
                &[("csrf", &focal_csrf), ("ids", &ids[0].to_string())],
            )
            .await;
        assert_eq!(denied.status, StatusCode::FORBIDDEN, "[{backend}]");

        let (a, b) = (ids[0].to_string(), ids[1].to_string());
        let done = office
            .post(
                "/duyet/chap-nhan",
                &[("csrf", &csrf), ("ids", &a), ("ids", &b)],
            )
            .await;
        assert_eq!(
            done.status,
            StatusCode::SEE_OTHER,
            "[{backend}] {}",
            done.body
        );
        let page = office.get(&done.location()).await;
        assert!(
            page.body.contains("Đã chấp nhận các báo cáo đã chọn")
                && page.body.contains("Không có báo cáo nào chờ duyệt"),
            "[{backend}] both accepted, the queue is empty: {}",
            page.body
        );
        for id in &ids {
            let r = service.get_report(&system, *id).await.expect("report");
            assert_eq!(r.review_state, "accepted", "[{backend}]");
        }
    }
}
