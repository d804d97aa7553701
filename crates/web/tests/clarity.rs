//! The "6 rõ" in the pages (issue 14): the task list filters tasks that lack one
//! and says what each lacks; the document page counts them and links to them; a
//! task page names the missing ones. On both backends.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;

#[tokio::test]
async fn tasks_lacking_one_of_the_six_are_found_counted_and_named() {
    for (backend, service) in services().await {
        let system = service.system_actor();
        let doc: tiendo_service::input::DocumentInput = serde_json::from_value(json!({
            "number": "12/TB-SR", "kind": "Thông báo", "title": "Kết luận về dữ liệu",
            "issued_on": "2025-10-01", "issuer": "Văn phòng Chính phủ"
        }))
        .unwrap();
        let doc = service.create_document(&system, &doc).await.expect("doc");
        let task = |v: serde_json::Value| -> tiendo_service::input::TaskInput {
            let mut v = v;
            v["document_id"] = json!(doc.id);
            serde_json::from_value(v).unwrap()
        };
        let whole = service
            .create_task(&system, &task(json!({"text": "Hoàn thành cơ sở dữ liệu đất đai", "lead": ["Bộ Y tế"], "leader": "Phó Thủ tướng", "product": "Cơ sở dữ liệu", "deadline": {"kind": "date", "due": "2026-06-30"}})))
            .await
            .expect("task");
        let gap = service
            .create_task(&system, &task(json!({"text": "Rà soát quy trình nội bộ", "lead": ["Bộ Y tế"], "leader": "Phó Thủ tướng", "deadline": {"kind": "none"}})))
            .await
            .expect("task");
        let mut office = signed_in(&service, "vanphong", "admin", None).await;

        let page = office
            .get(&format!("/nhiem-vu?document={}&lacking=product", doc.id))
            .await;
        assert_eq!(page.status, StatusCode::OK, "[{backend}] {}", page.body);
        assert!(
            page.body
                .contains(&format!("href=\"/nhiem-vu/{}\"", gap.id))
                && !page
                    .body
                    .contains(&format!("href=\"/nhiem-vu/{}\"", whole.id)),
            "[{backend}] only the task without a product: {}",
            page.body
        );
        assert!(
            page.body.contains("Thiếu 2/6: rõ thời gian, rõ sản phẩm"),
            "[{backend}] the row says what it lacks: {}",
            page.body
        );
        assert!(
            page.body.contains("<option value=\"product\" selected>"),
            "[{backend}] the filter shows as chosen"
        );
        // Filtering keeps the choice in the page links (pager, exports).
        assert!(
            page.body.contains("lacking=product"),
            "[{backend}] the links keep the filter"
        );

        let page = office.get(&format!("/van-ban/{}", doc.id)).await;
        assert!(
            unescape(&page.body).contains(&format!(
                "href=\"/nhiem-vu?document={}&lacking=any&sort=document\">1 nhiệm vụ thiếu ít nhất một trong 6 rõ",
                doc.id
            )),
            "[{backend}] the document counts its unclear tasks: {}",
            page.body
        );

        let page = office.get(&format!("/nhiem-vu/{}", gap.id)).await;
        assert!(
            page.body.contains("Thiếu 2/6"),
            "[{backend}] the task page counts what it lacks"
        );
        let page = office.get(&format!("/nhiem-vu/{}", whole.id)).await;
        assert!(
            page.body.contains("Đủ 6/6"),
            "[{backend}] a whole task is whole"
        );
    }
}
