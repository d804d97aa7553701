//! The office edits a document's metadata and makes a task on it from the
//! pages (issue 14.4): the change is saved and shown, a bad date or a missing
//! title answers 422 by the field with the typed values kept, a number another
//! document has answers 409 by the field; a new task made with agencies typed
//! without accents is created and assigned, an unknown agency is an error by
//! its field with the closest name; focal points and viewers get 403 on every
//! route, GET and POST. Both backends.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;
use tiendo_core::model::Document;
use tiendo_service::Service;

const OFFICE: &str = "vp.vanban";

async fn doc(service: &Service, number: &str) -> Document {
    let input: tiendo_service::input::DocumentInput = serde_json::from_value(json!({
        "number": number, "kind": "Thông báo", "title": "Kết luận về dữ liệu số",
        "issued_on": "2025-10-01", "issuer": "Văn phòng Chính phủ", "signer": "Trần Văn A",
        "body": "Toàn văn kết luận."
    }))
    .unwrap();
    service
        .create_document(&service.system_actor(), &input)
        .await
        .expect("doc")
}

fn doc_form<'a>(csrf: &'a str, with: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("csrf", csrf),
        ("number", "41/TB-VPCP"),
        ("kind", "Thông báo"),
        ("issued_on", "01/10/2025"),
        ("issuer", "Văn phòng Chính phủ"),
        ("title", "Kết luận về dữ liệu số"),
    ];
    for (k, v) in with {
        f.retain(|(key, _)| key != k);
        f.push((k, v));
    }
    f
}

#[tokio::test]
async fn the_office_corrects_a_documents_metadata_with_errors_by_field() {
    for (backend, service) in services().await {
        let d = doc(&service, "41/TB-VPCP").await;
        doc(&service, "42/TB-VPCP").await;
        let mut office = signed_in(&service, OFFICE, "admin", None).await;
        let page = office.get(&format!("/van-ban/{}", d.id)).await;
        assert!(
            page.body.contains("id=\"edit-document\""),
            "[{backend}] {}",
            page.body
        );
        assert!(page.body.contains("id=\"new-task\""), "[{backend}]");
        let path = format!("/van-ban/{}/sua", d.id);
        let form = office.get(&path).await;
        assert_eq!(form.status, StatusCode::OK, "[{backend}] {}", form.body);
        assert!(
            form.body.contains("value=\"01/10/2025\""),
            "[{backend}] dd/mm/yyyy"
        );
        let csrf = form.csrf();

        let bad = office
            .post(
                &path,
                &doc_form(
                    &csrf,
                    &[
                        ("issued_on", "31/02/2025"),
                        ("title", " "),
                        ("issuer", "VPCP sửa"),
                    ],
                ),
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "[{backend}]");
        assert!(
            bad.body.contains("id=\"issued_on-error\""),
            "[{backend}] {}",
            bad.body
        );
        assert!(
            bad.body.contains("Cần nhập trích yếu văn bản."),
            "[{backend}]"
        );
        assert!(
            bad.body.contains("value=\"VPCP sửa\""),
            "[{backend}] typed kept"
        );

        let taken = office
            .post(&path, &doc_form(&csrf, &[("number", "42/TB-VPCP")]))
            .await;
        assert_eq!(
            taken.status,
            StatusCode::CONFLICT,
            "[{backend}] {}",
            taken.body
        );
        assert!(taken.body.contains("id=\"number-error\""), "[{backend}]");

        let saved = office
            .post(
                &path,
                &doc_form(
                    &csrf,
                    &[
                        ("number", "41A/TB-VPCP"),
                        ("issued_on", "05/10/2025"),
                        ("title", "Kết luận về dữ liệu mở"),
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
        let now = service
            .get_document(&service.system_actor(), d.id)
            .await
            .unwrap();
        assert_eq!(now.number.as_deref(), Some("41A/TB-VPCP"), "[{backend}]");
        assert_eq!(now.title, "Kết luận về dữ liệu mở");
        assert_eq!(
            now.issued_on.map(|x| x.to_string()).as_deref(),
            Some("2025-10-05")
        );
        assert_eq!(
            now.signer.as_deref(),
            Some("Trần Văn A"),
            "[{backend}] signer kept"
        );
        let body = service
            .get_document_body(&service.system_actor(), d.id)
            .await
            .unwrap();
        assert_eq!(
            body.as_deref(),
            Some("Toàn văn kết luận."),
            "[{backend}] text kept"
        );
        let page = office.get(&saved.location()).await;
        assert!(
            page.body.contains("Kết luận về dữ liệu mở") && page.body.contains("05/10/2025"),
            "[{backend}]"
        );
    }
}

#[tokio::test]
async fn the_office_makes_a_task_on_a_document_and_unknown_agencies_are_errors() {
    for (backend, service) in services().await {
        let d = doc(&service, "43/TB-VPCP").await;
        let mut office = signed_in(&service, OFFICE, "admin", None).await;
        let path = format!("/van-ban/{}/nhiem-vu-moi", d.id);
        let form = office.get(&path).await;
        assert_eq!(form.status, StatusCode::OK, "[{backend}] {}", form.body);
        let csrf = form.csrf();
        let text = "Xây dựng cơ sở dữ liệu y tế quốc gia";
        let bad = office
            .post(
                &path,
                &[
                    ("csrf", &csrf),
                    ("text", text),
                    ("lead", "Bo Y te\nBộ Y tết"),
                    ("coord", "Bộ Không Có"),
                    ("deadline_kind", "date"),
                    ("deadline_due", "30/13/2026"),
                    ("product", "Cơ sở dữ liệu"),
                    ("field", "cds"),
                    ("leader", ""),
                ],
            )
            .await;
        assert_eq!(
            bad.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{backend}] {}",
            bad.body
        );
        assert!(
            bad.body
                .contains("Dòng 2: không có cơ quan “Bộ Y tết” trong danh mục."),
            "[{backend}] {}",
            bad.body
        );
        assert!(bad.body.contains("Có phải “"), "[{backend}] a suggestion");
        assert!(bad.body.contains("id=\"coord-error\""), "[{backend}]");
        assert!(
            bad.body.contains("id=\"deadline_due-error\""),
            "[{backend}]"
        );
        assert!(bad.body.contains(text), "[{backend}] the text kept");
        assert_eq!(
            service
                .get_document(&service.system_actor(), d.id)
                .await
                .unwrap()
                .task_count,
            0,
            "[{backend}] nothing made"
        );
        let done = office
            .post(
                &path,
                &[
                    ("csrf", &csrf),
                    ("text", text),
                    ("lead", "bo y te"),
                    ("coord", "Bộ Tài chính"),
                    ("deadline_kind", "date"),
                    ("deadline_due", "30/06/2026"),
                    ("product", "Cơ sở dữ liệu"),
                    ("field", "cds"),
                    ("leader", ""),
                ],
            )
            .await;
        assert_eq!(
            done.status,
            StatusCode::SEE_OTHER,
            "[{backend}] {}",
            done.body
        );
        let id: i64 = done
            .location()
            .trim_start_matches("/nhiem-vu/")
            .trim_end_matches("?ok=tao")
            .parse()
            .expect("task id");
        let task = service
            .get_task(&service.system_actor(), id, tiendo_core::time::today())
            .await
            .unwrap();
        assert_eq!(task.document_id, d.id, "[{backend}]");
        assert_eq!(task.field.as_deref(), Some("cds"));
        assert_eq!(task.coord.len(), 1, "[{backend}]");
        let list = assignments_of(&service, id).await;
        assert_eq!(list.len(), 1, "[{backend}]");
        assert_eq!(list[0].agency_name, "Bộ Y tế");
        let page = office.get(&done.location()).await;
        assert!(page.body.contains("Đã tạo nhiệm vụ."), "[{backend}]");
        assert!(page.body.contains("30/06/2026"), "[{backend}]");
    }
}

#[tokio::test]
async fn focal_points_and_viewers_get_403_on_the_document_routes() {
    for (backend, service) in services().await {
        let d = doc(&service, "44/TB-VPCP").await;
        let input: tiendo_service::input::TaskInput = serde_json::from_value(json!({
            "document_id": d.id, "text": "Nhiệm vụ cho Bộ Y tế", "lead": ["Bộ Y tế"],
            "deadline": {"kind": "date", "due": "2026-06-30"}
        }))
        .unwrap();
        service
            .create_task(&service.system_actor(), &input)
            .await
            .unwrap();
        let focal = signed_in(&service, "dm.byt.vb", "focal", Some("Bộ Y tế")).await;
        let viewer = signed_in(&service, "ld.vb", "viewer", None).await;
        for (who, mut c) in [("focal", focal), ("viewer", viewer)] {
            let page = c.get(&format!("/van-ban/{}", d.id)).await;
            assert_eq!(page.status, StatusCode::OK, "[{backend}] {who}");
            assert!(
                !page.body.contains("id=\"edit-document\""),
                "[{backend}] {who}"
            );
            let csrf = page.csrf();
            let edit = format!("/van-ban/{}/sua", d.id);
            let new = format!("/van-ban/{}/nhiem-vu-moi", d.id);
            for path in [&edit, &new] {
                assert_eq!(
                    c.get(path).await.status,
                    StatusCode::FORBIDDEN,
                    "[{backend}] {who} GET {path}"
                );
            }
            let p = c.post(&edit, &doc_form(&csrf, &[("title", "Đổi")])).await;
            assert_eq!(p.status, StatusCode::FORBIDDEN, "[{backend}] {who}");
            let p = c
                .post(
                    &new,
                    &[
                        ("csrf", &csrf),
                        ("text", "Thêm"),
                        ("lead", "Bộ Y tế"),
                        ("deadline_kind", "none"),
                    ],
                )
                .await;
            assert_eq!(p.status, StatusCode::FORBIDDEN, "[{backend}] {who}");
        }
        let now = service
            .get_document(&service.system_actor(), d.id)
            .await
            .unwrap();
        assert_eq!(now.title, "Kết luận về dữ liệu số", "[{backend}] unchanged");
        assert_eq!(now.task_count, 1, "[{backend}] no task added");
    }
}
