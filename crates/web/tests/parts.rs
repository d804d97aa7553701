//! Coordinating agencies in the pages (issue 14 part 7), on both backends: the
//! coordinating agency's focal point finds the work in "Việc của đơn vị tôi",
//! opens the lead's assignment without the lead's reports, reports its part
//! (a bad percent is said on the form with the text kept), and the lead reads
//! it on its assignment page; an agency not named gets 403.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;

#[tokio::test]
async fn a_coordinating_agency_reports_its_part_and_the_lead_reads_it() {
    for (backend, service) in services().await {
        let system = service.system_actor();
        let doc: tiendo_service::input::DocumentInput = serde_json::from_value(json!({
            "number": "31/TB-PH", "kind": "Thông báo", "title": "Kết luận về y tế số",
            "issued_on": "2025-10-01", "issuer": "Văn phòng Chính phủ"
        }))
        .unwrap();
        let doc = service.create_document(&system, &doc).await.expect("doc");
        let task: tiendo_service::input::TaskInput = serde_json::from_value(json!({
            "document_id": doc.id, "text": "Triển khai bệnh án điện tử toàn quốc",
            "lead": ["Bộ Y tế"], "coord": ["Bộ Tài chính"],
            "deadline": {"kind": "date", "due": "2030-06-30"}
        }))
        .unwrap();
        let task = service.create_task(&system, &task).await.expect("task");
        let mut office = signed_in(&service, "vanphong", "admin", None).await;
        let list = office.get(&format!("/nhiem-vu/{}", task.id)).await;
        let href = attr_after(&list.body, "Xem phân công", "href")
            .or_else(|| {
                list.body
                    .split("href=\"/phan-cong/")
                    .nth(1)
                    .map(|r| format!("/phan-cong/{}", r.split('"').next().unwrap_or("")))
            })
            .expect("the assignment's link");
        let id = href.trim_start_matches("/phan-cong/").to_string();

        let mut coord = signed_in(&service, "daumoi.btc", "focal", Some("Bộ Tài chính")).await;
        let work = coord.get("/viec-cua-toi").await;
        assert!(
            work.body.contains(&format!("href=\"/phan-cong/{id}\""))
                && work.body.contains("Phối hợp với cơ quan chủ trì"),
            "[{backend}] my work lists the coordinated assignment: {}",
            work.body
        );
        let page = coord.get(&format!("/phan-cong/{id}")).await;
        assert_eq!(page.status, StatusCode::OK, "[{backend}] {}", page.body);
        assert!(
            page.body.contains("Phối hợp thực hiện nhiệm vụ do Bộ Y tế")
                && !page.body.contains("Báo cáo tiến độ"),
            "[{backend}] the coordinator's view, without the lead's reports: {}",
            page.body
        );
        let csrf = page.csrf();
        let bad = coord
            .post(
                &format!("/phan-cong/{id}/phoi-hop"),
                &[
                    ("csrf", &csrf),
                    ("percent", "nhiều"),
                    ("narrative", "Đã cấp kinh phí."),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "[{backend}]");
        assert!(
            bad.body.contains("tỷ lệ hoàn thành phải là một số")
                && bad.body.contains(">Đã cấp kinh phí.</textarea>"),
            "[{backend}] the error is said and the text kept: {}",
            bad.body
        );
        let ok = coord
            .post(
                &format!("/phan-cong/{id}/phoi-hop"),
                &[
                    ("csrf", &csrf),
                    ("percent", "60"),
                    ("narrative", "Đã cấp kinh phí đợt 1."),
                ],
            )
            .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "[{backend}] {}", ok.body);
        let page = coord.get(&ok.location()).await;
        assert!(
            page.body.contains("Đã ghi nhận phần phối hợp")
                && page.body.contains("Đã cấp kinh phí đợt 1."),
            "[{backend}] {}",
            page.body
        );

        let mut lead = signed_in(&service, "daumoi.byt", "focal", Some("Bộ Y tế")).await;
        let page = lead.get(&format!("/phan-cong/{id}")).await;
        assert!(
            page.body.contains("Phần của cơ quan phối hợp")
                && page.body.contains("Bộ Tài chính")
                && page.body.contains("Đã cấp kinh phí đợt 1.")
                && page.body.contains("60%"),
            "[{backend}] the lead reads the part: {}",
            page.body
        );
        assert!(
            page.body.contains("Báo cáo tiến độ"),
            "[{backend}] and keeps its own forms"
        );

        let mut outsider = signed_in(&service, "daumoi.bca", "focal", Some("Bộ Công an")).await;
        let page = outsider.get(&format!("/phan-cong/{id}")).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "[{backend}]");
        let csrf = outsider.get("/viec-cua-toi").await.csrf();
        let post = outsider
            .post(
                &format!("/phan-cong/{id}/phoi-hop"),
                &[("csrf", &csrf), ("narrative", "x")],
            )
            .await;
        assert_eq!(post.status, StatusCode::FORBIDDEN, "[{backend}]");
    }
}
