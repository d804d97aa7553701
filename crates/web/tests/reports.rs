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
            assert!(cd.contains("2025-07-16"), "[{backend}] {cd}");
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
