//! Import after review: a notice read into proposed tasks, edited, dropped,
//! confirmed; re-importing adds nothing twice; restated tasks are flagged.

mod common;

use axum::http::StatusCode;
use serde_json::{Value, json};

use common::apis;

const NOTICE_624: &str = include_str!("../../../data/corpus/624-TB-VPCP_2025-11-16.txt");

#[tokio::test]
async fn a_notice_becomes_drafts_then_tasks_without_duplicates() {
    for api in apis().await {
        let admin = api.user("vp", "admin", None).await;
        let viewer = api.user("xem", "viewer", None).await;
        let (s, _) = api
            .call(
                "POST",
                "/api/v1/documents/import",
                Some(&viewer),
                Some(json!({"text": NOTICE_624})),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, imported) = api
            .call(
                "POST",
                "/api/v1/documents/import",
                Some(&admin),
                Some(json!({"text": NOTICE_624})),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "[{}] {imported}", api.backend);
        assert_eq!(imported["document"]["number"], "624/TB-VPCP");
        assert_eq!(imported["document"]["issued_on"], "2025-11-16");
        let drafts = imported["drafts"].as_array().unwrap().clone();
        assert!(drafts.len() >= 30, "{}", drafts.len());
        for d in &drafts {
            let passage = d["passage"].as_str().unwrap();
            assert!(
                passage.starts_with(d["text"].as_str().unwrap()),
                "the draft's words are the passage's: {d}"
            );
        }
        let doc = imported["document"]["id"].as_i64().unwrap();
        // Importing the same notice again proposes nothing new.
        let (s, again) = api
            .call(
                "POST",
                "/api/v1/documents/import",
                Some(&admin),
                Some(json!({"text": NOTICE_624})),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(again["drafts_created"], 0);
        assert_eq!(again["drafts"].as_array().unwrap().len(), drafts.len());
        // Edit one (its deadline), drop one, merge two, confirm the rest.
        let first = drafts[0]["id"].as_i64().unwrap();
        let (s, edited) = api
            .call("PATCH", &format!("/api/v1/drafts/{first}"), Some(&admin), Some(json!({"deadline": {"kind": "date", "due": "2025-11-30", "raw": "trước ngày 30/11/2025"}})))
            .await;
        assert_eq!(s, StatusCode::OK, "{edited}");
        assert_eq!(edited["deadline"]["due"], "2025-11-30");
        let second = drafts[1]["id"].as_i64().unwrap();
        let (s, _) = api
            .call(
                "PATCH",
                &format!("/api/v1/drafts/{second}"),
                Some(&admin),
                Some(json!({"dropped": true})),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        let (third, fourth) = (
            drafts[2]["id"].as_i64().unwrap(),
            drafts[3]["id"].as_i64().unwrap(),
        );
        let (s, merged) = api
            .call(
                "POST",
                &format!("/api/v1/drafts/{fourth}/merge"),
                Some(&admin),
                Some(json!({"into": third})),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{merged}");
        let (s, bad) = api
            .call(
                "PATCH",
                &format!("/api/v1/drafts/{first}"),
                Some(&admin),
                Some(json!({"deadline": {"kind": "date"}})),
            )
            .await;
        assert_eq!(
            (s, bad["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("deadline"))
        );
        let (s, confirmed) = api
            .call(
                "POST",
                &format!("/api/v1/documents/{doc}/drafts/confirm"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "[{}] {confirmed}", api.backend);
        let created = confirmed["task_ids"].as_array().unwrap().len();
        assert_eq!(created, drafts.len() - 2, "one dropped, one merged away");
        let tasks = api
            .get(
                &format!("/api/v1/tasks?document={doc}&per_page=100"),
                &admin,
            )
            .await;
        assert_eq!(tasks["total"].as_u64().unwrap() as usize, created);
        let with_edit = tasks["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["text"] == drafts[0]["text"])
            .unwrap();
        assert_eq!(with_edit["deadline"]["due"], "2025-11-30");
        // Confirmed tasks have their assignments: a group becomes one per agency.
        let group_task = tasks["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["lead"][0]["code"] == "@dia-phuong");
        if let Some(t) = group_task {
            assert!(t["assignment_count"].as_i64().unwrap() >= 34, "{t}");
        }
        // A third import still adds nothing: the tasks are known.
        let (_, third_import) = api
            .call(
                "POST",
                "/api/v1/documents/import",
                Some(&admin),
                Some(json!({"text": NOTICE_624})),
            )
            .await;
        assert_eq!(third_import["drafts_created"], 0);
        // A later notice restating a task of 624 is flagged as a likely repeat.
        let restated = "Số: 700/TB-VPCP\nHà Nội, ngày 20 tháng 12 năm 2025\nTHÔNG BÁO\nKẾT LUẬN CUỘC HỌP\n\
            1. Bộ Y tế xây dựng, trình cấp có thẩm quyền phê duyệt Kế hoạch triển khai Sổ sức khỏe điện tử và bệnh án điện tử phạm vi toàn quốc giai đoạn 2026 - 2030, hoàn thành trong tháng 01 năm 2026.\n";
        let (s, later) = api
            .call(
                "POST",
                "/api/v1/documents/import",
                Some(&admin),
                Some(json!({"text": restated})),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{later}");
        let d: &Value = &later["drafts"][0];
        let original = tasks["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| {
                t["text"]
                    .as_str()
                    .unwrap()
                    .starts_with("Bộ Y tế xây dựng, trình cấp")
            })
            .unwrap();
        assert_eq!(d["repeat_of"], original["id"], "[{}] {d}", api.backend);
        assert!(
            d["repeat_of_text"]
                .as_str()
                .unwrap()
                .contains("624/TB-VPCP")
        );
        // Nothing confirmed twice.
        let (s, _) = api
            .call(
                "POST",
                &format!("/api/v1/drafts/{first}/confirm"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT);
    }
}
