//! The office restores a cancelled task and a cancelled assignment from the
//! pages (issue 14.4): a reason is required (422, by the field), the task and
//! the assignment come back (the focal point sees its work again), the history
//! says it in words with the reason; something not cancelled is a 409 page;
//! focal points and viewers get 403 on every route, GET and POST, and nothing
//! changes. Both backends.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;
use tiendo_core::model::Task;
use tiendo_core::status::Status;
use tiendo_service::Service;
use tiendo_service::input::{AssignmentPatchInput, TaskPatchInput};

const OFFICE: &str = "vp.khoiphuc";

/// A task for Bộ Y tế and Bộ Tài chính, due 30/06/2026.
async fn task(service: &Service) -> Task {
    let system = service.system_actor();
    let doc: tiendo_service::input::DocumentInput = serde_json::from_value(json!({
        "number": "31/TB-VPCP", "kind": "Thông báo", "title": "Kết luận về chuyển đổi số",
        "issued_on": "2025-10-01", "issuer": "Văn phòng Chính phủ"
    }))
    .unwrap();
    let doc = service.create_document(&system, &doc).await.expect("doc");
    let input: tiendo_service::input::TaskInput = serde_json::from_value(json!({
        "document_id": doc.id, "text": "Số hóa hồ sơ khám chữa bệnh",
        "lead": ["Bộ Y tế", "Bộ Tài chính"],
        "deadline": {"kind": "date", "due": "2026-06-30"}
    }))
    .unwrap();
    service.create_task(&system, &input).await.expect("task")
}

async fn cancel_task(service: &Service, id: i64) {
    let input = TaskPatchInput {
        cancelled: Some(true),
        note: Some("Trùng với nhiệm vụ khác".into()),
        ..TaskPatchInput::default()
    };
    service
        .update_task(&service.system_actor(), id, &input)
        .await
        .expect("cancel");
}

async fn status(service: &Service, id: i64) -> Option<Status> {
    service
        .get_task(&service.system_actor(), id, tiendo_core::time::today())
        .await
        .expect("task")
        .status
}

#[tokio::test]
async fn the_office_restores_a_cancelled_task_with_a_reason_and_the_history_says_so() {
    for (backend, service) in services().await {
        let t = task(&service).await;
        cancel_task(&service, t.id).await;
        assert_eq!(status(&service, t.id).await, Some(Status::Cancelled));
        let mut office = signed_in(&service, OFFICE, "admin", None).await;
        let mut focal = signed_in(&service, "dm.byt.kp", "focal", Some("Bộ Y tế")).await;
        let page = office.get(&format!("/nhiem-vu/{}", t.id)).await;
        assert!(
            page.body.contains(&format!(
                "href=\"/nhiem-vu/{}/khoi-phuc\" id=\"restore-task\"",
                t.id
            )),
            "[{backend}] the office's restore link: {}",
            page.body
        );
        let form = office.get(&format!("/nhiem-vu/{}/khoi-phuc", t.id)).await;
        assert_eq!(form.status, StatusCode::OK, "[{backend}] {}", form.body);
        assert!(
            form.body.contains("Bộ Tài chính"),
            "[{backend}] who comes back"
        );
        let csrf = form.csrf();
        let path = format!("/nhiem-vu/{}/khoi-phuc", t.id);

        // No reason: by the field, nothing restored.
        let bad = office
            .post(&path, &[("csrf", &csrf), ("reason", "  ")])
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "[{backend}]");
        assert!(
            bad.body.contains("id=\"reason-error\"")
                && bad.body.contains("Cần nêu lý do khôi phục."),
            "[{backend}] {}",
            bad.body
        );
        assert_eq!(status(&service, t.id).await, Some(Status::Cancelled));

        let reason = "Chính phủ giao lại nhiệm vụ";
        let done = office
            .post(&path, &[("csrf", &csrf), ("reason", reason)])
            .await;
        assert_eq!(
            done.status,
            StatusCode::SEE_OTHER,
            "[{backend}] {}",
            done.body
        );
        assert_eq!(done.location(), format!("/nhiem-vu/{}?ok=khoi-phuc", t.id));
        assert_ne!(
            status(&service, t.id).await,
            Some(Status::Cancelled),
            "[{backend}]"
        );
        assert!(
            assignments_of(&service, t.id)
                .await
                .iter()
                .all(|a| !a.cancelled),
            "[{backend}] every assignment back"
        );
        let page = office.get(&done.location()).await;
        assert!(page.body.contains("Đã khôi phục nhiệm vụ."), "[{backend}]");
        assert!(!page.body.contains("id=\"task-cancelled\""), "[{backend}]");
        assert!(
            page.body.contains(&format!(
                "khôi phục phân công đã hủy của Bộ Y tế; ghi chú: “{reason}”"
            )),
            "[{backend}] the history in words: {}",
            page.body
        );
        // The agency sees its work again.
        let work = focal.get("/viec-cua-toi").await;
        assert!(
            work.body.contains("Số hóa hồ sơ khám chữa bệnh"),
            "[{backend}] {}",
            work.body
        );
        // Not cancelled any more: a 409 page, not a second restore.
        let again = office
            .post(&path, &[("csrf", &csrf), ("reason", reason)])
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT, "[{backend}]");
    }
}

#[tokio::test]
async fn the_office_restores_one_cancelled_assignment() {
    for (backend, service) in services().await {
        let t = task(&service).await;
        let list = assignments_of(&service, t.id).await;
        let a = list
            .iter()
            .find(|a| a.agency_name == "Bộ Tài chính")
            .expect("BTC");
        let patch = AssignmentPatchInput {
            completed_on: None,
            reopen: None,
            cancelled: Some(true),
            deadline: None,
            note: Some("Nhầm cơ quan".into()),
        };
        service
            .patch_assignment(&service.system_actor(), a.id, &patch)
            .await
            .expect("cancel");
        let mut office = signed_in(&service, OFFICE, "admin", None).await;
        let page = office.get(&format!("/phan-cong/{}", a.id)).await;
        assert!(
            page.body.contains("id=\"restore-assignment\""),
            "[{backend}] the link on the assignment page: {}",
            page.body
        );
        let edit = office.get(&format!("/nhiem-vu/{}/sua", t.id)).await;
        assert!(
            edit.body.contains(&format!(
                "href=\"/phan-cong/{}/khoi-phuc\" id=\"restore-{}\"",
                a.id, a.id
            )),
            "[{backend}] the link on the task's edit page"
        );
        let path = format!("/phan-cong/{}/khoi-phuc", a.id);
        let form = office.get(&path).await;
        assert_eq!(form.status, StatusCode::OK, "[{backend}] {}", form.body);
        let csrf = form.csrf();
        let bad = office.post(&path, &[("csrf", &csrf), ("reason", "")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "[{backend}]");
        assert!(bad.body.contains("Cần nêu lý do khôi phục."), "[{backend}]");
        let done = office
            .post(
                &path,
                &[("csrf", &csrf), ("reason", "Bộ Tài chính vẫn chủ trì")],
            )
            .await;
        assert_eq!(
            done.status,
            StatusCode::SEE_OTHER,
            "[{backend}] {}",
            done.body
        );
        let now = assignments_of(&service, t.id).await;
        assert!(now.iter().all(|x| !x.cancelled), "[{backend}]");
        let page = office.get(&format!("/phan-cong/{}", a.id)).await;
        assert!(
            page.body.contains(
                "khôi phục phân công đã hủy của Bộ Tài chính; ghi chú: “Bộ Tài chính vẫn chủ trì”"
            ),
            "[{backend}] {}",
            page.body
        );
        assert!(
            !page.body.contains("id=\"restore-assignment\""),
            "[{backend}]"
        );
        let again = office.get(&path).await;
        assert_eq!(again.status, StatusCode::CONFLICT, "[{backend}]");
    }
}

#[tokio::test]
async fn focal_points_and_viewers_get_403_on_every_restore_route() {
    for (backend, service) in services().await {
        let t = task(&service).await;
        cancel_task(&service, t.id).await;
        let a = assignments_of(&service, t.id).await[0].id;
        let focal = signed_in(&service, "dm.byt.kp2", "focal", Some("Bộ Y tế")).await;
        let viewer = signed_in(&service, "ld.kp", "viewer", None).await;
        for (who, mut c) in [("focal", focal), ("viewer", viewer)] {
            let page = c.get(&format!("/nhiem-vu/{}", t.id)).await;
            assert!(
                !page.body.contains("id=\"restore-task\""),
                "[{backend}] {who}"
            );
            let csrf = page.csrf();
            for path in [
                format!("/nhiem-vu/{}/khoi-phuc", t.id),
                format!("/phan-cong/{a}/khoi-phuc"),
            ] {
                let g = c.get(&path).await;
                assert_eq!(
                    g.status,
                    StatusCode::FORBIDDEN,
                    "[{backend}] {who} GET {path}"
                );
                let p = c.post(&path, &[("csrf", &csrf), ("reason", "thử")]).await;
                assert_eq!(
                    p.status,
                    StatusCode::FORBIDDEN,
                    "[{backend}] {who} POST {path}"
                );
            }
        }
        assert_eq!(
            status(&service, t.id).await,
            Some(Status::Cancelled),
            "[{backend}] unchanged"
        );
    }
}
