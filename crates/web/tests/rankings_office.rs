//! The rankings in the pages (issue 14, items 4 and 10): the office computes,
//! previews and publishes a month at `/xep-hang/tinh-diem`; focal points and
//! viewers get 403; places are tie-aware (1, 1, 3) and movement compares them;
//! the run number and hash are the office's only.

mod common;

use axum::http::StatusCode;
use chrono::{Datelike, NaiveDate};
use common::*;
use tiendo_core::policy::Actor;
use tiendo_core::scoring::Month;
use tiendo_core::time::{start_of_day, today};
use tiendo_service::Service;
use tiendo_service::import::ImportOptions;
use tiendo_service::input::{AssignmentPatchInput, DocumentInput};
use tiendo_store::{AssignmentFilter, NewScoreRun, Stamp};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn noon(s: &str) -> i64 {
    start_of_day(day(s)) + 12 * 3_600_000_000
}

/// A task shared by `lead`, due `due`, imported on `imported`; the agencies of
/// `done` complete it on `done_on` (recorded the next day).
async fn task(
    service: &Service,
    office: &Actor,
    number: &str,
    lead: &[&str],
    (imported, due): (&str, &str),
    done: &[&str],
    done_on: &str,
) {
    let line = serde_json::json!({"ref": "1", "text": format!("Nhiệm vụ {number}"), "lead": lead, "deadline": {"kind": "date", "due": due}});
    let summary = service
        .import_jsonl(
            office,
            &line.to_string(),
            ImportOptions {
                document: Some(DocumentInput {
                    number: Some(number.into()),
                    kind: "Thông báo".into(),
                    title: "Thử xếp hạng".into(),
                    issued_on: Some(day(imported)),
                    issuer: None,
                    signer: None,
                    body: None,
                }),
                recorded_at: Some(noon(imported)),
            },
        )
        .await
        .expect("import");
    let list = service
        .list_assignments(
            office,
            AssignmentFilter {
                task_id: Some(summary.task_ids[0]),
                agency_id: None,
                document_id: None,
                status: None,
                as_of: today(),
                due_soon_days: 7,
                confined_to: None,
                page: 1,
                per_page: 50,
            },
        )
        .await
        .expect("assignments");
    for a in list
        .items
        .iter()
        .filter(|a| done.contains(&a.agency_name.as_str()))
    {
        let patch: AssignmentPatchInput =
            serde_json::from_value(serde_json::json!({ "completed_on": done_on })).unwrap();
        let next = day(done_on).succ_opt().unwrap().to_string();
        service
            .patch_assignment_stamped(office, a.id, &patch, Stamp::backdated(None, noon(&next)))
            .await
            .expect("complete");
    }
}

/// October and November 2025: Bộ Tài chính and Bộ Y tế complete their task of
/// each month on time (100 each), Bộ Công Thương does not (0): 1, 1, 3 both months.
async fn two_months(service: &Service) {
    let office = service.system_actor();
    let three = ["Bộ Tài chính", "Bộ Y tế", "Bộ Công Thương"];
    let two = ["Bộ Tài chính", "Bộ Y tế"];
    task(
        service,
        &office,
        "1/TB-XH",
        &three,
        ("2025-09-01", "2025-10-20"),
        &two,
        "2025-10-15",
    )
    .await;
    task(
        service,
        &office,
        "2/TB-XH",
        &two,
        ("2025-09-01", "2025-11-20"),
        &two,
        "2025-11-10",
    )
    .await;
}

/// The ranks in the rankings table's cells, in order.
fn ranks(html: &str) -> Vec<String> {
    html.split("<td class=\"num rank\"")
        .skip(1)
        .filter_map(|s| {
            let s = &s[s.find('>')? + 1..];
            Some(s[..s.find('<')?].to_string())
        })
        .collect()
}

/// The movement cell of an agency's row.
fn movement_of(html: &str, agency: &str) -> String {
    let row = html
        .split("<tr>")
        .find(|r| r.contains(&format!(">{agency}</a>")) && r.contains("num rank"))
        .unwrap_or_else(|| panic!("{agency} has a row: {html}"));
    let cell = row.rsplit("<td").next().unwrap();
    let cell = &cell[cell.find('>').unwrap() + 1..];
    cell[..cell.find('<').unwrap()].to_string()
}

#[tokio::test]
async fn the_office_previews_then_publishes_a_month() {
    for (backend, service) in services().await {
        two_months(&service).await;
        let mut office = signed_in(&service, "vanphong", "admin", None).await;
        let mut viewer = signed_in(&service, "xem", "viewer", None).await;
        let form = office.get("/xep-hang/tinh-diem").await;
        assert_eq!(form.status, StatusCode::OK, "[{backend}] {}", form.body);
        assert!(form.body.contains("name=\"thang\""), "[{backend}]");
        let csrf = form.csrf();

        // Badly written, then in the future: refused in Vietnamese, nothing computed.
        let bad = office
            .post(
                "/xep-hang/tinh-diem",
                &[("csrf", &csrf), ("thang", "13/2025")],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "[{backend}]");
        assert!(
            bad.body.contains("Tháng viết chưa đúng") && bad.body.contains("value=\"13/2025\""),
            "[{backend}] {}",
            bad.body
        );
        let next = today().with_day(1).unwrap() + chrono::Duration::days(62);
        let future = format!("{:02}/{}", next.month(), next.year());
        let bad = office
            .post(
                "/xep-hang/tinh-diem",
                &[("csrf", &csrf), ("thang", &future)],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "[{backend}]");
        assert!(
            bad.body.contains("Tháng này chưa đến"),
            "[{backend}] {}",
            bad.body
        );

        // The preview: the ranking, said to be unpublished; nothing stored.
        let preview = office
            .post(
                "/xep-hang/tinh-diem",
                &[("csrf", &csrf), ("thang", "10/2025")],
            )
            .await;
        assert_eq!(
            preview.status,
            StatusCode::OK,
            "[{backend}] {}",
            preview.body
        );
        assert!(
            preview.body.contains("Bản xem trước tháng 10/2025"),
            "[{backend}]"
        );
        assert!(preview.body.contains("chưa được công bố"), "[{backend}]");
        assert_eq!(ranks(&preview.body), ["1", "1", "3"], "[{backend}]");
        assert!(
            preview.body.contains("biết đến hết ngày 31/10/2025"),
            "[{backend}] the month is read as known at its end"
        );
        let runs = service
            .list_score_runs(&service.system_actor(), None)
            .await
            .unwrap();
        assert!(runs.is_empty(), "[{backend}] a preview stores nothing");
        let hash = attr_after(&preview.body, "name=\"hash\"", "value").expect("the preview's hash");

        // Publishing needs the confirmation box.
        let unconfirmed = office
            .post(
                "/xep-hang/tinh-diem/cong-bo",
                &[("csrf", &csrf), ("thang", "2025-10"), ("hash", &hash)],
            )
            .await;
        assert_eq!(
            unconfirmed.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{backend}]"
        );
        assert!(
            unconfirmed.body.contains("hãy đánh dấu ô xác nhận"),
            "[{backend}]"
        );
        assert!(
            service
                .list_score_runs(&service.system_actor(), None)
                .await
                .unwrap()
                .is_empty()
        );
        // A hash that is not the month's (the data changed since): refused.
        let stale = office
            .post(
                "/xep-hang/tinh-diem/cong-bo",
                &[
                    ("csrf", &csrf),
                    ("thang", "2025-10"),
                    ("hash", "00ff"),
                    ("xac_nhan", "1"),
                ],
            )
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT, "[{backend}]");
        assert!(
            stale.body.contains("hãy tính lại bản xem trước"),
            "[{backend}] {}",
            stale.body
        );

        let published = office
            .post(
                "/xep-hang/tinh-diem/cong-bo",
                &[
                    ("csrf", &csrf),
                    ("thang", "2025-10"),
                    ("hash", &hash),
                    ("xac_nhan", "1"),
                ],
            )
            .await;
        assert_eq!(
            published.status,
            StatusCode::SEE_OTHER,
            "[{backend}] {}",
            published.body
        );
        assert_eq!(published.location(), "/xep-hang?month=2025-10&ok=cong-bo");
        let runs = service
            .list_score_runs(&service.system_actor(), None)
            .await
            .unwrap();
        assert_eq!(runs.len(), 1, "[{backend}]");
        assert_eq!(
            runs[0].content_hash, hash,
            "[{backend}] what was previewed is published"
        );
        // In the audit history, by the office's user.
        let events = service
            .list_events(
                &service.system_actor(),
                tiendo_store::EventFilter {
                    entity: Some("score_run".into()),
                    entity_id: runs[0].id,
                    actor_id: None,
                    page: 1,
                    per_page: 10,
                },
            )
            .await
            .unwrap();
        assert_eq!(events.items.len(), 1, "[{backend}]");
        assert_eq!(events.items[0].action, "publish", "[{backend}]");
        assert_eq!(
            events.items[0].actor_name.as_deref(),
            Some("vanphong"),
            "[{backend}]"
        );

        let page = viewer.get("/xep-hang").await;
        assert!(
            page.body.contains("tháng 10/2025"),
            "[{backend}] {}",
            page.body
        );
        assert_eq!(
            ranks(&page.body),
            ["1", "1", "3"],
            "[{backend}] ties share a place"
        );
        assert!(
            page.body.contains("<li value=\"1\">"),
            "[{backend}] the leaders box too"
        );
        // No month before October: no movement shown, not "mới".
        assert_eq!(movement_of(&page.body, "Bộ Y tế"), "", "[{backend}]");
        let office_page = office.get("/xep-hang?month=2025-10&ok=cong-bo").await;
        assert!(
            office_page.body.contains("Đã công bố điểm của tháng"),
            "[{backend}]"
        );

        // Previewed again: nothing differs from what is published.
        let again = office
            .post(
                "/xep-hang/tinh-diem",
                &[("csrf", &csrf), ("thang", "10/2025")],
            )
            .await;
        assert!(
            again.body.contains("id=\"no-change\""),
            "[{backend}] {}",
            again.body
        );
        assert!(
            again.body.contains("name=\"ly_do\""),
            "[{backend}] a second run is a correction"
        );
    }
}

#[tokio::test]
async fn a_focal_point_or_a_viewer_cannot_compute_or_publish() {
    for (backend, service) in services().await {
        two_months(&service).await;
        for (name, role, agency) in [
            ("bo.yte", "focal", Some("Bộ Y tế")),
            ("xem", "viewer", None),
        ] {
            let mut c = signed_in(&service, name, role, agency).await;
            assert_eq!(
                c.get("/xep-hang/tinh-diem").await.status,
                StatusCode::FORBIDDEN,
                "[{backend}] {role}"
            );
            let page = c.get("/xep-hang").await;
            assert!(
                !page.body.contains("/xep-hang/tinh-diem"),
                "[{backend}] no link for a {role}"
            );
            let csrf = page.csrf();
            let compute = c
                .post(
                    "/xep-hang/tinh-diem",
                    &[("csrf", &csrf), ("thang", "10/2025")],
                )
                .await;
            assert_eq!(compute.status, StatusCode::FORBIDDEN, "[{backend}] {role}");
            let publish = c
                .post(
                    "/xep-hang/tinh-diem/cong-bo",
                    &[
                        ("csrf", &csrf),
                        ("thang", "2025-10"),
                        ("hash", "x"),
                        ("xac_nhan", "1"),
                    ],
                )
                .await;
            assert_eq!(publish.status, StatusCode::FORBIDDEN, "[{backend}] {role}");
        }
        let runs = service
            .list_score_runs(&service.system_actor(), None)
            .await
            .unwrap();
        assert!(runs.is_empty(), "[{backend}] nothing published");
    }
}

/// November stored the way a sorted list numbers places (Bộ Y tế 2nd although
/// tied first, Bộ Công Thương 3rd): the page shows places from the scores, 1, 1,
/// 3, and Bộ Y tế, first in October and in November, has no "▼".
#[tokio::test]
async fn places_and_movement_are_tie_aware_and_the_hash_is_the_offices() {
    for (backend, service) in services().await {
        two_months(&service).await;
        let system = service.system_actor();
        service
            .score_month(&system, "2025-10", false)
            .await
            .expect("October");
        let nov = service
            .compute_month(Month::parse("2025-11").unwrap())
            .await
            .unwrap();
        let mut results = nov.results.clone();
        let mut position = 0;
        let mut yte = 0;
        for name in ["Bộ Tài chính", "Bộ Y tế", "Bộ Công Thương"] {
            position += 1;
            let r = results
                .iter_mut()
                .find(|r| r.agency_id.is_some_and(|a| service.agency_name(a) == name))
                .expect(name);
            r.rank_in_group = Some(position);
            if name == "Bộ Y tế" {
                yte = r.agency_id.unwrap();
            }
        }
        service
            .store
            .create_score_run(
                &NewScoreRun {
                    month: "2025-11".into(),
                    knowledge_at: nov.knowledge_at,
                    rules_version: nov.rules_version,
                    rules_body: nov.rules_body.clone(),
                    replaces: None,
                    reason: None,
                    content_hash: nov.content_hash.clone(),
                    results,
                },
                &Stamp::now(None),
            )
            .await
            .expect("November");
        let mut viewer = signed_in(&service, "xem", "viewer", None).await;
        let page = viewer.get("/xep-hang?month=2025-11").await;
        assert_eq!(page.status, StatusCode::OK, "[{backend}]");
        assert_eq!(
            ranks(&page.body),
            ["1", "1", "3"],
            "[{backend}] {}",
            page.body
        );
        assert_eq!(movement_of(&page.body, "Bộ Y tế"), "=", "[{backend}]");
        assert_eq!(movement_of(&page.body, "Bộ Tài chính"), "=", "[{backend}]");
        assert!(!page.body.contains('▼'), "[{backend}] nobody lost a place");
        // The viewer sees neither the run nor its hash; the office does.
        assert!(!page.body.contains(&nov.content_hash), "[{backend}]");
        assert!(!page.body.contains("SHA-256"), "[{backend}]");
        let mut office = signed_in(&service, "vanphong", "admin", None).await;
        let page = office.get("/xep-hang?month=2025-11").await;
        assert!(page.body.contains(&nov.content_hash), "[{backend}]");
        assert!(
            page.body
                .contains("<details class=\"raw\" id=\"run-details\">"),
            "[{backend}]"
        );
        // The agency page's score block: tie-aware too.
        let card = viewer.get(&format!("/co-quan/{yte}")).await;
        assert!(
            card.body.contains("<strong>1/3</strong>"),
            "[{backend}] {}",
            card.body
        );
    }
}
