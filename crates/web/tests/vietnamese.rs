//! Vietnamese throughout (issue 14 item 9), through the whole router on SQLite
//! and, when configured, PostgreSQL: error pages say in Vietnamese what was not
//! found or refused (never the service's English), a mistyped address gives the
//! Vietnamese 404 page (never JSON or axum's English text), no English words in
//! parentheses and no pointers to docs/*.md on pages.

mod common;

use axum::http::StatusCode;
use common::{services, signed_in};
use tiendo_core::policy::{Actor, Role};
use tiendo_core::time::today;
use tiendo_store::AssignmentFilter;

const FOCAL_AGENCY: &str = "Bộ Công an";

fn office() -> Actor {
    Actor {
        user_id: 0,
        username: "test".into(),
        role: Role::Admin,
        agency_id: None,
    }
}

/// English the service writes, which must not reach a Vietnamese page.
const ENGLISH: &[&str] = &[
    "not assigned",
    "(task)",
    "(assignment)",
    "not found",
    "belongs to another",
    "Invalid URL",
    "Cannot parse",
    "no such page",
    "{\"error\"",
];

fn assert_vietnamese_error(backend: &str, path: &str, a: &common::Answer) {
    let ct = a
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(ct.starts_with("text/html"), "[{backend}] {path}: {ct}");
    assert!(a.body.contains("<html lang=\"vi\""), "[{backend}] {path}");
    for en in ENGLISH {
        assert!(!a.body.contains(en), "[{backend}] {path}: {en}\n{}", a.body);
    }
}

#[tokio::test]
async fn mistyped_addresses_give_the_vietnamese_404_page() {
    for (backend, service) in services().await {
        service.load_demo().await.expect("demo");
        let mut c = signed_in(&service, "lanhdao", "viewer", None).await;
        for (path, says) in [
            ("/nhiem-vu/abc", "Có thể địa chỉ trang bị gõ nhầm"),
            ("/nhiem-vu/99999999", "Không tìm thấy nhiệm vụ này"),
            (
                "/phan-cong/99999999",
                "Không tìm thấy phân công nhiệm vụ này",
            ),
            ("/phan-cong/abc", "Có thể địa chỉ trang bị gõ nhầm"),
            ("/co-quan/99999999", "Không tìm thấy cơ quan này"),
            ("/khong-co-trang-nay", "Có thể địa chỉ trang bị gõ nhầm"),
            ("/nhiem-vu/1/2/3", "Có thể địa chỉ trang bị gõ nhầm"),
        ] {
            let a = c.get(path).await;
            assert_eq!(a.status, StatusCode::NOT_FOUND, "[{backend}] {path}");
            assert_vietnamese_error(backend, path, &a);
            assert!(a.body.contains("Không tìm thấy"), "[{backend}] {path}");
            assert!(a.body.contains(says), "[{backend}] {path}: {}", a.body);
        }
        // The API keeps its JSON.
        let api = c.get("/api/v1/khong-co").await;
        assert_eq!(api.status, StatusCode::NOT_FOUND, "[{backend}]");
        assert!(api.body.starts_with('{'), "[{backend}] {}", api.body);
        // English on request stays English.
        let en = c.get("/nhiem-vu/99999999?lang=en").await;
        assert!(
            en.body.contains("task not found"),
            "[{backend}] {}",
            en.body
        );
    }
}

#[tokio::test]
async fn refusals_are_explained_in_vietnamese() {
    for (backend, service) in services().await {
        service.load_demo().await.expect("demo");
        let mine = service
            .resolve_agency("agency", FOCAL_AGENCY, None)
            .expect("agency")
            .id;
        let mut c = signed_in(&service, "daumoi.bca", "focal", Some(FOCAL_AGENCY)).await;
        let page = service
            .list_assignments(
                &office(),
                AssignmentFilter {
                    task_id: None,
                    agency_id: None,
                    document_id: None,
                    status: None,
                    as_of: today(),
                    due_soon_days: 0,
                    confined_to: None,
                    page: 1,
                    per_page: 1000,
                },
            )
            .await
            .expect("assignments");
        let other = page
            .items
            .iter()
            .find(|a| a.agency_id != mine)
            .expect("another agency's assignment");
        // Another agency's assignment: a known reason, said in Vietnamese.
        let path = format!("/phan-cong/{}", other.id);
        let a = c.get(&path).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "[{backend}] {path}");
        assert_vietnamese_error(backend, &path, &a);
        assert!(
            a.body.contains("Phân công này thuộc cơ quan khác"),
            "[{backend}] {}",
            a.body
        );
        // A task assigned only to others.
        let mut refused = 0;
        for a in page.items.iter().filter(|a| a.agency_id != mine) {
            let path = format!("/nhiem-vu/{}", a.task_id);
            let t = c.get(&path).await;
            if t.status == StatusCode::FORBIDDEN {
                assert_vietnamese_error(backend, &path, &t);
                assert!(
                    t.body
                        .contains("Nhiệm vụ này không giao cho cơ quan của bạn."),
                    "[{backend}] {}",
                    t.body
                );
                refused += 1;
                break;
            }
        }
        assert_eq!(refused, 1, "[{backend}] no task of others only");
    }
}

#[test]
fn unknown_english_is_never_shown_on_a_vietnamese_page() {
    use tiendo_web::i18n::{NOT_FOUND_VI, forbidden_vi, not_found_vi};
    assert_eq!(
        not_found_vi("task"),
        "Không tìm thấy nhiệm vụ này. Có thể địa chỉ trang bị gõ nhầm hoặc dữ liệu không còn."
    );
    assert!(not_found_vi("progress report").contains("báo cáo tiến độ"));
    assert!(
        not_found_vi("published score run for 2025-11").contains("kết quả chấm điểm đã công bố")
    );
    assert_eq!(not_found_vi("gizmo"), NOT_FOUND_VI);
    assert_eq!(forbidden_vi("something new in English"), None);
    assert_eq!(
        forbidden_vi("this task is not assigned to your agency").as_deref(),
        Some("Nhiệm vụ này không giao cho cơ quan của bạn.")
    );
    assert!(
        forbidden_vi("this assignment belongs to another agency, and the task does not name yours as coordinating")
            .is_some_and(|s| s.contains("phối hợp"))
    );
}

/// Every template, as shipped.
fn templates() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("templates") {
        let p = e.expect("entry").path();
        out.push((
            p.display().to_string(),
            std::fs::read_to_string(&p).expect("template"),
        ));
    }
    assert!(out.len() > 10);
    out
}

#[test]
fn no_pages_point_to_docs_or_add_english_in_parentheses() {
    for (path, text) in templates() {
        assert!(!text.contains("docs/"), "{path}");
        for en in [
            "(preview)",
            "(draft)",
            "(published)",
            "(task)",
            "(example row)",
        ] {
            assert!(!text.contains(en), "{path}: {en}");
        }
    }
    for (path, text) in [
        ("pages", include_str!("../src/pages/mod.rs")),
        ("rankings", include_str!("../src/pages/rankings.rs")),
        ("indicators", include_str!("../src/pages/indicators.rs")),
        ("databases", include_str!("../src/pages/databases.rs")),
    ] {
        let shown = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .any(|l| l.contains("docs/"));
        assert!(!shown, "{path}");
    }
}

#[tokio::test]
async fn downloads_are_named_in_vietnamese_words() {
    for (backend, service) in services().await {
        service.load_demo().await.expect("demo");
        let mut c = signed_in(&service, "vanphong", "admin", None).await;
        let day = today().format("%d-%m-%Y").to_string();
        for (path, name) in [
            ("/nhiem-vu.csv", format!("danh-sach-nhiem-vu-{day}.csv")),
            ("/nhiem-vu.xlsx", format!("danh-sach-nhiem-vu-{day}.xlsx")),
            (
                "/tai-bao-cao/overdue?format=xlsx&as_of=2025-07-16",
                "bao-cao-qua-han-16-07-2025.xlsx".to_string(),
            ),
        ] {
            let a = c.get(path).await;
            assert_eq!(a.status, StatusCode::OK, "[{backend}] {path}: {}", a.body);
            let cd = a
                .headers
                .get("content-disposition")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            assert!(
                cd.contains(&format!("filename=\"{name}\"")),
                "[{backend}] {path}: {cd}"
            );
            assert!(
                cd.contains(&format!("filename*=UTF-8''{name}")),
                "[{backend}] {path}: {cd}"
            );
            assert!(!cd.contains("overdue"), "[{backend}] {path}: {cd}");
        }
    }
}

#[test]
fn printed_dates_are_written_the_administrative_way() {
    use chrono::NaiveDate;
    use tiendo_core::printed::vi_long_date;
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    // One formatter for letters and printed reports: no leading zero in the
    // month from March on.
    assert_eq!(vi_long_date(d(2025, 7, 16)), "ngày 16 tháng 7 năm 2025");
    assert_eq!(
        vi_long_date(d(2025, 11, 20)),
        tiendo_core::letter::admin_long_date(d(2025, 11, 20))
    );
    assert_eq!(vi_long_date(d(2025, 11, 20)), "ngày 20 tháng 11 năm 2025");
}

#[test]
fn percentages_are_written_one_way() {
    use tiendo_web::i18n::Lang;
    // Decimal comma, no space before %: the share helper and figures with a unit.
    assert_eq!(Lang::Vi.percent(79, 200), "39,5%");
    assert_eq!(Lang::Vi.quantity(39.5, 1, "%"), "39,5%");
    assert_eq!(
        Lang::Vi.quantity(12.5, 1, "nghìn tỷ đồng"),
        "12,5 nghìn tỷ đồng"
    );
    assert_eq!(
        tiendo_core::printed::Cell::Percent(39.5).display(),
        Lang::Vi.quantity(39.5, 1, "%")
    );
}
