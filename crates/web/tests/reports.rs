//! Download links of the printed reports on the pages, served with the page's
//! session and as-of day, and refused to a focal point for another agency.

mod common;

use axum::http::StatusCode;
use common::*;

/// The href of the first link whose target starts with `prefix`.
fn href(html: &str, prefix: &str) -> String {
    let html = unescape(html);
    let at = html
        .find(&format!("href=\"{prefix}"))
        .unwrap_or_else(|| panic!("no link to {prefix}"));
    let rest = &html[at + 6..];
    rest[..rest.find('"').unwrap()].to_string()
}

#[tokio::test]
async fn pages_link_their_reports_as_files_of_the_pages_day() {
    for (backend, service) in services().await {
        service.load_demo().await.expect("demo");
        let mut c = signed_in(&service, "lanhdao", "viewer", None).await;
        let home = c.get("/?as_of=2025-07-16").await;
        assert_eq!(home.status, StatusCode::OK);
        for (prefix, kind) in [
            ("/tai-bao-cao/overdue?format=xlsx", "spreadsheetml"),
            ("/tai-bao-cao/overdue?format=docx", "wordprocessingml"),
            ("/tai-bao-cao/overdue?format=pdf", "application/pdf"),
            ("/tai-bao-cao/monthly?format=pdf", "application/pdf"),
        ] {
            let link = href(&home.body, prefix);
            assert!(link.contains("as_of=2025-07-16"), "[{backend}] {link}");
            let f = c.get(&link).await;
            assert_eq!(f.status, StatusCode::OK, "[{backend}] {link}");
            let ct = f.headers["content-type"].to_str().unwrap();
            assert!(ct.contains(kind), "[{backend}] {link}: {ct}");
            let cd = f.headers["content-disposition"].to_str().unwrap();
            assert!(cd.contains("16-07-2025"), "[{backend}] {cd}");
        }
        let bkhcn = service
            .resolve_agency("agency", "bo-khcn", None)
            .expect("agency")
            .id;
        let page = c.get(&format!("/co-quan/{bkhcn}?as_of=2025-07-16")).await;
        assert_eq!(page.status, StatusCode::OK, "[{backend}]");
        let link = href(&page.body, "/tai-bao-cao/agency?agency=bo-khcn&format=pdf");
        let f = c.get(&link).await;
        assert_eq!(f.status, StatusCode::OK, "[{backend}] {link}");
        assert_eq!(f.headers["content-type"], "application/pdf");
        let doc = c.get("/van-ban/1?as_of=2025-07-16").await;
        assert_eq!(doc.status, StatusCode::OK, "[{backend}]");
        let link = href(&doc.body, "/tai-bao-cao/document?document=1&format=docx");
        assert_eq!(c.get(&link).await.status, StatusCode::OK, "[{backend}]");

        // A focal point: not another agency's card.
        let mut focal = signed_in(&service, "daumoi.byt", "focal", Some("Bộ Y tế")).await;
        let f = focal
            .get("/tai-bao-cao/agency?agency=bo-khcn&format=pdf&as_of=2025-07-16")
            .await;
        assert_eq!(f.status, StatusCode::FORBIDDEN, "[{backend}]");
        // Signed out: no file.
        let mut anon = Client::new(&service);
        let f = anon.get("/tai-bao-cao/overdue?format=pdf").await;
        assert_ne!(f.status, StatusCode::OK, "[{backend}]");
    }
}

#[tokio::test]
async fn the_office_issues_an_urging_letter_from_the_pages_and_no_one_else_can() {
    for (backend, service) in services().await {
        service.load_demo().await.expect("demo");
        let system = service.actor_named("system").await.expect("system");
        let day = tiendo_core::time::today();
        let iso = day.to_string();
        let dmy = day.format("%d/%m/%Y").to_string();
        let finish = (day + chrono::Days::new(30)).format("%d/%m/%Y").to_string();
        let report = service.overdue_report(&system, day).await.expect("report");
        let row = &report.rows[0];
        let (agency_id, agency) = (row.incomplete_agency_ids[0], row.incomplete[0].clone());

        let mut office = signed_in(&service, "vanphong", "admin", None).await;
        let home = office.get("/").await;
        assert!(
            home.body.contains("action=\"/cong-van-don-doc\""),
            "[{backend}] dashboard form"
        );
        // No form in a past view (no page offers one there).
        let past = office.get("/?as_of=2025-07-16").await;
        assert!(!past.body.contains("/cong-van-don-doc"), "[{backend}] past");
        let page = office.get(&format!("/co-quan/{agency_id}")).await;
        assert_eq!(page.status, StatusCode::OK, "[{backend}]");
        assert!(
            page.body.contains("action=\"/cong-van-don-doc\""),
            "[{backend}] agency form"
        );
        let csrf = page.csrf();
        let id = agency_id.to_string();
        // Without the anti-forgery field: refused.
        let f = office
            .post(
                "/cong-van-don-doc",
                &[("agency", &id), ("as_of", &iso), ("format", "docx")],
            )
            .await;
        assert_eq!(f.status, StatusCode::FORBIDDEN, "[{backend}]");
        let f = office
            .post(
                "/cong-van-don-doc",
                &[
                    ("csrf", &csrf),
                    ("agency", &id),
                    ("as_of", &iso),
                    ("finish_by", &finish),
                    ("format", "docx"),
                    ("action", "issue"),
                ],
            )
            .await;
        assert_eq!(f.status, StatusCode::OK, "[{backend}] {}", f.body);
        let ct = f.headers["content-type"].to_str().unwrap();
        assert!(ct.contains("wordprocessingml"), "[{backend}] {ct}");
        let cd = f.headers["content-disposition"].to_str().unwrap();
        assert!(
            cd.starts_with("attachment")
                && cd.contains("cong-van-don-doc-")
                && cd.contains(&format!("{}.docx", day.format("%d-%m-%Y"))),
            "[{backend}] {cd}"
        );
        assert_ne!(f.headers["x-urged-assignments"], "0", "[{backend}]");
        // The task's history says so, in words.
        let task = office.get(&format!("/nhiem-vu/{}", row.task_id)).await;
        assert!(
            task.body
                .contains(&format!("đôn đốc {agency} bằng công văn ngày {dmy} (trễ")),
            "[{backend}] {}",
            task.body
        );
        assert!(
            task.body
                .contains(&format!("đề nghị hoàn thành trước ngày {finish}"))
        );
        // A preview as PDF records nothing more.
        let f = office
            .post(
                "/cong-van-don-doc",
                &[
                    ("csrf", &csrf),
                    ("as_of", &iso),
                    ("format", "pdf"),
                    ("action", "preview"),
                ],
            )
            .await;
        assert_eq!(f.status, StatusCode::OK, "[{backend}] {}", f.body);
        assert_eq!(f.headers["content-type"], "application/pdf");
        assert_eq!(f.headers["x-urged-assignments"], "0");

        // A focal point and a viewer: no form, and 403 when they post anyway.
        let mut focal = signed_in(&service, "daumoi", "focal", Some(&agency)).await;
        let own = focal.get(&format!("/co-quan/{agency_id}")).await;
        assert_eq!(own.status, StatusCode::OK, "[{backend}]");
        assert!(
            !own.body.contains("/cong-van-don-doc"),
            "[{backend}] hidden"
        );
        let csrf = own.csrf();
        let f = focal
            .post(
                "/cong-van-don-doc",
                &[("csrf", &csrf), ("agency", &id), ("format", "docx")],
            )
            .await;
        assert_eq!(f.status, StatusCode::FORBIDDEN, "[{backend}]");
        let mut viewer = signed_in(&service, "lanhdao", "viewer", None).await;
        let home = viewer.get("/").await;
        assert!(
            !home.body.contains("/cong-van-don-doc"),
            "[{backend}] hidden"
        );
        let f = viewer
            .post(
                "/cong-van-don-doc",
                &[("csrf", &home.csrf()), ("format", "docx")],
            )
            .await;
        assert_eq!(f.status, StatusCode::FORBIDDEN, "[{backend}]");
    }
}
