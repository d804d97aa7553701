//! Issue 14: every page seen `?as_of=` a day shows only what the system knew at
//! the end of that day (Asia/Ho_Chi_Minh), and the full history reads as words.
//! On SQLite and, when configured, PostgreSQL, over the demo data.

mod common;

use axum::http::StatusCode;
use common::{services, signed_in};
use serde_json::json;
use tiendo_core::policy::{Actor, Role};
use tiendo_core::status::Status;
use tiendo_core::time::today;
use tiendo_service::Service;
use tiendo_store::AssignmentFilter;

const FOCAL_AGENCY: &str = "Bộ Công an";

/// An assignment of the agency overdue today and already overdue yesterday.
async fn overdue_assignment(service: &Service, agency: i64) -> i64 {
    let yesterday = today().pred_opt().unwrap();
    let page = service
        .list_assignments(
            &service.system_actor(),
            AssignmentFilter {
                task_id: None,
                agency_id: Some(agency),
                document_id: None,
                status: Some(Status::Overdue),
                as_of: yesterday,
                due_soon_days: 0,
                confined_to: None,
                page: 1,
                per_page: 1,
            },
        )
        .await
        .expect("assignments");
    page.items.first().expect("an overdue assignment").id
}

fn iso(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

#[tokio::test]
async fn an_assignment_seen_as_of_yesterday_shows_nothing_recorded_today() {
    for (backend, service) in services().await {
        service.load_demo().await.expect("demo");
        let system: Actor = service.system_actor();
        assert_eq!(system.role, Role::Admin);
        let agency = service
            .resolve_agency("agency", FOCAL_AGENCY, None)
            .expect("agency")
            .id;
        let id = overdue_assignment(&service, agency).await;
        let yesterday = today().pred_opt().unwrap();
        // Today: a completion report; an extension asked and refused; a commitment;
        // then the report accepted.
        let report = service
            .create_report(
                &system,
                &serde_json::from_value(json!({
                    "assignment_id": id, "claims_completion": true, "completed_on": iso(today()),
                    "narrative": "Báo cáo ghi hôm nay để kiểm thử"
                }))
                .unwrap(),
            )
            .await
            .expect("report");
        let x = service
            .request_extension(
                &system,
                &serde_json::from_value(json!({
                    "assignment_id": id,
                    "deadline": {"kind": "date", "due": iso(today() + chrono::Days::new(90))},
                    "reason": "Lý do gia hạn ghi hôm nay"
                }))
                .unwrap(),
            )
            .await;
        if let Ok(x) = &x {
            service
                .decide_extension(
                    &system,
                    x.id,
                    &serde_json::from_value(json!({"approve": false, "note": "Không đủ căn cứ"}))
                        .unwrap(),
                )
                .await
                .expect("refuse");
        }
        service
            .create_commitment(
                &system,
                &serde_json::from_value(json!({
                    "assignment_id": id, "committed_on": iso(today() + chrono::Days::new(30)),
                    "letter_number": "77/CK-HOMNAY"
                }))
                .unwrap(),
            )
            .await
            .expect("commitment");
        service
            .review_report(
                &system,
                report.id,
                &serde_json::from_value(json!({"accept": true})).unwrap(),
            )
            .await
            .expect("accept");
        let now = service.get_assignment(&system, id, today()).await.unwrap();
        assert!(now.status.is_completed(), "[{backend}] {:?}", now.status);

        let mut office = signed_in(&service, "vanphong", "admin", None).await;
        let page = office.get(&format!("/phan-cong/{id}")).await;
        assert_eq!(page.status, StatusCode::OK, "[{backend}]");
        assert!(page.body.contains("Báo cáo ghi hôm nay để kiểm thử"));
        assert!(page.body.contains("77/CK-HOMNAY"));

        // As of yesterday: none of it, and the status of yesterday.
        let path = format!("/phan-cong/{id}?as_of={}", yesterday.format("%d/%m/%Y"));
        let past = office.get(&path).await;
        assert_eq!(past.status, StatusCode::OK, "[{backend}]");
        for today_only in [
            "Báo cáo ghi hôm nay để kiểm thử",
            "Đã chấp nhận",
            "được chấp nhận",
            "bị từ chối",
            "Lý do gia hạn ghi hôm nay",
            "77/CK-HOMNAY",
        ] {
            assert!(
                !past.body.contains(today_only),
                "[{backend}] {today_only:?} shown as of yesterday"
            );
        }
        assert!(past.body.contains("Quá hạn"), "[{backend}] status then");
        assert!(
            !past.body.contains("Hoàn thành đúng hạn") && !past.body.contains("Hoàn thành trễ hạn")
        );

        // The task page and its history agree.
        let task = format!("/nhiem-vu/{}?as_of={}", now.task_id, iso(yesterday));
        let past_task = office.get(&task).await;
        assert_eq!(past_task.status, StatusCode::OK);
        assert!(!past_task.body.contains("Báo cáo ghi hôm nay để kiểm thử"));
        assert!(!past_task.body.contains("77/CK-HOMNAY"));

        // Today's own view (as_of = today) shows it accepted.
        let page = office
            .get(&format!("/phan-cong/{id}?as_of={}", iso(today())))
            .await;
        assert!(page.body.contains("Đã chấp nhận"));

        // The dashboard's recent reports as of yesterday do not hold it either.
        let dash = office.get(&format!("/?as_of={}", iso(yesterday))).await;
        assert!(!dash.body.contains("Báo cáo ghi hôm nay để kiểm thử"));
    }
}

#[tokio::test]
async fn a_document_recorded_today_did_not_exist_yesterday() {
    for (backend, service) in services().await {
        service.load_demo().await.expect("demo");
        let system = service.system_actor();
        let doc = service
            .create_document(
                &system,
                &serde_json::from_value(json!({
                    "number": "999/TB-KIEMTHU", "kind": "Thông báo",
                    "title": "Văn bản ghi hôm nay", "issued_on": iso(today())
                }))
                .unwrap(),
            )
            .await
            .expect("document");
        let yesterday = today().pred_opt().unwrap();
        let mut c = signed_in(&service, "lanhdao", "viewer", None).await;
        let list = c.get("/van-ban?q=999").await;
        assert!(list.body.contains("999/TB-KIEMTHU"), "[{backend}]");
        let past = c
            .get(&format!(
                "/van-ban?q=999&as_of={}",
                yesterday.format("%d/%m/%Y")
            ))
            .await;
        assert_eq!(past.status, StatusCode::OK);
        assert!(
            !past.body.contains("999/TB-KIEMTHU"),
            "[{backend}] listed as of yesterday"
        );
        let open = c
            .get(&format!("/van-ban/{}?as_of={}", doc.id, iso(yesterday)))
            .await;
        assert_eq!(open.status, StatusCode::NOT_FOUND, "[{backend}]");
        assert!(
            open.body.contains(&format!(
                "chưa có trong hệ thống vào ngày {}",
                yesterday.format("%d/%m/%Y")
            )),
            "[{backend}] {}",
            open.body
        );
        let en = c
            .get(&format!(
                "/van-ban/{}?as_of={}&lang=en",
                doc.id,
                iso(yesterday)
            ))
            .await;
        assert!(en.body.contains("did not exist yet on"), "[{backend}]");
        assert_eq!(
            c.get(&format!("/van-ban/{}", doc.id)).await.status,
            StatusCode::OK
        );
        // A task of a document recorded today did not exist yesterday either.
        let task = service
            .create_task(
                &system,
                &serde_json::from_value(json!({
                    "document_id": doc.id, "text": "Nhiệm vụ ghi hôm nay",
                    "deadline": {"kind": "none"}, "lead": ["Bộ Công an"]
                }))
                .unwrap(),
            )
            .await
            .expect("task");
        let open = c
            .get(&format!("/nhiem-vu/{}?as_of={}", task.id, iso(yesterday)))
            .await;
        assert_eq!(open.status, StatusCode::NOT_FOUND, "[{backend}]");
        // (in English: the client asked for it above and the cookie keeps it)
        assert!(
            open.body.contains(&format!(
                "This task did not exist yet on {}",
                yesterday.format("%d/%m/%Y")
            )),
            "{}",
            &open.body[open.body.find("<main").unwrap_or(0)..]
        );
        assert_eq!(
            c.get(&format!("/nhiem-vu/{}", task.id)).await.status,
            StatusCode::OK
        );
        // 624/TB-VPCP (16/11/2025) was not there on 16/07/2025.
        let today_list = c.get("/van-ban?q=624").await;
        assert!(today_list.body.contains("624/TB-VPCP"), "[{backend}]");
        let july = c.get("/van-ban?q=624&as_of=16/07/2025").await;
        assert!(!july.body.contains("624/TB-VPCP"), "[{backend}]");
    }
}

#[tokio::test]
async fn the_history_reads_as_sentences_and_the_raw_record_is_the_offices() {
    for (backend, service) in services().await {
        service.load_demo().await.expect("demo");
        let system = service.system_actor();
        let agency = service
            .resolve_agency("agency", FOCAL_AGENCY, None)
            .expect("agency")
            .id;
        let id = overdue_assignment(&service, agency).await;
        let report = service
            .create_report(
                &system,
                &serde_json::from_value(json!({
                    "assignment_id": id, "claims_completion": true, "completed_on": iso(today()), "narrative": "Đã xong"
                }))
                .unwrap(),
            )
            .await
            .expect("report");
        service
            .review_report(
                &system,
                report.id,
                &serde_json::from_value(json!({"accept": false, "note": "Thiếu minh chứng"}))
                    .unwrap(),
            )
            .await
            .expect("return");
        let task = service
            .get_assignment(&system, id, today())
            .await
            .unwrap()
            .task_id;
        let mut focal = signed_in(&service, "daumoi.bca", "focal", Some(FOCAL_AGENCY)).await;
        let page = focal.get(&format!("/nhiem-vu/{task}")).await;
        assert_eq!(page.status, StatusCode::OK, "[{backend}]");
        let history = &page.body[page.body.find("id=\"h-history\"").expect("history")..];
        for raw in [
            "review_state",
            "assignees",
            "deadline_kind",
            "sha256",
            "{&quot;",
            "{\"",
        ] {
            assert!(
                !history.contains(raw),
                "[{backend}] {raw:?} in the focal point's history"
            );
        }
        assert!(
            history.contains("Hệ thống"),
            "[{backend}] the system user by name"
        );
        assert!(
            history.contains("báo cáo bị trả lại; lý do: “Thiếu minh chứng”"),
            "[{backend}]"
        );
        assert!(
            history.contains(&format!("phân công cho {FOCAL_AGENCY}")),
            "[{backend}]"
        );
        assert!(
            !history.contains("class=\"raw\""),
            "[{backend}] raw record for a focal point"
        );
        // The assignment page has its own history, in the same words.
        let page = focal.get(&format!("/phan-cong/{id}")).await;
        let history = &page.body[page.body.find("id=\"h-history\"").expect("history")..];
        assert!(history.contains("báo cáo bị trả lại"), "[{backend}]");
        assert!(!history.contains("review_state") && !history.contains("class=\"raw\""));
        let en = focal.get(&format!("/nhiem-vu/{task}?lang=en")).await;
        assert!(en.body.contains("the report was returned"), "[{backend}]");
        // The office has the raw record behind a toggle.
        let mut office = signed_in(&service, "vanphong", "admin", None).await;
        let page = office.get(&format!("/nhiem-vu/{task}")).await;
        let history = &page.body[page.body.find("id=\"h-history\"").expect("history")..];
        assert!(history.contains("<details class=\"raw\">"), "[{backend}]");
        assert!(history.contains("review_state"), "[{backend}]");
    }
}
