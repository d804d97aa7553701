//! The demo's review queue is not empty at first sight (issue 14): recent
//! progress reports, written in the last days before today, wait for the office
//! at `/duyet`. On both backends.

mod common;

use axum::http::StatusCode;
use chrono::Days;
use common::*;
use tiendo_core::time::today;
use tiendo_store::ReportFilter;

#[tokio::test]
async fn the_demo_has_recent_reports_waiting_for_review() {
    for (backend, service) in services().await {
        let summary = service.load_demo().await.expect("demo");
        assert!(
            summary.pending_reports >= 3,
            "[{backend}] {}",
            summary.pending_reports
        );
        let pending = service
            .list_reports(
                &service.system_actor(),
                ReportFilter {
                    review_state: Some("pending".into()),
                    page: 1,
                    per_page: 100,
                    ..Default::default()
                },
            )
            .await
            .expect("reports");
        // The completion claims wait for review; progress-only reports do not.
        assert!(pending.total >= 2, "[{backend}] {} waiting", pending.total);
        let week_ago = today() - Days::new(7);
        for r in &pending.items {
            assert!(
                r.reported_on < today() && r.reported_on >= week_ago,
                "[{backend}] report {} of {} is not recent",
                r.id,
                r.reported_on
            );
        }
        assert!(
            pending.items.iter().any(|r| r.claims_completion),
            "[{backend}] a completion claim to accept"
        );
        let mut office = signed_in(&service, "vanphong", "admin", None).await;
        let queue = office.get("/duyet").await;
        assert_eq!(queue.status, StatusCode::OK, "[{backend}]");
        let cards = queue.body.matches("<article class=\"card review").count();
        assert_eq!(
            cards as i64, pending.total as i64,
            "[{backend}] cards in the queue"
        );
        assert!(queue.body.contains("112/BC-DEMO"), "[{backend}]");
        // Each is dated in the page as people write dates.
        let yesterday = today() - Days::new(1);
        assert!(
            queue
                .body
                .contains(&tiendo_core::time::format_date_vi(yesterday)),
            "[{backend}] yesterday's report, dd/mm/yyyy"
        );
    }
}
