//! Page polish (issue 14 item 12): the review cards say where the work stands,
//! shares of nothing due are "—", the document list shows numbers, the agency
//! card names the agency, a focal point's dashboard is its own agency's work,
//! and the demo tasks carry their fields. On both backends.

mod common;

use axum::http::StatusCode;
use chrono::Days;
use common::*;
use serde_json::{Value, json};
use tiendo_core::time::today;
use tiendo_service::Service;
use tiendo_store::AssignmentFilter;

fn iso(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A document with a number (or none), recorded by the system actor.
async fn document(service: &Service, number: Option<&str>, title: &str) -> i64 {
    let mut v = json!({
        "kind": "Thông báo", "title": title,
        "issued_on": "2025-10-01", "issuer": "Văn phòng Chính phủ"
    });
    if let Some(n) = number {
        v["number"] = json!(n);
    }
    let input: tiendo_service::input::DocumentInput = serde_json::from_value(v).unwrap();
    service
        .create_document(&service.system_actor(), &input)
        .await
        .expect("document")
        .id
}

/// A task of the document led by an agency; returns (task id, its assignment id).
async fn task(service: &Service, doc: i64, text: &str, lead: &str, deadline: Value) -> (i64, i64) {
    let input: tiendo_service::input::TaskInput = serde_json::from_value(json!({
        "document_id": doc, "text": text, "lead": [lead], "leader": "Phó Thủ tướng",
        "product": "Báo cáo", "deadline": deadline
    }))
    .unwrap();
    let system = service.system_actor();
    let t = service.create_task(&system, &input).await.expect("task");
    let page = service
        .list_assignments(
            &system,
            AssignmentFilter {
                task_id: Some(t.id),
                agency_id: None,
                document_id: None,
                status: None,
                as_of: today(),
                due_soon_days: 0,
                confined_to: None,
                page: 1,
                per_page: 5,
            },
        )
        .await
        .expect("assignments");
    (t.id, page.items.first().expect("an assignment").id)
}

fn date_due(d: chrono::NaiveDate) -> Value {
    json!({"kind": "date", "due": iso(d)})
}

#[tokio::test]
async fn review_cards_show_deadline_days_late_percent_and_history_link() {
    for (backend, service) in services().await {
        let system = service.system_actor();
        let doc = document(&service, Some("7/TB-PL"), "Kết luận về cải cách").await;
        let due = today() - Days::new(10);
        let (_, a) = task(
            &service,
            doc,
            "Hoàn thiện hồ sơ thủ tục",
            "Bộ Y tế",
            date_due(due),
        )
        .await;
        service
            .create_report(
                &system,
                &serde_json::from_value(json!({
                    "assignment_id": a, "claims_completion": true,
                    "completed_on": iso(today()), "narrative": "Đã xong phần việc"
                }))
                .unwrap(),
            )
            .await
            .expect("report");
        let late = service
            .get_assignment(&system, a, today())
            .await
            .expect("assignment")
            .days_late;
        assert!(late > 0, "[{backend}] the assignment is late");
        let mut office = signed_in(&service, "vanphong", "admin", None).await;
        let page = office.get("/duyet").await;
        assert_eq!(page.status, StatusCode::OK, "[{backend}] {}", page.body);
        let body = unescape(&page.body);
        assert!(
            body.contains(&format!(
                "<strong>Thời hạn:</strong> {}",
                due.format("%d/%m/%Y")
            )),
            "[{backend}] the deadline in force: {body}"
        );
        assert!(
            body.contains(&format!("Quá hạn {late} ngày")),
            "[{backend}] days late: {body}"
        );
        assert!(
            body.contains("<strong>Tiến độ báo cáo:</strong> 100%"),
            "[{backend}] the report's percent: {body}"
        );
        assert!(
            body.contains(&format!("href=\"/phan-cong/{a}#h-history\"")),
            "[{backend}] a link to the assignment's history: {body}"
        );
        // The anchor exists on the assignment page.
        let page = office.get(&format!("/phan-cong/{a}")).await;
        assert!(
            page.body.contains("id=\"h-history\""),
            "[{backend}] the history section's anchor"
        );
    }
}

#[tokio::test]
async fn a_document_with_nothing_due_shows_a_dash_for_its_shares() {
    for (backend, service) in services().await {
        let ahead = document(&service, Some("8/TB-PL"), "Việc chưa đến hạn").await;
        task(
            &service,
            ahead,
            "Xây dựng đề án mới",
            "Bộ Y tế",
            date_due(today() + Days::new(60)),
        )
        .await;
        let empty = document(&service, Some("9/TB-PL"), "Văn bản chưa có nhiệm vụ").await;
        let behind = document(&service, Some("10/TB-PL"), "Việc đã quá hạn").await;
        task(
            &service,
            behind,
            "Sửa đổi nghị định",
            "Bộ Y tế",
            date_due(today() - Days::new(5)),
        )
        .await;
        let mut office = signed_in(&service, "vanphong", "admin", None).await;
        let share = |body: &str| {
            let at = body.find("Hoàn thành đúng hạn:").expect("the share line");
            body[at..at + body[at..].find("</p>").unwrap()].to_string()
        };
        for doc in [ahead, empty] {
            let page = office.get(&format!("/van-ban/{doc}")).await;
            assert_eq!(page.status, StatusCode::OK, "[{backend}] {}", page.body);
            let line = share(&page.body);
            assert!(
                line.contains("<span class=\"big\">—</span>")
                    && line.contains("<strong>—</strong>")
                    && !line.contains("0,0%"),
                "[{backend}] nothing due, no share: {line}"
            );
        }
        let page = office.get(&format!("/van-ban/{behind}")).await;
        let line = share(&page.body);
        assert!(
            line.contains("<span class=\"big\">0,0%</span>"),
            "[{backend}] an overdue task makes the share 0,0%: {line}"
        );
    }
}

#[tokio::test]
async fn the_document_list_shows_numbers_not_kinds() {
    for (backend, service) in services().await {
        let numbered = document(&service, Some("365/TB-VPCP"), "Kết luận có số").await;
        let bare = document(&service, None, "Kết luận không số").await;
        let mut office = signed_in(&service, "vanphong", "admin", None).await;
        let page = office.get("/van-ban").await;
        assert_eq!(page.status, StatusCode::OK, "[{backend}] {}", page.body);
        let cell = |id: i64| {
            let marker = format!("<a href=\"/van-ban/{id}\">");
            let at = page.body.find(&marker).expect("the row") + marker.len();
            page.body[at..at + page.body[at..].find("</a>").unwrap()].to_string()
        };
        assert_eq!(cell(numbered), "365/TB-VPCP", "[{backend}] the number");
        assert_eq!(
            cell(bare),
            "Không số",
            "[{backend}] no number, not the kind"
        );
        assert!(
            page.body
                .contains("<span class=\"tag\">Thông báo</span> Kết luận không số"),
            "[{backend}] the kind stays by the title"
        );
    }
}

#[tokio::test]
async fn the_agency_card_breadcrumb_names_the_agency() {
    for (backend, service) in services().await {
        let agency = service
            .resolve_agency("agency", "Bộ Y tế", None)
            .expect("agency");
        let mut office = signed_in(&service, "vanphong", "admin", None).await;
        let page = office.get(&format!("/co-quan/{}", agency.id)).await;
        assert_eq!(page.status, StatusCode::OK, "[{backend}] {}", page.body);
        let at = page.body.find("<nav class=\"crumbs\"").expect("crumbs");
        let crumbs = &page.body[at..at + page.body[at..].find("</nav>").unwrap()];
        assert!(
            crumbs.contains(">Cơ quan</a> › <span aria-current=\"page\">Bộ Y tế</span>"),
            "[{backend}] Cơ quan › the agency's name: {crumbs}"
        );
    }
}

#[tokio::test]
async fn a_focal_points_dashboard_shows_its_own_agencys_work() {
    for (backend, service) in services().await {
        let doc = document(&service, Some("11/TB-PL"), "Việc của các bộ").await;
        let past = date_due(today() - Days::new(3));
        let (_, own_late) = task(
            &service,
            doc,
            "Ban hành quy chế dữ liệu y tế",
            "Bộ Y tế",
            past.clone(),
        )
        .await;
        let soon = date_due(today() + Days::new(2));
        let (_, own_soon) = task(
            &service,
            doc,
            "Kết nối hồ sơ sức khỏe điện tử",
            "Bộ Y tế",
            soon,
        )
        .await;
        task(
            &service,
            doc,
            "Hoàn thiện cơ sở dữ liệu dân cư",
            "Bộ Công an",
            past,
        )
        .await;
        let mut focal = signed_in(&service, "daumoi", "focal", Some("Bộ Y tế")).await;
        let page = focal.get("/").await;
        assert_eq!(page.status, StatusCode::OK, "[{backend}] {}", page.body);
        let body = unescape(&page.body);
        assert!(
            body.contains("Tổng quan công việc của <a href=\"/co-quan/")
                && body.contains(">Bộ Y tế</a>"),
            "[{backend}] the page is its agency's: {body}"
        );
        let table = |id: &str| {
            let at = body.find(&format!("id=\"{id}\"")).expect(id);
            body[at..at + body[at..].find("</table>").unwrap()].to_string()
        };
        let late = table("own-overdue");
        assert!(
            late.contains(&format!("href=\"/phan-cong/{own_late}\"")),
            "[{backend}] its overdue assignment: {late}"
        );
        assert!(
            !body.contains("Hoàn thiện cơ sở dữ liệu dân cư"),
            "[{backend}] never another agency's work"
        );
        assert!(
            table("own-soon").contains(&format!("href=\"/phan-cong/{own_soon}\"")),
            "[{backend}] its assignment due soon"
        );
        assert!(
            body.contains("href=\"/viec-cua-toi\""),
            "[{backend}] a link to its work"
        );
        assert!(
            !body.contains("Quá hạn theo cơ quan") && !body.contains("Báo cáo tháng gửi Thủ tướng"),
            "[{backend}] no national charts or reports"
        );
        // The office still sees the national overview.
        let mut office = signed_in(&service, "vanphong", "admin", None).await;
        let page = office.get("/").await;
        assert!(
            page.body.contains("Quá hạn theo cơ quan") && !page.body.contains("id=\"own-overdue\""),
            "[{backend}] the office's dashboard is national"
        );
    }
}

#[tokio::test]
async fn the_demo_tasks_have_fields_the_filter_finds() {
    for (backend, service) in services().await {
        service.load_demo().await.expect("demo");
        let mut office = signed_in(&service, "vanphong", "admin", None).await;
        let count = |body: &str| -> i64 {
            let at = body.find("<p role=\"status\"><strong>").expect("the count") + 25;
            let n = &body[at..at + body[at..].find("</strong>").unwrap()];
            n.replace('.', "").parse().expect("a number")
        };
        let all = count(&office.get("/nhiem-vu").await.body);
        let mut sum = 0;
        for (field, _) in tiendo_core::model::FIELDS {
            let page = office.get(&format!("/nhiem-vu?field={field}")).await;
            assert_eq!(page.status, StatusCode::OK, "[{backend}] {}", page.body);
            let n = count(&page.body);
            assert!(n > 0, "[{backend}] the filter finds {field} tasks");
            sum += n;
        }
        assert!(sum <= all, "[{backend}] one field a task: {sum} of {all}");
    }
}
