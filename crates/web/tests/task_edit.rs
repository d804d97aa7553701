//! The office edits a task in the pages (issue 14.4): text and deadline saved
//! and shown with a history line in words; a bad date or an unknown
//! coordinating agency answers 422 with everything typed kept and nothing
//! changed; cancelling needs a reason and a confirmation, then the task shows
//! as cancelled; a new agency's focal point sees the task in its work; one
//! assignment is cancelled with a reason; a focal point gets 403. Both backends.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;
use tiendo_core::model::Task;
use tiendo_service::Service;

const OFFICE: &str = "vp.thuongtruc";
const TEXT: &str = "Xây dựng Nghị định về dữ liệu mở của các bộ, ngành";

/// A document and one task for Bộ Y tế, due 30/06/2026.
async fn task(service: &Service) -> Task {
    let system = service.system_actor();
    let doc: tiendo_service::input::DocumentInput = serde_json::from_value(json!({
        "number": "20/TB-VPCP", "kind": "Thông báo", "title": "Kết luận về dữ liệu",
        "issued_on": "2025-10-01", "issuer": "Văn phòng Chính phủ"
    }))
    .unwrap();
    let doc = service.create_document(&system, &doc).await.expect("doc");
    let input: tiendo_service::input::TaskInput = serde_json::from_value(json!({
        "document_id": doc.id, "text": TEXT, "lead": ["Bộ Y tế"],
        "leader": "Phó Thủ tướng", "deadline": {"kind": "date", "due": "2026-06-30"}
    }))
    .unwrap();
    service.create_task(&system, &input).await.expect("task")
}

fn agency_id(service: &Service, name: &str) -> String {
    service
        .resolve_agency("agency", name, None)
        .expect("agency")
        .id
        .to_string()
}

/// The task as stored now.
async fn stored(service: &Service, id: i64) -> Task {
    service
        .get_task(&service.system_actor(), id, tiendo_core::time::today())
        .await
        .expect("task")
}

/// The edit form's fields with some replaced.
fn edit_form<'a>(csrf: &'a str, with: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("csrf", csrf),
        ("text", TEXT),
        ("product", ""),
        ("field", ""),
        ("leader", "Phó Thủ tướng"),
        ("priority", "2"),
        ("deadline_kind", "date"),
        ("deadline_due", "30/06/2026"),
        ("coord", ""),
    ];
    for (k, v) in with {
        f.retain(|(key, _)| key != k);
        f.push((k, v));
    }
    f
}

#[tokio::test]
async fn the_office_edits_the_text_and_deadline_and_the_task_page_shows_them_in_words() {
    for (backend, service) in services().await {
        let t = task(&service).await;
        let mut office = signed_in(&service, OFFICE, "admin", None).await;
        let page = office.get(&format!("/nhiem-vu/{}", t.id)).await;
        assert!(
            page.body
                .contains(&format!("href=\"/nhiem-vu/{}/sua\" id=\"edit-task\"", t.id)),
            "[{backend}] the office's link: {}",
            page.body
        );
        let form = office.get(&format!("/nhiem-vu/{}/sua", t.id)).await;
        assert_eq!(form.status, StatusCode::OK, "[{backend}] {}", form.body);
        assert!(
            form.body.contains("value=\"30/06/2026\""),
            "[{backend}] the deadline shown dd/mm/yyyy"
        );
        let csrf = form.csrf();
        let new_text = "Ban hành Nghị định về dữ liệu mở trong năm 2026";
        let saved = office
            .post(
                &format!("/nhiem-vu/{}/sua", t.id),
                &edit_form(
                    &csrf,
                    &[
                        ("text", new_text),
                        ("deadline_due", "15/09/2026"),
                        ("field", "cds"),
                        ("coord", "Bộ Tài chính"),
                    ],
                ),
            )
            .await;
        assert_eq!(
            saved.status,
            StatusCode::SEE_OTHER,
            "[{backend}] {}",
            saved.body
        );
        assert_eq!(saved.location(), format!("/nhiem-vu/{}?ok=luu", t.id));
        let now = stored(&service, t.id).await;
        assert_eq!(now.text, new_text, "[{backend}]");
        assert_eq!(
            now.deadline.due.map(|d| d.to_string()).as_deref(),
            Some("2026-09-15")
        );
        assert_eq!(now.field.as_deref(), Some("cds"), "[{backend}]");
        assert_eq!(now.coord.len(), 1, "[{backend}] {:?}", now.coord);
        assert!(now.coord[0].agency_id.is_some(), "[{backend}] resolved");

        let page = office.get(&format!("/nhiem-vu/{}?ok=luu", t.id)).await;
        assert!(page.body.contains(new_text), "[{backend}]");
        assert!(page.body.contains("id=\"task-done\""), "[{backend}]");
        assert!(
            page.body.contains("15/09/2026"),
            "[{backend}] the new deadline"
        );
        assert!(
            page.body
                .contains("thời hạn từ 30/06/2026 thành 15/09/2026"),
            "[{backend}] the history in words: {}",
            page.body
        );
        assert!(
            page.body.contains("sửa nhiệm vụ: nội dung từ “"),
            "[{backend}] the text's change in words"
        );
        assert!(
            page.body
                .contains("đổi thời hạn của Bộ Y tế từ 30/06/2026 thành 15/09/2026"),
            "[{backend}] the assignment follows the task's deadline"
        );
    }
}

#[tokio::test]
async fn a_bad_date_or_an_unknown_coordinating_agency_is_refused_with_everything_kept() {
    for (backend, service) in services().await {
        let t = task(&service).await;
        let mut office = signed_in(&service, OFFICE, "admin", None).await;
        let csrf = office.get(&format!("/nhiem-vu/{}/sua", t.id)).await.csrf();
        let typed = "Nội dung mới chưa được lưu";
        let bad = office
            .post(
                &format!("/nhiem-vu/{}/sua", t.id),
                &edit_form(
                    &csrf,
                    &[
                        ("text", typed),
                        ("deadline_due", "31/02/2026"),
                        ("coord", "Bộ Y tế"),
                    ],
                ),
            )
            .await;
        assert_eq!(
            bad.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{backend}] {}",
            bad.body
        );
        assert!(
            bad.body.contains("id=\"deadline_due-error\""),
            "[{backend}]"
        );
        assert!(
            bad.body.contains("value=\"31/02/2026\""),
            "[{backend}] kept"
        );
        assert!(
            bad.body.contains(&format!(">{typed}</textarea>")),
            "[{backend}] kept"
        );
        assert!(bad.body.contains(">Bộ Y tế</textarea>"), "[{backend}] kept");

        let unknown = office
            .post(
                &format!("/nhiem-vu/{}/sua", t.id),
                &edit_form(
                    &csrf,
                    &[
                        ("text", typed),
                        ("deadline_due", "01/10/2026"),
                        ("coord", "Bộ Y tế\nBộ Tài chín"),
                    ],
                ),
            )
            .await;
        assert_eq!(
            unknown.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{backend}] {}",
            unknown.body
        );
        let error = attr_after(&unknown.body, "id=\"coord-error\"", "id");
        assert!(
            error.is_some(),
            "[{backend}] by the field: {}",
            unknown.body
        );
        assert!(
            unknown
                .body
                .contains("Dòng 2: không có cơ quan “Bộ Tài chín” trong danh mục."),
            "[{backend}] {}",
            unknown.body
        );
        assert!(
            unknown.body.contains("Có phải “Bộ Tài chính”?"),
            "[{backend}] the suggestion"
        );
        assert!(
            unknown.body.contains("value=\"01/10/2026\""),
            "[{backend}] kept"
        );
        assert!(
            unknown.body.contains(">Bộ Y tế\nBộ Tài chín</textarea>"),
            "[{backend}] kept"
        );

        let now = stored(&service, t.id).await;
        assert_eq!(now.text, TEXT, "[{backend}] nothing changed");
        assert_eq!(
            now.deadline.due.map(|d| d.to_string()).as_deref(),
            Some("2026-06-30")
        );
        assert!(now.coord.is_empty(), "[{backend}]");
        let history = service
            .task_history(&service.system_actor(), t.id)
            .await
            .unwrap();
        assert!(
            !history
                .iter()
                .any(|e| e.entity == "task" && e.action == "update"),
            "[{backend}] no edit recorded"
        );
    }
}

#[tokio::test]
async fn cancelling_needs_a_reason_and_a_confirmation_then_the_task_shows_cancelled() {
    for (backend, service) in services().await {
        let t = task(&service).await;
        let mut office = signed_in(&service, OFFICE, "admin", None).await;
        let page = office.get(&format!("/nhiem-vu/{}", t.id)).await;
        assert!(!page.body.contains("id=\"task-cancelled\""), "[{backend}]");
        let csrf = office.get(&format!("/nhiem-vu/{}/sua", t.id)).await.csrf();
        let path = format!("/nhiem-vu/{}/huy", t.id);
        let reason = "Đã có văn bản khác thay thế";

        let no_reason = office
            .post(
                &path,
                &[("csrf", &csrf), ("cancel_reason", " "), ("confirm", "on")],
            )
            .await;
        assert_eq!(
            no_reason.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{backend}]"
        );
        assert!(
            no_reason.body.contains("id=\"cancel_reason-error\""),
            "[{backend}]"
        );
        let unconfirmed = office
            .post(&path, &[("csrf", &csrf), ("cancel_reason", reason)])
            .await;
        assert_eq!(
            unconfirmed.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{backend}]"
        );
        assert!(
            unconfirmed.body.contains("id=\"confirm-error\""),
            "[{backend}]"
        );
        assert!(
            unconfirmed.body.contains(&format!(">{reason}</textarea>")),
            "[{backend}] kept"
        );
        assert_ne!(
            stored(&service, t.id).await.status,
            Some(tiendo_core::status::Status::Cancelled),
            "[{backend}] not cancelled yet"
        );

        let done = office
            .post(
                &path,
                &[
                    ("csrf", &csrf),
                    ("cancel_reason", reason),
                    ("confirm", "on"),
                ],
            )
            .await;
        assert_eq!(
            done.status,
            StatusCode::SEE_OTHER,
            "[{backend}] {}",
            done.body
        );
        assert_eq!(
            stored(&service, t.id).await.status,
            Some(tiendo_core::status::Status::Cancelled),
            "[{backend}]"
        );
        let page = office.get(&format!("/nhiem-vu/{}", t.id)).await;
        assert!(
            page.body.contains("id=\"task-cancelled\""),
            "[{backend}] {}",
            page.body
        );
        assert!(
            page.body
                .contains(&format!("hủy phân công của Bộ Y tế; ghi chú: “{reason}”")),
            "[{backend}] the reason in the history: {}",
            page.body
        );
    }
}

#[tokio::test]
async fn an_added_agency_sees_the_task_and_an_assignment_is_cancelled_with_a_reason() {
    for (backend, service) in services().await {
        let t = task(&service).await;
        let mut office = signed_in(&service, OFFICE, "admin", None).await;
        let mut focal = signed_in(&service, "btc.daumoi", "focal", Some("Bộ Tài chính")).await;
        let work = focal.get("/viec-cua-toi").await;
        assert_eq!(work.status, StatusCode::OK, "[{backend}]");
        assert!(!work.body.contains(TEXT), "[{backend}] not given yet");

        let csrf = office.get(&format!("/nhiem-vu/{}/sua", t.id)).await.csrf();
        let agency = agency_id(&service, "Bộ Tài chính");
        let empty = office
            .post(
                &format!("/nhiem-vu/{}/phan-cong", t.id),
                &[("csrf", &csrf), ("agency", "")],
            )
            .await;
        assert_eq!(
            empty.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{backend}]"
        );
        assert!(empty.body.contains("id=\"agency-error\""), "[{backend}]");
        let added = office
            .post(
                &format!("/nhiem-vu/{}/phan-cong", t.id),
                &[("csrf", &csrf), ("agency", &agency)],
            )
            .await;
        assert_eq!(
            added.status,
            StatusCode::SEE_OTHER,
            "[{backend}] {}",
            added.body
        );
        let work = focal.get("/viec-cua-toi").await;
        assert!(
            work.body.contains(TEXT),
            "[{backend}] now in its work: {}",
            work.body
        );
        let again = office
            .post(
                &format!("/nhiem-vu/{}/phan-cong", t.id),
                &[("csrf", &csrf), ("agency", &agency)],
            )
            .await;
        assert_eq!(
            again.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{backend}] once"
        );

        // Cancel the Bộ Y tế assignment: a reason is required.
        let list = assignments_of(&service, t.id).await;
        assert_eq!(list.len(), 2, "[{backend}]");
        let yte = list
            .iter()
            .find(|a| a.agency_name == "Bộ Y tế")
            .expect("Bộ Y tế");
        let path = format!("/phan-cong/{}/huy", yte.id);
        let no_reason = office.post(&path, &[("csrf", &csrf), ("reason", "")]).await;
        assert_eq!(
            no_reason.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{backend}]"
        );
        assert!(
            no_reason
                .body
                .contains(&format!("id=\"reason-{}-error\"", yte.id)),
            "[{backend}] by its row"
        );
        let cancelled = office
            .post(
                &path,
                &[("csrf", &csrf), ("reason", "Giao lại cho Bộ Tài chính")],
            )
            .await;
        assert_eq!(
            cancelled.status,
            StatusCode::SEE_OTHER,
            "[{backend}] {}",
            cancelled.body
        );
        let page = office.get(&format!("/nhiem-vu/{}", t.id)).await;
        assert!(
            page.body
                .contains("phân công cho Bộ Tài chính, thời hạn 30/06/2026"),
            "[{backend}] {}",
            page.body
        );
        assert!(
            page.body
                .contains("hủy phân công của Bộ Y tế; ghi chú: “Giao lại cho Bộ Tài chính”"),
            "[{backend}]"
        );
        assert!(
            !page.body.contains("id=\"task-cancelled\""),
            "[{backend}] one is left"
        );
    }
}

#[tokio::test]
async fn a_focal_point_may_not_edit_a_task() {
    for (backend, service) in services().await {
        let t = task(&service).await;
        let mut focal = signed_in(&service, "byt.daumoi", "focal", Some("Bộ Y tế")).await;
        let page = focal.get(&format!("/nhiem-vu/{}", t.id)).await;
        assert_eq!(page.status, StatusCode::OK, "[{backend}] its own task");
        assert!(
            !page.body.contains("id=\"edit-task\""),
            "[{backend}] no link"
        );
        let csrf = page.csrf();
        let form = focal.get(&format!("/nhiem-vu/{}/sua", t.id)).await;
        assert_eq!(form.status, StatusCode::FORBIDDEN, "[{backend}]");
        let agency = agency_id(&service, "Bộ Tài chính");
        let assignment = assignments_of(&service, t.id).await[0].id;
        let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
            (
                format!("/nhiem-vu/{}/sua", t.id),
                edit_form(&csrf, &[("text", "Đầu mối tự sửa nhiệm vụ")]),
            ),
            (
                format!("/nhiem-vu/{}/huy", t.id),
                vec![
                    ("csrf", &csrf),
                    ("cancel_reason", "không làm"),
                    ("confirm", "on"),
                ],
            ),
            (
                format!("/nhiem-vu/{}/phan-cong", t.id),
                vec![("csrf", &csrf), ("agency", &agency)],
            ),
            (
                format!("/phan-cong/{assignment}/huy"),
                vec![("csrf", &csrf), ("reason", "không làm")],
            ),
        ];
        for (path, form) in posts {
            let a = focal.post(&path, &form).await;
            assert_eq!(a.status, StatusCode::FORBIDDEN, "[{backend}] {path}");
        }
        let now = stored(&service, t.id).await;
        assert_eq!(now.text, TEXT, "[{backend}]");
        assert_eq!(now.assignment_count, 1, "[{backend}]");
        assert_ne!(now.status, Some(tiendo_core::status::Status::Cancelled));
    }
}
