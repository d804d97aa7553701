//! The agency card's chart over a chosen period (issue 14): a year or a range of
//! months chosen with a form, by default the twelve months up to the latest
//! month in which the agency's work changed; errors by their field (422) with
//! what was typed kept. On both backends.

mod common;

use axum::http::StatusCode;
use chrono::NaiveDate;
use common::*;
use tiendo_core::time::start_of_day;
use tiendo_service::Service;
use tiendo_service::import::ImportOptions;
use tiendo_service::input::{AssignmentPatchInput, DocumentInput};
use tiendo_store::Stamp;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn noon(s: &str) -> i64 {
    start_of_day(day(s)) + 12 * 3_600_000_000
}

/// A task of Bộ Y tế given on 01/02/2024, due 31/03/2024, completed 20/03/2024
/// (recorded the next day); nothing since. Returns the agency's id.
async fn old_work(service: &Service) -> i64 {
    let system = service.system_actor();
    let line = serde_json::json!({"ref": "1", "text": "Hoàn thiện hồ sơ bệnh án điện tử", "lead": ["Bộ Y tế"], "deadline": {"kind": "date", "due": "2024-03-31"}});
    let summary = service
        .import_jsonl(
            &system,
            &line.to_string(),
            ImportOptions {
                document: Some(DocumentInput {
                    number: Some("12/TB-VPCP".into()),
                    kind: "Thông báo".into(),
                    title: "Thử diễn biến".into(),
                    issued_on: Some(day("2024-02-01")),
                    issuer: None,
                    signer: None,
                    body: None,
                }),
                recorded_at: Some(noon("2024-02-01")),
            },
        )
        .await
        .expect("import");
    let a = assignments_of(service, summary.task_ids[0]).await;
    let patch: AssignmentPatchInput =
        serde_json::from_value(serde_json::json!({ "completed_on": "2024-03-20" })).unwrap();
    service
        .patch_assignment_stamped(
            &system,
            a[0].id,
            &patch,
            Stamp::backdated(None, noon("2024-03-21")),
        )
        .await
        .expect("complete");
    a[0].agency_id
}

fn row(month: &str, overdue: u32, completed: u32) -> String {
    format!(
        "<tr><td>{month}</td><td class=\"num\">{overdue}</td><td class=\"num\">{completed}</td></tr>"
    )
}

#[tokio::test]
async fn the_chart_shows_the_chosen_period_and_by_default_the_latest_with_data() {
    for (backend, service) in services().await {
        let id = old_work(&service).await;
        let mut viewer = signed_in(&service, "lanhdao", "viewer", None).await;
        let path = format!("/co-quan/{id}");

        // By default: the twelve months up to 03/2024, not the current year.
        let page = viewer.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "[{backend}]");
        assert!(
            page.body
                .contains("id=\"trend-period\">(04/2023 – 03/2024)"),
            "[{backend}] default period"
        );
        assert!(page.body.contains(&row("02/2024", 0, 0)), "[{backend}]");
        assert!(page.body.contains(&row("03/2024", 0, 1)), "[{backend}]");
        assert!(
            page.body.contains("id=\"trend-form\""),
            "[{backend}] the form"
        );

        // A whole year.
        let year = viewer.get(&format!("{path}?nam=2024")).await;
        assert_eq!(year.status, StatusCode::OK, "[{backend}]");
        assert!(year.body.contains("(01/2024 – 12/2024)"), "[{backend}]");
        assert!(year.body.contains(&row("12/2024", 0, 1)), "[{backend}]");
        assert_eq!(
            year.body.matches("<tr><td>").count() - page.body.matches("<tr><td>").count(),
            0,
            "[{backend}] twelve months either way"
        );

        // A range of months, typed the Vietnamese way.
        let range = viewer
            .get(&format!("{path}?tu=01%2F2024&den=05%2F2024"))
            .await;
        assert_eq!(range.status, StatusCode::OK, "[{backend}]");
        assert!(range.body.contains("(01/2024 – 05/2024)"), "[{backend}]");
        assert!(range.body.contains(&row("01/2024", 0, 0)), "[{backend}]");
        assert!(range.body.contains(&row("05/2024", 0, 1)), "[{backend}]");
        assert!(
            !range.body.contains("<tr><td>06/2024</td>"),
            "[{backend}] not past the range"
        );
        assert!(
            range.body.contains("value=\"01/2024\""),
            "[{backend}] the form keeps it"
        );

        // Badly typed: the error by its field, 422, what was typed kept.
        let bad = viewer
            .get(&format!("{path}?tu=13%2F2024&den=05%2F2024"))
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "[{backend}]");
        assert!(
            bad.body
                .contains("id=\"trend-from-err\">Nhập tháng theo dạng tháng/năm"),
            "[{backend}] the error by the field"
        );
        assert!(bad.body.contains("value=\"13/2024\""), "[{backend}] kept");
        let backwards = viewer
            .get(&format!("{path}?tu=05%2F2024&den=01%2F2024"))
            .await;
        assert_eq!(
            backwards.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{backend}]"
        );
        assert!(
            backwards
                .body
                .contains("id=\"trend-from-err\">Tháng đầu phải trước"),
            "[{backend}]"
        );
        let old = viewer.get(&format!("{path}?nam=1990")).await;
        assert_eq!(old.status, StatusCode::UNPROCESSABLE_ENTITY, "[{backend}]");
        assert!(
            old.body.contains("id=\"trend-year-err\">Năm phải từ 2000"),
            "[{backend}]"
        );

        // Another agency's focal point still gets 403.
        let mut focal = signed_in(&service, "daumoi.bca", "focal", Some("Bộ Công an")).await;
        let refused = focal.get(&format!("{path}?nam=2024")).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "[{backend}]");
    }
}
