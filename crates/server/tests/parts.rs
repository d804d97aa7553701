//! Coordinating agencies report their part (issue 14 part 7) on both backends: a
//! focal point of an agency the task names as coordinating, by name or through a
//! group, finds the lead's assignment, reads and writes parts on it, and still
//! does not read the lead's own reports; others are refused; a part never
//! changes the assignment's status.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;

#[tokio::test]
async fn coordinating_agencies_report_their_part_on_the_leads_assignment() {
    for api in apis().await {
        let b = api.backend;
        let admin = api.user("vanphong", "admin", None).await;
        let lead = api.user("daumoi.byt", "focal", Some("Bộ Y tế")).await;
        let named = api.user("daumoi.btc", "focal", Some("Bộ Tài chính")).await;
        let province = api.user("daumoi.hn", "focal", Some("UBND TP Hà Nội")).await;
        let outsider = api.user("daumoi.bca", "focal", Some("Bộ Công an")).await;
        let viewer = api.user("lanhdao", "viewer", None).await;
        let (_, doc) = api
            .call("POST", "/api/v1/documents", Some(&admin), Some(json!({"number": "7/TB-PH", "kind": "Thông báo", "title": "Kết luận", "issued_on": "2025-01-10"})))
            .await;
        let (s, task) = api
            .call("POST", "/api/v1/tasks", Some(&admin), Some(json!({"document_id": doc["id"], "text": "Xây dựng cơ sở dữ liệu y tế", "deadline": {"kind": "date", "due": "2030-12-31"}, "lead": ["Bộ Y tế"], "coord": ["Bộ Tài chính", "@dia-phuong"]})))
            .await;
        assert_eq!(s, StatusCode::CREATED, "[{b}] {task}");
        let a = api
            .get(&format!("/api/v1/assignments?task={}", task["id"]), &admin)
            .await["items"][0]["id"]
            .as_i64()
            .unwrap();
        let parts = format!("/api/v1/assignments/{a}/parts");

        // The coordinating agency finds the work it helps with.
        let listed = api.get("/api/v1/coordinating", &named).await;
        assert_eq!(listed[0]["id"].as_i64(), Some(a), "[{b}] {listed}");
        assert_eq!(
            api.get("/api/v1/coordinating", &outsider)
                .await
                .as_array()
                .map(Vec::len),
            Some(0),
            "[{b}] an agency not named coordinates nothing"
        );

        let (s, p) = api
            .call(
                "POST",
                &parts,
                Some(&named),
                Some(json!({"percent": 100, "narrative": "Đã bố trí kinh phí năm 2025."})),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "[{b}] {p}");
        assert_eq!(p["agency"].as_str(), Some("Bộ Tài chính"), "[{b}] {p}");
        // Named through the group of provinces.
        let (s, p) = api
            .call(
                "POST",
                &parts,
                Some(&province),
                Some(json!({"narrative": "Đã cập nhật dữ liệu của thành phố."})),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "[{b}] {p}");

        // The lead reports progress, not parts; the office reviews; an agency
        // not named neither reads nor writes; a viewer reads.
        for (who, token) in [
            ("the lead", &lead),
            ("the office", &admin),
            ("another agency", &outsider),
            ("a viewer", &viewer),
        ] {
            let (s, _) = api
                .call("POST", &parts, Some(token), Some(json!({"narrative": "x"})))
                .await;
            assert_eq!(s, StatusCode::FORBIDDEN, "[{b}] {who} writes no part");
        }
        let (s, _) = api.call("GET", &parts, Some(&outsider), None).await;
        assert_eq!(
            s,
            StatusCode::FORBIDDEN,
            "[{b}] another agency reads no part"
        );
        for (who, token) in [
            ("the lead", &lead),
            ("a viewer", &viewer),
            ("the named", &named),
        ] {
            let (s, list) = api.call("GET", &parts, Some(token), None).await;
            assert_eq!(
                (s, list.as_array().map(Vec::len)),
                (StatusCode::OK, Some(2)),
                "[{b}] {who} reads both parts: {list}"
            );
        }
        // The lead's own work stays the lead's.
        let (s, _) = api
            .call(
                "GET",
                &format!("/api/v1/reports?assignment={a}"),
                Some(&named),
                None,
            )
            .await;
        assert_ne!(
            s,
            StatusCode::OK,
            "[{b}] a coordinator does not read the lead's reports"
        );

        // A part of 100 % does not complete the assignment.
        let now = api.get(&format!("/api/v1/assignments/{a}"), &admin).await;
        assert_eq!(now["status"].as_str(), Some("in_progress"), "[{b}] {now}");
        assert!(now["completed_on"].is_null(), "[{b}] {now}");

        // Input is checked by field.
        for (body, field) in [
            (json!({"narrative": "  "}), "narrative"),
            (json!({"narrative": "x", "percent": 120}), "percent"),
            (
                json!({"narrative": "x", "reported_on": "2999-01-01"}),
                "reported_on",
            ),
        ] {
            let (s, e) = api.call("POST", &parts, Some(&named), Some(body)).await;
            assert_eq!(
                (s, e["field"].as_str()),
                (StatusCode::UNPROCESSABLE_ENTITY, Some(field)),
                "[{b}] {e}"
            );
        }
        // As of a day before they were written, there were none.
        let before = api.get(&format!("{parts}?as_of=2025-01-11"), &lead).await;
        assert_eq!(before.as_array().map(Vec::len), Some(0), "[{b}] {before}");
        // Each part is in the audit history.
        let audit = api
            .get("/api/v1/events?entity=coordination_part", &admin)
            .await;
        assert_eq!(
            audit["total"].as_i64(),
            Some(2),
            "[{b}] both parts are audited: {audit}"
        );
    }
}
