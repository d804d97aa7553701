//! Withdrawing a report waiting for review or an extension request not decided
//! yet (issue 14 item 4), on both backends: the author or the office may; the
//! withdrawn one decides nothing, leaves the queue, and stays in the history;
//! once decided (or withdrawn) it cannot be withdrawn (409).

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;

#[tokio::test]
async fn a_report_or_a_request_is_withdrawn_before_its_decision_only() {
    for api in apis().await {
        let b = api.backend;
        let admin = api.user("vanphong", "admin", None).await;
        let author = api.user("daumoi.byt", "focal", Some("Bộ Y tế")).await;
        let colleague = api.user("daumoi2.byt", "focal", Some("Bộ Y tế")).await;
        let (_, doc) = api
            .call("POST", "/api/v1/documents", Some(&admin), Some(json!({"number": "9/TB-RL", "kind": "Thông báo", "title": "Kết luận", "issued_on": "2025-06-01"})))
            .await;
        let (_, task) = api
            .call("POST", "/api/v1/tasks", Some(&admin), Some(json!({"document_id": doc["id"], "text": "Số hóa hồ sơ", "deadline": {"kind": "date", "due": "2030-12-31"}, "lead": ["Bộ Y tế"]})))
            .await;
        let a = api
            .get(&format!("/api/v1/assignments?task={}", task["id"]), &admin)
            .await["items"][0]["id"]
            .as_i64()
            .unwrap();
        let (_, r) = api
            .call("POST", "/api/v1/progress-reports", Some(&author), Some(json!({"assignment_id": a, "narrative": "Đã xong", "claims_completion": true, "completed_on": "2025-12-01"})))
            .await;
        let (_, x) = api
            .call("POST", "/api/v1/extensions", Some(&author), Some(json!({"assignment_id": a, "deadline": {"kind": "date", "due": "2031-06-30"}, "reason": "Chờ kinh phí"})))
            .await;
        let report = format!("/api/v1/progress-reports/{}/withdraw", r["id"]);
        let extension = format!("/api/v1/extensions/{}/withdraw", x["id"]);

        let (s, _) = api.call("POST", &report, Some(&colleague), None).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "[{b}] only the author");
        let (s, done) = api.call("POST", &report, Some(&author), None).await;
        assert_eq!(
            (s, done["review_state"].as_str()),
            (StatusCode::OK, Some("withdrawn")),
            "[{b}] {done}"
        );
        let (s, e) = api.call("POST", &report, Some(&author), None).await;
        assert_eq!(s, StatusCode::CONFLICT, "[{b}] {e}");
        let queue = api
            .get("/api/v1/progress-reports?review_state=pending", &admin)
            .await;
        assert_eq!(queue["total"].as_i64(), Some(0), "[{b}] {queue}");
        let (s, e) = api
            .call(
                "POST",
                &format!("/api/v1/progress-reports/{}/review", r["id"]),
                Some(&admin),
                Some(json!({"accept": true})),
            )
            .await;
        assert_eq!(
            s,
            StatusCode::CONFLICT,
            "[{b}] a withdrawn report is not accepted: {e}"
        );
        let now = api.get(&format!("/api/v1/assignments/{a}"), &admin).await;
        assert!(now["completed_on"].is_null(), "[{b}] {now}");

        // The office may withdraw a request; the deadline stays.
        let (s, done) = api.call("POST", &extension, Some(&admin), None).await;
        assert_eq!(
            (s, done["state"].as_str()),
            (StatusCode::OK, Some("withdrawn")),
            "[{b}] {done}"
        );
        let now = api.get(&format!("/api/v1/assignments/{a}"), &admin).await;
        assert_eq!(
            now["deadline"]["due"].as_str(),
            Some("2030-12-31"),
            "[{b}] {now}"
        );
        let (s, _) = api.call("POST", &extension, Some(&author), None).await;
        assert_eq!(s, StatusCode::CONFLICT, "[{b}]");

        // Both stay in the history.
        let events = api
            .get(
                &format!(
                    "/api/v1/events?entity=progress_report&entity_id={}",
                    r["id"]
                ),
                &admin,
            )
            .await;
        assert!(
            events["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["action"] == "withdraw"),
            "[{b}] {events}"
        );
    }
}
