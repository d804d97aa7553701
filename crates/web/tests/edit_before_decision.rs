//! Changing a report or a commitment before it is decided (issue 14 item 4), on
//! both backends: the author changes its report waiting for review, the agency
//! its commitment before its day, from the assignment page ("Sửa"); the same
//! checks as creating them; others get 403; a decided report no longer changes;
//! the history says what changed, in words.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;
use tiendo_core::time::today;

#[tokio::test]
async fn the_focal_point_changes_its_report_and_commitment_before_a_decision() {
    for (backend, service) in services().await {
        let system = service.system_actor();
        let doc: tiendo_service::input::DocumentInput = serde_json::from_value(json!({
            "number": "53/TB-SUA", "kind": "Thông báo", "title": "Kết luận",
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
        let a = assignments_of(&service, task.id).await[0].id;
        let mut focal = signed_in(&service, "daumoi.byt", "focal", Some("Bộ Y tế")).await;
        let mut colleague = signed_in(&service, "daumoi2.byt", "focal", Some("Bộ Y tế")).await;
        let mut other = signed_in(&service, "daumoi.btc", "focal", Some("Bộ Tài chính")).await;
        let author = service.actor_named("daumoi.byt").await.expect("actor");
        let input: tiendo_service::input::ReportInput = serde_json::from_value(json!({
            "assignment_id": a, "narrative": "Đang triển khai", "percent": 40
        }))
        .unwrap();
        let r = service
            .create_report(&author, &input)
            .await
            .expect("report");
        let later = today() + chrono::Duration::days(30);
        let c: tiendo_service::input::CommitmentInput = serde_json::from_value(json!({
            "assignment_id": a, "committed_on": later, "letter_number": "15/BYT-KHTC"
        }))
        .unwrap();
        let c = service
            .create_commitment(&author, &c)
            .await
            .expect("commitment");

        let page = focal.get(&format!("/phan-cong/{a}")).await;
        assert!(
            page.body
                .contains(&format!("href=\"/bao-cao/{}/sua\"", r.id))
                && page
                    .body
                    .contains(&format!("href=\"/cam-ket/{}/sua\"", c.id)),
            "[{backend}] the Sửa links: {}",
            page.body
        );
        let csrf = page.csrf();

        // The report: filled in, bad input refused by its field, then changed.
        let rpath = format!("/bao-cao/{}/sua", r.id);
        let form = focal.get(&rpath).await;
        assert_eq!(form.status, StatusCode::OK, "[{backend}]");
        assert!(
            form.body.contains("Đang triển khai") && !form.body.contains("multipart"),
            "[{backend}]"
        );
        let bad = focal
            .post(
                &rpath,
                &[("csrf", &csrf), ("narrative", " "), ("percent", "140")],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "[{backend}]");
        assert!(
            bad.body.contains("Nhập một số từ 0 đến 100.")
                && bad.body.contains("Cần nhập nội dung này."),
            "[{backend}] {}",
            bad.body
        );
        let done = focal
            .post(
                &rpath,
                &[
                    ("csrf", &csrf),
                    ("narrative", "Đã số hóa 60% hồ sơ"),
                    ("percent", "60"),
                ],
            )
            .await;
        assert_eq!(
            done.status,
            StatusCode::SEE_OTHER,
            "[{backend}] {}",
            done.body
        );
        // Not the author: 403; another agency: 403.
        assert_eq!(
            colleague.get(&rpath).await.status,
            StatusCode::FORBIDDEN,
            "[{backend}]"
        );
        assert_eq!(
            other.get(&rpath).await.status,
            StatusCode::FORBIDDEN,
            "[{backend}]"
        );

        // The commitment: a day in the past is refused as on creation.
        let cpath = format!("/cam-ket/{}/sua", c.id);
        let past = tiendo_web::i18n::date(today() - chrono::Duration::days(1));
        let bad = focal
            .post(
                &cpath,
                &[
                    ("csrf", &csrf),
                    ("committed_on", &past),
                    ("letter_number", "15/BYT-KHTC"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "[{backend}]");
        assert!(
            bad.body
                .contains("Ngày cam kết không được trước ngày đưa ra cam kết")
                && bad.body.contains("15/BYT-KHTC"),
            "[{backend}] {}",
            bad.body
        );
        let new_day = tiendo_web::i18n::date(today() + chrono::Duration::days(60));
        let done = focal
            .post(
                &cpath,
                &[
                    ("csrf", &csrf),
                    ("committed_on", &new_day),
                    ("letter_number", "15/BYT-KHTC"),
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
            other.get(&cpath).await.status,
            StatusCode::FORBIDDEN,
            "[{backend}]"
        );

        // The history says what changed, in words.
        let page = focal
            .get(&format!("/phan-cong/{a}?ok=edited_commitment"))
            .await;
        assert!(
            page.body.contains("Đã sửa cam kết.")
                && page.body.contains("tỷ lệ hoàn thành từ 40% thành 60%")
                && page.body.contains(&format!(
                    "ngày cam kết từ {} thành {new_day}",
                    tiendo_web::i18n::date(later)
                )),
            "[{backend}] {}",
            page.body
        );

        // A decided report no longer changes.
        let claim: tiendo_service::input::ReportInput = serde_json::from_value(json!({
            "assignment_id": a, "narrative": "Đã hoàn thành", "claims_completion": true, "completed_on": today()
        }))
        .unwrap();
        let done = service.create_report(&author, &claim).await.expect("claim");
        let review: tiendo_service::input::ReviewInput =
            serde_json::from_value(json!({"accept": true})).unwrap();
        service
            .review_report(&system, done.id, &review)
            .await
            .expect("accept");
        let late = focal.get(&format!("/bao-cao/{}/sua", done.id)).await;
        assert_eq!(late.status, StatusCode::CONFLICT, "[{backend}]");
        assert!(late.body.contains("không sửa được nữa"), "[{backend}]");
    }
}
