//! Cached reads (lists, counts, the overdue report) follow every committed write,
//! whichever server process made it: two services over one database stand for two
//! processes behind a load balancer.

mod common;

use common::*;
use serde_json::json;

#[tokio::test]
async fn a_write_in_one_process_is_seen_by_the_cached_reads_of_another() {
    for (backend, a, b) in service_pairs().await {
        let writer = Api::new(backend, a);
        let reader = Api::new(backend, b);
        let admin = writer.user("admin", "admin", None).await;

        let search = "/api/v1/tasks?q=cau%20truc%20du%20lieu%20mau";
        // As of today: the task is registered now, so earlier days did not know it.
        let overdue = &format!(
            "/api/v1/reports/overdue?as_of={}",
            tiendo_core::time::today()
        );
        // Read twice, so that the answers are cached in the reader.
        for _ in 0..2 {
            assert_eq!(reader.get(search, &admin).await["total"], 0, "[{backend}]");
            assert_eq!(
                reader.get(overdue, &admin).await["rows"]
                    .as_array()
                    .map(Vec::len),
                Some(0),
                "[{backend}]"
            );
        }

        let (status, doc) = writer
            .call(
                "POST",
                "/api/v1/documents",
                Some(&admin),
                Some(json!({"number": "1/TB-TEST", "kind": "Thông báo",
                            "title": "Thông báo thử", "issued_on": "2024-12-01"})),
            )
            .await;
        assert_eq!(status, 201, "[{backend}] {doc}");
        let (status, task) = writer
            .call(
                "POST",
                "/api/v1/tasks",
                Some(&admin),
                Some(
                    json!({"document_id": doc["id"], "text": "Xây dựng cấu trúc dữ liệu mẫu",
                            "deadline": {"kind": "date", "due": "2025-01-01", "raw": "01/01/2025"},
                            "lead": ["Bộ Y tế"]}),
                ),
            )
            .await;
        assert_eq!(status, 201, "[{backend}] {task}");

        let found = reader.get(search, &admin).await;
        assert_eq!(
            found["total"], 1,
            "[{backend}] the reader's cached list is stale: {found}"
        );
        let report = reader.get(overdue, &admin).await;
        let rows = report["rows"].as_array().expect("rows");
        assert_eq!(
            rows.len(),
            1,
            "[{backend}] the reader's cached report is stale"
        );
        assert_eq!(rows[0]["incomplete"], json!(["Bộ Y tế"]), "[{backend}]");
    }
}
