//! A document that is not a seed (a plan of 2024, before the mergers) exercises the
//! forms the seeds show in other combinations: names valid on the document's date,
//! `as_of_names`, a deadline written on a heading, an agency heading with bullets,
//! enumerations, an event deadline, a narrative section, a date without a year.

use tiendo_core::deadline::DeadlineKind;
use tiendo_extract::{ExtractOptions, Extraction, extract_text};

const PLAN: &str = include_str!("variant-plan.txt");

fn run(options: ExtractOptions) -> Extraction {
    extract_text(PLAN, &options)
}

#[test]
fn reads_a_plan_of_2024() {
    let x = run(ExtractOptions::default());
    assert_eq!(x.document.number.as_deref(), Some("210/KH-UBND"));
    assert_eq!(x.document.kind.as_deref(), Some("Kế hoạch"));
    assert_eq!(
        x.document.date.map(|d| d.to_string()).as_deref(),
        Some("2024-10-15")
    );
    let refs: Vec<&str> = x.tasks.iter().map(|t| t.reference.as_str()).collect();
    assert_eq!(
        refs,
        [
            "III.1", "III.2.a", "III.2.b", "III.3.1", "III.3.2", "III.4", "III.5"
        ]
    );
    let t = &x.tasks[0];
    assert_eq!(t.lead, ["Bộ Kế hoạch và Đầu tư"]);
    assert_eq!(
        t.coord,
        ["Bộ Tài chính", "Ủy ban nhân dân Thành phố Hà Nội"]
    );
    // "trước ngày 15 tháng 12" takes the document's year.
    assert_eq!(
        t.deadline.due.map(|d| d.to_string()).as_deref(),
        Some("2024-12-15")
    );
    // The heading's deadline applies to its items.
    assert_eq!(x.tasks[1].deadline.kind, DeadlineKind::Month);
    assert_eq!(
        x.tasks[2].deadline.due.map(|d| d.to_string()).as_deref(),
        Some("2024-11-30")
    );
    assert_eq!(
        x.tasks[1].lead,
        [
            "Ủy ban nhân dân tỉnh Nghệ An",
            "Ủy ban nhân dân tỉnh Hà Tĩnh",
            "Ủy ban nhân dân tỉnh Quảng Bình"
        ]
    );
    assert_eq!(x.tasks[2].lead, ["Bộ Thông tin và Truyền thông"]);
    // An agency heading addresses its bullets.
    assert_eq!(x.tasks[3].lead, ["Ủy ban nhân dân Thành phố Hồ Chí Minh"]);
    assert_eq!(x.tasks[3].deadline.kind, DeadlineKind::Quarter);
    assert_eq!(x.tasks[4].deadline.kind, DeadlineKind::Recurring);
    assert_eq!(x.tasks[5].deadline.kind, DeadlineKind::Event);
    assert_eq!(x.tasks[6].lead, ["@bo-nganh", "@dia-phuong"]);
    assert_eq!(x.tasks[6].deadline.kind, DeadlineKind::Half);
    // The narrative section "II. ĐÁNH GIÁ TÌNH HÌNH" assigns nothing.
    assert!(x.tasks.iter().all(|t| !t.reference.starts_with("II.")));
}

#[test]
fn names_as_of_a_later_day() {
    let day = "2025-12-01".parse().ok();
    let x = run(ExtractOptions {
        as_of_names: day,
        registry: None,
    });
    assert_eq!(x.tasks[0].lead, ["Bộ Tài chính"]);
    assert_eq!(x.tasks[2].lead, ["Bộ Khoa học và Công nghệ"]);
    assert!(
        x.tasks[1]
            .lead
            .contains(&"Ủy ban nhân dân tỉnh Quảng Trị".to_string())
    );
}

#[test]
fn six_clear_and_products() {
    let x = run(ExtractOptions::default());
    let t = &x.tasks[5];
    assert_eq!(
        t.product.as_deref(),
        Some("dự thảo Nghị định hướng dẫn Luật Dữ liệu")
    );
    assert!(!t.six_clear.contains(&"no_deadline".to_string()));
    let groups = &x.tasks[6];
    assert!(groups.six_clear.contains(&"no_person".to_string()));
    // No issuer agency is named: the authority is unclear.
    assert!(groups.six_clear.contains(&"no_authority".to_string()));
}
