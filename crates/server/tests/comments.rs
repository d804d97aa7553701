//! The comment thread of an assignment (issue 14 part 7) on both backends: the
//! office and the agency's focal points write, others are refused, the thread
//! reads oldest first with its authors, as of a past day it is what was written
//! by then, and each comment tells the other side, never its author.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;
use tiendo_core::time::now_micros;

#[tokio::test]
async fn the_office_and_the_agency_talk_beside_the_work() {
    for api in apis().await {
        let b = api.backend;
        let admin = api.user("vanphong", "admin", None).await;
        let focal = api.user("daumoi.byt", "focal", Some("Bộ Y tế")).await;
        let other = api.user("daumoi.btc", "focal", Some("BTC")).await;
        let viewer = api.user("lanhdao", "viewer", None).await;
        let (_, doc) = api
            .call("POST", "/api/v1/documents", Some(&admin), Some(json!({"number": "5/TB-C", "kind": "Thông báo", "title": "Kết luận", "issued_on": "2025-11-16"})))
            .await;
        let (_, task) = api
            .call("POST", "/api/v1/tasks", Some(&admin), Some(json!({"document_id": doc["id"], "text": "Số hóa hồ sơ bệnh án", "deadline": {"kind": "none"}, "lead": ["Bộ Y tế"]})))
            .await;
        let a = api
            .get(&format!("/api/v1/assignments?task={}", task["id"]), &admin)
            .await["items"][0]["id"]
            .as_i64()
            .unwrap();
        let path = format!("/api/v1/assignments/{a}/comments");

        let (s, c) = api
            .call(
                "POST",
                &path,
                Some(&focal),
                Some(json!({"body": "Đề nghị Văn phòng hướng dẫn mẫu báo cáo."})),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "[{b}] {c}");
        assert_eq!(
            (c["author"].as_str(), c["author_agency"].as_str()),
            (Some("daumoi.byt"), Some("Bộ Y tế")),
            "[{b}] {c}"
        );
        let (s, _) = api
            .call(
                "POST",
                &path,
                Some(&admin),
                Some(json!({"body": "Đã gửi mẫu qua email.\nXin xem phụ lục 2."})),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "[{b}]");

        for (who, token) in [("viewer", &viewer), ("another agency", &other)] {
            let (s, _) = api
                .call("POST", &path, Some(token), Some(json!({"body": "x"})))
                .await;
            assert_eq!(s, StatusCode::FORBIDDEN, "[{b}] {who}");
        }
        let (s, _) = api.call("GET", &path, Some(&other), None).await;
        assert_eq!(
            s,
            StatusCode::FORBIDDEN,
            "[{b}] another agency does not read it"
        );
        let (s, e) = api
            .call("POST", &path, Some(&focal), Some(json!({"body": "   "})))
            .await;
        assert_eq!(
            (s, e["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("body")),
            "[{b}] {e}"
        );
        let (s, e) = api
            .call(
                "POST",
                &path,
                Some(&focal),
                Some(json!({"body": "x".repeat(4001)})),
            )
            .await;
        assert_eq!(
            (s, e["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("body")),
            "[{b}] {e}"
        );

        let thread = api.get(&path, &viewer).await;
        let bodies: Vec<&str> = thread
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["body"].as_str().unwrap())
            .collect();
        assert_eq!(
            bodies,
            vec![
                "Đề nghị Văn phòng hướng dẫn mẫu báo cáo.",
                "Đã gửi mẫu qua email.\nXin xem phụ lục 2."
            ],
            "[{b}]"
        );
        let yesterday = tiendo_core::time::today() - chrono::Duration::days(1);
        assert!(
            api.get(&format!("{path}?as_of={yesterday}"), &viewer)
                .await
                .as_array()
                .unwrap()
                .is_empty(),
            "[{b}]"
        );
        let events = api
            .get("/api/v1/events?entity=assignment_comment", &admin)
            .await;
        assert_eq!(events["total"], 2, "[{b}] each comment is in the history");

        // Each side hears of the other's comment, not of its own.
        api.service.notify_tick(now_micros()).await.unwrap();
        let of = |v: serde_json::Value| -> Vec<String> {
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|n| n["kind"] == "comment_added")
                .map(|n| n["body"].as_str().unwrap().to_string())
                .collect()
        };
        let office = of(api.get("/api/v1/notifications", &admin).await);
        assert_eq!(office.len(), 1, "[{b}] {office:?}");
        assert!(
            office[0].contains("Đề nghị Văn phòng hướng dẫn mẫu báo cáo."),
            "[{b}] {office:?}"
        );
        let mine = of(api.get("/api/v1/notifications", &focal).await);
        assert_eq!(mine.len(), 1, "[{b}] {mine:?}");
        assert!(mine[0].contains("Đã gửi mẫu qua email."), "[{b}]");
        let link = api.get("/api/v1/notifications", &focal).await["items"][0]["link"].clone();
        assert_eq!(link, format!("/phan-cong/{a}#trao-doi"), "[{b}]");
        assert!(
            of(api.get("/api/v1/notifications", &other).await).is_empty(),
            "[{b}]"
        );
    }
}
