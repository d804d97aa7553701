//! Accepting several reports at once (issue 14 item 4) on both backends: all of
//! them in one transaction, or none when one is no longer waiting for review;
//! the office's only; a reason for returning them all.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;

#[tokio::test]
async fn the_office_accepts_several_reports_at_once_or_none() {
    for api in apis().await {
        let b = api.backend;
        let admin = api.user("vanphong", "admin", None).await;
        let focal = api.user("daumoi.byt", "focal", Some("Bộ Y tế")).await;
        let (_, doc) = api
            .call("POST", "/api/v1/documents", Some(&admin), Some(json!({"number": "8/TB-DL", "kind": "Thông báo", "title": "Kết luận", "issued_on": "2025-06-01"})))
            .await;
        let mut reports = Vec::new();
        let mut assignments = Vec::new();
        for text in ["Số hóa hồ sơ", "Kết nối dữ liệu", "Đào tạo cán bộ"] {
            let (_, task) = api
                .call("POST", "/api/v1/tasks", Some(&admin), Some(json!({"document_id": doc["id"], "text": text, "deadline": {"kind": "date", "due": "2030-12-31"}, "lead": ["Bộ Y tế"]})))
                .await;
            let a = api
                .get(&format!("/api/v1/assignments?task={}", task["id"]), &admin)
                .await["items"][0]["id"]
                .as_i64()
                .unwrap();
            let (s, r) = api
                .call("POST", "/api/v1/progress-reports", Some(&focal), Some(json!({"assignment_id": a, "narrative": "Đã xong", "claims_completion": true, "completed_on": "2025-12-01"})))
                .await;
            assert_eq!(s, StatusCode::CREATED, "[{b}] {r}");
            reports.push(r["id"].as_i64().unwrap());
            assignments.push(a);
        }
        let bulk = "/api/v1/progress-reports/review";
        // The third is decided on its own first: a bulk that holds it changes nothing.
        let (s, _) = api
            .call(
                "POST",
                &format!("/api/v1/progress-reports/{}/review", reports[2]),
                Some(&admin),
                Some(json!({"accept": true})),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "[{b}]");
        let (s, e) = api
            .call(
                "POST",
                bulk,
                Some(&admin),
                Some(json!({"ids": [reports[0], reports[2]], "accept": true})),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "[{b}] {e}");
        assert!(
            e.to_string().contains(&format!("report {}", reports[2])),
            "[{b}] the error names the report: {e}"
        );
        let first = api
            .get(&format!("/api/v1/progress-reports/{}", reports[0]), &admin)
            .await;
        assert_eq!(
            first["review_state"].as_str(),
            Some("pending"),
            "[{b}] nothing was half done: {first}"
        );

        for (body, status, who) in [
            (
                json!({"ids": [reports[0]], "accept": true}),
                StatusCode::FORBIDDEN,
                &focal,
            ),
            (
                json!({"ids": [], "accept": true}),
                StatusCode::UNPROCESSABLE_ENTITY,
                &admin,
            ),
            (
                json!({"ids": [reports[0]], "accept": false}),
                StatusCode::UNPROCESSABLE_ENTITY,
                &admin,
            ),
        ] {
            let (s, e) = api.call("POST", bulk, Some(who), Some(body)).await;
            assert_eq!(s, status, "[{b}] {e}");
        }

        let (s, done) = api
            .call(
                "POST",
                bulk,
                Some(&admin),
                Some(json!({"ids": [reports[0], reports[1], reports[0]], "accept": true})),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "[{b}] {done}");
        assert_eq!(
            done.as_array().map(Vec::len),
            Some(2),
            "[{b}] duplicates count once"
        );
        for a in &assignments[..2] {
            let now = api.get(&format!("/api/v1/assignments/{a}"), &admin).await;
            assert_eq!(
                now["completed_on"].as_str(),
                Some("2025-12-01"),
                "[{b}] accepting confirms the completion: {now}"
            );
        }
    }
}
