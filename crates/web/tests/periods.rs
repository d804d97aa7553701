//! Periods are written the Vietnamese way on every page (issue 14): a month
//! "10/2025", a quarter "Quý IV/2025", never the stored keys "2025-10" or
//! "2025-Q4" (links and form values may keep them). The rankings, the office's
//! scores, the databases and the indicators, on both backends, over the demo.

mod common;

use axum::http::StatusCode;
use common::*;
use tiendo_core::indicator::{Aggregation, Direction, Periodicity};
use tiendo_core::policy::{Actor, Role};
use tiendo_service::Service;
use tiendo_service::indicators::{IndicatorInput, MeasurementInput};

fn office() -> Actor {
    Actor {
        user_id: 0,
        username: "test".into(),
        role: Role::Admin,
        agency_id: None,
    }
}

/// What a reader sees: the page without its tags (attributes, links and form
/// values are not read).
fn visible(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The first stored period key in a text ("2025-10", "2025-Q4"), if any.
fn iso_period(text: &str) -> Option<String> {
    let b = text.as_bytes();
    for i in 0..b.len().saturating_sub(6) {
        let year = b[i..i + 4].iter().all(u8::is_ascii_digit)
            && (i == 0 || !b[i - 1].is_ascii_digit())
            && b[i + 4] == b'-';
        if !year {
            continue;
        }
        let rest = &b[i + 5..];
        let month = rest.len() >= 2
            && rest[0].is_ascii_digit()
            && rest[1].is_ascii_digit()
            && (rest.len() == 2 || !rest[2].is_ascii_digit());
        let quarter = rest.len() >= 2 && rest[0] == b'Q' && rest[1].is_ascii_digit();
        if month || quarter {
            return Some(text[i..(i + 7).min(text.len())].to_string());
        }
    }
    None
}

fn assert_vietnamese_periods(backend: &str, path: &str, html: &str) {
    if let Some(found) = iso_period(&visible(html)) {
        let text = visible(html);
        let at = text.find(&found).unwrap_or(0);
        let from = text.floor_char_boundary(at.saturating_sub(80));
        let to = text.ceil_char_boundary((at + 80).min(text.len()));
        panic!(
            "[{backend}] {path} shows the key {found:?}: …{}…",
            &text[from..to]
        );
    }
}

async fn quarterly(service: &Service) {
    let actor = service.system_actor();
    service
        .create_indicator(
            &actor,
            &IndicatorInput {
                code: "theo-quy".into(),
                name: "Chỉ tiêu theo quý".into(),
                unit: "%".into(),
                direction: Direction::Increase,
                aggregation: Aggregation::Mean,
                levels: vec!["central".into()],
                periodicity: Periodicity::Quarter,
                source: None,
                valid_min: Some(0.0),
                valid_max: Some(100.0),
            },
        )
        .await
        .expect("indicator");
    let inputs: Vec<MeasurementInput> = [("2025-Q3", 30.0), ("2025-Q4", 45.5)]
        .iter()
        .map(|(period, value)| MeasurementInput {
            agency: None,
            period: (*period).into(),
            value: *value,
            source: None,
            note: None,
        })
        .collect();
    service
        .record_measurements(&actor, "theo-quy", &inputs)
        .await
        .expect("measurements");
}

#[test]
fn the_detector_finds_keys_and_not_dates() {
    assert_eq!(iso_period("tháng 2025-10 ").as_deref(), Some("2025-10"));
    assert_eq!(iso_period("kỳ 2025-Q4").as_deref(), Some("2025-Q4"));
    assert_eq!(iso_period("10/2025, Quý IV/2025, 16/07/2025"), None);
    assert_eq!(iso_period("số 12025-1"), None);
}

#[tokio::test]
async fn rankings_scores_databases_and_indicators_write_periods_the_vietnamese_way() {
    for (backend, service) in services().await {
        service.load_demo().await.expect("demo");
        quarterly(&service).await;
        // Two published months, so the rankings have a previous month too.
        for month in ["2025-09", "2025-10"] {
            let p = service
                .preview_scores(&office(), month)
                .await
                .expect("preview");
            service
                .publish_scores(&office(), month, &p.content_hash, None)
                .await
                .expect("publish");
        }
        service
            .open_db_round(
                &office(),
                &serde_json::from_value(serde_json::json!({"name": "2025-Q4"})).unwrap(),
            )
            .await
            .expect("round");
        let mut c = signed_in(&service, "vanphong", "admin", None).await;

        let rankings = c.get("/xep-hang?month=2025-10").await;
        assert_eq!(rankings.status, StatusCode::OK, "[{backend}]");
        assert!(
            rankings.body.contains("10/2025") && rankings.body.contains("09/2025"),
            "[{backend}] the month and the previous one as 10/2025, 09/2025"
        );
        assert_vietnamese_periods(backend, "/xep-hang", &rankings.body);

        let form = c.get("/xep-hang/tinh-diem").await;
        assert_vietnamese_periods(backend, "/xep-hang/tinh-diem", &form.body);
        let preview = c
            .post(
                "/xep-hang/tinh-diem",
                &[("csrf", &form.csrf()), ("thang", "10/2025")],
            )
            .await;
        assert_eq!(preview.status, StatusCode::OK, "[{backend}]");
        assert!(preview.body.contains("10/2025"), "[{backend}]");
        assert_vietnamese_periods(backend, "/xep-hang/tinh-diem (preview)", &preview.body);

        let databases = c.get("/co-so-du-lieu").await;
        assert_eq!(databases.status, StatusCode::OK, "[{backend}]");
        assert!(
            databases.body.contains("Quý IV/2025"),
            "[{backend}] the round named by its quarter"
        );
        assert_vietnamese_periods(backend, "/co-so-du-lieu", &databases.body);

        let list = c.get("/chi-tieu").await;
        assert_eq!(list.status, StatusCode::OK, "[{backend}]");
        assert!(
            list.body.contains("Quý IV/2025"),
            "[{backend}] latest quarter"
        );
        assert_vietnamese_periods(backend, "/chi-tieu", &list.body);
        let codes: Vec<String> = list
            .body
            .match_indices("href=\"/chi-tieu/")
            .filter_map(|(i, m)| {
                let rest = &list.body[i + m.len()..];
                Some(rest[..rest.find('"')?].to_string())
            })
            .collect();
        assert!(codes.len() > 1, "[{backend}] demo indicators and ours");
        for code in &codes {
            let path = format!("/chi-tieu/{code}");
            let page = c.get(&path).await;
            assert_eq!(page.status, StatusCode::OK, "[{backend}] {path}");
            assert_vietnamese_periods(backend, &path, &page.body);
        }
        let ours = c.get("/chi-tieu/theo-quy").await;
        assert!(
            ours.body.contains("Kỳ Quý IV/2025"),
            "[{backend}] the period's heading"
        );
        // The form takes the period as people write it.
        let ok = c
            .post(
                "/chi-tieu/theo-quy/so-lieu",
                &[
                    ("csrf", &ours.csrf()),
                    ("agency", ""),
                    ("period", "Quý II/2025"),
                    ("value", "20"),
                ],
            )
            .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "[{backend}] {}", ok.body);
        let again = c.get("/chi-tieu/theo-quy?period=2025-Q2").await;
        assert!(again.body.contains("Kỳ Quý II/2025"), "[{backend}]");
    }
}
